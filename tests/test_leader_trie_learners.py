"""The leader-trie learners against the oracle: query counts, LR, failure reporting, and
the exact laws on small cases."""

from __future__ import annotations

import random
from fractions import Fraction as F

import pytest

from genaccess.reference.bfs_trie import TrieRecovery, bfs_trie
from genaccess.reference.trie_logits_learner import logits_trie
from genaccess.reference.trie_root_test import root_full_test, root_sample_test
from genaccess.reference.trie_top1_learner import top1_trie
from genaccess.spec.access import access_model
from genaccess.spec.chance import Chooser, exact_law
from genaccess.spec.errors import InvalidDefinition, UnbuiltPrefix
from genaccess.spec.leader_classification import (
    bfs_success_probability,
    compute_samples_per_node,
)
from genaccess.spec.leader_trie import (
    LeaderTrie,
    compute_theta,
    internal_nodes,
    leader_trie_generator,
    trie_nodes,
)
from genaccess.spec.local_reset import is_local_reset
from genaccess.spec.oracle import Oracle
from genaccess.spec.separation import root_test_errors, top1_pair

TRIE = LeaderTrie(3, 3, "1/2", [(0, 0, 0), (1, 0, 0)])
THETA = compute_theta(3, F(1, 2))


def _oracle(trie: LeaderTrie, access: str, seed: int | Chooser = 0) -> Oracle:
    rng = random.Random(seed) if isinstance(seed, int) else seed
    return Oracle(leader_trie_generator(trie), access_model(access), rng=rng)


def test_LT2_bfs_recovers_with_S_times_m_queries() -> None:
    cap = len(internal_nodes(TRIE))
    m = compute_samples_per_node(3, F(1, 2), cap, F(1, 10))
    oracle = _oracle(TRIE, "local-reset/sample", 7)
    result = bfs_trie(oracle, theta=THETA, samples=m, cap=cap)
    assert result.recovers(trie_nodes(TRIE))
    assert result.queries == oracle.queries_used == cap * m
    assert result.responses == {(0, 0, 0), (1, 0, 0)}
    assert is_local_reset(oracle.transcript, 3)


def test_LT2_bfs_cap_hit_is_reported_not_raised() -> None:
    oracle = _oracle(TRIE, "local-reset/sample", 1)
    result = bfs_trie(oracle, theta=THETA, samples=50, cap=2)
    assert result.failed and "cap S = 2" in result.reason
    assert result.processed == 2 and result.queries == 100
    assert not result.recovers(trie_nodes(TRIE))


def test_LT2_bfs_exact_success_equals_formula() -> None:
    trie = LeaderTrie(3, 2, "1/2", [(0, 0), (0, 1)])

    def experiment(chooser: Chooser) -> bool:
        result = bfs_trie(_oracle(trie, "local-reset/sample", chooser), theta=THETA,
                          samples=2, cap=2)
        return result.recovers(trie_nodes(trie))

    assert exact_law(experiment).get(True, F(0)) == bfs_success_probability(trie, 2, 2)


@pytest.mark.parametrize(("samples", "cap"), [(0, 1), (1, 0), (True, 1)])
def test_invalid_bfs_parameters(samples: int, cap: int) -> None:
    with pytest.raises(InvalidDefinition):
        bfs_trie(_oracle(TRIE, "local-reset/sample"), theta=THETA, samples=samples, cap=cap)


def test_invalid_bfs_needs_sample_observations() -> None:
    with pytest.raises(InvalidDefinition, match="oracle: the BFS learner needs sample"):
        bfs_trie(_oracle(TRIE, "local-reset/top1"), theta=THETA, samples=2, cap=5)


def test_LT2_logits_exactly_internal_node_queries() -> None:
    oracle = _oracle(TRIE, "local-reset/full")
    result = logits_trie(oracle, theta=THETA)
    assert result.recovers(trie_nodes(TRIE)) and result.queries == 5 == len(
        internal_nodes(TRIE))
    assert is_local_reset(oracle.transcript, 3)


def test_LT3_top1_learner_fails_on_T2_and_not_on_T1() -> None:
    t1, t2 = top1_pair(3, 3, "1/2")
    for trie, expected in ((t1, True), (t2, False)):
        result = top1_trie(_oracle(trie, "local-reset/top1"))
        assert result.recovers(trie_nodes(trie)) is expected
        assert result.nodes == trie_nodes(t1) and result.queries == 3


def test_LT3_root_tests() -> None:
    t1, t2 = top1_pair(4, 2, "1/3")
    theta = compute_theta(4, F(1, 3))
    assert root_full_test(_oracle(t1, "local-reset/full"), theta=theta) == 1
    assert root_full_test(_oracle(t2, "local-reset/full"), theta=theta) == 2

    def experiment(chooser: Chooser) -> int:
        return root_sample_test(_oracle(t2, "local-reset/sample", chooser), samples=3,
                                theta=theta)

    law = exact_law(experiment)
    assert law.get(1, F(0)) == root_test_errors(4, F(1, 3), 3)[1]


def test_local_reset_refuses_the_unrevealed_leader_of_the_topk_pair() -> None:
    """Boundary 2 in one query: under topk(1), token 1 is never revealed at the root, so
    the oracle refuses a query at (1,) (nothing is recorded)."""
    _, t2 = top1_pair(3, 2, "1/2")
    oracle = _oracle(t2, "local-reset/topk(1)")
    oracle.query((), 1)
    with pytest.raises(UnbuiltPrefix):
        oracle.query((1,), 1)
    assert oracle.queries_used == 1


def test_trie_recovery_responses_of_root_only() -> None:
    assert TrieRecovery(frozenset({()}), 1, 1, failed=True).responses == frozenset()
