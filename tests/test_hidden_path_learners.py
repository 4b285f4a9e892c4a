"""Reference learners for the hidden path: preconditions, budgets, query counts."""

from __future__ import annotations

import random

import pytest

from genaccess.reference.adaptive_cps import adaptive_cps
from genaccess.reference.cps_path import cps_path
from genaccess.reference.logits_learner import logits_path, top1_path
from genaccess.reference.root_start_learner import revealed_path, root_start_map
from genaccess.spec.access import access_model
from genaccess.spec.errors import BudgetExceeded, InvalidDefinition
from genaccess.spec.hidden_path import HiddenPathFamily
from genaccess.spec.local_reset import is_local_reset
from genaccess.spec.oracle import Oracle
from genaccess.spec.sequential_test import compute_adaptive_parameters

FAMILY = HiddenPathFamily(3, 5, "1/2")
Z = (2, 0, 1, 1, 2)


def _oracle(name: str, seed: int = 0, budget: int | None = None) -> Oracle:
    return Oracle(FAMILY.generator(Z), access_model(name), rng=random.Random(seed),
                  budget=budget)


@pytest.mark.parametrize(("learner", "access"), [
    (lambda o: cps_path(o, 3), "root-start/sample"),
    (lambda o: cps_path(o, 3), "local-reset/top1"),
    (lambda o: adaptive_cps(o, "1/2", "1/10"), "local-reset/topk(2)"),
    (logits_path, "local-reset/sample"),
    (logits_path, "root-start/full"),
    (top1_path, "local-reset/full"),
    (lambda o: root_start_map(o, 2, random.Random(0)), "root-start/sample"),
])
def test_invalid_access_is_refused_before_any_query(learner: object, access: str) -> None:
    oracle = _oracle(access)
    with pytest.raises(InvalidDefinition) as err:
        learner(oracle)  # type: ignore[operator]
    assert err.value.field == "oracle" and oracle.queries_used == 0


def test_invalid_sample_counts() -> None:
    with pytest.raises(InvalidDefinition):
        cps_path(_oracle("local-reset/sample"), 0)
    with pytest.raises(InvalidDefinition):
        root_start_map(_oracle("root-start/full"), -1, random.Random(0))
    with pytest.raises(InvalidDefinition):
        adaptive_cps(_oracle("local-reset/sample"), "1/4", "1/10")  # alpha <= 1/K


def test_cps_works_under_arbitrary_prefix_and_logprob() -> None:
    oracle = _oracle("arbitrary-prefix/logprob")
    assert len(cps_path(oracle, 4)) == 5 and oracle.queries_used == 20


def test_budget_is_enforced_by_the_oracle() -> None:
    oracle = _oracle("local-reset/sample", budget=7)
    with pytest.raises(BudgetExceeded):
        cps_path(oracle, 4)
    assert oracle.queries_used == 7


def test_adaptive_uses_far_fewer_queries_than_its_cap() -> None:
    test = compute_adaptive_parameters(FAMILY, "1/20")
    used = []
    for seed in range(20):
        oracle = _oracle("local-reset/sample", seed)
        adaptive_cps(oracle, "1/2", "1/20")
        assert is_local_reset(oracle.transcript, 5)
        used.append(oracle.queries_used)
    assert max(used) <= 5 * test.cap
    assert sum(used) / len(used) < 5 * test.cap / 2


def test_root_start_learner_keeps_the_deepest_revealed_prefix() -> None:
    oracle = _oracle("root-start/full", seed=3)
    guess = root_start_map(oracle, 30, random.Random(1))
    deepest = max((revealed_path(r.reports) for r in oracle.transcript), key=len)
    assert len(deepest) >= 1 and guess[: len(deepest)] == Z[: len(deepest)]


def test_logits_and_top1_recover_the_path() -> None:
    for name, learner in (("local-reset/full", logits_path), ("local-reset/top1", top1_path)):
        oracle = _oracle(name)
        assert learner(oracle) == Z and oracle.queries_used == 5
