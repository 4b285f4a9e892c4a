"""The hidden-path family and its closed forms (genaccess.spec.hidden_path)."""

from __future__ import annotations

import math
import time
from fractions import Fraction

import pytest

from genaccess.spec.cps_success import (
    compute_cps_m,
    compute_plurality_win_by_enumeration,
    compute_plurality_win_probabilities,
)
from genaccess.spec.errors import InvalidDefinition
from genaccess.spec.generator import is_G1
from genaccess.spec.hidden_path import HiddenPathFamily
from genaccess.spec.root_start_success import (
    compute_HP1_success,
    compute_HP1_success_float,
    compute_root_start_queries_needed,
    is_HP1_success_at_least,
)
from genaccess.spec.sequential_test import (
    SequentialTest,
    compute_adaptive_parameters,
    compute_sequential_decision_law,
    sequential_decision,
)


@pytest.mark.parametrize("alpha", ["1/3", "1/4", "1", "3/2", "0"])
def test_invalid_alpha_names_field_and_rule(alpha: str) -> None:
    with pytest.raises(InvalidDefinition) as err:
        HiddenPathFamily(3, 2, alpha)
    assert err.value.field == "alpha" and "strictly between 1/K = 1/3 and 1" in str(err.value)


@pytest.mark.parametrize(("K", "H", "field"), [(1, 2, "vocab_size"), (2, 0, "horizon"),
                                                (True, 2, "vocab_size"), (2, 1.5, "horizon")])
def test_invalid_shape(K: object, H: object, field: str) -> None:
    with pytest.raises(InvalidDefinition) as err:
        HiddenPathFamily(K, H, "3/4")  # type: ignore[arg-type]
    assert err.value.field == field


@pytest.mark.parametrize("path", [(0,), (0, 1, 0), (0, 3), (0, -1), "01"])
def test_invalid_path(path: object) -> None:
    with pytest.raises(InvalidDefinition):
        HiddenPathFamily(3, 2, "1/2").generator(path)


def test_generator_is_the_hidden_path_rule() -> None:
    family = HiddenPathFamily(3, 3, "1/2")
    g = family.generator((2, 0, 1))
    assert g.next_token(()) == family.stage(2)
    assert g.next_token((2,)) == family.stage(0)
    assert g.next_token((2, 0)) == family.stage(1)
    for off in [(0,), (1,), (2, 1), (0, 0)]:
        assert set(g.next_token(off).probs) == {Fraction(1, 3)}
    assert family.stage(2).probs == (Fraction(1, 4), Fraction(1, 4), Fraction(1, 2))
    assert family.margin == Fraction(1, 4)
    assert is_G1(g)


def test_S_T_matches_the_theory_sum() -> None:
    """For T >= 1 the closed form is HP1's sum over d = 1..H (docs/theory.md); T = 0 is K^-H."""
    family = HiddenPathFamily(3, 4, "2/3")
    K, H, a = 3, 4, family.alpha
    assert compute_HP1_success(family, 0) == Fraction(1, K**H)
    for T in range(1, 6):
        cdf = [(1 - a**d) ** T for d in range(H)] + [Fraction(1)]
        theory = sum(((cdf[d] - cdf[d - 1]) * Fraction(1, K ** (H - d))
                      for d in range(1, H + 1)), Fraction(0))
        assert compute_HP1_success(family, T) == theory


def test_queries_needed_is_fast_and_tight_at_H_60() -> None:
    family = HiddenPathFamily(3, 60, "1/2")
    target = Fraction(19, 20)
    start = time.perf_counter()
    T = compute_root_start_queries_needed(family, target)
    assert time.perf_counter() - start < 5
    assert is_HP1_success_at_least(family, T, target)
    assert not is_HP1_success_at_least(family, T - 1, target)
    # The deepest stage dominates: 1 - S_T ~ (1 - 1/K)(1 - alpha^(H-1))^T, so
    # T ~ ln((2/3) / delta) * 2^59; the next stage adds about 1% (exp(-2 T / 2^59) / 3).
    assert T / (math.log(Fraction(2, 3) / (1 - target)) * 2**59) == pytest.approx(1, rel=2e-2)


def test_S_T_float_agrees_with_exact() -> None:
    family = HiddenPathFamily(2, 5, "3/4")
    for T in (1, 7, 30, 500):
        exact = float(compute_HP1_success(family, T))
        assert compute_HP1_success_float(family, T) == pytest.approx(exact, rel=1e-12)


def test_cps_m_known_values() -> None:
    for H, m in ((10, 192), (20, 214), (40, 237)):
        assert compute_cps_m(HiddenPathFamily(3, H, "1/2"), "1/20") == m
        real = 2 / (1 / 4) ** 2 * math.log(H * 2 / 0.05)
        assert m == math.ceil(real)


@pytest.mark.parametrize("delta", ["0", "1", "-1/2", "3/2"])
def test_invalid_delta(delta: str) -> None:
    with pytest.raises(InvalidDefinition) as err:
        compute_cps_m(HiddenPathFamily(3, 2, "1/2"), delta)
    assert err.value.field == "delta"


def test_plurality_dp_against_enumeration_with_ties() -> None:
    for K, alpha in ((2, "3/5"), (3, "1/2"), (5, "2/5")):
        family = HiddenPathFamily(K, 1, alpha)
        for m in range(0, 5):
            q = compute_plurality_win_probabilities(family, m)
            assert q == tuple(compute_plurality_win_by_enumeration(family.stage(a), m, a)
                              for a in range(K))
    # m = 0: every count is 0 and the tie goes to token 0
    assert compute_plurality_win_probabilities(HiddenPathFamily(3, 1, "1/2"), 0) == (1, 0, 0)


def test_sequential_decision_rule() -> None:
    test = SequentialTest(margin=2, cap=5)
    assert sequential_decision((1, 0, 0), test) is None
    assert sequential_decision((2, 0, 0), test) == 0
    assert sequential_decision((1, 3, 1), test) == 1
    assert sequential_decision((2, 2, 1), test) == 0  # cap reached: plurality, lower index
    assert sequential_decision((1, 2, 2), test) == 1


def test_adaptive_parameters_and_exact_stage_law() -> None:
    family = HiddenPathFamily(2, 1, "3/4")
    test = compute_adaptive_parameters(family, "1/2")
    assert test == SequentialTest(margin=2, cap=12)
    law, expected = compute_sequential_decision_law(family.stage(0), test)
    assert sum(law.values()) == 1
    # margin 2 with K=2: gambler's ruin to +-2 is decided every two steps unless it returns
    # to 0 (chance 2*alpha*beta = 3/8 per pair), so P(wrong) = beta^2 sum (3/8)^j over the
    # 6 pairs allowed by the cap, with the final tie going to token 0 (right).
    pairs = sum((Fraction(3, 8) ** j for j in range(6)), Fraction(0))
    assert law[1] == Fraction(1, 16) * pairs
    assert expected == 2 * pairs
