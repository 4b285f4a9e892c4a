"""KL3 (docs/theory.md, KL3): the tilted optimum on the hidden path, in closed form.

In HP(K, H, alpha) with `pref = pi_z`, `r = 1[y = z]` and `beta_H = 1/(H ln(1/alpha))`,
`exp(1/beta_H) = alpha^-H`, so `Z = 2 - alpha^H` and every tilted quantity is rational:
`pstar_z` itself (`tilted_path_law`), the continuation weight on the path
(`compute_path_continuation_weight`, KL2's `W`), and the mixtures the GAP pipelines output
(`mixture_law`). The irrational ones, `J* = beta_H ln(2 - alpha^H)` and `SubOpt(pref)`, are
exact sympy expressions (`compute_optimal_value`, `compute_reference_suboptimality`); the
reference layer converts them to floats only to print them.
"""

from __future__ import annotations

from fractions import Fraction

import sympy

from genaccess.spec.generator import response_probability
from genaccess.spec.hidden_path import HiddenPathFamily
from genaccess.spec.kl_objective import (
    as_expr,
    calibrated_beta,
    is_zero,
    path_reward,
    reference_law,
    tilted_law,
)
from genaccess.spec.prefix import Response, all_responses


def compute_partition_function(family: HiddenPathFamily) -> Fraction:
    """KL3: `Z = E_pref[exp(r/beta_H)] = (1 - alpha^H) + alpha^H alpha^-H = 2 - alpha^H`."""
    return 2 - family.alpha**family.horizon


def tilted_path_law(family: HiddenPathFamily, path: Response) -> dict[Response, Fraction]:
    """KL3: `pstar_z` on `V^H` for `pref = pi_z`, `r = 1[y = z]`, `beta_H`: rational, namely
    `pi_z(y) / (2 - alpha^H)` off the path and `1 / (2 - alpha^H)` at `z`
    (`is_tilted_path_law` checks it against the general sympy definition)."""
    g = family.generator(path)
    Z = compute_partition_function(family)
    law = {y: response_probability(g, y) / Z for y in family.paths()}
    law[tuple(path)] = 1 / Z
    return law


def is_tilted_path_law(family: HiddenPathFamily, path: Response) -> bool:
    """GAP: the rational `tilted_path_law` equals `tilted_law` of the definitions (KL1)."""
    b = calibrated_beta(family.alpha, family.horizon)
    general = tilted_law(reference_law(family.generator(path)), path_reward(path), b)
    fast = tilted_path_law(family, path)
    return all(sympy.nsimplify(general[y] - as_expr(fast[y])) == 0 for y in general)


def mixture_law(family: HiddenPathFamily, prefix: tuple[int, ...]) -> dict[Response, Fraction]:
    """GAP: the uniform mixture of `pstar_{z'}` over the paths `z'` extending `prefix` (the
    policy every GAP pipeline outputs; a full-length prefix gives `pstar_z` itself)."""
    tails = list(all_responses(family.vocab_size, family.horizon - len(prefix)))
    total: dict[Response, Fraction] = {}
    for tail in tails:
        for y, p in tilted_path_law(family, prefix + tail).items():
            total[y] = total.get(y, Fraction(0)) + p / len(tails)
    return total


def compute_path_continuation_weight(family: HiddenPathFamily, depth: int) -> Fraction:
    """KL2 on the path: `W(z_<t) = E_pref[exp(r/beta_H) | y starts with z_<t]
    = 1 + alpha^(H-t) (alpha^-H - 1)` at the on-path prefix of length `t = depth`
    (`W = 1` off the path, where `r = 0`)."""
    a, H = family.alpha, family.horizon
    return 1 + a ** (H - depth) * (a**-H - 1)


def compute_optimal_value(family: HiddenPathFamily) -> sympy.Expr:
    """KL1 with KL3's `Z`: `J* = beta_H ln(2 - alpha^H)`, exactly."""
    Z = compute_partition_function(family)
    return calibrated_beta(family.alpha, family.horizon) * sympy.log(as_expr(Z))


def compute_reference_suboptimality(family: HiddenPathFamily) -> sympy.Expr:
    """GAP: `SubOpt(pref) = J* - E_pref[r] = beta_H ln(2 - alpha^H) - alpha^H`, what a
    learner that never moves from `pref` pays (KL1, KL3), exactly."""
    return compute_optimal_value(family) - as_expr(family.alpha**family.horizon)


def compute_KL3_path_mass(family: HiddenPathFamily, path: Response, beta: object = None
                          ) -> sympy.Expr:
    """KL3: `pstar(z)` computed from the definitions (the whole law on `V^H`), at `beta_H`
    unless `beta` is given."""
    b = calibrated_beta(family.alpha, family.horizon) if beta is None else beta
    law = tilted_law(reference_law(family.generator(path)), path_reward(path), b)
    return law[tuple(path)]


def is_KL3(family: HiddenPathFamily, path: Response) -> bool:
    """KL3: `pstar(z) = 1/(2 - alpha^H)` exactly, and it is `>= 1/2`."""
    closed = 1 / compute_partition_function(family)
    return (is_zero(compute_KL3_path_mass(family, path) - as_expr(closed))
            and closed >= Fraction(1, 2))
