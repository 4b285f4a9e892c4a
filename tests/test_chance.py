"""Exact randomness: the seeded chooser and the exact-law enumerator."""

from __future__ import annotations

import math
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


def _linear_scan_choice(rng: random.Random, weights: list[F]) -> int:
    """The chooser's algorithm before the integer weights were cached: the draw is
    `randrange` of the total over the lcm of the denominators, scanned linearly."""
    denominator = math.lcm(*(w.denominator for w in weights))
    numerators = [int(w * denominator) for w in weights]
    draw = rng.randrange(sum(numerators))
    for i, n in enumerate(numerators):
        if draw < n:
            return i
        draw -= n
    raise AssertionError("unreachable")


def test_random_chooser_draws_exactly_as_the_linear_scan() -> None:
    """Caching the cumulative integer weights keeps every seeded run's draws: the same
    `randrange` call and the same index, for tuples (cached) and lists (not cached)."""
    rows_rng = random.Random(11)
    rows: list[tuple[F, ...]] = []
    for _ in range(40):
        raw = [rows_rng.choice([0, 0, 1, 2, 3, 7, 10]) for _ in range(rows_rng.randint(2, 6))]
        raw[rows_rng.randrange(len(raw))] += 1
        total = sum(raw)
        rows.append(tuple(F(r, total) for r in raw))
    order = [rows_rng.randrange(len(rows)) for _ in range(4000)]
    cached = RandomChooser(random.Random(3))
    uncached = RandomChooser(random.Random(3))
    reference = random.Random(3)
    for i in order:
        expected = _linear_scan_choice(reference, list(rows[i]))
        assert cached.choose(rows[i]) == expected
        assert uncached.choose(list(rows[i])) == expected
    assert cached.rng.getstate() == reference.getstate() == uncached.rng.getstate()


def test_random_chooser_sees_a_changed_list() -> None:
    """Lists are not cached: a caller may reuse one list with new weights."""
    chooser = RandomChooser(random.Random(0))
    weights = [F(1), F(0)]
    assert chooser.choose(weights) == 0
    weights[:] = [F(0), F(1)]
    assert chooser.choose(weights) == 1


def test_exact_law_same_for_shared_tuples_and_fresh_lists() -> None:
    row = (F(1, 6), F(0), F(1, 2), F(1, 3))

    def shared(c: Chooser) -> tuple[int, ...]:
        return tuple(c.choose(row) for _ in range(3))

    def fresh(c: Chooser) -> tuple[int, ...]:
        return tuple(c.choose(list(row)) for _ in range(3))

    law = exact_law(shared)
    assert law == exact_law(fresh)
    assert law[(0, 2, 3)] == F(1, 6) * F(1, 2) * F(1, 3)
    assert sum(law.values()) == 1
