"""What every command shares: language, quiet mode, the console, progress and error output."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.console import Console
from rich.markup import escape
from rich.measure import Measurement
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Column, Table

from analyzer.problems import AmtswegError, Problem

_state = {"lang": os.environ.get("AMTSWEG_LANG", "de"), "quiet": False}
# soft_wrap: a sentence or a path stays on one line for the terminal to wrap (and to copy),
# in a log file or a pipe too; tables are still fitted to the width.
console = Console(highlight=False, soft_wrap=True)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)


def set_options(*, lang: str, quiet: bool) -> None:
    """The global options ``--lang`` and ``--quiet`` for this run."""
    if lang not in ("de", "en"):
        raise typer.BadParameter("--lang: de | en")
    _state["lang"] = lang
    _state["quiet"] = quiet


def language() -> str:
    return str(_state["lang"])


def quiet() -> bool:
    return bool(_state["quiet"])


def say(de: str, en: str, *, style: str | None = None) -> None:
    """Print one line in the chosen language unless --quiet. The text is plain: "[columns]"
    in a message is not markup; emphasis is the ``style`` of the whole line (rich's style
    names, e.g. "yellow", "bold red"), dropped where the terminal has no colour."""
    if not quiet():
        console.print(escape(de if language() == "de" else en), style=style)


#: Detector → its name in German and English, for tables read by people (the registry's
#: names, ``media_breaks``, stay the names of ``--detectors`` and of the findings files).
def detector_name(name: str) -> str:
    """A detector's name in the language of the run (its registry name if unknown)."""
    from analyzer.detectors.names import detector_label

    return detector_label(name, "de" if language() == "de" else "en")


def say_mappings(sources, mapping=None) -> None:
    """One line per log file of ``sources`` (files or folders): the mapping it is read with
    (:func:`app.api.logs.mapping_for`). Database URLs are left out (their password must not
    be printed; ``import`` names them without it)."""
    from app import api

    files = [s for s in sources if not api.is_database_url(s)]
    for file in api.logs_in(files).files:
        say(*api.mapping_for(file, mapping).sentence(file))


def number(value: float, *, decimals: int = 0) -> str:
    """``12.345,6`` in German, ``12,345.6`` in English."""
    text = f"{value:,.{decimals}f}"
    if language() == "de":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text


def warn(problems: list[Problem]) -> None:
    """Print warnings (to stderr) unless --quiet."""
    if quiet():
        return
    for p in problems:
        err_console.print(
            f"[yellow]{'Hinweis' if language() == 'de' else 'Note'}:[/] "
            + escape(p.text(language()))
        )


def print_error(exc: AmtswegError, lang: str) -> None:
    head = "Fehler" if lang == "de" else "Error"
    err_console.print(f"[bold red]{head}:[/] " + escape(exc.text(lang)))


@contextmanager
def progress(description: str, total: float | None = None, *, delay: float = 2.0) -> Iterator:
    """A rich progress bar on stderr, shown only once work has taken ``delay`` seconds
    (quick work stays quiet) and never with --quiet; yields ``advance(done, total=None)``."""
    if quiet():
        yield lambda *args, **kwargs: None
        return
    bar = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    )
    task = bar.add_task(description, total=total)
    started = threading.Event()

    def start() -> None:
        started.set()
        bar.start()

    timer = threading.Timer(delay, start)
    timer.daemon = True
    timer.start()

    def advance(completed: float, total: float | None = None) -> None:
        bar.update(task, completed=completed, total=total)

    try:
        yield advance
    finally:
        timer.cancel()
        if started.is_set():  # a bar never shown leaves no empty line behind
            bar.stop()


# --- tables -------------------------------------------------------------------------------------

#: Width a column takes beyond its text: one space of padding each side and a border.
_COLUMN_EDGES = 3


def show_table(table: Table, *, keep: int = 1) -> None:
    """Print ``table`` so that no name, number or word is cut, whatever the terminal's width.

    A table wider than the terminal first gives every column at least its longest word (a
    number is one word) and wraps the rest; where even that does not fit, its columns are
    split into several tables, each repeating the first ``keep`` columns (the names rows are
    known by).
    """
    if quiet():
        return
    for part in fitted_tables(table, width=console.width, keep=keep):
        console.print(part)


def fitted_tables(table: Table, *, width: int, keep: int = 1) -> list[Table]:
    """``table`` as tables of at most ``width`` characters, none cutting a word (see
    :func:`show_table`); each column has fixed width once the table must wrap."""
    sizes = [_column_size(column) for column in table.columns]
    if _width_of(s[1] for s in sizes) <= width:
        return [table]
    keep = min(keep, len(sizes))
    groups: list[list[int]] = []
    for index in range(keep, len(sizes)):
        if groups and _width_of(sizes[i][0] for i in [*range(keep), *groups[-1], index]) <= width:
            groups[-1].append(index)
        else:
            groups.append([index])
    parts = []
    for n, group in enumerate(groups or [[]], start=1):
        chosen = [*range(keep), *group]
        part = _table_of(table, chosen)
        if len(groups) > 1:
            part.title = f"{table.title} ({n}/{len(groups)})" if table.title else None
        _fix_widths(part, [sizes[i] for i in chosen], width=width)
        parts.append(part)
    return parts


def _column_size(column: Column) -> tuple[int, int]:
    """(longest word, whole text) of a column's header and cells, in characters."""
    low, high = 1, 1
    for cell in (column.header, *column.cells):
        text = console.render_str(cell) if isinstance(cell, str) else cell
        measured = Measurement.get(console, console.options, text)
        low, high = max(low, measured.minimum), max(high, measured.maximum)
    if column.no_wrap:
        low = high
    return low, high


def _width_of(widths) -> int:
    widths = list(widths)
    return sum(widths) + _COLUMN_EDGES * len(widths) + 1


def _table_of(table: Table, indices: list[int]) -> Table:
    part = Table(
        title=table.title,
        box=table.box,
        show_header=table.show_header,
        show_lines=table.show_lines,
        header_style=table.header_style,
        title_style=table.title_style,
    )
    for i in indices:
        column = table.columns[i].copy()
        column._cells = list(table.columns[i].cells)
        part.columns.append(column)
    part.rows = list(table.rows)
    return part


def _fix_widths(table: Table, sizes: list[tuple[int, int]], *, width: int) -> None:
    """Give each column its longest word, and what room is left to the columns that would
    otherwise wrap most, so rich never shortens a column below a word."""
    widths = [low for low, _high in sizes]
    room = width - _width_of(widths)
    while room > 0:
        wants = [high - w for w, (_low, high) in zip(widths, sizes, strict=True)]
        if max(wants, default=0) <= 0:
            break
        widest = wants.index(max(wants))
        widths[widest] += 1
        room -= 1
    for column, w in zip(table.columns, widths, strict=True):
        column.width = w
        column.min_width = w
        column.overflow = "fold"


def attribute_values(items: list[str] | None) -> dict[str, str]:
    """``--where ATTRIBUTE=VALUE`` options as a mapping; a term without "=" is refused."""
    from analyzer.problems import error

    values: dict[str, str] = {}
    for item in items or []:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise error(
                "cli.where",
                f"--where „{item}“: bitte als ATTRIBUT=WERT angeben, z. B. "
                "--where Verfahren=vereinfacht",
                f"--where '{item}': give it as ATTRIBUTE=VALUE, e.g. --where procedure=simplified",
                value=item,
            )
        values[name.strip()] = value.strip()
    return values
