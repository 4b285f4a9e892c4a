"""GAP: the exponential gap for KL-regularised post-training on the hidden path.

In HP(K, H, alpha) with `pref = pi_z`, `r = 1[y = z]` and `beta_H`, a learner that outputs a
policy `p` pays `SubOpt_z(p) = beta KL(p || pstar_z)` (KL1). Root-start learners are stuck
behind (a)'s chain

    E_z[SubOpt] >= 2 beta E[TV^2] >= 2 beta (E TV)^2 >= 2 beta (1/2 - E p(z))^2
                >= 2 beta (1/2 - S_T)^2 >= 2 beta (1/2 - T alpha^(H-1) - 1/K)^2

(Pinsker; Jensen; `TV(p, pstar_z) >= pstar_z(z) - p(z) >= 1/2 - p(z)` by KL3; a learner that
samples its policy is a root-start learner, so `E p(z) <= S_T` by HP1; HP1's corollary),
each step valid while its bracket is non-negative. Prefix access escapes it (b).

Exact values: with `beta_H` every tilted law is rational; KL values are rational
combinations of logarithms, compared at `DIGITS` digits (sympy's `evalf` guarantees them)
with a required margin.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from fractions import Fraction

import sympy

from genaccess.spec.generator import response_probability
from genaccess.spec.hidden_path import HiddenPathFamily, compute_HP1_bound, compute_HP1_success
from genaccess.spec.kl_objective import (
    as_expr,
    calibrated_beta,
    kl_divergence,
    path_reward,
    reference_law,
    tilted_law,
)
from genaccess.spec.prefix import Response

DIGITS = 50


def tilted_path_law(family: HiddenPathFamily, path: Response) -> dict[Response, Fraction]:
    """`pstar_z` on `V^H` for `pref = pi_z`, `r = 1[y = z]`, `beta_H`: rational, since
    `exp(1/beta_H) = alpha^-H`, so `pstar_z(y) = pi_z(y) / (2 - alpha^H)` off the path and
    `pstar_z(z) = 1 / (2 - alpha^H)` (KL3's closed form; `is_tilted_path_law` checks this
    against the general sympy definition)."""
    g = family.generator(path)
    Z = 2 - family.alpha**family.horizon
    law = {y: response_probability(g, y) / Z for y in family.paths()}
    law[tuple(path)] = 1 / Z
    return law


def is_tilted_path_law(family: HiddenPathFamily, path: Response) -> bool:
    """GAP helper check: the rational closed form equals `tilted_law` of the definitions."""
    b = calibrated_beta(family.alpha, family.horizon)
    general = tilted_law(reference_law(family.generator(path)), path_reward(path), b)
    fast = tilted_path_law(family, path)
    return all(sympy.nsimplify(general[y] - as_expr(fast[y])) == 0 for y in general)


def total_variation(p: Mapping[Response, Fraction], q: Mapping[Response, Fraction]) -> Fraction:
    """`TV(p, q)` of two exact laws on responses."""
    keys = set(p) | set(q)
    return sum((abs(p.get(y, Fraction(0)) - q.get(y, Fraction(0))) for y in keys),
               Fraction(0)) / 2


def kl_value(p: Mapping[Response, Fraction], q: Mapping[Response, Fraction]) -> sympy.Float:
    """`KL(p || q)` to `DIGITS` digits."""
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


def mixture_law(family: HiddenPathFamily, prefix: tuple[int, ...]) -> dict[Response, Fraction]:
    """The uniform mixture of `pstar_{z'}` over the paths `z'` extending `prefix`."""
    from genaccess.spec.prefix import all_responses

    tails = list(all_responses(family.vocab_size, family.horizon - len(prefix)))
    total: dict[Response, Fraction] = {}
    for tail in tails:
        for y, p in tilted_path_law(family, prefix + tail).items():
            total[y] = total.get(y, Fraction(0)) + p / len(tails)
    return total


def compute_GAP_chain(family: HiddenPathFamily, queries: int,
                      output_law: Mapping[tuple[Response, tuple[int, ...]], Fraction],
                      ) -> list[tuple[str, sympy.Float | Fraction]]:
    """GAP (a)'s chain divided by `beta`, for a learner whose output is the mixture policy
    of a prefix: `output_law[(z, prefix)] = P(z, prefix)` with `z` uniform.

    KL and TV against `pstar_z` depend on `(z, prefix)` only through `|prefix|` and the
    common prefix length of `z` and `prefix` (relabelling tokens below a node maps the family
    to itself); `GAP_symmetry` checks that exhaustively on small instances, and this
    function computes one representative per shape."""
    zero = tuple([0] * family.horizon)
    shapes: dict[tuple[int, int], tuple[sympy.Float, Fraction, Fraction]] = {}

    def shape_values(length: int, common: int) -> tuple[sympy.Float, Fraction, Fraction]:
        if (length, common) not in shapes:
            # Representative: z = 0^H; the prefix agrees on `common` tokens, then differs.
            prefix = tuple(0 if t < common else 1 for t in range(length))
            p, target = mixture_law(family, prefix), tilted_path_law(family, zero)
            shapes[(length, common)] = (kl_value(p, target), total_variation(p, target),
                                        p.get(zero, Fraction(0)))
        return shapes[(length, common)]

    e_kl = sympy.Float(0, DIGITS)
    e_tv2 = e_tv = e_pz = Fraction(0)
    for (z, prefix), prob in output_law.items():
        kl, tv, pz = shape_values(len(prefix), common_prefix_length(z, prefix))
        e_kl += sympy.Float(prob.numerator, DIGITS) / prob.denominator * kl
        e_tv2 += prob * tv**2
        e_tv += prob * tv
        e_pz += prob * pz
    S_T = compute_HP1_success(family, queries)
    return [
        ("E[KL]", e_kl),
        ("2 E[TV^2]", 2 * e_tv2),
        ("2 (E TV)^2", 2 * e_tv**2),
        ("2 (1/2 - E p(z))^2", 2 * max(Fraction(1, 2) - e_pz, Fraction(0)) ** 2),
        ("2 (1/2 - S_T)^2", 2 * max(Fraction(1, 2) - S_T, Fraction(0)) ** 2),
        ("2 (1/2 - T alpha^(H-1) - 1/K)^2", gap_lower_bound(family, queries)),
    ]


MARGIN = sympy.Float(10, DIGITS) ** -(DIGITS - 10)


def is_GAP_chain(chain: list[tuple[str, sympy.Float | Fraction]]) -> bool:
    """GAP: each term of (a)'s chain is at least the next (the first comparison, KL against
    a rational, is decided at `DIGITS` digits with margin `MARGIN`)."""
    values = [v for _, v in chain]
    first, second = values[0], values[1]
    assert isinstance(second, Fraction)
    if not first - sympy.Rational(second.numerator, second.denominator) >= -MARGIN:
        return False
    rest = values[1:]
    return all(a >= b for a, b in itertools.pairwise(rest))
