"""LT3's distinguishing tests at the root (realise LT3's positive side)."""

from __future__ import annotations

from fractions import Fraction

from genaccess.spec.errors import InvalidDefinition
from genaccess.spec.observation import FullReport
from genaccess.spec.oracle import Oracle


def root_sample_test(oracle: Oracle, *, samples: int, theta: Fraction, token: int = 1) -> int:
    """LT3: draw `m = samples` one-token samples at the root; answer 2 (the trie is `T2`)
    iff `token`'s frequency is `>= theta`, else 1. On the top-1 pair its error is at most
    `exp(-2 m gamma^2)` either way. Precondition: `sample` observations, root queries allowed.
    """
    if isinstance(samples, bool) or not isinstance(samples, int) or samples < 1:
        raise InvalidDefinition("m", "samples must be an integer >= 1", samples)
    hits = 0
    for _ in range(samples):
        (report,) = oracle.query((), 1)
        if report.token is None:
            raise InvalidDefinition("oracle", "the root test needs sample observations",
                                    oracle.access.name)
        hits += report.token == token
    return 2 if hits >= theta * samples else 1


def root_full_test(oracle: Oracle, *, theta: Fraction, token: int = 1) -> int:
    """LT3: one `full` query at the root; answer 2 iff `token` has probability `>= theta`.
    Exact on the top-1 pair (`lambda` under `T2`, `(1-lambda)/(K-1) < theta` under `T1`)."""
    (report,) = oracle.query((), 1)
    if not isinstance(report, FullReport):
        raise InvalidDefinition("oracle", "the full root test needs full observations",
                                oracle.access.name)
    return 2 if report.dist[token] >= theta else 1
