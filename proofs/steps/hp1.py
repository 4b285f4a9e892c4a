"""HP1's proof: in HP(K, H, alpha) with `z` uniform, the best probability of outputting `z`
after `T` canonical root-start queries is `S_T = sum_{d=0}^H P(D = d) K^-(H-d)` with
`P(D <= d) = (1 - alpha^d)^T` for `d <= H-1` and `P(D <= H) = 1`; `S_T <= 1 - (1 -
alpha^(H-1))^T + 1/K <= T alpha^(H-1) + 1/K` for every root-start observation type of R1's
list, so success 3/4 needs `T >= (3/4 - 1/K) alpha^-(H-1)` (docs/theory.md, HP1).

Structure: one rollout's observation (which path tokens it reveals, and that its probability
is the same under every path consistent with them); the depth `D` the `T` rollouts reveal
(induction on the depth, then on `T`); the posterior is uniform on the consistent paths, so
the MAP success (the best, by the `map_optimal` axiom) is `E[K^-(H-D)] = S_T`; Abel
summation (induction on `H`) and Bernoulli's inequality (induction on `T`) give the bounds;
other observation types are garblings of the canonical one (`data_processing`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from fractions import Fraction
from typing import cast

import sympy
import z3

from genaccess.proofs.discharge import identity, validity
from genaccess.spec.checking import cases_text, range_text
from genaccess.spec.garbling import root_start_law
from genaccess.spec.hidden_path import HiddenPathFamily, alpha_grid
from genaccess.spec.observation import Full, FullReport
from genaccess.spec.proof import (
    Proof,
    Tie,
    by_axiom,
    by_definition,
    by_induction,
    by_sympy,
    by_z3,
)
from genaccess.spec.root_start_success import (
    compute_HP1_bound,
    compute_HP1_queries_lower_bound,
    compute_HP1_revealed_depth_cdf,
    compute_HP1_success,
)

K = sympy.Symbol("K", integer=True, positive=True)
H = sympy.Symbol("H", integer=True, positive=True)
ALPHA = sympy.Symbol("alpha", positive=True)
T = sympy.Symbol("T", integer=True, nonnegative=True)
D = sympy.Symbol("d", integer=True, nonnegative=True)
J = sympy.Symbol("j", integer=True, nonnegative=True)

CDF = (1 - ALPHA**D) ** T
"""`P(D <= d) = (1 - alpha^d)^T` for `d <= H-1`."""
LIKELIHOOD = ALPHA**J * (1 - ALPHA) / (K - 1) * K ** (J + 1 - H)
"""A rollout following `z` for exactly `j < H` tokens: `alpha^j beta K^-(H-1-j)`."""


@functools.cache
def _lambdify(args: tuple[sympy.Symbol, ...], expr: sympy.Expr) -> Callable[..., Fraction]:
    """`expr` as a function of `args` on exact `Fraction`s (built once per expression)."""
    return cast(Callable[..., Fraction], sympy.lambdify(args, expr, modules=[{}]))


# ---------------------------------------------------------------------------------------
# One rollout


def _sequences() -> tuple[z3.FuncDeclRef, z3.FuncDeclRef, z3.FuncDeclRef]:
    y, z, zp = (z3.Function(name, z3.IntSort(), z3.IntSort()) for name in ("y", "z", "z'"))
    return y, z, zp


def _agrees(f: z3.FuncDeclRef, g: z3.FuncDeclRef, lo: z3.ArithRef, hi: z3.ArithRef
            ) -> z3.BoolRef:
    t = z3.Int("t")
    return z3.ForAll([t], z3.Implies(z3.And(lo <= t, t < hi), f(t) == g(t)))


def _follows(y: z3.FuncDeclRef, z: z3.FuncDeclRef, j: z3.ArithRef, h: z3.ArithRef
             ) -> z3.BoolRef:
    """`y` follows `z` for exactly `j` tokens (0-indexed positions `0..H-1`)."""
    return z3.And(_agrees(y, z, z3.IntVal(0), j), z3.Implies(j < h, y(j) != z(j)))


def _revealed(j: z3.ArithRef, h: z3.ArithRef) -> z3.ArithRef:
    return z3.If(j < h, j + 1, h)


def _consistent(wrong: bool) -> tuple[list[z3.BoolRef], z3.BoolRef]:
    y, z, zp = _sequences()
    j, h = z3.Ints("j H")
    shown = _revealed(j, h) - (1 if wrong else 0)  # wrong: the extra revealed token dropped
    hypotheses = [h >= 1, j >= 0, j <= h, _follows(y, z, j, h),
                  _agrees(zp, z, z3.IntVal(0), shown)]
    return hypotheses, _follows(y, zp, j, h)


def _inconsistent(wrong: bool) -> tuple[list[z3.BoolRef], z3.BoolRef]:
    y, z, zp = _sequences()
    j, h, t0 = z3.Ints("j H t0")
    hypotheses = [h >= 1, j >= 0, j <= h, _follows(y, z, j, h), t0 >= 0,
                  t0 < _revealed(j, h), zp(t0) != z(t0), _agrees(zp, z, z3.IntVal(0), t0)]
    on_path = (t0 < j) if wrong else (t0 <= j)
    return hypotheses, z3.And(on_path, _agrees(y, zp, z3.IntVal(0), t0))


ROLLOUT_SHAPES = ((2, 1), (2, 2), (2, 3), (3, 1), (3, 2))


def _rollout_tie() -> int:
    """Every observation of one canonical rollout (the oracle's exact law, every `z`): the
    rows shown reveal exactly `z_1..z_D`, `D = min(j+1, H)`, and its probability is
    `LIKELIHOOD` (`alpha^H` when `j = H`)."""
    likelihood = _lambdify((ALPHA, K, H, J), LIKELIHOOD)
    compared = 0
    for K_, H_ in ROLLOUT_SHAPES:
        for alpha in alpha_grid(K_)[:2]:
            family = HiddenPathFamily(K_, H_, alpha)
            for z in family.paths():
                for (reports,), p in root_start_law(family.generator(z), Full(), 1).items():
                    steps = [r for r in reports if isinstance(r, FullReport)]
                    y = [r.sampled for r in steps]
                    j = next((t for t in range(H_) if y[t] != z[t]), H_)
                    depth = min(j + 1, H_)
                    shown = [None if len(set(r.dist.probs)) == 1 else r.dist.argmax()
                             for r in steps]
                    assert shown == [*z[:depth], *[None] * (H_ - depth)], (z, y, shown)
                    expected = alpha**H_ if j == H_ else likelihood(alpha, Fraction(K_), H_, j)
                    assert p == expected, (family, z, y, p, expected)
                    compared += 1
    return compared


def _one_depth(wrong: bool) -> tuple[list[z3.BoolRef], z3.BoolRef]:
    j, d, h = z3.Ints("j d H")
    shallow = (j <= d) if wrong else (j < d)
    return ([d >= 0, d <= h - 1, j >= 0, j <= h],
            (_revealed(j, h) <= d) == shallow)


# ---------------------------------------------------------------------------------------
# The closed form, Abel summation, the bounds

VOCABS = range(2, 5)
HORIZONS = range(1, 6)
QUERIES = range(7)
GRID_TEXT = (f"K in {range_text(VOCABS)}, alpha = 1/K + j(1-1/K)/4 (j = 1, 2, 3), H in "
             f"{range_text(HORIZONS)}, T in {range_text(QUERIES)}")


def _grid() -> list[tuple[HiddenPathFamily, int]]:
    return [(HiddenPathFamily(K_, H_, alpha), T_) for K_ in VOCABS for alpha in alpha_grid(K_)
            for H_ in HORIZONS for T_ in QUERIES]


def _cdfs(family: HiddenPathFamily, queries: int) -> list[Fraction]:
    """`F_0..F_H` from the step's `CDF` (`F_H = 1`)."""
    cdf = _lambdify((ALPHA, D, T), CDF)
    return [cdf(family.alpha, d, queries) for d in range(family.horizon)] + [Fraction(1)]


def _cdf_tie() -> int:
    """`compute_HP1_revealed_depth_cdf` equals the step's `(1 - alpha^d)^T` (1 at `d = H`)."""
    compared = 0
    for family, T_ in _grid():
        for d, F in enumerate(_cdfs(family, T_)):
            assert compute_HP1_revealed_depth_cdf(family, T_, d) == F, (family, T_, d)
            compared += 1
    return compared


def _closed_tie(abel: bool) -> int:
    """`compute_HP1_success` equals `sum_{d=0}^H (F_d - F_{d-1}) K^(d-H)` (with `abel`:
    `1 - (1 - 1/K) sum_{d<H} F_d K^(d+1-H)`), `F` from the step's `CDF`."""
    term = _lambdify((K, H, D), K ** (D - H))
    compared = 0
    for family, T_ in _grid():
        K_, H_ = Fraction(family.vocab_size), family.horizon
        F = _cdfs(family, T_)
        if abel:
            value = 1 - (1 - 1 / K_) * sum((F[d] * term(K_, H_ - 1, d) for d in range(H_)),
                                           Fraction(0))
        else:
            value = sum(((F[d] - (F[d - 1] if d else 0)) * term(K_, H_, d)
                         for d in range(H_ + 1)), Fraction(0))
        assert compute_HP1_success(family, T_) == value, (family, T_, abel)
        compared += 1
    return compared


def _abel(step: bool, wrong: bool) -> tuple[list[z3.BoolRef], z3.BoolRef]:
    """`G_n = sum_{d=0}^n (F_d - F_{d-1}) K^(d-n)` and `A_n = sum_{d=0}^{n-1} F_d K^(d+1-n)`:
    `G_n = F_n - (1 - 1/K) A_n`, by induction on `n` (`F_{-1} = 0`)."""
    k = z3.Real("K")
    if not step:
        g0, f0, a0 = z3.Reals("G_0 F_0 A_0")
        claim = (g0 == (1 - 1 / k) * f0) if wrong else (g0 == f0 - (1 - 1 / k) * a0)
        return [k >= 2, g0 == f0 - 0, a0 == 0], claim
    g, g1, f, f1, a, a1 = z3.Reals("G_n G_n+1 F_n F_n+1 A_n A_n+1")
    peeled = f1 if wrong else f  # wrong: the peeled term of A off by one
    hypotheses = [k >= 2, g == f - (1 - 1 / k) * a,
                  g1 == g / k + (f1 - f),  # the last term peeled, the rest scaled by 1/K
                  a1 == a / k + peeled]
    return hypotheses, g1 == f1 - (1 - 1 / k) * a1


def _first_bound(wrong: bool) -> tuple[list[z3.BoolRef], z3.BoolRef]:
    s, a, f, rest, k = z3.Reals("S_T A_H F_H-1 R K")
    hypotheses = [k >= 2, f >= 0, f <= 1, rest >= 0, a == f + rest, s == 1 - (1 - 1 / k) * a]
    return hypotheses, (s <= 1 - f) if wrong else (s <= 1 - f + 1 / k)


def _bernoulli(step: bool, wrong: bool) -> tuple[list[z3.BoolRef], z3.BoolRef]:
    """`0 <= (1-x)^T <= 1` and `1 - (1-x)^T <= T x` for `x in [0, 1]`."""
    x = z3.Real("x")
    if not step:
        p0 = z3.Real("P_0")
        return [x >= 0, x <= 1, p0 == 1], (1 - p0 <= 0) if not wrong else (1 - p0 < 0)
    p, n = z3.Reals("P_T T")
    hypotheses = [x >= 0, x <= 1, n >= 0, p >= 0, p <= 1, 1 - p <= n * x]
    bound = n * x if wrong else (n + 1) * x  # wrong: the new query's x left out
    return hypotheses, z3.And(p * (1 - x) >= 0, p * (1 - x) <= 1, 1 - p * (1 - x) <= bound)


def _second_bound(wrong: bool) -> tuple[list[z3.BoolRef], z3.BoolRef]:
    s, p, x, n, k = z3.Reals("S_T P x T K")
    hypotheses = [k >= 2, s <= 1 - p + 1 / k, 1 - p <= n * x]
    return hypotheses, (s <= n * x) if wrong else (s <= n * x + 1 / k)


def _bound_tie() -> int:
    """`compute_HP1_bound` equals the steps' `(1 - F_{H-1} + 1/K, T alpha^(H-1) + 1/K)`."""
    first = _lambdify((ALPHA, K, H, T), 1 - CDF.subs(D, H - 1) + 1 / K)
    second = _lambdify((ALPHA, K, H, T), T * ALPHA ** (H - 1) + 1 / K)
    for family, T_ in _grid():
        args = (family.alpha, Fraction(family.vocab_size), family.horizon, T_)
        assert compute_HP1_bound(family, T_) == (first(*args), second(*args)), (family, T_)
    return len(_grid())


TARGET = Fraction(3, 4)
S_ = sympy.Symbol("s", positive=True)


def _queries(wrong: bool) -> tuple[list[z3.BoolRef], z3.BoolRef]:
    s, best, x, n, k = z3.Reals("s S_T x T K")
    hypotheses = [k >= 2, x > 0, s <= best, best <= n * x + 1 / k, s >= z3.RealVal(TARGET)]
    slack = 0 if wrong else 1 / k
    return hypotheses, n >= (z3.RealVal(TARGET) - slack) / x


def _queries_tie() -> int:
    """`compute_HP1_queries_lower_bound(3/4)` equals `(3/4 - 1/K) alpha^-(H-1)`."""
    lower = _lambdify((S_, ALPHA, K, H), (S_ - 1 / K) / ALPHA ** (H - 1))
    families = {family for family, _ in _grid()}
    for f in families:
        assert compute_HP1_queries_lower_bound(f, TARGET) == lower(
            TARGET, f.alpha, Fraction(f.vocab_size), f.horizon), f
    return len(families)


N_ = sympy.Symbol("N", integer=True, positive=True)
I_ = sympy.Symbol("i", integer=True)
C_ = sympy.Symbol("c", positive=True)
P_ = sympy.Function("P")
X_ = sympy.Symbol("x")
TIE_TEXT = f"{GRID_TEXT}, exact"

PROOF = Proof((
    by_definition("HP1.family", "pi_z(.|z_<t) puts alpha on z_t and beta = (1-alpha)/(K-1) on "
                  "every other token; pi_z(.|u) is uniform at every u off the path",
                  "genaccess.spec.hidden_path.HiddenPathFamily.generator"),
    by_definition("HP1.canonical", "a canonical root-start query draws y ~ pi_z token by token "
                  "and reports (y_t, pi_z(.|y_<t)) at each step; the T queries draw "
                  "independently", "genaccess.spec.oracle.Oracle.rollout"),
    by_z3("HP1.consistent", "a rollout following z for exactly j tokens shows the rows at "
          "z_<1..z_<D, D = min(j+1, H) (revealing z_1..z_D), then uniform rows; under every z' "
          "equal to z on those D tokens it follows z' for exactly j tokens, so it has the same "
          "probability alpha^j beta^[j<H] K^-(H-1-j)^+ under every consistent z'",
          validity("y follows z for exactly j, z' = z on [0, D) => y follows z' for exactly j",
                   lambda: _consistent(False), wrong="z' = z on [0, D-1) only",
                   build_wrong=lambda: _consistent(True)),
          uses=("HP1.family", "HP1.canonical"),
          tie=Tie("genaccess.spec.garbling.root_start_law",
                  f"(K, H) in {cases_text(ROLLOUT_SHAPES)}, two alphas of the grid each, "
                  "every z, every observation of one rollout", _rollout_tie)),
    by_z3("HP1.inconsistent", "under a z' that differs from z at a first index t0 < D the "
          "rollout is on the path of z' at step t0, whose row there names z'_t0 != z_t0: the "
          "observation has probability 0 under z'",
          validity("t0 < D first disagreement of z, z' => t0 <= j and y = z' on [0, t0)",
                   lambda: _inconsistent(False), wrong="t0 < j",
                   build_wrong=lambda: _inconsistent(True)),
          uses=("HP1.family", "HP1.canonical")),
    by_induction("HP1.follow", "P(a rollout follows z for at least d tokens) = alpha^d, "
                 "0 <= d <= H (induction on d)", "d",
                 base=identity("P(follows for >= 0) = 1 = alpha^0", sympy.Integer(1),
                               ALPHA**0, wrong="alpha", wrong_rhs=ALPHA,
                               points={ALPHA: (sympy.Rational(1, 2),)}),
                 step=identity("alpha^d alpha = alpha^(d+1)", ALPHA**D * ALPHA,
                               ALPHA ** (D + 1), wrong="alpha^(d+2)",
                               wrong_rhs=ALPHA ** (D + 2),
                               points={ALPHA: (sympy.Rational(1, 2),), D: (1,)}),
                 uses=("HP1.family", "HP1.canonical")),
    by_z3("HP1.one_depth", "one rollout reveals D_1 = min(j+1, H) <= d iff j <= d-1 "
          "(0 <= d <= H-1), so P(D_1 <= d) = 1 - alpha^d",
          validity("min(j+1, H) <= d <=> j < d", lambda: _one_depth(False),
                   wrong="<=> j <= d", build_wrong=lambda: _one_depth(True)),
          uses=("HP1.consistent", "HP1.follow")),
    by_induction("HP1.depth_cdf", "the deepest of T independent rollouts, D, has "
                 "P(D <= d) = (1 - alpha^d)^T for d <= H-1 (induction on T; D = 0 at T = 0)",
                 "T",
                 base=identity("P(D <= d) = 1 = (1 - alpha^d)^0", sympy.Integer(1),
                               CDF.subs(T, 0), wrong="(1 - alpha^d)^1",
                               wrong_rhs=CDF.subs(T, 1),
                               points={ALPHA: (sympy.Rational(1, 2),), D: (1,)}),
                 step=identity("(1 - alpha^d)^T (1 - alpha^d) = (1 - alpha^d)^(T+1)",
                               CDF * (1 - ALPHA**D), CDF.subs(T, T + 1),
                               wrong="(1 - alpha^(d+1))^(T+1)",
                               wrong_rhs=CDF.subs({D: D + 1, T: T + 1}),
                               points={ALPHA: (sympy.Rational(1, 2),), D: (1,), T: (1,)}),
                 uses=("HP1.one_depth", "HP1.canonical"),
                 tie=Tie("genaccess.spec.root_start_success.compute_HP1_revealed_depth_cdf",
                         TIE_TEXT, _cdf_tie)),
    by_sympy("HP1.posterior", "P(tr | z') = c(tr) 1[z' agrees with the D(tr) revealed tokens], "
             "so P(tr) = K^-H c K^(H-D) and max_z K^-H P(tr | z) = P(tr) K^-(H-D(tr)): the "
             "posterior is uniform on the K^(H-D) consistent paths",
             identity("K^-H c = (K^-H c K^(H-D)) K^(D-H)", K**-H * C_,
                      (K**-H * C_ * K ** (H - D)) * K ** (D - H),
                      wrong="(K^-H c K^(H-D)) K^(D-H-1)",
                      wrong_rhs=(K**-H * C_ * K ** (H - D)) * K ** (D - H - 1),
                      points={K: (2,), H: (2,), D: (1,), C_: (1,)}),
             uses=("HP1.consistent", "HP1.inconsistent")),
    by_axiom("HP1.map", "the best success of any (randomised) estimator of z from the "
             "transcript is sum_tr max_z K^-H P(tr | z), attained by the MAP guess",
             "map_optimal"),
    by_sympy("HP1.exact", "grouping the transcripts by D: sum_{tr: D(tr) = d} P(tr) K^(d-H) = "
             "P(D = d) K^(d-H), so the best success is S_T = sum_{d=0}^H (F_d - F_{d-1}) "
             "K^-(H-d), F_d = P(D <= d), F_{-1} = 0 (F_0 = 0 for T >= 1; S_0 = K^-H)",
             identity("sum_{i=1}^N P(i) K^(d-H) = K^(d-H) sum_{i=1}^N P(i)",
                      sympy.Sum(P_(I_) * K ** (D - H), (I_, 1, N_)),
                      K ** (D - H) * sympy.Sum(P_(I_), (I_, 1, N_)),
                      wrong="K^(d-H-1) sum_i P(i)",
                      wrong_rhs=K ** (D - H - 1) * sympy.Sum(P_(I_), (I_, 1, N_)),
                      points={K: (2,), H: (2,), D: (1,), N_: (2,),
                              P_: (sympy.Lambda(X_, X_),)}),
             uses=("HP1.posterior", "HP1.map", "HP1.depth_cdf"),
             tie=Tie("genaccess.spec.root_start_success.compute_HP1_success", TIE_TEXT,
                     lambda: _closed_tie(abel=False))),
    by_induction("HP1.abel", "Abel summation: sum_{d=0}^H (F_d - F_{d-1}) K^(d-H) = F_H - (1 - "
                 "1/K) sum_{d=0}^{H-1} F_d K^(d+1-H) for every F (induction on H); with "
                 "F_H = 1: 1 - S_T = (1 - 1/K) sum_{d<H} F_d K^-(H-1-d)", "H",
                 base=validity("G_0 = F_0, A_0 = 0 => G_0 = F_0 - (1 - 1/K) A_0",
                               lambda: _abel(False, False), wrong="G_0 = (1 - 1/K) F_0",
                               build_wrong=lambda: _abel(False, True)),
                 step=validity("G_{n+1} = G_n/K + F_{n+1} - F_n, A_{n+1} = A_n/K + F_n => "
                               "G_{n+1} = F_{n+1} - (1 - 1/K) A_{n+1}",
                               lambda: _abel(True, False), wrong="A_{n+1} = A_n/K + F_{n+1}",
                               build_wrong=lambda: _abel(True, True)),
                 uses=("HP1.exact",),
                 tie=Tie("genaccess.spec.root_start_success.compute_HP1_success", TIE_TEXT,
                         lambda: _closed_tie(abel=True))),
    by_z3("HP1.first_bound", "the d = H-1 term of the Abel sum is F_{H-1}, the others are "
          ">= 0: S_T <= 1 - (1 - 1/K) F_{H-1} <= 1 - (1 - alpha^(H-1))^T + 1/K (H >= 1)",
          validity("S = 1 - (1 - 1/K)(F + R), 0 <= F <= 1, R >= 0 => S <= 1 - F + 1/K",
                   lambda: _first_bound(False), wrong="S <= 1 - F",
                   build_wrong=lambda: _first_bound(True)),
          uses=("HP1.abel", "HP1.depth_cdf")),
    by_induction("HP1.bernoulli", "1 - (1 - x)^T <= T x and 0 <= (1 - x)^T <= 1 for x in "
                 "[0, 1] (induction on T)", "T",
                 base=validity("1 - (1 - x)^0 = 0 <= 0", lambda: _bernoulli(False, False),
                               wrong="1 - (1 - x)^0 < 0",
                               build_wrong=lambda: _bernoulli(False, True)),
                 step=validity("0 <= P <= 1, 1 - P <= T x => 1 - P(1-x) <= (T+1) x",
                               lambda: _bernoulli(True, False), wrong="1 - P(1-x) <= T x",
                               build_wrong=lambda: _bernoulli(True, True))),
    by_z3("HP1.second_bound", "S_T <= 1 - (1 - alpha^(H-1))^T + 1/K <= T alpha^(H-1) + 1/K",
          validity("S <= 1 - P + 1/K, 1 - P <= T x => S <= T x + 1/K",
                   lambda: _second_bound(False), wrong="S <= T x",
                   build_wrong=lambda: _second_bound(True)),
          uses=("HP1.first_bound", "HP1.bernoulli"),
          tie=Tie("genaccess.spec.root_start_success.compute_HP1_bound", TIE_TEXT,
                  _bound_tie)),
    by_definition("HP1.every_type", "a root-start report of each of R1's observation types "
                  "(sample, logprob, topk, top1, full) is report(row, token) of the step's row "
                  "and sampled token, both shown by the full report: a fixed map of the "
                  "canonical report, the same for every z",
                  "genaccess.spec.observation.ObservationType.step"),
    by_axiom("HP1.garbling", "so a learner with T root-start queries of those types is an "
             "estimator from a garbling of T canonical rollouts: its success is <= S_T",
             "data_processing", uses=("HP1.every_type", "HP1.exact")),
    by_z3("HP1.queries", "every root-start learner of R1's types with success >= 3/4 after T "
          "queries has T >= (3/4 - 1/K) alpha^-(H-1)",
          validity("s <= S_T <= T x + 1/K, s >= 3/4, x > 0 => T >= (3/4 - 1/K)/x",
                   lambda: _queries(False), wrong="T >= (3/4)/x",
                   build_wrong=lambda: _queries(True)),
          uses=("HP1.garbling", "HP1.second_bound"),
          tie=Tie("genaccess.spec.root_start_success.compute_HP1_queries_lower_bound",
                  f"{TIE_TEXT}, target 3/4", _queries_tie)),
))
"""HP1: `S_T` is the best root-start success, `S_T <= 1 - (1-alpha^(H-1))^T + 1/K <=
T alpha^(H-1) + 1/K`, so success 3/4 needs `T >= (3/4 - 1/K) alpha^-(H-1)`."""
