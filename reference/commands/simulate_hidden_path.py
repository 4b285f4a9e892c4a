"""`genaccess simulate hidden-path`: run a learner on HP(K, H, alpha) through the oracle `N`
times (a fresh uniform hidden path per run) and report the mean number of queries and the
success rate with its Clopper-Pearson interval.

  --learner root-start    HP1's Bayes-optimal learner, T = --budget canonical rollouts
                          (root-start/full; default T = CPS-Path's H*m, for comparison)
  --learner cps           HP2's CPS-Path(m), m from delta or --m (local-reset/sample)
  --learner adaptive-cps  the adaptive learner (local-reset/sample), success >= 1 - delta
  --learner logits        HP3, one full query per stage (local-reset/full)
  --learner top1          HP3, one top-1 query per stage (local-reset/top1)

For every learner but root-start, --budget caps the oracle's queries; a run that hits the cap
fails and is counted in budget_exhausted.

Example:
  genaccess simulate hidden-path --learner adaptive-cps --vocab 3 --horizon 10 --alpha 1/2 \\
      --delta 1/20 --runs 500 --seed 1
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Callable
from fractions import Fraction
from typing import Any

from genaccess.reference.commands.arguments import (
    fraction_text,
    parse_fraction,
    parse_int,
    parse_probability,
)
from genaccess.reference.progress import Progress
from genaccess.spec.access import access_model
from genaccess.spec.errors import BudgetExceeded
from genaccess.spec.hidden_path import (
    HiddenPathFamily,
    compute_adaptive_parameters,
    compute_cps_m,
    compute_HP1_success_float,
    compute_plurality_win_probabilities,
)
from genaccess.spec.oracle import Oracle
from genaccess.spec.prefix import Response
from genaccess.spec.stats import clopper_pearson

FAMILY = "hidden-path"
LEARNERS = ("root-start", "cps", "adaptive-cps", "logits", "top1")
ACCESS = {"root-start": "root-start/full", "cps": "local-reset/sample",
          "adaptive-cps": "local-reset/sample", "logits": "local-reset/full",
          "top1": "local-reset/top1"}
EXACT_DIGITS = 200


def register_family(families: Any) -> None:
    parser = families.add_parser(FAMILY, help="hidden-path family HP(K, H, alpha) (HP1-HP3)",
                                 description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--learner", choices=LEARNERS, default="cps",
                        help="which learner to run (default cps)")
    parser.add_argument("--vocab", required=True, metavar="K", help="vocabulary size K >= 2")
    parser.add_argument("--horizon", required=True, metavar="H", help="horizon H >= 1")
    parser.add_argument("--alpha", required=True, metavar="A",
                        help="path-token probability in (1/K, 1), e.g. 1/2")
    parser.add_argument("--delta", default="1/20", metavar="D",
                        help="target failure probability in (0, 1) (default 1/20)")
    parser.add_argument("--budget", default=None, metavar="T",
                        help="root-start: number of rollouts; others: query cap per run")
    parser.add_argument("--m", default=None, metavar="M",
                        help="cps: samples per stage (default from the HP2 bound)")
    parser.add_argument("--runs", default="100", metavar="N", help="runs (default 100)")
    parser.add_argument("--seed", default="0", metavar="S", help="random seed (default 0)")
    parser.add_argument("--level", default="0.95", metavar="C",
                        help="confidence level of the Clopper-Pearson interval (default 0.95)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(run=run)


Learner = Callable[[Oracle, random.Random], Response]


def _learner(name: str, family: HiddenPathFamily, delta: Fraction, samples: int,
             budget: int | None) -> tuple[Learner, dict[str, Any]]:
    """The learner to run and what is known exactly about it."""
    K, H = family.vocab_size, family.horizon
    facts: dict[str, Any] = {}
    if name == "root-start":
        from genaccess.reference.root_start_learner import root_start_map

        rollouts = budget if budget is not None else H * samples
        facts["rollouts"] = rollouts
        facts["exact_success_float"] = compute_HP1_success_float(family, rollouts)
        return (lambda oracle, rng: root_start_map(oracle, rollouts, rng)), facts
    if name == "cps":
        from genaccess.reference.cps_path import cps_path

        q = compute_plurality_win_probabilities(family, samples)
        average = (sum(q, Fraction(0)) / K) ** H  # z uniform: stages independent
        facts.update({"m": samples, "cps_queries": H * samples,
                      "exact_success_float": float(average)})
        text = fraction_text(average, EXACT_DIGITS)
        if text is not None:
            facts["exact_success"] = text
        return (lambda oracle, rng: cps_path(oracle, samples)), facts
    if name == "adaptive-cps":
        from genaccess.reference.adaptive_cps import adaptive_cps

        test = compute_adaptive_parameters(family, delta)
        facts.update({"margin": test.margin, "cap": test.cap, "max_queries": H * test.cap,
                      "cps_m": samples, "cps_queries": H * samples,
                      "guaranteed_success_at_least": str(1 - delta)})
        return (lambda oracle, rng: adaptive_cps(oracle, family.alpha, delta)), facts
    from genaccess.reference.logits_learner import logits_path, top1_path

    facts["exact_success"] = "1"
    chosen = logits_path if name == "logits" else top1_path
    return (lambda oracle, rng: chosen(oracle)), facts


def run(args: argparse.Namespace) -> int:
    K = parse_int(args.vocab, "--vocab", 2)
    H = parse_int(args.horizon, "--horizon", 1)
    assert K is not None and H is not None
    family = HiddenPathFamily(K, H, parse_fraction(args.alpha, "--alpha"))
    delta = parse_probability(args.delta, "--delta")
    budget = parse_int(args.budget, "--budget", 0)
    runs = parse_int(args.runs, "--runs", 1)
    seed = parse_int(args.seed, "--seed", 0)
    level = parse_probability(args.level, "--level")
    m_given = parse_int(args.m, "--m", 1)
    assert runs is not None and seed is not None
    samples = m_given if m_given is not None else compute_cps_m(family, delta)
    learner, facts = _learner(args.learner, family, delta, samples, budget)
    access = access_model(ACCESS[args.learner])
    cap = None if args.learner == "root-start" else budget

    rng = random.Random(seed)
    progress = Progress.for_terminal(runs, f"simulate {FAMILY} {args.learner}", args.json)
    queries = successes = exhausted = 0
    try:
        for done in range(1, runs + 1):
            z = tuple(rng.randrange(K) for _ in range(H))
            oracle = Oracle(family.generator(z), access, rng=rng, budget=cap)
            try:
                successes += learner(oracle, rng) == z
            except BudgetExceeded:
                exhausted += 1
            queries += oracle.queries_used
            progress.update(done)
    finally:
        progress.close()
    low, high = clopper_pearson(successes, runs, 1 - level)
    out: dict[str, Any] = {
        "family": FAMILY, "learner": args.learner, "access": ACCESS[args.learner],
        "vocab": K, "horizon": H, "alpha": str(family.alpha), "delta": str(delta),
        "budget": budget, "runs": runs, "seed": seed, **facts,
        "mean_queries": queries / runs,
        "success_rate": successes / runs,
        "success_interval": [float(low), float(high)],
        "interval_level": float(level),
        "budget_exhausted": exhausted,
    }
    if args.json:
        print(json.dumps(out, indent=2))
    else:
        _print(out)
    return 0


def _print(out: dict[str, Any]) -> None:
    low, high = out["success_interval"]
    print(f"hidden-path HP(K={out['vocab']}, H={out['horizon']}, alpha={out['alpha']}), "
          f"learner {out['learner']} ({out['access']}), {out['runs']} runs, seed {out['seed']}")
    known = [f"{key} = {out[key]}" for key in ("rollouts", "m", "cps_queries", "margin", "cap",
                                               "max_queries", "guaranteed_success_at_least")
             if key in out]
    if "exact_success_float" in out:
        known.append(f"exact success = {out['exact_success_float']:.6g}")
    if known:
        print("  " + ", ".join(known))
    print(f"  mean_queries = {out['mean_queries']:.2f}")
    print(f"  success_rate = {out['success_rate']:.4f}  ({out['interval_level']:.0%} "
          f"Clopper-Pearson [{low:.4f}, {high:.4f}])")
    if out["budget_exhausted"]:
        print(f"  budget_exhausted = {out['budget_exhausted']} runs")
