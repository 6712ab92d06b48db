"""The ``amtsweg`` command line: the one place where the commands meet typer.

Each command is a plain function in its own module of ``app/cli/`` (its parameters are the
command's arguments and options); :data:`COMMANDS` names them and :data:`cli` registers them.
User mistakes (:class:`~analyzer.problems.AmtswegError`) are printed as plain sentences with
where they happened, never as a traceback.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable
from typing import Any, NoReturn

import typer

from analyzer.problems import AmtswegError
from app.cli import (
    analyze,
    compare,
    demo,
    exporting,
    importing,
    info,
    mapping,
    reanalyse,
    report,
    simulate,
    users,
    web,
)
from app.cli.output import language, print_error, set_options

#: Command name → the function that carries it out, in the order ``--help`` lists them.
COMMANDS: dict[str, Callable[..., Any]] = {
    "import": importing.import_command,
    "info": info.info_command,
    "map": mapping.map_command,
    "analyze": analyze.analyze_command,
    "compare": compare.compare_command,
    "reanalyse": reanalyse.reanalyse_command,
    "export": exporting.export_command,
    "report": report.report_command,
    "simulate": simulate.simulate_command,
    "demo": demo.demo_command,
    "app": web.app_command,
    "users": users.users_app,
}

#: One example call per command, shown at the end of its ``--help``.
EXAMPLES: dict[str, str] = {
    "import": "amtsweg import export.csv -m Musterstadt -s Wohngeld -w amtsweg.duckdb",
    "info": "amtsweg info -w amtsweg.duckdb",
    "map": "amtsweg map export.csv",
    "analyze": "amtsweg analyze export.csv -o befunde.xlsx",
    "compare": "amtsweg compare exporte/ -o vergleich.xlsx",
    "reanalyse": "amtsweg reanalyse -w amtsweg.duckdb --costs kosten.toml",
    "export": "amtsweg export musterstadt.xes.gz -m Musterstadt -s Wohngeld -w amtsweg.duckdb",
    "report": "amtsweg report export.csv -o bericht.pdf",
    "simulate": "amtsweg simulate -s wohngeld -m all -f csv -o simuliert",
    "demo": "amtsweg demo",
    "app": "amtsweg app -w amtsweg.duckdb",
    "users": "amtsweg users add anna --municipality Musterdorf -w amtsweg.duckdb",
}

cli = typer.Typer(
    name="amtsweg",
    help="Amtsweg: Prozessanalyse und Bürokratielast für die Verwaltung / process mining and "
    "bureaucracy burden for public administration.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


@cli.callback()
def _global_options(
    lang: str = typer.Option(
        os.environ.get("AMTSWEG_LANG", "de"),
        "--lang",
        help="Sprache der Ausgabe / output language: de, en.",
    ),
    quiet: bool = typer.Option(
        False, "--quiet", "-q", help="Nur Fehler ausgeben / print errors only (for scripts)."
    ),
) -> None:
    set_options(lang=lang, quiet=quiet)


for _name, _command in COMMANDS.items():
    _epilog = f"Beispiel / example: {EXAMPLES[_name]}"
    if isinstance(_command, typer.Typer):  # a group of commands: amtsweg users add ...
        cli.add_typer(_command, name=_name, epilog=_epilog)
    else:
        cli.command(_name, epilog=_epilog)(_command)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code."""
    try:
        # standalone mode: typer prints its own usage errors and exits with their code;
        # everything else that escapes is ours to word.
        cli(args=argv, standalone_mode=True, prog_name="amtsweg")
    except AmtswegError as exc:
        print_error(exc, language())
        return 2
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return 0


def run() -> NoReturn:
    """The console script and ``python -m app``: :func:`main`, then leave the process at
    once with its exit code. The work is done and every file and database is closed by
    then; skipping the interpreter's teardown avoids a native library's thread being torn
    down out of order, which now and then aborts the process at exit ("terminate called
    without an active exception", exit -6; cf. pola-rs/polars#24169) after a command that
    succeeded."""
    code = main()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe (| head) is no error
            stream.flush()
    os._exit(code)
