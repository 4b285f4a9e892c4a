"""HP2: chosen-prefix sampling (CPS-Path) recovers the hidden path with `H*m` queries, and the
adaptive learner (beyond the paper) keeps the `1 - delta` guarantee with fewer."""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from genaccess.proofs.discharge import proof_check
from genaccess.proofs.hidden_path_symbolic import check_HP2_m_from_bound
from genaccess.proofs.steps.hp2 import PROOF
from genaccess.reference.cps_path import cps_path, plurality_walk
from genaccess.reference.learners import HIDDEN_PATH, learner
from genaccess.spec.chance import Chooser, RandomChooser, exact_law
from genaccess.spec.checking import cases_text, for_all, range_text, set_text, text
from genaccess.spec.claims.hp2_adaptive import ADAPTIVE_CHECKS
from genaccess.spec.cps_success import (
    compute_cps_m,
    compute_HP2_failure_bound,
    compute_HP2_success,
    compute_HP2_worst_success,
    compute_plurality_win_by_enumeration,
    compute_plurality_win_probabilities,
    is_HP2_bound,
    is_HP2_m_sufficient,
)
from genaccess.spec.hidden_path import (
    ALPHA_GRID_STEPS,
    ALPHA_GRID_TEXT,
    HiddenPathFamily,
    alpha_grid,
    grid_alpha,
)
from genaccess.spec.local_reset import is_local_reset
from genaccess.spec.oracle import Oracle
from genaccess.spec.prefix import Response
from genaccess.spec.registry import Check, CheckKind, CheckOutcome, Claim, Source
from genaccess.spec.sequential_test import (
    is_HP2_adaptive_stage_error,
)
from genaccess.spec.stats import CHECK_FALSE_ALARM, is_consistent

Learner = Callable[[Oracle, int], Response]

TWO_ALPHAS = {2: ("3/5", "3/4"), 3: ("1/2", "2/3"), 4: ("2/5", "5/8")}
DP_SAMPLES = {2: range(7), 3: range(7), 4: range(6)}
LAW_SHAPES = ((2, 3, 3), (3, 2, 2))
"""(K, largest H, largest m) of the exact CPS-Path laws."""
DP_DOMAIN = ("q(a) by DP = by listing all K^m sample sequences, every token: "
             + "; ".join(f"K={K}, alpha in {set_text(TWO_ALPHAS[K])}, m in {range_text(ms)}"
                         for K, ms in DP_SAMPLES.items())
             + "; CPS-Path through the oracle, exact law over every random outcome, every z: "
             + "; ".join(f"K={K}, alpha in {set_text(TWO_ALPHAS[K])}, H in 1..{H}, m in 1..{m}"
                         for K, H, m in LAW_SHAPES))


CPS_ACCESS = learner(HIDDEN_PATH, "cps").access_model


def check_HP2_exact_success(cps_learner: Learner | None = None) -> CheckOutcome:
    """The count DP for `q(a)` equals enumeration of sample sequences, and CPS-Path run
    through the oracle succeeds with probability exactly `prod_t q(z_t)` for every `z`,
    with exactly `H*m` queries and an LR transcript on every branch; the least of these
    exact laws over `z` is `compute_HP2_worst_success`."""
    cps = cps_learner if cps_learner is not None else cps_path
    count = 0
    for K, samples in DP_SAMPLES.items():
        for alpha in TWO_ALPHAS[K]:
            for m in samples:
                family = HiddenPathFamily(K, 1, alpha)
                dp = compute_plurality_win_probabilities(family, m)
                for a in range(K):
                    brute = compute_plurality_win_by_enumeration(family.stage(a), m, a)
                    assert dp[a] == brute, f"q DP: K={K}, alpha={alpha}, m={m}, a={a}"
                    count += 1
    access = CPS_ACCESS
    for K, max_H, max_m in LAW_SHAPES:
        for alpha in TWO_ALPHAS[K]:
            for H in range(1, max_H + 1):
                family = HiddenPathFamily(K, H, alpha)
                for m in range(1, max_m + 1):
                    least = Fraction(1)
                    for z in family.paths():
                        g = family.generator(z)

                        def run(chooser: Chooser, g: object = g, z: Response = z, m: int = m,
                                H: int = H) -> tuple[bool, int, bool]:
                            oracle = Oracle(g, access, rng=chooser)  # type: ignore[arg-type]
                            guess = cps(oracle, m)
                            return (guess == z, oracle.queries_used,
                                    is_local_reset(oracle.transcript, H))

                        law = exact_law(run)
                        success = sum((p for (ok, _, _), p in law.items() if ok), Fraction(0))
                        expected = compute_HP2_success(family, m, z)
                        assert success == expected, (
                            f"HP2 exact success: K={K}, H={H}, alpha={alpha}, m={m}, z={z}: "
                            f"{success} != {expected}")
                        assert all(used == H * m and lr for _, used, lr in law), law
                        least = min(least, success)
                        count += 1
                    # The worst case over z of the learner's own exact laws, not of q.
                    worst = compute_HP2_worst_success(family, m)
                    assert worst == least, (f"HP2 worst success: K={K}, H={H}, alpha={alpha}, "
                                            f"m={m}: {worst} != least exact law {least}")
    return CheckOutcome(count)


def _broken_vote_ties_high(counts: Sequence[int]) -> int:
    """A deliberately broken plurality: ties go to the HIGHER index."""
    return max(range(len(counts)), key=lambda a: (counts[a], a))


def _broken_cps_ties_high(oracle: Oracle, samples: int) -> Response:
    """A deliberately broken CPS-Path: plurality ties go to the HIGHER index."""
    return plurality_walk(oracle, samples, vote=_broken_vote_ties_high)


def check_HP2_catches_wrong_tiebreak() -> CheckOutcome:
    """Power: the exact-success check rejects a CPS-Path whose ties go to the higher index."""
    try:
        check_HP2_exact_success(_broken_cps_ties_high)
    except AssertionError as err:
        assert "HP2 exact success" in str(err), err
        return CheckOutcome(1, f"caught: {err}")
    raise AssertionError("the HP2 exact-success check passed a wrong tie-break")


WORST_VOCABS = range(2, 5)
WORST_HORIZONS = range(1, 4)
WORST_SAMPLES = range(1, 9)
WORST_PINNED = (3, 3, "1/2", 5, Fraction(1, 8))
"""(K, H, alpha, m, worst success): q = (47/64, 79/128, 1/2), least 1/2, so (1/2)^3 = 1/8
(the best path would give (47/64)^3)."""
WORST_DOMAIN = (f"K in {range_text(WORST_VOCABS)}, {ALPHA_GRID_TEXT}, H in "
                f"{range_text(WORST_HORIZONS)}, m in {range_text(WORST_SAMPLES)}: "
                "(min_a q(a))^H = min over every z of prod_t q(z_t); pinned (K, H, alpha, m, "
                f"worst) = {text(WORST_PINNED)}")


def check_HP2_worst_success_is_the_least() -> CheckOutcome:
    """`compute_HP2_worst_success` is the least exact success over every hidden path (the
    paths listed one by one), and equals the hand value at `WORST_PINNED`."""
    K, H, alpha, m, worst = WORST_PINNED
    assert compute_HP2_worst_success(HiddenPathFamily(K, H, alpha), m) == worst, WORST_PINNED
    cases = ((HiddenPathFamily(K, H, alpha), m) for K in WORST_VOCABS
             for alpha in alpha_grid(K) for H in WORST_HORIZONS for m in WORST_SAMPLES)
    outcome = for_all(cases, lambda case: compute_HP2_worst_success(*case) == min(
        compute_HP2_success(case[0], case[1], z) for z in case[0].paths()))
    return CheckOutcome(outcome.instances + 1)


GRID_VOCABS = range(2, 6)
BOUND_SAMPLES = range(1, 61)
BOUND_HORIZONS = range(1, 11)
MONOTONE_SAMPLES = 20
BOUND_DOMAIN = (f"K in {range_text(GRID_VOCABS)}, {ALPHA_GRID_TEXT}, m in "
                f"{range_text(BOUND_SAMPLES)}, H in {range_text(BOUND_HORIZONS)}: exact "
                "worst-case failure 1-(min_a q(a))^H against a rigorous lower end of "
                f"H(K-1)exp(-m Delta^2/2); q(a) decreasing in a for m <= {MONOTONE_SAMPLES}")


def check_HP2_bound_grid() -> CheckOutcome:
    """`P(zhat != z) <= H (K-1) exp(-m Delta^2 / 2)` for every `z` on the grid (the worst `z`
    uses the least `q(a)`), with the exact failure and a rigorous bound."""
    count = 0
    for K in GRID_VOCABS:
        for alpha in alpha_grid(K):
            for m in BOUND_SAMPLES:
                q = compute_plurality_win_probabilities(HiddenPathFamily(K, 1, alpha), m)
                if m <= MONOTONE_SAMPLES:
                    assert all(q[a] >= q[a + 1] for a in range(K - 1)), (K, alpha, m, q)
                for H in BOUND_HORIZONS:
                    family = HiddenPathFamily(K, H, alpha)
                    failure = 1 - compute_HP2_worst_success(family, m)
                    low, _ = compute_HP2_failure_bound(family, m)
                    assert failure <= low, (f"HP2 bound fails: K={K}, H={H}, alpha={alpha}, "
                                            f"m={m}: failure {float(failure)} > {float(low)}")
                    count += 1
    assert is_HP2_bound(HiddenPathFamily(3, 4, "1/2"), 10)
    return CheckOutcome(count)


M_ALPHAS = {2: ("3/5", "3/4"), 3: ("1/2", "2/3"), 4: ("5/8",)}
M_HORIZONS = range(1, 11)
M_DELTAS = (Fraction(1, 2), Fraction(1, 10), Fraction(1, 100))
M_DOMAIN = ("; ".join(f"K={K}, alpha in {set_text(alphas)}" for K, alphas in M_ALPHAS.items())
            + f"; H in {range_text(M_HORIZONS)}; delta in {set_text(M_DELTAS)}: m = "
            "ceil((2/Delta^2) ln(H(K-1)/delta)) gives exact worst-case success >= 1 - delta")


def check_HP2_m_sufficient() -> CheckOutcome:
    """With `m` chosen from the bound the exact worst-case success is at least `1 - delta`,
    with exactly `H*m` queries (the count is checked on the oracle by the other checks)."""
    cases = ((HiddenPathFamily(K, H, alpha), delta) for K, alphas in M_ALPHAS.items()
             for alpha in alphas for H in M_HORIZONS for delta in M_DELTAS)
    return for_all(cases, lambda case: is_HP2_m_sufficient(*case))


CEILING_HORIZONS = (1, 2, 5, 10, 40)
CEILING_DELTAS = (Fraction(1, 2), Fraction(1, 20), Fraction(1, 1000))


def check_HP2_symbolic_m() -> CheckOutcome:
    """sympy: `m* = (2/Delta^2) ln(H(K-1)/delta)` is the unique solution of the bound equal
    to `delta`, and the bound decreases in `m`; `compute_cps_m` is its ceiling (checked
    against the float value on a grid, away from integers)."""
    assert check_HP2_m_from_bound(), "sympy could not derive m from the HP2 bound"
    count = 1
    for K in GRID_VOCABS:
        for alpha in alpha_grid(K):
            for H in CEILING_HORIZONS:
                for delta in CEILING_DELTAS:
                    family = HiddenPathFamily(K, H, alpha)
                    real = 2 / float(family.margin) ** 2 * math.log(H * (K - 1) / float(delta))
                    if abs(real - round(real)) > 1e-6:
                        assert compute_cps_m(family, delta) == max(1, math.ceil(real))
                        count += 1
    return CheckOutcome(count)


FUZZ_VOCABS = range(2, 6)
FUZZ_HORIZONS = range(1, 9)
FUZZ_SAMPLES = range(1, 13)


def check_HP2_fuzz_cps() -> CheckOutcome:
    """Random instances: CPS-Path makes exactly `H*m` queries and generates `H*m` tokens, its
    transcript satisfies LR, and it never queries off its own path."""
    seen = [0]

    @given(st.sampled_from(FUZZ_VOCABS), st.sampled_from(FUZZ_HORIZONS),
           st.sampled_from(ALPHA_GRID_STEPS), st.sampled_from(FUZZ_SAMPLES),
           st.integers(0, 2**32 - 1), st.data())
    def cps_is_sound(K: int, H: int, j: int, m: int, seed: int, data: st.DataObject) -> None:
        seen[0] += 1
        family = HiddenPathFamily(K, H, grid_alpha(K, j))
        z = tuple(data.draw(st.lists(st.integers(0, K - 1), min_size=H, max_size=H)))
        oracle = Oracle(family.generator(z), CPS_ACCESS, rng=random.Random(seed))
        guess = cps_path(oracle, m)
        assert oracle.queries_used == H * m == oracle.tokens_generated
        assert is_local_reset(oracle.transcript, H)
        assert [r.prefix for r in oracle.transcript] == [guess[:t] for t in range(H)
                                                        for _ in range(m)]

    cps_is_sound()
    return CheckOutcome(seen[0])


MONTE_CARLO = (  # K, H, alpha, m, runs
    (3, 4, "1/2", 6, 2000),
    (2, 6, "3/5", 9, 2000),
    (4, 3, "5/8", 3, 2000),
)
MONTE_CARLO_DOMAIN = ("seed 0; z drawn uniformly per run; (K,H,alpha,m,runs) in "
                      + cases_text(MONTE_CARLO)
                      + f"; two-sided Clopper-Pearson at false alarm {CHECK_FALSE_ALARM}")


def check_HP2_monte_carlo() -> CheckOutcome:
    """The success rate of CPS-Path through the oracle is consistent with the exact average
    success `(mean_a q(a))^H` (z uniform) at false-alarm rate 1e-9."""
    access = CPS_ACCESS
    total = 0
    details = []
    for K, H, alpha, m, runs in MONTE_CARLO:
        family = HiddenPathFamily(K, H, alpha)
        q = compute_plurality_win_probabilities(family, m)
        exact = (sum(q, Fraction(0)) / K) ** H
        rng = random.Random(0)
        chooser = RandomChooser(rng)
        successes = 0
        for _ in range(runs):
            z = tuple(rng.randrange(K) for _ in range(H))
            oracle = Oracle(family.generator(z), access, rng=chooser)
            successes += cps_path(oracle, m) == z
        assert is_consistent(exact, successes, runs), (
            f"HP2 Monte Carlo: K={K}, H={H}, alpha={alpha}, m={m}: {successes}/{runs} "
            f"against exact {float(exact):.4f}")
        details.append(f"{successes}/{runs} vs {float(exact):.4f}")
        total += runs
    return CheckOutcome(total, "; ".join(details))


CLAIM = Claim(
    id="HP2",
    title="Chosen-prefix sampling recovers the hidden path with H*m queries",
    source=Source.FORMALISATION,
    statement="CPS-Path(m) (m samples at zhat_<t, plurality, ties to the lower index) makes "
    "exactly H*m queries, satisfies LR, succeeds with probability prod_t q(z_t), and "
    "P(zhat != z) <= H(K-1) exp(-m Delta^2/2); m = ceil((2/Delta^2) ln(H(K-1)/delta)) gives "
    "success >= 1-delta. Beyond the paper: an adaptive learner whose per-stage sequential test "
    "errs with probability <= delta/H keeps success >= 1-delta with fewer queries.",
    uses=("LR",),
    predicates=(compute_HP2_success, compute_plurality_win_probabilities, is_HP2_bound,
                is_HP2_m_sufficient, is_HP2_adaptive_stage_error, compute_HP2_worst_success),
    checks=(
        proof_check("HP2", PROOF),
        Check("HP2_exact_success", CheckKind.EXHAUSTIVE, DP_DOMAIN, check_HP2_exact_success),
        Check("HP2_worst_success_is_the_least", CheckKind.EXHAUSTIVE, WORST_DOMAIN,
              check_HP2_worst_success_is_the_least),
        Check("HP2_bound_grid", CheckKind.EXHAUSTIVE, BOUND_DOMAIN, check_HP2_bound_grid),
        Check("HP2_m_sufficient", CheckKind.EXHAUSTIVE, M_DOMAIN, check_HP2_m_sufficient),
        Check("HP2_symbolic_m", CheckKind.SYMBOLIC,
              f"symbolic m, H, K, delta, Delta > 0; ceiling checked for K in "
              f"{range_text(GRID_VOCABS)}, {ALPHA_GRID_TEXT}, H in {set_text(CEILING_HORIZONS)}, "
              f"delta in {set_text(CEILING_DELTAS)}", check_HP2_symbolic_m),
        Check("HP2_fuzz_cps", CheckKind.FUZZ,
              f"random K in {range_text(FUZZ_VOCABS)}, H in {range_text(FUZZ_HORIZONS)}, "
              f"{ALPHA_GRID_TEXT}, m in {range_text(FUZZ_SAMPLES)}, z, seed",
              check_HP2_fuzz_cps),
        Check("HP2_monte_carlo", CheckKind.FUZZ, MONTE_CARLO_DOMAIN, check_HP2_monte_carlo,
              slow=True),
        Check("HP2_catches_wrong_tiebreak", CheckKind.POWER,
              "exact-success check against CPS-Path with ties to the higher index",
              check_HP2_catches_wrong_tiebreak),
        *ADAPTIVE_CHECKS,  # spec/claims/hp2_adaptive.py
    ),
    reference=("genaccess.reference.cps_path.cps_path",
               "genaccess.reference.adaptive_cps.adaptive_cps"),
    proof=PROOF,
)
