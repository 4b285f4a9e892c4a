"""KL3: in HP(K, H, alpha) with `pref = pi_z`, `r = 1[y = z]` and `beta_H = 1/(H ln(1/alpha))`,
the tilted optimum puts `pstar(z) = 1/(2 - alpha^H) >= 1/2` on the hidden path."""

from __future__ import annotations

from fractions import Fraction

import sympy
import z3

from genaccess.proofs.discharge import proof_check
from genaccess.proofs.result import prove, require_proved
from genaccess.proofs.steps.kl3 import PROOF
from genaccess.spec.checking import cases_text, for_all, set_text
from genaccess.spec.hidden_path import HiddenPathFamily
from genaccess.spec.kl_objective import as_expr, calibrated_beta, is_zero
from genaccess.spec.registry import Check, CheckKind, CheckOutcome, Claim, Source
from genaccess.spec.tilted_path import compute_KL3_path_mass, is_KL3

ALPHAS = {2: (Fraction(2, 3), Fraction(9, 10)), 3: (Fraction(1, 2), Fraction(4, 5))}
SHAPES = ((2, 1), (2, 2), (2, 3), (3, 1), (3, 2), (3, 3))
"""(K, H); every hidden path of each, at the two alphas `ALPHAS[K]`."""


def check_KL3_exhaustive() -> CheckOutcome:
    """Every hidden path for K in {2,3}, H in {1,2,3}, two alphas each: exact equality."""
    cases = [(family, z) for K, H in SHAPES for alpha in ALPHAS[K]
             for family in (HiddenPathFamily(K, H, alpha),) for z in family.paths()]
    return for_all(cases, lambda case: is_KL3(*case))


def check_KL3_symbolic() -> CheckOutcome:
    """sympy for symbolic alpha in (0,1) and integer H >= 1: `Z = 2 - alpha^H` and
    `pstar(z) = 1/(2 - alpha^H)`; z3: `1/(2 - s) >= 1/2` for every real `s = alpha^H` in
    (0, 1)."""
    alpha = sympy.Symbol("alpha", positive=True)
    H = sympy.Symbol("H", positive=True, integer=True)
    path_prob = alpha**H  # pi_z(z): alpha at each of the H on-path stages
    tilt_on_path = sympy.exp(1 / calibrated_beta(alpha, H))  # exp(r(z)/beta_H), r(z) = 1
    Z = (1 - path_prob) + path_prob * tilt_on_path  # r = 0 off the path
    assert sympy.simplify(Z - (2 - alpha**H)) == 0, Z
    assert sympy.simplify(path_prob * tilt_on_path / Z - 1 / (2 - alpha**H)) == 0
    s = z3.Real("s")
    proof = prove("KL3", "1/(2-s) >= 1/2 for s in (0,1)", 1 / (2 - s) >= z3.RealVal(1) / 2,
                  hypotheses=(s > 0, s < 1))
    outcome = require_proved(proof)
    return CheckOutcome(3, outcome.detail)


def check_KL3_catches_off_by_one_beta() -> CheckOutcome:
    """Power: calibrating with `H-1` instead of `H` breaks the closed form (K=3, H=2)."""
    family = HiddenPathFamily(3, 2, Fraction(1, 2))
    z = (0, 1)
    wrong = compute_KL3_path_mass(family, z, calibrated_beta(family.alpha, 1))
    assert not is_zero(wrong - 1 / (2 - as_expr(family.alpha) ** 2)), wrong
    return CheckOutcome(1)


CLAIM = Claim(
    id="KL3",
    title="With beta_H the tilted optimum puts at least 1/2 on the hidden path",
    source=Source.FORMALISATION,
    statement="In HP(K, H, alpha) with pref = pi_z, r = 1[y = z], beta_H = 1/(H ln(1/alpha)): "
    "pstar(z) = 1/(2 - alpha^H) >= 1/2.",
    uses=("G1", "KL1"),
    predicates=(is_KL3,),
    checks=(
        proof_check("KL3", PROOF),
        Check("KL3_exhaustive", CheckKind.EXHAUSTIVE,
              f"every z for (K, H) in {cases_text(SHAPES)}; alpha in "
              + "; ".join(f"{set_text(alphas)} (K={K})" for K, alphas in ALPHAS.items()),
              check_KL3_exhaustive),
        Check("KL3_symbolic", CheckKind.SYMBOLIC,
              "symbolic alpha > 0 and integer H >= 1 (sympy); s = alpha^H in (0,1) (z3)",
              check_KL3_symbolic),
        Check("KL3_catches_off_by_one_beta", CheckKind.POWER, "beta_{H-1} at K=3, H=2",
              check_KL3_catches_off_by_one_beta),
    ),
    reference=("genaccess.spec.kl_objective.calibrated_beta",),
    proof=PROOF,
)
