"""Benchmark: `genaccess probe`'s own work (score the targets, predict every cost) at real
vocabulary sizes, the model's construction and the imports excluded.

Setting: `tiny_gpt2(K, seed=3, n_positions=512)` behind `transformer_generator` (one torch
thread, a cold prefix-trie cache per run), targets of `H` tokens drawn from a seeded RNG,
`delta = 1/20`, top-k 5 and 20; with and without the first target planted at `alpha = 3/5`
(with it, CPS-Path's and the adaptive learner's predictions are computed; without it, the
targets are rarely plurality winners and those predictions stop at the first failing depth).
Prints wall and process CPU seconds per probe (median of `--repeats`), and the machine's
load average.

    python benchmarks/bench_probe.py [--vocab 64 1024 50257] [--horizon 8 32] [--repeats 3]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from typing import Any

from genaccess.reference.hf import tiny_gpt2, transformer_generator
from genaccess.reference.hf.threads import use_threads
from genaccess.reference.probe import probe
from genaccess.spec.planted import planted_generator


def _one(model: Any, K: int, H: int, plant: bool) -> tuple[float, float]:
    rng = random.Random(H)
    targets = [tuple(rng.randrange(K) for _ in range(H)), tuple(rng.randrange(K)
                                                                 for _ in range(H // 2))]
    wall, cpu = time.perf_counter(), time.process_time()
    g = transformer_generator(model, H)
    if plant:
        g = planted_generator(g, targets[0], "3/5")
    probe(g, targets, "1/20", (5, 20))
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vocab", type=int, nargs="+", default=[64, 1024, 50257])
    parser.add_argument("--horizon", type=int, nargs="+", default=[8, 32])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    use_threads(1)
    print(f"load average at start: {os.getloadavg()[0]:.2f}")
    print(f"{'K':>6} {'H':>4} {'planted':>8} {'wall s':>8} {'cpu s':>8}")
    for K in args.vocab:
        model = tiny_gpt2(K, seed=3, n_positions=512)
        for H in args.horizon:
            for plant in (False, True):
                runs = [_one(model, K, H, plant) for _ in range(args.repeats)]
                print(f"{K:>6} {H:>4} {plant!s:>8} "
                      f"{statistics.median(r[0] for r in runs):>8.3f} "
                      f"{statistics.median(r[1] for r in runs):>8.3f}")
    print(f"load average at end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
