"""genaccess.spec: the definitions and claims of docs/theory.md as executable, exact
predicates.

Public names are re-exported here; each lives in a module named after what it defines.
"""

import sys as _sys

if __name__ != "genaccess.spec":  # pragma: no cover - exercised by pytest's importlib mode
    # `pytest spec/` (import-mode=importlib) executes this file by path, as `spec`, before it
    # imports a check module below it. Alias the installed package instead, so nothing under
    # spec/ is ever defined twice under two names.
    import importlib as _importlib

    _sys.modules[__name__] = _importlib.import_module("genaccess.spec")
else:
    from genaccess.spec.access import AccessModel, access_model, registered_access_models
    from genaccess.spec.control import ArbitraryPrefix, Control, LocalReset, RootStart
    from genaccess.spec.distribution import Distribution
    from genaccess.spec.errors import (
        AccessError,
        BudgetExceeded,
        ForbiddenStart,
        InvalidDefinition,
        InvalidQuery,
        UnbuiltPrefix,
    )
    from genaccess.spec.generator import Generator
    from genaccess.spec.observation import Full, Logprob, ObservationType, Sample, Top1, TopK
    from genaccess.spec.oracle import Oracle
    from genaccess.spec.transcript import QueryRecord, Transcript

__all__ = [
    "AccessError",
    "AccessModel",
    "ArbitraryPrefix",
    "BudgetExceeded",
    "Control",
    "Distribution",
    "ForbiddenStart",
    "Full",
    "Generator",
    "InvalidDefinition",
    "InvalidQuery",
    "LocalReset",
    "Logprob",
    "ObservationType",
    "Oracle",
    "QueryRecord",
    "RootStart",
    "Sample",
    "Top1",
    "TopK",
    "Transcript",
    "UnbuiltPrefix",
    "access_model",
    "registered_access_models",
]
