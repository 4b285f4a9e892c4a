"""`genaccess probe`: how hard is a target for root-start post-training on this model, and
what would prefix access cost? Scores fixed targets exactly on a transformer after a prompt
and predicts what each access model pays to reach them. Needs the hf extra.

  --model tiny|DIR      a seeded tiny GPT-2 built offline (--vocab, --model-seed), or a
                        local transformers checkpoint (from_pretrained, no download)
  --prompt 1,2,3        prompt token IDs (default: the model's BOS token)
  --prompt-text TEXT    the prompt as text, by the --model folder's tokenizer
  --target 4,5,6        a target's token IDs, scored exactly as given (repeatable)
  --target-text TEXT    a target as text, tokenized on its own without special tokens
                        (repeatable; write a leading space if the tokenizer wants one)
  --delta D             the failure probability every prediction is made for (1/20)
  --temperature TAU     sampling temperature > 0 (1)
  --top-k 5,20          the k of the top-k columns and costs
  --plant ALPHA         plant the first target in the model first (PLANTED1, alpha in
                        (1/2, 1)): shows what a planted path looks like to the probe
  --threads N           torch intra-op threads (1)
  --out DIR             write probe.json and probe.png there
  --json                print one JSON object

Several targets stand for a reward that accepts any of them: a rollout is accepted when it
starts with one of them. Exact values throughout: integers, rationals ("p/q" in the JSON),
rigorous enclosures (labelled); every log10 is a float rendering of an exact value.

Example:
  genaccess probe --target 5,9,2,7 --target 5,9,3 --plant 3/5
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

from genaccess.reference.commands.arguments import (
    check_output_directory,
    flags,
    parse_count,
    parse_fraction,
    parse_int,
    parse_probability,
    usage_error,
)
from genaccess.reference.commands.model_options import (
    MAX_THREADS,
    MAX_TINY_VOCAB,
    load_model,
    parse_token_ids,
    quiet_transformers,
    tokenize_text,
)
from genaccess.reference.commands.output import emit

OUTPUTS = ("probe.json", "probe.png")
MAX_TOP_K = 1 << 20


def _tagged(kind: str) -> Any:
    return lambda text: (kind, text)


def register(sub: Any) -> None:
    parser = sub.add_parser("probe", help="what a target costs root-start and prefix access "
                            "on a transformer (needs the hf extra)", description=__doc__,
                            formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="tiny", metavar="tiny|DIR",
                        help="'tiny' (offline seeded GPT-2) or a local checkpoint directory")
    parser.add_argument("--vocab", default="64", metavar="K", help="tiny model: tokens (64)")
    parser.add_argument("--model-seed", default="3", metavar="S", help="tiny model: seed (3)")
    parser.add_argument("--prompt", default=None, metavar="ID,...",
                        help="comma-separated prompt token IDs (default: the BOS token)")
    parser.add_argument("--prompt-text", default=None, metavar="TEXT",
                        help="the prompt as text, tokenized by the --model folder's tokenizer")
    # One list for both kinds, so the targets keep the order they were given in.
    parser.add_argument("--target", dest="targets", action="append", type=_tagged("ids"),
                        metavar="ID,...", help="a target's token IDs (repeatable)")
    parser.add_argument("--target-text", dest="targets", action="append",
                        type=_tagged("text"), metavar="TEXT",
                        help="a target as text, by the --model folder's tokenizer (repeatable)")
    parser.add_argument("--delta", default="1/20", metavar="D",
                        help="failure probability in (0, 1) of every prediction (1/20)")
    parser.add_argument("--temperature", default="1", metavar="TAU",
                        help="sampling temperature > 0 (default 1)")
    parser.add_argument("--top-k", default="5,20", metavar="K,...",
                        help="comma-separated k for the top-k costs (default 5,20)")
    parser.add_argument("--plant", default=None, metavar="ALPHA",
                        help="plant the first target first (PLANTED1), alpha in (1/2, 1)")
    parser.add_argument("--threads", default=None, metavar="N",
                        help="torch intra-op threads (default 1)")
    parser.add_argument("--out", default=None, metavar="DIR",
                        help="write probe.json and probe.png to this directory")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(run=run)


def _top_k(text: str) -> tuple[int, ...]:
    values = []
    for part in text.split(","):
        try:
            k = int(part.strip())
        except ValueError:
            raise usage_error("--top-k", "must be comma-separated integers >= 1", text) from None
        if not 1 <= k <= MAX_TOP_K:
            raise usage_error("--top-k", f"must be integers between 1 and {MAX_TOP_K:,}", k)
        values.append(k)
    return tuple(sorted(set(values)))


def _targets(raw: list[tuple[str, str]] | None, model: str) -> list[tuple[str, list[int]]]:
    """`(flag, token IDs)` per target, in the order given."""
    if not raw:
        raise usage_error("--target", "give at least one target (--target 4,5,6 or "
                          "--target-text TEXT)")
    out = []
    for kind, text in raw:
        if kind == "ids":
            if not text.strip():
                raise usage_error("--target", "is empty: give at least one token ID", text)
            out.append(("--target", parse_token_ids(text, "--target")))
        else:
            if not text:
                raise usage_error("--target-text", "is empty: give some text", text)
            out.append(("--target-text", tokenize_text(model, text, "--target-text",
                                                      special_tokens=False)))
    return out


def _check_tokens(targets: list[tuple[str, list[int]]], vocab: int) -> None:
    for flag, tokens in targets:
        for i, a in enumerate(tokens):
            if not 0 <= a < vocab:
                raise usage_error(flag, f"token {i} must be a token ID 0..{vocab - 1}", a)


def _check_context(model: Any, prompt_length: int, longest: int, flag: str) -> None:
    """The prompt and `H - 1` target tokens are fed to the model: they must fit."""
    config = model.config
    context = getattr(config, "n_positions", None) or getattr(
        config, "max_position_embeddings", None)
    if context is not None and prompt_length + longest - 1 > context:
        room = context - prompt_length + 1
        raise usage_error(flag, f"the prompt ({prompt_length} tokens) and the target must fit "
                          f"the model's context of {context} positions (a target of at most "
                          f"{max(room, 0)} tokens here)", f"{longest} tokens")


def run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    vocab = parse_count(args.vocab, "--vocab", 2)
    model_seed = parse_count(args.model_seed, "--model-seed", 0)
    delta = parse_probability(args.delta, "--delta")
    temperature = parse_fraction(args.temperature, "--temperature")
    if temperature <= 0:
        raise usage_error("--temperature", "must be > 0 (for greedy decoding see the top-1 "
                          "cost)", args.temperature)
    top_k = _top_k(args.top_k)
    threads = parse_int(args.threads, "--threads", 1)
    for value, option, limit in ((threads, "--threads", MAX_THREADS),
                                 (vocab, "--vocab", MAX_TINY_VOCAB)):
        if value is not None and value > limit:
            raise usage_error(option, f"must be at most {limit:,}", value)
    alpha = None
    if args.plant is not None:
        from genaccess.spec.planted import cps_family

        alpha = parse_fraction(args.plant, "--plant")
        with flags({"alpha": "--plant"}):
            cps_family(2, 1, alpha)  # validates alpha in (1/2, 1) before the model loads
    if args.prompt is not None and args.prompt_text is not None:
        raise usage_error("--prompt-text", "give --prompt or --prompt-text, not both")
    out_dir = None if args.out is None else Path(args.out)
    if out_dir is not None:
        check_output_directory(out_dir)
    quiet_transformers()
    texts = args.prompt_text is not None or any(k == "text" for k, _ in args.targets or [])
    if texts and args.model != "tiny" and not Path(args.model).is_dir():
        load_model(args.model, vocab, model_seed)  # names --model before any text option
    prompt = None if args.prompt is None else parse_token_ids(args.prompt)
    prompt_flag = "--prompt"
    if args.prompt_text is not None:
        prompt, prompt_flag = tokenize_text(args.model, args.prompt_text), "--prompt-text"
    targets = _targets(args.targets, args.model)
    lengths = [len(z) for _, z in targets]
    if alpha is not None and lengths[0] != max(lengths):
        raise usage_error("--plant", f"plants the first target, which must be the longest "
                          f"({lengths[0]} tokens; the longest has {max(lengths)})")
    model = load_model(args.model, vocab, model_seed)
    loaded = time.perf_counter()

    from genaccess.reference.hf import transformer_generator, transformer_rule
    from genaccess.reference.hf.threads import DEFAULT_THREADS, use_threads
    from genaccess.reference.probe import probe
    from genaccess.spec.planted import planted_generator

    threads = DEFAULT_THREADS if threads is None else threads
    use_threads(threads)
    _check_context(model, 1 if prompt is None else len(prompt), max(lengths),
                   targets[lengths.index(max(lengths))][0])
    with flags({"prompt": prompt_flag, "bos_token_id": "--prompt", "horizon": "--target",
                "temperature": "--temperature"}):
        base = transformer_generator(model, max(lengths), prompt=prompt,
                                     temperature=temperature)
    K = base.vocab_size
    _check_tokens(targets, K)
    generator = base if alpha is None else planted_generator(base, targets[0][1], alpha)
    result = probe(generator, [z for _, z in targets], delta, top_k)

    from genaccess.reference.commands.probe_report import report

    out = report(result, {
        "model": args.model, "vocab": K,
        "model_seed": model_seed if args.model == "tiny" else None,
        "prompt": list(transformer_rule(base).prompt),
        "temperature": str(temperature), "threads": threads,
        "planted": None if alpha is None else {"alpha": str(alpha), "target": 1},
    })
    now = time.perf_counter()
    out["seconds"] = {"total": round(now - started, 3), "model_load": round(loaded - started, 3),
                      "probe": round(now - loaded, 3)}
    if out_dir is not None:
        from genaccess.reference.commands.probe_report import write_outputs

        write_outputs(out, out_dir)
    return emit(out, args.json, _print)


def _print(out: dict[str, Any]) -> None:
    from genaccess.reference.commands.probe_report import print_report

    print_report(out)
