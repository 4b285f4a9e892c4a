"""HP1: root-start learners on the hidden-path family — the exact success `S_T`, its bound,
and the exponential number of queries it forces."""

from __future__ import annotations

import random
from collections.abc import Callable
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from genaccess.proofs.discharge import proof_check
from genaccess.proofs.hidden_path_symbolic import (
    check_HP1_abel_identity,
    check_HP1_symbolic_map,
    cross_check_observation_model,
)
from genaccess.proofs.steps.hp1 import PROOF
from genaccess.reference.learners import HIDDEN_PATH, learner
from genaccess.reference.root_start_learner import revealed_path, root_start_map
from genaccess.spec.chance import Chooser, exact_law
from genaccess.spec.checking import cases_text, range_text, set_text
from genaccess.spec.hidden_path import (
    ALPHA_GRID_STEPS,
    ALPHA_GRID_TEXT,
    HiddenPathFamily,
    alpha_grid,
    grid_alpha,
)
from genaccess.spec.local_reset import is_local_reset
from genaccess.spec.observation import Full, Sample, Top1
from genaccess.spec.oracle import Oracle
from genaccess.spec.registry import Check, CheckKind, CheckOutcome, Claim, Source
from genaccess.spec.root_start_success import (
    compute_HP1_bound,
    compute_HP1_queries_lower_bound,
    compute_HP1_success,
    compute_map_success,
    compute_root_start_queries_needed,
    is_HP1_bound,
    is_HP1_exact,
    is_HP1_success_at_least,
)

TWO_ALPHAS = {2: ("3/5", "3/4"), 3: ("1/2", "2/3")}
"""The two alphas per vocabulary size of the exhaustive checks."""


def _shapes_text(horizons: dict[int, range]) -> str:
    """The families `_families(horizons)` runs, as the domain string states them."""
    return "; ".join(f"K={K}, H in {range_text(Hs)}, alpha in {set_text(TWO_ALPHAS[K])}"
                     for K, Hs in horizons.items())


def _families(horizons: dict[int, range]) -> list[tuple[int, int, str]]:
    """(K, H, alpha) for each K's horizons and its `TWO_ALPHAS`."""
    return [(K, H, alpha) for K, Hs in horizons.items() for H in Hs for alpha in TWO_ALPHAS[K]]


MAP_HORIZONS = {2: range(1, 5), 3: range(1, 4)}
MAP_QUERIES = range(4)
MAP_DOMAIN = (f"{_shapes_text(MAP_HORIZONS)}; T in {range_text(MAP_QUERIES)}; every z, every "
              "transcript; observations full (= S_T), sample and top1 (<= S_T)")

ClosedForm = Callable[[HiddenPathFamily, int], Fraction]


def check_HP1_closed_form_equals_map(closed_form: ClosedForm = compute_HP1_success
                                     ) -> CheckOutcome:
    """The brute-force Bayes-optimal success over all `z` and all transcripts (laws from the
    oracle) equals `S_T` with canonical observations and is at most `S_T` with `sample` and
    `top1` root-start observations."""
    count = 0
    for K, H, alpha in _families(MAP_HORIZONS):
        family = HiddenPathFamily(K, H, alpha)
        for T in MAP_QUERIES:
            closed = closed_form(family, T)
            for observation in (Full(), Sample(), Top1()):
                brute = compute_map_success(family, observation, T)
                ok = brute == closed if isinstance(observation, Full) else brute <= closed
                assert ok, (f"HP1 fails for {observation.name}: K={K}, H={H}, "
                            f"alpha={alpha}, T={T}: brute force {brute}, S_T {closed}")
                count += 1
    assert is_HP1_exact(HiddenPathFamily(2, 2, "3/4"), Full(), 2)
    return CheckOutcome(count)


def _broken_closed_form(family: HiddenPathFamily, queries: int) -> Fraction:
    """A plausible off-by-one: `P(D <= d) = (1 - alpha^(d+1))^T`."""
    K, H, a = family.vocab_size, family.horizon, family.alpha
    total, previous = Fraction(0), Fraction(0)
    for d in range(H + 1):
        cdf = Fraction(1) if d >= H else (1 - a ** (d + 1)) ** queries
        total += (cdf - previous) * Fraction(1, K ** (H - d))
        previous = cdf
    return total


def check_HP1_catches_off_by_one() -> CheckOutcome:
    """Power: the brute-force comparison rejects an off-by-one closed form."""
    try:
        check_HP1_closed_form_equals_map(_broken_closed_form)
    except AssertionError as err:
        assert "full" in str(err), err
        return CheckOutcome(1, f"caught: {err}")
    raise AssertionError("the HP1 brute-force check passed an off-by-one closed form")


LEARNER_HORIZONS = {2: range(1, 4), 3: range(1, 3)}
LEARNER_QUERIES = range(3)
LEARNER_DOMAIN = (f"{_shapes_text(LEARNER_HORIZONS)}; T in {range_text(LEARNER_QUERIES)}; "
                  "every z, every random outcome")


def check_HP1_learner_attains_S_T() -> CheckOutcome:
    """The reference root-start learner, run through the oracle, succeeds with probability
    exactly `S_T` for every `z` (exact law over every random outcome)."""
    access = learner(HIDDEN_PATH, "root-start").access_model
    count = 0
    for K, H, alpha in _families(LEARNER_HORIZONS):
        family = HiddenPathFamily(K, H, alpha)
        for T in LEARNER_QUERIES:
            expected = compute_HP1_success(family, T)
            for z in family.paths():
                g = family.generator(z)

                def run(chooser: Chooser, g: object = g, z: object = z, T: int = T
                        ) -> tuple[bool, int]:
                    oracle = Oracle(g, access, rng=chooser)  # type: ignore[arg-type]
                    guess = root_start_map(oracle, T, chooser)
                    return guess == z, oracle.queries_used

                law = exact_law(run)
                success = sum((p for (ok, _), p in law.items() if ok), Fraction(0))
                assert success == expected, (f"HP1 learner: K={K}, H={H}, alpha={alpha}, "
                                             f"T={T}, z={z}: {success} != S_T {expected}")
                assert all(used == T for _, used in law), law
                count += 1
    return CheckOutcome(count)


BOUND_VOCABS = range(2, 6)
BOUND_HORIZONS = range(1, 9)
BOUND_QUERIES = range(21)
BOUND_TARGET = Fraction(3, 4)
BOUND_DOMAIN = (f"K in {range_text(BOUND_VOCABS)}, {ALPHA_GRID_TEXT}, H in "
                f"{range_text(BOUND_HORIZONS)}, T in {range_text(BOUND_QUERIES)}; and the least "
                f"T with S_T >= {BOUND_TARGET} for each")


def check_HP1_bound_grid() -> CheckOutcome:
    """`S_T <= 1-(1-alpha^(H-1))^T + 1/K <= T alpha^(H-1) + 1/K` on the grid, and the least
    `T` with `S_T >= 3/4` is at least `(3/4 - 1/K) alpha^-(H-1)`."""
    count = 0
    for K in BOUND_VOCABS:
        for alpha in alpha_grid(K):
            for H in BOUND_HORIZONS:
                family = HiddenPathFamily(K, H, alpha)
                for T in BOUND_QUERIES:
                    assert is_HP1_bound(family, T), (
                        f"HP1 bound fails: K={K}, H={H}, alpha={alpha}, T={T}: "
                        f"S_T={compute_HP1_success(family, T)}, bounds "
                        f"{compute_HP1_bound(family, T)}")
                    count += 1
                needed = compute_root_start_queries_needed(family, BOUND_TARGET)
                lower = compute_HP1_queries_lower_bound(family, BOUND_TARGET)
                assert needed >= lower, (K, H, alpha, needed, lower)
                count += 1
    return CheckOutcome(count)


NEEDED_HORIZONS = {K: range(1, 7) for K in TWO_ALPHAS}
NEEDED_TARGETS = (Fraction(3, 4), Fraction(19, 20))
NEEDED_DOMAIN = (f"{_shapes_text(NEEDED_HORIZONS)}; targets {set_text(NEEDED_TARGETS)}: binary "
                 "search = linear scan in exact arithmetic; interval evaluation = exact "
                 "evaluation at T-1, T, T+1")


def check_HP1_queries_needed() -> CheckOutcome:
    """`compute_root_start_queries_needed` is the least `T` with `S_T >= target` (against an
    exact linear scan), and its interval evaluation agrees with the exact one."""
    count = 0
    for K, H, alpha in _families(NEEDED_HORIZONS):
        family = HiddenPathFamily(K, H, alpha)
        for target in NEEDED_TARGETS:
            scan = 0
            while compute_HP1_success(family, scan) < target:
                scan += 1
            found = compute_root_start_queries_needed(family, target)
            assert found == scan, (K, H, alpha, target, found, scan)
            for T in (max(scan - 1, 0), scan, scan + 1):
                exact = compute_HP1_success(family, T) >= target
                assert is_HP1_success_at_least(family, T, target, exact_limit=0) == exact
            count += 1
    return CheckOutcome(count)


SYMBOLIC_MAP_SHAPES = ((2, 1, 3), (2, 2, 3), (2, 3, 2), (3, 1, 3), (3, 2, 2))
"""(K, H, largest T): the MAP enumeration runs T in 1..largest."""
MODEL_CASES = ((2, 1, "3/4"), (2, 2, "3/4"), (2, 3, "3/5"), (3, 2, "1/2"))
ABEL_VOCABS = (2, 3, 4)
ABEL_HORIZONS = range(1, 7)
SYMBOLIC_DOMAIN = (f"symbolic alpha: MAP enumeration = S_T for T in 1..max_T, (K,H,max_T) in "
                   f"{cases_text(SYMBOLIC_MAP_SHAPES)}; model cross-checked with the oracle "
                   f"at (K,H,alpha) in {cases_text(MODEL_CASES)}; symbolic alpha and T: Abel "
                   f"identity for K in {set_text(ABEL_VOCABS)}, H in {range_text(ABEL_HORIZONS)}")


def check_HP1_symbolic() -> CheckOutcome:
    """sympy: with symbolic `alpha` the enumeration of MAP success equals the closed form; the
    identity behind the large-`T` evaluation holds for symbolic `alpha` and `T`."""
    count = 0
    for K, H, alpha in MODEL_CASES:
        assert cross_check_observation_model(K, H, Fraction(alpha)), (K, H, alpha)
        count += 1
    for K, H, max_T in SYMBOLIC_MAP_SHAPES:
        for T in range(1, max_T + 1):
            assert check_HP1_symbolic_map(K, H, T), f"HP1 symbolic MAP fails at K={K},H={H},T={T}"
            count += 1
    for K in ABEL_VOCABS:
        for H in ABEL_HORIZONS:
            assert check_HP1_abel_identity(K, H), f"HP1 identity fails at K={K}, H={H}"
            count += 1
    return CheckOutcome(count)


FUZZ_VOCABS = range(2, 5)
FUZZ_HORIZONS = range(1, 9)
FUZZ_QUERIES = range(7)


def check_HP1_fuzz_learner() -> CheckOutcome:
    """Random instances: the root-start learner makes exactly `T` queries, its transcript
    satisfies LR, its guess has length `H` and extends a revealed prefix of `z`."""
    seen = [0]

    @given(st.sampled_from(FUZZ_VOCABS), st.sampled_from(FUZZ_HORIZONS),
           st.sampled_from(ALPHA_GRID_STEPS), st.sampled_from(FUZZ_QUERIES),
           st.integers(0, 2**32 - 1), st.data())
    def learner_is_sound(K: int, H: int, j: int, T: int, seed: int, data: st.DataObject) -> None:
        seen[0] += 1
        family = HiddenPathFamily(K, H, grid_alpha(K, j))
        z = tuple(data.draw(st.lists(st.integers(0, K - 1), min_size=H, max_size=H)))
        oracle = Oracle(family.generator(z), learner(HIDDEN_PATH, "root-start").access_model,
                        rng=random.Random(seed))
        guess = root_start_map(oracle, T, random.Random(seed + 1))
        assert oracle.queries_used == T and len(guess) == H
        assert is_local_reset(oracle.transcript, H)
        deepest = max((revealed_path(r.reports) for r in oracle.transcript), key=len,
                      default=())
        assert deepest == z[: len(deepest)] == guess[: len(deepest)], (z, deepest, guess)

    learner_is_sound()
    return CheckOutcome(seen[0])


CLAIM = Claim(
    id="HP1",
    title="Root-start on the hidden path: exact success S_T, exponential queries",
    source=Source.FORMALISATION,
    statement="With T canonical root-start queries the best probability of outputting z is "
    "S_T = sum_{d=1..H} P(D=d) K^-(H-d), P(D<=d) = (1-alpha^d)^T for d<=H-1, P(D<=H) = 1; "
    "S_T <= 1-(1-alpha^(H-1))^T + 1/K <= T alpha^(H-1) + 1/K for every root-start "
    "observation type (R1), so success 3/4 needs T >= (3/4-1/K) alpha^-(H-1).",
    uses=("G1", "LR"),
    predicates=(compute_HP1_success, is_HP1_exact, is_HP1_bound, compute_map_success,
                compute_root_start_queries_needed),
    checks=(
        proof_check("HP1", PROOF),
        Check("HP1_closed_form_equals_map", CheckKind.EXHAUSTIVE, MAP_DOMAIN,
              check_HP1_closed_form_equals_map),
        Check("HP1_learner_attains_S_T", CheckKind.EXHAUSTIVE, LEARNER_DOMAIN,
              check_HP1_learner_attains_S_T),
        Check("HP1_bound_grid", CheckKind.EXHAUSTIVE, BOUND_DOMAIN, check_HP1_bound_grid),
        Check("HP1_queries_needed", CheckKind.EXHAUSTIVE, NEEDED_DOMAIN,
              check_HP1_queries_needed),
        Check("HP1_symbolic", CheckKind.SYMBOLIC, SYMBOLIC_DOMAIN, check_HP1_symbolic),
        Check("HP1_fuzz_learner", CheckKind.FUZZ,
              f"random K in {range_text(FUZZ_VOCABS)}, H in {range_text(FUZZ_HORIZONS)}, "
              f"{ALPHA_GRID_TEXT}, T in {range_text(FUZZ_QUERIES)}, z, seed",
              check_HP1_fuzz_learner),
        Check("HP1_catches_off_by_one", CheckKind.POWER,
              "brute-force comparison against P(D<=d) = (1-alpha^(d+1))^T",
              check_HP1_catches_off_by_one),
    ),
    reference=("genaccess.reference.root_start_learner.root_start_map",
               "genaccess.spec.hidden_path.HiddenPathFamily"),
    proof=PROOF,
)
