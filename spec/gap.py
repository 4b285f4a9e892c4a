"""GAP (docs/theory.md, GAP): the exponential gap for KL-regularised post-training on the
hidden path.

In HP(K, H, alpha) with `pref = pi_z`, `r = 1[y = z]` and `beta_H`, a learner that outputs a
policy `p` pays `SubOpt_z(p) = beta KL(p || pstar_z)` (KL1). Root-start learners are stuck
behind (a)'s chain

    E_z[SubOpt] >= 2 beta E[TV^2] >= 2 beta (E TV)^2 >= 2 beta (1/2 - E p(z))^2
                >= 2 beta (1/2 - S_T)^2 >= 2 beta (1/2 - T alpha^(H-1) - 1/K)^2

(Pinsker; Jensen; `TV(p, pstar_z) >= pstar_z(z) - p(z) >= 1/2 - p(z)` by KL3; a learner that
samples its policy is a root-start learner, so `E p(z) <= S_T` by HP1; HP1's corollary),
each step valid while its bracket is non-negative. Prefix access escapes it (b).

Exact values: with `beta_H` every tilted law is rational (`genaccess.spec.tilted_path`); KL
values are rational combinations of logarithms, compared at `DIGITS` digits (sympy's `evalf`
guarantees them) with a required margin.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from fractions import Fraction

import sympy

from genaccess.spec.hidden_path import HiddenPathFamily
from genaccess.spec.kl_objective import as_expr, kl_divergence
from genaccess.spec.prefix import Response
from genaccess.spec.reach import total_variation
from genaccess.spec.root_start_success import compute_HP1_bound, compute_HP1_success
from genaccess.spec.tilted_path import mixture_law, tilted_path_law

DIGITS = 50

MARGIN = sympy.Float(10, DIGITS) ** -(DIGITS - 10)
"""A KL is compared with a rational only when it clears it by more than this."""

OutputLaw = Mapping[tuple[Response, tuple[int, ...]], Fraction]
"""`P(z, prefix)`: the joint law of the hidden path and the prefix of a pipeline's output
`TiltedMixture`."""

Chain = list[tuple[str, "sympy.Float | Fraction"]]


def kl_value(p: Mapping[Response, Fraction], q: Mapping[Response, Fraction]) -> sympy.Float:
    """KL1's `KL(p || q)` of two exact laws, to `DIGITS` digits."""
    expr = kl_divergence({y: as_expr(v) for y, v in p.items()},
                         {y: as_expr(v) for y, v in q.items()})
    return sympy.Float(expr.evalf(DIGITS), DIGITS)


def gap_lower_bound(family: HiddenPathFamily, queries: int) -> Fraction:
    """GAP (a) divided by `beta`: `2 (1/2 - T alpha^(H-1) - 1/K)^2` if the bracket is
    positive, else 0."""
    bracket = Fraction(1, 2) - compute_HP1_bound(family, queries)[1]
    return 2 * bracket**2 if bracket > 0 else Fraction(0)


def common_prefix_length(a: tuple[int, ...], b: tuple[int, ...]) -> int:
    """The length of the longest common initial segment."""
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def compute_GAP_chain(family: HiddenPathFamily, queries: int, output_law: OutputLaw) -> Chain:
    """GAP (a)'s chain divided by `beta`, for a learner whose output is the mixture policy
    of a prefix: `output_law[(z, prefix)] = P(z, prefix)` with `z` uniform.

    KL and TV against `pstar_z` depend on `(z, prefix)` only through `|prefix|` and the
    common prefix length of `z` and `prefix` (relabelling tokens below a node maps the family
    to itself); `GAP_symmetry` checks that exhaustively on small instances, and this
    function computes one representative per shape. The law is first summed per shape, so
    the one `DIGITS`-digit multiplication per shape is the only float arithmetic."""
    zero = tuple([0] * family.horizon)
    by_shape: dict[tuple[int, int], Fraction] = {}
    for (z, prefix), prob in output_law.items():
        key = (len(prefix), common_prefix_length(z, prefix))
        by_shape[key] = by_shape.get(key, Fraction(0)) + prob
    target = tilted_path_law(family, zero)
    e_kl = sympy.Float(0, DIGITS)
    e_tv2 = e_tv = e_pz = Fraction(0)
    for (length, common), prob in sorted(by_shape.items()):
        # Representative: z = 0^H; the prefix agrees on `common` tokens, then differs.
        prefix = tuple(0 if t < common else 1 for t in range(length))
        p = mixture_law(family, prefix)
        tv = total_variation(p, target)
        e_kl += sympy.Float(prob.numerator, DIGITS) / prob.denominator * kl_value(p, target)
        e_tv2 += prob * tv**2
        e_tv += prob * tv
        e_pz += prob * p.get(zero, Fraction(0))
    S_T = compute_HP1_success(family, queries)
    return [
        ("E[KL]", e_kl),
        ("2 E[TV^2]", 2 * e_tv2),
        ("2 (E TV)^2", 2 * e_tv**2),
        ("2 (1/2 - E p(z))^2", 2 * max(Fraction(1, 2) - e_pz, Fraction(0)) ** 2),
        ("2 (1/2 - S_T)^2", 2 * max(Fraction(1, 2) - S_T, Fraction(0)) ** 2),
        ("2 (1/2 - T alpha^(H-1) - 1/K)^2", gap_lower_bound(family, queries)),
    ]


def is_GAP_chain(chain: Chain) -> bool:
    """GAP: each term of (a)'s chain is at least the next (the first comparison, KL against
    a rational, is decided at `DIGITS` digits with margin `MARGIN`)."""
    values = [v for _, v in chain]
    first, second = values[0], values[1]
    assert isinstance(second, Fraction)
    if not first - sympy.Rational(second.numerator, second.denominator) >= -MARGIN:
        return False
    rest = values[1:]
    return all(a >= b for a, b in itertools.pairwise(rest))


def is_GAP_root_start_bound(e_kl: sympy.Expr | Fraction, family: HiddenPathFamily,
                            queries: int) -> bool:
    """GAP (a): `E_z[SubOpt] / beta_H >= 2 (1/2 - T alpha^(H-1) - 1/K)^2`."""
    return bool(as_expr(e_kl) >= as_expr(gap_lower_bound(family, queries)))
