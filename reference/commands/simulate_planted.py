"""`genaccess simulate planted`: a hidden path planted in a real transformer (PLANTED1), each
learner run once through the oracle; queries, forward tokens, wall time, recovery. Needs the
hf extra (`pip install 'genaccess[hf]'`).

  --model tiny        a seeded tiny GPT-2 built offline (--vocab tokens, --model-seed)
  --model DIR         a local transformers checkpoint (from_pretrained, no download)

Learners (--learners, comma-separated; default all):
  cps           CPS-Path with HP2's m for the planted margin 2 alpha - 1 (local-reset/sample)
  adaptive-cps  the adaptive learner with PLANTED1's alpha' (local-reset/sample)
  logits        one full query per stage (local-reset/full)
  top1          one top-1 query per stage (local-reset/top1)
  root-start    the walk learner with --rollouts whole rollouts (root-start/full); its exact
                success bound is also given at CPS-Path's budget H*m

Each learner gets its own cold prefix-trie cache over the same model, so its forward tokens
are what its queries cost (--capacity 0 recomputes every prefix).

Example:
  genaccess simulate planted --model tiny --horizon 16 --alpha 3/5 --learners cps,logits
"""

from __future__ import annotations

import argparse
import json
import random
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from genaccess.reference.commands.arguments import parse_fraction, parse_int, parse_probability

# The same learner names on the same access models as `simulate hidden-path`.
from genaccess.reference.commands.simulate_hidden_path import ACCESS, LEARNERS
from genaccess.spec.access import access_model
from genaccess.spec.errors import InvalidDefinition
from genaccess.spec.hidden_path import compute_cps_m
from genaccess.spec.oracle import Oracle
from genaccess.spec.planted import (
    adaptive_family,
    compute_on_path_reach,
    compute_root_start_walk_bound,
    cps_family,
    planted_generator,
)
from genaccess.spec.prefix import Response

FAMILY = "planted"


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
    parser.add_argument("--learners", default=",".join(LEARNERS), metavar="L,...",
                        help="comma-separated learners (default all)")
    parser.add_argument("--rollouts", default="100", metavar="T",
                        help="root-start: whole rollouts to run (default 100)")
    parser.add_argument("--seed", default="0", metavar="S",
                        help="seed of the path and the oracles (default 0)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(run=run)


def _load(model: str, vocab: int, seed: int) -> Any:
    try:
        from genaccess.reference.hf import tiny_gpt2
    except ImportError as err:
        raise InvalidDefinition("--model", str(err)) from None
    if model == "tiny":
        return tiny_gpt2(vocab, seed=seed, n_positions=512)
    path = Path(model)
    if not path.is_dir():
        raise InvalidDefinition("--model", "must be 'tiny' or an existing checkpoint directory",
                                model)
    from transformers import AutoModelForCausalLM

    return AutoModelForCausalLM.from_pretrained(path, local_files_only=True)


def _learners(text: str) -> list[str]:
    names = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in LEARNERS]
    if not names or unknown:
        raise InvalidDefinition("--learners", f"must be a comma-separated list of "
                                f"{', '.join(LEARNERS)}", text)
    return names


def run(args: argparse.Namespace) -> int:
    from genaccess.reference.adaptive_cps import adaptive_cps
    from genaccess.reference.cps_path import cps_path
    from genaccess.reference.logits_learner import logits_path, top1_path
    from genaccess.reference.planted_root_start import root_start_walk

    H = parse_int(args.horizon, "--horizon", 1)
    vocab = parse_int(args.vocab, "--vocab", 2)
    model_seed = parse_int(args.model_seed, "--model-seed", 0)
    capacity = parse_int(args.capacity, "--capacity", 0)
    rollouts = parse_int(args.rollouts, "--rollouts", 0)
    seed = parse_int(args.seed, "--seed", 0)
    assert H is not None and vocab is not None and model_seed is not None
    assert capacity is not None and rollouts is not None and seed is not None
    alpha = parse_fraction(args.alpha, "--alpha")
    delta = parse_probability(args.delta, "--delta")
    names = _learners(args.learners)
    cps_family(2, 1, alpha)  # validates alpha before the model is loaded
    warnings.filterwarnings("ignore", module="transformers")
    model = _load(args.model, vocab, model_seed)

    from genaccess.reference.hf import transformer_generator

    temperature = parse_fraction(args.temperature, "--temperature")

    def fresh() -> Any:
        return transformer_generator(model, H, temperature=temperature, capacity=capacity)

    K = fresh().vocab_size
    path_rng = random.Random(seed)
    z = tuple(path_rng.randrange(K) for _ in range(H))
    planted = planted_generator(fresh(), z, alpha)
    m = compute_cps_m(cps_family(K, H, alpha), delta)
    alpha_adaptive = adaptive_family(K, H, alpha).alpha
    reach = compute_on_path_reach(planted, z)

    runners: dict[str, Callable[[Oracle], Response]] = {
        "cps": lambda o: cps_path(o, m),
        "adaptive-cps": lambda o: adaptive_cps(o, alpha_adaptive, delta),
        "logits": logits_path,
        "top1": top1_path,
        "root-start": lambda o: root_start_walk(o, rollouts, alpha, random.Random(seed)),
    }
    rows = []
    for name in names:
        generator = planted_generator(fresh(), z, alpha)
        oracle = Oracle(generator, access_model(ACCESS[name]), rng=random.Random(seed))
        start = time.perf_counter()
        recovered = runners[name](oracle) == z
        rows.append({"learner": name, "access": ACCESS[name], "queries": oracle.queries_used,
                     "forward_tokens": oracle.forward_tokens,
                     "seconds": round(time.perf_counter() - start, 3),
                     "recovered": recovered})
    out: dict[str, Any] = {
        "family": FAMILY, "model": args.model, "vocab": K, "horizon": H, "alpha": str(alpha),
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
    if args.json:
        print(json.dumps(out, indent=2))
    else:
        _print(out)
    return 0


def _print(out: dict[str, Any]) -> None:
    print(f"planted path in {out['model']} (K={out['vocab']}, H={out['horizon']}, "
          f"alpha={out['alpha']}, delta={out['delta']}, tau={out['temperature']}), "
          f"seed {out['seed']}")
    print(f"  CPS m = {out['cps_m']} ({out['cps_queries']} queries); root-start success <= "
          f"{out['root_start_bound_at_cps_budget']:.3g} with that many rollouts, <= "
          f"{out['root_start_bound_at_rollouts']:.3g} with {out['root_start_rollouts']}")
    print(f"  {'learner':<13} {'access':<20} {'queries':>8} {'forward tokens':>15} "
          f"{'seconds':>8}  recovered")
    for r in out["runs"]:
        print(f"  {r['learner']:<13} {r['access']:<20} {r['queries']:>8} "
              f"{r['forward_tokens']:>15} {r['seconds']:>8.2f}  {r['recovered']}")

