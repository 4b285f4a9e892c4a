"""`genaccess gap` at large vocabularies (GAP): the policy-gradient baseline's SubOpt by
classes of tokens (`compute_suboptimality`) equals, bit for bit, the token-by-token
computation it replaces (`compute_suboptimality_by_rows`) on every small instance, and the
sweep refuses at once what it cannot do."""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Callable, Sequence
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from genaccess.reference import policy_gradient
from genaccess.reference.cli import main
from genaccess.reference.outcome_reward import OutcomeReward
from genaccess.reference.policy_gradient import (
    Pair,
    PolicyGradientConfig,
    TabularTilt,
    compute_suboptimality,
    compute_suboptimality_by_rows,
)
from genaccess.spec.access import access_model
from genaccess.spec.hidden_path import HiddenPathFamily, alpha_grid
from genaccess.spec.kl_objective import calibrated_beta, path_reward
from genaccess.spec.oracle import Oracle
from genaccess.spec.prefix import Prefix, Response

Evaluate = Callable[[TabularTilt, HiddenPathFamily, Response], float]

SMALL = [(K, H, alpha) for K in (2, 3, 4) for H in (1, 2, 3) for alpha in alpha_grid(K)]
"""Every family HP(K, H, alpha) with `K <= 4`, `H <= 3`, alpha on the grid; every path."""
EXTREMES = (0.0, -800.0, 30.0, 1e-9, -1e-9, 700.0)
"""Tilts where rounding or the `p > 0` test matter: zero, exp underflowing to 0, large,
tiny."""


def _outcome(evaluate: Evaluate, policy: TabularTilt, family: HiddenPathFamily,
             z: Response) -> float | str:
    """The float, or the name of the error (both versions must fail alike)."""
    try:
        return evaluate(policy, family, z)
    except ArithmeticError as err:
        return type(err).__name__


def _random_tilts(rng: random.Random, K: int, H: int, z: Response, count: int
                  ) -> list[TabularTilt]:
    """Tilts on random pairs, half of them on the path (where `pstar_z` differs from
    `pref`), with values from `EXTREMES` or uniform in `[-6, 6]`."""
    prefixes: list[Prefix] = [u for t in range(H) for u in itertools.product(range(K), repeat=t)]
    tilts = []
    for _ in range(count):
        theta: dict[Pair, float] = {}
        for _ in range(rng.randrange(9)):
            u = z[:rng.randrange(H)] if rng.random() < 0.5 else rng.choice(prefixes)
            theta[(u, rng.randrange(K))] = (rng.choice(EXTREMES) if rng.random() < 0.3
                                            else rng.uniform(-6, 6))
        tilts.append(TabularTilt.from_mapping(K, H, theta))
    return tilts


def _trained(family: HiddenPathFamily, z: Response, seed: int) -> TabularTilt:
    """What `genaccess gap` evaluates: a policy-gradient run on `pi_z`."""
    oracle = Oracle(family.generator(z), access_model("root-start/logprob"),
                    rng=random.Random(seed))
    beta = float(calibrated_beta(family.alpha, family.horizon))
    config = PolicyGradientConfig(60, 6, 4.0, beta)
    return policy_gradient.policy_gradient(oracle, OutcomeReward(oracle, path_reward(z)),
                                           config).policy


def _disagreements(evaluate: Evaluate, cases: Sequence[tuple[int, int, object]],
                   tilts_per_path: int, seed: int) -> list[tuple[object, ...]]:
    """Every (instance, policy) on which `evaluate` differs from the token-by-token one."""
    rng = random.Random(seed)
    found: list[tuple[object, ...]] = []
    for K, H, alpha in cases:
        family = HiddenPathFamily(K, H, alpha)
        for z in family.paths():
            policies = [TabularTilt(K, H, ()), *_random_tilts(rng, K, H, z, tilts_per_path)]
            for policy in policies:
                old = _outcome(compute_suboptimality_by_rows, policy, family, z)
                new = _outcome(evaluate, policy, family, z)
                if repr(old) != repr(new):  # a float's repr is its exact bits
                    found.append((K, H, alpha, z, policy, old, new))
    return found


def test_GAP_suboptimality_equals_the_token_by_token_one_on_every_small_instance() -> None:
    assert _disagreements(compute_suboptimality, SMALL, 4, seed=0) == []


def test_GAP_suboptimality_equals_it_on_trained_policies() -> None:
    for K, H, alpha in [(2, 3, alpha_grid(2)[1]), (3, 3, alpha_grid(3)[1]), (4, 2, "1/2")]:
        family = HiddenPathFamily(K, H, alpha)
        for i, z in enumerate(itertools.islice(family.paths(), 4)):
            policy = _trained(family, z, i)
            assert policy.theta  # the run moved: the tilted rows are exercised
            assert (repr(compute_suboptimality(policy, family, z))
                    == repr(compute_suboptimality_by_rows(policy, family, z)))


@pytest.mark.parametrize("K", [40, 120])
def test_GAP_suboptimality_equals_it_where_the_plain_class_is_summed_exactly(K: int) -> None:
    # More than `FEW_COPIES` plain tokens per row: the rational sum replaces fsum.
    assert K - 3 > policy_gradient.FEW_COPIES
    rng = random.Random(K)
    for H in (1, 2):
        family = HiddenPathFamily(K, H, "1/2")
        z = tuple(rng.randrange(K) for _ in range(H))
        for policy in _random_tilts(rng, K, H, z, 12):
            assert (repr(_outcome(compute_suboptimality, policy, family, z))
                    == repr(_outcome(compute_suboptimality_by_rows, policy, family, z)))


def _broken_weight(family: HiddenPathFamily, depth: int) -> Fraction:
    """Forgets KL2's continuation weight on the path (`W = 1`: the target row is then
    `pref` itself): a plausible slip the comparison must catch."""
    return Fraction(1)


def _broken_suboptimality(policy: TabularTilt, family: HiddenPathFamily, z: Response
                          ) -> float:
    """`compute_suboptimality` with `_broken_weight` (the reference keeps the right one)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(policy_gradient, "compute_path_continuation_weight", _broken_weight)
        return compute_suboptimality(policy, family, z)


def test_the_comparison_has_power() -> None:
    cases = [(K, H, alpha) for K, H, alpha in SMALL if K == 3 and H == 2]
    assert _disagreements(_broken_suboptimality, cases, 1, seed=0)


@given(st.floats(allow_nan=False, allow_infinity=False, width=64),
       st.integers(0, 5000),
       st.lists(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e300,
                          max_value=1e300), max_size=6))
def test_sum_with_copies_is_fsum(value: float, copies: int, others: list[float]) -> None:
    listed = [value] * copies + others
    try:
        expected: float | str = math.fsum(listed)
    except OverflowError:
        expected = "OverflowError"
    try:
        got: float | str = policy_gradient._sum_with_copies(value, copies, others)
    except OverflowError:
        got = "OverflowError"
    assert got == expected


def test_sum_with_copies_rounds_half_to_even_like_fsum() -> None:
    # 2^53 + 1 is halfway between two floats: fsum and the rational sum both round to even.
    big = 2.0**53
    for copies in (33, 34, 35, 1000):
        listed = [1.0] * copies + [big]
        assert policy_gradient._sum_with_copies(1.0, copies, [big]) == math.fsum(listed)
        assert policy_gradient._sum_with_copies(0.5, copies, [big]) == math.fsum(
            [0.5] * copies + [big])


def test_gap_refuses_a_vocabulary_it_cannot_sweep_in_one_line(
        capsys: pytest.CaptureFixture[str], tmp_path: object) -> None:
    assert main(["gap", "--vocab", "1000000", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "CPU seconds" in err, err
