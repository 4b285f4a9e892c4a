"""GAP: changing only the interface moves KL-regularised post-training on the hidden path from
exponential to `O(H log H)` queries.

(a) a root-start learner with `T` queries that outputs the mixture policy of a prefix has
`E_z[SubOpt] >= 2 beta_H (1/2 - T alpha^(H-1) - 1/K)^2` (checked for the MAP-tilted and
posterior-mixture pipelines; the step to every root-start learner goes through R1's
reduction and is not checked here); (b) CPS-Path with `H*m` local-reset
queries, then the tilted policy of its answer, outputs exactly `pstar` with probability
`>= 1 - delta`.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from fractions import Fraction

import sympy
from hypothesis import given
from hypothesis import strategies as st

from genaccess.proofs.discharge import proof_check
from genaccess.proofs.steps.gap import PROOF
from genaccess.reference.cps_path import last_sample_path
from genaccess.reference.learners import HIDDEN_PATH, learner
from genaccess.reference.post_training import (
    TiltedMixture,
    cps_tilted,
    root_start_posterior_mixture,
    root_start_tilted_guess,
)
from genaccess.spec.chance import Chooser, exact_law
from genaccess.spec.checking import cases_text, for_all, range_text, set_text, text
from genaccess.spec.cps_success import compute_cps_m, compute_HP2_success
from genaccess.spec.gap import (
    MARGIN,
    OutputLaw,
    common_prefix_length,
    compute_GAP_chain,
    gap_lower_bound,
    is_GAP_chain,
    is_GAP_root_start_bound,
    kl_value,
)
from genaccess.spec.generator import Generator
from genaccess.spec.hidden_path import HiddenPathFamily
from genaccess.spec.oracle import Oracle
from genaccess.spec.prefix import Response, all_prefixes, all_responses
from genaccess.spec.reach import total_variation
from genaccess.spec.registry import Check, CheckKind, CheckOutcome, Claim, Source
from genaccess.spec.stats import CHECK_FALSE_ALARM, is_consistent
from genaccess.spec.tilted_path import is_tilted_path_law, mixture_law, tilted_path_law

ROOT_START = learner(HIDDEN_PATH, "root-start")
"""Both root-start pipelines gather their rollouts as the table's root-start learner does."""
CPS = learner(HIDDEN_PATH, "cps")

ROOT_START_CASES: tuple[tuple[int, Fraction, int, int], ...] = (
    (3, Fraction(1, 2), 2, 1), (3, Fraction(1, 2), 2, 2), (3, Fraction(1, 2), 3, 1),
    (3, Fraction(4, 5), 3, 1), (3, Fraction(1, 2), 4, 1), (4, Fraction(3, 10), 3, 1),
    (3, Fraction(2, 5), 3, 1), (5, Fraction(1, 4), 2, 1), (6, Fraction(1, 5), 2, 1),
    (5, Fraction(1, 4), 3, 1),
)
"""(K, alpha, H, T); the bound's bracket is positive on the last six (it is 0, the bound
vacuous, on the first four)."""

MAP_SKIPPED = ((3, Fraction(1, 2), 4, 1), (5, Fraction(1, 4), 3, 1))
"""The MAP pipeline's uniform completion multiplies the branches (132,921 replays of the
real pipeline at the first, about 12 s; 37 s at the second): only the posterior-mixture
pipeline runs there."""

PIPELINES = ("map", "mixture")


def _pipeline_cases() -> list[tuple[int, Fraction, int, int, str]]:
    return [(*case, pipeline) for case in ROOT_START_CASES for pipeline in PIPELINES
            if not (pipeline == "map" and case in MAP_SKIPPED)]


def _root_start_output_law(family: HiddenPathFamily, queries: int, pipeline: str) -> OutputLaw:
    """The exact joint law of (z uniform, the pipeline's policy prefix), from the real code:
    for each z, the exact law over the oracle's (and the learner's) randomness."""
    paths = list(family.paths())
    law: dict[tuple[Response, tuple[int, ...]], Fraction] = {}
    for z in paths:
        generator = family.generator(z)  # built once per z, not once per branch

        def experiment(chooser: Chooser, generator: Generator = generator) -> tuple[int, ...]:
            oracle = Oracle(generator, ROOT_START.access_model, rng=chooser, budget=queries)
            if pipeline == "map":
                return root_start_tilted_guess(oracle, family, queries, chooser).prefix
            return root_start_posterior_mixture(oracle, family, queries).prefix

        for prefix, p in exact_law(experiment).items():
            law[(z, prefix)] = p / len(paths)
    return law


def _chain_holds(case: tuple[int, Fraction, int, int, str]) -> bool:
    K, alpha, H, T, pipeline = case
    family = HiddenPathFamily(K, H, alpha)
    return is_GAP_chain(compute_GAP_chain(family, T, _root_start_output_law(family, T,
                                                                            pipeline)))


def check_GAP_a_root_start_learners() -> CheckOutcome:
    """(a) step by step, for the MAP-tilted and the posterior-mixture root-start pipelines,
    with exact laws of their outputs over z and the oracle's randomness."""
    positive = sum(gap_lower_bound(HiddenPathFamily(K, H, a), T) > 0
                   for K, a, H, T in ROOT_START_CASES)
    return for_all(_pipeline_cases(), _chain_holds,
                   f"the bracket is positive on {positive} of the {len(ROOT_START_CASES)} "
                   "cases")


TILTED_CASES: tuple[tuple[int, int, Fraction], ...] = (
    (3, 2, Fraction(1, 2)), (3, 3, Fraction(4, 5)), (4, 2, Fraction(3, 10)),
    (2, 3, Fraction(2, 3)),
)
"""(K, H, alpha) for the closed form of `pstar_z`."""


def check_GAP_tilted_closed_form() -> CheckOutcome:
    """The rational `pstar_z` used by the chain equals the sympy definition."""
    cases = [(family, z) for family in (HiddenPathFamily(*case) for case in TILTED_CASES)
             for z in family.paths()]
    return for_all(cases, lambda case: is_tilted_path_law(*case))


SYMMETRY_CASES: tuple[tuple[int, int, Fraction], ...] = (
    (3, 2, Fraction(1, 2)), (2, 3, Fraction(2, 3)),
)
"""(K, H, alpha) on which every (z, prefix) pair is compared with its shape's first."""


def check_GAP_symmetry() -> CheckOutcome:
    """The KL, TV and p(z) of a mixture policy against `pstar_z` depend only on the prefix
    length and its common prefix with z (what `compute_GAP_chain` relies on): every (z,
    prefix) pair of the cases."""
    count = 0
    for K, H, alpha in SYMMETRY_CASES:
        family = HiddenPathFamily(K, H, alpha)
        seen: dict[tuple[int, int], tuple[sympy.Float, Fraction, Fraction]] = {}
        prefixes = [*all_prefixes(K, H), *all_responses(K, H)]
        mixtures = {prefix: mixture_law(family, prefix) for prefix in prefixes}
        for z in family.paths():
            target = tilted_path_law(family, z)
            for prefix in prefixes:
                p = mixtures[prefix]
                values = (kl_value(p, target), total_variation(p, target), p[z])
                key = (len(prefix), common_prefix_length(z, prefix))
                reference = seen.setdefault(key, values)
                assert abs(values[0] - reference[0]) < MARGIN, (z, prefix)
                assert values[1:] == reference[1:], (z, prefix)
                count += 1
    return CheckOutcome(count)


DP_VOCABS = (3, 4, 5)
DP_ALPHAS = (Fraction(1, 2), Fraction(7, 10), Fraction(9, 10))
DP_HORIZONS = range(1, 9)
DP_DELTAS = (Fraction(1, 20), Fraction(1, 4))
PIPELINE_CASES: tuple[tuple[int, int, Fraction, int], ...] = (
    (3, 1, Fraction(9, 10), 4), (3, 2, Fraction(1, 2), 2), (4, 2, Fraction(1, 2), 2),
)
"""(K, H, alpha, m) on which the real CPS pipeline's exact law is compared with the DP."""


def _dp_succeeds(case: tuple[int, Fraction, int, Fraction]) -> bool:
    K, alpha, H, delta = case
    family = HiddenPathFamily(K, H, alpha)
    m = compute_cps_m(family, delta)
    return min(compute_HP2_success(family, m, z) for z in ((0,) * H, (K - 1,) * H)) >= 1 - delta


def _pipeline_matches_dp(case: tuple[HiddenPathFamily, int, Response]) -> bool:
    family, m, z = case
    generator = family.generator(z)
    target = tilted_path_law(family, z)

    def run(chooser: Chooser) -> TiltedMixture:
        return cps_tilted(Oracle(generator, CPS.access_model, rng=chooser), family, m)

    # The policy's law is computed once per distinct output, not once per branch.
    success = sum((p for policy, p in exact_law(run).items() if policy.law() == target),
                  Fraction(0))
    return success == compute_HP2_success(family, m, z)


def check_GAP_b_cps_exact() -> CheckOutcome:
    """(b) exactly: P(output = pstar_z) = P(CPS-Path returns z) >= 1 - delta for the m the
    bound prescribes (exact DP on every case of the grid); and the real
    pipeline's exact output law equals the DP on tiny instances, with the output policy equal
    to pstar_z exactly when it succeeds."""
    grid = [(K, alpha, H, delta) for K in DP_VOCABS for alpha in DP_ALPHAS
            for H in DP_HORIZONS for delta in DP_DELTAS]
    dp = for_all(grid, _dp_succeeds)
    pipelines = [(family, m, z) for K, H, alpha, m in PIPELINE_CASES
                 for family in (HiddenPathFamily(K, H, alpha),) for z in family.paths()]
    real = for_all(pipelines, _pipeline_matches_dp)
    return CheckOutcome(dp.instances + real.instances)


FUZZ_VOCABS = (3, 4)
FUZZ_HORIZONS = range(1, 9)
FUZZ_ALPHAS = (Fraction(7, 10), Fraction(4, 5), Fraction(9, 10))
FUZZ_DELTA = Fraction(1, 4)
FUZZ_RUNS = 120
FUZZ_EXAMPLES_AT_MOST = 2000
"""The most hypothesis examples of any profile (`thorough`): each example's test runs at
`CHECK_FALSE_ALARM / FUZZ_EXAMPLES_AT_MOST`, so the whole check's false alarm is <= 1e-9."""
EACH_FALSE_ALARM = CHECK_FALSE_ALARM / FUZZ_EXAMPLES_AT_MOST


def _cps_successes(family: HiddenPathFamily, z: Response, seed: int, runs: int,
                   path_learner: Callable[[Oracle, int], Response] | None = None) -> int:
    """Glue: how many of `runs` seeded runs of CPS-Path (or `path_learner`) with the `m` of
    `FUZZ_DELTA` return `z`; asserts `H*m` queries on each run."""
    run_learner = path_learner if path_learner is not None else CPS.function
    m = compute_cps_m(family, FUZZ_DELTA)
    rng = random.Random(seed)
    generator = family.generator(z)
    successes = 0
    for _ in range(runs):
        oracle = Oracle(generator, CPS.access_model, rng=rng)
        # The tilted policy of the answer equals pstar_z iff the answer is z (checked
        # exactly in GAP_b_cps_exact), so comparing paths is comparing policies here.
        successes += run_learner(oracle, m) == z
        assert oracle.queries_used == family.horizon * m
    return successes


def check_GAP_b_fuzz() -> CheckOutcome:
    """(b) through the oracle on random instances: the count of outputs equal to pstar_z in
    `FUZZ_RUNS` seeded runs is consistent with the exact success `prod_t q(z_t)` (two-sided
    exact binomial test), and that exact success is `>= 1 - delta`."""
    results = [0, 0]

    @given(st.sampled_from(FUZZ_VOCABS),
           st.integers(FUZZ_HORIZONS.start, FUZZ_HORIZONS.stop - 1), st.sampled_from(FUZZ_ALPHAS),
           st.integers(0, 2**32 - 1), st.data())
    def cps_runs(K: int, H: int, alpha: Fraction, seed: int, data: st.DataObject) -> None:
        family = HiddenPathFamily(K, H, alpha)
        z = tuple(data.draw(st.lists(st.integers(0, K - 1), min_size=H, max_size=H)))
        exact = compute_HP2_success(family, compute_cps_m(family, FUZZ_DELTA), z)
        assert exact >= 1 - FUZZ_DELTA, (K, H, alpha, z, exact)
        successes = _cps_successes(family, z, seed, FUZZ_RUNS)
        assert is_consistent(exact, successes, FUZZ_RUNS, EACH_FALSE_ALARM), (
            f"GAP b fuzz: K={K}, H={H}, alpha={alpha}, z={z}: {successes}/{FUZZ_RUNS} "
            f"against exact {float(exact):.4f}")
        results[0] += successes
        results[1] += FUZZ_RUNS

    cps_runs()
    return CheckOutcome(results[1], f"{results[0]}/{results[1]} runs returned pstar_z")


FUZZ_POWER_CASE = (3, 4, Fraction(7, 10), (2, 2, 2, 2), 0)
"""(K, H, alpha, z, seed): CPS-Path's exact success is about 0.99 here."""


def check_GAP_b_fuzz_has_power() -> CheckOutcome:
    """Power: with the fuzz's run count, false-alarm rate and seed, its test accepts the
    exact success, rejects the rate `1 - delta` (what the fuzz used to test against), and
    rejects a last-sample learner's counts against the exact success."""
    K, H, alpha, z, seed = FUZZ_POWER_CASE
    family = HiddenPathFamily(K, H, alpha)
    exact = compute_HP2_success(family, compute_cps_m(family, FUZZ_DELTA), z)
    successes = _cps_successes(family, z, seed, FUZZ_RUNS)
    assert is_consistent(exact, successes, FUZZ_RUNS, EACH_FALSE_ALARM), (successes, exact)
    assert not is_consistent(1 - FUZZ_DELTA, successes, FUZZ_RUNS, EACH_FALSE_ALARM), (
        f"the fuzz's test accepted the wrong rate {1 - FUZZ_DELTA} ({successes}/{FUZZ_RUNS})")
    broken = _cps_successes(family, z, seed, FUZZ_RUNS, last_sample_path)
    assert not is_consistent(exact, broken, FUZZ_RUNS, EACH_FALSE_ALARM), (
        f"the fuzz's test accepted a last-sample learner ({broken}/{FUZZ_RUNS})")
    return CheckOutcome(3, f"{successes}/{FUZZ_RUNS} vs exact {float(exact):.4f}; rejects "
                        f"{1 - FUZZ_DELTA}; last-sample learner {broken}/{FUZZ_RUNS} rejected")


def _broken_chain_doubled_tv(chain: list[tuple[str, sympy.Float | Fraction]]
                             ) -> list[tuple[str, sympy.Float | Fraction]]:
    # Broken variant: TV without its 1/2, so 2 TV'^2 = 4 * (2 TV^2).
    return [chain[0], (chain[1][0], 4 * chain[1][1]), *chain[2:]]


def check_GAP_catches_cheats() -> CheckOutcome:
    """Power: (1) an omniscient pipeline (it outputs pstar_z itself, which no root-start
    learner can) violates the bound on the bracket-positive cases; (2) a chain whose TV
    forgets its 1/2 breaks at the Pinsker step."""
    count = 0
    for K, alpha, H, T in ROOT_START_CASES:
        family = HiddenPathFamily(K, H, alpha)
        if gap_lower_bound(family, T) == 0:
            continue
        n = len(list(family.paths()))
        omniscient = {(z, z): Fraction(1, n) for z in family.paths()}
        e_kl = compute_GAP_chain(family, T, omniscient)[0][1]
        assert not is_GAP_root_start_bound(e_kl, family, T), (K, alpha, H, T)
        count += 1
    assert count > 0
    family = HiddenPathFamily(3, 3, Fraction(4, 5))
    chain = compute_GAP_chain(family, 1, _root_start_output_law(family, 1, "map"))
    assert is_GAP_chain(chain) and not is_GAP_chain(_broken_chain_doubled_tv(chain))
    return CheckOutcome(count + 1)


CLAIM = Claim(
    id="GAP",
    title="The exponential gap: root-start needs alpha^-(H-1) queries, prefix access O(H log H)",
    source=Source.PAPER,
    statement="In HP(K, H, alpha), K >= 3, pref = pi_z, r = 1[y = z], beta_H: (a) a "
    "root-start learner with T queries that outputs the mixture policy of a prefix has "
    "E_z[SubOpt] >= 2 beta_H (1/2 - T alpha^(H-1) - 1/K)^2 when the bracket is positive "
    "(checked, step by step, for the MAP-tilted and posterior-mixture pipelines on the "
    "listed cases; every root-start learner needs R1's reduction, not checked here); (b) "
    "CPS-Path with H*m = O(H log(H/delta)) local-reset "
    "queries followed by the tilted policy of its answer outputs exactly pstar with probability "
    ">= 1 - delta.",
    uses=("HP1", "HP2", "KL1", "KL3", "R1"),
    predicates=(is_GAP_chain, is_GAP_root_start_bound),
    checks=(
        proof_check("GAP", PROOF),
        Check("GAP_a_root_start_learners", CheckKind.EXHAUSTIVE,
              f"(K, alpha, H, T) in {cases_text(ROOT_START_CASES)}; MAP-tilted (not on "
              f"{cases_text(MAP_SKIPPED)}) and posterior-mixture pipelines; every z and "
              "transcript",
              check_GAP_a_root_start_learners, slow=True),
        Check("GAP_symmetry", CheckKind.EXHAUSTIVE,
              f"every (z, prefix) for (K, H, alpha) in {cases_text(SYMMETRY_CASES)}",
              check_GAP_symmetry),
        Check("GAP_b_cps_exact", CheckKind.EXHAUSTIVE,
              f"K in {set_text(DP_VOCABS)}, H in {range_text(DP_HORIZONS)}, alpha in "
              f"{set_text(DP_ALPHAS)}, delta in {set_text(DP_DELTAS)} (DP); real "
              f"pipeline on (K, H, alpha, m) in {cases_text(PIPELINE_CASES)} (every z)",
              check_GAP_b_cps_exact),
        Check("GAP_b_fuzz", CheckKind.FUZZ,
              f"random K in {set_text(FUZZ_VOCABS)}, H in {range_text(FUZZ_HORIZONS)}, alpha in "
              f"{set_text(FUZZ_ALPHAS)}, "
              f"z; {FUZZ_RUNS} seeded runs each against the exact success (DP), delta = "
              f"{FUZZ_DELTA}; two-sided exact binomial test at {CHECK_FALSE_ALARM} / "
              f"{FUZZ_EXAMPLES_AT_MOST} per example",
              check_GAP_b_fuzz, slow=True),
        Check("GAP_b_fuzz_has_power", CheckKind.POWER,
              f"(K, H, alpha, z, seed) = {text(FUZZ_POWER_CASE)}, {FUZZ_RUNS} runs: the fuzz's "
              "test rejects the rate 1 - delta and a last-sample learner",
              check_GAP_b_fuzz_has_power),
        Check("GAP_tilted_closed_form", CheckKind.EXHAUSTIVE,
              f"every z for (K, H, alpha) in {cases_text(TILTED_CASES)}",
              check_GAP_tilted_closed_form),
        Check("GAP_catches_cheats", CheckKind.POWER,
              "omniscient pipeline on the bracket-positive cases; TV without its 1/2",
              check_GAP_catches_cheats),
    ),
    reference=("genaccess.reference.post_training.root_start_tilted_guess",
               "genaccess.reference.post_training.root_start_posterior_mixture",
               "genaccess.reference.post_training.cps_tilted"),
    proof=PROOF,
)
