"""PLANTED1's stage mixture in integer weights equals the Fraction formula it replaced."""

from __future__ import annotations

import random
from fractions import Fraction

import pytest

from genaccess.spec.distribution import Distribution
from genaccess.spec.planted import extreme_stages, planted_stage

ALPHAS = (Fraction(51, 100), Fraction(3, 5), Fraction(2, 3), Fraction(99, 100))


def _planted_stage_by_fractions(base: Distribution, token: int, alpha: Fraction
                                ) -> Distribution:
    """The definition, one Fraction per token (the implementation before issue 13)."""
    return Distribution(tuple((alpha if b == token else 0) + (1 - alpha) * q
                              for b, q in enumerate(base)))


def _bases(vocab_size: int, rng: random.Random) -> list[Distribution]:
    drawn = [Distribution.from_weights([rng.randrange(4) for _ in range(vocab_size - 1)] + [1])
             for _ in range(20)]
    return [*extreme_stages(vocab_size), *drawn]


@pytest.mark.parametrize("vocab_size", [2, 3, 5])
def test_integer_stage_equals_the_fraction_formula(vocab_size: int) -> None:
    """Every token, every alpha, the extreme stages and 20 seeded bases per K."""
    for base in _bases(vocab_size, random.Random(vocab_size)):
        for token in range(vocab_size):
            for alpha in ALPHAS:
                stage = planted_stage(base, token, alpha)
                expected = _planted_stage_by_fractions(base, token, alpha)
                assert stage == expected and stage.probs == expected.probs
                assert sum(stage.probs) == 1


def test_integer_stage_equals_the_fraction_formula_on_a_float_softmax() -> None:
    """A dyadic base with a large denominator, as the transformer adapter gives."""
    rng = random.Random(0)
    weights = [Fraction(rng.random()) for _ in range(63)] + [Fraction(0)]
    base = Distribution([w / sum(weights) for w in weights])
    for token in (0, 31, 63):
        assert planted_stage(base, token, Fraction(3, 5)) == _planted_stage_by_fractions(
            base, token, Fraction(3, 5))
