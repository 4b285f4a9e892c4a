"""The units of work of `genaccess gap` (GAP): each task is a pure function of
`(config, H)` and its own seed, and returns the JSON-ready numbers of one row's columns.

Every derived quantity (`S_T`, the least `T`, `m`, `beta_H`, `J*`, `SubOpt(pref)`, HP1's
bound on `T`) is computed exactly in the spec; a task converts it to a float only to
report it. The learners' access models come from the learner table
(`genaccess.reference.learners`). Oracles draw from the task's own seeded generator.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from fractions import Fraction
from typing import Any

from genaccess.reference.adaptive_cps import sequential_cps
from genaccess.reference.gap_config import GapConfig
from genaccess.reference.hidden_path_sampling import path_generator
from genaccess.reference.learners import HIDDEN_PATH, learner
from genaccess.reference.outcome_reward import OutcomeReward
from genaccess.reference.policy_gradient import (
    PolicyGradientConfig,
    compute_suboptimality,
    policy_gradient,
)
from genaccess.spec.access import access_model
from genaccess.spec.chance import RandomChooser
from genaccess.spec.cps_success import compute_cps_m
from genaccess.spec.kl_objective import calibrated_beta, path_reward
from genaccess.spec.oracle import Oracle
from genaccess.spec.prefix import Response
from genaccess.spec.root_start_success import (
    compute_HP1_queries_lower_bound,
    compute_HP1_success,
    compute_root_start_queries_needed,
)
from genaccess.spec.sequential_test import compute_posterior_parameters
from genaccess.spec.stats import clopper_pearson
from genaccess.spec.tilted_path import compute_optimal_value, compute_reference_suboptimality

ROOT_START = learner(HIDDEN_PATH, "root-start")
ADAPTIVE = learner(HIDDEN_PATH, "adaptive-cps")
"""Run as `sequential_cps` with the test computed once per task (what `adaptive_cps` does
with a test it builds itself)."""
LOGITS = learner(HIDDEN_PATH, "logits")
POLICY_GRADIENT_ACCESS = "root-start/logprob"
"""The policy-gradient baseline (not a table learner): whole rollouts from the root, with
each sampled token's probability."""

LOWER_BOUND_TARGET = Fraction(3, 4)
"""The success level of the plotted HP1 lower bound on `T`."""


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
    lower = compute_HP1_queries_lower_bound(family, LOWER_BOUND_TARGET)
    return {"root_start_needed": needed, "root_start_lower_bound_3_4": float(lower),
            "cps_m": m, "cps_queries": H * m}


def prefix_task(config: GapConfig, H: int) -> dict[str, Any]:
    """The adaptive learner over `runs` fresh paths, and the logits learner once."""
    family = config.family(H)
    rng = task_rng(config.seed, "prefix", H)
    draws = RandomChooser(rng)
    test = compute_posterior_parameters(family, config.delta)  # once, not once per run
    queries = successes = 0
    for _ in range(config.runs):
        z = _uniform_path(rng, config.vocab_size, H)
        oracle = Oracle(path_generator(family, z), ADAPTIVE.access_model, rng=draws)
        successes += sequential_cps(oracle, test) == z
        queries += oracle.queries_used
    z = _uniform_path(rng, config.vocab_size, H)
    oracle = Oracle(path_generator(family, z), LOGITS.access_model, rng=draws)
    logits_ok = LOGITS.function(oracle) == z
    return {"adaptive_mean_queries": queries / config.runs,
            "adaptive_success_rate": successes / config.runs,
            "logits_queries": oracle.queries_used, "logits_success": logits_ok}


def root_start_task(config: GapConfig, H: int) -> dict[str, Any]:
    """The Bayes-optimal root-start learner (HP1) through a `root-start/full` oracle."""
    family = config.family(H)
    needed = compute_root_start_queries_needed(family, 1 - config.delta)
    T = min(needed, config.root_start_max_queries)
    rng = task_rng(config.seed, "root-start", H)
    draws = RandomChooser(rng)
    successes = 0
    for _ in range(config.runs):
        z = _uniform_path(rng, config.vocab_size, H)
        oracle = Oracle(path_generator(family, z), ROOT_START.access_model, rng=draws)
        successes += ROOT_START.function(oracle, T, rng) == z
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
    oracle = Oracle(path_generator(family, z), access_model(POLICY_GRADIENT_ACCESS),
                    rng=RandomChooser(rng))
    beta = float(calibrated_beta(family.alpha, H))
    pg = PolicyGradientConfig(config.pg_queries, config.pg_batch_size, config.pg_step_size, beta)
    result = policy_gradient(oracle, OutcomeReward(oracle, path_reward(z)), pg)
    subopt = compute_suboptimality(result.policy, family, z)
    reference = float(compute_reference_suboptimality(family))
    return {"queries": result.queries, "rewarded_rollouts": result.rewarded_rollouts,
            "beta": beta, "J_star": float(compute_optimal_value(family)),
            "subopt": subopt, "subopt_reference": reference,
            "subopt_fraction": subopt / reference}


TASKS: dict[str, Callable[[GapConfig, int], dict[str, Any]]] = {
    "closed-form": closed_form_task, "prefix": prefix_task,
    "root-start": root_start_task, "policy-gradient": policy_gradient_task,
}
