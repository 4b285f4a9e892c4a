"""HP2 (docs/theory.md, HP2): CPS-Path(m) on the hidden path, in closed form.

CPS-Path draws `m` samples at `zhat_<t` and keeps their plurality (`plurality`, ties to the
lower index). Here: the chance `q(a)` that the path token wins (a count DP), its exact
success `prod_t q(z_t)`, the failure bound `H (K-1) exp(-m Delta^2 / 2)` and the `m` it
prescribes for a confidence `delta`; and the plurality law of any stage (PLANTED1).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from fractions import Fraction
from functools import cache

from mpmath import iv

from genaccess.spec.counting import (
    count_vectors,
    equally_capped_strings,
    extend_capped_letter,
    multinomial,
)
from genaccess.spec.distribution import Distribution
from genaccess.spec.hidden_path import HiddenPathFamily
from genaccess.spec.intervals import Interval, bounds, ceiling, interval, precision
from genaccess.spec.numbers import check_open_unit
from genaccess.spec.prefix import check_response


def plurality(counts: Sequence[int]) -> int:
    """HP2: CPS-Path's vote, the most frequent token with ties to the lower index.

    >>> plurality([1, 3, 3])
    1
    """
    # `index` finds the first largest count in C: K = 50257 counts per stage at GPT-2 scale
    return list(counts).index(max(counts))


def compute_plurality_win_probabilities(family: HiddenPathFamily, samples: int
                                        ) -> tuple[Fraction, ...]:
    """HP2: `q(a)` for every `a`: the chance that the path token wins the plurality of
    `m` samples from its stage distribution (ties to the lower index) when it is token `a`.

    A DP over counts, never over sample sequences: condition on the path token's count `k`;
    the other `m-k` samples are uniform over the `K-1` other tokens, and `a` wins iff each
    lower token has count `<= k-1` and each higher one `<= k`. The number of such strings
    is counted exactly, letter by letter. Cached: the checks ask for the same `(K, alpha, m)`
    at many horizons.
    """
    return _plurality_wins(family.vocab_size, family.alpha, samples)


@cache
def _plurality_wins(K: int, alpha: Fraction, m: int) -> tuple[Fraction, ...]:
    # Integer weights over the common denominator `den^m`: `alpha = a/den`, `beta = b/den`.
    beta = (1 - alpha) / (K - 1)
    den = math.lcm(alpha.denominator, beta.denominator)
    a_num, b_num = int(alpha * den), int(beta * den)
    powers = [a_num**k * b_num ** (m - k) for k in range(m + 1)]
    return tuple(Fraction(sum(c * w for c, w in zip(row, powers, strict=True)), den**m)
                 for row in _plurality_win_counts(K, m))


@cache
def _plurality_win_counts(K: int, m: int) -> tuple[tuple[int, ...], ...]:
    """`counts[a][k]`: the sample sequences in which path token `a` appears `k` times and
    wins, as `C(m, k)` times the strings of the other `m-k` samples over the `K-1` other
    tokens with each lower token used `<= k-1` times and each higher one `<= k` (these do
    not depend on `alpha`)."""
    counts = [[0] * (m + 1) for _ in range(K)]
    for k in range(m + 1):
        n = m - k
        lower, higher = _capped_tables(K, k, n)
        for a in range(K):
            b = K - 1 - a
            low, high = lower[a], higher[b]
            # t letters go to the lower tokens: t <= a(k-1) and n - t <= b k, else no string.
            first, last = max(0, n - b * k), min(n, a * (k - 1)) if a else 0
            strings = 0
            binomial = math.comb(n, first) if first <= last else 0
            for t in range(first, last + 1):  # C(n, t) by the ratio C(n, t+1) / C(n, t)
                strings += binomial * low[t] * high[n - t]
                binomial = binomial * (n - t) // (t + 1)
            counts[a][k] = math.comb(m, k) * strings
    return tuple(tuple(row) for row in counts)


_TABLES: dict[tuple[int, int], tuple[list[list[int]], list[list[int]]]] = {}


def _capped_tables(K: int, k: int, length: int) -> tuple[list[list[int]], list[list[int]]]:
    """`lower[a][i]`, `higher[b][i]`: strings of length `i` over `a` letters capped at `k-1`
    (`b` letters capped at `k`), for `i` up to at least `length`. A longer table's prefix
    is the shorter one, so one table per `(K, k)` serves every `m`: it is extended, never
    rebuilt, when a longer one is asked for."""
    tables = _TABLES.setdefault((K, k), ([[]] * K, [[]] * K))
    for rows, cap in ((tables[0], k - 1), (tables[1], k)):
        if len(rows[0]) > length:
            continue
        rows[0] = [int(i == 0) for i in range(length + 1)]
        for j in range(1, K):
            rows[j] = extend_capped_letter(rows[j], rows[j - 1], cap)
    return tables


def compute_plurality_win_by_enumeration(stage: Distribution, samples: int, token: int
                                         ) -> Fraction:
    """HP2 (reference for the DP): `P(token wins the plurality)` by listing all `K^m` sample
    sequences. Exponential; for checks on small `m` only."""
    K = stage.vocab_size
    total = Fraction(0)
    for seq in itertools.product(range(K), repeat=samples):
        if plurality([seq.count(a) for a in range(K)]) == token:
            p = Fraction(1)
            for a in seq:
                p *= stage[a]
            total += p
    return total


def compute_plurality_win_probability(stage: Distribution, samples: int, token: int
                                      ) -> Fraction:
    """PLANTED1: `P(token wins the plurality of m i.i.d. draws from stage)` for any stage,
    ties to the lower index, by a sum over count vectors (multinomial), exact."""
    K = stage.vocab_size
    support = [b for b in range(K) if stage[b] > 0]
    if token not in support:
        return Fraction(0)
    total = Fraction(0)
    for vector in count_vectors(samples, len(support)):
        counts = [0] * K
        for b, c in zip(support, vector, strict=True):
            counts[b] = c
        if plurality(counts) != token:
            continue
        p = Fraction(multinomial(vector))
        for b, c in zip(support, vector, strict=True):
            p *= stage[b] ** c
        total += p
    return total


def compute_HP2_success(family: HiddenPathFamily, samples: int, path: object) -> Fraction:
    """HP2: CPS-Path(m)'s exact success `prod_t q(z_t)`."""
    z = check_response(path, family.vocab_size, family.horizon)
    q = compute_plurality_win_probabilities(family, samples)
    result = Fraction(1)
    for a in z:
        result *= q[a]
    return result


def compute_plurality_win_worst(family: HiddenPathFamily, samples: int) -> Fraction:
    """HP2: `min_a q(a) = q(K-1)`, exactly, in `O(m^3)` integer steps whatever `K`.

    Given the path token's count `k`, the other `m-k` samples are exchangeable over the
    `K-1` other tokens, and `a` wins iff the `a` lower tokens stay `<= k-1` and the others
    `<= k`; each tightening of a cap shrinks the event, so `q(a)` decreases in `a` and the
    last token (every other token strictly below `k`) is the worst. Its strings are counted
    by `equally_capped_strings`, one cap per `k`."""
    return _plurality_win_worst(family.vocab_size, family.alpha, samples)


@cache
def _plurality_win_worst(K: int, alpha: Fraction, m: int) -> Fraction:
    beta = (1 - alpha) / (K - 1)
    den = math.lcm(alpha.denominator, beta.denominator)
    a_num, b_num = int(alpha * den), int(beta * den)
    total = 0
    binomial = 1  # C(m, k)
    for k in range(1, m + 1):
        binomial = binomial * (m - k + 1) // k
        n = m - k
        if K == 2 and k <= n:
            continue  # the one other token has n >= k samples: the path token loses
        strings = (K - 1) ** n if k > n else equally_capped_strings(n, K - 1, k - 1)[n]
        total += binomial * a_num**k * b_num**n * strings
    return Fraction(total, den**m)


def compute_HP2_worst_success(family: HiddenPathFamily, samples: int) -> Fraction:
    """HP2: `min_z prod_t q(z_t) = q(K-1)^H` (stages are independent given the path, and the
    last token is the worst: `compute_plurality_win_worst`)."""
    return compute_plurality_win_worst(family, samples) ** family.horizon


def compute_HP2_worst_success_by_enumeration(family: HiddenPathFamily, samples: int
                                             ) -> Fraction:
    """HP2 (reference for `compute_HP2_worst_success`): `(min_a q(a))^H` with every `q(a)`
    from the letter-by-letter DP."""
    return min(compute_plurality_win_probabilities(family, samples)) ** family.horizon


def _HP2_stage_bound_interval(family: HiddenPathFamily, samples: int) -> Interval:
    """`(K-1) exp(-m Delta^2 / 2)`: one stage's share of the bound."""
    return (family.vocab_size - 1) * iv.exp(-samples * interval(family.margin) ** 2 / 2)


def compute_HP2_failure_bound(family: HiddenPathFamily, samples: int, prec: int = 128
                              ) -> tuple[Fraction, Fraction]:
    """HP2: a rational enclosure `(lo, hi)` of `H (K-1) exp(-m Delta^2 / 2)`.

    The stage share does not depend on `H`; it is enclosed once per `(K, alpha, m)` and
    multiplied by `H` exactly (a positive integer keeps the enclosure rigorous)."""
    low, high = _stage_bound(family.vocab_size, family.alpha, samples, prec)
    return family.horizon * low, family.horizon * high


@cache
def _stage_bound(K: int, alpha: Fraction, samples: int, prec: int) -> tuple[Fraction, Fraction]:
    with precision(prec):
        return bounds(_HP2_stage_bound_interval(HiddenPathFamily(K, 1, alpha), samples))


def is_HP2_bound(family: HiddenPathFamily, samples: int) -> bool:
    """HP2: for every `z`, `P(zhat != z) <= H (K-1) exp(-m Delta^2 / 2)` (exact failure
    against the bound's rigorous lower end; the worst `z` is `(min_a q(a))^H`)."""
    failure = 1 - compute_HP2_worst_success(family, samples)
    low, _ = compute_HP2_failure_bound(family, samples)
    return failure <= low


def compute_cps_m(family: HiddenPathFamily, delta: object) -> int:
    """HP2: `m = ceil((2 / Delta^2) ln(H (K-1) / delta))` (at least 1).

    Decided exactly: the real number is irrational unless the logarithm vanishes, so its
    interval enclosure is narrowed until it lies strictly between two integers.
    """
    d = check_open_unit(delta, "delta")
    return _cps_m(family, d)


@cache
def _cps_m(family: HiddenPathFamily, delta: Fraction) -> int:
    K, H = family.vocab_size, family.horizon
    ratio = Fraction(H * (K - 1)) / delta  # > 1 since delta < 1 <= H (K-1)
    m = ceiling(lambda: 2 / interval(family.margin) ** 2 * iv.log(interval(ratio)))
    return max(1, m)


def is_HP2_m_sufficient(family: HiddenPathFamily, delta: object) -> bool:
    """HP2: with `m = compute_cps_m(delta)` the worst-case exact success is `>= 1 - delta`."""
    d = check_open_unit(delta, "delta")
    return compute_HP2_worst_success(family, compute_cps_m(family, d)) >= 1 - d
