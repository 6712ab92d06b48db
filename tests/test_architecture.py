"""The house rules, read from the code: imports flow ``app -> reports -> analyzer <- connectors``
(``reports`` imports no ``connectors``), no module imports itself back through others, and no
module of the four packages grows past :data:`MAX_LINES` lines."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("analyzer", "connectors", "reports", "app")
MAX_LINES = 800

#: What each package may import of the others (itself always).
ALLOWED: dict[str, set[str]] = {
    "analyzer": set(),
    "connectors": {"analyzer"},
    "reports": {"analyzer"},
    "app": {"reports", "analyzer", "connectors"},
}


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {
        module_name(p): p
        for package in PACKAGES
        for p in sorted((REPO / package).rglob("*.py"))
        if "__pycache__" not in p.parts
    }


def imported_modules(path: Path, known: set[str]) -> set[str]:
    """Every module of the four packages that ``path`` imports, at the top or inside a
    function (a lazy import still ties the two modules together); ``from a.b import c`` is
    ``a.b.c`` where that is a module, else ``a.b``."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            submodules = [f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in known]
            # names taken from a module tie to it; submodules taken from a package tie to
            # them, not to the package (which Python has half-initialised by then, harmlessly)
            targets = submodules if len(submodules) == len(node.names) else [*submodules, base]
        else:
            continue
        for target in targets:
            # the longest known module the target names
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target.split(".")[0] in PACKAGES:
                found.add(target)
    found.discard(name)
    return found


def import_graph() -> dict[str, set[str]]:
    mods = modules()
    known = set(mods)
    return {name: imported_modules(path, known) for name, path in mods.items()}


def test_imports_flow_one_way() -> None:
    wrong = sorted(
        f"{source} imports {target}"
        for source, targets in import_graph().items()
        for target in targets
        if target.split(".")[0] != source.split(".")[0]
        and target.split(".")[0] not in ALLOWED[source.split(".")[0]]
    )
    assert wrong == []


def cycles_of(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every loop a depth-first walk of ``graph`` closes, each as the modules along it."""
    cycles: list[list[str]] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                cycles.append([*stack[stack.index(target) :], target])
            elif target not in state:
                visit(target)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return cycles


def test_no_module_imports_itself_back() -> None:
    """A submodule that takes names from its own package's ``__init__`` (which imports the
    submodule to offer them) closes a loop like any other."""
    assert [" -> ".join(c) for c in cycles_of(import_graph())] == []


def test_the_cycle_check_finds_loops() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"e"}}
    assert cycles_of(graph) == [["a", "b", "c", "a"], ["e", "e"]]
    assert cycles_of({"a": {"b"}, "b": {"c"}, "c": set()}) == []


@pytest.mark.parametrize("package", PACKAGES)
def test_no_module_is_longer_than_the_limit(package: str) -> None:
    too_long = {
        str(p.relative_to(REPO)): n
        for p in sorted((REPO / package).rglob("*.py"))
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert too_long == {}
