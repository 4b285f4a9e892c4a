"""What the commands that run a transformer share: loading `--model tiny|DIR`, token IDs
given as text (`--prompt 1,2,3`), text given to the checkpoint's own tokenizer
(`--prompt-text`), and the limits that refuse at once. Every failure is a `UsageError`
naming the flag (one line, exit status 2). Nothing heavy is imported at module level.
"""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

from genaccess.reference.commands.arguments import usage_error

MAX_THREADS = 256
"""torch aborts on absurd thread counts: refused before it is asked."""
MAX_TINY_VOCAB = 262_144
"""The tiny model allocates a K-row embedding: refused beyond this."""


def quiet_transformers() -> None:
    """Keep transformers' progress bars and warnings out of the command's own output."""
    import warnings

    warnings.filterwarnings("ignore", module="transformers")
    try:
        from transformers.utils import logging
    except ImportError:  # the hf extra is missing: `load_model` says so
        return
    logging.disable_progress_bar()  # type: ignore[no-untyped-call]
    logging.set_verbosity_error()  # type: ignore[no-untyped-call]


def load_model(model: str, vocab: int, seed: int) -> Any:
    """`--model tiny` (a seeded tiny GPT-2 with `vocab` tokens, 512 positions) or a local
    checkpoint folder (`from_pretrained`, never a download)."""
    loaded = _build_model(model, vocab, seed)
    # torch, transformers and the model leave ~350k long-lived objects, and every full
    # collection of a run walks them all (0.3-0.4 s of a CPS run at GPT-2 scale): freeze
    # them once, so the collector looks only at what the run itself allocates.
    gc.collect()
    gc.freeze()
    return loaded


def _build_model(model: str, vocab: int, seed: int) -> Any:
    try:
        from genaccess.reference.hf import tiny_gpt2
    except ImportError as err:
        raise usage_error("--model", f"needs the hf extra ({err})") from None
    if model == "tiny":
        return tiny_gpt2(vocab, seed=seed, n_positions=512)
    path = Path(model)
    if not path.is_dir():
        raise usage_error("--model", "must be 'tiny' or an existing checkpoint directory", model)
    from transformers import AutoModelForCausalLM

    try:
        return AutoModelForCausalLM.from_pretrained(path, local_files_only=True)
    except (OSError, ValueError) as err:
        # transformers says "Unrecognized model ..." (no config.json), or "... does not
        # appear to have a file named ..." (no weights): one line, not a traceback.
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise usage_error("--model", f"not a usable transformers checkpoint ({first})",
                          model) from None


def parse_token_ids(text: str, option: str = "--prompt") -> list[int]:
    """`1,2,3` as token IDs (their range is checked against the model later)."""
    try:
        return [int(part.strip()) for part in text.split(",")]
    except ValueError:
        raise usage_error(option, "must be comma-separated token IDs", text) from None


TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "tokenizer.model", "vocab.json",
                   "vocab.txt", "spiece.model")
"""Files one of which a checkpoint folder with a tokenizer holds. Checked first because
`AutoTokenizer` builds an empty tokenizer from `config.json` alone for some models."""


def tokenize_text(model: str, text: str, option: str = "--prompt-text",
                  special_tokens: bool = True) -> list[int]:
    """`text` as token IDs, by the tokenizer saved in the `--model` folder, with its own
    conventions (a tokenizer that prepends BOS, as Llama's does, prepends it here too)
    unless `special_tokens` is false. `option` is the flag the text came from; its
    token-ID twin (`--prompt` for `--prompt-text`) is named in the advice."""
    ids_option = option.removesuffix("-text")
    path = Path(model)
    if model == "tiny" or not any((path / name).is_file() for name in TOKENIZER_FILES):
        where = "--model tiny has none" if model == "tiny" else "the --model folder has none"
        raise usage_error(option, f"needs a tokenizer ({where}; give token IDs "
                          f"with {ids_option})", text)
    from transformers import AutoTokenizer

    try:
        tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
        ids = list(tokenizer(text, add_special_tokens=special_tokens)["input_ids"])
    except (OSError, ValueError, KeyError, TypeError) as err:
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise usage_error(option, f"the --model folder's tokenizer failed ({first})",
                          text) from None
    if not ids:
        raise usage_error(option, "gives no tokens", text)
    return ids
