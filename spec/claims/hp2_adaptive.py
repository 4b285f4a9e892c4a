"""HP2, beyond the paper: the checks of the adaptive learner (its stage tests' exact errors,
the proofs' splits of `delta`, the fast profile DP, its exact law, and seeded runs with shown
power).

Two stage tests (`genaccess.spec.sequential_test`): the posterior test, which the adaptive
learner runs on HP (its proof uses HP's symmetry), and the lead test, which PLANTED1 runs
on dominated stage laws (a Ville argument). Both keep each stage's error `<= delta/H`.

These checks belong to HP2 (`spec/claims/hp2.py` registers them in its `CLAIM`); they live
in their own module only to keep each module to one part of the claim.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from fractions import Fraction
from functools import partial

import attrs
from hypothesis import given
from hypothesis import strategies as st
from mpmath import iv

from genaccess.reference.adaptive_cps import sequential_cps
from genaccess.reference.learners import HIDDEN_PATH, learner
from genaccess.spec.chance import Chooser, RandomChooser, exact_law
from genaccess.spec.checking import cases_text, for_all, range_text, set_text, text
from genaccess.spec.hidden_path import (
    HiddenPathFamily,
    grid_alpha,
)
from genaccess.spec.intervals import interval
from genaccess.spec.intervals import is_at_most as intervals_at_most
from genaccess.spec.local_reset import is_local_reset
from genaccess.spec.oracle import Oracle
from genaccess.spec.prefix import Response
from genaccess.spec.registry import Check, CheckKind, CheckOutcome
from genaccess.spec.sequential_test import (
    MAX_ODDS,
    SequentialTest,
    StageTest,
    certified_token,
    compute_adaptive_parameters,
    compute_posterior_parameters,
    compute_sequential_decision_law,
    compute_stage_law,
    is_HP2_adaptive_stage_error,
)
from genaccess.spec.stage_profile import compute_profile_law
from genaccess.spec.stats import CHECK_FALSE_ALARM, is_consistent

ADAPTIVE_ACCESS = learner(HIDDEN_PATH, "adaptive-cps").access_model

ADAPTIVE_GRID = (  # K, alpha, max H
    (2, "3/4", 4), (2, "3/5", 2), (3, "2/3", 3), (4, "5/8", 1),
)
ADAPTIVE_DELTAS = (Fraction(1, 2), Fraction(1, 10))
ADAPTIVE_EXTRA = (3, "1/2", 1, Fraction(1, 2))
"""(K, alpha, H, delta): a margin-below-one case beside the grid."""
TESTS = ("posterior", "lead")
"""The posterior test (`compute_posterior_parameters`) and the lead test
(`compute_adaptive_parameters`)."""
ADAPTIVE_DOMAIN = (f"both tests {set_text(TESTS)}, DP over count vectors, every path token: "
                   "(K, alpha, H) for "
                   + ", ".join(f"K={K}, alpha={a}, H<={h}" for K, a, h in ADAPTIVE_GRID)
                   + f", delta in {set_text(ADAPTIVE_DELTAS)}; and (K, alpha, H, delta) = "
                   + text(ADAPTIVE_EXTRA))


def _stage_cases() -> list[tuple[int, str, int, Fraction]]:
    cases = [(K, alpha, H, delta) for K, alpha, max_H in ADAPTIVE_GRID
             for H in range(1, max_H + 1) for delta in ADAPTIVE_DELTAS]
    return [*cases, ADAPTIVE_EXTRA]


def _test(kind: str, family: HiddenPathFamily, delta: Fraction) -> StageTest:
    """Glue: the named test of the two."""
    if kind == "posterior":
        return compute_posterior_parameters(family, delta)
    return compute_adaptive_parameters(family, delta)


def _loosened(test: StageTest, vocab_size: int) -> StageTest:
    """Glue: a deliberately broken test that certifies on the first sample (lead 1)."""
    if isinstance(test, SequentialTest):
        return SequentialTest(1, test.cap)
    return attrs.evolve(test, odds=min((vocab_size - 1) * test.ratio, Fraction(99, 100)))


def check_HP2_adaptive_stage_error(loosen: str | None = None) -> CheckOutcome:
    """Each stage test (the adaptive learner's posterior test and PLANTED1's lead test)
    decides a wrong token with probability `<= delta/H` at every on-path prefix (exact DP
    over count vectors through the tests' code). `loosen` names a test to break (power)."""
    count = 0
    for K, alpha, H, delta in _stage_cases():
        family = HiddenPathFamily(K, H, alpha)
        for kind in TESTS:
            test = _test(kind, family, delta)
            if kind == loosen:
                test = _loosened(test, K)
            for a in range(K):
                law = compute_stage_law(family.stage(a), test).decided()
                error = 1 - law.get(a, Fraction(0))
                assert error <= delta / H, (
                    f"HP2 adaptive stage error: {kind} test, K={K}, alpha={alpha}, H={H}, "
                    f"delta={delta}, a={a}: {float(error)} > delta/H")
                count += 1
    assert is_HP2_adaptive_stage_error(HiddenPathFamily(2, 2, "3/4"), Fraction(1, 2))
    return CheckOutcome(count, "(case, test, path token) triples")


def check_HP2_adaptive_catches_small_margin() -> CheckOutcome:
    """Power: with either test made to certify on the first sample (lead test: margin 1;
    posterior test: odds `(K-1) beta/alpha`) the stage-error check fails."""
    caught = []
    for kind in TESTS:
        try:
            check_HP2_adaptive_stage_error(loosen=kind)
        except AssertionError as err:
            assert "adaptive stage error" in str(err) and kind in str(err), err
            caught.append(f"{kind}: {err}")
            continue
        raise AssertionError(f"the adaptive stage-error check passed a loosened {kind} test")
    return CheckOutcome(len(caught), "; ".join(caught))


def check_HP2_adaptive_profile_dp() -> CheckOutcome:
    """The profile DP (`compute_profile_law`, which refines the posterior threshold) equals
    the count-vector DP for both tests: the chances that a wrong token / the path token is
    certified within the cap, of reaching the cap, and the expected number of samples."""
    def agrees(case: tuple[tuple[int, str, int, Fraction], str]) -> bool:
        (K, alpha, H, delta), kind = case
        family = HiddenPathFamily(K, H, alpha)
        test = _test(kind, family, delta)
        full = compute_stage_law(family.stage(0), test)
        fast = compute_profile_law(family, partial(certified_token, test=test), test.cap)
        assert fast is not None and fast.complete
        wrong = sum((p for x, p in full.certified.items() if x != 0), Fraction(0))
        return (fast.wrong, fast.right, fast.undecided, fast.expected) == (
            wrong, full.certified.get(0, Fraction(0)),
            sum(full.fallback.values(), Fraction(0)), full.expected)

    return for_all(((case, kind) for case in _stage_cases() for kind in TESTS), agrees,
                   "(case, test) pairs, path token 0 (the others by symmetry)")


SPLIT_DELTAS = (Fraction(1, 2), Fraction(1, 10), Fraction(1, 1000))
SPLIT_EXTRA = (3, "1/2", 20, Fraction(1, 20))
"""(K, alpha, H, delta): the benchmark's instance, where the threshold is refined twice past
the analytic one (docs/adaptive.md)."""
FALLBACK_OF_PROOF = Fraction(1, 32)
"""The posterior test's proof (reference/adaptive_cps.py) spends `delta/(32H)` of each
stage's `delta/H` on the fallback and the rest on certification."""
SPLIT_DOMAIN = ("(K, alpha, H) for " + ", ".join(f"K={K}, alpha={a}, H<={h}"
                                                 for K, a, h in ADAPTIVE_GRID)
                + f", delta in {set_text(SPLIT_DELTAS)}, and (K, alpha, H, delta) = "
                + text(SPLIT_EXTRA) + ": lead test, margin c and cap n the "
                "least integers with (K-1)(beta/alpha)^c <= delta/(2H) (exact) and "
                "(K-1) exp(-n Delta^2/2) <= delta/(2H) (rigorous intervals); posterior test, "
                f"ratio beta/alpha, cap the least n with (K-1) exp(-n Delta^2/2) <= "
                f"{FALLBACK_OF_PROOF} delta/H, and either odds = e_c/(1-e_c) or odds above "
                f"it with exact P(a wrong token certified) <= e_c = "
                f"{1 - FALLBACK_OF_PROOF} delta/H (profile DP)")


def _fallback_within(family: HiddenPathFamily, samples: int, share: Fraction) -> bool:
    """Glue: the proof's fallback inequality `(K-1) exp(-n Delta^2/2) <= share`, decided
    rigorously (an independent computation, not `compute_cps_m`'s ceiling)."""
    margin = interval(family.margin)
    return intervals_at_most(
        lambda: (family.vocab_size - 1) * iv.exp(-samples * margin**2 / 2), share)


def _least_cap(family: HiddenPathFamily, cap: int, share: Fraction) -> bool:
    return _fallback_within(family, cap, share) and (
        cap == 1 or not _fallback_within(family, cap - 1, share))


def _lead_split(family: HiddenPathFamily, delta: Fraction) -> bool:
    test = compute_adaptive_parameters(family, delta)
    share = delta / (2 * family.horizon)
    ratio, wrong = family.off_path / family.alpha, family.vocab_size - 1
    margin_least = wrong * ratio**test.margin <= share and (
        test.margin == 1 or wrong * ratio ** (test.margin - 1) > share)
    return margin_least and _least_cap(family, test.cap, share)


def _posterior_split(family: HiddenPathFamily, delta: Fraction) -> bool:
    test = compute_posterior_parameters(family, delta)
    stage = delta / family.horizon
    certify = stage * (1 - FALLBACK_OF_PROOF)
    analytic = min(certify / (1 - certify), MAX_ODDS)
    if test.ratio != family.off_path / family.alpha or test.odds < analytic:
        return False
    if not _least_cap(family, test.cap, stage * FALLBACK_OF_PROOF):
        return False
    if test.odds == analytic:
        return True
    law = compute_profile_law(family, partial(certified_token, test=test), test.cap)
    return law is not None and law.complete and law.wrong <= certify


def check_HP2_adaptive_split() -> CheckOutcome:
    """The proofs' splits (reference/adaptive_cps.py). Lead test: `delta/H` per stage is
    `delta/(2H)` for a wrong certification plus `delta/(2H)` for the fallback, so its margin
    `c` is the least integer with `(K-1)(beta/alpha)^c <= delta/(2H)` and its cap the least
    `n` with `(K-1) exp(-n Delta^2/2) <= delta/(2H)`. Posterior test: `delta/(32H)` for the
    fallback (its cap the least such `n`), `e_c = 31 delta/(32H)` for certification (its
    odds `e_c/(1-e_c)`, or larger only with exact wrong-certification chance `<= e_c`)."""
    cases = [(HiddenPathFamily(K, H, alpha), delta) for K, alpha, max_H in ADAPTIVE_GRID
             for H in range(1, max_H + 1) for delta in SPLIT_DELTAS]
    K, alpha, H, delta = SPLIT_EXTRA
    cases.append((HiddenPathFamily(K, H, alpha), delta))
    return for_all(cases, lambda case: _lead_split(*case) and _posterior_split(*case),
                   "(K, alpha, H, delta) cases, both tests")


ADAPTIVE_LAW_CASES = ((2, "3/4", 1, "1/2"), (2, "9/10", 1, "1/10"), (2, "9/10", 2, "1/2"),
                      (3, "5/6", 1, "1/2"))
"""Small enough for the learner's whole choice tree (posterior test): margins 1, 2, 1, 1 and
caps 34, 19, 16, 18."""
ADAPTIVE_LAW_DOMAIN = ("every z and every random outcome of the adaptive learner through the "
                       "oracle, (K, alpha, H, delta) in "
                       + cases_text(ADAPTIVE_LAW_CASES))


def check_HP2_adaptive_exact_law() -> CheckOutcome:
    """The adaptive learner's exact success through the oracle equals the product of the DP
    stage laws, is at least `1 - delta`, uses at most `H * cap` queries, and every branch's
    transcript satisfies LR."""
    access = ADAPTIVE_ACCESS
    count = 0
    for K, alpha, H, delta in ADAPTIVE_LAW_CASES:
        family = HiddenPathFamily(K, H, alpha)
        test = compute_posterior_parameters(family, delta)
        stage = [compute_sequential_decision_law(family.stage(a), test)[0] for a in range(K)]
        for z in family.paths():
            g = family.generator(z)

            def run(chooser: Chooser, g: object = g, z: Response = z, H: int = H,
                    test: StageTest = test) -> tuple[bool, bool, bool]:
                oracle = Oracle(g, access, rng=chooser)  # type: ignore[arg-type]
                guess = sequential_cps(oracle, test)
                return (guess == z, oracle.queries_used <= H * test.cap,
                        is_local_reset(oracle.transcript, H))

            law = exact_law(run)
            success = sum((p for (ok, _, _), p in law.items() if ok), Fraction(0))
            expected = Fraction(1)
            for a in z:
                expected *= stage[a].get(a, Fraction(0))
            assert success == expected, (K, alpha, H, delta, z, success, expected)
            assert success >= 1 - Fraction(delta), (K, alpha, H, delta, z, success)
            assert all(within and lr for _, within, lr in law), (K, alpha, H, delta, z)
            count += 1
    return CheckOutcome(count, "(case, z) pairs, each over the learner's whole choice tree")


ADAPTIVE_FUZZ_SHAPES = ((2, 2), (2, 3), (3, 2), (3, 3), (4, 3))
"""(K, j): alpha = `grid_alpha(K, j)`, the larger margins (its test's cap). Not (4, 2): the
exact rate's count-vector DP takes seconds there."""
ADAPTIVE_FUZZ_HORIZONS = range(1, 6)
ADAPTIVE_FUZZ_DELTAS = ("1/2", "1/10", "1/100")
ADAPTIVE_FUZZ_RUNS = 100
FUZZ_EXAMPLES_AT_MOST = 2000
"""The most hypothesis examples of any profile (`thorough`): each example's test runs at
`CHECK_FALSE_ALARM / FUZZ_EXAMPLES_AT_MOST`, so the whole check's false alarm is <= 1e-9."""
EACH_FALSE_ALARM = CHECK_FALSE_ALARM / FUZZ_EXAMPLES_AT_MOST


def _adaptive_exact_rate(family: HiddenPathFamily, test: StageTest) -> Fraction:
    """Glue: the learner's exact success for `z` uniform, `(mean_a P_a(decide a))^H`, from the
    spec's stage DP (the stages are independent given the earlier ones were right)."""
    K = family.vocab_size
    right = sum((compute_sequential_decision_law(family.stage(a), test)[0].get(a, Fraction(0))
                 for a in range(K)), Fraction(0))
    return (right / K) ** family.horizon


def _adaptive_runs(family: HiddenPathFamily, test: StageTest, seed: int, runs: int,
                   learner: Callable[[Oracle, StageTest], Response] = sequential_cps
                   ) -> int:
    """Glue: successes of `runs` seeded runs of the learner, `z` uniform per run; asserts
    the query cap and LR on every run."""
    K, H = family.vocab_size, family.horizon
    rng = random.Random(seed)
    chooser = RandomChooser(rng)
    successes = 0
    for _ in range(runs):
        z = tuple(rng.randrange(K) for _ in range(H))
        oracle = Oracle(family.generator(z), ADAPTIVE_ACCESS, rng=chooser)
        successes += learner(oracle, test) == z
        assert oracle.queries_used <= H * test.cap
        assert is_local_reset(oracle.transcript, H)
    return successes


def check_HP2_adaptive_fuzz() -> CheckOutcome:
    """Random instances: the adaptive learner keeps LR, stays within `H * cap` queries, and
    its success count over 100 seeded runs (z uniform) is consistent with its exact success
    `(mean_a P_a(decide a))^H` (two-sided exact binomial test)."""
    seen = [0]

    @given(st.sampled_from(ADAPTIVE_FUZZ_SHAPES), st.sampled_from(ADAPTIVE_FUZZ_HORIZONS),
           st.sampled_from(ADAPTIVE_FUZZ_DELTAS), st.integers(0, 2**32 - 1))
    def adaptive_is_sound(shape: tuple[int, int], H: int, delta: str, seed: int) -> None:
        K, j = shape
        seen[0] += 1
        family = HiddenPathFamily(K, H, grid_alpha(K, j))
        test = compute_posterior_parameters(family, delta)
        exact = _adaptive_exact_rate(family, test)
        assert exact >= 1 - Fraction(delta), (K, H, j, delta, exact)
        successes = _adaptive_runs(family, test, seed, ADAPTIVE_FUZZ_RUNS)
        assert is_consistent(exact, successes, ADAPTIVE_FUZZ_RUNS, EACH_FALSE_ALARM), (
            f"HP2 adaptive fuzz: K={K}, H={H}, j={j}, delta={delta}: "
            f"{successes}/{ADAPTIVE_FUZZ_RUNS} against exact {float(exact):.4f}")

    adaptive_is_sound()
    return CheckOutcome(seen[0])


ADAPTIVE_POWER_CASE = (2, 4, 3, Fraction(1, 2), 0)
"""(K, H, alpha step j, delta, seed): exact success about 0.92, far from 1 - delta = 1/2 and
from the margin-1 learner's alpha^H = 0.59."""


def _broken_sequential_margin_one(oracle: Oracle, test: StageTest) -> Response:
    """A deliberately broken adaptive learner: certification margin 1 (decides on the first
    sample)."""
    return sequential_cps(oracle, SequentialTest(1, test.cap))


def check_HP2_adaptive_fuzz_has_power() -> CheckOutcome:
    """Power: with the fuzz's run count, false-alarm rate and seed, the test accepts the
    exact rate but rejects the rate `1 - delta` (what the fuzz used to test against), and
    rejects the counts of a margin-1 learner against the exact rate."""
    K, H, j, delta, seed = ADAPTIVE_POWER_CASE
    family = HiddenPathFamily(K, H, grid_alpha(K, j))
    test = compute_posterior_parameters(family, delta)
    exact = _adaptive_exact_rate(family, test)
    runs = ADAPTIVE_FUZZ_RUNS
    successes = _adaptive_runs(family, test, seed, runs)
    assert is_consistent(exact, successes, runs, EACH_FALSE_ALARM), (successes, exact)
    assert not is_consistent(1 - delta, successes, runs, EACH_FALSE_ALARM), (
        f"the fuzz's test accepted the wrong rate {1 - delta} ({successes}/{runs})")
    broken = _adaptive_runs(family, test, seed, runs, _broken_sequential_margin_one)
    assert not is_consistent(exact, broken, runs, EACH_FALSE_ALARM), (
        f"the fuzz's test accepted a margin-1 learner ({broken}/{runs})")
    return CheckOutcome(3, f"{successes}/{runs} vs exact {float(exact):.4f}; rejects "
                        f"{1 - delta}; margin-1 learner {broken}/{runs} rejected")


ADAPTIVE_CHECKS: tuple[Check, ...] = (
    Check("HP2_adaptive_stage_error", CheckKind.EXHAUSTIVE, ADAPTIVE_DOMAIN,
          check_HP2_adaptive_stage_error),
    Check("HP2_adaptive_split", CheckKind.EXHAUSTIVE, SPLIT_DOMAIN,
          check_HP2_adaptive_split),
    Check("HP2_adaptive_profile_dp", CheckKind.EXHAUSTIVE,
          "the stage-error domain, both tests, path token 0: profile DP = count-vector DP",
          check_HP2_adaptive_profile_dp),
    Check("HP2_adaptive_exact_law", CheckKind.EXHAUSTIVE, ADAPTIVE_LAW_DOMAIN,
          check_HP2_adaptive_exact_law),
    Check("HP2_adaptive_fuzz", CheckKind.FUZZ,
          f"random (K, j) in {cases_text(ADAPTIVE_FUZZ_SHAPES)} (alpha = 1/K + "
          f"j(1-1/K)/4), H in {range_text(ADAPTIVE_FUZZ_HORIZONS)}, delta in "
          f"{set_text(ADAPTIVE_FUZZ_DELTAS)}, "
          f"{ADAPTIVE_FUZZ_RUNS} seeded runs each (z uniform) against the exact success "
          f"(stage DP), two-sided exact binomial test at {CHECK_FALSE_ALARM} / "
          f"{FUZZ_EXAMPLES_AT_MOST} per example",
          check_HP2_adaptive_fuzz, slow=True),
    Check("HP2_adaptive_fuzz_has_power", CheckKind.POWER,
          f"(K, H, j, delta, seed) = {text(ADAPTIVE_POWER_CASE)}, {ADAPTIVE_FUZZ_RUNS} runs: "
          "the fuzz's test rejects the rate 1 - delta and a margin-1 learner",
          check_HP2_adaptive_fuzz_has_power),
    Check("HP2_adaptive_catches_small_margin", CheckKind.POWER,
          "stage-error check against each test made to certify on the first sample",
          check_HP2_adaptive_catches_small_margin),
)
"""HP2's checks of the adaptive learner, in the order the claim lists them."""
