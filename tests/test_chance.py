"""Exact randomness: the seeded chooser and the exact-law enumerator."""

from __future__ import annotations

import random
from collections import Counter
from fractions import Fraction as F

import pytest

from genaccess.spec.chance import ChoiceTreeTooLarge, Chooser, RandomChooser, exact_law, expectation


def test_exact_law_of_two_dependent_choices() -> None:
    def experiment(c: Chooser) -> tuple[int, int]:
        first = c.choose([F(1, 4), F(3, 4)])
        second = c.choose([F(1), F(0)]) if first == 0 else c.choose([F(1, 2), F(1, 2)])
        return first, second

    assert exact_law(experiment) == {(0, 0): F(1, 4), (1, 0): F(3, 8), (1, 1): F(3, 8)}


def test_exact_law_skips_zero_weights_and_sums_to_one() -> None:
    law = exact_law(lambda c: c.choose([F(0), F(2), F(0), F(1)]))
    assert law == {1: F(2, 3), 3: F(1, 3)}
    assert expectation(law, lambda x: x) == F(5, 3)


def test_exact_law_refuses_to_explode() -> None:
    with pytest.raises(ChoiceTreeTooLarge):
        exact_law(lambda c: tuple(c.choose([F(1), F(1)]) for _ in range(12)), max_branches=100)


def test_random_chooser_is_exact_and_seeded() -> None:
    chooser = RandomChooser(random.Random(5))
    draws = [chooser.choose([F(1, 3), F(2, 3)]) for _ in range(3000)]
    again = RandomChooser(random.Random(5))
    assert draws == [again.choose([F(1, 3), F(2, 3)]) for _ in range(3000)]
    # Binomial(3000, 1/3): mean 1000, sd 25.8; the window is +-6.5 sd (false alarm < 1e-10).
    assert 832 <= Counter(draws)[0] <= 1168
