"""Noisy chosen-prefix sampling (NOISY1): the observation type, its registration, its garbling
of `sample`, and its effect on CPS-Path."""

from __future__ import annotations

from fractions import Fraction
from random import Random

import pytest

from genaccess.reference.cps_path import plurality_path
from genaccess.spec import Generator, InvalidDefinition, Oracle
from genaccess.spec.access import OBSERVATION_TYPES, access_model, registered_access_models
from genaccess.spec.control import RootStart
from genaccess.spec.distribution import Distribution
from genaccess.spec.hidden_path import HiddenPathFamily
from genaccess.spec.noisy import NoisySample, NoisySampleReport, compute_channel
from genaccess.spec.noisy_garbling import is_NOISY1_garbling
from genaccess.spec.noisy_path import (
    compute_least_m,
    compute_NOISY1_m,
    compute_NOISY1_success,
    is_NOISY1_stage_law,
    noisy_family,
)

G = Generator.from_table(2, 2, {(): ("1/3", "2/3"), (1,): (1, 0)}, default=("1/2", "1/2"))


def test_NOISY1_type_is_registered_and_parses() -> None:
    assert NoisySample in OBSERVATION_TYPES
    model = access_model("local-reset/noisy-sample(1/3)")
    assert model.observation == NoisySample(Fraction(1, 3))
    assert any(m.observation.family == "noisy-sample" for m in registered_access_models(2, 2))


@pytest.mark.parametrize("eta", ["-1/4", "5/4", "x"])
def test_invalid_NOISY1_eta(eta: str) -> None:
    with pytest.raises(InvalidDefinition, match=r"^eta: "):
        NoisySample(eta)


def test_NOISY1_outcomes_sum_to_one_and_the_continuation_law_is_unchanged() -> None:
    dist = Distribution(("1/2", "1/4", "1/4", "0"))
    atoms = list(NoisySample("1/3").outcomes(dist))
    assert sum(p for _, _, p in atoms) == 1
    continuation = [sum(p for a, _, p in atoms if a == b) for b in range(4)]
    assert continuation == list(dist.probs)
    shown = {r.shown for _, r, _ in atoms if isinstance(r, NoisySampleReport)}
    assert shown == {0, 1, 2, 3}  # noise can show a zero-probability token


def test_NOISY1_report_hides_the_continuation_but_builds_the_shown_child() -> None:
    oracle = Oracle(G, access_model("local-reset/noisy-sample(1)"), rng=Random(5))
    (report,) = oracle.query((), 2)[:1]
    assert isinstance(report, NoisySampleReport) and report.token is None
    assert oracle.built == {(), (report.shown,)}


def test_NOISY1_channel() -> None:
    assert compute_channel(0, 3, 1) == {1: 1}
    assert compute_channel(1, 2, 0) == {0: Fraction(1, 2), 1: Fraction(1, 2)}


def test_NOISY1_is_a_garbling_of_sample_for_root_start_rollouts() -> None:
    for eta in ("0", "1/5", "1"):
        assert is_NOISY1_garbling(G, NoisySample(eta), RootStart(), (((), 2),) * 2)


def test_NOISY1_stage_margin_shrinks_by_one_minus_eta() -> None:
    family = HiddenPathFamily(3, 2, "1/2")
    assert is_NOISY1_stage_law(family, "1/3")
    assert noisy_family(family, "1/3").margin == Fraction(2, 3) * family.margin
    with pytest.raises(InvalidDefinition, match=r"^eta: eta = 1 erases the margin"):
        noisy_family(family, 1)


def test_NOISY1_cps_query_count_is_H_times_m() -> None:
    family = HiddenPathFamily(3, 4, "1/2")
    oracle = Oracle(family.generator((0, 1, 2, 0)), access_model("local-reset/noisy-sample(1/4)"),
                    rng=Random(0))
    plurality_path(oracle, 5)
    assert oracle.queries_used == 20


def test_NOISY1_required_m_grows_like_inverse_square_margin() -> None:
    """The least exact `m` for success 0.95 on HP(2, 10, 3/4): `m ((1-eta) Delta)^2` stays
    within [5.5, 7] while `m` itself grows 18-fold from eta = 0 to eta = 3/4."""
    family = HiddenPathFamily(2, 10, "3/4")
    rows = {}
    for eta in (Fraction(0), Fraction(1, 4), Fraction(1, 2), Fraction(3, 4)):
        m = compute_least_m(family, eta, Fraction(19, 20))
        rows[eta] = m
        scaled = m * ((1 - eta) * family.margin) ** 2
        assert Fraction(11, 2) <= scaled <= 7, (eta, m)
        assert compute_NOISY1_m(family, eta, Fraction(1, 20)) >= m  # Hoeffding is sufficient
    assert rows == {0: 23, Fraction(1, 4): 45, Fraction(1, 2): 103, Fraction(3, 4): 419}


def test_NOISY1_exact_success_decreases_with_noise() -> None:
    family = HiddenPathFamily(2, 3, "3/4")
    values = [compute_NOISY1_success(family, eta, 5, (1, 0, 1))
              for eta in (0, Fraction(1, 4), Fraction(1, 2), Fraction(3, 4))]
    assert values == sorted(values, reverse=True)
