"""`genaccess simulate planted`: a hidden path planted in a real transformer (PLANTED1), each
learner run once through the oracle; queries, forward tokens, wall time, recovery. Needs the
hf extra (`pip install 'genaccess[hf]'`).

  --model tiny        a seeded tiny GPT-2 built offline (--vocab tokens, --model-seed)
  --model DIR         a local transformers checkpoint (from_pretrained, no download)
  --prompt 1,2,3      token IDs the model reads before the root (default: its BOS token);
                      the path is planted in the H response tokens after the prompt
  --prompt-text TEXT  the same, tokenized by the tokenizer in the --model folder
  --threads N         torch intra-op threads (default 1: the model runs one token at a
                      time, where more threads cost more than they save)

Learners (--learners, comma-separated; default all):
  cps           CPS-Path with HP2's m for the planted margin 2 alpha - 1 (local-reset/sample)
  adaptive-cps  the adaptive learner with PLANTED1's alpha' (local-reset/sample)
  logits        one full query per stage (local-reset/full)
  top1          one top-1 query per stage (local-reset/top1)
  root-start    the walk learner with --queries whole rollouts (root-start/full); its exact
                success bound is also given at CPS-Path's count H*m

The names and access models are the hidden-path learners of the learner table
(`genaccess.reference.learners`); root-start runs the planted walk learner instead of the
hidden-path MAP learner, on the same access model.

Each learner gets its own cold prefix-trie cache over the same model, so its forward tokens
are what its queries cost (--capacity 0 recomputes every prefix).

Example:
  genaccess simulate planted --model tiny --horizon 16 --alpha 3/5 --learners cps,logits
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from genaccess.reference.commands.arguments import (
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

if TYPE_CHECKING:
    from genaccess.spec.oracle import Oracle
    from genaccess.spec.prefix import Response

FAMILY = "planted"
LEARNER_FAMILY = "hidden-path"
"""The learner table's family whose learners (names, access models) this command runs."""
FIELDS = {"alpha": "--alpha", "delta": "--delta", "temperature": "--temperature",
          "horizon": "--horizon", "vocab_size": "--vocab", "prompt": "--prompt"}
"""The spec's field names for what the user typed as these flags."""


MAX_ROLLOUTS = 100_000


def register_family(families: Any) -> None:
    parser = families.add_parser(FAMILY, help="a hidden path planted in a real transformer "
                                 "(PLANTED1; needs the hf extra)", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="tiny", metavar="tiny|DIR",
                        help="'tiny' (offline seeded GPT-2) or a local checkpoint directory")
    parser.add_argument("--vocab", default="64", metavar="K", help="tiny model: tokens (64)")
    parser.add_argument("--model-seed", default="3", metavar="S", help="tiny model: seed (3)")
    parser.add_argument("--horizon", default="32", metavar="H", help="horizon H (default 32)")
    parser.add_argument("--alpha", default="3/5", metavar="A",
                        help="planted tilt in (1/2, 1) (default 3/5)")
    parser.add_argument("--delta", default="1/20", metavar="D",
                        help="target failure probability in (0, 1) (default 1/20)")
    parser.add_argument("--temperature", default="1", metavar="TAU",
                        help="sampling temperature > 0 (default 1)")
    parser.add_argument("--capacity", default="65536", metavar="C",
                        help="prefix-trie cache positions (0: no reuse; default 65536)")
    parser.add_argument("--prompt", default=None, metavar="ID,...",
                        help="comma-separated prompt token IDs read before the root "
                        "(default: the model's BOS token)")
    parser.add_argument("--prompt-text", default=None, metavar="TEXT",
                        help="the prompt as text, tokenized by the --model folder's tokenizer")
    parser.add_argument("--threads", default=None, metavar="N",
                        help="torch intra-op threads (default 1)")
    parser.add_argument("--learners", default=None, metavar="L,...",
                        help="comma-separated learners among root-start, cps, adaptive-cps, "
                        "logits, top1 (default all)")
    parser.add_argument("--queries", "--rollouts", dest="queries", default="100", metavar="T",
                        help="root-start: whole rollouts to run (default 100)")
    parser.add_argument("--seed", default="0", metavar="S",
                        help="seed of the path and the oracles (default 0)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(run=run)


def learner_names() -> tuple[str, ...]:
    """The learners this command runs: the hidden-path learners of the learner table."""
    from genaccess.reference.learners import learners

    return tuple(entry.name for entry in learners(LEARNER_FAMILY))


def _learners(text: str | None) -> list[str]:
    known = learner_names()
    if text is None:
        return list(known)
    names = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in known]
    if not names or unknown:
        raise usage_error("--learners", f"must be a comma-separated list of "
                          f"{', '.join(known)}", text)
    return names


def run(args: argparse.Namespace) -> int:
    from genaccess.reference.adaptive_cps import sequential_cps
    from genaccess.reference.learners import learner
    from genaccess.reference.planted_root_start import root_start_walk
    from genaccess.spec.cps_success import compute_cps_m
    from genaccess.spec.oracle import Oracle
    from genaccess.spec.planted import (
        adaptive_family,
        compute_on_path_reach,
        compute_root_start_walk_bound,
        cps_family,
        planted_generator,
    )
    from genaccess.spec.sequential_test import compute_adaptive_parameters

    H = parse_count(args.horizon, "--horizon", 1)
    vocab = parse_count(args.vocab, "--vocab", 2)
    model_seed = parse_count(args.model_seed, "--model-seed", 0)
    capacity = parse_count(args.capacity, "--capacity", 0)
    rollouts = parse_count(args.queries, "--queries", 0)
    seed = parse_count(args.seed, "--seed", 0)
    alpha = parse_fraction(args.alpha, "--alpha")
    delta = parse_probability(args.delta, "--delta")
    temperature = parse_fraction(args.temperature, "--temperature")
    threads = parse_int(args.threads, "--threads", 1)
    # Limits that refuse at once instead of hanging or crashing torch: the root-start walk
    # runs each rollout through the model, torch aborts on absurd thread counts, and the
    # tiny model allocates a K-row embedding.
    for value, option, limit in ((rollouts, "--queries", MAX_ROLLOUTS),
                                 (threads, "--threads", MAX_THREADS),
                                 (vocab, "--vocab", MAX_TINY_VOCAB)):
        if value is not None and value > limit:
            raise usage_error(option, f"must be at most {limit:,}", value)
    names = _learners(args.learners)
    if args.prompt is not None and args.prompt_text is not None:
        raise usage_error("--prompt-text", "give --prompt or --prompt-text, not both")
    prompt = None if args.prompt is None else parse_token_ids(args.prompt)
    with flags(FIELDS):
        cps_family(2, 1, alpha)  # validates alpha before the model is loaded
    quiet_transformers()
    fields = FIELDS
    if args.prompt_text is not None:
        fields = {**FIELDS, "prompt": "--prompt-text"}
        if args.model == "tiny" or Path(args.model).is_dir():  # else load_model names --model
            prompt = tokenize_text(args.model, args.prompt_text)
    model = load_model(args.model, vocab, model_seed)

    from genaccess.reference.hf import transformer_generator, transformer_rule
    from genaccess.reference.hf.threads import DEFAULT_THREADS, use_threads

    threads = DEFAULT_THREADS if threads is None else threads
    use_threads(threads)

    def fresh() -> Any:
        with flags(fields):
            return transformer_generator(model, H, prompt=prompt, temperature=temperature,
                                         capacity=capacity)

    first = fresh()
    K = first.vocab_size
    path_rng = random.Random(seed)
    z = tuple(path_rng.randrange(K) for _ in range(H))
    with flags(FIELDS):
        planted = planted_generator(fresh(), z, alpha)
        m = compute_cps_m(cps_family(K, H, alpha), delta)
        adaptive = adaptive_family(K, H, alpha)
        alpha_adaptive = adaptive.alpha
        test = compute_adaptive_parameters(adaptive, delta)
    reach = compute_on_path_reach(planted, z)

    def table(name: str) -> Callable[..., Response]:
        function: Callable[..., Response] = learner(LEARNER_FAMILY, name).function
        return function

    runners: dict[str, Callable[[Oracle], Response]] = {
        "cps": lambda o: table("cps")(o, m),
        # The table's adaptive_cps with its test computed once.
        "adaptive-cps": lambda o: sequential_cps(o, test),
        "logits": lambda o: table("logits")(o),
        "top1": lambda o: table("top1")(o),
        "root-start": lambda o: root_start_walk(o, rollouts, alpha, random.Random(seed)),
    }
    rows = []
    for name in names:
        entry = learner(LEARNER_FAMILY, name)
        generator = planted_generator(fresh(), z, alpha)
        oracle = Oracle(generator, entry.access_model, rng=random.Random(seed))
        start = time.perf_counter()
        recovered = runners[name](oracle) == z
        rows.append({"learner": name, "access": entry.access, "queries": oracle.queries_used,
                     "forward_tokens": oracle.forward_tokens,
                     "seconds": round(time.perf_counter() - start, 3),
                     "recovered": recovered})
    out: dict[str, Any] = {
        "family": FAMILY, "model": args.model, "prompt": list(transformer_rule(first).prompt),
        "threads": threads, "vocab": K, "horizon": H, "alpha": str(alpha),
        "delta": str(delta), "temperature": str(args.temperature), "capacity": capacity,
        "seed": seed, "path": list(z), "cps_m": m, "cps_queries": H * m,
        "adaptive_alpha": str(alpha_adaptive),
        "root_start_rollouts": rollouts,
        "root_start_bound_at_rollouts": float(compute_root_start_walk_bound(reach, K, rollouts)),
        "root_start_bound_at_cps_budget": float(
            compute_root_start_walk_bound(reach, K, H * m)),
        "path_reach_probability": float(reach[-1]),
        "runs": rows,
    }
    return emit(out, args.json, _print)


def _print(out: dict[str, Any]) -> None:
    print(f"planted path in {out['model']} (K={out['vocab']}, H={out['horizon']}, "
          f"alpha={out['alpha']}, delta={out['delta']}, tau={out['temperature']}), "
          f"seed {out['seed']}")
    prompt = out["prompt"]
    shown = ",".join(map(str, prompt[:12])) + (",..." if len(prompt) > 12 else "")
    print(f"  prompt: {len(prompt)} token(s) [{shown}]; torch threads: {out['threads']}")
    print(f"  CPS m = {out['cps_m']} ({out['cps_queries']} queries); root-start success <= "
          f"{out['root_start_bound_at_cps_budget']:.3g} with that many rollouts, <= "
          f"{out['root_start_bound_at_rollouts']:.3g} with {out['root_start_rollouts']}")
    print(f"  {'learner':<13} {'access':<20} {'queries':>8} {'forward tokens':>15} "
          f"{'seconds':>8}  recovered")
    for r in out["runs"]:
        print(f"  {r['learner']:<13} {r['access']:<20} {r['queries']:>8} "
              f"{r['forward_tokens']:>15} {r['seconds']:>8.2f}  {r['recovered']}")

