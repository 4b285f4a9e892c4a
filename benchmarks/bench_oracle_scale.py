"""Benchmark: the oracle's exact machinery per query at real vocabulary sizes, model excluded.

Setting: a generator whose rule returns `softmax_distribution(logits(u), 1)` for logits
drawn once per prefix (float32, standard deviation 2, seeded by the prefix's depth) and
computed before the query is timed, so the time measured is the exact machinery only:
the float logits -> exact `Distribution` conversion (at a new prefix), the oracle's
checks, the draw, the report and the built set. The rule memoises each prefix's
distribution, as the transformer adapter's prefix-trie cache does.

For every observation type and `K` in {64, 1024, 50257}, under local-reset control:
- new prefix: `repeats` queries `query(u, 1)`, each at a built prefix never asked before
  (the child the previous report revealed: a chain of depth `repeats`);
- visited prefix: `repeats` queries `query(u, 1)` cycling over that chain's prefixes
  (their distributions already computed).
It prints the median milliseconds per query, wall time and the process's CPU time (on a
shared, loaded machine the CPU time is the steadier of the two).

    python benchmarks/bench_oracle_scale.py [--repeats 20] [--vocab 64 1024 50257] [--json]

To time another checkout (e.g. the code before a change) without touching git state,
extract it and put it first on the path:
    mkdir -p /tmp/old/genaccess && git archive HEAD spec reference proofs |
        tar -x -C /tmp/old/genaccess
    PYTHONPATH=/tmp/old python benchmarks/bench_oracle_scale.py
Times are wall time on whatever machine this is; report them with its load (`uptime`).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from fractions import Fraction
from typing import Any

import torch

import genaccess.spec.distribution
from genaccess.reference.hf.transformer import softmax_distribution
from genaccess.spec.access import access_model
from genaccess.spec.distribution import Distribution
from genaccess.spec.generator import Generator
from genaccess.spec.oracle import Oracle
from genaccess.spec.prefix import Prefix

OBSERVATIONS = ("sample", "logprob", "full", "topk(5)", "top1")
VOCABS = (64, 1024, 50257)


class PrecomputedLogits:
    """A next-token rule over precomputed float32 logits: `prepare(u)` draws them (untimed),
    `__call__(u)` converts them once into the exact distribution and memoises it."""

    def __init__(self, vocab_size: int, seed: int) -> None:
        self.vocab_size = vocab_size
        self.seed = seed
        self.logits: dict[Prefix, torch.Tensor] = {}
        self.dists: dict[Prefix, Distribution] = {}

    def prepare(self, prefix: Prefix) -> None:
        if prefix not in self.logits:
            gen = torch.Generator().manual_seed(self.seed * 1_000_003 + len(prefix))
            self.logits[prefix] = 2 * torch.randn(self.vocab_size, generator=gen)

    def __call__(self, prefix: Prefix) -> Distribution:
        dist = self.dists.get(prefix)
        if dist is None:
            dist = softmax_distribution(self.logits[prefix], Fraction(1))
            self.dists[prefix] = dist
        return dist


def _next(prefix: Prefix, report: Any) -> Prefix:
    """A child of `prefix` the report built: the shown token, else the first one named."""
    token = report.token if report.token is not None else min(report.revealed)
    return (*prefix, token)


def _timed(oracle: Oracle, prefix: Prefix, wall: list[float], cpu: list[float]) -> Any:
    """`oracle.query(prefix, 1)`, its wall and CPU time appended."""
    start, start_cpu = time.perf_counter(), time.process_time()
    out = oracle.query(prefix, 1)
    cpu.append(time.process_time() - start_cpu)
    wall.append(time.perf_counter() - start)
    return out


def measure(vocab_size: int, observation: str, repeats: int, seed: int) -> dict[str, float]:
    """Median ms per query (wall and process CPU) at a new prefix and at a visited one."""
    rule = PrecomputedLogits(vocab_size, seed)
    generator = Generator.from_rule(vocab_size, repeats + 2, rule)
    oracle = Oracle(generator, access_model(f"local-reset/{observation}"),
                    rng=random.Random(seed))
    chain: list[Prefix] = []
    times: dict[str, list[float]] = {k: [] for k in ("new", "new_cpu", "visited",
                                                       "visited_cpu")}
    u: Prefix = ()
    for _ in range(repeats):
        rule.prepare(u)
        (report,) = _timed(oracle, u, times["new"], times["new_cpu"])
        chain.append(u)
        u = _next(u, report)
    for i in range(repeats):
        _timed(oracle, chain[i % len(chain)], times["visited"], times["visited_cpu"])
    return {f"{name}_ms": 1000 * statistics.median(values) for name, values in times.items()}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--vocab", type=int, nargs="+", default=list(VOCABS))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    measure(64, "sample", 3, args.seed)  # warm-up: imports, first-call costs
    rows = [{"K": K, "observation": obs, **measure(K, obs, args.repeats, args.seed)}
            for K in args.vocab for obs in OBSERVATIONS]
    result = {"code": genaccess.spec.distribution.__file__, "repeats": args.repeats,
              "rows": rows}
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"ms per local-reset query, model excluded (median of {args.repeats}, wall and "
              f"process CPU); code: {result['code']}")
        print(f"{'K':>6} {'observation':>12} {'new wall':>9} {'new cpu':>9} "
              f"{'visited wall':>13} {'visited cpu':>12}")
        for r in rows:
            print(f"{r['K']:>6} {r['observation']:>12} {r['new_ms']:>9.3f} "
                  f"{r['new_cpu_ms']:>9.3f} {r['visited_ms']:>13.3f} "
                  f"{r['visited_cpu_ms']:>12.3f}")
    return result


if __name__ == "__main__":
    main()
