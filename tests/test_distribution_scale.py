"""Exact distributions at real scale: integer weights in lowest terms, checked against the
`Fraction` implementation they replaced (kept here as the reference).

The reference is the code before issue 13: probabilities as a tuple of `Fraction`s, the
ranking by sorting `(-p_a, a)`, the support by scanning, a seeded draw as `randrange` of the
total of the integer weights over the least common denominator followed by a scan, and the
softmax as one `Fraction` per float weight divided by their exact sum. Every property is
compared exactly; the power tests show that a broken variant is caught."""

from __future__ import annotations

import bisect
import itertools
import math
import pickle
import random
from collections.abc import Callable
from fractions import Fraction

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from genaccess.spec.access import access_model
from genaccess.spec.chance import Chooser, RandomChooser, exact_law
from genaccess.spec.distribution import BLOCK, Distribution
from genaccess.spec.errors import InvalidDefinition
from genaccess.spec.generator import Generator
from genaccess.spec.local_reset import built_set
from genaccess.spec.oracle import Oracle

# ---------------------------------------------------------------------------------------
# The reference: the Fraction implementation before issue 13.


def old_probs(weights: list[int]) -> tuple[Fraction, ...]:
    total = sum(weights)
    return tuple(Fraction(w, total) for w in weights)


def old_ranking(probs: tuple[Fraction, ...]) -> tuple[int, ...]:
    return tuple(sorted(range(len(probs)), key=lambda a: (-probs[a], a)))


def old_draw(rng: random.Random, probs: tuple[Fraction, ...]) -> int:
    """The seeded draw before: `randrange` of the total over the lcm, then a scan."""
    denominator = math.lcm(*(p.denominator for p in probs))
    numerators = [p.numerator * (denominator // p.denominator) for p in probs]
    draw = rng.randrange(sum(numerators))
    for i, n in enumerate(numerators):
        if draw < n:
            return i
        draw -= n
    raise AssertionError("unreachable")


def old_softmax(logits: object, temperature: Fraction) -> tuple[Fraction, ...]:
    import torch

    assert isinstance(logits, torch.Tensor)
    scaled = logits.detach().to(torch.float64) / float(temperature)
    weights = torch.exp(scaled - scaled.max()).tolist()
    exact = [Fraction(w) for w in weights]
    total = sum(exact, Fraction(0))
    return tuple(w / total for w in exact)


# ---------------------------------------------------------------------------------------
# Instances: few distinct values (many ties), zeros, and sizes around the block length.

weight_lists = st.lists(st.sampled_from([0, 0, 1, 1, 2, 3, 5, 8, 2**70, 2**70 + 1]),
                        min_size=2, max_size=12).filter(any)


def _blocky(seed: int) -> list[int]:
    """A weight list of a few blocks: zeros at and around block ends, big and tied weights."""
    rng = random.Random(seed)
    size = rng.choice([BLOCK - 1, BLOCK, BLOCK + 1, 2 * BLOCK, 3 * BLOCK + 7])
    weights = [rng.choice([0, 1, 2, 2, 7, 2**80 + rng.randrange(3)]) for _ in range(size)]
    for end in range(BLOCK - 1, size, BLOCK):
        weights[end] = 0
    weights[rng.randrange(size)] += 1
    return weights


def _agrees(dist: Distribution, probs: tuple[Fraction, ...]) -> None:
    assert dist.probs == probs
    assert tuple(dist) == probs
    assert all(dist[a] == p for a, p in enumerate(probs))
    assert dist.vocab_size == len(probs)
    assert dist.support() == frozenset(a for a, p in enumerate(probs) if p > 0)
    ranking = old_ranking(probs)
    assert dist.ranking() == ranking
    assert dist.argmax() == ranking[0]
    for k in (1, 2, 3, len(probs) - 1, len(probs), len(probs) + 2):
        assert dist.top(k) == tuple((a, probs[a]) for a in ranking[:k])


@given(weight_lists, st.integers(1, 6))
def test_new_distributions_equal_the_fraction_construction(weights: list[int],
                                                           factor: int) -> None:
    probs = old_probs(weights)
    by_probs = Distribution(probs)
    by_weights = Distribution.from_weights([w * factor for w in weights])
    by_denominator = Distribution.from_weights(weights, sum(weights))
    assert by_probs == by_weights == by_denominator
    assert hash(by_probs) == hash(by_weights) == hash(by_denominator)
    assert by_weights.denominator == math.lcm(*(p.denominator for p in probs))
    for dist in (by_probs, by_weights, by_denominator):
        _agrees(dist, probs)


@given(weight_lists, weight_lists)
def test_equality_is_equality_of_probabilities(first: list[int], second: list[int]) -> None:
    same = old_probs(first) == old_probs(second)
    assert (Distribution.from_weights(first) == Distribution(old_probs(second))) is same


def test_top_tokens_asked_in_any_order() -> None:
    """The kept ranking prefix grows and shrinks correctly whichever `k` comes first."""
    for seed in range(20):
        weights = _blocky(seed)
        probs, ranking = old_probs(weights), old_ranking(old_probs(weights))
        dist = Distribution.from_weights(weights)
        ks = [*random.Random(seed).sample(range(-3, len(weights) + 3), 30), 1, 2, 3]
        random.Random(seed).shuffle(ks)
        for k in ks:
            assert dist.top(k) == tuple((a, probs[a]) for a in ranking[:k]), (seed, k)
        assert dist.argmax() == ranking[0]


def test_top_tokens_of_many_blocks_with_ties_across_them() -> None:
    """Small `k` over many blocks reads only the blocks with the largest maxima: equal
    maxima in many blocks, the top value in a late block, zeros and big weights."""
    for seed in range(6):
        rng = random.Random(seed)
        weights = [rng.choice([0, 1, 2, 3, 3]) for _ in range(40 * BLOCK + 3)]
        for _ in range(seed):
            weights[rng.randrange(len(weights))] = rng.choice([4, 2**90])
        probs, ranking = old_probs(weights), old_ranking(old_probs(weights))
        for k in range(1, 45):
            dist = Distribution.from_weights(weights)  # fresh: nothing kept from a larger k
            assert dist.top(k) == tuple((a, probs[a]) for a in ranking[:k]), (seed, k)


def test_seeded_draws_are_the_draws_before() -> None:
    """`choose_from(dist)` consumes the seed exactly as the chooser before did on the same
    distribution (same `randrange` call, same token), across block boundaries."""
    dists = [Distribution.from_weights(_blocky(seed)) for seed in range(12)]
    dists += [Distribution.from_weights(w) for w in ([1, 0, 2], [0, 5], [3, 3, 3, 0])]
    order = random.Random(4).choices(range(len(dists)), k=3000)
    new, reference = RandomChooser(random.Random(9)), random.Random(9)
    for i in order:
        assert new.choose_from(dists[i]) == old_draw(reference, dists[i].probs)
    assert new.rng.getstate() == reference.getstate()


def _token_at_by_scan(dist: Distribution, r: int) -> int:
    return bisect.bisect_right(list(itertools.accumulate(dist.weights)), r)


def test_token_at_every_draw_of_small_instances() -> None:
    for weights in ([1, 0, 2], [0, 0, 1], [2, 1, 0, 0, 3], [1] * (BLOCK + 3)):
        dist = Distribution.from_weights(weights)
        assert [dist.token_at(r) for r in range(dist.denominator)] == [
            _token_at_by_scan(dist, r) for r in range(dist.denominator)]
    dist = Distribution.from_weights([1, 2])
    for bad in (-1, 3, True, 1.0):
        with pytest.raises(InvalidDefinition, match=r"r: must be an integer in 0\.\.2"):
            dist.token_at(bad)  # type: ignore[arg-type]


@given(weight_lists.filter(lambda w: sum(w) < 10**6))
def test_law_of_one_draw_is_the_distribution(weights: list[int]) -> None:
    dist = Distribution.from_weights(weights)
    law = exact_law(lambda c: c.choose_from(dist))
    assert law == {a: p for a, p in enumerate(dist.probs) if p > 0}
    assert law == exact_law(lambda c: c.choose(dist.probs))


def test_choosers_are_choosers() -> None:
    def experiment(c: Chooser) -> tuple[int, int]:
        return c.choose_from(Distribution(("1/4", "3/4"))), c.choose([Fraction(1, 2)] * 2)

    assert exact_law(experiment) == {(a, b): Fraction(1 if a == 0 else 3, 8)
                                     for a in (0, 1) for b in (0, 1)}


# ---------------------------------------------------------------------------------------
# Power: the comparisons above catch a broken variant.


def _ranking_mismatches(ranked: Callable[[Distribution, int], tuple[int, ...]]) -> int:
    found = 0
    for seed in range(10):
        weights = _blocky(seed)
        dist, ranking = Distribution.from_weights(weights), old_ranking(old_probs(weights))
        found += any(ranked(dist, k) != ranking[:k] for k in (1, 5, len(weights)))
    return found


def _broken_ranked(dist: Distribution, k: int) -> tuple[int, ...]:
    """Ties to the higher index."""
    weights = dist.weights
    return tuple(sorted(range(len(weights)), key=lambda a: (-weights[a], -a))[:k])


def test_power_ranking_tie_break_is_pinned() -> None:
    assert _ranking_mismatches(lambda dist, k: dist.ranking()[:k]) == 0
    assert _ranking_mismatches(_broken_ranked) > 0


def test_power_draws_are_pinned() -> None:
    """A draw that bisects to the left (ties the draw to the token whose running total
    equals it) differs from the draw before."""
    def broken(dist: Distribution, r: int) -> int:
        return bisect.bisect_left(list(itertools.accumulate(dist.weights)), r)

    dist = Distribution.from_weights(_blocky(0))
    assert all(dist.token_at(r) == _token_at_by_scan(dist, r) for r in range(0, 5000, 7))
    assert any(broken(dist, r) != _token_at_by_scan(dist, r) for r in range(0, 5000, 7))


# ---------------------------------------------------------------------------------------
# Validation: the messages of bad input.


@pytest.mark.parametrize(("weights", "denominator", "message"), [
    ((1, 2), 4, r"probs: must sum to exactly 1 \(got '3/4'\)"),
    ((1, -1, 2), None, r"probs\[1\]: must be >= 0 \(got '-1/2'\)"),
    ((1, 2.0), None, r"weights\[1\]: must be an integer \(got 2.0\)"),
    ((True, 1), None, r"weights\[0\]: must be an integer"),
    ((1,), None, r"probs: needs one entry per token, K >= 2"),
    ((0, 0), None, r"weights: must not all be 0"),
    ((1, 2), 0, r"denominator: must be an integer >= 1"),
    ("12", None, r"weights: must be a sequence of integers"),
])
def test_bad_weights_are_refused_by_name(weights: object, denominator: object,
                                         message: str) -> None:
    with pytest.raises(InvalidDefinition, match=message):
        Distribution.from_weights(weights, denominator)  # type: ignore[arg-type]


def test_lowest_terms_is_the_invariant() -> None:
    with pytest.raises(InvalidDefinition, match="weights: must be in lowest terms"):
        Distribution.__new__(Distribution).__attrs_init__((2, 2), 4)
    with attrs.validators.disabled():  # G1's broken rows keep the values they were given
        broken = Distribution((Fraction(9, 20), Fraction(9, 20)))
    assert broken.probs == (Fraction(9, 20), Fraction(9, 20)) and broken.denominator == 20


def test_pickle_and_caches_do_not_change_the_value() -> None:
    dist = Distribution.from_weights(_blocky(3))
    fresh = Distribution.from_weights(_blocky(3))
    filled = (dist.top(4), dist.support(), dist.token_at(0), dist.probs)  # fill the caches
    assert filled[2] == fresh.token_at(0)
    assert dist == fresh and hash(dist) == hash(fresh)
    again = pickle.loads(pickle.dumps(dist))
    assert again == fresh and again.top(4) == fresh.top(4)


# ---------------------------------------------------------------------------------------
# The softmax of float logits, without a Fraction per token.


def _logit_cases() -> list[object]:
    torch = pytest.importorskip("torch")
    gen = torch.Generator().manual_seed(13)
    cases = [torch.tensor([0.0, 1.0, -2000.0]), torch.tensor([0.0, -math.inf, 1.0]),
             torch.tensor([3.0, 3.0, 3.0, -math.inf]), torch.tensor([-math.inf, 5.0])]
    for size, scale in ((2, 1), (64, 0.02), (300, 2), (1000, 30), (2000, 300), (513, 1e-6)):
        logits = scale * torch.randn(size, generator=gen)
        logits[::7] = logits[0]  # ties
        logits[3::11] = -math.inf  # masked tokens
        cases.append(logits)
    # Weights down to the subnormal range and exact powers of two.
    cases.append(torch.tensor([0.0, -744.0, -700.0, -745.1, -1.0], dtype=torch.float64))
    cases.append(torch.tensor([0.0, math.log(2), -math.log(2), 2 * math.log(2)]))
    return cases


@pytest.mark.parametrize("temperature", [Fraction(1), Fraction(1, 3), Fraction(7, 2)])
def test_softmax_equals_the_fraction_softmax(temperature: Fraction) -> None:
    from genaccess.reference.hf.transformer import softmax_distribution

    for logits in _logit_cases():
        dist = softmax_distribution(logits, temperature)  # type: ignore[arg-type]
        expected = old_softmax(logits, temperature)
        assert dist == Distribution(expected)
        _agrees(dist, expected)


def test_softmax_of_random_logits_equals_the_fraction_softmax() -> None:
    torch = pytest.importorskip("torch")
    from genaccess.reference.hf.transformer import softmax_distribution

    rng = random.Random(5)
    for _ in range(40):
        size = rng.randint(2, 40)
        values = [rng.choice([rng.uniform(-50, 50), 0.0, 1.5, -math.inf]) for _ in range(size)]
        values[rng.randrange(size)] = rng.uniform(-5, 5)
        logits = torch.tensor(values, dtype=rng.choice([torch.float32, torch.float64]))
        tau = Fraction(rng.randint(1, 9), rng.randint(1, 9))
        assert softmax_distribution(logits, tau).probs == old_softmax(logits, tau)


# ---------------------------------------------------------------------------------------
# The oracle's built set at any vocabulary size equals LR's definition.


@pytest.mark.parametrize("control", ["local-reset", "arbitrary-prefix"])
@pytest.mark.parametrize("observation", ["sample", "logprob", "full", "topk(3)", "top1",
                                         "noisy-sample(1/3)"])
def test_oracle_built_set_is_lr_built_set(control: str, observation: str) -> None:
    """The oracle keeps its built set in its own form (children of a full report as one
    shared set); it equals `built_set` of the transcript, and admits exactly its members.
    Arbitrary-prefix control also starts at unbuilt prefixes, down to length `H-1`."""
    rng = random.Random(observation)
    K, H = (12 if observation.startswith("noisy") else 300), 4  # noisy lists K^2 atoms
    root = Distribution.from_weights([rng.choice([0, 1, 2]) for _ in range(K - 1)] + [1])
    rows: dict[tuple[int, ...], Distribution] = {(): root}
    g = Generator.from_rule(K, H, lambda u: rows.get(u) or Distribution.from_weights(
        [1 + (a * 7 + len(u)) % 3 if a % 5 else 0 for a in range(K)]))
    oracle = Oracle(g, access_model(f"{control}/{observation}"), rng=random.Random(1))
    for _ in range(30):
        built = sorted(oracle.built)
        start = built[rng.randrange(len(built))]
        if control == "arbitrary-prefix" and rng.random() < 0.5:
            start = tuple(rng.randrange(K) for _ in range(rng.randint(0, H - 1)))
        oracle.query(start, rng.randint(1, H - len(start)))
        expected = built_set(oracle.transcript, H)
        assert oracle.built == expected
        if control == "local-reset":  # membership, as the control reads the live set
            for v in rng.sample(sorted(expected), min(5, len(expected))):
                assert oracle.admits(v)
                if len(v) < H - 1:
                    assert all(oracle.admits((*v, a)) is ((*v, a) in expected)
                               for a in range(0, K, 7))
