"""PARTIAL1 (docs/theory.md, PARTIAL1): what partial prefix control costs on the hidden path —
the sandwich of `depth-reset(d)` between a plain strategy and HP1's root-start optimum on the
subtree below depth `d`, the root-or-current bound, and the query cost at each depth.

The control levels themselves are `genaccess.spec.partial_control`.
"""

from __future__ import annotations

from fractions import Fraction

from genaccess.spec.belief_search import compute_best_chosen_prefix_success
from genaccess.spec.hidden_path import HiddenPathFamily
from genaccess.spec.observation import Full, ObservationType
from genaccess.spec.partial_control import DepthLimitedReset, RootOrCurrent
from genaccess.spec.root_start_success import (
    compute_HP1_success,
    compute_root_start_queries_needed,
)

__all__ = [
    "compute_PARTIAL1_cost",
    "compute_PARTIAL1_lower",
    "compute_PARTIAL1_upper",
    "is_PARTIAL1_depth_sandwich",
    "is_PARTIAL1_root_or_current_bound",
]


def compute_PARTIAL1_upper(family: HiddenPathFamily, depth: int, queries: int) -> Fraction:
    """PARTIAL1: `S_T(K, H-d, alpha)`, HP1's root-start success on the subtree below
    `z_<=d` — what a depth-`d` learner could reach if it were handed `z_<=d` for free."""
    K, H = family.vocab_size, family.horizon
    d = min(depth, H - 1)
    return compute_HP1_success(HiddenPathFamily(K, H - d, family.alpha), queries)


def compute_PARTIAL1_lower(family: HiddenPathFamily, depth: int, queries: int) -> Fraction:
    """PARTIAL1: the success of the plain strategy "descend `j` levels with one-step `full`
    queries, then spend the other `T-j` on rollouts from `z_<=j`", best `j`: rollouts need
    `j <= d`, so `max_{j <= min(d, T-1)} S_{T-j}(K, H-j, alpha)`, or `K^-(H-T)` when every
    query is a one-step query (`T <= d+1`)."""
    K, H = family.vocab_size, family.horizon
    best = Fraction(1, K**H)
    for j in range(min(depth, H - 1, queries - 1) + 1):
        sub = HiddenPathFamily(K, H - j, family.alpha)
        best = max(best, compute_HP1_success(sub, queries - j))
    if queries <= min(depth + 1, H):
        best = max(best, Fraction(1, K ** (H - queries)))
    return best


def is_PARTIAL1_depth_sandwich(family: HiddenPathFamily, depth: int, queries: int) -> bool:
    """PARTIAL1: under `depth-reset(d)` with `full` observations, the best success of any
    adaptive learner with `T` queries (any continuation lengths) lies between the plain
    strategy's success and `S_T(K, H-d, alpha)`."""
    best = compute_best_chosen_prefix_success(family, Full(), DepthLimitedReset(depth), queries,
                                              max_length=family.horizon)
    return (compute_PARTIAL1_lower(family, depth, queries) <= best
            <= compute_PARTIAL1_upper(family, depth, queries))


def is_PARTIAL1_root_or_current_bound(family: HiddenPathFamily, observation: ObservationType,
                                      queries: int) -> bool:
    """PARTIAL1: under `root-or-current` with `sample` or `logprob` observations, no learner
    with `T` queries beats HP1's canonical root-start optimum `S_T`: it re-asks no prefix
    but the root (and, at length `H-1`, the last token, which it reached on-policy), so a
    path token it learns was on a rollout it paid a query for."""
    best = compute_best_chosen_prefix_success(family, observation, RootOrCurrent(), queries,
                                              max_length=family.horizon)
    return best <= compute_HP1_success(family, queries)


def compute_PARTIAL1_cost(family: HiddenPathFamily, depth: int, target: Fraction
                          ) -> tuple[int, int]:
    """PARTIAL1: `(lower, upper)` on the queries a `depth-reset(d)` learner with `full`
    observations needs for success `>= target`: the least `T` with `S_T(K, H-d) >= target`,
    and `d` more (descend `d` levels, then roll out)."""
    K, H = family.vocab_size, family.horizon
    d = min(depth, H - 1)
    need = compute_root_start_queries_needed(HiddenPathFamily(K, H - d, family.alpha), target)
    return need, d + need
