"""The ``amtsweg`` command line: wiring only; the work happens in connectors/analyzer/reports.

Each command lives in its own module in ``app/commands/`` and registers itself on
:data:`cli` when imported below. User mistakes (:class:`InputError`) are printed as plain
sentences with where they happened, never as a traceback.
"""

from __future__ import annotations

import typer

from analyzer.problems import AmtswegError

cli = typer.Typer(
    name="amtsweg",
    help="Amtsweg: Prozessanalyse und Bürokratielast für die Verwaltung / process mining and "
    "bureaucracy burden for public administration.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _register_commands() -> None:
    # Imported for their side effect of registering commands on `cli`.
    from app.commands import (  # noqa: F401
        analyze,
        compare,
        demo,
        exporting,
        importing,
        info,
        mapping,
        simulate,
    )


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code."""
    from app.commands.common import language, print_error

    _register_commands()
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
