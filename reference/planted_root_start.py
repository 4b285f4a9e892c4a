"""The root-start walk learner for a planted hidden path (PLANTED1's root-start side).

It knows the tilt `alpha` (as CPS-Path does, to choose `m`) and sees only whole rollouts
from the root with `full` observations. At a planted stage the path token has probability
at least `alpha > 1/2`, so a rollout reveals the path while it follows it: the learner walks
each rollout from the root while the reported distribution has a token of probability at
least `alpha`, records that token, and stops after the first step whose sampled token is not
it. It keeps the longest walk and completes it with uniform tokens. Its success is bounded by
`genaccess.spec.planted.compute_root_start_walk_bound`, which is exponentially small in `H`
for `T = H * m` rollouts.
"""

from __future__ import annotations

import random

from genaccess.reference.root_start_learner import longest_reveal_then_uniform
from genaccess.spec.chance import Chooser
from genaccess.spec.errors import InvalidDefinition
from genaccess.spec.numbers import RationalLike, to_fraction
from genaccess.spec.observation import FullReport, Report
from genaccess.spec.oracle import Oracle
from genaccess.spec.prefix import Response


def planted_walk(reports: tuple[Report, ...], alpha: RationalLike) -> tuple[int, ...]:
    """The path tokens one rollout reveals: argmax tokens while they have probability
    `>= alpha`, up to and including the first step where the sample leaves them."""
    threshold = to_fraction(alpha, "alpha")
    walk: list[int] = []
    for report in reports:
        if not isinstance(report, FullReport):
            raise InvalidDefinition("reports", "need full observations", type(report).__name__)
        top = report.dist.argmax()
        if report.dist[top] < threshold:
            break
        walk.append(top)
        if report.sampled != top:
            break
    return tuple(walk)


def root_start_walk(oracle: Oracle, queries: int, alpha: RationalLike,
                    rng: random.Random | Chooser) -> Response:
    """`T` root-start rollouts with `full` observations; the longest planted walk, completed
    with uniform tokens drawn through `rng`. Exactly `T` queries.

    Preconditions: `full` observations (every control admits whole rollouts); `T >= 0`."""
    threshold = to_fraction(alpha, "alpha")
    return longest_reveal_then_uniform(oracle, queries, rng,
                                       lambda reports: planted_walk(reports, threshold),
                                       "root_start_walk")
