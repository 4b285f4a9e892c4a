"""What every command prints: one JSON object with `--json`, else its own text layout; and
the success-rate summary the `simulate` families share."""

from __future__ import annotations

import json
from collections.abc import Callable
from fractions import Fraction
from typing import Any


def emit(out: dict[str, Any], as_json: bool, show: Callable[[dict[str, Any]], None]) -> int:
    """Print `out` as indented JSON or through `show`; the command's exit status (0)."""
    if as_json:
        print(json.dumps(out, indent=2))
    else:
        show(out)
    return 0


def rate_summary(queries: int, successes: int, runs: int, level: Fraction) -> dict[str, Any]:
    """Mean queries per run and the success rate with its Clopper-Pearson interval."""
    from genaccess.spec.stats import clopper_pearson  # heavy (mpmath); only when run

    low, high = clopper_pearson(successes, runs, 1 - level)
    return {"mean_queries": queries / runs, "success_rate": successes / runs,
            "success_interval": [float(low), float(high)], "interval_level": float(level)}
