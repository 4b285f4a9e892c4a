"""The main job behind `genaccess gap`: the exponential gap (GAP), measured and plotted.

For each horizon `H` of a sweep over HP(K, H, alpha) it puts side by side

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
  gradient, `genaccess.reference.policy_gradient`) trained with a fixed budget of
  `root-start/logprob` rollouts, and its exact-in-float `SubOpt = beta_H KL(pi_theta ||
  pstar_z)` against `SubOpt(pref) = J* - alpha^H` (what not moving at all costs).

Each unit of work is a task with its own seed, derived from `(seed, kind, H)` by
`random.Random(str)` (SHA-512 of the string, so the same in every process), so the result
does not depend on how many worker processes run the tasks or in which order they finish.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from fractions import Fraction
from typing import Any

import attrs

from genaccess.reference.adaptive_cps import adaptive_cps
from genaccess.reference.logits_learner import logits_path
from genaccess.reference.outcome_reward import OutcomeReward
from genaccess.reference.policy_gradient import (
    PolicyGradientConfig,
    compute_reference_suboptimality,
    compute_suboptimality,
    policy_gradient,
)
from genaccess.reference.root_start_learner import root_start_map
from genaccess.spec.access import access_model
from genaccess.spec.errors import InvalidDefinition
from genaccess.spec.hidden_path import (
    HiddenPathFamily,
    compute_cps_m,
    compute_HP1_success,
    compute_root_start_queries_needed,
)
from genaccess.spec.kl_objective import path_reward
from genaccess.spec.numbers import to_fraction
from genaccess.spec.oracle import Oracle
from genaccess.spec.prefix import Response
from genaccess.spec.stats import clopper_pearson

MAX_HORIZON = 100
"""Largest horizon accepted (the closed forms stay fast; the adaptive learner's runs grow
linearly in `H`)."""

DEFAULT_RUNS = 50
"""Default runs per horizon of the adaptive and root-start simulations: keeps the default
sweep (H = 2..40) under 60 s on 2 cores (measured in docs/gap-table.md)."""


# ---------------------------------------------------------------------------------------
# Parameters


def _int_at_least(minimum: int) -> Callable[[object, attrs.Attribute[int], int], None]:
    def check(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise InvalidDefinition(attribute.name, f"must be an integer >= {minimum}", value)
    return check


def _check_alpha(instance: GapConfig, attribute: attrs.Attribute[Fraction], value: Fraction
                 ) -> None:
    K = instance.vocab_size
    if not Fraction(1, K) < value < 1:
        raise InvalidDefinition("alpha", f"must be strictly between 1/K = 1/{K} and 1",
                                str(value))


def _check_delta(instance: object, attribute: attrs.Attribute[Fraction], value: Fraction
                 ) -> None:
    if not 0 < value < 1:
        raise InvalidDefinition("delta", "must be strictly between 0 and 1", str(value))


def _check_horizons(instance: object, attribute: attrs.Attribute[tuple[int, ...]],
                    value: tuple[int, ...]) -> None:
    if not value:
        raise InvalidDefinition("horizons", "must list at least one horizon", value)
    for H in value:
        if isinstance(H, bool) or not isinstance(H, int) or not 1 <= H <= MAX_HORIZON:
            raise InvalidDefinition("horizons", f"every H must be an integer in 1..{MAX_HORIZON}",
                                    H)
    if list(value) != sorted(set(value)):
        raise InvalidDefinition("horizons", "must be strictly increasing", value)


def _positive_number(instance: object, attribute: attrs.Attribute[float], value: float
                     ) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not (
        math.isfinite(value) and value > 0
    ):
        raise InvalidDefinition(attribute.name, "must be a finite number > 0", value)


def _check_level(instance: object, attribute: attrs.Attribute[Fraction], value: Fraction
                 ) -> None:
    if not 0 < value < 1:
        raise InvalidDefinition("level", "must be strictly between 0 and 1", str(value))


def _to_alpha(value: object) -> Fraction:
    return to_fraction(value, "alpha")


def _to_delta(value: object) -> Fraction:
    return to_fraction(value, "delta")


def _to_level(value: object) -> Fraction:
    return to_fraction(value, "level")


def _to_horizons(value: Iterable[int]) -> tuple[int, ...]:
    return tuple(value)


@attrs.frozen
class GapConfig:
    """Everything that determines a sweep's numbers (the worker count does not)."""

    vocab_size: int = attrs.field(default=3, validator=_int_at_least(2))
    alpha: Fraction = attrs.field(default=Fraction(1, 2),
                                  converter=_to_alpha,
                                  validator=_check_alpha)
    delta: Fraction = attrs.field(default=Fraction(1, 20),
                                  converter=_to_delta,
                                  validator=_check_delta)
    horizons: tuple[int, ...] = attrs.field(default=tuple(range(2, 41)),
                                            converter=_to_horizons,
                                            validator=_check_horizons)
    runs: int = attrs.field(default=DEFAULT_RUNS, validator=_int_at_least(1))
    seed: int = attrs.field(default=0, validator=_int_at_least(0))
    root_start_max_horizon: int = attrs.field(default=12, validator=_int_at_least(0))
    """Simulate the root-start learner for `H` up to this."""
    root_start_max_queries: int = attrs.field(default=500, validator=_int_at_least(1))
    """Cap on its `T` (the exact `S_T` is shown for the `T` actually used)."""
    level: Fraction = attrs.field(default=Fraction(99, 100),
                                  converter=_to_level,
                                  validator=_check_level)
    """Confidence level of the Clopper-Pearson intervals."""
    pg_max_horizon: int = attrs.field(default=12, validator=_int_at_least(0))
    """Train the policy-gradient baseline for `H` up to this."""
    pg_budget: int = attrs.field(default=2000, validator=_int_at_least(1))
    pg_batch_size: int = attrs.field(default=20, validator=_int_at_least(1))
    pg_step_size: float = attrs.field(default=4.0, validator=_positive_number)
    """Stable for every `H`: the update overshoots once `step * beta_H` is about 8 (seen with
    step 6 at `H = 1`, where `beta_1 = 1/ln 2` is largest); 4 keeps it below 5.8."""

    def family(self, horizon: int) -> HiddenPathFamily:
        return HiddenPathFamily(self.vocab_size, horizon, self.alpha)

    def parameters(self) -> dict[str, Any]:
        """JSON-ready parameters."""
        return {
            "vocab": self.vocab_size, "alpha": str(self.alpha), "delta": str(self.delta),
            "horizons": list(self.horizons), "runs": self.runs, "seed": self.seed,
            "root_start_max_horizon": self.root_start_max_horizon,
            "root_start_max_queries": self.root_start_max_queries,
            "interval_level": str(self.level),
            "pg_max_horizon": self.pg_max_horizon, "pg_budget": self.pg_budget,
            "pg_batch_size": self.pg_batch_size, "pg_step_size": self.pg_step_size,
            "pg_baseline_decay": attrs.fields(PolicyGradientConfig).baseline_decay.default,
        }


# ---------------------------------------------------------------------------------------
# Tasks: each is a pure function of (config, H) and its own seed


def task_rng(seed: int, kind: str, horizon: int) -> random.Random:
    """The task's own generator: the same in every process and every run."""
    return random.Random(f"genaccess-gap:{seed}:{kind}:{horizon}")


def _uniform_path(rng: random.Random, K: int, H: int) -> Response:
    return tuple(rng.randrange(K) for _ in range(H))


def closed_form_task(config: GapConfig, H: int) -> dict[str, Any]:
    """HP1's needed `T` (exact), its 3/4 lower bound, HP2's `m` and `H*m`."""
    family = config.family(H)
    needed = compute_root_start_queries_needed(family, 1 - config.delta)
    m = compute_cps_m(family, config.delta)
    K, a = config.vocab_size, config.alpha
    lower = (Fraction(3, 4) - Fraction(1, K)) * (1 / a) ** (H - 1)
    return {"root_start_needed": needed, "root_start_lower_bound_3_4": float(lower),
            "cps_m": m, "cps_queries": H * m}


def prefix_task(config: GapConfig, H: int) -> dict[str, Any]:
    """The adaptive learner over `runs` fresh paths, and the logits learner once."""
    family = config.family(H)
    rng = task_rng(config.seed, "prefix", H)
    access = access_model("local-reset/sample")
    queries = successes = 0
    for _ in range(config.runs):
        z = _uniform_path(rng, config.vocab_size, H)
        oracle = Oracle(family.generator(z), access, rng=rng)
        successes += adaptive_cps(oracle, family.alpha, config.delta) == z
        queries += oracle.queries_used
    z = _uniform_path(rng, config.vocab_size, H)
    oracle = Oracle(family.generator(z), access_model("local-reset/full"), rng=rng)
    logits_ok = logits_path(oracle) == z
    return {"adaptive_mean_queries": queries / config.runs,
            "adaptive_success_rate": successes / config.runs,
            "logits_queries": oracle.queries_used, "logits_success": logits_ok}


def root_start_task(config: GapConfig, H: int) -> dict[str, Any]:
    """The Bayes-optimal root-start learner (HP1) through a `root-start/full` oracle."""
    family = config.family(H)
    needed = compute_root_start_queries_needed(family, 1 - config.delta)
    T = min(needed, config.root_start_max_queries)
    rng = task_rng(config.seed, "root-start", H)
    access = access_model("root-start/full")
    successes = 0
    for _ in range(config.runs):
        z = _uniform_path(rng, config.vocab_size, H)
        oracle = Oracle(family.generator(z), access, rng=rng)
        successes += root_start_map(oracle, T, rng) == z
    exact = compute_HP1_success(family, T)
    low, high = clopper_pearson(successes, config.runs, 1 - config.level)
    return {"queries": T, "capped": needed > T, "exact_success": float(exact),
            "successes": successes, "runs": config.runs,
            "success_rate": successes / config.runs,
            "interval": [float(low), float(high)],
            "exact_in_interval": bool(low <= exact <= high)}


def policy_gradient_task(config: GapConfig, H: int) -> dict[str, Any]:
    """The KL-regularised policy-gradient baseline on one uniform path, then its SubOpt."""
    family = config.family(H)
    rng = task_rng(config.seed, "policy-gradient", H)
    z = _uniform_path(rng, config.vocab_size, H)
    oracle = Oracle(family.generator(z), access_model("root-start/logprob"), rng=rng)
    beta = 1 / (H * math.log(1 / float(config.alpha)))
    pg = PolicyGradientConfig(config.pg_budget, config.pg_batch_size, config.pg_step_size, beta)
    result = policy_gradient(oracle, OutcomeReward(oracle, path_reward(z)), pg)
    subopt = compute_suboptimality(result.policy, family, z)
    reference = compute_reference_suboptimality(family, beta)
    a_H = float(config.alpha) ** H
    return {"budget": result.queries, "rewarded_rollouts": result.rewarded_rollouts,
            "beta": beta, "J_star": beta * math.log(2 - a_H),
            "subopt": subopt, "subopt_reference": reference,
            "subopt_fraction": subopt / reference}


TASKS: dict[str, Callable[[GapConfig, int], dict[str, Any]]] = {
    "closed-form": closed_form_task, "prefix": prefix_task,
    "root-start": root_start_task, "policy-gradient": policy_gradient_task,
}


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
            return 2.5 * H * config.pg_budget  # rollouts plus the gradient
        return 0.0

    return sorted(tasks, key=lambda t: -cost(t))


def _run_task(config: GapConfig, kind: str, H: int) -> tuple[str, int, dict[str, Any], float]:
    start = time.process_time()
    out = TASKS[kind](config, H)
    return kind, H, out, time.process_time() - start


# ---------------------------------------------------------------------------------------
# The sweep


def run_sweep(config: GapConfig, workers: int = 2,
              progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """Run every task (in `workers` processes when `workers > 1`) and assemble the result:
    parameters, one row per `H`, and timings."""
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise InvalidDefinition("workers", "must be an integer >= 1", workers)
    tasks = plan(config)
    results: dict[tuple[str, int], dict[str, Any]] = {}
    cpu: dict[str, float] = {kind: 0.0 for kind in TASKS}
    start = time.perf_counter()

    def record(item: tuple[str, int, dict[str, Any], float]) -> None:
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
            pending: set[Future[tuple[str, int, dict[str, Any], float]]] = {
                pool.submit(_run_task, config, kind, H) for kind, H in tasks}
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    record(future.result())
    wall = time.perf_counter() - start
    rows = [_row(config, H, results) for H in config.horizons]
    return {
        "command": "genaccess gap",
        "claims": ["HP1", "HP2", "HP3", "KL1", "KL3", "GAP"],
        "parameters": config.parameters(),
        "theory": {
            "root_start_needed": "least T with S_T >= 1 - delta (HP1 closed form, exact)",
            "root_start_lower_bound_3_4": "(3/4 - 1/K) alpha^-(H-1): HP1's lower bound on T "
                                          "for success 3/4",
            "cps_queries": "H*m, m = ceil((2/Delta^2) ln(H(K-1)/delta)) (HP2)",
            "logits_queries": "H (HP3)",
            "policy_gradient.subopt": "beta_H KL(pi_theta || pstar_z) (KL1), floats",
            "policy_gradient.subopt_reference": "SubOpt(pref) = J* - alpha^H (not moving)",
        },
        "rows": rows,
        "timings": {"wall_seconds": wall, "workers": workers,
                    "task_cpu_seconds": {k: round(v, 3) for k, v in cpu.items()}},
    }


def _row(config: GapConfig, H: int, results: dict[tuple[str, int], dict[str, Any]]
         ) -> dict[str, Any]:
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


# ---------------------------------------------------------------------------------------
# Presentation: the table (text and markdown) and the plot


def _count(value: float) -> str:
    """An integer count, in scientific notation once it is long."""
    if value >= 1e7:
        return f"{value:.3e}"
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.1f}"


NEAR = 0.1
"""The policy-gradient baseline counts as near `pstar` when its SubOpt is below this share of
SubOpt(pref) (the plot's filled markers)."""


def _share(value: float) -> str:
    if value < 0.001:
        return "<0.1%"
    return f"{value:.1%}" if value < 0.1 else f"{value:.0%}"


def _ratio(value: float) -> str:
    return f"{value:.3g}" if value < 1e5 else f"{value:.2e}"


HEADERS = ("H", "root-start needed", "CPS H*m", "adaptive mean", "logits", "RS/CPS",
           "RS/adaptive", "PG SubOpt (share of pref's; #rewarded)", "RS sim T", "S_T",
           "RS measured [CI]")


def table_rows(result: dict[str, Any]) -> list[tuple[str, ...]]:
    """One tuple of cells per `H` (blank cells where a learner was not run)."""
    rows: list[tuple[str, ...]] = []
    for row in result["rows"]:
        pg = row["policy_gradient"]
        sim = row["root_start_simulation"]
        pg_cell = "" if pg is None else (
            f"{pg['subopt']:.3g} ({_share(pg['subopt_fraction'])}; {pg['rewarded_rollouts']})")
        if sim is None:
            sim_cells = ("", "", "")
        else:
            low, high = sim["interval"]
            sim_cells = (str(sim["queries"]) + ("*" if sim["capped"] else ""),
                         f"{sim['exact_success']:.3f}",
                         f"{sim['success_rate']:.2f} [{low:.2f}, {high:.2f}]")
        rows.append((str(row["H"]), _count(row["root_start_needed"]),
                     _count(row["cps_queries"]), _count(row["adaptive_mean_queries"]),
                     _count(row["logits_queries"]), _ratio(row["ratio_root_start_over_cps"]),
                     _ratio(row["ratio_root_start_over_adaptive"]), pg_cell, *sim_cells))
    return rows


def _notes(result: dict[str, Any]) -> list[str]:
    p = result["parameters"]
    level = Fraction(p["interval_level"])
    return [
        f"HP(K={p['vocab']}, H, alpha={p['alpha']}), delta = {p['delta']}, "
        f"{p['runs']} runs per H, seed {p['seed']}.",
        "root-start needed: least T with S_T >= 1 - delta (HP1, exact); CPS H*m: m from HP2's "
        "bound; adaptive mean: measured through a local-reset/sample oracle; logits: measured "
        "(local-reset/full).",
        f"PG: KL-regularised policy gradient, {p['pg_budget']} root-start/logprob rollouts "
        f"(batch {p['pg_batch_size']}, step {p['pg_step_size']}); SubOpt = beta_H "
        "KL(pi_theta || pstar_z), its share of SubOpt(pref) (100% = never moved), and how many "
        "rollouts were rewarded.",
        f"RS sim: the Bayes-optimal root-start learner with T rollouts (* = capped at "
        f"{p['root_start_max_queries']}), exact S_T, measured success with its "
        f"{float(level):.0%} Clopper-Pearson interval.",
    ]


def format_text(result: dict[str, Any]) -> str:
    """The table for a terminal."""
    rows = table_rows(result)
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(HEADERS)]
    lines = ["genaccess gap: " + _notes(result)[0], ""]
    lines.append("  ".join(h.rjust(w) for h, w in zip(HEADERS, widths, strict=True)))
    lines.extend("  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)).rstrip()
                 for r in rows)
    lines.append("")
    lines.extend(_notes(result)[1:])
    return "\n".join(lines)


def format_markdown(result: dict[str, Any]) -> str:
    """The table as markdown (written to gap.md beside gap.json)."""
    rows = table_rows(result)
    notes = _notes(result)
    out = [f"`genaccess gap`: {notes[0]} Wall time {result['timings']['wall_seconds']:.1f} s "
           f"({result['timings']['workers']} worker processes).", ""]
    out.append("| " + " | ".join(HEADERS) + " |")
    out.append("|" + "|".join("---:" for _ in HEADERS) + "|")
    out.extend("| " + " | ".join(r) + " |" for r in rows)
    out.append("")
    out.extend(f"- {note}" for note in notes[1:])
    return "\n".join(out) + "\n"


def plot(result: dict[str, Any], path: Any) -> None:
    """Write the log-scale plot of queries against `H` (matplotlib, Agg backend)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    p = result["parameters"]
    rows = result["rows"]
    H = [r["H"] for r in rows]
    fig, ax = plt.subplots(figsize=(9, 6), dpi=110)
    ax.plot(H, [r["root_start_needed"] for r in rows], "o-", color="tab:red", ms=4,
            label=r"root-start needed: least $T$ with $S_T \geq 1-\delta$ (HP1, exact)")
    ax.plot(H, [r["root_start_lower_bound_3_4"] for r in rows], "--", color="tab:red",
            alpha=0.6, label=r"theory: $T \geq (3/4 - 1/K)\,\alpha^{-(H-1)}$ (HP1)")
    ax.plot(H, [r["cps_queries"] for r in rows], "s--", color="tab:blue", ms=3,
            label=r"CPS-Path $H m$, $m$ from the HP2 bound")
    ax.plot(H, [r["adaptive_mean_queries"] for r in rows], "^-", color="tab:green", ms=4,
            label=f"adaptive CPS, measured mean ({p['runs']} runs per $H$)")
    ax.plot(H, [r["logits_queries"] for r in rows], "d-", color="tab:purple", ms=3,
            label="logits at chosen prefixes, measured ($= H$, HP3)")
    sims = [r for r in rows if r["root_start_simulation"] is not None]
    if sims:
        ax.plot([r["H"] for r in sims], [r["root_start_simulation"]["queries"] for r in sims],
                "x", color="black", ms=6,
                label=f"root-start learner simulated: $T$ used (capped at "
                      f"{p['root_start_max_queries']}); success in gap.json")
    pgs = [r for r in rows if r["policy_gradient"] is not None]
    if pgs:
        budget = p["pg_budget"]
        ax.axhline(budget, color="tab:orange", ls=":", lw=1.5,
                   label=f"KL-regularised policy gradient: budget {budget} root-start rollouts")
        near = [r["H"] for r in pgs if r["policy_gradient"]["subopt_fraction"] < NEAR]
        stuck = [r["H"] for r in pgs if r["policy_gradient"]["subopt_fraction"] >= NEAR]
        ax.plot(near, [budget] * len(near), "o", color="tab:orange", ms=7,
                label=f"  policy gradient near $p^*$ (SubOpt < {NEAR:.0%} of SubOpt(pref))")
        ax.plot(stuck, [budget] * len(stuck), "o", mfc="white", mec="tab:orange", ms=7,
                label="  policy gradient stuck (too few rewarded rollouts)")
    ax.set_yscale("log")
    ax.set_xlabel("horizon $H$")
    ax.set_ylabel("queries to the oracle (log scale)")
    ax.set_title(f"Root-start vs prefix access on HP(K={p['vocab']}, H, "
                 f"$\\alpha$={p['alpha']}), $\\delta$={p['delta']}, "
                 f"{p['runs']} runs per $H$, seed {p['seed']}")
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize=8, loc="upper left")
    fig.tight_layout()
    fig.savefig(path, format="png")
    plt.close(fig)


def write_outputs(result: dict[str, Any], directory: Any) -> list[str]:
    """Write gap.json, gap.md and gap.png into `directory`; return the file names."""
    import json
    from pathlib import Path

    target = Path(directory)
    (target / "gap.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    (target / "gap.md").write_text(format_markdown(result), encoding="utf-8")
    plot(result, target / "gap.png")
    return ["gap.json", "gap.md", "gap.png"]


def horizons_from_text(text: str) -> tuple[int, ...]:
    """``"2:40"`` (inclusive), ``"2,5,9"`` or ``"7"``; `InvalidDefinition` naming
    ``--horizons`` otherwise."""
    def number(part: str) -> int:
        try:
            return int(part.strip())
        except ValueError:
            raise InvalidDefinition("--horizons", "must read A:B (inclusive) or a comma-"
                                    "separated list of integers", text) from None

    if ":" in text:
        first, _, last = text.partition(":")
        low, high = number(first), number(last)
        if low > high:
            raise InvalidDefinition("--horizons", "A:B needs A <= B", text)
        values: Iterable[int] = range(low, high + 1)
    else:
        values = [number(part) for part in text.split(",")]
    result = tuple(values)
    for H in result:
        if not 1 <= H <= MAX_HORIZON:
            raise InvalidDefinition("--horizons", f"every H must be in 1..{MAX_HORIZON}", text)
    if list(result) != sorted(set(result)):
        raise InvalidDefinition("--horizons", "must be strictly increasing", text)
    return result
