"""A causal language model from `transformers` as a genaccess `Generator` (G1).

`transformer_generator(model, horizon)` puts the model behind every oracle of the project
(root-start, local-reset, arbitrary-prefix control; every observation type): the oracle,
its refusals, transcripts and the LR / R1 predicates are the same code as for exact
generators, because the adapter is only a next-token rule.

What the rule is, precisely:
- Vocabulary: token IDs `0..K-1` with `K` the width of the model's logits. Prefixes are
  token IDs, never text, so a built prefix is returned to exactly (no re-tokenisation).
- The empty prefix: the model reads one start token first (`bos_token_id`, by default the
  model's own), so `pi(.|u)` is the model's next-token law after `BOS·u`.
- Temperature `tau > 0`: `pi(a|u)` is the softmax of `logits(BOS·u) / tau`. The logits are
  the model's float32 outputs; the softmax weights `exp((l_a - max l) / tau)` are computed in
  float64 and each is divided by their exact rational sum, so the distribution handed to the
  oracle sums to exactly 1 (as every `Distribution` must) and is the float softmax up to
  float64 rounding. A weight that underflows to 0 is a token of probability 0. Greedy
  decoding is not a temperature: observe `top1` instead (its report is the argmax at any
  `tau`).
- Horizon: `BOS` plus `H-1` prefix tokens must fit the model's context (`H <= n_positions`).

Cost: the rule computes logits through a `PrefixTrieCache`; `forward_tokens` counts the
positions the model actually ran, and the oracle reports them per query
(`Oracle.forward_tokens`). `capacity=0` recomputes the whole prefix at every query.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import attrs
import torch

from genaccess.reference.hf.prefix_cache import KVStates, PrefixTrieCache
from genaccess.spec.distribution import Distribution
from genaccess.spec.errors import InvalidDefinition
from genaccess.spec.generator import Generator
from genaccess.spec.numbers import to_fraction
from genaccess.spec.prefix import Prefix, check_vocab_and_horizon

DEFAULT_CAPACITY = 65_536
"""Cached positions kept by default. A position holds, per layer, keys and values of
`[heads, dim]` float32 and one row of `K` float32 logits: about 0.28 MB for GPT-2 small
(12 layers, width 768, K = 50257), so up to 18 GB at the default; once the oracle has asked
for it, also the exact distribution (K Python fractions, several MB at that K). Lower it
for large models."""


def _cache_kwarg(model: Any) -> str:
    """The keyword the model's `forward` takes its past under (`cache` in transformers 5.2x,
    `past_key_values` before)."""
    import inspect

    parameters = inspect.signature(model.forward).parameters
    return "cache" if "cache" in parameters else "past_key_values"


def _layers(cache: Any) -> KVStates:
    """Per-layer (keys, values) of a transformers `DynamicCache`."""
    return tuple((layer.keys, layer.values) for layer in cache.layers)


def _concat(states: list[KVStates]) -> KVStates:
    layers = len(states[0])
    return tuple(
        (torch.cat([s[i][0] for s in states], dim=2), torch.cat([s[i][1] for s in states], dim=2))
        for i in range(layers)
    )


def softmax_distribution(logits: torch.Tensor, temperature: Fraction) -> Distribution:
    """The exact distribution of `softmax(logits / tau)` (see the module docstring)."""
    # -inf is a masked token (probability 0); NaN, +inf or nothing finite is no distribution.
    if bool(torch.isnan(logits).any() | torch.isposinf(logits).any()) or not bool(
            torch.isfinite(logits).any()):
        raise InvalidDefinition("logits", "need no NaN or +inf and at least one finite logit",
                                logits[~torch.isfinite(logits)][:3].tolist())
    scaled = logits.detach().to(torch.float64) / float(temperature)
    weights = torch.exp(scaled - scaled.max()).tolist()
    exact = [Fraction(w) for w in weights]
    total = sum(exact, Fraction(0))
    return Distribution(tuple(w / total for w in exact))


@attrs.define(eq=False)
class TransformerRule:
    """`pi(.|u)` of a causal LM at temperature `tau`, through a prefix-trie KV cache.

    Build it with `transformer_generator`. Besides being a rule it offers `logits(u)` (the
    cached path) and `uncached_logits(u)` (one plain forward pass of `BOS·u`, no cache), so
    the two can be compared."""

    model: Any
    bos_token_id: int
    temperature: Fraction
    cache: PrefixTrieCache
    vocab_size: int

    @property
    def forward_tokens(self) -> int:
        """Positions the model has computed for this rule so far."""
        return self.cache.forward_tokens

    def __call__(self, prefix: Prefix) -> Distribution:
        dist = self.cache.derive(self._sequence(prefix),
                                 lambda logits: softmax_distribution(logits, self.temperature))
        assert isinstance(dist, Distribution)
        return dist

    def logits(self, prefix: Sequence[int]) -> torch.Tensor:
        """float32 logits after `BOS·u`, computed through the cache."""
        out: torch.Tensor = self.cache.logits(self._sequence(prefix))
        return out

    def uncached_logits(self, prefix: Sequence[int]) -> torch.Tensor:
        """float32 logits after `BOS·u` from one forward pass with no cache at all."""
        ids = torch.tensor([self._sequence(prefix)], dtype=torch.long)
        with torch.inference_mode():
            out = self.model(input_ids=ids, use_cache=False)
        logits: torch.Tensor = out.logits[0, -1].detach().clone()
        return logits

    def _sequence(self, prefix: Sequence[int]) -> tuple[int, ...]:
        return (self.bos_token_id, *prefix)


def run_model(model: Any, cache_kwarg: str, tokens: Sequence[int], past: KVStates | None
              ) -> tuple[torch.Tensor, KVStates]:
    """Run `model` on `tokens` after `past`: the logits of every new position and the new
    positions' per-layer (keys, values)."""
    from transformers import DynamicCache

    cache = DynamicCache(config=model.config)
    start = 0
    if past is not None:
        for layer, (keys, values) in enumerate(past):
            cache.update(keys, values, layer)
        start = past[0][0].shape[2]
    ids = torch.tensor([list(tokens)], dtype=torch.long)
    with torch.inference_mode():
        out = model(input_ids=ids, use_cache=True, **{cache_kwarg: cache})
    returned = getattr(out, "cache", None) or out.past_key_values
    states = tuple((k[:, :, start:, :], v[:, :, start:, :]) for k, v in _layers(returned))
    return out.logits[0], states


def _check_temperature(value: object) -> Fraction:
    tau = to_fraction(value, "temperature")  # refuses NaN and infinities by name
    if tau <= 0:
        raise InvalidDefinition("temperature", "must be > 0 (for greedy decoding observe top1)",
                                str(tau))
    return tau


def transformer_generator(
    model: Any,
    horizon: int,
    *,
    temperature: object = 1,
    bos_token_id: int | None = None,
    capacity: int = DEFAULT_CAPACITY,
) -> Generator:
    """The G1 generator of a causal LM: `pi(.|u) = softmax(logits(BOS·u) / tau)` over the
    token IDs `0..K-1`, horizon `H`, behind a prefix-trie cache of `capacity` positions.

    `model` is any `transformers` causal LM (e.g. `AutoModelForCausalLM.from_pretrained(dir,
    local_files_only=True)`, or `tiny_gpt2(...)`); it is put in eval mode.
    """
    config = model.config
    vocab_size = int(model.get_output_embeddings().weight.shape[0])
    if bos_token_id is None:
        bos_token_id = getattr(config, "bos_token_id", None)
        if bos_token_id is None:
            raise InvalidDefinition("bos_token_id", "the model has none: pass one", None)
    if isinstance(bos_token_id, bool) or not isinstance(bos_token_id, int) or not (
        0 <= bos_token_id < int(model.get_input_embeddings().weight.shape[0])
    ):
        raise InvalidDefinition("bos_token_id", "must be a token ID of the model's input "
                                "vocabulary", bos_token_id)
    check_vocab_and_horizon(vocab_size, horizon)
    context = getattr(config, "n_positions", None) or getattr(
        config, "max_position_embeddings", None)
    if context is not None and horizon > context:
        raise InvalidDefinition("horizon", f"BOS plus H-1 prefix tokens must fit the model's "
                                f"context of {context} positions (H <= {context})", horizon)
    model.eval()
    cache = PrefixTrieCache(forward=functools.partial(run_model, model, _cache_kwarg(model)),
                            concat=_concat, capacity=capacity)
    rule = TransformerRule(model, bos_token_id, _check_temperature(temperature), cache,
                           vocab_size)
    return Generator.from_rule(vocab_size, horizon, rule)


def transformer_rule(generator: Generator) -> TransformerRule:
    """The adapter rule inside a generator built by `transformer_generator`."""
    rule = generator.rule
    if not isinstance(rule, TransformerRule):
        raise InvalidDefinition("generator", "was not built by transformer_generator",
                                type(rule).__name__)
    return rule
