"""The z3 encoding of leader tries and the LT3 search, on the smallest shapes."""

from __future__ import annotations

from fractions import Fraction as F

from genaccess.proofs.leader_trie_margin import prove_LT1_margin
from genaccess.proofs.result import ProofStatus
from genaccess.proofs.top1_blindness_search import (
    check_encoding,
    find_blind_pair,
    is_LT3_shape,
    minimal_root_separable_blind_pairs,
    prove_full_separates_every_pair,
    rejects_non_tries,
)
from genaccess.spec.leader_trie import LeaderTrie
from genaccess.spec.separation import is_LT3_top1_agreement, top1_pair


def test_LT1_margin_is_proved_and_fails_without_admissibility() -> None:
    assert prove_LT1_margin().status is ProofStatus.PROVED
    assert prove_LT1_margin(admissible=False).status is ProofStatus.REFUTED


def test_encoding_matches_python_on_every_trie() -> None:
    assert check_encoding(3, 1, F(1, 2)) == 6 * 1 * 3
    assert rejects_non_tries(3, 2, F(1, 2)) == 3


def test_search_finds_a_blind_pair_and_full_separates_all() -> None:
    found = find_blind_pair(3, 2, F(1, 2))
    assert found.pair is not None and is_LT3_top1_agreement(*found.pair)
    assert found.pair[0] != found.pair[1]
    assert prove_full_separates_every_pair(3, 2, F(1, 2)).status is ProofStatus.PROVED


def test_minimal_root_separable_pairs_are_the_LT3_shape() -> None:
    minimal = minimal_root_separable_blind_pairs(3, 2, F(1, 2))
    assert minimal.size == 6 and len(minimal.pairs) == 18
    assert top1_pair(3, 2, "1/2") in minimal.pairs
    assert all(is_LT3_shape(*pair) for pair in minimal.pairs)


def test_is_LT3_shape_rejects_other_pairs() -> None:
    t1, t2 = top1_pair(3, 2, "1/2")
    assert is_LT3_shape(t1, t2) and is_LT3_shape(t2, t1)
    lower = LeaderTrie(3, 2, "1/2", [(1, 0), (0, 0)])  # extra branch below the greedy token
    single = LeaderTrie(3, 2, "1/2", [(1, 0)])
    assert not is_LT3_shape(single, lower)
    assert not is_LT3_shape(t1, LeaderTrie(3, 2, "1/2", [(0, 0), (1, 1)]))
