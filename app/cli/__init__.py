"""The ``amtsweg`` command line (typer): wiring only.

One module per command (``importing``, ``info``, ``mapping``, ``analyze``, ``compare``,
``exporting``, ``simulate``, ``demo``) defines a plain function whose parameters are the
command's arguments and options; :mod:`app.cli.main` wires them to the typer application and
turns user mistakes into plain sentences. :mod:`app.cli.output` is what they share: language,
quiet mode, the console, progress bars, numbers and tables. What a command computes lives in
the Python API (:mod:`app.api`), ``analyzer/`` or ``connectors/``.
"""
