"""KL1's proof: for every law `p` on `V^H`, `J(p) = beta ln Z - beta KL(p || pstar)`; hence
`pstar` is the unique maximiser of `J` and `SubOpt(p) = beta KL(p || pstar) >=
2 beta TV(p, pstar)^2`.

Structure: per outcome, `p ln(p/pstar) = p ln(p/pref) - p r/beta + p ln Z` (sympy, from
`pstar = pref exp(r/beta)/Z`); summed over any number `n` of outcomes (sympy over a
symbolic `n`) and with `sum p = 1` (z3) this is the identity. Sums run over the support of
`p`; where `pref(y) = 0 < p(y)` both sides are `-oo`. The Gibbs variational principle
(axiom) gives the unique maximiser, hence `SubOpt = beta KL`, and Pinsker (axiom) the
bound in total variation.
"""

from __future__ import annotations

from fractions import Fraction

import sympy
import z3

from genaccess.proofs.discharge import identity, validity
from genaccess.spec.kl_objective import (
    as_expr,
    is_zero,
    kl_divergence,
    objective,
    optimal_value,
    tilted_law,
)
from genaccess.spec.proof import (
    Proof,
    Tie,
    by_axiom,
    by_definition,
    by_sympy,
    by_z3,
)

Z3Formula = tuple[list[z3.BoolRef], z3.BoolRef]

P, Q, Z, BETA = sympy.symbols("p pref Z beta", positive=True)
R = sympy.Symbol("r", real=True)
PSTAR = Q * sympy.exp(R / BETA) / Z
"""`pstar(y) = pref(y) exp(r(y)/beta) / Z` at one outcome."""
TERM = P * sympy.log(P / Q) - P * R / BETA + P * sympy.log(Z)
"""`p ln(p/pstar)` rewritten: `p ln(p/pref) - p r/beta + p ln Z`."""

IDX = sympy.Symbol("i", integer=True)
N = sympy.Symbol("n", integer=True, positive=True)
LN_Z = sympy.Symbol("lnZ", real=True)
PF, LF, RF = sympy.Function("p"), sympy.Function("l"), sympy.Function("r")
"""Over outcomes `i = 1..n`: `p(i)`, `l(i) = ln(p(i)/pref(i))`, `r(i)`."""
_X = sympy.Symbol("x")


def _sum(term: sympy.Expr) -> sympy.Expr:
    """`sum_{i=1}^n term`."""
    return sympy.Sum(term, (IDX, 1, N))


INSTANCES: tuple[tuple[tuple[Fraction, ...], tuple[Fraction, ...], tuple[Fraction, ...],
                       Fraction], ...] = (
    ((Fraction(1, 2), Fraction(1, 2)), (Fraction(1, 3), Fraction(2, 3)),
     (Fraction(0), Fraction(1)), Fraction(1)),
    ((Fraction(1, 4), Fraction(0), Fraction(3, 4)), (Fraction(1, 2), Fraction(1, 4),
                                                     Fraction(1, 4)),
     (Fraction(1), Fraction(1, 2), Fraction(0)), Fraction(1, 2)),
)
"""(p, pref, r, beta) on 2 and 3 outcomes (the second `p` has a zero)."""


def _laws(case: tuple[tuple[Fraction, ...], ...]) -> tuple[dict[int, sympy.Expr], ...]:
    return tuple({i: as_expr(v) for i, v in enumerate(law)} for law in case)


def _term_tie() -> int:
    """Summed over the support of `p`, TERM (with Z = sum pref exp(r/beta)) equals the
    spec's `kl_divergence(p, tilted_law(pref, r, beta))`, and PSTAR its `tilted_law`."""
    compared = 0
    for p, pref, rewards, beta in INSTANCES:
        pe, qe = _laws((p, pref))
        z = sum(as_expr(q) * sympy.exp(as_expr(r) / as_expr(beta))
                for q, r in zip(pref, rewards, strict=True))
        at = [{P: as_expr(a), Q: as_expr(b), R: as_expr(c), BETA: as_expr(beta), Z: z}
              for a, b, c in zip(p, pref, rewards, strict=True)]
        spec = tilted_law(qe, rewards.__getitem__, beta)
        assert all(is_zero(PSTAR.subs(at[i]) - spec[i]) for i in spec), (p, pref)
        ours = sympy.Add(*(TERM.subs(v) for v in at if v[P] != 0))
        assert is_zero(ours - kl_divergence(pe, spec)), (p, pref)
        compared += 1
    return compared


def _identity_tie() -> int:
    """J = sum p r - beta sum p ln(p/pref) and J* = beta ln Z of the steps against the spec's
    `objective` and `optimal_value`."""
    compared = 0
    for p, pref, rewards, beta in INSTANCES:
        pe, qe = _laws((p, pref))
        b = as_expr(beta)
        ours = sympy.Add(*(as_expr(a) * as_expr(r) - b * as_expr(a) * sympy.log(as_expr(a / q))
                           for a, q, r in zip(p, pref, rewards, strict=True) if a != 0))
        assert is_zero(ours - objective(pe, qe, rewards.__getitem__, beta)), (p, pref)
        z = sum(as_expr(q) * sympy.exp(as_expr(r) / b) for q, r in zip(pref, rewards,
                                                                        strict=True))
        assert is_zero(b * sympy.log(z) - optimal_value(qe, rewards.__getitem__, beta))
        compared += 1
    return compared


def _identity(wrong: bool) -> Z3Formula:
    """`J = E - beta K_ref`, `beta K_star = beta K_ref - E + beta lnZ s` (KL1.sum) with
    `s = sum p = 1`."""
    j, e, k_ref, k_star, ln_z, beta, s = z3.Reals("J E KL_ref KL_star lnZ beta sum_p")
    hyps = [beta > 0, j == e - beta * k_ref, beta * k_star == beta * k_ref - e + beta * ln_z * s]
    if not wrong:
        hyps.append(s == 1)
    return hyps, j == beta * ln_z - beta * k_star


def _suboptimality(wrong: bool) -> Z3Formula:
    j, j_star, k_star, beta = z3.Reals("J Jstar KL_star beta")
    gap = k_star if wrong else beta * k_star
    return [beta > 0, j == j_star - beta * k_star], j_star - j == gap


def _pinsker(wrong: bool) -> Z3Formula:
    """Pinsker: `TV <= s` with `s = sqrt(KL/2)` (`s >= 0`, `2 s^2 = KL`)."""
    tv, s, kl, beta, sub = z3.Reals("TV s KL beta SubOpt")
    factor = 4 if wrong else 2
    return ([beta > 0, tv >= 0, s >= 0, 2 * s * s == kl, tv <= s, sub == beta * kl],
            sub >= factor * beta * tv * tv)


PROOF = Proof((
    by_definition("KL1.objective", "J(p) = E_p[r] - beta KL(p || pref), KL(p || q) = "
                  "sum_{p(y)>0} p(y) ln(p(y)/q(y))", "genaccess.spec.kl_objective.objective"),
    by_definition("KL1.tilted", "pstar(y) = pref(y) exp(r(y)/beta) / Z, Z = E_pref[exp(r/beta)], "
                  "J* = beta ln Z", "genaccess.spec.kl_objective.tilted_law"),
    by_sympy("KL1.term", "at an outcome with p, pref > 0: p ln(p/pstar) = p ln(p/pref) - p r/beta "
             "+ p ln Z",
             identity("p ln(p / (pref exp(r/beta)/Z)) = p ln(p/pref) - p r/beta + p ln Z",
                      P * sympy.log(P / PSTAR), TERM,
                      wrong="+ p r/beta (the tilt's sign flipped)",
                      wrong_rhs=P * sympy.log(P / Q) + P * R / BETA + P * sympy.log(Z),
                      points={P: (sympy.Rational(1, 2),), Q: (sympy.Rational(1, 3),),
                              R: (1,), BETA: (1,), Z: (2,)}),
             uses=("KL1.tilted",),
             tie=Tie("genaccess.spec.kl_objective.kl_divergence",
                     "(p, pref, r, beta) on 2 and 3 outcomes, a zero of p among them",
                     _term_tie)),
    by_sympy("KL1.sum", "summed over the n outcomes of p's support (any n): beta KL(p || pstar) "
             "= beta KL(p || pref) - E_p[r] + beta ln Z sum_i p(i)",
             identity("beta sum_i (p l - p r/beta + p lnZ) = beta sum p l - sum p r "
                      "+ beta lnZ sum p",
                      BETA * _sum(PF(IDX) * LF(IDX) - PF(IDX) * RF(IDX) / BETA
                                  + PF(IDX) * LN_Z),
                      BETA * _sum(PF(IDX) * LF(IDX)) - _sum(PF(IDX) * RF(IDX))
                      + BETA * LN_Z * _sum(PF(IDX)),
                      wrong="beta lnZ without the factor sum p (normalisation assumed early)",
                      wrong_rhs=BETA * _sum(PF(IDX) * LF(IDX)) - _sum(PF(IDX) * RF(IDX))
                      + BETA * LN_Z,
                      points={N: (2,), BETA: (1,), LN_Z: (1,), PF: (sympy.Lambda(_X, _X),),
                              LF: (sympy.Lambda(_X, 1),), RF: (sympy.Lambda(_X, 0),)}),
             uses=("KL1.term",)),
    by_z3("KL1.identity", "with sum p = 1: J(p) = beta ln Z - beta KL(p || pstar) (where "
          "pref(y) = 0 < p(y) both sides are -oo)",
          validity("J = E - beta KL_ref, beta KL* = beta KL_ref - E + beta lnZ sum p, sum p = 1 "
                   "=> J = beta lnZ - beta KL*", lambda: _identity(False),
                   wrong="sum p left free", build_wrong=lambda: _identity(True)),
          uses=("KL1.objective", "KL1.sum"),
          tie=Tie("genaccess.spec.kl_objective.optimal_value",
                  "(p, pref, r, beta) on 2 and 3 outcomes", _identity_tie)),
    by_axiom("KL1.gibbs", "E_q[r] - beta KL(q || pref) <= beta ln Z for every law q, with "
             "equality exactly at q = pstar", "gibbs_variational"),
    by_z3("KL1.suboptimality", "pstar is the unique maximiser (J(pstar) = J* by KL1.gibbs) and "
          "SubOpt(p) = J* - J(p) = beta KL(p || pstar)",
          validity("J = J* - beta KL* => J* - J = beta KL*", lambda: _suboptimality(False),
                   wrong="SubOpt = KL* (beta lost)",
                   build_wrong=lambda: _suboptimality(True)),
          uses=("KL1.identity", "KL1.gibbs")),
    by_axiom("KL1.pinsker", "TV(p, pstar) <= sqrt(KL(p || pstar) / 2)", "pinsker"),
    by_z3("KL1.statement", "KL1: J(p) = beta ln Z - beta KL(p || pstar), pstar the unique "
          "maximiser, SubOpt(p) = beta KL(p || pstar) >= 2 beta TV(p, pstar)^2",
          validity("TV <= sqrt(KL/2), SubOpt = beta KL => SubOpt >= 2 beta TV^2",
                   lambda: _pinsker(False), wrong="SubOpt >= 4 beta TV^2",
                   build_wrong=lambda: _pinsker(True)),
          uses=("KL1.suboptimality", "KL1.pinsker")),
))
"""KL1: the objective as a distance to the tilted target."""
