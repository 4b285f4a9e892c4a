"""genaccess.reference.hf: real transformers behind the project's oracles (`pip install
genaccess[hf]`).

- `transformer_generator(model, H, prompt=...)`: a `transformers` causal LM as a
  `Generator` whose root is the state after the prompt (default: the BOS token), with a
  prefix-trie key/value cache (`prefix_cache.PrefixTrieCache`) that computes only the
  positions no cached prefix covers; `Oracle.forward_tokens` reports that cost.
- `tiny_gpt2(...)`: an offline GPT-2 with seeded random weights, for tests and benchmarks.
- `use_threads(n)`, `using_threads(n)`: torch's intra-op thread count (`DEFAULT_THREADS = 1`,
  what the commands set: the adapter runs the model one token at a time).

The planted hidden path that makes a real model a test bed for the learners is generic
(`genaccess.spec.planted`): it tilts any generator, this one included.
"""

from __future__ import annotations

try:
    import torch  # noqa: F401
    import transformers  # noqa: F401
except ImportError as err:  # pragma: no cover - exercised only without the extra
    raise ImportError(
        "genaccess.reference.hf needs torch and transformers: pip install 'genaccess[hf]'"
    ) from err

from genaccess.reference.hf.prefix_cache import PrefixTrieCache
from genaccess.reference.hf.threads import DEFAULT_THREADS, use_threads, using_threads
from genaccess.reference.hf.tiny import tiny_gpt2
from genaccess.reference.hf.transformer import (
    TransformerRule,
    softmax_distribution,
    transformer_generator,
    transformer_rule,
)

__all__ = [
    "DEFAULT_THREADS",
    "PrefixTrieCache",
    "TransformerRule",
    "softmax_distribution",
    "tiny_gpt2",
    "transformer_generator",
    "transformer_rule",
    "use_threads",
    "using_threads",
]
