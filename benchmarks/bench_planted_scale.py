"""Benchmark: CPS-Path and the adaptive learner on a hidden path planted in a GPT-2-small-shaped
model (needs the hf extra): wall time, forward tokens, and the share of time spent outside
the model.

Setting: GPT-2 small's shape (12 layers, width 768, 12 heads, K = 50257, 1024 positions)
with seeded random weights, built offline from a `GPT2Config` (nothing is downloaded);
H = 32 by default, tilt alpha = 3/5, delta = 1/20; the path and the oracles are seeded. Each
learner runs as `genaccess simulate planted` runs it (the learner table's access model, a
cold prefix-trie cache of its own): CPS-Path with HP2's `m` for the margin `2 alpha - 1`,
the adaptive learner with PLANTED1's `alpha'`.

Where the time goes, per learner:
- model: the cache's forward function (the transformer run on the new positions, with the
  cached past), timed by wrapping it;
- oracle: the oracle's queries minus the model (trie lookups, the exact distribution
  from the logits, the planted mixture, sampling, reports, transcript);
- learner: the rest of the wall time (the learner's own bookkeeping between queries).
"outside" is `1 - model / wall`; the issue's target is that the model dominates. The same
share is also given in process CPU time ("outside, CPU"), which a loaded machine disturbs
less than wall time.

    python benchmarks/bench_planted_scale.py [--horizon 32] [--learners cps,adaptive-cps]
        [--threads 1] [--seed 0] [--json]

Forward tokens are exact counts; times are one run on whatever machine this is (state the
load: `uptime`).
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import time
import warnings
from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any

import torch

from genaccess.reference.adaptive_cps import sequential_cps
from genaccess.reference.hf import tiny_gpt2, transformer_generator, transformer_rule
from genaccess.reference.hf.threads import DEFAULT_THREADS, use_threads
from genaccess.reference.learners import learner
from genaccess.spec.cps_success import compute_cps_m
from genaccess.spec.observation import Report
from genaccess.spec.oracle import Oracle
from genaccess.spec.planted import adaptive_family, cps_family, planted_generator
from genaccess.spec.sequential_test import compute_adaptive_parameters

K, ALPHA, DELTA = 50257, Fraction(3, 5), Fraction(1, 20)
SHAPE = {"n_layer": 12, "n_embd": 768, "n_head": 12, "n_positions": 1024}
LEARNERS = ("cps", "adaptive-cps")
FAMILY = "hidden-path"


class TimedOracle(Oracle):
    """The oracle, with the seconds spent inside its queries added up."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.query_seconds = 0.0

    def query(self, prefix: Sequence[int] = (), length: int = 1) -> tuple[Report, ...]:
        start = time.perf_counter()
        try:
            return super().query(prefix, length)
        finally:
            self.query_seconds += time.perf_counter() - start


def run(model: Any, name: str, horizon: int, z: tuple[int, ...], seed: int,
        learn: Callable[[Oracle], tuple[int, ...]]) -> dict[str, Any]:
    base = transformer_generator(model, horizon)
    cache = transformer_rule(base).cache
    forward = cache.forward
    model_time = [0.0, 0, 0.0]  # wall seconds, calls, CPU seconds

    def timed_forward(tokens: Sequence[int], past: Any) -> Any:
        start, start_cpu = time.perf_counter(), time.process_time()
        try:
            return forward(tokens, past)
        finally:
            model_time[0] += time.perf_counter() - start
            model_time[1] += 1
            model_time[2] += time.process_time() - start_cpu

    cache.forward = timed_forward
    entry = learner(FAMILY, name)
    oracle = TimedOracle(planted_generator(base, z, ALPHA), entry.access_model,
                         rng=random.Random(seed))
    start, start_cpu = time.perf_counter(), time.process_time()
    recovered = learn(oracle) == z
    wall = time.perf_counter() - start
    cpu = time.process_time() - start_cpu
    model_seconds, calls, model_cpu = model_time
    return {"learner": name, "access": entry.access, "queries": oracle.queries_used,
            "forward_tokens": oracle.forward_tokens, "forward_calls": calls,
            "seconds": round(wall, 3), "model_seconds": round(model_seconds, 3),
            "oracle_seconds_outside_model": round(oracle.query_seconds - model_seconds, 3),
            "learner_seconds": round(wall - oracle.query_seconds, 3),
            "outside_model_share": round(1 - model_seconds / wall, 4),
            "cpu_seconds": round(cpu, 3), "model_cpu_seconds": round(model_cpu, 3),
            "outside_model_share_cpu": round(1 - model_cpu / cpu, 4),
            "ms_per_query_outside_model": round(
                1000 * (wall - model_seconds) / max(1, oracle.queries_used), 3),
            "recovered": recovered}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--horizon", type=int, default=32)
    parser.add_argument("--learners", default=",".join(LEARNERS))
    parser.add_argument("--threads", type=int, default=DEFAULT_THREADS)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--freeze-gc", action="store_true",
                        help="move the model's objects out of the collector's sight "
                             "(gc.freeze) before the runs, as the CLI commands do")
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.learners.split(",") if n.strip()]
    if not names or any(n not in LEARNERS for n in names):
        parser.error(f"--learners: a comma-separated list of {', '.join(LEARNERS)}")
    if not 1 <= args.horizon <= SHAPE["n_positions"]:
        parser.error(f"--horizon: must be in 1..{SHAPE['n_positions']}")
    warnings.filterwarnings("ignore", module="transformers")
    use_threads(args.threads)
    H = args.horizon
    start = time.perf_counter()
    model = tiny_gpt2(K, seed=0, **SHAPE)
    build_seconds = time.perf_counter() - start
    if args.freeze_gc:
        gc.collect()
        gc.freeze()
    path_rng = random.Random(args.seed)
    z = tuple(path_rng.randrange(K) for _ in range(H))
    m = compute_cps_m(cps_family(K, H, ALPHA), DELTA)
    test = compute_adaptive_parameters(adaptive_family(K, H, ALPHA), DELTA)
    learners: dict[str, Callable[[Oracle], tuple[int, ...]]] = {
        "cps": lambda o: learner(FAMILY, "cps").function(o, m),
        "adaptive-cps": lambda o: sequential_cps(o, test),
    }
    rows = [run(model, name, H, z, args.seed, learners[name]) for name in names]
    result = {
        "setting": {"K": K, "H": H, "alpha": str(ALPHA), "delta": str(DELTA), "cps_m": m,
                    "adaptive_margin": test.margin, "model": "GPT-2 small shape, random "
                    "weights, seed 0", **SHAPE, "threads": args.threads,
                    "build_seconds": round(build_seconds, 1), "torch": torch.__version__},
        "runs": rows,
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"GPT-2-small shape (12 layers, width 768, K={K}), H={H}, alpha={ALPHA}, "
              f"delta={DELTA}, CPS m={m}, adaptive margin={test.margin}, "
              f"{args.threads} thread(s); model built in {build_seconds:.1f} s")
        print(f"{'learner':<13} {'queries':>8} {'fwd tokens':>10} {'wall s':>9} "
              f"{'model s':>8} {'oracle s':>9} {'learner s':>9} {'outside':>8} "
              f"{'ms/query':>9} {'cpu s':>7} {'model cpu':>9} {'outside, CPU':>12} recovered")
        for r in rows:
            print(f"{r['learner']:<13} {r['queries']:>8,} {r['forward_tokens']:>10,} "
                  f"{r['seconds']:>9.2f} {r['model_seconds']:>8.2f} "
                  f"{r['oracle_seconds_outside_model']:>9.2f} {r['learner_seconds']:>9.2f} "
                  f"{r['outside_model_share']:>8.1%} {r['ms_per_query_outside_model']:>9.3f} "
                  f"{r['cpu_seconds']:>7.2f} {r['model_cpu_seconds']:>9.2f} "
                  f"{r['outside_model_share_cpu']:>12.1%} {r['recovered']}")
        print("oracle s: inside queries, model excluded; ms/query: outside the model")
    return result


if __name__ == "__main__":
    main()
