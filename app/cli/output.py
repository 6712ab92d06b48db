"""What every command shares: language, quiet mode, the console, progress and error output."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from analyzer.problems import AmtswegError, Problem

_state = {"lang": os.environ.get("AMTSWEG_LANG", "de"), "quiet": False}
# soft_wrap: a sentence in a log file or a pipe stays on one line.
console = Console(highlight=False)
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
    timer = threading.Timer(delay, bar.start)
    timer.daemon = True
    timer.start()

    def advance(completed: float, total: float | None = None) -> None:
        bar.update(task, completed=completed, total=total)

    try:
        yield advance
    finally:
        timer.cancel()
        bar.stop()
