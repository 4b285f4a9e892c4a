"""Every malformed definition fails at construction, naming the field and the rule."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest

from genaccess.spec import Distribution, Generator, InvalidDefinition, TopK
from genaccess.spec.access import access_model
from genaccess.spec.generator import reach_probability, response_probability


def test_invalid_distribution_not_summing_to_one() -> None:
    with pytest.raises(InvalidDefinition, match=r"probs: must sum to exactly 1 \(got '2/3'\)"):
        Distribution(("1/3", "1/3"))


def test_invalid_distribution_negative_entry() -> None:
    with pytest.raises(InvalidDefinition, match=r"probs\[1\]: must be >= 0"):
        Distribution(("3/2", "-1/2"))


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_invalid_distribution_non_finite(bad: float) -> None:
    with pytest.raises(InvalidDefinition, match=r"probs\[0\]: must be finite"):
        Distribution((bad, 0.5))


def test_invalid_distribution_not_a_number() -> None:
    with pytest.raises(InvalidDefinition, match=r"probs\[0\]: must be a rational number"):
        Distribution(("half", "1/2"))
    with pytest.raises(InvalidDefinition, match=r"probs\[0\]: must be a number, not a bool"):
        Distribution((True, 0))


def test_invalid_distribution_too_short() -> None:
    with pytest.raises(InvalidDefinition, match=r"probs: needs one entry per token, K >= 2"):
        Distribution((1,))


def test_float_probabilities_are_taken_exactly() -> None:
    assert Distribution((0.5, 0.25, 0.25)).probs == (Fraction(1, 2), Fraction(1, 4),
                                                      Fraction(1, 4))
    with pytest.raises(InvalidDefinition, match="must sum to exactly 1"):
        Distribution((0.1, 0.2, 0.7))  # binary floats: use "1/10" etc. for tenths


def test_invalid_distribution_wrong_length_for_vocabulary() -> None:
    with pytest.raises(InvalidDefinition, match=r"table\[\(\)\]|probs: needs exactly K = 3"):
        Generator.from_table(3, 1, {(): ("1/2", "1/2")})


def test_invalid_rule_answer_wrong_length_is_caught_when_asked() -> None:
    g = Generator.from_rule(3, 2, lambda u: Distribution(("1/2", "1/2")))
    with pytest.raises(InvalidDefinition, match=r"probs: needs exactly K = 3 entries"):
        g.next_token(())


@pytest.mark.parametrize(("K", "H", "field"), [(1, 2, "vocab_size"), (0, 2, "vocab_size"),
                                               (2, 0, "horizon"), (2, -1, "horizon"),
                                               (2.0, 2, "vocab_size"), (True, 2, "vocab_size")])
def test_invalid_vocab_or_horizon(K: object, H: object, field: str) -> None:
    with pytest.raises(InvalidDefinition, match=rf"^{field}: "):
        Generator.from_table(K, H, {}, default=("1/2", "1/2"))  # type: ignore[arg-type]


def test_invalid_table_prefix_too_long() -> None:
    with pytest.raises(InvalidDefinition, match=r"a prefix has length at most H-1 = 1"):
        Generator.from_table(2, 2, {(0, 1): ("1/2", "1/2")}, default=("1/2", "1/2"))


def test_invalid_table_token_out_of_range() -> None:
    with pytest.raises(InvalidDefinition, match=r"token must be in 0..1 \(K=2\) \(got 2\)"):
        Generator.from_table(2, 2, {(2,): ("1/2", "1/2")}, default=("1/2", "1/2"))


def test_invalid_table_missing_prefix_without_default() -> None:
    with pytest.raises(InvalidDefinition, match=r"table: misses prefixes and no default"):
        Generator.from_table(2, 2, {(): ("1/2", "1/2")})


def test_invalid_response_and_prefix_in_probabilities() -> None:
    g = Generator.from_table(2, 2, {}, default=("1/2", "1/2"))
    with pytest.raises(InvalidDefinition, match=r"a response has length exactly H = 2"):
        response_probability(g, (0,))
    with pytest.raises(InvalidDefinition, match=r"response\[1\]: token must be in 0..1"):
        response_probability(g, (0, 5))
    with pytest.raises(InvalidDefinition, match=r"prefix: length at most H = 2"):
        reach_probability(g, (0, 0, 0))


@pytest.mark.parametrize("k", [0, -1, 1.5, True])
def test_invalid_topk_k(k: object) -> None:
    with pytest.raises(InvalidDefinition, match=r"^k: must be an integer >= 1"):
        TopK(k)  # type: ignore[arg-type]


def test_invalid_topk_k_larger_than_vocabulary() -> None:
    from random import Random

    from genaccess.spec import Oracle

    g = Generator.from_table(2, 1, {}, default=("1/2", "1/2"))
    with pytest.raises(InvalidDefinition, match=r"^k: top-k needs 1 <= k <= K = 2 \(got 3\)"):
        Oracle(g, access_model("root-start/topk(3)"), rng=Random(0))


@pytest.mark.parametrize("name", ["root-start", "sideways/sample", "root-start/top2",
                                  "local-reset/topk(x)"])
def test_invalid_access_model_names(name: str) -> None:
    with pytest.raises(InvalidDefinition):
        access_model(name)
