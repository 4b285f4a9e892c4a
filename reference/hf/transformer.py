"""A causal language model from `transformers` as a genaccess `Generator` (G1).

`transformer_generator(model, horizon)` puts the model behind every oracle of the project
(root-start, local-reset, arbitrary-prefix control; every observation type): the oracle,
its refusals, transcripts and the LR / R1 predicates are the same code as for exact
generators, because the adapter is only a next-token rule.

What the rule is, precisely:
- Vocabulary: token IDs `0..K-1` with `K` the width of the model's logits. Prefixes are
  token IDs, never text, so a built prefix is returned to exactly (no re-tokenisation).
- The prompt and the empty prefix: the model first reads a prompt `P` (token IDs; by
  default the start token alone, `bos_token_id`, by default the model's own), so the root
  `()` is the state after `P` and `pi(.|u)` is the model's next-token law after `P·u`. `H`
  counts response tokens only. An empty prompt is refused: the model needs at least one
  position to condition on (pass the BOS token if the prompt is otherwise empty).
- Temperature `tau > 0`: `pi(a|u)` is the softmax of `logits(P·u) / tau`. The logits are
  the model's float32 outputs; the softmax weights `exp((l_a - max l) / tau)` are computed in
  float64 and each is divided by their exact rational sum, so the distribution handed to the
  oracle sums to exactly 1 (as every `Distribution` must) and is the float softmax up to
  float64 rounding. A weight that underflows to 0 is a token of probability 0. Greedy
  decoding is not a temperature: observe `top1` instead (its report is the argmax at any
  `tau`).
- Horizon: the prompt plus `H-1` prefix tokens must fit the model's context
  (`|P| + H - 1 <= n_positions`; `H <= n_positions` with the default prompt).

Cost: the rule computes logits through a `PrefixTrieCache`; `forward_tokens` counts the
positions the model actually ran, and the oracle reports them per query
(`Oracle.forward_tokens`). Every looked-up sequence starts with `P`, so the prompt's
positions are trie nodes shared by every prefix: computed once, by the first query, and
never evicted while `capacity >= |P|` (only leaves are evicted, and every cached position
lies below the prompt). `capacity=0` recomputes the prompt and the prefix at every query.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
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
    # One pass decides it: the max is NaN if any logit is, else +inf if any is, else -inf
    # if none is finite.
    if logits.numel() == 0 or not bool(torch.isfinite(logits.max())):
        raise InvalidDefinition("logits", "need no NaN or +inf and at least one finite logit",
                                logits[~torch.isfinite(logits)][:3].tolist())
    scaled = logits.detach().to(torch.float64) / float(temperature)
    weights = torch.exp(scaled - scaled.max())
    # A positive float64 is an odd integer times a power of two, so over the least such power
    # of two among the weights every weight is an exact integer, and `p_a = w_a / sum(w)` is
    # the exact softmax of the float weights, without a Fraction per token.
    mantissa, exponent = torch.frexp(weights)  # weights = mantissa * 2**exponent
    integers = (mantissa * 2.0 ** 53).to(torch.int64)  # exact: below 2**53
    positive = integers > 0
    lowest_bit = torch.frexp((integers & -integers).to(torch.float64))[1] - 1
    zeros = torch.where(positive, lowest_bit, 0)  # trailing zero bits of each integer
    odd = torch.bitwise_right_shift(integers, zeros)
    scale = exponent - 53 + zeros  # odd * 2**scale is the weight
    shifts = torch.where(positive, scale - scale[positive].min(), 0).to(torch.int64)
    if int((53 - zeros + shifts).max()) <= 63:  # every shifted odd part fits in an int64
        exact = torch.bitwise_left_shift(odd, shifts).tolist()
    else:
        exact = [w << k for w, k in zip(odd.tolist(), shifts.tolist(), strict=True)]
    return Distribution.from_weights(exact)


@attrs.define(eq=False)
class TransformerRule:
    """`pi(.|u)` of a causal LM at temperature `tau`, through a prefix-trie KV cache.

    Build it with `transformer_generator`. Besides being a rule it offers `logits(u)` (the
    cached path) and `uncached_logits(u)` (one plain forward pass of `P·u`, no cache), so
    the two can be compared. `prompt` is `P`, the tokens read before the root `()`."""

    model: Any
    prompt: tuple[int, ...]
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
        """float32 logits after `P·u`, computed through the cache."""
        out: torch.Tensor = self.cache.logits(self._sequence(prefix))
        return out

    def uncached_logits(self, prefix: Sequence[int]) -> torch.Tensor:
        """float32 logits after `P·u` from one forward pass with no cache at all."""
        ids = torch.tensor([self._sequence(prefix)], dtype=torch.long)
        with torch.inference_mode():
            out = self.model(input_ids=ids, use_cache=False)
        logits: torch.Tensor = out.logits[0, -1].detach().clone()
        return logits

    def _sequence(self, prefix: Sequence[int]) -> tuple[int, ...]:
        return (*self.prompt, *prefix)


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


def _check_prompt(prompt: object, input_vocab: int) -> tuple[int, ...]:
    """The prompt as a tuple of token IDs of the model's input vocabulary `0..input_vocab-1`."""
    if isinstance(prompt, str | bytes):
        raise InvalidDefinition("prompt", "must be token IDs, not text (tokenize it first)",
                                prompt)
    if not isinstance(prompt, Iterable):
        raise InvalidDefinition("prompt", "must be a sequence of token IDs",
                                type(prompt).__name__)
    tokens: list[int] = []
    for i, token in enumerate(prompt):
        if isinstance(token, bool) or not isinstance(token, int) or not (
                0 <= token < input_vocab):
            raise InvalidDefinition("prompt", f"token {i} must be a token ID of the model's "
                                    f"input vocabulary 0..{input_vocab - 1}", token)
        tokens.append(token)
    if not tokens:
        raise InvalidDefinition("prompt", "must hold at least one token: the model needs a "
                                "position to condition on (pass the BOS token)", [])
    return tuple(tokens)


def transformer_generator(
    model: Any,
    horizon: int,
    *,
    prompt: Sequence[int] | None = None,
    temperature: object = 1,
    bos_token_id: int | None = None,
    capacity: int = DEFAULT_CAPACITY,
) -> Generator:
    """The G1 generator of a causal LM: `pi(.|u) = softmax(logits(P·u) / tau)` over the
    token IDs `0..K-1`, horizon `H` (response tokens), behind a prefix-trie cache of
    `capacity` positions.

    `model` is any `transformers` causal LM (e.g. `AutoModelForCausalLM.from_pretrained(dir,
    local_files_only=True)`, or `tiny_gpt2(...)`); it is put in eval mode. `prompt` is `P`,
    the token IDs the model reads before the root `()` (default: `(bos_token_id,)`, the
    model's own BOS unless one is passed; give either a prompt or a `bos_token_id`). A
    prompt must be non-empty (the model conditions on at least one position) and fit the
    context with the response: `|P| + H - 1 <= n_positions`.
    """
    config = model.config
    vocab_size = int(model.get_output_embeddings().weight.shape[0])
    input_vocab = int(model.get_input_embeddings().weight.shape[0])
    if prompt is not None and bos_token_id is not None:
        raise InvalidDefinition("bos_token_id", "give a prompt or a bos_token_id, not both "
                                "(put the BOS token in the prompt)", bos_token_id)
    if prompt is None:
        if bos_token_id is None:
            bos_token_id = getattr(config, "bos_token_id", None)
            if bos_token_id is None:
                raise InvalidDefinition("bos_token_id", "the model has none: pass one "
                                        "(or a prompt)", None)
        if isinstance(bos_token_id, bool) or not isinstance(bos_token_id, int) or not (
            0 <= bos_token_id < input_vocab
        ):
            raise InvalidDefinition("bos_token_id", "must be a token ID of the model's input "
                                    "vocabulary", bos_token_id)
        tokens: tuple[int, ...] = (bos_token_id,)
    else:
        tokens = _check_prompt(prompt, input_vocab)
    check_vocab_and_horizon(vocab_size, horizon)
    context = getattr(config, "n_positions", None) or getattr(
        config, "max_position_embeddings", None)
    if context is not None:
        if len(tokens) > context:
            raise InvalidDefinition("prompt", f"must fit the model's context of {context} "
                                    f"positions", f"{len(tokens)} tokens")
        if len(tokens) + horizon - 1 > context:
            limit = context - len(tokens) + 1
            raise InvalidDefinition("horizon", f"the prompt ({len(tokens)} tokens) plus H-1 "
                                    f"prefix tokens must fit the model's context of {context} "
                                    f"positions (H <= {limit})", horizon)
    model.eval()
    cache = PrefixTrieCache(forward=functools.partial(run_model, model, _cache_kwarg(model)),
                            concat=_concat, capacity=capacity)
    rule = TransformerRule(model, tokens, _check_temperature(temperature), cache, vocab_size)
    return Generator.from_rule(vocab_size, horizon, rule)


def transformer_rule(generator: Generator) -> TransformerRule:
    """The adapter rule inside a generator built by `transformer_generator`."""
    rule = generator.rule
    if not isinstance(rule, TransformerRule):
        raise InvalidDefinition("generator", "was not built by transformer_generator",
                                type(rule).__name__)
    return rule
