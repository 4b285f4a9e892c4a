"""KL3's proof: in HP(K, H, alpha) with `pref = pi_z`, `r(y) = 1[y = z]` and
`beta_H = 1/(H ln(1/alpha))`, `pstar(z) = 1/(2 - alpha^H) >= 1/2`.

Structure: the path's probability is `alpha^H` (induction on `H`); the calibrated weight
makes the tilt on the path `exp(1/beta_H) = alpha^-H` (sympy, with the spec's
`calibrated_beta` itself as the expression); off the path the tilt is 1, so
`Z = (1 - alpha^H) + alpha^H alpha^-H = 2 - alpha^H`; KL1's `pstar` at `z` is then
`1/(2 - alpha^H)` and `J* = beta_H ln(2 - alpha^H)`; `0 < alpha^H < 1` (induction on `H`)
gives `>= 1/2` (z3).
"""

from __future__ import annotations

from fractions import Fraction

import sympy
import z3

from genaccess.proofs.discharge import identity, validity
from genaccess.spec.generator import response_probability
from genaccess.spec.hidden_path import HiddenPathFamily
from genaccess.spec.kl_objective import (
    as_expr,
    calibrated_beta,
    is_zero,
    partition_function,
    path_reward,
    reference_law,
)
from genaccess.spec.proof import (
    Proof,
    Tie,
    by_claim,
    by_definition,
    by_induction,
    by_sympy,
    by_z3,
)
from genaccess.spec.tilted_path import (
    compute_KL3_path_mass,
    compute_optimal_value,
    compute_partition_function,
    tilted_path_law,
)

Z3Formula = tuple[list[z3.BoolRef], z3.BoolRef]

ALPHA = sympy.Symbol("alpha", positive=True)
H = sympy.Symbol("H", integer=True, positive=True)
N = sympy.Symbol("n", integer=True, nonnegative=True)
PATH = ALPHA**H
"""`pi_z(z)`: `alpha` at each of the `H` on-path stages."""
TILT = sympy.exp(1 / calibrated_beta(ALPHA, H))
"""`exp(r(z)/beta_H)` with the spec's `calibrated_beta`."""
Z_CLOSED = 2 - ALPHA**H
J_STAR = calibrated_beta(ALPHA, H) * sympy.log(Z_CLOSED)
_POINTS = {ALPHA: (sympy.Rational(1, 2),), H: (1, 2)}

FAMILIES = tuple(HiddenPathFamily(k, h, a) for k, h, a in (
    (2, 1, Fraction(2, 3)), (2, 3, Fraction(9, 10)), (3, 2, Fraction(1, 2)),
    (3, 3, Fraction(4, 5)), (4, 2, Fraction(1, 3))))
SMALL_FAMILIES = FAMILIES[:3]
"""HP(K, H, alpha) instances of the ties; the general sympy definitions run on the first 3."""
_DOMAIN = ", ".join(f"HP({f.vocab_size}, {f.horizon}, {f.alpha})" for f in FAMILIES)
_SMALL = ", ".join(f"HP({f.vocab_size}, {f.horizon}, {f.alpha})" for f in SMALL_FAMILIES)


def _value(expr: sympy.Expr, family: HiddenPathFamily) -> sympy.Expr:
    return expr.subs({ALPHA: as_expr(family.alpha), H: family.horizon})


def _path_tie() -> int:
    """`alpha^H` against `response_probability(pi_z, z)` for every z of the families."""
    compared = 0
    for family in FAMILIES:
        for z in family.paths():
            assert response_probability(family.generator(z), z) == family.alpha**family.horizon
            compared += 1
    return compared


def _partition_tie() -> int:
    """Z_CLOSED against `compute_partition_function` (every family) and against the general
    `partition_function` at `calibrated_beta` (the small families, one z each)."""
    compared = 0
    for family in FAMILIES:
        assert _value(Z_CLOSED, family) == as_expr(compute_partition_function(family)), family
        compared += 1
    for family in SMALL_FAMILIES:
        z = next(iter(family.paths()))
        general = partition_function(reference_law(family.generator(z)), path_reward(z),
                                     calibrated_beta(family.alpha, family.horizon))
        assert is_zero(general - _value(Z_CLOSED, family)), family
        compared += 1
    return compared


def _optimal_value_tie() -> int:
    """J_STAR against `compute_optimal_value` (sympy)."""
    for family in FAMILIES:
        assert is_zero(_value(J_STAR, family) - compute_optimal_value(family)), family
    return len(FAMILIES)


def _mass_tie() -> int:
    """`1/(2 - alpha^H)` against `tilted_path_law(., z)[z]` (every z) and against the general
    `compute_KL3_path_mass` (the small families, one z each)."""
    compared = 0
    for family in FAMILIES:
        closed = 1 / (2 - family.alpha**family.horizon)
        for z in family.paths():
            assert tilted_path_law(family, z)[z] == closed, (family, z)
            compared += 1
    for family in SMALL_FAMILIES:
        z = next(iter(family.paths()))
        closed = 1 / (2 - family.alpha**family.horizon)
        assert is_zero(compute_KL3_path_mass(family, z) - as_expr(closed)), family
        compared += 1
    return compared


def _power(step: bool, wrong: bool) -> Z3Formula:
    """`0 < alpha^n < 1`: base `n = 1`, step `s -> s alpha` (`wrong`: `<= 1` for `< 1`)."""
    alpha, s = z3.Reals("alpha s")
    top = alpha <= 1 if wrong else alpha < 1
    if not step:
        return [alpha > 0, top], z3.And(alpha > 0, alpha < 1)
    below = s <= 1 if wrong else s < 1
    return [alpha > 0, top, s > 0, below], z3.And(s * alpha > 0, s * alpha < 1)


def _half(wrong: bool) -> Z3Formula:
    s = z3.Real("s")
    floor = z3.RealVal("2/3") if wrong else z3.RealVal("1/2")
    return [s > 0, s < 1], 1 / (2 - s) >= floor


PROOF = Proof((
    by_definition("KL3.setup", "pref = pi_z, r(y) = 1[y = z], beta_H = 1/(H ln(1/alpha))",
                  "genaccess.spec.kl_objective.calibrated_beta"),
    by_claim("KL3.pref_law", "pref = pi_z is the response law of a generator: a law on "
             "V^H (G1), so the responses other than z carry 1 - pi_z(z)", "G1"),
    by_induction("KL3.path_mass", "pi_z(z) = alpha^H: alpha at each on-path stage "
                 "(induction on H)", "H",
                 base=identity("H = 0: the empty product alpha^0 = 1", ALPHA**0,
                               sympy.Integer(1), wrong="alpha^0 = alpha", wrong_rhs=ALPHA,
                               points={ALPHA: (sympy.Rational(1, 2),)}),
                 step=identity("alpha^n alpha = alpha^(n+1)", ALPHA**N * ALPHA,
                               ALPHA**(N + 1), wrong="alpha^n (the new stage lost)",
                               wrong_rhs=ALPHA**N,
                               points={ALPHA: (sympy.Rational(1, 2),), N: (0,)}),
                 uses=("KL3.setup",),
                 tie=Tie("genaccess.spec.generator.response_probability",
                         f"{_DOMAIN}, every z", _path_tie)),
    by_sympy("KL3.tilt", "exp(r(z)/beta_H) = exp(H ln(1/alpha)) = alpha^-H; off the path "
             "exp(0) = 1",
             identity("exp(1 / calibrated_beta(alpha, H)) = alpha^-H", TILT, ALPHA**-H,
                      wrong="alpha^-(H-1) (beta_{H-1})", wrong_rhs=ALPHA**(1 - H),
                      points=_POINTS),
             uses=("KL3.setup",)),
    by_sympy("KL3.partition", "Z = (1 - alpha^H) exp(0) + alpha^H alpha^-H = 2 - alpha^H",
             identity("(1 - alpha^H) + alpha^H exp(1/beta_H) = 2 - alpha^H",
                      (1 - PATH) + PATH * TILT, Z_CLOSED,
                      wrong="1 - alpha^H + alpha^-H (the path's weight dropped)",
                      wrong_rhs=1 - PATH + ALPHA**-H, points=_POINTS),
             uses=("KL3.pref_law", "KL3.path_mass", "KL3.tilt"),
             tie=Tie("genaccess.spec.tilted_path.compute_partition_function",
                     f"{_DOMAIN}; partition_function on {_SMALL}", _partition_tie)),
    by_claim("KL3.KL1", "KL1: pstar = pref exp(r/beta)/Z is the unique maximiser and "
             "J* = beta ln Z", "KL1"),
    by_sympy("KL3.optimal_value", "J* = beta_H ln(2 - alpha^H) = ln(2 - alpha^H)/(H ln(1/alpha))",
             identity("calibrated_beta(alpha, H) ln(2 - alpha^H) = ln(2 - alpha^H) / "
                      "(H ln(1/alpha))", J_STAR,
                      sympy.log(Z_CLOSED) / (H * sympy.log(1 / ALPHA)),
                      wrong="ln(2 - alpha^H) / (H ln alpha) (sign)",
                      wrong_rhs=sympy.log(Z_CLOSED) / (H * sympy.log(ALPHA)), points=_POINTS),
             uses=("KL3.partition", "KL3.KL1"),
             tie=Tie("genaccess.spec.tilted_path.compute_optimal_value", _DOMAIN,
                     _optimal_value_tie)),
    by_sympy("KL3.mass", "pstar(z) = pi_z(z) exp(1/beta_H) / Z = alpha^H alpha^-H / (2 - "
             "alpha^H) = 1/(2 - alpha^H)",
             identity("alpha^H exp(1/beta_H) / (2 - alpha^H) = 1/(2 - alpha^H)",
                      PATH * TILT / Z_CLOSED, 1 / Z_CLOSED,
                      wrong="alpha^H / (2 - alpha^H) (the tilt forgotten)",
                      wrong_rhs=PATH / Z_CLOSED, points=_POINTS),
             uses=("KL3.partition", "KL3.KL1"),
             tie=Tie("genaccess.spec.tilted_path.tilted_path_law",
                     f"{_DOMAIN}, every z; compute_KL3_path_mass on {_SMALL}", _mass_tie)),
    by_induction("KL3.power", "0 < alpha^H < 1 for H >= 1 and alpha in (1/K, 1) (induction "
                 "on H)", "H",
                 base=validity("0 < alpha < 1", lambda: _power(False, False),
                               wrong="alpha <= 1", build_wrong=lambda: _power(False, True)),
                 step=validity("0 < s < 1 => 0 < s alpha < 1", lambda: _power(True, False),
                               wrong="s <= 1, alpha <= 1",
                               build_wrong=lambda: _power(True, True))),
    by_z3("KL3.statement", "KL3: pstar(z) = 1/(2 - alpha^H) >= 1/2",
          validity("0 < s < 1 => 1/(2 - s) >= 1/2", lambda: _half(False),
                   wrong="1/(2 - s) >= 2/3", build_wrong=lambda: _half(True)),
          uses=("KL3.mass", "KL3.power")),
))
"""KL3: on the hidden path the tilted target puts `1/(2 - alpha^H) >= 1/2` on `z`."""
