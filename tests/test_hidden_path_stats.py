"""Clopper-Pearson intervals and binomial consistency tests (genaccess.spec.stats)."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest

from genaccess.spec.errors import InvalidDefinition
from genaccess.spec.stats import clopper_pearson, is_at_least, is_consistent


def _exact_upper_tail(x: int, n: int, p: Fraction) -> Fraction:
    return sum((math.comb(n, k) * p**k * (1 - p) ** (n - k) for k in range(x, n + 1)),
               Fraction(0))


@pytest.mark.parametrize(("x", "n"), [(0, 10), (3, 10), (10, 10), (7, 40), (1, 1)])
def test_interval_endpoints_solve_the_exact_tails(x: int, n: int) -> None:
    a = Fraction(1, 20)
    lo, hi = clopper_pearson(x, n, a)
    eps = Fraction(1, 10**12)
    if x > 0:
        assert _exact_upper_tail(x, n, lo) <= a / 2 <= _exact_upper_tail(x, n, lo + eps)
    else:
        assert lo == 0
    if x < n:
        lower = 1 - _exact_upper_tail(x + 1, n, hi)
        assert lower <= a / 2 <= 1 - _exact_upper_tail(x + 1, n, hi - eps)
    else:
        assert hi == 1


def test_consistency_is_the_interval() -> None:
    lo, hi = clopper_pearson(30, 100, Fraction(1, 100))
    assert is_consistent(Fraction(3, 10), 30, 100, Fraction(1, 100))
    assert is_consistent(lo + Fraction(1, 10**6), 30, 100, Fraction(1, 100))
    assert not is_consistent(lo - Fraction(1, 10**6), 30, 100, Fraction(1, 100))
    assert not is_consistent(hi + Fraction(1, 10**6), 30, 100, Fraction(1, 100))
    assert is_at_least(Fraction(9, 10), 85, 100)
    assert not is_at_least(Fraction(99, 100), 85, 100)


@pytest.mark.parametrize(("x", "n", "a"), [(-1, 10, "1/2"), (11, 10, "1/2"), (1, 0, "1/2"),
                                           (1, 10, "0"), (1, 10, "1")])
def test_invalid_arguments(x: int, n: int, a: str) -> None:
    with pytest.raises(InvalidDefinition):
        clopper_pearson(x, n, Fraction(a))
