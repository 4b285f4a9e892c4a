"""Benchmark: the adaptive chosen-prefix learner against the per-stage sequential-test limit
and CPS-Path's `H*m` queries, before (lead test) and after (posterior test).

For `K=3, alpha=1/2, delta=1/20` and `H in {10, 20, 40}`, for each stage test:

- the EXACT expected number of queries with `z` uniform, from the profile DP
  (`genaccess.spec.stage_profile`): an on-path stage takes `E_on` samples and is right with
  chance `s`, an off-path (uniform) stage takes `E_off`, and once a stage is wrong every
  later prefix is off the path, so `E = E_on S + E_off (H - S)`, `S = sum_{t<H} s^t`. Only
  the fallback's tie-breaking is not resolved by the profile DP, so `s` is known to within
  the chance of reaching the cap (about 1e-7) and `E` is printed as that enclosure;
- the limit `H kl(e, 1-e) / KL(p_a || p_b)`, `e = delta/H` (`compute_sequential_limit`),
  a bound on the expected samples of `H` on-path stages, and the ratios to it of `H E_on`
  (what it bounds) and of `E`;
- seeded runs through the real local-reset/sample oracle (a fresh uniform `z` per run, run
  `i` seeded with `random.Random(seed * 1_000_003 + i)`), split over worker processes (the
  result does not depend on how many): mean queries with its standard error, the success
  rate with a 95% Clopper-Pearson interval, and the wall time.

    python benchmarks/bench_adaptive_cps.py [--runs 400] [--workers 2] [--seed 0] [--json]
"""

from __future__ import annotations

import argparse
import json
import math
import random
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from fractions import Fraction
from functools import partial
from typing import Any

from genaccess.reference.adaptive_cps import sequential_cps
from genaccess.spec.access import access_model
from genaccess.spec.cps_success import compute_cps_m
from genaccess.spec.hidden_path import HiddenPathFamily
from genaccess.spec.intervals import bounds
from genaccess.spec.oracle import Oracle
from genaccess.spec.sequential_test import (
    StageTest,
    certified_token,
    compute_adaptive_parameters,
    compute_posterior_parameters,
    compute_sequential_limit,
)
from genaccess.spec.stage_profile import compute_profile_law
from genaccess.spec.stats import clopper_pearson

K, ALPHA, DELTA = 3, Fraction(1, 2), Fraction(1, 20)
HORIZONS = (10, 20, 40)
DESIGNS: dict[str, Callable[[HiddenPathFamily, Fraction], StageTest]] = {
    "before (lead test)": compute_adaptive_parameters,
    "after (posterior test)": compute_posterior_parameters}


def expected_queries(family: HiddenPathFamily, test: StageTest
                     ) -> tuple[Fraction, Fraction, Fraction, Fraction, Fraction]:
    """`H E_on` (exact: the expected queries of `H` on-path stages, what the limit bounds),
    and exact enclosures `(E_low, E_high, success_low, success_high)` of the expected number
    of queries and of the success probability, `z` uniform."""
    certify = partial(certified_token, test=test)
    on = compute_profile_law(family, certify, test.cap)
    off = compute_profile_law(family, certify, test.cap, truth_weight=Fraction(1, K))
    assert on is not None and off is not None and on.complete and off.complete
    H = family.horizon
    totals, successes = [], []
    for wrong in (on.wrong + on.undecided, on.wrong):  # the fallback is wrong or right
        s = 1 - wrong
        paths = sum((s**t for t in range(H)), Fraction(0))
        totals.append(on.expected * paths + off.expected * (H - paths))
        successes.append(s**H)
    return H * on.expected, totals[1], totals[0], successes[0], successes[1]


def run_chunk(design: str, horizon: int, seed: int, first: int, last: int
              ) -> tuple[int, int, int, int]:
    """Runs `first..last-1`: (total queries, sum of squared queries, successes, max)."""
    family = HiddenPathFamily(K, horizon, ALPHA)
    test = DESIGNS[design](family, DELTA)
    access = access_model("local-reset/sample")
    total = squares = successes = most = 0
    for i in range(first, last):
        rng = random.Random(seed * 1_000_003 + i)
        z = tuple(rng.randrange(K) for _ in range(horizon))
        oracle = Oracle(family.generator(z), access, rng=rng)
        successes += sequential_cps(oracle, test) == z
        total += oracle.queries_used
        squares += oracle.queries_used**2
        most = max(most, oracle.queries_used)
    return total, squares, successes, most


def bench(design: str, horizon: int, runs: int, workers: int, seed: int) -> dict[str, Any]:
    family = HiddenPathFamily(K, horizon, ALPHA)
    start = time.perf_counter()
    test = DESIGNS[design](family, DELTA)
    setup = time.perf_counter() - start
    on_path, low, high, success_low, success_high = expected_queries(family, test)
    limit_low, limit_high = bounds(compute_sequential_limit(family, DELTA))
    m = compute_cps_m(family, DELTA)
    cuts = [runs * j // workers for j in range(workers + 1)]
    start = time.perf_counter()
    with ProcessPoolExecutor(workers) as pool:
        parts = list(pool.map(run_chunk, [design] * workers, [horizon] * workers,
                              [seed] * workers, cuts[:-1], cuts[1:]))
    seconds = time.perf_counter() - start
    queries = sum(p[0] for p in parts)
    mean = queries / runs
    variance = max(0.0, sum(p[1] for p in parts) / runs - mean * mean)
    successes = sum(p[2] for p in parts)
    ci_low, ci_high = clopper_pearson(successes, runs, Fraction(1, 20))
    return {
        "design": design, "K": K, "alpha": str(ALPHA), "delta": str(DELTA), "H": horizon,
        "test": repr(test), "margin": test.margin, "cap": test.cap, "setup_seconds": setup,
        "on_path_expected_queries": float(on_path),
        "on_path_ratio_to_limit": float(on_path / limit_low),
        "expected_queries_enclosure": [float(low), float(high)],
        "exact_success_enclosure": [float(success_low), float(success_high)],
        "limit_enclosure": [float(limit_low), float(limit_high)],
        "ratio_to_limit_enclosure": [float(low / limit_high), float(high / limit_low)],
        "m": m, "H_times_m": horizon * m,
        "ratio_to_H_times_m": float(high) / (horizon * m),
        "runs": runs, "mean_queries": mean,
        "mean_standard_error": math.sqrt(variance / runs),
        "max_queries": max(p[3] for p in parts), "success_rate": successes / runs,
        "success_interval_95": [float(ci_low), float(ci_high)], "seconds": seconds,
        "microseconds_per_query": seconds * workers / queries * 1e6,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=400)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results = []
    if not args.json:
        print(f"K={K}, alpha={ALPHA}, delta={DELTA}; limit = H kl(e,1-e)/KL(p_a||p_b) "
              "(lower end of its enclosure); H*E_on = exact expected queries of H on-path "
              "stages; E = exact expected queries, z uniform (enclosure: the fallback's ties); "
              "(xR) = ratio to the limit")
    for horizon in HORIZONS:
        for design in DESIGNS:
            r = bench(design, horizon, args.runs, args.workers, args.seed)
            results.append(r)
            if args.json:
                continue
            e_low, e_high = r["expected_queries_enclosure"]
            ratio = r["ratio_to_limit_enclosure"]
            lo, hi = r["success_interval_95"]
            print(f"H={horizon:>3} {design:<23} c={r['margin']:>2} cap={r['cap']:>3}  "
                  f"limit={r['limit_enclosure'][0]:.2f}  H*E_on={r['on_path_expected_queries']:.2f}"
                  f" (x{r['on_path_ratio_to_limit']:.4f})  E=[{e_low:.2f}, {e_high:.2f}] "
                  f"(x{ratio[1]:.4f})  E/(H*m)={r['ratio_to_H_times_m']:.3f}  "
                  f"runs: mean={r['mean_queries']:.1f}+-{r['mean_standard_error']:.1f} "
                  f"success={r['success_rate']:.4f} [{lo:.4f}, {hi:.4f}]  "
                  f"setup {r['setup_seconds']:.2f}s, runs {r['seconds']:.1f}s", flush=True)
    if args.json:
        print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
