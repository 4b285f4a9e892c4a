"""HP3's proof: with logits at a chosen prefix the hidden path takes exactly `H` queries.

HP3: querying `zhat_<t` once per stage with `full` observations (or `top1`) recovers `z`
with certainty in exactly `H` one-step queries. Under LR every learner with `T < H` one-step
`full` queries, adaptive or randomised, succeeds with probability at most `K^-(H-T)` (and so
does every coarser type); without LR the bound fails (`K = 2, H = 2, T = 1`: `3/4 > 1/2`).

Structure. The margin `beta < 1/K < alpha` makes a full report at `v` show whether `v` is
on the path and, if so, the next path token. Upper bound: induction on the stage `t`.
Lower bound: an invariant over the queries, by induction on their number `i`: for every
transcript there is `D_i <= i` such that the queried on-path prefixes are exactly
`z_<1, ..., z_<D_i` and the transcript's likelihood is one constant on the paths that agree
with the revealed `z_<=D_i` (zero elsewhere). The step is where LR enters: a query starts at
the root or at a child of a queried prefix, so an on-path query has depth `<= D_i`, and only
one at depth `D_i` reveals a new token. So the posterior is uniform on `K^(H-D_T)`
completions, the MAP rule succeeds with `E K^-(H-D_T) <= K^-(H-T)`.
"""

from __future__ import annotations

import itertools
from fractions import Fraction
from typing import Any

import sympy
import z3

from genaccess.proofs.discharge import identity, validity
from genaccess.spec.belief_search import compute_best_chosen_prefix_success
from genaccess.spec.control import ArbitraryPrefix, LocalReset
from genaccess.spec.hidden_path import HiddenPathFamily, alpha_grid
from genaccess.spec.observation import Full, Top1
from genaccess.spec.proof import (
    Proof,
    Tie,
    by_axiom,
    by_claim,
    by_definition,
    by_induction,
    by_sympy,
    by_z3,
)

Formula = tuple[list[Any], Any]
SEQ = z3.SeqSort(z3.IntSort())

# ---------------------------------------------------------------------------------------
# The margin: what one full report at v shows.


def _margin(wrong: bool) -> Formula:
    """`K >= 2`, `1/K < alpha < 1` => `0 < beta < 1/K < alpha`. Wrong: `alpha` anywhere in
    `(0, 1)`."""
    K, alpha, beta = z3.Int("K"), z3.Real("alpha"), z3.Real("beta")
    low = 0 if wrong else 1 / z3.ToReal(K)
    hyps = [K >= 2, alpha > low, alpha < 1, beta == (1 - alpha) / (K - 1)]
    return hyps, z3.And(beta > 0, beta < 1 / z3.ToReal(K), 1 / z3.ToReal(K) < alpha)


def _argmax(wrong: bool) -> Formula:
    """A token ranked at least as high as `z_t` in the stage row is `z_t`; stage rows of
    different tokens differ, and differ from the uniform row (so the report names `z_t`
    and tells on-path from off-path). Wrong: without the margin."""
    K, pick, zt, other = z3.Ints("K pick z_t b")
    alpha, beta = z3.Reals("alpha beta")

    def row(a: Any) -> Any:
        return z3.If(a == zt, alpha, beta)

    margin = [] if wrong else [beta > 0, beta < 1 / z3.ToReal(K), 1 / z3.ToReal(K) < alpha]
    hyps = [K >= 2, *margin, pick >= 0, pick < K, zt >= 0, zt < K, other >= 0, other < K,
            other != zt, alpha > 0, alpha < 1, row(pick) >= row(zt)]
    return hyps, z3.And(pick == zt, alpha != beta, alpha != 1 / z3.ToReal(K))


MARGIN_VOCABS = range(2, 6)
MARGIN_DOMAIN = (f"K in {MARGIN_VOCABS.start}..{MARGIN_VOCABS.stop - 1}, alpha on the grid "
                 "1/K + j(1-1/K)/4, j in {1, 2, 3}; every stage row")
_K, _ALPHA = sympy.symbols("K alpha", positive=True)
BETA = (1 - _ALPHA) / (_K - 1)
"""`beta(K, alpha)`, the step's expression."""


def _margin_tie() -> int:
    """`beta` from the step's expression equals the family's off-path probability; every
    stage row has `alpha` on its token, `beta` elsewhere, its argmax is the token, and it
    differs from the uniform row."""
    beta = sympy.lambdify([_K, _ALPHA], BETA, modules=[{}])
    compared = 0
    for K in MARGIN_VOCABS:
        for alpha in alpha_grid(K):
            family = HiddenPathFamily(K, 1, alpha)
            b = beta(Fraction(K), alpha)
            assert b == family.off_path and 0 < b < Fraction(1, K) < alpha
            for a in range(K):
                row = family.stage(a)
                assert row.probs == tuple(alpha if c == a else b for c in range(K))
                assert row.argmax() == a and row.support() == frozenset(range(K))
                compared += 1
    return compared


# ---------------------------------------------------------------------------------------
# Upper bound: the logits learner follows the path.


def _upper_base(wrong: bool) -> Formula:
    z, zhat = z3.Const("z", SEQ), z3.Const("zhat_0", SEQ)
    H = z3.Int("H")
    start = z3.Unit(z3.IntVal(0)) if wrong else z3.Empty(SEQ)
    return [H >= 1, z3.Length(z) == H, zhat == start], zhat == z3.SubSeq(z, 0, 0)


def _upper_step(wrong: bool) -> Formula:
    """`zhat_<=t = z_<=t` and the argmax at `z_<=t` is `z_{t+1}` (0-based `z[t]`); the
    report builds that child (positive probability). Wrong: the argmax is `z[t+1]`."""
    z, zhat = z3.Const("z", SEQ), z3.Const("zhat_t", SEQ)
    H, t, pick = z3.Ints("H t pick")
    alpha, beta = z3.Reals("alpha beta")
    token = z[t + 1] if wrong else z[t]
    hyps = [H >= 1, z3.Length(z) == H, t >= 0, t < H, zhat == z3.SubSeq(z, 0, t),
            pick == token, beta > 0, alpha > beta]
    child_probability = z3.If(pick == z[t], alpha, beta)
    return hyps, z3.And(z3.Concat(zhat, z3.Unit(pick)) == z3.SubSeq(z, 0, t + 1),
                        child_probability > 0)


UPPER_CASES = ((2, 1, "3/4"), (2, 2, "3/5"), (2, 3, "3/4"), (3, 2, "1/2"))
UPPER_DOMAIN = ("every adaptive learner, H one-step queries, local-reset/full and "
                "local-reset/top1, (K, H, alpha) in " + ", ".join(map(str, UPPER_CASES)))


def _upper_tie() -> int:
    """With `H` one-step queries the best success under local reset is 1 (full, top1)."""
    compared = 0
    for (K, H, alpha), observation in itertools.product(UPPER_CASES, (Full(), Top1())):
        family = HiddenPathFamily(K, H, alpha)
        assert compute_best_chosen_prefix_success(family, observation, LocalReset(), H) == 1
        compared += 1
    return compared


# ---------------------------------------------------------------------------------------
# Lower bound: prefix facts, then the invariant over queries.


def _prefix_of_prefix(wrong: bool) -> Formula:
    """`v = z_<t+1` (length `t >= 1`) => its parent is `z_<t`. Wrong: parent length `t`."""
    z, v = z3.Const("z", SEQ), z3.Const("v", SEQ)
    H, t = z3.Ints("H t")
    cut = t if wrong else t - 1
    return ([z3.Length(z) == H, t >= 1, t <= H, v == z3.SubSeq(z, 0, t)],
            z3.SubSeq(v, 0, cut) == z3.SubSeq(z, 0, t - 1))


def _common_prefix(wrong: bool) -> Formula:
    """Two paths that agree on their first `D` tokens agree on their first `s <= D`. Wrong:
    `s <= D + 1`."""
    z, z2 = z3.Const("z", SEQ), z3.Const("z'", SEQ)
    H, D, s = z3.Ints("H D s")
    reach = D + 1 if wrong else D
    return ([z3.Length(z) == H, z3.Length(z2) == H, s >= 0, s <= reach, D <= H,
             z3.SubSeq(z, 0, D) == z3.SubSeq(z2, 0, D)],
            z3.SubSeq(z, 0, s) == z3.SubSeq(z2, 0, s))


def _same_answer(wrong: bool) -> Formula:
    """For paths `z, z'` with the revealed `z_<=D` in common (both with positive likelihood,
    so a queried prefix of depth `>= D` is off the path of each), an LR-admissible query at
    `v` (the root, or a child of a queried prefix) is on the path of both or of neither, is
    at depth `<= D` when on it, and below depth `D` sees the same next token. Wrong: without
    LR (`v` unbuilt)."""
    z, z2, v = (z3.Const(n, SEQ) for n in ("z", "z'", "v"))
    H, t, D = z3.Ints("H t D")
    parent_queried = z3.Bool("parent_queried")

    def on(w: Any) -> Any:
        return v == z3.SubSeq(w, 0, t)

    def parent(w: Any) -> Any:
        return z3.SubSeq(v, 0, t - 1) == z3.SubSeq(w, 0, t - 1)

    def common(s: Any) -> Any:  # HP3.common_prefix at s
        return z3.Implies(s <= D, z3.SubSeq(z, 0, s) == z3.SubSeq(z2, 0, s))

    lemmas = [z3.Implies(z3.And(t >= 1, on(w)), parent(w)) for w in (z, z2)]  # prefix_of_prefix
    hyps = [*lemmas, common(t), common(t + 1), H >= 1, z3.Length(z) == H, z3.Length(z2) == H,
            z3.Length(v) == t, t >= 0, t <= H - 1, D >= 0, D <= H,
            z3.Implies(z3.And(parent_queried, parent(z)), t - 1 < D),
            z3.Implies(z3.And(parent_queried, parent(z2)), t - 1 < D)]
    if not wrong:
        hyps.append(z3.Or(t == 0, parent_queried))
    return hyps, z3.And(on(z) == on(z2), z3.Implies(on(z), t <= D),
                        z3.Implies(z3.And(on(z), t < D),
                                   z3.SubSeq(z, 0, t + 1) == z3.SubSeq(z2, 0, t + 1)))


def _invariant(queried: Any, D: Any, H: Any) -> Any:
    """The queried on-path prefixes are exactly those of depth `s < D`."""
    s = z3.Int("s")
    return z3.ForAll([s], z3.Implies(z3.And(s >= 0, s <= H), queried(s) == (s < D)))


def _invariant_base(wrong: bool) -> Formula:
    H, D0 = z3.Ints("H D_0")
    queried = z3.Function("queried_0", z3.IntSort(), z3.BoolSort())
    s = z3.Int("s")
    return ([H >= 1, (1 if wrong else 0) == D0, z3.ForAll([s], z3.Not(queried(s)))],
            z3.And(D0 == 0, _invariant(queried, D0, H)))


def _invariant_step(wrong: bool) -> Formula:
    """Query `i+1` at depth `t` (on the path of every consistent `z`, or of none), with
    `on => t <= D_i` (HP3.same_answer): `D_{i+1} = D_i + [on and t = D_i] <= i + 1`, the
    invariant holds again, and the report's likelihood is the same for every consistent
    `z` unless it reveals the new token `z_{D_i+1}`. Wrong: without `on => t <= D_i`
    (arbitrary prefixes)."""
    H, i, D, D1, t, b, b2 = z3.Ints("H i D_i D_next t b b'")
    on = z3.Bool("on")
    uniform = z3.Real("uniform_likelihood")
    stage = z3.Function("stage_likelihood", z3.IntSort(), z3.RealSort())
    queried = z3.Function("queried_i", z3.IntSort(), z3.BoolSort())
    queried1 = z3.Function("queried_next", z3.IntSort(), z3.BoolSort())
    s = z3.Int("s")
    hyps = [H >= 1, i >= 0, D >= 0, i >= D, _invariant(queried, D, H), t >= 0, t <= H - 1,
            z3.Implies(z3.And(on, t < D), b == b2),
            z3.If(z3.And(on, t == D), D + 1, D) == D1,
            z3.ForAll([s], queried1(s) == z3.Or(queried(s), z3.And(on, s == t)))]
    if not wrong:
        hyps.append(z3.Implies(on, t <= D))
    likelihood = z3.If(on, stage(b), uniform)
    likelihood2 = z3.If(on, stage(b2), uniform)
    return hyps, z3.And(D1 >= 0, i + 1 >= D1, _invariant(queried1, D1, H),
                        z3.Or(likelihood == likelihood2, z3.And(on, t == D)))


_C, _H, _D, _KK = sympy.symbols("c H D K", positive=True)
POSTERIOR = (_C / _KK**_H) / (_C * _KK ** (_H - _D) / _KK**_H)
"""`max_z P(z | tr)`: prior `K^-H`, likelihood `c` on the `K^(H-D)` consistent paths."""


def _power_base(wrong: bool) -> Formula:
    x0 = z3.Real("x_0")
    return [x0 == (Fraction(1, 2) if wrong else 1)], x0 >= 1


def _power_step(wrong: bool) -> Formula:
    """`K^j >= 1 => K^(j+1) = K K^j >= 1`. Wrong: `K >= 0` (a vocabulary may be empty)."""
    x, x1 = z3.Reals("x_j x_next")
    K = z3.Int("K")
    return [(0 if wrong else 2) <= K, x >= 1, x1 == K * x], x1 >= 1


def _lower(wrong: bool) -> Formula:
    """Each term of `E K^-(H-D_T)`: `K^-(H-D) = K^-(H-T) / K^(T-D)` with `K^(T-D) >= 1`
    (`D <= T`) => `K^-(H-D) <= K^-(H-T)`, so the expectation is too. Wrong: `<= K^-(H-T+1)`."""
    y, w, m = z3.Reals("K^-(H-T) K^(T-D) K^-(H-D)")
    K = z3.Int("K")
    hyps = [K >= 2, y > 0, y <= 1, w >= 1, m == y / w]
    return hyps, m <= (y / z3.ToReal(K) if wrong else y)


LOWER_CASES = ((2, 2, "3/4"), (2, 3, "3/5"), (2, 3, "3/4"), (3, 2, "1/2"))
LOWER_DOMAIN = ("every adaptive learner (belief-state search), T < H one-step queries, "
                "local-reset/full and local-reset/top1, (K, H, alpha) in "
                + ", ".join(map(str, LOWER_CASES)))


def _lower_tie() -> int:
    """The exhaustive optimum equals `K^-(H-T)` for every `T < H` (the bound, attained)."""
    compared = 0
    for (K, H, alpha), observation in itertools.product(LOWER_CASES, (Full(), Top1())):
        family = HiddenPathFamily(K, H, alpha)
        for T in range(H):
            best = compute_best_chosen_prefix_success(family, observation, LocalReset(), T)
            assert best == Fraction(1, K ** (H - T)), (K, H, alpha, T, best)
            compared += 1
    return compared


# Without LR: K = 2, H = 2, query the unbuilt (0,) with full. If z_1 = 0 the report is the
# stage of z_2 (success 1); else it is uniform and the learner guesses (1, 0) (success 1/2).
NO_LR_SUCCESS = sympy.Rational(1, 2) * 1 + sympy.Rational(1, 2) * sympy.Rational(1, 2)
NO_LR_ALPHAS = ("3/5", "3/4", "9/10")


def _no_lr_tie() -> int:
    for alpha in NO_LR_ALPHAS:
        family = HiddenPathFamily(2, 2, alpha)
        best = compute_best_chosen_prefix_success(family, Full(), ArbitraryPrefix(), 1)
        assert best == Fraction(3, 4) > Fraction(1, 2), (alpha, best)
    return len(NO_LR_ALPHAS)


# ---------------------------------------------------------------------------------------
# The proof.

PROOF = Proof((
    by_claim("HP3.lr", "the local-reset oracle answers exactly at built prefixes; a one-step "
             "full query at v builds v and v·b for every b of positive probability", "LR"),
    by_definition("HP3.rows", "pi_z(.|v) is the stage of z_{t+1} (alpha on it, beta on the "
                  "rest) when v = z_<t+1, and uniform otherwise",
                  "genaccess.spec.hidden_path.HiddenPathRule"),
    by_z3("HP3.margin", "1/K < alpha < 1 gives 0 < beta < 1/K < alpha: every row has full "
          "support", validity("K >= 2, 1/K < alpha < 1 => 0 < beta < 1/K < alpha",
                              lambda: _margin(False), wrong="alpha in (0, 1)",
                              build_wrong=lambda: _margin(True)),
          uses=("HP3.rows",),
          tie=Tie("genaccess.spec.hidden_path.HiddenPathFamily.stage", MARGIN_DOMAIN,
                  _margin_tie)),
    by_z3("HP3.argmax", "a full (or top1) report at an on-path v names z_{t+1} as its unique "
          "argmax, and its row tells on-path from off-path",
          validity("margin, row(pick) >= row(z_t) => pick = z_t; alpha != beta, alpha != 1/K",
                   lambda: _argmax(False), wrong="without the margin",
                   build_wrong=lambda: _argmax(True)),
          uses=("HP3.margin",)),
    by_induction("HP3.upper", "querying zhat_<t once per stage (full: its argmax; top1: its "
                 "token) gives zhat_<=t = z_<=t and builds it, by induction on t: z with "
                 "certainty in exactly H one-step LR queries", "t",
                 base=validity("zhat_<1 = () = z_<1 (built)", lambda: _upper_base(False),
                               wrong="zhat starts at (0,)",
                               build_wrong=lambda: _upper_base(True)),
                 step=validity("zhat_<=t = z_<=t, pick = z[t] => zhat_<=t·pick = z_<=t+1, "
                               "built", lambda: _upper_step(False),
                               wrong="pick = z[t+1]", build_wrong=lambda: _upper_step(True)),
                 uses=("HP3.lr", "HP3.argmax"),
                 tie=Tie("genaccess.spec.belief_search.compute_best_chosen_prefix_success",
                         UPPER_DOMAIN, _upper_tie)),
    by_z3("HP3.prefix_of_prefix", "the parent of an on-path prefix is on the path",
          validity("v = z[:t], t >= 1 => v[:t-1] = z[:t-1]", lambda: _prefix_of_prefix(False),
                   wrong="v[:t] = z[:t-1]", build_wrong=lambda: _prefix_of_prefix(True))),
    by_z3("HP3.common_prefix", "paths agreeing on their first D tokens agree on the first s "
          "<= D", validity("z[:D] = z'[:D], s <= D => z[:s] = z'[:s]",
                           lambda: _common_prefix(False), wrong="s <= D + 1",
                           build_wrong=lambda: _common_prefix(True))),
    by_z3("HP3.same_answer", "under LR (the query at the root or at a child of a queried "
          "prefix), for any two paths consistent with the transcript: the query is on both "
          "paths or neither, at depth <= D when on them, and below depth D it sees the same "
          "next token", validity("LR-admissible v, z[:D] = z'[:D] => on(z) = on(z'), "
                                 "on => |v| <= D, on and |v| < D => z[:|v|+1] = z'[:|v|+1]",
                                 lambda: _same_answer(False), wrong="without LR",
                                 build_wrong=lambda: _same_answer(True)),
          uses=("HP3.lr", "HP3.prefix_of_prefix", "HP3.common_prefix")),
    by_induction("HP3.invariant", "after i one-step full queries under LR there is D_i <= i "
                 "such that the queried on-path prefixes are z_<1..z_<D_i and the "
                 "likelihood is one constant on the paths extending the revealed z_<=D_i "
                 "(zero elsewhere; a new token is revealed only by a query at z_<=D_i, whose "
                 "row names it, HP3.argmax), by induction on i", "i",
                 base=validity("D_0 = 0, nothing queried", lambda: _invariant_base(False),
                               wrong="D_0 = 1", build_wrong=lambda: _invariant_base(True)),
                 step=validity("invariant at i, query on => t <= D_i => invariant at i+1, "
                               "D_{i+1} <= i+1, same likelihood unless t = D_i",
                               lambda: _invariant_step(False),
                               wrong="without on => t <= D_i (no LR)",
                               build_wrong=lambda: _invariant_step(True)),
                 uses=("HP3.same_answer", "HP3.argmax")),
    by_sympy("HP3.posterior", "so the posterior is uniform on the K^(H-D) consistent paths: "
             "max_z P(z | tr) = K^-(H-D)",
             identity("(c K^-H) / (c K^(H-D) K^-H) = K^(D-H)", POSTERIOR, _KK ** (_D - _H),
                      wrong="K^(D-H+1)", wrong_rhs=_KK ** (_D - _H + 1),
                      points={_C: (1,), _KK: (2,), _H: (2,), _D: (1,)}),
             uses=("HP3.invariant",)),
    by_axiom("HP3.map", "no learner beats the MAP rule: success <= E_tr max_z P(z | tr) = "
             "E K^-(H-D_T)", "map_optimal", uses=("HP3.posterior",)),
    by_induction("HP3.power", "K^j >= 1 for every j >= 0, by induction on j", "j",
                 base=validity("K^0 = 1 >= 1", lambda: _power_base(False), wrong="K^0 = 1/2",
                               build_wrong=lambda: _power_base(True)),
                 step=validity("K >= 2, K^j >= 1 => K^(j+1) >= 1", lambda: _power_step(False),
                               wrong="K >= 0", build_wrong=lambda: _power_step(True))),
    by_axiom("HP3.coarser", "a coarser type's report at v is a fixed map of the full report "
             "at v (R1's g_o), and on this family a full report builds every child, so a "
             "full learner simulates a coarser one query for query", "data_processing",
             uses=("HP3.margin",)),
    by_sympy("HP3.no_lr", "without LR the bound fails: with arbitrary-prefix control, K = 2, "
             "H = 2, T = 1, querying the unbuilt (0,) succeeds with 3/4 > 1/2",
             identity("P(z_1 = 0) 1 + P(z_1 = 1) 1/2 = 3/4", NO_LR_SUCCESS,
                      sympy.Rational(3, 4), wrong="the LR bound K^-(H-T) = 1/2",
                      wrong_rhs=sympy.Rational(1, 2), points={}),
             uses=("HP3.argmax",),
             tie=Tie("genaccess.spec.belief_search.compute_best_chosen_prefix_success",
                     "K=2, H=2, T=1, arbitrary-prefix/full, every adaptive learner, alpha in "
                     + ", ".join(NO_LR_ALPHAS), _no_lr_tie)),
    by_z3("HP3.lower", "HP3: full (or top1) at zhat_<t recovers z in exactly H queries; under "
          "LR every learner with T < H one-step full queries, or of a coarser type, succeeds "
          "with probability at most K^-(H-T); without LR the bound fails",
          validity("K^(T-D) >= 1 => every term K^-(H-D_T) = K^-(H-T) / K^(T-D) <= K^-(H-T), "
                   "so success <= E K^-(H-D_T) <= K^-(H-T)",
                   lambda: _lower(False), wrong="K^-(H-D_T) <= K^-(H-T+1)",
                   build_wrong=lambda: _lower(True)),
          uses=("HP3.upper", "HP3.invariant", "HP3.map", "HP3.power", "HP3.coarser",
                "HP3.no_lr"),
          tie=Tie("genaccess.spec.belief_search.compute_best_chosen_prefix_success",
                  LOWER_DOMAIN, _lower_tie)),
))
"""HP3: the margin names the path token; the upper bound by induction on stages, the lower
bound by the LR invariant over queries, the MAP rule and `K^(T-D) >= 1`."""
