"""PARTIAL1's learner for `root-or-current` control with `full` (or `top1`) observations:
greedy descent recovers the hidden path in exactly `H` queries."""

from __future__ import annotations

from genaccess.spec.oracle import Oracle
from genaccess.spec.prefix import Response


def greedy_descent(oracle: Oracle) -> Response:
    """PARTIAL1: one one-token query at the current prefix per stage, continue from the most
    likely child (ties to the lower index). A `full` report names every child of positive
    probability, so that child is built and, having no child yet, current. Exactly `H`
    queries."""
    prefix: tuple[int, ...] = ()
    for _ in range(oracle.horizon):
        (report,) = oracle.query(prefix, 1)
        dist = getattr(report, "dist", None)
        best = dist.argmax() if dist is not None else min(report.revealed)
        prefix = (*prefix, best)
    return prefix
