"""One module per ``amtsweg`` command; each registers itself on ``app.cli.cli``."""
