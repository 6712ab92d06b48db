"""``python -m app`` runs the ``amtsweg`` command line."""

import sys

from app.cli.main import main

sys.exit(main())
