"""Small models built offline: a GPT-2 from a config with seeded random weights.

Nothing is downloaded: the configuration is written here and the weights are drawn from
`torch.manual_seed(seed)` under a private generator state, so the same arguments give the
same model on every machine with the same torch build.
"""

from __future__ import annotations

from typing import Any

import torch

from genaccess.spec.errors import InvalidDefinition


def tiny_gpt2(vocab_size: int = 64, *, seed: int = 0, n_layer: int = 2, n_embd: int = 32,
              n_head: int = 2, n_positions: int = 64) -> Any:
    """A randomly initialised `GPT2LMHeadModel` in eval mode (BOS and EOS are token 0).

    With the default initialisation (weights with standard deviation 0.02) its next-token
    distributions are close to uniform but differ at every prefix: a real transformer's
    computation, with no training."""
    from transformers import GPT2Config, GPT2LMHeadModel

    for name, value in (("vocab_size", vocab_size), ("n_layer", n_layer), ("n_embd", n_embd),
                        ("n_head", n_head), ("n_positions", n_positions)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise InvalidDefinition(name, "must be an integer >= 1", value)
    if vocab_size < 2:
        raise InvalidDefinition("vocab_size", "K must be >= 2", vocab_size)
    if n_embd % n_head:
        raise InvalidDefinition("n_embd", f"must be a multiple of n_head = {n_head}", n_embd)
    config = GPT2Config(vocab_size=vocab_size, n_positions=n_positions, n_embd=n_embd,
                        n_layer=n_layer, n_head=n_head, bos_token_id=0, eos_token_id=0)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model: Any = GPT2LMHeadModel(config)
    return model.eval()
