"""Benchmark: the adaptive chosen-prefix learner against CPS-Path's `H*m` queries.

For `K=3, alpha=1/2, delta=1/20` and `H in {10, 20, 40}`, run the adaptive learner through
the real local-reset/sample oracle (a fresh uniform `z` per run, run `i` seeded with
`random.Random(seed * 1_000_003 + i)`), and report mean queries against `H*m`, the success
rate with a 95% Clopper-Pearson interval, and the wall time. Runs are split over worker
processes; the result does not depend on how many.

    python benchmarks/bench_adaptive_cps.py [--runs 2000] [--workers 2] [--seed 0] [--json]
"""

from __future__ import annotations

import argparse
import json
import random
import time
from concurrent.futures import ProcessPoolExecutor
from fractions import Fraction
from typing import Any

from genaccess.reference.adaptive_cps import adaptive_cps
from genaccess.spec.access import access_model
from genaccess.spec.cps_success import compute_cps_m
from genaccess.spec.hidden_path import HiddenPathFamily
from genaccess.spec.oracle import Oracle
from genaccess.spec.sequential_test import compute_adaptive_parameters
from genaccess.spec.stats import clopper_pearson

K, ALPHA, DELTA = 3, Fraction(1, 2), Fraction(1, 20)
HORIZONS = (10, 20, 40)


def run_chunk(horizon: int, seed: int, first: int, last: int) -> tuple[int, int, int]:
    """Runs `first..last-1`: (total queries, successes, max queries of one run)."""
    family = HiddenPathFamily(K, horizon, ALPHA)
    access = access_model("local-reset/sample")
    total = successes = most = 0
    for i in range(first, last):
        rng = random.Random(seed * 1_000_003 + i)
        z = tuple(rng.randrange(K) for _ in range(horizon))
        oracle = Oracle(family.generator(z), access, rng=rng)
        successes += adaptive_cps(oracle, ALPHA, DELTA) == z
        total += oracle.queries_used
        most = max(most, oracle.queries_used)
    return total, successes, most


def bench(horizon: int, runs: int, workers: int, seed: int) -> dict[str, Any]:
    family = HiddenPathFamily(K, horizon, ALPHA)
    m = compute_cps_m(family, DELTA)
    test = compute_adaptive_parameters(family, DELTA)
    bounds = [runs * j // workers for j in range(workers + 1)]
    start = time.perf_counter()
    with ProcessPoolExecutor(workers) as pool:
        parts = list(pool.map(run_chunk, [horizon] * workers, [seed] * workers, bounds[:-1],
                              bounds[1:]))
    seconds = time.perf_counter() - start
    queries = sum(p[0] for p in parts)
    successes = sum(p[1] for p in parts)
    low, high = clopper_pearson(successes, runs, Fraction(1, 20))
    return {
        "K": K, "alpha": str(ALPHA), "delta": str(DELTA), "H": horizon, "runs": runs,
        "m": m, "H_times_m": horizon * m, "margin": test.margin, "cap": test.cap,
        "mean_queries": queries / runs, "ratio_to_H_times_m": queries / runs / (horizon * m),
        "max_queries": max(p[2] for p in parts), "success_rate": successes / runs,
        "success_interval_95": [float(low), float(high)], "seconds": seconds,
        "microseconds_per_query": seconds * workers / queries * 1e6,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results = []
    for horizon in HORIZONS:
        r = bench(horizon, args.runs, args.workers, args.seed)
        results.append(r)
        if not args.json:
            lo, hi = r["success_interval_95"]
            print(f"H={horizon:>3}  H*m={r['H_times_m']:>5}  mean={r['mean_queries']:8.1f}  "
                  f"ratio={r['ratio_to_H_times_m']:.3f}  max={r['max_queries']:>5}  "
                  f"success={r['success_rate']:.4f} [{lo:.4f}, {hi:.4f}]  "
                  f"c={r['margin']} cap={r['cap']}  {r['seconds']:.1f}s "
                  f"({r['microseconds_per_query']:.1f} us/query)", flush=True)
    if args.json:
        print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
