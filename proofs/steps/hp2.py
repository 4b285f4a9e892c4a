"""HP2's proof, CPS-Path part: CPS-Path(m) makes `H*m` queries, satisfies LR, succeeds with
probability exactly `prod_t q(z_t)`, and `P(zhat != z) <= H (K-1) exp(-m Delta^2 / 2)`, so
`m = ceil((2/Delta^2) ln(H(K-1)/delta))` gives success `>= 1 - delta` (docs/theory.md, HP2).

Structure: the learner and the stage law (definitions); LR by induction on the stage; the
exact success by induction on the stage; one stage's error by Hoeffding on `N_b - N_a` and
the union bound over the `K-1` competitors; the `H` stages by induction on `H`; the `m` of
the bound (the bound at `m*` is `delta` and decreases in `m`). The adaptive learner's steps
(beyond the paper) are not written here yet.

`EXPONENT`, `STAGES_BASE`, `STAGES_STEP` and `decreasing_bound` are shared with the proofs
that reuse HP2's argument for another margin (NOISY1, PLANTED1).
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import sympy
import z3

from genaccess.proofs.discharge import identity, validity
from genaccess.proofs.steps.hp2_adaptive import ADAPTIVE_STEPS
from genaccess.spec.checking import cases_text, range_text, set_text
from genaccess.spec.cps_success import (
    compute_cps_m,
    compute_HP2_failure_bound,
    compute_HP2_success,
    compute_plurality_win_by_enumeration,
)
from genaccess.spec.hidden_path import HiddenPathFamily, alpha_grid
from genaccess.spec.proof import (
    Goal,
    Outcome,
    Proof,
    Tie,
    Verdict,
    by_axiom,
    by_claim,
    by_definition,
    by_induction,
    by_sympy,
    by_z3,
)

K = sympy.Symbol("K", integer=True, positive=True)
H = sympy.Symbol("H", integer=True, positive=True)
ALPHA = sympy.Symbol("alpha", positive=True)
M = sympy.Symbol("m", positive=True)
MARGIN = sympy.Symbol("Delta", positive=True)
DELTA = sympy.Symbol("delta", positive=True)
COMPETITORS = sympy.Symbol("K_1", positive=True)  # K - 1 >= 1

BETA = (1 - ALPHA) / (K - 1)
M_STAR = 2 / MARGIN**2 * sympy.log(H * COMPETITORS / DELTA)
"""`m* = (2/Delta^2) ln(H(K-1)/delta)`."""


def failure_bound(samples: sympy.Expr, margin: sympy.Expr = MARGIN) -> sympy.Expr:
    """`H (K-1) exp(-m Delta^2 / 2)`."""
    return H * COMPETITORS * sympy.exp(-samples * margin**2 / 2)


# ---------------------------------------------------------------------------------------
# Goals shared with NOISY1 and PLANTED1

EXPONENT = identity(
    "exp(-2 (m Delta)^2 / sum_{i<=m} (1 - (-1))^2) = exp(-m Delta^2 / 2)",
    sympy.exp(-2 * (M * MARGIN) ** 2 / (M * (1 - (-1)) ** 2)), sympy.exp(-M * MARGIN**2 / 2),
    wrong="increments taken in [0, 1]: exp(-2 m Delta^2)",
    wrong_rhs=sympy.exp(-2 * M * MARGIN**2),
    points={M: (1,), MARGIN: (sympy.Rational(1, 2),)})
"""Hoeffding's exponent for `m` increments in `[-1, 1]` at deviation `t = m Delta`."""


def _stages(step: bool, wrong: bool) -> tuple[list[z3.BoolRef], z3.BoolRef]:
    """`1 - prod_{t<=n} q_t <= n e` when each `1 - q_t <= e`, by induction on `n`."""
    P, q, e, n = z3.Reals("P_n q e n")
    if not step:
        return [], (1 - z3.RealVal(1) <= 0 * e) if not wrong else (1 - z3.RealVal(1) < 0)
    hypotheses = [n >= 0, e >= 0, P >= 0, P <= 1, q >= 0, q <= 1, 1 - q <= e, n * e >= 1 - P]
    bound = n * e if wrong else (n + 1) * e  # wrong: the new stage's error left out
    return hypotheses, z3.And(1 - P * q <= bound, P * q >= 0, P * q <= 1)


STAGES_BASE = validity("n = 0: 1 - (empty product) = 0 <= 0", lambda: _stages(False, False),
                       wrong="1 - 1 < 0", build_wrong=lambda: _stages(False, True))
STAGES_STEP = validity("0 <= P, q <= 1, 1 - P <= n e, 1 - q <= e => 1 - P q <= (n+1) e",
                       lambda: _stages(True, False), wrong="1 - P q <= n e",
                       build_wrong=lambda: _stages(True, True))


def decreasing_bound(margin: sympy.Expr = MARGIN) -> Goal:
    """`m -> H (K-1) exp(-m Delta^2 / 2)` strictly decreases on `[0, oo)` (sympy decides
    the sign of the derivative over the interval); the wrong variant, the exponent's sign
    flipped, increases between `m = 0` and `m = 1`."""
    m = sympy.Symbol("m", real=True)
    bound = failure_bound(m, margin)
    wrong = H * COMPETITORS * sympy.exp(m * margin**2 / 2)

    def prove() -> Outcome:
        if sympy.is_strictly_decreasing(bound, sympy.Interval(0, sympy.oo), m):
            return Outcome(Verdict.PROVED, "sympy: the derivative is negative on [0, oo)")
        return Outcome(Verdict.UNKNOWN, "sympy did not decide the derivative's sign")

    def refute() -> Outcome:
        at = {H: 1, COMPETITORS: 1, **{s: 1 for s in margin.free_symbols}}
        low, high = (sympy.simplify(wrong.subs({**at, m: x})) for x in (0, 1))
        if low < high:
            return Outcome(Verdict.REFUTED, "the wrong bound grows from m = 0 to m = 1",
                           {**{str(s): str(v) for s, v in at.items()}, "at m=0": str(low),
                            "at m=1": str(high)})
        return Outcome(Verdict.UNKNOWN, "no counterexample")

    return Goal(f"H (K-1) exp(-m ({margin})^2 / 2) strictly decreases in m >= 0",
                "exp(+m Delta^2 / 2) decreases", prove, refute)


# ---------------------------------------------------------------------------------------
# LR and the exact success


def _winner(wrong: bool) -> tuple[list[z3.BoolRef], z3.BoolRef]:
    N = z3.Function("N", z3.IntSort(), z3.IntSort())
    w, s1, k, b = z3.Ints("w s_1 K b")
    maximal = z3.ForAll([b], z3.Implies(z3.And(b >= 0, b < k), N(w) >= N(b)))
    hypotheses = [k >= 2, s1 >= 0, s1 < k, maximal]
    if not wrong:  # the first sample's token has count >= 1 (m >= 1)
        hypotheses.append(N(s1) >= 1)
    return hypotheses, N(w) >= 1


def _built(step: bool, wrong: bool) -> tuple[list[z3.BoolRef], z3.BoolRef]:
    built_u, built_next, shown = z3.Bools("built(zhat_<t) built(zhat_<t+1) sampled(zhat_t)")
    if not step:
        root = z3.Bool("built(())")
        return [root], root if not wrong else z3.Not(root)
    hypotheses = [built_u, z3.Implies(z3.And(built_u, shown), built_next)]
    if not wrong:  # the winner was sampled at zhat_<t (HP2.winner_sampled)
        hypotheses.append(shown)
    return hypotheses, built_next


def _exact(step: bool, wrong: bool) -> tuple[list[z3.BoolRef], z3.BoolRef]:
    if not step:
        p0, q0 = z3.Reals("P_0 Q_0")
        return [p0 == 1, q0 == 1], (p0 == q0) if not wrong else (p0 == 0)
    p, p_next, prod, prod_next, q = z3.Reals("P_t P_t+1 Q_t Q_t+1 q")
    fresh = p_next == (p if wrong else p * q)  # wrong: stage t+1 ignored
    return [p == prod, prod_next == prod * q, fresh], p_next == prod_next


EXACT_SHAPES = ((2, 3, 4), (3, 2, 3))
"""(K, largest H, largest m) on which the exact success is tied to the enumerated `q`."""


def _exact_tie() -> int:
    """`compute_HP2_success` equals `prod_t q(z_t)` with `q(a)` enumerated over all `K^m`
    sample sequences from the stage of `a` (the step's definition of `q`), every `z`."""
    compared = 0
    for K_, max_H, max_m in EXACT_SHAPES:
        for alpha in alpha_grid(K_)[:2]:
            stages = HiddenPathFamily(K_, 1, alpha)
            for m in range(1, max_m + 1):
                q = [compute_plurality_win_by_enumeration(stages.stage(a), m, a)
                     for a in range(K_)]
                for H_ in range(1, max_H + 1):
                    family = HiddenPathFamily(K_, H_, alpha)
                    for z in family.paths():
                        product = Fraction(1)
                        for a in z:
                            product *= q[a]
                        assert compute_HP2_success(family, m, z) == product, (family, m, z)
                        compared += 1
    return compared


# ---------------------------------------------------------------------------------------
# One stage, the H stages, and m


def _competitor(wrong: bool) -> tuple[list[z3.BoolRef], z3.BoolRef]:
    N = z3.Function("N", z3.IntSort(), z3.IntSort())
    w, a, k, b = z3.Ints("w a K b")
    maximal = z3.ForAll([b], z3.Implies(z3.And(b >= 0, b < k), N(w) >= N(b)))
    hypotheses = [k >= 2, a >= 0, a < k, w >= 0, w < k, w != a, maximal]
    return hypotheses, (N(w) > N(a)) if wrong else (N(w) >= N(a))


GRID_VOCABS = range(2, 6)
GRID_SAMPLES = (1, 5, 30)
GRID_HORIZONS = (1, 7)
GRID_DELTAS = (Fraction(1, 10), Fraction(1, 1000))
TIE_DIGITS = 40


def _grid() -> list[HiddenPathFamily]:
    return [HiddenPathFamily(K_, H_, alpha) for K_ in GRID_VOCABS for alpha in alpha_grid(K_)
            for H_ in GRID_HORIZONS]


def _margin_tie() -> int:
    """`family.margin` equals `(K alpha - 1)/(K - 1)` on the grid."""
    closed = sympy.lambdify([K, ALPHA], (K * ALPHA - 1) / (K - 1), modules=[{}])
    families = _grid()
    for family in families:
        assert family.margin == closed(Fraction(family.vocab_size), family.alpha), family
    return len(families)


def _bound_tie() -> int:
    """`compute_HP2_failure_bound`'s enclosure contains `H (K-1) exp(-m Delta^2/2)` (sympy,
    `TIE_DIGITS` digits) on the grid."""
    compared = 0
    tolerance = sympy.Rational(1, 10 ** (TIE_DIGITS - 8))
    for family in _grid():
        for m in GRID_SAMPLES:
            value = failure_bound(M).subs({H: family.horizon, COMPETITORS: family.vocab_size - 1,
                                           M: m, MARGIN: sympy.Rational(family.margin)})
            value = sympy.Rational(str(value.evalf(TIE_DIGITS)))
            low, high = compute_HP2_failure_bound(family, m)
            assert low - tolerance * value <= value <= high + tolerance * value, (family, m)
            compared += 1
    return compared


def _m_tie() -> int:
    """`compute_cps_m` equals `max(1, ceil(m*))` with `m*` evaluated by sympy, on the grid."""
    compared = 0
    for family, delta in itertools.product(_grid(), GRID_DELTAS):
        m_star = M_STAR.subs({MARGIN: sympy.Rational(family.margin), H: family.horizon,
                              COMPETITORS: family.vocab_size - 1, DELTA: sympy.Rational(delta)})
        assert compute_cps_m(family, delta) == max(1, int(sympy.ceiling(m_star))), family
        compared += 1
    return compared


def _m(wrong: bool) -> tuple[list[z3.BoolRef], z3.BoolRef]:
    m, m_star, f_m, f_star, failure, delta = z3.Reals("m m* f(m) f(m*) failure delta")
    hypotheses = [delta > 0, delta < 1, m >= m_star, m >= 1,
                  f_m <= f_star,  # HP2.decreasing, m >= m*
                  f_star == delta,  # HP2.m_star
                  failure <= f_m]  # HP2.stages
    return hypotheses, (failure <= delta / 2) if wrong else (failure <= delta)


GRID_TEXT = (f"K in {range_text(GRID_VOCABS)}, alpha = 1/K + j(1-1/K)/4 (j = 1, 2, 3), "
             f"H in {set_text(GRID_HORIZONS)}")

PROOF = Proof((
    by_definition("HP2.cps", "CPS-Path(m): for t = 1..H, m one-token sample queries at "
                  "zhat_<t and zhat_t = their plurality (ties to the lower index): exactly "
                  "H*m queries", "genaccess.reference.cps_path.plurality_walk"),
    by_claim("HP2.lr_rule", "LR: the built set starts as {()}, and an answered sample query "
             "at v builds v·a for its sampled token a", "LR"),
    by_z3("HP2.winner_sampled", "the plurality winner w of m >= 1 samples was sampled: "
          "N_w >= N_{s_1} >= 1",
          validity("N_w >= N_b for every b, N_{s_1} >= 1 => N_w >= 1",
                   lambda: _winner(False), wrong="without the first sample (m = 0)",
                   build_wrong=lambda: _winner(True)), uses=("HP2.cps",)),
    by_induction("HP2.lr", "every query prefix zhat_<t is built when CPS-Path asks it, so its "
                 "transcript satisfies LR (induction on t)", "t",
                 base=validity("() is built", lambda: _built(False, False),
                               wrong="() is not built", build_wrong=lambda: _built(False, True)),
                 step=validity("zhat_<t built, zhat_t sampled at zhat_<t => zhat_<t+1 built",
                               lambda: _built(True, False),
                               wrong="without the winner having been sampled",
                               build_wrong=lambda: _built(True, True)),
                 uses=("HP2.lr_rule", "HP2.winner_sampled")),
    by_definition("HP2.stage_law", "given zhat_<t = z_<t the m samples at stage t are i.i.d. "
                  "from the stage of z_t (alpha on z_t, beta = (1-alpha)/(K-1) on the others), "
                  "independent of the earlier stages",
                  "genaccess.spec.hidden_path.HiddenPathFamily.generator"),
    by_induction("HP2.exact", "P(zhat_<=t = z_<=t) = prod_{s<=t} q(z_s), q(a) = P(a wins the "
                 "plurality of m draws from its stage) (induction on t)", "t",
                 base=validity("P_0 = 1 = empty product", lambda: _exact(False, False),
                               wrong="P_0 = 0", build_wrong=lambda: _exact(False, True)),
                 step=validity("P_{t+1} = P_t q(z_{t+1}) (stage t+1 fresh) => P_{t+1} = "
                               "prod_{s<=t+1} q(z_s)", lambda: _exact(True, False),
                               wrong="P_{t+1} = P_t", build_wrong=lambda: _exact(True, True)),
                 uses=("HP2.cps", "HP2.stage_law"),
                 tie=Tie("genaccess.spec.cps_success.compute_HP2_success",
                         f"(K, largest H, largest m) in {cases_text(EXACT_SHAPES)}, two "
                         "alphas of the grid each, every z; q(a) by enumeration of K^m "
                         "sequences",
                         _exact_tie)),
    by_z3("HP2.competitor", "if the plurality is not a, the winner b != a has N_b >= N_a "
          "(ties count against a)",
          validity("N_w >= N_b for every b, w != a => N_w >= N_a", lambda: _competitor(False),
                   wrong="N_w > N_a (ties ignored)", build_wrong=lambda: _competitor(True)),
          uses=("HP2.cps",)),
    by_sympy("HP2.margin", "N_b - N_a = sum_i X_i, X_i = 1[s_i = b] - 1[s_i = a] in [-1, 1] "
             "with E X_i = beta - alpha = -Delta, Delta = (K alpha - 1)/(K - 1)",
             identity("alpha - (1 - alpha)/(K - 1) = (K alpha - 1)/(K - 1)", ALPHA - BETA,
                      (K * ALPHA - 1) / (K - 1), wrong="(K alpha - 1)/K",
                      wrong_rhs=(K * ALPHA - 1) / K,
                      points={K: (3,), ALPHA: (sympy.Rational(1, 2),)}),
             uses=("HP2.stage_law",),
             tie=Tie("genaccess.spec.hidden_path.HiddenPathFamily.margin", GRID_TEXT,
                     _margin_tie)),
    by_axiom("HP2.hoeffding", "P(S - E S >= t) <= exp(-2 t^2 / sum_i (b_i - a_i)^2) for the "
             "independent X_i in [-1, 1]", "hoeffding"),
    by_sympy("HP2.exponent", "{N_b >= N_a} = {S - E S >= m Delta}, whose probability is at "
             "most exp(-m Delta^2 / 2)", EXPONENT, uses=("HP2.margin", "HP2.hoeffding")),
    by_axiom("HP2.union", "1 - q(a) <= sum_{b != a} P(N_b >= N_a) <= (K-1) exp(-m Delta^2/2)",
             "union_bound", uses=("HP2.competitor", "HP2.exponent")),
    by_induction("HP2.stages", "P(zhat != z) = 1 - prod_t q(z_t) <= H (K-1) exp(-m Delta^2/2) "
                 "for every z (induction on H, e = (K-1) exp(-m Delta^2/2))", "H",
                 base=STAGES_BASE, step=STAGES_STEP, uses=("HP2.exact", "HP2.union"),
                 tie=Tie("genaccess.spec.cps_success.compute_HP2_failure_bound",
                         f"{GRID_TEXT}, m in {set_text(GRID_SAMPLES)}: the enclosure "
                         f"contains the sympy value ({TIE_DIGITS} digits)", _bound_tie)),
    by_sympy("HP2.m_star", "m* = (2/Delta^2) ln(H(K-1)/delta) solves "
             "H (K-1) exp(-m Delta^2 / 2) = delta",
             identity("H (K-1) exp(-m* Delta^2 / 2) = delta", failure_bound(M_STAR), DELTA,
                      wrong="m* = (1/Delta^2) ln(H(K-1)/delta)",
                      wrong_rhs=failure_bound(M_STAR / 2),
                      points={H: (2,), COMPETITORS: (2,), DELTA: (sympy.Rational(1, 10),),
                              MARGIN: (sympy.Rational(1, 2),)})),
    by_sympy("HP2.decreasing", "H (K-1) exp(-m Delta^2 / 2) strictly decreases in m",
             decreasing_bound()),
    by_z3("HP2.m", "m = max(1, ceil(m*)) >= m*, so P(zhat != z) <= H (K-1) exp(-m Delta^2/2) "
          "<= delta: CPS-Path succeeds with probability >= 1 - delta, with H*m queries",
          validity("m >= m*, f(m) <= f(m*) = delta, failure <= f(m) => failure <= delta",
                   lambda: _m(False), wrong="failure <= delta/2",
                   build_wrong=lambda: _m(True)),
          uses=("HP2.stages", "HP2.m_star", "HP2.decreasing", "HP2.lr"),
          tie=Tie("genaccess.spec.cps_success.compute_cps_m",
                  f"{GRID_TEXT}, delta in {set_text(GRID_DELTAS)}: max(1, ceil(m*)) with m* "
                  "evaluated by sympy", _m_tie)),
    *ADAPTIVE_STEPS,
))
"""HP2 (CPS-Path): `H*m` queries, LR, success `prod_t q(z_t)`, failure
`<= H (K-1) exp(-m Delta^2/2) <= delta` for `m = ceil((2/Delta^2) ln(H(K-1)/delta))`."""
