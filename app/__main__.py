"""``python -m app`` runs the ``amtsweg`` command line."""

from app.cli.main import run

run()
