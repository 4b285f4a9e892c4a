"""LT2 (docs/theory.md, LT2): classifying a node's leaders from `m` chosen-prefix samples —
the choice of `m`, the exact per-node classification chance, and the exact success chance of
breadth-first recovery.

A node with `l` leaders is classified right when every leader's count among the `m` samples
is `>= theta m` and every other token's count is `< theta m`. Conditioned on how many samples
fall on the leaders, those are uniform over the leaders (and the rest uniform over the
non-leaders), so the chance is a sum over that one number of counts of words with letters
repeated in a range; those counts are integers that depend only on `m` and `theta m`.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections import Counter
from fractions import Fraction
from operator import mul

from mpmath import iv

from genaccess.spec.errors import InvalidDefinition
from genaccess.spec.intervals import Interval, ceiling, interval, is_at_most, is_at_most_exp
from genaccess.spec.leader_trie import (
    LeaderTrie,
    compute_gamma,
    compute_theta,
    leader_sets,
    non_leader_probability,
)
from genaccess.spec.numbers import check_open_unit
from genaccess.spec.stats import CHECK_FALSE_ALARM

__all__ = [
    "bfs_success_probability",
    "compute_samples_per_node",
    "is_LT2_failure_count_consistent",
    "is_LT2_samples_sufficient",
    "node_correct_probability",
    "node_misclassification_probability",
]


def _check_cap(cap: object) -> int:
    if isinstance(cap, bool) or not isinstance(cap, int) or cap < 1:
        raise InvalidDefinition("S", "must be an integer >= 1", cap)
    return cap


def compute_samples_per_node(vocab_size: int, lam: Fraction, cap: int, delta: Fraction) -> int:
    """LT2: `m = ceil(ln(2 S K / delta) / (2 gamma^2))` (at least 1), the least integer `m`
    with `K exp(-2 m gamma^2) <= delta / (2 S)` (Hoeffding per token, union over `K` tokens),
    decided rigorously (`genaccess.spec.intervals.ceiling`).

    >>> compute_samples_per_node(3, Fraction(1, 2), 5, Fraction(1, 10))
    411
    """
    delta = check_open_unit(delta, "delta")
    cap = _check_cap(cap)
    gamma = compute_gamma(vocab_size, lam)
    ratio = Fraction(2 * cap * vocab_size) / delta  # > 1, so the logarithm is irrational
    return max(1, ceiling(lambda: iv.log(interval(ratio)) / (2 * interval(gamma) ** 2)))


def is_LT2_samples_sufficient(vocab_size: int, lam: Fraction, cap: int, delta: Fraction,
                              samples: int) -> bool:
    """LT2: `m` samples per node meet the Hoeffding requirement
    `K exp(-2 m gamma^2) <= delta / (2 S)`, i.e. `m >= ln(2 S K / delta) / (2 gamma^2)`."""
    gamma = compute_gamma(vocab_size, lam)
    return is_at_most_exp(Fraction(vocab_size) * 2 * cap / Fraction(delta),
                          2 * samples * gamma**2)


# ---------------------------------------------------------------------------------------------
# Exact counts of words (integers, shared across every lambda with the same m and threshold)
# ---------------------------------------------------------------------------------------------

_PASCAL: list[tuple[int, ...]] = [(1,)]
"""Rows `C(n, .)` of Pascal's triangle computed so far (grown on demand, shared by every m)."""


def _pascal(n_max: int) -> list[tuple[int, ...]]:
    while len(_PASCAL) <= n_max:
        last = _PASCAL[-1]
        _PASCAL.append((1, *map(sum, itertools.pairwise(last)), 1))
    return _PASCAL


@functools.lru_cache(maxsize=256)
def _words(letters: int, low: int, high: int, n_max: int) -> tuple[int, ...]:
    """`c[n]` for `n = 0..n_max`: the words of length `n` over `letters` letters in which
    every letter occurs between `low` and `high` times (inclusive)."""
    if letters == 0:
        return (1,) + (0,) * n_max
    fewer = _words(letters - 1, low, high, n_max)
    rows = _pascal(n_max)
    below_low, below_high = (letters - 1) * low, min((letters - 1) * high, n_max)
    counts = [0] * (n_max + 1)
    for n in range(letters * low, min(letters * high, n_max) + 1):
        # the last letter occurs k times: k in [low, high], the others n - k in their support
        k0, k1 = max(low, n - below_high), min(high, n - below_low)
        if k0 > k1:
            continue
        row = rows[n]
        # sum_k C(n, k) fewer[n - k], summed in C over the slices
        counts[n] = sum(map(mul, row[k0:k1 + 1], reversed(fewer[n - k1:n - k0 + 1])))
    return tuple(counts)


def _integer_row(vocab_size: int, lam: Fraction, leaders: int) -> tuple[int, int, int]:
    """A leader's and a non-leader's probability as integers over a common denominator."""
    other = non_leader_probability(vocab_size, lam, leaders) if leaders < vocab_size else 0
    denominator = math.lcm(lam.denominator, Fraction(other).denominator)
    return int(lam * denominator), int(other * denominator), denominator


@functools.lru_cache(maxsize=1024)
def node_correct_probability(vocab_size: int, lam: Fraction, leaders: int, samples: int
                             ) -> Fraction:
    """LT2: the exact chance that `m` samples at a node with `leaders` leaders are classified
    right: every leader's count `>= theta m` and every other token's count `< theta m`.

    With `n` samples on the leaders, `sum_n C(m, n) lambda^n q^(m-n) A(n) B(m-n)`, where
    `A(n)` counts words of length `n` over the leaders with each letter `>= theta m` times,
    `B` words over the non-leaders with each letter `< theta m` times (`q` a non-leader's
    probability), all in integers over the common denominator.
    """
    m = samples
    threshold = math.ceil(compute_theta(vocab_size, lam) * m)  # count >= theta m <=> >= this
    lead, other, denominator = _integer_row(vocab_size, lam, leaders)
    on_leaders = _words(leaders, threshold, m, m)
    off_leaders = _words(vocab_size - leaders, 0, threshold - 1, m)
    binomials = _pascal(m)[m]
    total = 0
    for n in range(leaders * threshold, m + 1):
        if on_leaders[n] and off_leaders[m - n]:
            total += (binomials[n] * on_leaders[n] * off_leaders[m - n]
                      * lead**n * other ** (m - n))
    return Fraction(total, denominator**m)


def node_misclassification_probability(vocab_size: int, lam: Fraction, leaders: int,
                                       samples: int) -> Fraction:
    """LT2: `1 - node_correct_probability`, the per-node misclassification chance."""
    return 1 - node_correct_probability(vocab_size, lam, leaders, samples)


def bfs_success_probability(trie: LeaderTrie, samples: int, cap: int) -> Fraction:
    """LT2: the exact chance that the BFS learner returns `T`: every internal node is
    classified right (then exactly the internal nodes are processed), and they fit the cap.
    One factor per internal node, which depends only on its leader count."""
    counts = Counter(len(leaders) for leaders in leader_sets(trie).values())
    if sum(counts.values()) > cap:
        return Fraction(0)
    p = Fraction(1)
    for leaders, nodes in sorted(counts.items()):
        p *= node_correct_probability(trie.vocab_size, trie.lam, leaders, samples) ** nodes
    return p


# ---------------------------------------------------------------------------------------------
# Monte Carlo: failures of independent runs, each with its own exact success chance
# ---------------------------------------------------------------------------------------------

def _chernoff_tail(expected: Fraction, failures: int) -> Interval:
    """`exp(-mu) (e mu / f)^f`: Chernoff's bound on `P(F >= f)` for `f > mu` and on
    `P(F <= f)` for `f < mu`, `F` a sum of independent Bernoullis with mean `mu`."""
    mu = interval(expected)
    if failures == 0:
        return iv.exp(-mu)
    return iv.exp(failures - mu) * (mu / failures) ** failures


def is_LT2_failure_count_consistent(expected: Fraction, failures: int,
                                    false_alarm: Fraction = CHECK_FALSE_ALARM) -> bool:
    """LT2 (Monte Carlo): `failures` failed runs, the runs independent with exact failure
    chances summing to `expected`, do not reject those chances: neither Chernoff tail bound
    (rigorous for any mix of chances) is `<= false_alarm / 2`."""
    expected = Fraction(expected)
    if isinstance(failures, bool) or not isinstance(failures, int) or failures < 0:
        raise InvalidDefinition("failures", "must be an integer >= 0", failures)
    if expected < 0:
        raise InvalidDefinition("expected", "must be >= 0", str(expected))
    if failures == expected:
        return True
    if expected == 0:  # no run can fail
        return failures == 0
    return not is_at_most(lambda: _chernoff_tail(expected, failures),
                          Fraction(false_alarm) / 2)
