"""The KL-regularised policy-gradient baseline (GAP's practical root-start learner) and the
outcome-reward wrapper it trains with."""

from __future__ import annotations

import math
import random
from fractions import Fraction

import pytest
import sympy

from genaccess.reference.outcome_reward import OutcomeReward, UnreturnedResponse
from genaccess.reference.policy_gradient import (
    PolicyGradientConfig,
    PolicyGradientRun,
    TabularTilt,
    compute_policy_law,
    compute_suboptimality,
    policy_gradient,
)
from genaccess.spec.access import access_model
from genaccess.spec.errors import ForbiddenStart, InvalidDefinition
from genaccess.spec.gap import kl_value
from genaccess.spec.hidden_path import HiddenPathFamily
from genaccess.spec.kl_objective import (
    as_expr,
    calibrated_beta,
    continuation_weight,
    is_zero,
    optimal_value,
    path_reward,
    reference_law,
    suboptimality,
)
from genaccess.spec.observation import Report
from genaccess.spec.oracle import Oracle
from genaccess.spec.prefix import Response
from genaccess.spec.tilted_path import (
    compute_optimal_value,
    compute_path_continuation_weight,
    compute_reference_suboptimality,
    tilted_path_law,
)

ROOT_LOGPROB = "root-start/logprob"


def _beta(H: int) -> float:
    return float(calibrated_beta(Fraction(1, 2), H))


def _sampled(report: Report) -> int:
    assert report.token is not None  # every rollout report here shows its token
    return report.token


def _reference_suboptimality(family: HiddenPathFamily) -> float:
    return float(compute_reference_suboptimality(family))


def _train(H: int, queries: int, seed: int, K: int = 3, step: float = 4.0
           ) -> tuple[HiddenPathFamily, Response, Oracle, OutcomeReward, PolicyGradientRun]:
    family = HiddenPathFamily(K, H, "1/2")
    rng = random.Random(seed)
    z = tuple(rng.randrange(K) for _ in range(H))
    oracle = Oracle(family.generator(z), access_model(ROOT_LOGPROB), rng=rng)
    reward = OutcomeReward(oracle, path_reward(z))
    run = policy_gradient(oracle, reward, PolicyGradientConfig(queries, 20, step, _beta(H)))
    return family, z, oracle, reward, run


# ---------------------------------------------------------------------------------------
# The outcome reward is revealed only on returned responses


def test_GAP_reward_answers_returned_responses_and_refuses_others() -> None:
    family = HiddenPathFamily(3, 3, "1/2")
    z = (0, 1, 2)
    oracle = Oracle(family.generator(z), access_model(ROOT_LOGPROB), rng=random.Random(1))
    reward = OutcomeReward(oracle, path_reward(z))
    with pytest.raises(UnreturnedResponse):
        reward(z)  # nothing returned yet: not even the right answer can be tested
    assert reward.answered == 0
    returned = {tuple(_sampled(r) for r in oracle.rollout()) for _ in range(5)}
    for y in returned:
        assert reward(y) == float(y == z)
    assert reward.answered == len(returned)
    unseen = next(y for y in family.paths() if y not in returned)
    with pytest.raises(UnreturnedResponse, match="never returned"):
        reward(unseen)
    assert reward.answered == len(returned)  # a refusal records nothing
    assert not reward.is_returned(unseen)


def test_reward_counts_only_whole_responses_under_local_reset() -> None:
    """A one-token answer at the root is not a response; a continuation to the end is."""
    family = HiddenPathFamily(3, 2, "1/2")
    z = (1, 1)
    oracle = Oracle(family.generator(z), access_model("local-reset/sample"),
                    rng=random.Random(4))
    reward = OutcomeReward(oracle, path_reward(z))
    first = oracle.query((), 1)[0].token
    assert first is not None
    for a in range(3):
        assert not reward.is_returned((first, a))
    second = oracle.query((first,), 1)[0].token
    assert second is not None
    assert reward((first, second)) == float((first, second) == z)


def test_pg_asks_the_reward_only_about_returned_rollouts() -> None:
    _family, z, oracle, reward, run = _train(H=3, queries=200, seed=5)
    returned = {(*rec.prefix, *rec.visible_continuation()) for rec in oracle.transcript}
    assert reward.answered == run.queries == 200
    assert run.rewarded_rollouts == sum(1 for rec in oracle.transcript
                                        if rec.visible_continuation() == z)
    assert z in returned or run.rewarded_rollouts == 0


# ---------------------------------------------------------------------------------------
# The learner is root-start only


def test_GAP_pg_makes_only_root_start_rollouts() -> None:
    _family, _z, oracle, _reward, run = _train(H=4, queries=120, seed=2)
    assert oracle.queries_used == run.queries == 120
    assert all(rec.prefix == () and rec.length == 4 for rec in oracle.transcript)
    with pytest.raises(ForbiddenStart):  # the oracle it was given cannot do anything else
        oracle.query((0,), 1)


@pytest.mark.parametrize("access", ["local-reset/logprob", "arbitrary-prefix/logprob",
                                    "root-start/sample", "root-start/full"])
def test_invalid_pg_oracle(access: str) -> None:
    family = HiddenPathFamily(3, 2, "1/2")
    oracle = Oracle(family.generator((0, 0)), access_model(access), rng=random.Random(0))
    with pytest.raises(InvalidDefinition, match="oracle"):
        policy_gradient(oracle, OutcomeReward(oracle, path_reward((0, 0))),
                        PolicyGradientConfig(10, 5, 1.0, 1.0))
    assert oracle.queries_used == 0


def test_invalid_pg_reward_of_another_oracle() -> None:
    family = HiddenPathFamily(3, 2, "1/2")
    mine = Oracle(family.generator((0, 0)), access_model(ROOT_LOGPROB), rng=random.Random(0))
    other = Oracle(family.generator((0, 0)), access_model(ROOT_LOGPROB), rng=random.Random(0))
    with pytest.raises(InvalidDefinition, match="reward"):
        policy_gradient(mine, OutcomeReward(other, path_reward((0, 0))),
                        PolicyGradientConfig(10, 5, 1.0, 1.0))


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"queries": 0}, "queries"), ({"batch_size": 0}, "batch_size"),
    ({"step_size": 0.0}, "step_size"), ({"step_size": math.inf}, "step_size"),
    ({"beta": -1.0}, "beta"), ({"baseline_decay": 1.0}, "baseline_decay"),
    ({"queries": True}, "queries"),
])
def test_invalid_pg_config(kwargs: dict[str, object], field: str) -> None:
    base: dict[str, object] = {"queries": 10, "batch_size": 2, "step_size": 1.0, "beta": 1.0}
    base.update(kwargs)
    with pytest.raises(InvalidDefinition, match=field):
        PolicyGradientConfig(**base)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------
# Reproducible, and it learns where it sees the reward


def test_pg_is_deterministic_given_the_seed() -> None:
    *_, first = _train(H=4, queries=300, seed=11)
    *_, second = _train(H=4, queries=300, seed=11)
    assert first == second
    *_, other = _train(H=4, queries=300, seed=12)
    assert other != first


def test_GAP_pg_suboptimality_decreases_on_a_small_instance() -> None:
    """Fixed seed, generous margin: with K=3, H=3, 600 rollouts (about 75
    rewarded) takes SubOpt from SubOpt(pref) to below a tenth of it (the run reaches
    well under 1%)."""
    family, z, _oracle, _reward, run = _train(H=3, queries=600, seed=3)
    before = _reference_suboptimality(family)
    after = compute_suboptimality(run.policy, family, z)
    assert run.rewarded_rollouts > 20
    assert after < before / 10


def test_pg_step_size_is_stable_where_beta_is_largest() -> None:
    """H = 1 has the largest `beta_H = 1/ln 2`, where a too large step overshoots; the
    stated step 4 still converges there (and with step 8 it would not)."""
    family, z, _oracle, _reward, run = _train(H=1, queries=600, seed=1)
    assert compute_suboptimality(run.policy, family, z) < _reference_suboptimality(family) / 10
    family, z, _oracle, _reward, run = _train(H=1, queries=600, seed=1, step=8.0)
    assert compute_suboptimality(run.policy, family, z) > _reference_suboptimality(family)


def test_GAP_pg_never_moves_without_a_reward() -> None:
    """At H = 14 the hidden path has probability 2^-14 per rollout: this seeded run never
    sees a reward, so theta stays exactly zero and SubOpt is SubOpt(pref), the wall."""
    family, z, _oracle, _reward, run = _train(H=14, queries=200, seed=0)
    assert run.rewarded_rollouts == 0
    assert run.policy.theta == ()
    assert set(run.baselines) == {0.0}
    subopt = compute_suboptimality(run.policy, family, z)
    assert subopt == pytest.approx(_reference_suboptimality(family),
                                   rel=1e-12)
    assert subopt > 0.99 * float(compute_optimal_value(family))


# ---------------------------------------------------------------------------------------
# The evaluation: floats against the exact law


@pytest.mark.parametrize(("H", "queries", "seed"), [(2, 100, 1), (3, 200, 4), (4, 200, 8)])
def test_float_suboptimality_matches_exact_kl(H: int, queries: int, seed: int) -> None:
    """The chain-rule float value equals `beta_H KL(law || pstar_z)` of the exact law of the
    rounded policy, evaluated at 50 digits (KL1)."""
    family, z, _oracle, _reward, run = _train(H=H, queries=queries, seed=seed)
    law = compute_policy_law(run.policy, family.generator(z))
    assert sum(law.values(), Fraction(0)) == 1
    exact = _beta(H) * float(kl_value(law, tilted_path_law(family, z)))
    assert compute_suboptimality(run.policy, family, z) == pytest.approx(exact, abs=1e-12)


def test_float_suboptimality_matches_the_definition_of_SubOpt() -> None:
    """On K=3, H=2: `J* - J(p)` from the spec's definitions equals the float value (KL1)."""
    family, z, _oracle, _reward, run = _train(H=2, queries=60, seed=6)
    law = compute_policy_law(run.policy, family.generator(z))
    beta = calibrated_beta(family.alpha, 2)
    exact = suboptimality({y: as_expr(p) for y, p in law.items()},
                          reference_law(family.generator(z)), path_reward(z), beta)
    assert compute_suboptimality(run.policy, family, z) == pytest.approx(
        float(sympy.N(exact, 30)), abs=1e-12)


def test_reference_suboptimality_is_the_definition_at_theta_zero() -> None:
    family = HiddenPathFamily(3, 3, "1/2")
    z = (2, 0, 1)
    pref = reference_law(family.generator(z))
    exact = suboptimality(pref, pref, path_reward(z), calibrated_beta(family.alpha, 3))
    assert _reference_suboptimality(family) == pytest.approx(
        float(sympy.N(exact, 30)), abs=1e-12)
    empty = TabularTilt(3, 3, ())
    assert compute_suboptimality(empty, family, z) == pytest.approx(float(sympy.N(exact, 30)),
                                                                    abs=1e-12)


def test_invalid_suboptimality_policy_shape() -> None:
    family = HiddenPathFamily(3, 3, "1/2")
    with pytest.raises(InvalidDefinition, match="policy"):
        compute_suboptimality(TabularTilt(3, 2, ()), family, (0, 0, 0))


def test_closed_forms_on_the_path_are_the_definitions() -> None:
    """The spec's rational `W(z_<t)` and exact `J*` (what the float evaluation and the gap
    table use) equal KL2's `continuation_weight` and KL1's `optimal_value` (K=3, H=3)."""
    family = HiddenPathFamily(3, 3, "1/2")
    z = (2, 0, 1)
    generator, reward = family.generator(z), path_reward(z)
    beta = calibrated_beta(family.alpha, 3)
    for t in range(4):
        exact = continuation_weight(generator, reward, beta, z[:t])
        assert is_zero(exact - as_expr(compute_path_continuation_weight(family, t)))
    J_star = optimal_value(reference_law(generator), reward, beta)
    assert is_zero(J_star - compute_optimal_value(family))
