"""The Bayes-optimal root-start learner for the hidden-path family (realises HP1)."""

from __future__ import annotations

import random
from collections.abc import Callable

from genaccess.spec.chance import Chooser, as_chooser
from genaccess.spec.errors import InvalidDefinition
from genaccess.spec.observation import Full, FullReport, Report
from genaccess.spec.oracle import Oracle
from genaccess.spec.prefix import Response


def revealed_path(reports: tuple[Report, ...]) -> tuple[int, ...]:
    """The path tokens one canonical rollout reveals: walk the rollout while it stays on the
    path; at each on-path prefix the distribution is not uniform and its argmax is the path
    token (`alpha > 1/K > beta`). The rollout leaves the path at the first sampled token
    that differs, after that token's stage has been revealed."""
    path: list[int] = []
    for report in reports:
        if not isinstance(report, FullReport):
            raise InvalidDefinition("reports", "need canonical (full) observations",
                                    type(report).__name__)
        # uniform: off the path (never the case at the root); equal integer weights say it
        # without building K Fractions
        weights = report.dist.weights
        if max(weights) == min(weights):
            break
        path.append(report.dist.argmax())
        if report.sampled != path[-1]:
            break
    return tuple(path)


def root_start_map(oracle: Oracle, queries: int, rng: random.Random | Chooser) -> Response:
    """Realises HP1: `T` canonical root-start rollouts, then the MAP guess.

    Keeps the deepest revealed path prefix `z_1..z_D` over the `T` rollouts and completes it
    with uniformly random tokens drawn through `rng`; every completion is equally likely a
    posteriori, so for every `z` the success probability is exactly `S_T`.

    Preconditions: the oracle's observation is `full` and it admits whole rollouts (every
    control level does); `queries >= 0`. Uses exactly `T` queries.
    """
    return longest_reveal_then_uniform(oracle, queries, rng, revealed_path, "root_start_map")


def longest_reveal_then_uniform(oracle: Oracle, queries: int, rng: random.Random | Chooser,
                                reveal: Callable[[tuple[Report, ...]], tuple[int, ...]],
                                learner: str) -> Response:
    """`T` canonical root-start rollouts; the longest `reveal(rollout)`, completed with
    uniformly random tokens drawn through `rng`. Exactly `T` queries.

    Preconditions: `full` observations (every control level admits whole rollouts);
    `T >= 0`."""
    if not isinstance(oracle.access.observation, Full):
        raise InvalidDefinition("oracle", f"{learner} needs full (canonical) observations",
                                oracle.access.name)
    if isinstance(queries, bool) or not isinstance(queries, int) or queries < 0:
        raise InvalidDefinition("queries", "must be an integer >= 0", queries)
    K, H = oracle.vocab_size, oracle.horizon
    deepest: tuple[int, ...] = ()
    for _ in range(queries):
        revealed = reveal(oracle.rollout())
        if len(revealed) > len(deepest):
            deepest = revealed
    chooser = as_chooser(rng)
    completion = tuple(chooser.choose([1] * K) for _ in range(H - len(deepest)))  # type: ignore[list-item]
    return deepest + completion
