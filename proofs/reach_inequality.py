"""R2 (solver): `1 - (1 - rho)^T <= T * rho` and `0 <= 1 - (1 - rho)^T <= 1` for every real
`rho in [0, 1]`, proved by z3 for each `T = 1..6`."""

from __future__ import annotations

import z3

from genaccess.proofs.result import ProofResult, prove

MAX_T = 6


def prove_R2_union_bound(queries: int) -> ProofResult:
    """R2: for all real `rho in [0,1]`, `0 <= 1-(1-rho)^T <= T rho` (fixed `T`)."""
    rho = z3.Real("rho")
    bound = 1 - (1 - rho) ** queries
    return prove(
        "R2",
        f"0 <= 1-(1-rho)^{queries} <= {queries} rho for rho in [0,1]",
        z3.And(bound >= 0, bound <= queries * rho, bound <= 1),
        hypotheses=(rho >= 0, rho <= 1),
    )


def prove_R2_broken_bound(queries: int) -> ProofResult:
    """R2 (power): the wrong bound `1-(1-rho)^T <= (T-1) rho` must be refuted."""
    rho = z3.Real("rho")
    return prove("R2", f"1-(1-rho)^{queries} <= {queries - 1} rho",
                 1 - (1 - rho) ** queries <= (queries - 1) * rho,
                 hypotheses=(rho >= 0, rho <= 1))
