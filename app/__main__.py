"""``python -m app`` runs the ``amtsweg`` command line."""

import sys

from app.cli import main

sys.exit(main())
