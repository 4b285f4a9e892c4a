"""Run every registered check of the named claims (quick ones first); exit 1 at the first
that does not pass.

The test command of a mutation run: `python tests/mutants/probe.py LR R1` (with the mutated
copy of the packages first on `PYTHONPATH`). Prints one JSON list: the checks that caught the
mutant (empty when it survived).
"""

from __future__ import annotations

import json
import sys

from genaccess.spec.claims import REGISTRY
from genaccess.spec.profiles import load_profile
from genaccess.spec.registry import Status, run_check

load_profile()  # HYPOTHESIS_PROFILE (ci in the gate): derandomised, no deadline flakes


def main(claim_ids: list[str]) -> int:
    # Every quick check of every claim first, then the slow ones: a mutant is usually caught
    # by a quick check, and a survivor runs every check either way.
    checks = [(claim_id, check) for claim_id in claim_ids
              for check in REGISTRY[claim_id.upper()].checks]
    caught: list[str] = []
    for claim_id, check in sorted(checks, key=lambda pair: pair[1].slow):
        result = run_check(claim_id, check)
        if result.status is not Status.PASSED:
            caught.append(f"{claim_id}::{check.name} {result.status.value}: "
                          f"{result.message[:160]}")
            break
    print(json.dumps(caught))
    return 1 if caught else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
