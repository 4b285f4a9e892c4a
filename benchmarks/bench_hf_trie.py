"""Benchmark: prefix-trie KV reuse against recomputing the prefix, for CPS-Path on a hidden
path planted in a real transformer (needs the hf extra).

Setting: a seeded tiny GPT-2 (K=64, 2 layers, width 32, random weights, CPU), H=32 by
default, tilt alpha=3/5, delta=1/20, CPS-Path with HP2's `m` for the margin `2 alpha - 1`.
The same learner, seed and path run twice in one process: once behind a trie cache that
keeps every position (`capacity` 65,536), once with `capacity=0` (each query recomputes
BOS plus its prefix). Both runs see the same distributions, so they draw the same samples
and make the same queries; the benchmark checks that. It reports forward tokens, wall time
and their ratios, plus the adaptive and logits learners with reuse for comparison.

    python benchmarks/bench_hf_trie.py [--horizon 32] [--seed 0] [--threads 1] [--json]

Forward tokens are exact counts. Wall time is one run on whatever machine this is; pin
`--threads` (torch intra-op threads) for comparable numbers. Process CPU time is reported
too: a machine loaded by other jobs stretches wall time far more than CPU time.
"""

from __future__ import annotations

import argparse
import json
import random
import time
import warnings
from collections.abc import Callable
from fractions import Fraction
from typing import Any

import torch

from genaccess.reference.adaptive_cps import sequential_cps
from genaccess.reference.cps_path import cps_path
from genaccess.reference.hf import tiny_gpt2, transformer_generator
from genaccess.reference.logits_learner import logits_path
from genaccess.spec.access import access_model
from genaccess.spec.cps_success import compute_cps_m
from genaccess.spec.oracle import Oracle
from genaccess.spec.planted import adaptive_family, cps_family, planted_generator
from genaccess.spec.sequential_test import compute_adaptive_parameters

K, ALPHA, DELTA = 64, Fraction(3, 5), Fraction(1, 20)


def run(model: Any, horizon: int, z: tuple[int, ...], capacity: int, access: str,
        learner: Callable[[Oracle], tuple[int, ...]], seed: int) -> dict[str, Any]:
    generator = planted_generator(transformer_generator(model, horizon, capacity=capacity),
                                  z, ALPHA)
    oracle = Oracle(generator, access_model(access), rng=random.Random(seed))
    start, start_cpu = time.perf_counter(), time.process_time()
    out = learner(oracle)
    seconds = time.perf_counter() - start
    cpu = time.process_time() - start_cpu
    return {"capacity": capacity, "queries": oracle.queries_used,
            "forward_tokens": oracle.forward_tokens, "seconds": round(seconds, 3),
            "cpu_seconds": round(cpu, 3),
            "recovered": out == z, "transcript": oracle.transcript}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--horizon", type=int, default=32)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore", module="transformers")
    torch.set_num_threads(args.threads)
    H = args.horizon
    model = tiny_gpt2(K, seed=3, n_positions=max(64, H))
    path_rng = random.Random(args.seed)
    z = tuple(path_rng.randrange(K) for _ in range(H))
    m = compute_cps_m(cps_family(K, H, ALPHA), DELTA)

    def cps(oracle: Oracle) -> tuple[int, ...]:
        return cps_path(oracle, m)

    reuse = run(model, H, z, 65_536, "local-reset/sample", cps, args.seed)
    recompute = run(model, H, z, 0, "local-reset/sample", cps, args.seed)
    assert reuse["transcript"] == recompute["transcript"], "runs diverged"
    # PLANTED1's guarantee is for the lead test at the adaptive family's alpha
    lead_test = compute_adaptive_parameters(adaptive_family(K, H, ALPHA), DELTA)

    def adaptive(oracle: Oracle) -> tuple[int, ...]:
        return sequential_cps(oracle, lead_test)

    others = {
        "adaptive_cps": run(model, H, z, 65_536, "local-reset/sample", adaptive, args.seed),
        "logits_path": run(model, H, z, 65_536, "local-reset/full", logits_path, args.seed),
    }
    for r in (reuse, recompute, *others.values()):
        del r["transcript"]
    result = {
        "setting": {"K": K, "H": H, "alpha": str(ALPHA), "delta": str(DELTA), "m": m,
                    "model": "tiny GPT-2, 2 layers, width 32, seed 3", "threads": args.threads,
                    "torch": torch.__version__},
        "cps_path": {"reuse": reuse, "recompute": recompute,
                     "forward_token_ratio": round(recompute["forward_tokens"]
                                                  / reuse["forward_tokens"], 1),
                     "wall_time_ratio": round(recompute["seconds"] / reuse["seconds"], 2),
                     "cpu_time_ratio": round(recompute["cpu_seconds"] / reuse["cpu_seconds"],
                                             2)},
        "with_reuse": others,
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"CPS-Path, K={K}, H={H}, alpha={ALPHA}, m={m} ({H * m} queries)")
        print(f"{'':>10} {'forward tokens':>15} {'seconds':>9} {'CPU s':>9} recovered")
        for name, r in (("reuse", reuse), ("recompute", recompute)):
            print(f"{name:>10} {r['forward_tokens']:>15,} {r['seconds']:>9.2f} "
                  f"{r['cpu_seconds']:>9.2f} {r['recovered']}")
        c = result["cps_path"]
        print(f"ratio: {c['forward_token_ratio']}x fewer forward tokens, "
              f"{c['wall_time_ratio']}x less wall time, {c['cpu_time_ratio']}x less CPU time")
        for name, r in others.items():
            print(f"{name}: {r['queries']:,} queries, {r['forward_tokens']:,} forward tokens, "
                  f"{r['seconds']:.2f} s ({r['cpu_seconds']:.2f} s CPU), "
                  f"recovered {r['recovered']}")
    return result


if __name__ == "__main__":
    main()
