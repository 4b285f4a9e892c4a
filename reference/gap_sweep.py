"""The sweep behind `genaccess gap` (GAP): the plan of tasks, running them in worker
processes, and assembling one row per horizon.

For each horizon `H` of a sweep over HP(K, H, alpha) a row puts side by side

- root-start: the least `T` with `S_T >= 1 - delta` (HP1's closed form, exact), HP1's lower
  bound `(3/4 - 1/K) alpha^-(H-1)` for success 3/4, and, for `H <= root_start_max_horizon`,
  the Bayes-optimal root-start learner run through a `root-start/full` oracle with
  `T = min(needed, root_start_max_queries)` rollouts: its success rate with a
  Clopper-Pearson interval beside the exact `S_T` (HP1 confirmed by simulation);
- prefix access: CPS-Path's `H*m` with `m` from HP2's bound (exact count), the adaptive
  learner's mean queries measured through a `local-reset/sample` oracle over `runs` fresh
  uniform paths (with its success rate, guaranteed `>= 1 - delta`), and the logits learner's
  queries through a `local-reset/full` oracle (`H`, HP3);
- the ratios root-start needed / CPS `H*m` and root-start needed / adaptive mean;
- for `H <= pg_max_horizon`, the practical root-start baseline (KL-regularised policy
  gradient, `genaccess.reference.policy_gradient`) trained on `pg_queries`
  `root-start/logprob` rollouts, and its exact-in-float `SubOpt = beta_H KL(pi_theta ||
  pstar_z)` against `SubOpt(pref) = J* - alpha^H` (what not moving at all costs).

Each unit of work is a task with its own seed, derived from `(seed, kind, H)` by
`random.Random(str)` (SHA-512 of the string, so the same in every process), so the result
does not depend on how many worker processes run the tasks or in which order they finish.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any

import attrs

from genaccess.reference.adaptive_cps import estimated_queries
from genaccess.reference.gap_config import GapConfig
from genaccess.reference.gap_tasks import TASKS
from genaccess.spec.errors import InvalidDefinition

TaskResult = tuple[str, int, dict[str, Any], float]
"""(kind, H, the task's numbers, its CPU seconds)."""


def plan(config: GapConfig) -> list[tuple[str, int]]:
    """Every task `(kind, H)`, the costliest first (so two workers finish together)."""
    tasks = [("closed-form", H) for H in config.horizons]
    tasks += [("prefix", H) for H in config.horizons]
    tasks += [("root-start", H) for H in config.horizons if config.root_start_max_horizon >= H]
    tasks += [("policy-gradient", H) for H in config.horizons if config.pg_max_horizon >= H]

    def cost(task: tuple[str, int]) -> float:
        kind, H = task
        if kind == "prefix":
            return 50.0 * H * config.runs  # ~50 H one-token queries per run
        if kind == "root-start":
            return float(H * config.root_start_max_queries * config.runs)
        if kind == "policy-gradient":
            return 2.5 * H * config.pg_queries  # rollouts plus the gradient
        return 0.0

    return sorted(tasks, key=lambda t: -cost(t))


MAX_WORKERS = 32
"""The most worker processes a sweep starts (more only costs start-up time: the sweep has a
few tasks per horizon)."""

MAX_SWEEP_SECONDS = 600.0
"""The largest sweep accepted, in estimated CPU seconds (`estimated_cpu_seconds`; the
default sweep is about 80). Beyond, `genaccess gap` refuses at once."""

STEP_SECONDS = 5e-7
"""CPU seconds per oracle step (a token the oracle handles; a query costs `QUERY_STEPS`)."""
QUERY_STEPS = 16
REFINE_SECONDS = 1.5
"""At most this per horizon for the adaptive learner's threshold refinement (its profile
DP's work budget)."""


def estimated_cpu_seconds(config: GapConfig) -> float:
    """A rough estimate of a sweep's CPU time (fitted on this machine to within a factor of
    about 3; only for refusing what would run for hours)."""
    K, total = config.vocab_size, 0.0
    for H in config.horizons:
        family = config.family(H)
        queries = config.runs * estimated_queries(family, config.delta) + H
        total += REFINE_SECONDS + queries * (QUERY_STEPS + H) * STEP_SECONDS
        if config.root_start_max_horizon >= H:
            total += (config.runs * config.root_start_max_queries * H * (12 + K / 10)
                      * 1.2 * STEP_SECONDS)
        if config.pg_max_horizon >= H:  # training, then SubOpt over the tilted pairs
            total += config.pg_queries * (8e-5 * H + 1e-6 * K)
    return total


def check_sweep_size(config: GapConfig, workers: int) -> None:
    """`InvalidDefinition` naming the option at fault when a sweep is over `MAX_WORKERS` or
    `MAX_SWEEP_SECONDS`."""
    if workers > MAX_WORKERS:
        raise InvalidDefinition("--workers", f"must be at most {MAX_WORKERS}", workers)
    seconds = estimated_cpu_seconds(config)
    if seconds > MAX_SWEEP_SECONDS:
        one = estimated_cpu_seconds(attrs.evolve(config, runs=1))
        flag, value = (("--runs", config.runs) if one <= MAX_SWEEP_SECONDS
                       else ("--horizons", f"{len(config.horizons)} horizons up to "
                             f"{max(config.horizons)}"))
        raise InvalidDefinition(flag, f"the sweep would take about {seconds:.2g} CPU seconds, "
                                f"over the limit of {MAX_SWEEP_SECONDS:.0f}; use fewer runs, "
                                "fewer or smaller horizons, or a smaller --vocab", value)


def _run_task(config: GapConfig, kind: str, H: int) -> TaskResult:
    start = time.process_time()
    out = TASKS[kind](config, H)
    return kind, H, out, time.process_time() - start


THEORY = {
    "root_start_needed": "least T with S_T >= 1 - delta (HP1 closed form, exact)",
    "root_start_lower_bound_3_4": "(3/4 - 1/K) alpha^-(H-1): HP1's lower bound on T "
                                  "for success 3/4",
    "cps_queries": "H*m, m = ceil((2/Delta^2) ln(H(K-1)/delta)) (HP2)",
    "logits_queries": "H (HP3)",
    "policy_gradient.subopt": "beta_H KL(pi_theta || pstar_z) (KL1), floats",
    "policy_gradient.subopt_reference": "SubOpt(pref) = J* - alpha^H (not moving)",
}
"""What each reported number is, for gap.json."""


def run_sweep(config: GapConfig, workers: int = 2,
              progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """Run every task (in `workers` processes when `workers > 1`) and assemble the result:
    parameters, one row per `H`, and timings."""
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise InvalidDefinition("workers", "must be an integer >= 1", workers)
    tasks = plan(config)
    workers = min(workers, len(tasks))
    results: dict[tuple[str, int], dict[str, Any]] = {}
    cpu: dict[str, float] = {kind: 0.0 for kind in TASKS}
    start = time.perf_counter()

    def record(item: TaskResult) -> None:
        kind, H, out, seconds = item
        results[(kind, H)] = out
        cpu[kind] += seconds
        if progress is not None:
            progress(len(results), len(tasks))

    if workers == 1:
        for kind, H in tasks:
            record(_run_task(config, kind, H))
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            pending: set[Future[TaskResult]] = {
                pool.submit(_run_task, config, kind, H) for kind, H in tasks}
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    record(future.result())
    wall = time.perf_counter() - start
    return {
        "command": "genaccess gap",
        "claims": ["HP1", "HP2", "HP3", "KL1", "KL3", "GAP"],
        "parameters": config.parameters(),
        "theory": THEORY,
        "rows": [_row(H, results) for H in config.horizons],
        "timings": {"wall_seconds": wall, "workers": workers,
                    "task_cpu_seconds": {k: round(v, 3) for k, v in cpu.items()}},
    }


def _row(H: int, results: dict[tuple[str, int], dict[str, Any]]) -> dict[str, Any]:
    closed = results[("closed-form", H)]
    prefix = results[("prefix", H)]
    needed = closed["root_start_needed"]
    row: dict[str, Any] = {"H": H, **closed, **prefix,
                           "ratio_root_start_over_cps": needed / closed["cps_queries"],
                           "ratio_root_start_over_adaptive":
                               needed / prefix["adaptive_mean_queries"]}
    row["root_start_simulation"] = results.get(("root-start", H))
    row["policy_gradient"] = results.get(("policy-gradient", H))
    return row
