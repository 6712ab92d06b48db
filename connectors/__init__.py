# analyzer first: it sets Polars' allocator default before Polars loads (see analyzer/__init__.py)
import analyzer  # noqa: F401
