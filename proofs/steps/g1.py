"""G1's proof: reach probabilities add up (one step of algebra over a symbolic vocabulary),
hence by induction on the horizon the responses' probabilities are nonnegative and sum to 1.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import cast

import sympy
import z3

from genaccess.proofs.discharge import identity, validity
from genaccess.spec.generator import reach_probability
from genaccess.spec.grids import SMALL_GRIDS, describe
from genaccess.spec.prefix import all_prefixes
from genaccess.spec.proof import (
    Proof,
    Tie,
    by_definition,
    by_induction,
    by_sympy,
)

K = sympy.Symbol("K", integer=True, positive=True)
R = sympy.Symbol("rho_u", nonnegative=True)
A = sympy.Symbol("a", integer=True)
X = sympy.Symbol("x")
P = sympy.Function("p")  # p(a) = pi(a|u), the row at u

CHILDREN = sympy.Sum(R * P(A), (A, 1, K))
"""`sum_a rho(u·a)` with `rho(u·a) = rho(u) pi(a|u)`."""


def _children(vocab_size: int) -> Callable[..., Fraction]:
    """The step's left side at `K = vocab_size`, as a function of `rho_u, p(1)..p(K)`
    (sympy expands the sum once; the function then runs on exact `Fraction`s)."""
    rows = sympy.symbols(f"p1:{vocab_size + 1}")
    expanded = CHILDREN.subs(K, vocab_size).doit().subs(
        {P(a + 1): rows[a] for a in range(vocab_size)})
    return cast(Callable[..., Fraction], sympy.lambdify([R, *rows], expanded, modules=[{}]))


def _additive_tie() -> int:
    """The step's left side, with `rho_u` and the row read from the spec, equals both the
    spec's `sum_a rho(u·a)` and its `rho(u)` (`reach_probability`), at every prefix of the
    small grids."""
    compared = 0
    children_of: dict[int, Callable[..., Fraction]] = {}
    for grid in SMALL_GRIDS:
        for g in grid:
            K_ = g.vocab_size
            children = children_of.setdefault(K_, _children(K_))
            for u in all_prefixes(K_, g.horizon):
                rho = reach_probability(g, u)
                value = children(rho, *g.next_token(u).probs)
                code = sum(reach_probability(g, (*u, a)) for a in range(K_))
                assert value == code == rho, (g, u, value, code, rho)
                compared += 1
    return compared


def _induction(total_step: bool, wrong: bool) -> tuple[list[z3.BoolRef], z3.BoolRef]:
    s_n, s_next, k = z3.Reals("S_n S_next K")
    if not total_step:  # base: S_0 is the empty product, rho(()) = 1
        s0 = z3.Real("S_0")
        return [s0 == 1], (s0 == 1) if not wrong else (s0 == 0)
    regroup = s_next == (k * s_n if wrong else s_n)  # wrong: rows not normalised
    return [k >= 2, s_n == 1, regroup], s_next == 1


def _nonnegative(wrong: bool) -> tuple[list[z3.BoolRef], z3.BoolRef]:
    rho, p = z3.Reals("rho_u p_a")
    return [rho >= 0, p >= 0, p <= 1], (rho * p > 0) if wrong else (rho * p >= 0)


PROOF = Proof((
    by_definition("G1.reach", "rho(()) = 1 and rho(u·a) = rho(u) pi(a|u)",
                  "genaccess.spec.generator.reach_probability"),
    by_definition("G1.row", "every row pi(.|u) has entries >= 0 summing to exactly 1",
                  "genaccess.spec.distribution.Distribution"),
    by_sympy("G1.additive", "sum_{a=1}^K rho(u·a) = rho(u) sum_a pi(a|u) = rho(u), any K",
             identity("sum_{a=1}^K rho_u p(a) = rho_u sum_{a=1}^K p(a)",
                      CHILDREN, R * sympy.Sum(P(A), (A, 1, K)),
                      wrong="the last token left out: rho_u sum_{a=1}^{K-1} p(a)",
                      wrong_rhs=R * sympy.Sum(P(A), (A, 1, K - 1)),
                      points={K: (2, 3), R: (1,), P: (sympy.Lambda(X, X),)}),
             uses=("G1.reach", "G1.row"),
             tie=Tie("genaccess.spec.generator.reach_probability", describe(SMALL_GRIDS),
                     _additive_tie)),
    by_induction("G1.nonnegative", "rho(u) >= 0 for every prefix, by induction on |u|", "|u|",
                 base=validity("rho(()) = 1 >= 0", lambda: ([], z3.RealVal(1) >= 0),
                               wrong="rho(()) = 1 < 0",
                               build_wrong=lambda: ([], z3.RealVal(1) < 0)),
                 step=validity("rho(u) >= 0, 0 <= p <= 1 => rho(u) p >= 0",
                               lambda: _nonnegative(False),
                               wrong="strictly positive: rho(u) p > 0",
                               build_wrong=lambda: _nonnegative(True)),
                 uses=("G1.reach", "G1.row")),
    by_induction("G1.total", "S_n = sum_{|u|=n} rho(u) = 1 for n = 0..H, by induction on n "
                 "(S_{n+1} regroups into sum_{|u|=n} sum_a rho(u·a) = S_n)", "n",
                 base=validity("S_0 = rho(()) = 1", lambda: _induction(False, False),
                               wrong="S_0 = 0", build_wrong=lambda: _induction(False, True)),
                 step=validity("S_n = 1, S_{n+1} = S_n => S_{n+1} = 1",
                               lambda: _induction(True, False),
                               wrong="rows not normalised: S_{n+1} = K S_n",
                               build_wrong=lambda: _induction(True, True)),
                 uses=("G1.additive",)),
))
"""G1: `pi(y) >= 0` and `sum_{y in V^H} pi(y) = S_H = 1`; `rho(u) = sum_a rho(u·a)`."""
