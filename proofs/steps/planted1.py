"""PLANTED1's proof: for any base generator `q`, path `z` and `alpha in (1/2, 1)`, the
planted stages satisfy (i) `p(a) - p(b) >= 2 alpha - 1` and (ii) `alpha p(b) <= (1-alpha)
p(a)`; hence CPS-Path with HP2's `m` for the margin `2 alpha - 1` succeeds with probability
`>= 1 - delta`, the adaptive learner run with `alpha'` errs with probability `<= delta`,
`full`/`top1` recover `z` in `H` queries, and the root-start walk learner's success is at
most `f(0) + sum_d min(1, T rho(z_<=d)) (f(d) - f(d-1))`, `f(d) = K^-max(0, H-d-1)`
(docs/theory.md, PLANTED1).

Structure: dominance (z3 over the base's two entries); CPS-Path by HP2's argument with the
margin `2 alpha - 1` (Hoeffding, union bound, the stages by induction); the adaptive
learner's parameters (its transfer to planted stages is open until the adaptive learner's
proof has steps); the argmax learners by induction on the stage; the walk learner's bound
from the reveal depth (union bound over rollouts, monotone `f`, telescoping).
"""

from __future__ import annotations

from fractions import Fraction

import sympy
import z3

from genaccess.proofs.discharge import identity, validity
from genaccess.proofs.steps.hp2 import EXPONENT, STAGES_BASE, STAGES_STEP
from genaccess.spec.checking import cases_text, set_text
from genaccess.spec.distribution import Distribution
from genaccess.spec.planted import (
    adaptive_family,
    compute_on_path_reach,
    compute_root_start_walk_bound,
    cps_family,
    extreme_bases,
    extreme_stages,
    planted_generator,
    planted_stage,
)
from genaccess.spec.prefix import all_responses
from genaccess.spec.proof import (
    Proof,
    Tie,
    bounded,
    by_axiom,
    by_claim,
    by_definition,
    by_induction,
    by_sympy,
    by_z3,
)
from genaccess.spec.sequential_test import (
    compute_adaptive_parameters,
    compute_sequential_decision_law,
)

K = sympy.Symbol("K", integer=True, positive=True)
ALPHA = sympy.Symbol("alpha", positive=True)
HALF = Fraction(1, 2)


def _stage(alpha_range: z3.BoolRef | None = None
           ) -> tuple[list[z3.BoolRef], z3.ArithRef, z3.ArithRef, z3.ArithRef]:
    """A planted stage's entries at `a = z_t` and one `b != a` from the base's `q(a), q(b)`."""
    alpha, qa, qb, pa, pb = z3.Reals("alpha q(a) q(b) p(a) p(b)")
    hypotheses = [alpha_range if alpha_range is not None
                  else z3.And(alpha > z3.RealVal(HALF), alpha < 1),
                  qa >= 0, qb >= 0, qa + qb <= 1,
                  pa == alpha + (1 - alpha) * qa, pb == (1 - alpha) * qb]
    return hypotheses, alpha, pa, pb


def _dominance(wrong: bool) -> tuple[list[z3.BoolRef], z3.BoolRef]:
    hypotheses, alpha, pa, pb = _stage()
    margin = (pa - pb > 2 * alpha - 1) if wrong else (pa - pb >= 2 * alpha - 1)
    return hypotheses, z3.And(margin, alpha * pb <= (1 - alpha) * pa)


DOMINANCE_VOCABS = (2, 3, 4)
ALPHAS = (Fraction(3, 5), Fraction(3, 4), Fraction(9, 10))


def _dominance_tie() -> int:
    """`planted_stage(q, a, alpha)` is `alpha + (1-alpha) q(a)` at `a` and `(1-alpha) q(b)`
    elsewhere (the step's `p`), for every extreme stage `q` and token `a`."""
    compared = 0
    for K_ in DOMINANCE_VOCABS:
        for q in [*extreme_stages(K_), Distribution((Fraction(1, 2), *[Fraction(
                1, 2 * (K_ - 1))] * (K_ - 1)))]:
            for a in range(K_):
                for alpha in ALPHAS:
                    expected = tuple((alpha if b == a else 0) + (1 - alpha) * q[b]
                                     for b in range(K_))
                    assert planted_stage(q, a, alpha).probs == expected, (q, a, alpha)
                    compared += 1
    return compared


def _deviation(wrong: bool) -> tuple[list[z3.BoolRef], z3.BoolRef]:
    s, mean, m, margin, pa, pb = z3.Reals("S E[S] m Delta' p(a) p(b)")
    hypotheses = [m >= 1, mean == m * (pb - pa), pa - pb >= margin, s >= 0]
    return hypotheses, (s - mean > m * margin) if wrong else (s - mean >= m * margin)


def _cps(wrong: bool) -> tuple[list[z3.BoolRef], z3.BoolRef]:
    success, bound, delta = z3.Reals("P(zhat=z) H(K-1)e delta")
    hypotheses = [delta > 0, delta < 1, 1 - success <= bound, bound <= delta]
    return hypotheses, (success >= 1 - delta / 2) if wrong else (success >= 1 - delta)


def _margin_tie() -> int:
    """`cps_family(K, H, alpha)` has margin `2 alpha - 1`; `adaptive_family`'s alpha is
    `alpha / (alpha + (K-1)(1-alpha))`."""
    compared = 0
    for K_ in DOMINANCE_VOCABS:
        for alpha in ALPHAS:
            assert cps_family(K_, 2, alpha).margin == 2 * alpha - 1, (K_, alpha)
            assert adaptive_family(K_, 2, alpha).alpha == alpha / (
                alpha + (K_ - 1) * (1 - alpha)), (K_, alpha)
            compared += 1
    return compared


ALPHA_H = ((2 * ALPHA - 1) * (K - 1) + 1) / K


def _cps_range(wrong: bool) -> tuple[list[z3.BoolRef], z3.BoolRef]:
    k, alpha = z3.Reals("K alpha")
    alpha_h = ((2 * alpha - 1) * (k - 1) + 1) / k
    top = (alpha <= 1) if wrong else (alpha < 1)
    return [k >= 2, alpha > z3.RealVal(HALF), top], z3.And(alpha_h > 1 / k, alpha_h < 1)
ALPHA_PRIME = ALPHA / (ALPHA + (K - 1) * (1 - ALPHA))


def _adaptive_margin(wrong: bool) -> tuple[list[z3.BoolRef], z3.BoolRef]:
    k, alpha, ap, bp = z3.Reals("K alpha alpha' beta'")
    hypotheses = [k >= 2, alpha > z3.RealVal(HALF), alpha < 1,
                  ap * (alpha + (k - 1) * (1 - alpha)) == alpha, bp * (k - 1) == 1 - ap]
    bound = (2 * alpha - 1) * ap if wrong else 2 * alpha - 1
    return hypotheses, ap - bp <= bound


ADAPTIVE_CASES = ((2, 3, Fraction(3, 4)), (3, 3, Fraction(3, 4)), (3, 4, Fraction(9, 10)))
DELTA = Fraction(1, 10)


def _adaptive_check() -> int:
    """The adaptive stage test with `adaptive_family`'s parameters decides a wrong token
    with exact probability `<= delta/H` at every planted stage over an extreme base stage."""
    compared = 0
    for K_, H_, alpha in ADAPTIVE_CASES:
        test = compute_adaptive_parameters(adaptive_family(K_, H_, alpha), DELTA)
        for q in extreme_stages(K_):
            for a in range(K_):
                law, _ = compute_sequential_decision_law(planted_stage(q, a, alpha), test)
                assert 1 - law.get(a, Fraction(0)) <= DELTA / H_, (K_, H_, alpha, q, a)
                compared += 1
    return compared


def _argmax(wrong: bool) -> tuple[list[z3.BoolRef], z3.BoolRef]:
    a = z3.Real("alpha")
    low = (a >= z3.RealVal(HALF)) if wrong else (a > z3.RealVal(HALF))
    hypotheses, _, pa, pb = _stage(z3.And(low, a < 1))
    return hypotheses, pa > pb


def _recover(step: bool, wrong: bool) -> tuple[list[z3.BoolRef], z3.BoolRef]:
    if not step:
        n = z3.Int("queries_0")
        return [n == 0], (n == 0) if not wrong else (n == 1)
    agree, right = z3.Bools("zhat_<t=z_<t zhat_t=z_t")
    n, n1 = z3.Ints("queries_t queries_t+1")
    hypotheses = [n1 == n + 1, z3.Implies(agree, right)]  # PLANTED1.argmax at z_<t
    if not wrong:  # wrong: the induction hypothesis left out
        hypotheses.append(agree)
    return hypotheses, z3.And(agree, right, n1 == n + 1)


def _monotone(step: bool, wrong: bool) -> tuple[list[z3.BoolRef], z3.BoolRef]:
    """`f(d1) <= f(d2)` for `d1 <= d2`, by induction on `d2 - d1`: `f(d+1)` is `K f(d)`
    below `d = H-1` and `f(d)` from there (`f > 0`)."""
    if not step:
        f1 = z3.Real("f(d1)")
        return [f1 > 0], (f1 <= f1) if not wrong else (f1 < f1)
    f1, f2, f3, k = z3.Reals("f(d1) f(d2) f(d2+1) K")
    below = z3.Bool("d2+1<=H-1")
    grown = f2 / k if wrong else k * f2  # wrong: f shrinks by K
    return [k >= 2, f1 > 0, f2 > 0, f1 <= f2, f3 == z3.If(below, grown, f2)], f1 <= f3


def _walk_depth(wrong: bool) -> tuple[list[z3.BoolRef], z3.BoolRef]:
    f = z3.Function("f", z3.IntSort(), z3.RealSort())
    length, depth, d1, d2 = z3.Ints("l D d1 d2")
    success = z3.Real("P(output=z|transcript)")
    monotone = z3.ForAll([d1, d2], z3.Implies(d1 <= d2, f(d1) <= f(d2)))
    hypotheses = [monotone, f(depth) > 0, length >= 0, depth >= 0, length - 1 <= depth,
                  z3.Or(success == f(length - 1), success == 0)]
    return hypotheses, success <= f(depth - 1 if wrong else depth)


def _tail(step: bool, wrong: bool) -> tuple[list[z3.BoolRef], z3.BoolRef]:
    """`f(D) = f(0) + sum_{d=1}^D (f(d) - f(d-1))`, by induction on `D`."""
    f0 = z3.Real("f(0)")
    if not step:
        s0 = z3.Real("Sigma_0")
        return [s0 == 0], (f0 == f0 + s0) if not wrong else (f0 == f0 + s0 + 1)
    fd, fd1, s, s1 = z3.Reals("f(D) f(D+1) Sigma_D Sigma_D+1")
    increment = fd1 if wrong else fd1 - fd  # wrong: the increment not differenced
    return [fd == f0 + s, s1 == s + increment], fd1 == f0 + s1


def _sum_bound(step: bool, wrong: bool) -> tuple[list[z3.BoolRef], z3.BoolRef]:
    """`sum_{d<=n} P(D >= d) g_d <= sum_{d<=n} min(1, T rho_d) g_d` for `g_d >= 0`."""
    if not step:
        a0, b0 = z3.Reals("A_0 B_0")
        return [a0 == 0, b0 == 0], (a0 <= b0) if not wrong else (a0 < b0)
    a, b, p, cap, g = z3.Reals("A_n B_n P(D>=d) min(1,T*rho_d) f(d)-f(d-1)")
    hypotheses = [a <= b, p >= 0, p <= cap]
    if not wrong:  # wrong: f not known to be non-decreasing
        hypotheses.append(g >= 0)
    return hypotheses, a + p * g <= b + cap * g


WALK_SHAPE = (2, 2)
WALK_ALPHA = Fraction(3, 4)
WALK_QUERIES = (1, 2, 3)


def _walk_tie() -> int:
    """`compute_root_start_walk_bound` equals the step's `f(0) + sum_d min(1, T rho_d)
    (f(d) - f(d-1))` (sympy, `f(d) = K^-max(0, H-d-1)`) on the planted reach of every
    extreme base and path of `WALK_SHAPE`."""
    Kf, Hf, d = sympy.symbols("K H d", integer=True)
    f = sympy.lambdify((Kf, Hf, d), Kf ** -sympy.Max(0, Hf - d - 1), modules=[{}])
    K_, H_ = WALK_SHAPE
    compared = 0
    for base in extreme_bases(K_, H_):
        for z in all_responses(K_, H_):
            reach = compute_on_path_reach(planted_generator(base, z, WALK_ALPHA), z)
            for T_ in WALK_QUERIES:
                value = f(Fraction(K_), H_, 0) + sum(
                    (min(Fraction(1), T_ * reach[i]) * (f(Fraction(K_), H_, i)
                                                        - f(Fraction(K_), H_, i - 1))
                     for i in range(1, H_ + 1)), Fraction(0))
                assert compute_root_start_walk_bound(reach, K_, T_) == value, (z, T_)
                compared += 1
    return compared


M_ = sympy.Symbol("m", positive=True)
ADAPTIVE_TEXT = (f"(K, H, alpha) in {cases_text(ADAPTIVE_CASES)}, delta = {DELTA}, every "
                 "extreme base stage and path token, exact DP over count vectors")

PROOF = Proof((
    by_definition("PLANTED1.rule", "p(.|z_<t) = alpha 1[. = z_t] + (1-alpha) q(.|z_<t) at "
                  "each on-path prefix, p = q everywhere else",
                  "genaccess.spec.planted.PlantedRule"),
    by_z3("PLANTED1.dominance", "at a planted stage, a = z_t, every b != a: (i) p(a) - p(b) "
          ">= 2 alpha - 1 and (ii) alpha p(b) <= (1-alpha) p(a), whatever q",
          validity("q(a), q(b) >= 0, q(a) + q(b) <= 1, 1/2 < alpha < 1 => (i) and (ii)",
                   lambda: _dominance(False), wrong="(i) strict",
                   build_wrong=lambda: _dominance(True)),
          uses=("PLANTED1.rule",),
          tie=Tie("genaccess.spec.planted.planted_stage",
                  f"K in {set_text(DOMINANCE_VOCABS)}, every extreme stage and (1/2, ...), "
                  f"every token, alpha in {set_text(ALPHAS)}", _dominance_tie)),
    by_z3("PLANTED1.deviation", "N_b - N_a = S, a sum of m i.i.d. increments in [-1, 1] with "
          "E S = m (p(b) - p(a)) <= -m Delta', Delta' = 2 alpha - 1: {N_b >= N_a} implies "
          "S - E S >= m Delta'",
          validity("S >= 0, E S = m (p(b) - p(a)), p(a) - p(b) >= Delta' => S - E S >= m "
                   "Delta'", lambda: _deviation(False), wrong="S - E S > m Delta'",
                   build_wrong=lambda: _deviation(True)),
          uses=("PLANTED1.dominance",)),
    by_axiom("PLANTED1.hoeffding", "P(S - E S >= t) <= exp(-2 t^2 / sum_i (b_i - a_i)^2)",
             "hoeffding"),
    by_sympy("PLANTED1.exponent", "P(N_b >= N_a) <= exp(-m Delta'^2 / 2) (HP2's exponent at "
             "Delta = Delta')", EXPONENT, uses=("PLANTED1.deviation", "PLANTED1.hoeffding")),
    by_axiom("PLANTED1.union", "a planted stage's plurality errs with probability <= "
             "(K-1) exp(-m Delta'^2/2) (some b != z_t has N_b >= N_{z_t})", "union_bound",
             uses=("PLANTED1.exponent",)),
    by_induction("PLANTED1.stages", "CPS-Path's success is prod_t P(z_t wins at z_<t) (each "
                 "stage fresh given the earlier ones right), and 1 - prod_{t<=H} q_t <= H e "
                 "when each 1 - q_t <= e (induction on H)", "H",
                 base=STAGES_BASE, step=STAGES_STEP, uses=("PLANTED1.union",)),
    by_sympy("PLANTED1.cps_family", "the HP family with alpha_h = ((2 alpha - 1)(K-1) + 1)/K "
             "has margin alpha_h - (1 - alpha_h)/(K-1) = 2 alpha - 1",
             identity("alpha_h - (1 - alpha_h)/(K-1) = 2 alpha - 1",
                      ALPHA_H - (1 - ALPHA_H) / (K - 1), 2 * ALPHA - 1,
                      wrong="= 2 alpha - 1 - 1/K", wrong_rhs=2 * ALPHA - 1 - 1 / K,
                      points={K: (3,), ALPHA: (sympy.Rational(3, 4),)}),
             tie=Tie("genaccess.spec.planted.cps_family",
                     f"K in {set_text(DOMINANCE_VOCABS)}, alpha in {set_text(ALPHAS)}",
                     _margin_tie)),
    by_z3("PLANTED1.cps_range", "1/K < alpha_h < 1 for 1/2 < alpha < 1: that family is a "
          "hidden-path family, to which HP2 applies",
          validity("1/2 < alpha < 1 => 1/K < ((2 alpha - 1)(K-1) + 1)/K < 1",
                   lambda: _cps_range(False), wrong="alpha = 1 allowed",
                   build_wrong=lambda: _cps_range(True))),
    by_claim("PLANTED1.hp2", "HP2's m for that family, ceil((2/Delta'^2) ln(H(K-1)/delta)), "
             "makes H (K-1) exp(-m Delta'^2 / 2) <= delta", "HP2"),
    by_z3("PLANTED1.cps", "CPS-Path with HP2's m for the margin 2 alpha - 1 succeeds with "
          "probability >= 1 - delta on every planted generator",
          validity("1 - P <= H (K-1) e <= delta => P >= 1 - delta", lambda: _cps(False),
                   wrong="P >= 1 - delta/2", build_wrong=lambda: _cps(True)),
          uses=("PLANTED1.stages", "PLANTED1.cps_family", "PLANTED1.cps_range",
                "PLANTED1.hp2")),
    by_sympy("PLANTED1.adaptive_ratio", "alpha' = alpha / (alpha + (K-1)(1-alpha)) has "
             "beta'/alpha' = (1-alpha)/alpha, so (ii) is p(b)/p(a) <= beta'/alpha'",
             identity("((1 - alpha')/(K-1)) / alpha' = (1-alpha)/alpha",
                      ((1 - ALPHA_PRIME) / (K - 1)) / ALPHA_PRIME, (1 - ALPHA) / ALPHA,
                      wrong="(1-alpha)/(alpha (K-1))",
                      wrong_rhs=(1 - ALPHA) / (ALPHA * (K - 1)),
                      points={K: (3,), ALPHA: (sympy.Rational(3, 4),)}),
             uses=("PLANTED1.dominance",)),
    by_z3("PLANTED1.adaptive_margin", "alpha' - beta' <= 2 alpha - 1, so (i) gives every "
          "planted stage at least the margin the adaptive learner's fallback assumes",
          validity("alpha' (alpha + (K-1)(1-alpha)) = alpha, beta' = (1-alpha')/(K-1) => "
                   "alpha' - beta' <= 2 alpha - 1", lambda: _adaptive_margin(False),
                   wrong="<= (2 alpha - 1) alpha'", build_wrong=lambda: _adaptive_margin(True)),
          uses=("PLANTED1.dominance",)),
    bounded("PLANTED1.adaptive", "the adaptive learner run with alpha' errs with probability "
            "<= delta on every planted generator (each stage <= delta/H)",
            domain=ADAPTIVE_TEXT,
            reason="the adaptive learner's proof (HP2, reference/adaptive_cps.py) has no steps "
            "yet; once its stage lemma is stated for any stage with p(b)/p(a) <= beta/alpha "
            "and margin >= Delta, this step is that lemma with PLANTED1.adaptive_ratio and "
            "PLANTED1.adaptive_margin", check=_adaptive_check,
            uses=("PLANTED1.adaptive_ratio", "PLANTED1.adaptive_margin")),
    by_z3("PLANTED1.argmax", "p(z_t) >= alpha > 1/2 > 1 - alpha >= p(b): z_t is the unique "
          "most likely token at z_<t",
          validity("1/2 < alpha < 1 => p(a) > p(b)", lambda: _argmax(False),
                   wrong="alpha = 1/2 allowed", build_wrong=lambda: _argmax(True)),
          uses=("PLANTED1.rule",)),
    by_definition("PLANTED1.logits", "logits_path: one full query at zhat_<t, zhat_t its "
                  "argmax", "genaccess.reference.logits_learner.logits_path"),
    by_definition("PLANTED1.top1", "top1_path: one top1 query at zhat_<t, zhat_t the reported "
                  "top token (the argmax)", "genaccess.reference.logits_learner.top1_path"),
    by_induction("PLANTED1.recover", "after t queries zhat_<=t = z_<=t (induction on t): "
                 "full or top1 recover z in exactly H queries", "t",
                 base=validity("no query, zhat_<1 = () = z_<1", lambda: _recover(False, False),
                               wrong="one query before the first stage",
                               build_wrong=lambda: _recover(False, True)),
                 step=validity("zhat_<t = z_<t and the argmax at z_<t is z_t => zhat_<=t = "
                               "z_<=t, one more query", lambda: _recover(True, False),
                               wrong="without zhat_<t = z_<t",
                               build_wrong=lambda: _recover(True, True)),
                 uses=("PLANTED1.argmax", "PLANTED1.logits", "PLANTED1.top1")),
    by_definition("PLANTED1.walk", "the walk learner keeps its longest walk and completes it "
                  "with uniform tokens; a walk is one rollout's tokens while they are the "
                  "argmax of probability >= alpha, then at most one argmax token",
                  "genaccess.reference.planted_root_start.root_start_walk"),
    by_induction("PLANTED1.f_monotone", "f(d) = K^-max(0, H-d-1) is non-decreasing (induction "
                 "on d2 - d1)", "d2 - d1",
                 base=validity("f(d1) <= f(d1)", lambda: _monotone(False, False),
                               wrong="f(d1) < f(d1)", build_wrong=lambda: _monotone(False, True)),
                 step=validity("f(d1) <= f(d2), f(d2+1) in {K f(d2), f(d2)} => f(d1) <= "
                               "f(d2+1)", lambda: _monotone(True, False),
                               wrong="f(d2+1) = f(d2)/K below H-1",
                               build_wrong=lambda: _monotone(True, True))),
    by_z3("PLANTED1.walk_depth", "a kept walk of length l that is a prefix of z comes from a "
          "rollout following z for >= l-1 tokens, so l-1 <= D (the deepest common prefix of a "
          "rollout with z); the output is z with probability K^-(H-l) = f(l-1) <= f(D), else 0",
          validity("l - 1 <= D, f > 0 non-decreasing, success in {f(l-1), 0} => success <= f(D)",
                   lambda: _walk_depth(False), wrong="success <= f(D - 1) (no argmax token)",
                   build_wrong=lambda: _walk_depth(True)),
          uses=("PLANTED1.walk", "PLANTED1.f_monotone")),
    by_induction("PLANTED1.tail", "f(D) = f(0) + sum_{d=1}^D (f(d) - f(d-1)), so E f(D) = f(0) "
                 "+ sum_{d=1}^H P(D >= d)(f(d) - f(d-1)) (induction on D)", "D",
                 base=validity("f(0) = f(0) + 0", lambda: _tail(False, False),
                               wrong="f(0) = f(0) + 1", build_wrong=lambda: _tail(False, True)),
                 step=validity("f(D) = f(0) + Sigma_D => f(D+1) = f(0) + Sigma_D + (f(D+1) - "
                               "f(D))", lambda: _tail(True, False),
                               wrong="Sigma_{D+1} = Sigma_D + f(D+1)",
                               build_wrong=lambda: _tail(True, True))),
    by_axiom("PLANTED1.reach_union", "P(D >= d) <= min(1, T rho(z_<=d)): some of the T "
             "rollouts follows z for d tokens, each with probability rho(z_<=d)",
             "union_bound"),
    by_induction("PLANTED1.root_start", "the walk learner's success with T rollouts is at most "
                 "E f(D) <= f(0) + sum_{d=1}^H min(1, T rho(z_<=d)) (f(d) - f(d-1)) (induction "
                 "on the number of terms)", "n",
                 base=validity("0 <= 0", lambda: _sum_bound(False, False), wrong="0 < 0",
                               build_wrong=lambda: _sum_bound(False, True)),
                 step=validity("A <= B, P <= min(1, T rho), f(d) - f(d-1) >= 0 => A + P g <= "
                               "B + min(1, T rho) g", lambda: _sum_bound(True, False),
                               wrong="without f(d) - f(d-1) >= 0",
                               build_wrong=lambda: _sum_bound(True, True)),
                 uses=("PLANTED1.walk_depth", "PLANTED1.tail", "PLANTED1.reach_union",
                       "PLANTED1.f_monotone"),
                 tie=Tie("genaccess.spec.planted.compute_root_start_walk_bound",
                         f"(K, H) = {WALK_SHAPE}, alpha = {WALK_ALPHA}, every extreme base "
                         f"and path, T in {set_text(WALK_QUERIES)}", _walk_tie)),
))
"""PLANTED1: dominance; CPS-Path keeps `1 - delta`; the adaptive learner (open: its proof has
no steps yet); full/top1 in `H` queries; the walk learner's root-start bound."""
