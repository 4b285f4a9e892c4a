"""The leader-trie family: validation (each bad input names its field and rule), structure,
the generator, and the LT3 pair constructors."""

from __future__ import annotations

from fractions import Fraction as F

import pytest

from genaccess.spec.errors import InvalidDefinition
from genaccess.spec.generator import is_G1
from genaccess.spec.hidden_path import HiddenPathFamily
from genaccess.spec.leader_classification import node_correct_probability
from genaccess.spec.leader_trie import (
    LeaderTrie,
    all_leader_tries,
    compute_gamma,
    compute_theta,
    count_leader_tries,
    internal_nodes,
    is_LT1_margin,
    leader_set,
    leader_sets,
    leader_trie_generator,
    next_token_distribution,
    trie_nodes,
)
from genaccess.spec.prefix import all_prefixes
from genaccess.spec.separation import (
    is_LT3_top1_agreement,
    root_test_errors,
    top1_pair,
    topk_pair,
)


def test_invalid_vocab_below_three() -> None:
    with pytest.raises(InvalidDefinition, match=r"vocab_size: must be an integer >= 3 "
                                                r"\(got 2\)"):
        LeaderTrie(2, 2, "1/2", [(0, 0)])


@pytest.mark.parametrize("horizon", [0, -1, True, 1.5])
def test_invalid_horizon(horizon: object) -> None:
    with pytest.raises(InvalidDefinition, match=r"horizon: must be an integer >= 1"):
        LeaderTrie(3, horizon, "1/2", [(0,)])  # type: ignore[arg-type]


@pytest.mark.parametrize("lam", ["1/3", "1/4", "3/5", "1", "0"])
def test_invalid_lambda_outside_range(lam: str) -> None:
    with pytest.raises(InvalidDefinition, match=r"lambda: must lie in \(1/K, 1/2\]"):
        LeaderTrie(3, 1, lam, [(0,)])


def test_invalid_lambda_not_a_number() -> None:
    with pytest.raises(InvalidDefinition, match=r"lambda: must be a rational number"):
        LeaderTrie(3, 1, "half", [(0,)])


def test_invalid_empty_response_set() -> None:
    with pytest.raises(InvalidDefinition, match=r"responses: the response set Y must be "
                                                r"nonempty"):
        LeaderTrie(3, 2, "1/2", [])


def test_invalid_response_wrong_length() -> None:
    with pytest.raises(InvalidDefinition, match=r"responses\[0\]: a response has length "
                                                r"exactly H = 3 \(got \(0, 0\)\)"):
        LeaderTrie(3, 3, "1/2", [(0, 0), (1, 0, 0)])


def test_invalid_response_token_out_of_range() -> None:
    with pytest.raises(InvalidDefinition, match=r"responses\[0\]\[1\]: token must be in 0..2"):
        LeaderTrie(3, 2, "1/2", [(0, 3)])


def test_invalid_response_not_tokens() -> None:
    with pytest.raises(InvalidDefinition, match=r"responses\[0\]: must be a tuple of tokens"):
        LeaderTrie(3, 2, "1/2", ["00"])
    with pytest.raises(InvalidDefinition, match=r"responses: must be a collection"):
        LeaderTrie(3, 2, "1/2", "00")


def test_invalid_inadmissible_leader_count_theory_example() -> None:
    """docs/theory.md's LT1 example: K=3, lambda=2/5, Y={0,1,2} would sum to 6/5."""
    with pytest.raises(InvalidDefinition, match=r"responses: inadmissible trie: internal node "
                                                r"\(\) has 3 leaders \[0, 1, 2\], more than "
                                                r"floor\(1/lambda\) = 2"):
        LeaderTrie(3, 1, "2/5", [(0,), (1,), (2,)])


def test_invalid_inadmissible_deep_node() -> None:
    with pytest.raises(InvalidDefinition, match=r"internal node \(1,\) has 3 leaders"):
        LeaderTrie(4, 2, "2/5", [(1, 0), (1, 1), (1, 2)])


def test_three_leaders_allowed_when_lambda_at_most_one_third() -> None:
    trie = LeaderTrie(4, 1, "1/3", [(0,), (1,), (2,)])
    assert next_token_distribution(trie, ()).probs == (F(1, 3), F(1, 3), F(1, 3), F(0))


def test_responses_are_stored_sorted_without_repeats() -> None:
    a = LeaderTrie(3, 2, "1/2", [[1, 0], (0, 0), (1, 0)])
    b = LeaderTrie(3, 2, F(1, 2), {(0, 0), (1, 0)})
    assert a == b and a.responses == ((0, 0), (1, 0))


def test_structure_and_generator() -> None:
    trie = LeaderTrie(3, 3, "1/2", [(0, 0, 0), (1, 0, 0), (1, 2, 1)])
    assert internal_nodes(trie) == ((), (0,), (1,), (0, 0), (1, 0), (1, 2))
    assert leader_set(trie, (1,)) == {0, 2} and leader_set(trie, (2,)) == frozenset()
    assert leader_set(trie, (0, 0, 0)) == frozenset()
    assert len(trie_nodes(trie)) == 1 + 6 + 2
    g = leader_trie_generator(trie)
    assert is_G1(g)
    assert g.next_token((0,)).probs == (F(1, 2), F(1, 4), F(1, 4))
    assert g.next_token((1,)).probs == (F(1, 2), F(0), F(1, 2))
    assert g.next_token((2, 2)).probs == (F(1, 3),) * 3
    assert is_LT1_margin(trie)


def test_theta_gamma() -> None:
    assert compute_theta(3, F(1, 2)) == F(5, 12) and compute_gamma(3, F(1, 2)) == F(1, 12)


def test_count_of_tries_matches_enumeration() -> None:
    for K, H, lam in ((3, 2, F(1, 2)), (4, 2, F(1, 2)), (4, 1, F(1, 3))):
        tries = list(all_leader_tries(K, H, lam))
        assert len(tries) == len(set(tries)) == count_leader_tries(K, H, lam)
        # the enumeration skips the validators: each trie is one `LeaderTrie` accepts
        for trie in tries:
            checked = LeaderTrie(K, H, lam, trie.responses)
            assert checked == trie and leader_sets(checked) == leader_sets(trie)


def test_one_response_trie_is_the_hidden_path() -> None:
    z = (2, 0, 1)
    ours = leader_trie_generator(LeaderTrie.hidden_path(4, 3, "2/5", z))
    theirs = HiddenPathFamily(4, 3, "2/5").generator(z)
    assert all(ours.next_token(u) == theirs.next_token(u) for u in all_prefixes(4, 3))


def test_top1_pair_shape_and_agreement() -> None:
    t1, t2 = top1_pair(3, 3, "1/2")
    assert t1.responses == ((0, 0, 0),) and t2.responses == ((0, 0, 0), (1, 0, 0))
    assert is_LT3_top1_agreement(t1, t2)


def test_invalid_top1_pair_horizon_one() -> None:
    with pytest.raises(InvalidDefinition, match=r"horizon: the LT3 pair needs H >= 2"):
        top1_pair(3, 1, "1/2")


def test_topk_pair_shape_and_validation() -> None:
    t1, t2 = topk_pair(5, 2, "1/3", 2)
    assert t1.responses == ((0, 0), (1, 0)) and t2.responses == ((0, 0), (1, 0), (2, 0))
    with pytest.raises(InvalidDefinition, match=r"lambda: the top-k pair needs lambda <= "
                                                r"1/\(k\+1\) = 1/3"):
        topk_pair(5, 2, "2/5", 2)
    with pytest.raises(InvalidDefinition, match=r"vocab_size: the top-k pair needs K >= k\+2"):
        topk_pair(3, 2, "1/3", 2)
    with pytest.raises(InvalidDefinition, match=r"k: the top-k pair needs an integer k >= 1"):
        topk_pair(4, 2, "1/3", 0)


def test_node_correct_probability_small_case_by_hand() -> None:
    """K=3, lambda=1/2, one leader, m=1: correct iff the single sample is the leader."""
    assert node_correct_probability(3, F(1, 2), 1, 1) == F(1, 2)
    # two leaders with lambda = 1/2: the non-leader has probability 0; m=2 needs one each.
    assert node_correct_probability(3, F(1, 2), 2, 2) == F(1, 2)


def test_root_test_errors_m1() -> None:
    """m=1: decide T2 iff the one root sample is token 1."""
    assert root_test_errors(3, F(1, 2), 1) == (F(1, 4), F(1, 2))
