"""HP1 (docs/theory.md, HP1): root-start on the hidden path, in closed form.

`S_T` (`compute_HP1_success`) is the best chance of outputting `z` after `T` canonical
root-start rollouts; its corollary bounds (`compute_HP1_bound`); the brute-force
Bayes-optimal success from the oracle's own laws (`compute_map_success`); and the least `T`
with `S_T >= target` for any `H` (`compute_root_start_queries_needed`).

Everything a predicate decides is exact: `S_T` in `Fraction`s while `T * H` is small, and
otherwise `1 - S_T` enclosed by intervals, summing only the deepest depths that matter
(`genaccess.spec.root_start_scale`, which also finds the least `T` at any size).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Hashable
from fractions import Fraction
from functools import cache

import mpmath
from mpmath import iv

from genaccess.spec.counting import multinomial
from genaccess.spec.errors import InvalidDefinition
from genaccess.spec.garbling import root_start_law
from genaccess.spec.hidden_path import HiddenPathFamily
from genaccess.spec.intervals import Interval, interval, is_at_most, precision
from genaccess.spec.monotone_search import least_integer
from genaccess.spec.numbers import to_fraction
from genaccess.spec.observation import ObservationType
from genaccess.spec.root_start_scale import (
    enclose_failure,
    enclose_least_queries,
    enclose_success,
    is_failure_at_most,
)


def compute_HP1_revealed_depth_cdf(family: HiddenPathFamily, queries: int, depth: int
                                   ) -> Fraction:
    """HP1: `P(D <= d) = (1 - alpha^d)^T` for `0 <= d <= H-1` (`0^0 = 1`), and 1 at `d = H`."""
    if depth >= family.horizon:
        return Fraction(1)
    return (1 - family.alpha**depth) ** queries


def compute_HP1_success(family: HiddenPathFamily, queries: int) -> Fraction:
    """HP1: `S_T = sum_d P(D = d) K^-(H-d)`, the best root-start success with `T` queries.

    `d` runs from 0 (only when `T = 0`) to `H`; for `T >= 1` this is HP1's sum over
    `d = 1..H` (docs/theory.md, HP1).
    """
    K, H = family.vocab_size, family.horizon
    total = Fraction(0)
    previous = Fraction(0)
    for d in range(H + 1):
        cdf = compute_HP1_revealed_depth_cdf(family, queries, d)
        total += (cdf - previous) * Fraction(1, K ** (H - d))
        previous = cdf
    return total


def compute_HP1_bound(family: HiddenPathFamily, queries: int) -> tuple[Fraction, Fraction]:
    """HP1: the corollary bounds `(1 - (1-alpha^(H-1))^T + 1/K, T alpha^(H-1) + 1/K)`."""
    K, H, a = family.vocab_size, family.horizon, family.alpha
    return (1 - (1 - a ** (H - 1)) ** queries + Fraction(1, K),
            queries * a ** (H - 1) + Fraction(1, K))


def enclose_HP1_linear_bound(family: HiddenPathFamily, queries: int) -> Interval:
    """HP1: the second bound `T alpha^(H-1) + 1/K` as an interval (any `T` and `H`; the
    exact `compute_HP1_bound` expands `alpha^(H-1)` and the first bound's `T`-th power)."""
    with precision(64):
        return (iv.mpf(queries) * interval(family.alpha) ** (family.horizon - 1)
                + iv.mpf(1) / family.vocab_size)


def compute_HP1_queries_lower_bound(family: HiddenPathFamily, target: object) -> Fraction:
    """HP1: from the second bound, success `target` needs `T >= (target - 1/K) alpha^-(H-1)`
    root-start queries (exact)."""
    t = to_fraction(target, "target")
    return (t - Fraction(1, family.vocab_size)) / family.alpha ** (family.horizon - 1)


def is_HP1_bound(family: HiddenPathFamily, queries: int) -> bool:
    """HP1: `S_T <= 1 - (1-alpha^(H-1))^T + 1/K <= T alpha^(H-1) + 1/K`."""
    first, second = compute_HP1_bound(family, queries)
    return compute_HP1_success(family, queries) <= first <= second


def compute_map_success(family: HiddenPathFamily, observation: ObservationType,
                        queries: int) -> Fraction:
    """HP1: the Bayes-optimal (MAP) chance that a learner with `T` root-start queries of
    `observation` outputs `z`, for `z` uniform: `sum_tr max_z P(z) P(tr | z)`.

    Brute force: the law of one rollout under each `z` comes from the oracle itself
    (`root_start_law`); rollouts are i.i.d., so a transcript's probability is a product,
    and a transcript is enumerated as a multiset of rollouts with its multinomial weight.
    """
    K, H = family.vocab_size, family.horizon
    integer_laws, scale = _rollout_laws(family, observation)
    # The multinomial weight of a multiset depends only on its shape: computed once per key.
    shapes: dict[tuple[int, ...], int] = {}
    best: dict[tuple[int, ...], int] = {}
    for support in integer_laws:
        for combo in itertools.combinations_with_replacement(support, queries):
            key = tuple(i for i, _ in combo)
            weight = shapes.get(key)
            if weight is None:
                weight = shapes[key] = multinomial(
                    sum(1 for _ in group) for _, group in itertools.groupby(key))
            for _, w in combo:
                weight *= w
            if weight > best.get(key, 0):
                best[key] = weight
    return Fraction(sum(best.values()), K**H * scale**queries)


@cache
def _rollout_laws(family: HiddenPathFamily, observation: ObservationType
                  ) -> tuple[list[list[tuple[int, int]]], int]:
    """Each `z`'s law of one rollout, from the oracle, as sorted `(observation index, integer
    weight)` pairs over a common denominator `scale` (shared by every `T`)."""
    laws = [{obs[0]: p for obs, p in root_start_law(family.generator(z), observation, 1).items()}
            for z in family.paths()]
    scale = math.lcm(*(p.denominator for law in laws for p in law.values()))
    index: dict[Hashable, int] = {}
    integer_laws = [sorted((index.setdefault(obs, len(index)), int(p * scale))
                           for obs, p in law.items()) for law in laws]
    return integer_laws, scale


def is_HP1_exact(family: HiddenPathFamily, observation: ObservationType, queries: int) -> bool:
    """HP1: the brute-force MAP success with `full` observations equals `S_T`; with any other
    root-start observation type it is at most `S_T` (R1)."""
    brute = compute_map_success(family, observation, queries)
    closed = compute_HP1_success(family, queries)
    return brute == closed if observation.family == "full" else brute <= closed


def _HP1_failure_interval(family: HiddenPathFamily, queries: int) -> Interval:
    """`1 - S_T = (1 - 1/K) sum_{d<H} (1-alpha^d)^T K^-(H-1-d)` as an interval (positive
    terms, no cancellation; `(1-x)^T = exp(T log1p(-x))`)."""
    K, H = family.vocab_size, family.horizon
    alpha = interval(family.alpha)
    total = iv.mpf(0)
    for d in range(H):
        if d == 0:
            term = iv.mpf(1) if queries == 0 else iv.mpf(0)
        else:
            term = iv.exp(queries * iv.log1p(-(alpha**d)))
        total += term / iv.mpf(K) ** (H - 1 - d)
    return (1 - iv.mpf(1) / K) * total


EXACT_LIMIT = 2_000
"""`S_T` is evaluated in exact rationals while `T * H` is at most this, else by intervals."""


def is_HP1_success_at_least(family: HiddenPathFamily, queries: int, target: Fraction,
                            exact_limit: int = EXACT_LIMIT) -> bool:
    """HP1: `S_T >= target`, decided for any `T` (exactly for small `T`, else by intervals)."""
    if queries * family.horizon <= exact_limit:
        return compute_HP1_success(family, queries) >= target
    return is_failure_at_most(family.vocab_size, family.horizon, family.alpha, queries,
                              1 - Fraction(target))


def enclose_HP1_failure(family: HiddenPathFamily, queries: int, bits: int = 64) -> Interval:
    """HP1: `1 - S_T` as a rigorous interval about `2^-bits` wide relative to it, for any
    `T` and `H` (`genaccess.spec.root_start_scale`: only the deepest depths are summed)."""
    return enclose_failure(family.vocab_size, family.horizon, family.alpha, queries, bits)


def enclose_HP1(family: HiddenPathFamily, queries: int, bits: int = 64
                ) -> tuple[Interval, Interval]:
    """HP1: intervals for `S_T` and `1 - S_T`, each about `2^-bits` wide relative to itself:
    `1 - S_T` from its own sum, and `S_T` from its own sum when it is below 1/2."""
    K, H, alpha = family.vocab_size, family.horizon, family.alpha
    failure = enclose_failure(K, H, alpha, queries, bits)
    with precision(bits + 16):
        if failure.a < iv.mpf(1) / 2:
            return 1 - failure, failure
        success = enclose_success(K, H, alpha, queries, bits)
        return success, 1 - success


def compute_HP1_success_float(family: HiddenPathFamily, queries: int) -> float:
    """HP1: `S_T` as a float (from a rigorous interval; exact when `T` is small)."""
    if queries * family.horizon <= EXACT_LIMIT:
        return float(compute_HP1_success(family, queries))
    with precision(128):
        low, high = (mpmath.mp.make_mpf(end)
                     for end in enclose_HP1_failure(family, queries, 128)._mpi_)
    return float(1 - (low + high) / 2)


QUERIES_EXACT_BITS = 1 << 17
"""`compute_root_start_queries_needed` raises the precision up to this many bits (a `T` of
about 131,000 bits); `enclose_root_start_queries_needed` takes its own limit."""


def compute_root_start_queries_needed(family: HiddenPathFamily, target: Fraction,
                                      exact_limit: int = EXACT_LIMIT) -> int:
    """HP1: the least `T` with `S_T >= target` (`target < 1`), from the closed form.

    Small answers (`T * H` up to `SEARCH_LIMIT`, estimated) by a binary search over the
    exact `S_T`; any other by Newton's method on `ln(1 - S_T)` and intervals at
    `log2(T) + 64` bits (`enclose_root_start_queries_needed`), so any `H` works: `H = 10,000`
    at `alpha = 1/2` takes about a second.
    """
    target = Fraction(target)
    if not 0 <= target < 1:
        raise InvalidDefinition("target", "must be in [0, 1)", str(target))
    if _estimated_log2_queries(family, target) + math.log2(family.horizon) <= math.log2(
            SEARCH_LIMIT):
        return compute_root_start_queries_needed_by_search(family, target, exact_limit)
    low, high = enclose_root_start_queries_needed(family, target, QUERIES_EXACT_BITS)
    if low != high:
        raise ArithmeticError(f"the least T has more than {QUERIES_EXACT_BITS} bits")
    return low


SEARCH_LIMIT = 20_000
"""`compute_root_start_queries_needed` searches over the exact `S_T` when `T * H` is about this
or less (cheaper there than Newton's method at growing precision)."""


def _estimated_log2_queries(family: HiddenPathFamily, target: Fraction) -> float:
    """About `log2 T`: the deepest depth alone needs `T = ln(1/delta) / alpha^(H-1)`."""
    delta = 1 - target
    log_inverse = max(1.0, (delta.denominator.bit_length() - delta.numerator.bit_length())
                      * math.log(2))
    return math.log2(log_inverse) - (family.horizon - 1) * math.log2(family.alpha)


def enclose_root_start_queries_needed(family: HiddenPathFamily, target: Fraction,
                                      max_bits: int) -> tuple[int, int]:
    """HP1: `(low, high)` enclosing the least `T` with `S_T >= target`; equal (the exact `T`)
    whenever deciding it needs at most `max_bits` of precision (about `log2(T) + 64`)."""
    target = Fraction(target)
    if not 0 <= target < 1:
        raise InvalidDefinition("target", "must be in [0, 1)", str(target))
    return enclose_least_queries(family.vocab_size, family.horizon, family.alpha, 1 - target,
                                 max_bits)


def compute_root_start_queries_needed_by_search(family: HiddenPathFamily, target: Fraction,
                                                exact_limit: int = EXACT_LIMIT) -> int:
    """HP1 (reference for `compute_root_start_queries_needed`): the least `T` with
    `S_T >= target` by a doubling and binary search over `S_T` (`O(log T)` evaluations, each
    summing all `H` depths)."""
    target = Fraction(target)
    if not 0 <= target < 1:
        raise InvalidDefinition("target", "must be in [0, 1)", str(target))
    return least_integer(lambda queries: _is_success_at_least_by_full_sum(
        family, queries, target, exact_limit))


def _is_success_at_least_by_full_sum(family: HiddenPathFamily, queries: int, target: Fraction,
                                     exact_limit: int) -> bool:
    if queries * family.horizon <= exact_limit:
        return compute_HP1_success(family, queries) >= target
    return is_at_most(lambda: _HP1_failure_interval(family, queries), 1 - target)
