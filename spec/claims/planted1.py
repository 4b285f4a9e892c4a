"""PLANTED1 (project formalisation): a hidden path planted in any generator keeps the
guarantees of HP2 and HP3 for the chosen-prefix learners, while root-start stays
exponentially costly. Definitions and proofs are in `genaccess.spec.planted`; the same
tilt puts a path in a real transformer (`genaccess.reference.hf`, tested in
`tests/test_hf_planted.py`).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from genaccess.proofs.discharge import proof_check
from genaccess.proofs.steps.planted1 import PROOF
from genaccess.reference.cps_path import cps_path, last_sample_path
from genaccess.reference.learners import HIDDEN_PATH, learner
from genaccess.reference.planted_root_start import root_start_walk
from genaccess.spec.chance import Chooser, exact_law
from genaccess.spec.checking import cases_text, for_all, range_text, set_text, text
from genaccess.spec.cps_success import compute_cps_m
from genaccess.spec.distribution import Distribution
from genaccess.spec.generator import Generator
from genaccess.spec.hidden_path import HiddenPathFamily
from genaccess.spec.oracle import Oracle
from genaccess.spec.planted import (
    PlantedRule,
    adaptive_family,
    compute_cps_success,
    compute_on_path_reach,
    compute_root_start_walk_bound,
    cps_family,
    extreme_bases,
    extreme_stages,
    is_PLANTED1,
    is_planted_stage_dominant,
    planted_generator,
    planted_stage,
)
from genaccess.spec.prefix import Prefix, all_responses
from genaccess.spec.registry import Check, CheckKind, CheckOutcome, Claim, Source
from genaccess.spec.sequential_test import (
    compute_adaptive_parameters,
    compute_sequential_decision_law,
)
from genaccess.spec.strategies import generators

CPS_ACCESS = learner(HIDDEN_PATH, "cps").access_model
WALK_ACCESS = learner(HIDDEN_PATH, "root-start").access_model
"""The planted walk learner's access: the hidden path's root-start learner's."""
ALPHAS = (Fraction(3, 5), Fraction(3, 4), Fraction(9, 10))
DELTA = Fraction(1, 10)


DOMINANCE_CASES = ((2, 1), (2, 2), (3, 1), (3, 2))


def check_PLANTED1_dominance() -> CheckOutcome:
    """Every extreme base, every path, every alpha in ALPHAS: dominance on the path and the
    base's own distribution everywhere else."""
    cases = ((base, z, alpha) for K, H in DOMINANCE_CASES for base in extreme_bases(K, H)
             for z in all_responses(K, H) for alpha in ALPHAS)
    return for_all(cases, lambda case: is_PLANTED1(*case), "(base, path, alpha) triples")


FUZZ_MAX_VOCAB = 4
FUZZ_MAX_HORIZON = 3
FUZZ_MAX_DENOMINATOR = 12


def check_PLANTED1_fuzz() -> CheckOutcome:
    """Random rational bases (zeros and ties included), paths and tilts."""

    seen = [0]

    @given(base=generators(max_vocab=FUZZ_MAX_VOCAB, max_horizon=FUZZ_MAX_HORIZON),
           data=st.data(),
           alpha=st.fractions(Fraction(1, 2), Fraction(1),
                              max_denominator=FUZZ_MAX_DENOMINATOR).filter(
               lambda a: Fraction(1, 2) < a < 1))
    def holds(base: Generator, data: st.DataObject, alpha: Fraction) -> None:
        z = tuple(data.draw(st.lists(st.integers(0, base.vocab_size - 1),
                                     min_size=base.horizon, max_size=base.horizon)))
        assert is_PLANTED1(base, z, alpha)
        seen[0] += 1

    holds()
    return CheckOutcome(seen[0], "hypothesis examples")


CPS_CASES = ((2, 2, Fraction(3, 4)), (3, 2, Fraction(3, 4)), (3, 2, Fraction(9, 10)))


def check_PLANTED1_cps_m() -> CheckOutcome:
    """CPS-Path with HP2's `m` for the margin `2 alpha - 1` succeeds with exact probability
    `>= 1 - delta` on the planted path of every extreme base (the worst cases)."""
    n = 0
    worst = Fraction(1)
    for K, H, alpha in CPS_CASES:
        m = compute_cps_m(cps_family(K, H, alpha), DELTA)
        for base in extreme_bases(K, H):
            for z in ((0,) * H, (K - 1,) * H):
                success = compute_cps_success(planted_generator(base, z, alpha), z, m)
                assert success >= 1 - DELTA, (K, H, alpha, z, m, success)
                worst = min(worst, success)
                n += 1
    return CheckOutcome(n, f"worst exact success {float(worst):.6f} >= {1 - DELTA}")


def _cps_success_law(planted: Generator, z: tuple[int, ...], samples: int,
                     path_learner: Callable[[Oracle, int], tuple[int, ...]] = cps_path
                     ) -> Fraction:
    """The exact success of the real `cps_path` (or `path_learner`) through the oracle."""

    def experiment(chooser: Chooser) -> bool:
        oracle = Oracle(planted, CPS_ACCESS, rng=chooser)
        return bool(path_learner(oracle, samples) == z)

    return exact_law(experiment).get(True, Fraction(0))


FORMULA_SHAPE = (2, 2, Fraction(3, 4))
"""(K, H, alpha) on whose every extreme base and path the formula meets the learner."""
FORMULA_SAMPLES = range(1, 4)


def check_PLANTED1_cps_formula_is_the_learner() -> CheckOutcome:
    """`compute_cps_success` equals the exact success law of `cps_path` itself (every extreme
    base and path of `FORMULA_SHAPE`, m in `FORMULA_SAMPLES`)."""
    K, H, alpha = FORMULA_SHAPE
    cases = ((planted_generator(base, z, alpha), z, m) for base in extreme_bases(K, H)
             for z in all_responses(K, H) for m in FORMULA_SAMPLES)
    return for_all(cases, lambda case: _cps_success_law(*case) == compute_cps_success(*case),
                   "exact laws compared")


def _broken_walk_bound(reach: tuple[Fraction, ...], vocab_size: int, queries: int
                          ) -> Fraction:
    """A broken root-start bound: `f(d) = K^-(H-d)` (forgets the one token a walk reveals
    beyond the path's common prefix)."""
    H = len(reach) - 1
    bound = Fraction(1, vocab_size ** H)
    for d in range(1, H + 1):
        step = Fraction(1, vocab_size ** (H - d)) - Fraction(1, vocab_size ** (H - d + 1))
        bound += min(Fraction(1), queries * reach[d]) * step
    return bound


def _rejects(check: Callable[[], object]) -> bool:
    """Whether `check` fails (raises `AssertionError`)."""
    try:
        check()
    except AssertionError:
        return True
    return False


def check_PLANTED1_catches_broken_learner_and_tilt() -> CheckOutcome:
    """Power: (a) the exact success of a last-sample CPS falls below `1 - delta`; (b) a tilt
    that skips the last stage (off by one) breaks PLANTED1; (c) the root-start check rejects
    an off-by-one bound; (d) the adaptive check rejects the naive parameter (HP's own
    `alpha` in place of `alpha'`)."""
    K, H, alpha = 2, 2, Fraction(3, 4)
    m = compute_cps_m(cps_family(K, H, alpha), DELTA)
    base = Generator.from_table(K, H, {}, default=Distribution.point(K, 1))
    z = (0, 0)
    planted = planted_generator(base, z, alpha)
    broken = _cps_success_law(planted, z, 3, last_sample_path)
    assert broken < 1 - DELTA, broken
    assert compute_cps_success(planted, z, m) >= 1 - DELTA

    class OffByOne(PlantedRule):
        def __call__(self, prefix: Prefix) -> Distribution:
            if len(prefix) == self.base.horizon - 1:
                return self.base.next_token(prefix)
            return super().__call__(prefix)

    bad = Generator.from_rule(K, H, OffByOne(base, z, alpha))
    last = bad.next_token(z[:-1])
    assert not is_planted_stage_dominant(last, z[-1], alpha)
    assert is_PLANTED1(base, z, alpha)
    assert _rejects(lambda: check_PLANTED1_root_start_bound(_broken_walk_bound)), (
        "the root-start check accepted an off-by-one bound")
    assert _rejects(lambda: check_PLANTED1_adaptive_stage_error(HiddenPathFamily)), (
        "the adaptive check accepted HP's alpha in place of alpha'")
    return CheckOutcome(4, f"last-sample CPS success {broken} < {1 - DELTA}; off-by-one tilt, "
                        "off-by-one root-start bound and naive adaptive alpha caught")


ADAPTIVE_CASES = ((2, 3, Fraction(3, 4)), (3, 3, Fraction(3, 4)), (3, 4, Fraction(9, 10)))


def check_PLANTED1_adaptive_stage_error(
        family_of: Callable[[int, int, Fraction], HiddenPathFamily] = adaptive_family
) -> CheckOutcome:
    """The adaptive learner's stage test, parameterised by `adaptive_family`, decides a wrong
    token with exact probability `<= delta/H` at every planted stage over an extreme base."""
    n = 0
    for K, H, alpha in ADAPTIVE_CASES:
        test = compute_adaptive_parameters(family_of(K, H, alpha), DELTA)
        for q in extreme_stages(K):
            for a in range(K):
                law, _ = compute_sequential_decision_law(planted_stage(q, a, alpha), test)
                error = 1 - law.get(a, Fraction(0))
                assert error <= DELTA / H, (K, H, alpha, q, a, error)
                n += 1
    return CheckOutcome(n, "stages")


ARGMAX_LEARNERS = ("logits", "top1")
ARGMAX_CASES = ((2, 1), (2, 2), (3, 1))
"""(K, H): every extreme base and path (K=3, H=2 would take 5 s)."""


def _argmax_recovers(case: tuple[str, Generator, tuple[int, ...], Fraction]) -> bool:
    """Glue: on every branch of the oracle's randomness the table learner returns `z` with
    exactly `H` queries."""
    name, base, z, alpha = case
    table_learner = learner(HIDDEN_PATH, name)
    planted = planted_generator(base, z, alpha)

    def experiment(chooser: Chooser) -> tuple[bool, int]:
        oracle = Oracle(planted, table_learner.access_model, rng=chooser)
        return table_learner.function(oracle) == z, oracle.queries_used

    return set(exact_law(experiment)) == {(True, base.horizon)}


def check_PLANTED1_argmax_recovers_z() -> CheckOutcome:
    """`full`/`top1` at chosen prefixes recover `z` in `H` queries: the real `logits_path`
    and `top1_path`, through the oracle, on every extreme base and path, every alpha in
    ALPHAS, return `z` with exactly `H` queries on every branch."""
    cases = ((name, base, z, alpha) for K, H in ARGMAX_CASES for base in extreme_bases(K, H)
             for z in all_responses(K, H) for alpha in ALPHAS for name in ARGMAX_LEARNERS)
    return for_all(cases, _argmax_recovers, "(learner, base, path, alpha) cases")


ROOT_START_SHAPE = (2, 3, Fraction(3, 4))
ROOT_START_PATH = (1, 0, 1)
ROOT_START_BASES = 60
"""How many extreme bases (a seeded sample) the exact root-start laws run on."""
ROOT_START_ALL_BASES = (ROOT_START_SHAPE[0] + 1) ** sum(
    ROOT_START_SHAPE[0] ** t for t in range(ROOT_START_SHAPE[1]))
"""How many extreme bases the shape has: `K + 1` extreme stages at each of its prefixes."""
ROOT_START_QUERIES = (1, 2)


def check_PLANTED1_root_start_bound(
        bound_of: Callable[[tuple[Fraction, ...], int, int], Fraction] = (
            compute_root_start_walk_bound)) -> CheckOutcome:
    """The exact success of the real root-start walk learner through the oracle is at most
    `compute_root_start_walk_bound` (`ROOT_START_SHAPE`, extreme bases on a sample)."""
    K, H, alpha = ROOT_START_SHAPE
    bases = extreme_bases(K, H)
    n = 0
    z = ROOT_START_PATH
    for base in random.Random(0).sample(bases, ROOT_START_BASES):
        planted = planted_generator(base, z, alpha)
        reach = compute_on_path_reach(planted, z)
        for T in ROOT_START_QUERIES:
            def experiment(chooser: Chooser, T: int = T, planted: Generator = planted) -> bool:
                oracle = Oracle(planted, WALK_ACCESS, rng=chooser)
                return bool(root_start_walk(oracle, T, alpha, chooser) == z)

            success = exact_law(experiment).get(True, Fraction(0))
            bound = bound_of(reach, K, T)
            assert success <= bound, (base.table(), T, success, bound)
            n += 1
    return CheckOutcome(n, "exact root-start laws")


CLAIM = Claim(
    id="PLANTED1",
    title="A hidden path planted in any generator: chosen-prefix learners keep their "
    "guarantees, root-start stays exponential",
    source=Source.FORMALISATION,
    statement="For a base generator q, a path z and alpha in (1/2,1), planting puts "
    "alpha*1[z_t] + (1-alpha)*q(.|z_<t) at each on-path prefix and leaves q elsewhere. At "
    "every on-path stage p(z_t)-p(b) >= 2alpha-1 and alpha*p(b) <= (1-alpha)*p(z_t). Hence "
    "CPS-Path with HP2's m for the margin 2alpha-1 succeeds with probability >= 1-delta, the "
    "adaptive learner run with alpha' = alpha/(alpha+(K-1)(1-alpha)) errs with probability "
    "<= delta, full/top1 recover z in H queries, and the root-start walk learner with T "
    "rollouts succeeds with probability at most f(0) + sum_d min(1, T rho(z_<=d)) "
    "(f(d)-f(d-1)), f(d) = K^-(H-d-1)^+.",
    uses=("HP2", "HP3", "HP1"),
    predicates=(is_PLANTED1, is_planted_stage_dominant),
    checks=(
        proof_check("PLANTED1", PROOF),
        Check("PLANTED1_dominance", CheckKind.EXHAUSTIVE,
              f"(K,H) in {cases_text(DOMINANCE_CASES)}; every base whose stages are point "
              f"masses or uniform; every path; alpha in {set_text(ALPHAS)}",
              check_PLANTED1_dominance),
        Check("PLANTED1_fuzz", CheckKind.FUZZ,
              f"random rational bases K<={FUZZ_MAX_VOCAB}, H<={FUZZ_MAX_HORIZON}, paths, alpha "
              f"in (1/2,1) denominator <= {FUZZ_MAX_DENOMINATOR}",
              check_PLANTED1_fuzz),
        Check("PLANTED1_cps_m", CheckKind.EXHAUSTIVE,
              f"(K,H,alpha) in {cases_text(CPS_CASES)}, delta={DELTA}, every extreme base, "
              "paths 0^H and (K-1)^H", check_PLANTED1_cps_m),
        Check("PLANTED1_cps_formula_is_the_learner", CheckKind.EXHAUSTIVE,
              f"(K,H,alpha) = {text(FORMULA_SHAPE)}, every extreme base and path, m in "
              f"{range_text(FORMULA_SAMPLES)}",
              check_PLANTED1_cps_formula_is_the_learner),
        Check("PLANTED1_adaptive_stage_error", CheckKind.EXHAUSTIVE,
              f"(K,H,alpha) in {cases_text(ADAPTIVE_CASES)}, delta={DELTA}, every extreme "
              "stage and path token", check_PLANTED1_adaptive_stage_error),
        Check("PLANTED1_argmax_recovers_z", CheckKind.EXHAUSTIVE,
              f"learners {set_text(ARGMAX_LEARNERS)} through the oracle, (K,H) in "
              f"{cases_text(ARGMAX_CASES)}, every extreme base, every path, alpha in "
              f"{set_text(ALPHAS)}, every branch", check_PLANTED1_argmax_recovers_z),
        Check("PLANTED1_root_start_bound", CheckKind.FUZZ,
              f"(K,H,alpha) = {text(ROOT_START_SHAPE)}, z={text(ROOT_START_PATH)}, "
              f"{ROOT_START_BASES} seeded bases of the {ROOT_START_ALL_BASES} extreme bases "
              "(exact laws on each), T in "
              f"{set_text(ROOT_START_QUERIES)}",
              check_PLANTED1_root_start_bound),
        Check("PLANTED1_catches_broken_learner_and_tilt", CheckKind.POWER,
              "last-sample CPS (K=2,H=2,m=3); a tilt that skips the last stage; a root-start "
              "bound with f(d) = K^-(H-d); the adaptive test with HP's alpha for alpha'",
              check_PLANTED1_catches_broken_learner_and_tilt),
    ),
    reference=("genaccess.reference.cps_path.cps_path",
               "genaccess.reference.adaptive_cps.adaptive_cps",
               "genaccess.reference.planted_root_start.root_start_walk"),
    proof=PROOF,
)
