"""The transformers adapter: cached logits equal a plain forward pass, the prefix trie's cost
model and memory bound, temperature, and bad input. Runs offline on a seeded tiny GPT-2."""

from __future__ import annotations

import math
import random
import warnings
from collections.abc import Iterator
from fractions import Fraction

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")

from genaccess.reference.hf import (  # noqa: E402
    softmax_distribution,
    tiny_gpt2,
    transformer_generator,
    transformer_rule,
)
from genaccess.reference.hf.prefix_cache import PrefixTrieCache  # noqa: E402
from genaccess.reference.hf.threads import using_threads  # noqa: E402
from genaccess.spec.access import access_model  # noqa: E402
from genaccess.spec.errors import InvalidDefinition, UnbuiltPrefix  # noqa: E402
from genaccess.spec.hidden_path import HiddenPathFamily  # noqa: E402
from genaccess.spec.oracle import Oracle  # noqa: E402

pytestmark = pytest.mark.hf
warnings.filterwarnings("ignore", module="transformers")


@pytest.fixture(scope="module", autouse=True)
def _one_thread() -> Iterator[None]:
    """One torch thread, as the commands set (docs/transformers.md): with more, one-token
    forward passes are slower on a busy machine."""
    with using_threads():
        yield


LOGIT_TOLERANCE = 1e-4
"""The issue's bound on |cached - uncached| logits in float32. Observed differences are
~1e-7: the two computations differ only in the order of float32 reductions."""

K, H = 64, 32


@pytest.fixture(scope="module")
def model() -> object:
    return tiny_gpt2(K, seed=7)


def _prefixes(rng: random.Random, n: int, vocab: int = K, horizon: int = H
              ) -> list[tuple[int, ...]]:
    # A tree of shared prefixes (as learners make) mixed with unrelated ones.
    out: list[tuple[int, ...]] = []
    for _ in range(n):
        if out and rng.random() < 0.6:
            base = rng.choice(out)
            cut = rng.randrange(len(base) + 1)
            u = base[:cut] + tuple(rng.randrange(vocab) for _ in range(rng.randrange(3)))
        else:
            u = tuple(rng.randrange(vocab) for _ in range(rng.randrange(horizon)))
        out.append(u[:horizon - 1])
    return out


@pytest.mark.parametrize("capacity", [65_536, 0, 40])
def test_cached_logits_equal_an_uncached_forward_pass(model: object, capacity: int) -> None:
    """With reuse (large capacity), without (0: every query recomputes) and under constant
    eviction (40 positions), for 120 prefixes sharing branches."""
    g = transformer_generator(model, H, capacity=capacity)
    rule = transformer_rule(g)
    worst = worst_prob = 0.0
    for i, u in enumerate(_prefixes(random.Random(capacity), 120)):
        cached = rule.logits(u)
        assert cached.dtype == torch.float32 and cached.shape == (K,)
        plain = rule.uncached_logits(u)
        worst = max(worst, float((cached - plain).abs().max()))
        if i % 10 == 0:  # the distributions the oracle sees, too (exact Fractions: slower)
            exact = softmax_distribution(plain, rule.temperature)
            worst_prob = max(worst_prob, max(float(abs(p - q)) for p, q in
                                             zip(g.next_token(u), exact, strict=True)))
    assert worst <= LOGIT_TOLERANCE, worst
    # softmax is 1/2-Lipschitz in the max norm of the logits, so the probabilities can move by
    # at most half the logit tolerance.
    assert worst_prob <= LOGIT_TOLERANCE / 2, worst_prob
    assert rule.cache.size <= capacity
    if capacity == 40:
        assert rule.cache.evictions > 0


def test_equality_check_catches_a_wrong_position(model: object) -> None:
    """Power: a cache that drops the first cached position from the past (an off-by-one in
    the concatenation) gives logits the check rejects."""
    rule = transformer_rule(transformer_generator(model, H))
    concat = rule.cache.concat
    rule.cache.concat = lambda states: concat(states[1:] or states)
    u = (3, 1, 4, 1, 5)
    rule.logits(u[:-1])
    diff = float((rule.logits(u) - rule.uncached_logits(u)).abs().max())
    assert diff > LOGIT_TOLERANCE


def test_forward_tokens_follow_the_cost_model(model: object) -> None:
    """A lookup costs `|BOS·u|` minus its longest cached prefix: 0 when cached, 1 when only
    the parent is, the whole sequence with no cache."""
    rule = transformer_rule(transformer_generator(model, H))
    rule.logits((5, 6, 7))
    assert rule.forward_tokens == 4  # BOS, 5, 6, 7
    rule.logits((5, 6, 7))
    assert rule.forward_tokens == 4
    rule.logits((5, 6, 7, 8))
    assert rule.forward_tokens == 5
    rule.logits((5, 9))
    assert rule.forward_tokens == 6
    rule.logits(())
    assert rule.forward_tokens == 6
    none = transformer_rule(transformer_generator(model, H, capacity=0))
    for _ in range(3):
        none.logits((5, 6, 7))
    assert none.forward_tokens == 12 and none.cache.size == 0


def test_oracle_counts_forward_tokens_per_query(model: object) -> None:
    g = transformer_generator(model, 8)
    oracle = Oracle(g, access_model("local-reset/sample"), rng=random.Random(0))
    assert oracle.forward_tokens == 0
    token = oracle.query((), 1)[0].token
    assert oracle.forward_tokens == 1  # BOS
    oracle.query((), 1)
    assert oracle.forward_tokens == 1  # cached
    assert token is not None
    oracle.query((token,), 1)
    assert oracle.forward_tokens == 2  # built prefix whose parent is cached: one token
    before = (oracle.forward_tokens, oracle.queries_used, oracle.transcript)
    unbuilt = ((token + 1) % K, (token + 2) % K)
    with pytest.raises(UnbuiltPrefix):
        oracle.query(unbuilt, 1)
    assert (oracle.forward_tokens, oracle.queries_used, oracle.transcript) == before
    exact = Oracle(HiddenPathFamily(2, 2, "3/4").generator((0, 1)),
                   access_model("local-reset/sample"), rng=random.Random(0))
    exact.query((), 1)
    assert exact.forward_tokens is None


def test_eviction_keeps_the_bound_and_the_trie_prefix_closed(model: object) -> None:
    rule = transformer_rule(transformer_generator(model, H, capacity=25))
    cache = rule.cache
    rng = random.Random(3)
    for u in _prefixes(rng, 80):
        rule.logits(u)
        assert cache.size <= 25
        # Prefix closed: every cached node's parent is cached (walk every root).
        stack = list(cache._roots.values())
        count = 0
        while stack:
            node = stack.pop()
            count += 1
            for child in node.children.values():
                assert child.parent is node
                stack.append(child)
        assert count == cache.size
    assert cache.evictions > 0


def test_least_recently_used_leaf_is_evicted_first(model: object) -> None:
    rule = transformer_rule(transformer_generator(model, H, capacity=3))
    rule.logits((1,))   # positions BOS, BOS·1
    rule.logits((2,))   # + BOS·2: three positions, at capacity
    rule.logits((1,))   # touch BOS·1: now BOS·2 is the least recently used leaf
    rule.logits((3,))   # + BOS·3 is one too many: BOS·2 goes
    cache = rule.cache
    assert cache.cached_depth((0, 1)) == 2
    assert cache.cached_depth((0, 3)) == 2
    assert cache.cached_depth((0, 2)) == 1


def _reference_lru(lookups: list[tuple[int, ...]], capacity: int) -> list[set[tuple[int, ...]]]:
    """The cached sequences after each lookup, by the definition: every lookup stamps each
    position on its way; while over capacity, the leaf with the oldest stamp goes."""
    stamps: dict[tuple[int, ...], int] = {}
    states = []
    for now, tokens in enumerate(lookups):
        for i in range(1, len(tokens) + 1):
            stamps[tokens[:i]] = now
        while len(stamps) > capacity:
            leaves = [s for s in stamps if not any(len(t) == len(s) + 1 and t[:-1] == s
                                                   for t in stamps)]
            del stamps[min(leaves, key=lambda s: stamps[s])]
        states.append(set(stamps))
    return states


@pytest.mark.parametrize("capacity", [1, 3, 8, 20])
def test_eviction_order_equals_the_reference_lru(capacity: int) -> None:
    """The cache stamps only the node looked up and lets ancestors inherit their subtree's
    latest use at eviction; the cached set after each of 300 lookups (repeats, branches,
    deep and shallow prefixes) equals the eagerly stamped definition's."""

    def forward(tokens: object, past: object) -> tuple[object, object]:
        n = len(tokens)  # type: ignore[arg-type]
        return torch.zeros(n, 2), ((torch.zeros(1, 1, n, 1), torch.zeros(1, 1, n, 1)),)

    cache = PrefixTrieCache(forward=forward, concat=lambda s: s[0], capacity=capacity)
    rng = random.Random(capacity)
    lookups: list[tuple[int, ...]] = []
    for _ in range(300):
        if lookups and rng.random() < 0.3:
            tokens = rng.choice(lookups[-5:])
        else:
            tokens = (0, *(rng.randrange(3) for _ in range(rng.randrange(5))))
        lookups.append(tokens)
    for tokens, expected in zip(lookups, _reference_lru(lookups, capacity), strict=True):
        cache.logits(tokens)
        held = {tokens[:i] for tokens in expected for i in range(1, len(tokens) + 1)
                if cache.cached_depth(tokens[:i]) == i}
        assert held == expected and cache.size == len(expected)


def test_temperature_scales_the_logits(model: object) -> None:
    g1 = transformer_generator(model, 4)
    g2 = transformer_generator(model, 4, temperature="1/2")
    logits = transformer_rule(g1).logits((1, 2))
    d1, d2 = g1.next_token((1, 2)), g2.next_token((1, 2))
    assert sum(d1.probs, Fraction(0)) == 1 == sum(d2.probs, Fraction(0))
    expected = torch.softmax(logits.double() * 2, dim=0)
    assert max(abs(float(p) - float(e)) for p, e in zip(d2.probs, expected, strict=True)) < 1e-12
    assert d1.argmax() == d2.argmax()  # greedy choice does not depend on the temperature
    assert max(d2.probs) > max(d1.probs)


def test_softmax_distribution_is_exact_and_keeps_underflow_at_zero() -> None:
    dist = softmax_distribution(torch.tensor([0.0, 1.0, -2000.0]), Fraction(1))
    assert sum(dist.probs, Fraction(0)) == 1
    assert dist[2] == 0 and dist[1] > dist[0] > 0


@pytest.mark.parametrize("bad", [[0.0, math.nan], [0.0, math.inf], [-math.inf, -math.inf]])
def test_non_finite_logits_are_refused_by_name(bad: list[float]) -> None:
    with pytest.raises(InvalidDefinition) as err:
        softmax_distribution(torch.tensor(bad), Fraction(1))
    assert err.value.field == "logits"


def test_a_masked_token_has_probability_zero() -> None:
    dist = softmax_distribution(torch.tensor([0.0, -math.inf, 1.0]), Fraction(1))
    assert dist[1] == 0 and sum(dist.probs, Fraction(0)) == 1


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"temperature": 0}, "temperature"),
    ({"temperature": -1}, "temperature"),
    ({"temperature": math.nan}, "temperature"),
    ({"temperature": math.inf}, "temperature"),
    ({"temperature": "x"}, "temperature"),
    ({"bos_token_id": K}, "bos_token_id"),
    ({"bos_token_id": -1}, "bos_token_id"),
    ({"bos_token_id": True}, "bos_token_id"),
    ({"capacity": -1}, "capacity"),
])
def test_bad_adapter_input_names_the_field(model: object, kwargs: dict[str, object],
                                          field: str) -> None:
    with pytest.raises(InvalidDefinition) as err:
        transformer_generator(model, 4, **kwargs)  # type: ignore[arg-type]
    assert err.value.field == field


@pytest.mark.parametrize("horizon", [0, 65, True])
def test_horizon_must_fit_the_context(model: object, horizon: int) -> None:
    with pytest.raises(InvalidDefinition) as err:
        transformer_generator(model, horizon)
    assert err.value.field == "horizon"


def test_prefixes_are_validated_by_the_generator(model: object) -> None:
    g = transformer_generator(model, 4)
    for bad in [(K,), (-1,), (1, 2, 3, 4)]:
        with pytest.raises(InvalidDefinition):
            g.next_token(bad)


def test_tiny_model_is_reproducible_and_validated() -> None:
    a, b = tiny_gpt2(8, seed=1), tiny_gpt2(8, seed=1)
    for (name, p), (_, q) in zip(a.named_parameters(), b.named_parameters(), strict=True):
        assert torch.equal(p, q), name
    assert not torch.equal(next(iter(tiny_gpt2(8, seed=2).parameters())),
                           next(iter(a.parameters())))
    for bad in [{"vocab_size": 1}, {"n_embd": 33}, {"n_layer": 0}]:
        with pytest.raises(InvalidDefinition):
            tiny_gpt2(**bad)  # type: ignore[arg-type]


def test_from_pretrained_local_directory(tmp_path: object, model: object) -> None:
    """The documented path for a user's own weights: save, then load with no network."""
    from transformers import AutoModelForCausalLM

    model.save_pretrained(tmp_path)  # type: ignore[attr-defined]
    loaded = AutoModelForCausalLM.from_pretrained(tmp_path, local_files_only=True)
    u = (4, 2)
    a = transformer_rule(transformer_generator(model, 4)).logits(u)
    b = transformer_rule(transformer_generator(loaded, 4)).logits(u)
    assert torch.allclose(a, b, atol=0, rtol=0)


def test_cache_refuses_an_empty_sequence() -> None:
    cache = PrefixTrieCache(forward=lambda t, p: (None, ()), concat=lambda s: (), capacity=1)
    with pytest.raises(InvalidDefinition):
        cache.logits(())
