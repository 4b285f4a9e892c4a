"""HP2, beyond the paper: the adaptive learner's stage lemma as steps (its posterior test,
`genaccess.spec.sequential_test.compute_posterior_parameters`).

Argument: certifying `x` on counts `N` means its posterior odds against, under a uniform
prior on the path token, are at most `odds`; so the posterior probability that `x` is wrong is
at most `odds/(1+odds) = e_c` wherever the test certifies, and by Bayes' rule the chance of
certifying a wrong token, averaged over the path token, is at most `e_c`. The test commutes
with permuting the tokens and the stage laws are permutations of one another, so that chance
is the same for every path token: each is at most `e_c`. The fallback at the cap errs with
probability at most `(K-1) exp(-cap Delta^2/2) <= e/32` (HP2's Hoeffding steps at `delta/32`).
With `e_c = 31e/32` a stage errs with probability `<= e = delta/H`, and the union over the `H`
stages gives `1 - delta`.
"""

from __future__ import annotations

from fractions import Fraction

import sympy
import z3

from genaccess.proofs.discharge import identity, validity
from genaccess.spec.checking import set_text
from genaccess.spec.hidden_path import HiddenPathFamily
from genaccess.spec.proof import Step, Tie, by_axiom, by_definition, by_sympy, by_z3
from genaccess.spec.sequential_test import FALLBACK_SHARE, is_HP2_adaptive_stage_error

ALPHA, BETA = sympy.symbols("alpha beta", positive=True)
N, NX, NY = sympy.symbols("N N_x N_y", nonnegative=True, integer=True)
S, LX, ODDS, E = sympy.symbols("S L_x o e", positive=True)


def likelihood(count: sympy.Expr) -> sympy.Expr:
    """`L_y = alpha^(N_y) beta^(N - N_y)`: `N` samples with `N_y` of them `y`, under the
    stage law whose path token is `y` (the other tokens' factors are common to every `y`)."""
    return ALPHA**count * BETA ** (N - count)


POINTS = {ALPHA: (sympy.Rational(1, 2),), BETA: (sympy.Rational(1, 4),), N: (3,), NX: (2,),
          NY: (0,)}

RATIO = identity("L_y / L_x = (beta/alpha)^(N_x - N_y)",
                 sympy.powsimp(likelihood(NY) / likelihood(NX), force=True),
                 sympy.powsimp((BETA / ALPHA) ** (NX - NY), force=True),
                 wrong="(beta/alpha)^(N_y - N_x)",
                 wrong_rhs=(BETA / ALPHA) ** (NY - NX), points=POINTS)

POSTERIOR = identity("S / (L_x + S) = R / (1 + R), R = S / L_x",
                     S / (LX + S), (S / LX) / (1 + S / LX),
                     wrong="R / (1 - R)", wrong_rhs=(S / LX) / (1 - S / LX),
                     points={S: (sympy.Rational(1, 4),), LX: (1,)})

THRESHOLD = identity("o = e/(1-e) => o/(1+o) = e", (E / (1 - E)) / (1 + E / (1 - E)), E,
                     wrong="o/(1+o) = e/(1-e)", wrong_rhs=E / (1 - E),
                     points={E: (sympy.Rational(1, 10),)})


def _monotone(wrong: bool) -> tuple[list[z3.BoolRef], z3.BoolRef]:
    r, o = z3.Reals("R o")
    conclusion = r / (1 + r) < o / (1 + o) if wrong else r / (1 + r) <= o / (1 + o)
    return [r >= 0, r <= o], conclusion


def _symmetric(wrong: bool) -> tuple[list[z3.BoolRef], z3.BoolRef]:
    each, average, e_c = z3.Reals("e_a average e_c")
    # every path token's wrong-certification chance is one value (symmetry), so the
    # uniform average over path tokens is that value
    return [average == each, average <= e_c, e_c > 0], (each <= e_c / 2 if wrong
                                                          else each <= e_c)


def _stage(wrong: bool) -> tuple[list[z3.BoolRef], z3.BoolRef]:
    e, certify, fallback, error = z3.Reals("e certify fallback error")
    share = z3.RealVal(FALLBACK_SHARE.numerator) / FALLBACK_SHARE.denominator
    hypotheses = [e > 0, certify <= e * (1 - share), fallback <= e * share,
                  error <= certify + fallback]
    return hypotheses, (error <= e * 30 / 32) if wrong else (error <= e)


def _fallback(wrong: bool) -> tuple[list[z3.BoolRef], z3.BoolRef]:
    delta, h, bound, failure = z3.Reals("delta H f(cap) plurality_error")
    share = z3.RealVal(FALLBACK_SHARE.numerator) / FALLBACK_SHARE.denominator
    # HP2.m at delta' = share * delta: H f(cap) <= delta', and the plurality of cap samples
    # errs with probability <= f(cap) (HP2.union)
    hypotheses = [delta > 0, h >= 1, h * bound <= share * delta, failure <= bound]
    limit = share * delta / h
    return hypotheses, (failure <= limit / 2) if wrong else (failure <= limit)


def _union(wrong: bool) -> tuple[list[z3.BoolRef], z3.BoolRef]:
    delta, h, failure = z3.Reals("delta H failure")
    return ([delta > 0, h >= 1, failure <= h * (delta / h)],
            (failure <= delta / 2) if wrong else (failure <= delta))


STAGE_CASES = ((2, "3/4", 2), (3, "2/3", 2), (2, "3/5", 1))
STAGE_DELTAS = (Fraction(1, 2), Fraction(1, 10))


def _stage_tie() -> int:
    """The exact stage error of the real test (DP over count vectors) is `<= delta/H` for
    every path token, on the small grid."""
    for K, alpha, H in STAGE_CASES:
        for delta in STAGE_DELTAS:
            assert is_HP2_adaptive_stage_error(HiddenPathFamily(K, H, alpha), delta), (
                K, alpha, H, delta)
    return len(STAGE_CASES) * len(STAGE_DELTAS)


ADAPTIVE_STEPS: tuple[Step, ...] = (
    by_definition("HP2.adaptive_rule", "the adaptive learner samples at zhat_<t until some x "
                  "has sum_{y != x} (beta/alpha)^(N_x - N_y) <= o (certify x; o < 1, so x "
                  "leads strictly) or cap samples (the plurality)",
                  "genaccess.spec.sequential_test.certified_token", uses=("HP2.lr",)),
    by_sympy("HP2.adaptive_ratio", "under path token y, N samples with counts N have "
             "likelihood proportional to L_y = alpha^(N_y) beta^(N - N_y), and L_y/L_x = "
             "(beta/alpha)^(N_x - N_y): the rule's sum is the posterior odds S/L_x against x",
             RATIO, uses=("HP2.adaptive_rule",)),
    by_axiom("HP2.adaptive_bayes", "with a uniform prior on the path token, P(token a and "
             "the stopped counts n) = P_a(n)/K; so P(certify a wrong token) = "
             "E[1{certify x} P(path token != x | n)] over the stopped counts", "bayes_rule",
             uses=("HP2.adaptive_ratio",)),
    by_sympy("HP2.adaptive_posterior", "P(path token != x | n) = S/(L_x + S) = R/(1+R) with "
             "R = S/L_x the odds", POSTERIOR, uses=("HP2.adaptive_bayes",)),
    by_z3("HP2.adaptive_monotone", "R <= o => R/(1+R) <= o/(1+o): wherever the test "
          "certifies, the posterior error is at most o/(1+o)",
          validity("0 <= R <= o => R/(1+R) <= o/(1+o)", lambda: _monotone(False),
                   wrong="R/(1+R) < o/(1+o)", build_wrong=lambda: _monotone(True)),
          uses=("HP2.adaptive_posterior",)),
    by_sympy("HP2.adaptive_threshold", "o = e_c/(1-e_c) (or less) gives o/(1+o) <= e_c, "
             "e_c = (1 - 1/32) delta/H", THRESHOLD, uses=("HP2.adaptive_monotone",)),
    by_definition("HP2.adaptive_refined", "a threshold raised above e_c/(1-e_c) is kept only "
                  "where the exact profile DP bounds its chance of certifying a wrong token "
                  "by e_c (certified mass plus the mass still undecided)",
                  "genaccess.spec.sequential_test.compute_posterior_parameters"),
    by_definition("HP2.adaptive_symmetric", "the stage laws are permutations of one another "
                  "(alpha on the path token, beta elsewhere) and the rule commutes with "
                  "permuting tokens, so P_a(certify wrong) is one value for every a",
                  "genaccess.spec.hidden_path.HiddenPathFamily.stage"),
    by_z3("HP2.adaptive_each", "so each path token's wrong-certification chance equals the "
          "average, which is <= e_c",
          validity("e_a = average <= e_c => e_a <= e_c", lambda: _symmetric(False),
                   wrong="e_a <= e_c/2", build_wrong=lambda: _symmetric(True)),
          uses=("HP2.adaptive_threshold", "HP2.adaptive_refined", "HP2.adaptive_symmetric")),
    by_z3("HP2.adaptive_fallback", "the cap is HP2's m at delta/32: the plurality of cap "
          "samples errs with probability <= (K-1) exp(-cap Delta^2/2) <= delta/(32 H)",
          validity("H f(cap) <= delta/32, error <= f(cap) => error <= delta/(32H)",
                   lambda: _fallback(False), wrong="error <= delta/(64H)",
                   build_wrong=lambda: _fallback(True)),
          uses=("HP2.m", "HP2.union")),
    by_z3("HP2.adaptive_stage", "a stage errs with probability <= e_c + e/32 = e = delta/H",
          validity("certify <= 31e/32, fallback <= e/32 => error <= e", lambda: _stage(False),
                   wrong="error <= 30e/32", build_wrong=lambda: _stage(True)),
          uses=("HP2.adaptive_each", "HP2.adaptive_fallback"),
          tie=Tie("genaccess.spec.sequential_test.is_HP2_adaptive_stage_error",
                  f"(K, alpha, H) in {set_text(STAGE_CASES)}, delta in "
                  f"{set_text(STAGE_DELTAS)}, every path token (exact DP)", _stage_tie)),
    by_z3("HP2.adaptive", "union over the H stages (HP2.stages): the adaptive learner "
          "recovers z with probability >= 1 - delta",
          validity("failure <= H (delta/H) => failure <= delta", lambda: _union(False),
                   wrong="failure <= delta/2", build_wrong=lambda: _union(True)),
          uses=("HP2.adaptive_stage", "HP2.stages")),
)
"""HP2 (adaptive): each stage of the posterior test errs with probability `<= delta/H`, so
the adaptive learner succeeds with probability `>= 1 - delta`."""
