"""The Dash app of ``amtsweg app``: see server.py (how it is built and served)."""
