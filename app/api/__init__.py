"""The Python API for notebooks: the same verbs as the ``amtsweg`` command line.

    >>> from app import api
    >>> log = api.read_log("export.csv", mapping="export.mapping.toml")
    >>> api.import_log("export.csv", workspace="amtsweg.duckdb", municipality="Musterstadt",
    ...                service="Wohngeld", mapping="export.mapping.toml")
    >>> api.overview(workspace="amtsweg.duckdb")      # cases, events, activities, time span

Every function takes keyword-only options with the defaults of the command line.
"""

from app.api.analysis import Analysis, analyze
from app.api.comparison import Comparison, compare
from app.api.logs import (
    LogFiles,
    MappingChoice,
    import_history,
    import_log,
    is_database_url,
    logs_in,
    mapping_for,
    overview,
    overview_of_frame,
    read_log,
    workspace_attributes,
)
from app.api.report import report, report_of
from app.api.results import (
    StoredResults,
    analyse_workspace,
    case_events,
    cases_on_map,
    stored_results,
)

__all__ = [
    "Analysis",
    "Comparison",
    "LogFiles",
    "MappingChoice",
    "StoredResults",
    "analyse_workspace",
    "analyze",
    "case_events",
    "cases_on_map",
    "compare",
    "import_history",
    "import_log",
    "is_database_url",
    "logs_in",
    "mapping_for",
    "overview",
    "overview_of_frame",
    "read_log",
    "report",
    "report_of",
    "stored_results",
    "workspace_attributes",
]
