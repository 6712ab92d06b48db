"""Package data of the analyzer: the Standard Cost Model tables and the reference catalogues.

Read-only files shipped with the code (``*.toml``), loaded with :mod:`importlib.resources`
by :mod:`analyzer.cost_tables` and :mod:`analyzer.harmonisation`. Every table names its
edition and source; figures not checked against the original publication say so
(``verified = false``).
"""
