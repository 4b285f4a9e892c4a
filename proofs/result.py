"""Tri-state solver results: proved, refuted (with a counterexample), unknown.

A z3 check states a claim, asserts its negation and asks for a model: `unsat` means the
claim is proved over the encoded domain, `sat` gives a counterexample, anything else is
unknown — and only `proved` ever passes.
"""

from __future__ import annotations

import time
from enum import Enum
from typing import Any

import attrs
import z3

from genaccess.spec.registry import CheckOutcome


class ProofStatus(Enum):
    PROVED = "proved"
    REFUTED = "refuted"
    UNKNOWN = "unknown"


@attrs.frozen
class ProofResult:
    """A solver verdict on one claim instance."""

    claim_id: str
    statement: str
    status: ProofStatus
    seconds: float
    counterexample: dict[str, str] | None = None
    reason: str = ""


RETRY_SEEDS = (0, 1, 2, 3)
"""z3 random seeds tried in turn while the verdict is `unknown`."""


def prove(claim_id: str, statement: str, claim: Any, *, hypotheses: tuple[Any, ...] = (),
          timeout_ms: int = 60_000) -> ProofResult:
    """Prove `hypotheses => claim` with z3 by refuting its negation.

    With quantifiers z3 may answer `unknown` (incomplete instantiation), and which way it
    goes can depend on what the process asked z3 before; an `unknown` is retried with other
    random seeds (a proof found with any seed is a proof: `unsat` is never a guess)."""
    start = time.perf_counter()
    for seed in RETRY_SEEDS:
        solver = z3.Solver()
        solver.set("timeout", timeout_ms)
        solver.set("random_seed", seed)
        solver.add(*hypotheses)
        solver.add(z3.Not(claim))
        verdict = solver.check()
        if verdict != z3.unknown:
            break
    seconds = time.perf_counter() - start
    if verdict == z3.unsat:
        return ProofResult(claim_id, statement, ProofStatus.PROVED, seconds)
    if verdict == z3.sat:
        model = solver.model()
        witness = {str(d): str(model[d]) for d in model.decls()}
        return ProofResult(claim_id, statement, ProofStatus.REFUTED, seconds, witness)
    return ProofResult(claim_id, statement, ProofStatus.UNKNOWN, seconds,
                       reason=solver.reason_unknown())


def require_proved(*results: ProofResult) -> CheckOutcome:
    """A check outcome if every result is `proved`; otherwise `AssertionError` naming the
    first that is not, with its counterexample or reason."""
    for r in results:
        if r.status is not ProofStatus.PROVED:
            raise AssertionError(
                f"{r.claim_id}: {r.statement}: {r.status.value}"
                + (f", counterexample {r.counterexample}" if r.counterexample else "")
                + (f" ({r.reason})" if r.reason else "")
            )
    total = sum(r.seconds for r in results)
    return CheckOutcome(len(results), f"{len(results)} statements proved by z3 in {total:.2f}s")
