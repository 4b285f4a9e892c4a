"""KL2's proof: `pstar` is the response law of the generator
`pstar(a|u) = pref(a|u) W(u·a) / W(u)`, `W(u) = E_pref[exp(r(y)/beta) | y starts with u]`.

Structure: `W(u) = N(u)/rho(u)` with `N(u)` the tilted mass of the responses through `u`;
those split by their next token, and `rho(u·a) = rho(u) pref(a|u)` (G1), so
`W(u) = sum_a pref(a|u) W(u·a)` (the tower rule) and every row sums to 1; along a response
the product telescopes (induction on the depth) to `rho(y) W(y) / W(()) =
pref(y) exp(r(y)/beta) / Z`, which is KL1's `pstar`.
"""

from __future__ import annotations

from fractions import Fraction

import sympy

from genaccess.proofs.discharge import identity
from genaccess.spec.checking import text
from genaccess.spec.generator import Generator
from genaccess.spec.kl_objective import (
    as_expr,
    continuation_weight,
    is_zero,
    reference_law,
    tilted_law,
)
from genaccess.spec.prefix import Response, all_prefixes, all_responses
from genaccess.spec.proof import (
    Proof,
    Tie,
    by_claim,
    by_definition,
    by_induction,
    by_sympy,
)

A = sympy.Symbol("a", integer=True)
K = sympy.Symbol("K", integer=True, positive=True)
RHO, W_T, W_NEXT, W_0, PA = sympy.symbols("rho_t W_t W_next W_0 p", positive=True)
PREF, RATIO, Z = sympy.symbols("pref_y tilt_y Z", positive=True)
"""At a whole response y: `pref(y)`, `exp(r(y)/beta)`, and the partition function."""
PF, NF, WF = sympy.Function("pi"), sympy.Function("N"), sympy.Function("w")
"""At a prefix u: `pi(a) = pref(a|u)`, `N(a)` the tilted mass through `u·a`, `w(a) = W(u·a)`."""
_X = sympy.Symbol("x")
_ROW = {K: (2,), PF: (sympy.Lambda(_X, _X),), WF: (sympy.Lambda(_X, 1),)}

TIE_TABLES: tuple[tuple[int, int, dict[tuple[int, ...], tuple[str, ...]]], ...] = (
    (2, 2, {(): ("1/3", "2/3"), (0,): ("1/4", "3/4"), (1,): ("1", "0")}),
    (3, 1, {(): ("1/2", "1/3", "1/6")}),
)
TIE_REWARDS: dict[int, tuple[Fraction, ...]] = {
    2: (Fraction(1), Fraction(0), Fraction(1, 2), Fraction(1)),
    3: (Fraction(0), Fraction(1), Fraction(1, 2)),
}
TIE_BETA = Fraction(1, 2)
"""Generators (K, H, table; uniform elsewhere), a reward per response (in the order of
`all_responses`) and beta: the ties' instances (the first has a zero-probability token)."""


def _instances() -> list[tuple[Generator, dict[Response, Fraction]]]:
    found = []
    for k, h, table in TIE_TABLES:
        g = Generator.from_table(k, h, table)
        found.append((g, dict(zip(all_responses(k, h), TIE_REWARDS[k], strict=True))))
    return found


def _tower_tie() -> int:
    """At every prefix, `sum_a pref(a|u) W(u·a)` equals the spec's `W(u)`
    (`continuation_weight`), decided by sympy."""
    compared = 0
    for g, rewards in _instances():
        for u in all_prefixes(g.vocab_size, g.horizon):
            row = g.next_token(u)
            tower = sympy.Add(*(as_expr(row[a]) * continuation_weight(
                g, rewards.__getitem__, TIE_BETA, (*u, a)) for a in range(g.vocab_size)))
            assert is_zero(tower - continuation_weight(g, rewards.__getitem__, TIE_BETA, u)), u
            compared += 1
    return compared


def _product_tie() -> int:
    """Along every response, the product of the rows `pref(a|u) W(u·a)/W(u)` (spec's
    `continuation_weight`) equals the spec's `tilted_law`, KL1's `pstar`."""
    compared = 0
    for g, rewards in _instances():
        pstar = tilted_law(reference_law(g), rewards.__getitem__, TIE_BETA)
        for y, target in pstar.items():
            product = sympy.Integer(1)
            for t, a in enumerate(y):
                u = y[:t]
                product *= as_expr(g.next_token(u)[a]) * continuation_weight(
                    g, rewards.__getitem__, TIE_BETA, (*u, a)) / continuation_weight(
                    g, rewards.__getitem__, TIE_BETA, u)
            assert is_zero(product - target), y
            compared += 1
    return compared


def _tie_domain() -> str:
    tables = "; ".join(
        f"K={k}, H={h}, rows " + ", ".join(f"{text(u)}: ({', '.join(row)})"
                                           for u, row in table.items())
        + f", rewards {text(TIE_REWARDS[k])}" for k, h, table in TIE_TABLES)
    return f"{tables} (uniform rows elsewhere, rewards in response order), beta = {TIE_BETA}"


_TOTAL = sympy.Sum(PF(A) * WF(A), (A, 1, K))

PROOF = Proof((
    by_definition("KL2.weight", "W(u) = N(u)/rho(u), N(u) = sum_{y starts with u} pref(y) "
                  "exp(r(y)/beta); W(()) = Z, W(y) = exp(r(y)/beta) for a whole response",
                  "genaccess.spec.kl_objective.continuation_weight"),
    by_claim("KL2.G1", "G1: rho(u·a) = rho(u) pref(a|u), and pref is a law on V^H", "G1"),
    by_definition("KL2.split", "for |u| < H the responses starting with u are the disjoint "
                  "union over a of those starting with u·a: N(u) = sum_a N(u·a)",
                  "genaccess.spec.prefix.is_prefix_of"),
    by_sympy("KL2.tower", "W(u) = sum_a pref(a|u) W(u·a) (tokens with pref(a|u) = 0 carry "
             "N(u·a) = 0 on both sides)",
             identity("sum_a pi(a) N(a)/(rho pi(a)) = (sum_a N(a))/rho",
                      sympy.Sum(PF(A) * (NF(A) / (RHO * PF(A))), (A, 1, K)),
                      sympy.Sum(NF(A), (A, 1, K)) / RHO,
                      wrong="without the 1/rho(u) of the conditioning",
                      wrong_rhs=sympy.Sum(NF(A), (A, 1, K)),
                      points={K: (2,), RHO: (sympy.Rational(1, 2),),
                              PF: (sympy.Lambda(_X, _X),), NF: (sympy.Lambda(_X, 1),)}),
             uses=("KL2.weight", "KL2.G1", "KL2.split"),
             tie=Tie("genaccess.spec.kl_objective.continuation_weight", _tie_domain(),
                     _tower_tie)),
    by_sympy("KL2.rows", "every row pstar(.|u) sums to 1: sum_a pi(a) w(a) / W(u) = 1 with "
             "W(u) = sum_a pi(a) w(a)",
             identity("sum_a pi(a) w(a) / sum_b pi(b) w(b) = 1",
                      sympy.Sum(PF(A) * WF(A) / _TOTAL, (A, 1, K)), sympy.Integer(1),
                      wrong="unnormalised: sum_a pi(a) w(a) = 1", wrong_rhs=_TOTAL,
                      points=_ROW),
             uses=("KL2.tower",)),
    by_induction("KL2.telescope", "prod_{s<=t} pref(y_s|y_<s) W(y_<=s)/W(y_<s) = "
                 "rho(y_<=t) W(y_<=t) / W(()) (induction on t)", "t",
                 base=identity("t = 0: the empty product 1 = rho(()) W(()) / W(()), rho(()) = 1",
                               W_0 / W_0, sympy.Integer(1),
                               wrong="= W(()) (the division lost)", wrong_rhs=W_0,
                               points={W_0: (2,)}),
                 step=identity("(rho_t W_t / W_0)(p W_next / W_t) = (rho_t p) W_next / W_0",
                               (RHO * W_T / W_0) * (PA * W_NEXT / W_T), RHO * PA * W_NEXT / W_0,
                               wrong="rho_t p W_next / W_t",
                               wrong_rhs=RHO * PA * W_NEXT / W_T,
                               points={RHO: (1,), PA: (1,), W_NEXT: (1,), W_T: (2,),
                                       W_0: (3,)}),
                 uses=("KL2.G1", "KL2.weight")),
    by_claim("KL2.KL1", "KL1: pstar(y) = pref(y) exp(r(y)/beta) / Z is the unique maximiser "
             "of J", "KL1"),
    by_sympy("KL2.statement", "KL2: at t = H the product is rho(y) W(y)/W(()) = pref(y) "
             "exp(r(y)/beta) / Z = pstar(y): pstar is the response law of the rows "
             "pref(a|u) W(u·a)/W(u), each a distribution",
             identity("rho(y) W(y) / W(()) with W(y) = exp(r(y)/beta), W(()) = Z",
                      (RHO * W_T / W_0).subs({RHO: PREF, W_T: RATIO, W_0: Z}),
                      PREF * RATIO / Z, wrong="W(()) = 1: pref(y) exp(r(y)/beta)",
                      wrong_rhs=PREF * RATIO, points={PREF: (1,), RATIO: (1,), Z: (2,)}),
             uses=("KL2.telescope", "KL2.rows", "KL2.KL1"),
             tie=Tie("genaccess.spec.kl_objective.tilted_law", _tie_domain(), _product_tie)),
))
"""KL2: the tilted target is autoregressive."""
