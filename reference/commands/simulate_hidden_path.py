"""`genaccess simulate hidden-path`: run a learner on HP(K, H, alpha) through the oracle `N`
times (a fresh uniform hidden path per run) and report the mean number of queries and the
success rate with its Clopper-Pearson interval.

  --learner root-start    HP1's Bayes-optimal learner, T = --queries canonical rollouts
                          (root-start/full; default T = CPS-Path's H*m, for comparison)
  --learner cps           HP2's CPS-Path(m), m from delta or --m (local-reset/sample)
  --learner adaptive-cps  the adaptive learner (local-reset/sample), success >= 1 - delta
  --learner logits        HP3, one full query per stage (local-reset/full)
  --learner top1          HP3, one top-1 query per stage (local-reset/top1)

The access models are those of the learner table (`genaccess.reference.learners`). --budget
caps the oracle's queries for every learner; a run that hits the cap fails and is counted
in budget_exhausted.

Example:
  genaccess simulate hidden-path --learner adaptive-cps --vocab 3 --horizon 10 --alpha 1/2 \\
      --delta 1/20 --runs 500 --seed 1
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Callable
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from genaccess.reference.commands.arguments import (
    flags,
    fraction_text,
    parse_count,
    parse_fraction,
    parse_int,
    parse_probability,
    usage_error,
)
from genaccess.reference.commands.output import emit, rate_summary

if TYPE_CHECKING:
    from genaccess.spec.hidden_path import HiddenPathFamily
    from genaccess.spec.oracle import Oracle
    from genaccess.spec.prefix import Response

FAMILY = "hidden-path"
EXACT_DIGITS = 200
FIELDS = {"vocab_size": "--vocab", "horizon": "--horizon", "alpha": "--alpha",
          "delta": "--delta"}
"""The spec's field names for what the user typed as these flags."""


def register_family(families: Any) -> None:
    parser = families.add_parser(FAMILY, help="hidden-path family HP(K, H, alpha) (HP1-HP3)",
                                 description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--learner", default="cps", metavar="NAME",
                        help="root-start, cps, adaptive-cps, logits or top1 (default cps)")
    parser.add_argument("--vocab", required=True, metavar="K", help="vocabulary size K >= 2")
    parser.add_argument("--horizon", required=True, metavar="H", help="horizon H >= 1")
    parser.add_argument("--alpha", required=True, metavar="A",
                        help="path-token probability in (1/K, 1), e.g. 1/2")
    parser.add_argument("--delta", default="1/20", metavar="D",
                        help="target failure probability in (0, 1) (default 1/20)")
    parser.add_argument("--queries", default=None, metavar="T",
                        help="root-start: number of rollouts (default H*m, CPS-Path's count)")
    parser.add_argument("--budget", default=None, metavar="B",
                        help="the oracle's cap on queries per run (default: none)")
    parser.add_argument("--m", default=None, metavar="M",
                        help="cps: samples per stage (default from the HP2 bound)")
    parser.add_argument("--runs", default="100", metavar="N", help="runs (default 100)")
    parser.add_argument("--seed", default="0", metavar="S", help="random seed (default 0)")
    parser.add_argument("--level", default="0.95", metavar="C",
                        help="confidence level of the Clopper-Pearson interval (default 0.95)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(run=run)


Learner = Callable[["Oracle", random.Random], "Response"]

MAX_STEPS = 20_000_000
"""The largest simulation accepted, in oracle steps: each generated token drawn and each
probability of a `full` report written is a step, each query costs `QUERY_STEPS` more, and
a queried prefix of `n` tokens `n / NEW_PREFIX_TOKENS` steps the first time it is queried
and `n / PREFIX_TOKENS` each time. About a minute here (1-3 microseconds a step); beyond,
the command refuses at once."""
QUERY_STEPS = 16
NEW_PREFIX_TOKENS = 8
"""Tokens of a new prefix per step: the oracle checks it once, in C (about 0.1 microseconds
a token with its built-set lookups; a query at the same prefix object is not checked
again)."""
PREFIX_TOKENS = 64
"""Tokens of a queried prefix per step at every query: hashing and comparing it in C (the
built set, the rule's on-path test; 10-20 nanoseconds a token)."""
ROOT_START_STEP = 12
"""The root-start learner's own work per revealed token, in steps (its posterior update)."""
LEVERS = {"root-start": "--horizon, --vocab or --queries (or raise --delta)",
          "cps": "--horizon or --m (or raise --delta)",
          "adaptive-cps": "--horizon (or raise --delta)", "logits": "--horizon or --vocab",
          "top1": "--horizon"}
"""What makes one run of each learner smaller."""
EXACT_PLURALITY_WORK = 600_000
"""CPS-Path's exact success (the plurality law `q(a)` of every path token) is computed when
`K m^2` is at most this (a few seconds); beyond, HP2's failure bound is shown instead."""


def _path_steps(horizon: int, queries_per_stage: float, width: int) -> float:
    """Oracle steps of `queries_per_stage` one-token queries at each of the `H` on-path
    prefixes (the prefix at stage `t` has `t - 1` tokens, `H (H-1) / 2` over the stages)."""
    prefix_tokens = horizon * (horizon - 1) / 2
    return (queries_per_stage * horizon * (QUERY_STEPS + width)
            + prefix_tokens * (queries_per_stage / PREFIX_TOKENS + 1 / NEW_PREFIX_TOKENS))


def _steps_per_run(name: str, family: HiddenPathFamily, delta: Fraction, samples: int,
                   rollouts: int) -> float:
    """Oracle steps of one run (`adaptive-cps`: a rough estimate of the expected)."""
    K, H = family.vocab_size, family.horizon
    if name == "root-start":
        return rollouts * (QUERY_STEPS + H * (ROOT_START_STEP + K))
    if name == "cps":
        return _path_steps(H, samples, 1)
    if name == "adaptive-cps":
        from genaccess.reference.adaptive_cps import estimated_queries

        return _path_steps(H, estimated_queries(family, delta) / H, 1)
    return _path_steps(H, 1, K if name == "logits" else 1)


def _check_size(name: str, family: HiddenPathFamily, delta: Fraction, samples: int,
                rollouts: int, runs: int, given: dict[str, object]) -> None:
    """Refuse at once a simulation over `MAX_STEPS`, naming what to lower."""
    per_run = _steps_per_run(name, family, delta, samples, rollouts)
    if per_run > MAX_STEPS:
        flag = next((f for f in ("--queries", "--m") if given.get(f) is not None),
                    "--horizon")
        raise usage_error(flag, f"one run of {name} would take about {per_run:.2g} oracle "
                          f"steps, over the limit of {MAX_STEPS:.0e} (about a minute); lower "
                          f"{LEVERS[name]}", given.get(flag))
    if runs * per_run > MAX_STEPS:
        raise usage_error("--runs", f"{runs} runs of about {per_run:.3g} oracle steps each "
                          f"are over the limit of {MAX_STEPS:.0e} steps (about a minute); "
                          f"use at most {max(1, int(MAX_STEPS // per_run))} runs", runs)


def _learner(name: str, family: HiddenPathFamily, delta: Fraction, samples: int,
             rollouts: int) -> tuple[Learner, dict[str, Any]]:
    """The table learner `name` bound to its own parameters, and what is known exactly
    about it."""
    from genaccess.reference.learners import learner
    from genaccess.spec.cps_success import (
        compute_HP2_failure_bound,
        compute_plurality_win_probabilities,
    )
    from genaccess.spec.root_start_success import compute_HP1_success_float
    from genaccess.spec.sequential_test import compute_posterior_parameters

    function = learner(FAMILY, name).function
    K, H = family.vocab_size, family.horizon
    facts: dict[str, Any] = {}
    if name == "root-start":
        facts["rollouts"] = rollouts
        facts["exact_success_float"] = compute_HP1_success_float(family, rollouts)
        return (lambda oracle, rng: function(oracle, rollouts, rng)), facts
    if name == "cps":
        facts.update({"m": samples, "cps_queries": H * samples})
        if K * samples**2 <= EXACT_PLURALITY_WORK:
            q = compute_plurality_win_probabilities(family, samples)
            average = (sum(q, Fraction(0)) / K) ** H  # z uniform: stages independent
            facts["exact_success_float"] = float(average)
            text = fraction_text(average, EXACT_DIGITS)
            if text is not None:
                facts["exact_success"] = text
        else:
            facts["failure_bound_float"] = float(compute_HP2_failure_bound(family, samples)[1])
        return (lambda oracle, rng: function(oracle, samples)), facts
    if name == "adaptive-cps":
        test = compute_posterior_parameters(family, delta)
        facts.update({"margin": test.margin, "odds": str(test.odds), "cap": test.cap,
                      "max_queries": H * test.cap, "cps_m": samples,
                      "cps_queries": H * samples,
                      "guaranteed_success_at_least": fraction_text(1 - delta, 40)
                      or "1 - delta"})
        from genaccess.reference.adaptive_cps import sequential_cps

        # The table's adaptive_cps with its test computed once, not once per run.
        return (lambda oracle, rng: sequential_cps(oracle, test)), facts
    facts["exact_success"] = "1"
    return (lambda oracle, rng: function(oracle)), facts


def learner_names() -> tuple[str, ...]:
    """The hidden-path learners of the learner table."""
    from genaccess.reference.learners import learners

    return tuple(entry.name for entry in learners(FAMILY))


def run(args: argparse.Namespace) -> int:
    from genaccess.reference.hidden_path_sampling import path_generator
    from genaccess.reference.learners import learner
    from genaccess.reference.progress import Progress
    from genaccess.spec.cps_success import compute_cps_m
    from genaccess.spec.errors import BudgetExceeded
    from genaccess.spec.hidden_path import HiddenPathFamily
    from genaccess.spec.oracle import Oracle

    names = learner_names()
    if args.learner not in names:
        raise usage_error("--learner", f"must be one of {', '.join(names)}", args.learner)
    entry = learner(FAMILY, args.learner)
    K = parse_count(args.vocab, "--vocab", 2)
    H = parse_count(args.horizon, "--horizon", 1)
    with flags(FIELDS):
        family = HiddenPathFamily(K, H, parse_fraction(args.alpha, "--alpha"))
    delta = parse_probability(args.delta, "--delta")
    queries = parse_int(args.queries, "--queries", 0)
    budget = parse_int(args.budget, "--budget", 0)
    runs = parse_count(args.runs, "--runs", 1)
    seed = parse_count(args.seed, "--seed", 0)
    level = parse_probability(args.level, "--level")
    m_given = parse_int(args.m, "--m", 1)
    with flags(FIELDS):
        samples = m_given if m_given is not None else compute_cps_m(family, delta)
        rollouts = queries if queries is not None else H * samples
        _check_size(args.learner, family, delta, samples, rollouts, runs,
                    {"--queries": queries, "--m": m_given, "--horizon": H})
        learner_run, facts = _learner(args.learner, family, delta, samples, rollouts)

    rng = random.Random(seed)
    progress = Progress.for_terminal(runs, f"simulate {FAMILY} {args.learner}", args.json)
    used = successes = exhausted = 0
    try:
        for done in range(1, runs + 1):
            z = tuple(rng.randrange(K) for _ in range(H))
            oracle = Oracle(path_generator(family, z), entry.access_model, rng=rng,
                            budget=budget)
            try:
                successes += learner_run(oracle, rng) == z
            except BudgetExceeded:
                exhausted += 1
            used += oracle.queries_used
            progress.update(done)
    finally:
        progress.close()
    out: dict[str, Any] = {
        "family": FAMILY, "learner": args.learner, "access": entry.access,
        "vocab": K, "horizon": H, "alpha": str(family.alpha), "delta": str(delta),
        "budget": budget, "runs": runs, "seed": seed, **facts,
        **rate_summary(used, successes, runs, level),
        "budget_exhausted": exhausted,
    }
    return emit(out, args.json, _print)


def _print(out: dict[str, Any]) -> None:
    low, high = out["success_interval"]
    print(f"hidden-path HP(K={out['vocab']}, H={out['horizon']}, alpha={out['alpha']}), "
          f"learner {out['learner']} ({out['access']}), {out['runs']} runs, seed {out['seed']}")
    known = [f"{key} = {out[key]}" for key in ("rollouts", "m", "cps_queries", "margin", "odds",
                                               "cap", "max_queries",
                                               "guaranteed_success_at_least")
             if key in out]
    if "exact_success_float" in out:
        known.append(f"exact success = {out['exact_success_float']:.6g}")
    if "failure_bound_float" in out:
        known.append(f"HP2 bound: failure <= {out['failure_bound_float']:.3g} (exact success "
                     f"not computed: K m^2 > {EXACT_PLURALITY_WORK})")
    if known:
        print("  " + ", ".join(known))
    print(f"  mean_queries = {out['mean_queries']:.2f}")
    print(f"  success_rate = {out['success_rate']:.4f}  ({out['interval_level']:.0%} "
          f"Clopper-Pearson [{low:.4f}, {high:.4f}])")
    if out["budget_exhausted"]:
        print(f"  budget_exhausted = {out['budget_exhausted']} runs")
