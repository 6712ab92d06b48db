"""Amtsweg's analysis: frames in, frames out (see README, "Architecture").

Importing the package sets one default for the process: how Polars' memory allocator
(jemalloc, bundled with Polars) hands freed memory back to the system, unless the user set
``_RJEM_MALLOC_CONF`` already. It takes effect only if Polars is not loaded yet, which is why
``connectors``, ``reports`` and ``app`` import this package first.

Why: by default jemalloc keeps freed pages for ten seconds, in one arena per thread, so the
memory each analysis step frees is still counted as the process's while the next step
allocates anew. A 10M-event analysis (maps, detectors, KPIs) peaked at 1.95-2.1 GB resident
that way, with about 1.6 GB in use at any moment; with one arena and pages returned after
0.1 s it peaks at 1.7-1.8 GB in the same time (``benchmarks/analysis_bench.py``; returning
pages at once costs half as much time again).
"""

import os as _os

#: The allocator default set on import (see the module docstring).
POLARS_ALLOCATOR = "narenas:1,dirty_decay_ms:100,muzzy_decay_ms:0"

_os.environ.setdefault("_RJEM_MALLOC_CONF", POLARS_ALLOCATOR)
