"""KL1: `J(p) = beta ln Z - beta KL(p || pstar)`, so `pstar` is the unique maximiser and
`SubOpt(p) = beta KL(p || pstar) >= 2 beta TV(p, pstar)^2`."""

from __future__ import annotations

from fractions import Fraction

import sympy
from hypothesis import given
from hypothesis import strategies as st

from genaccess.proofs.discharge import proof_check
from genaccess.proofs.steps.kl1 import PROOF
from genaccess.spec.checking import for_all, set_text
from genaccess.spec.kl_objective import (
    as_expr,
    expected_reward,
    is_KL1_identity,
    is_KL1_pinsker,
    is_zero,
    kl_divergence,
    partition_function,
    tilted_law,
)
from genaccess.spec.registry import Check, CheckKind, CheckOutcome, Claim, Source

SYMBOLIC_SIZES = (2, 3, 4)
"""Sizes of the outcome spaces on which the identity is proved symbolically."""


def _symbolic_instance(n: int) -> tuple[dict[int, sympy.Expr], dict[int, sympy.Expr],
                                        tuple[sympy.Symbol, ...], sympy.Symbol]:
    p = list(sympy.symbols(f"p0:{n - 1}", positive=True))
    q = list(sympy.symbols(f"q0:{n - 1}", positive=True))
    p.append(1 - sum(p))
    q.append(1 - sum(q))
    rewards = sympy.symbols(f"r0:{n}", real=True)
    return dict(enumerate(p)), dict(enumerate(q)), rewards, sympy.Symbol("beta", positive=True)


def _symbolic_identity(n: int) -> bool:
    p, q, r, beta = _symbolic_instance(n)
    return is_KL1_identity(p, q, r.__getitem__, beta)


def check_KL1_symbolic() -> CheckOutcome:
    """sympy: the identity for symbolic p, pref (each summing to 1), rewards and beta > 0,
    on outcome spaces of each size in `SYMBOLIC_SIZES`."""
    return for_all(SYMBOLIC_SIZES, _symbolic_identity)


@st.composite
def _laws(draw: st.DrawFn, n: int, positive: bool) -> dict[int, Fraction]:
    low = 1 if positive else 0
    weights = draw(st.lists(st.integers(low, 5), min_size=n, max_size=n)
                   .filter(lambda w: sum(w) > 0))
    return {i: Fraction(w, sum(weights)) for i, w in enumerate(weights)}


@st.composite
def _kl_instances(draw: st.DrawFn) -> tuple[dict[int, Fraction], dict[int, Fraction],
                                          tuple[Fraction, ...], Fraction]:
    """(p, pref, r, beta): p may have zeros, pref has full support, r in [0, 1]."""
    n = draw(st.integers(2, 5))
    p = draw(_laws(n, positive=False))
    pref = draw(_laws(n, positive=True))
    rewards = tuple(Fraction(draw(st.integers(0, 4)), 4) for _ in range(n))
    beta = Fraction(draw(st.integers(1, 8)), draw(st.integers(1, 4)))
    return p, pref, rewards, beta


def check_KL1_random_exact() -> CheckOutcome:
    """Random rational instances: the identity exactly, SubOpt = beta KL, Pinsker, and
    SubOpt(pstar) = 0."""
    seen = [0]

    @given(_kl_instances())
    def kl1_holds(case: tuple[dict[int, Fraction], dict[int, Fraction], tuple[Fraction, ...],
                              Fraction]) -> None:
        p, pref, r, beta = case
        seen[0] += 1
        reward = r.__getitem__
        pe = {y: as_expr(v) for y, v in p.items()}
        qe = {y: as_expr(v) for y, v in pref.items()}
        assert is_KL1_identity(pe, qe, reward, beta)
        assert is_KL1_pinsker(pe, qe, reward, beta)
        assert is_KL1_identity(tilted_law(qe, reward, beta), qe, reward, beta)

    kl1_holds()
    return CheckOutcome(seen[0])


def _broken_objective_identity(p: dict[int, sympy.Expr], q: dict[int, sympy.Expr],
                              r: tuple[sympy.Symbol, ...], beta: sympy.Symbol) -> bool:
    # Broken variant: the penalty uses KL(pref || p) instead of KL(p || pref).
    reward = r.__getitem__
    wrong_J = expected_reward(p, reward) - beta * kl_divergence(q, p)
    Z = partition_function(q, reward, beta)
    pstar = tilted_law(q, reward, beta)
    return is_zero(wrong_J - (beta * sympy.log(Z) - beta * kl_divergence(p, pstar)))


def check_KL1_catches_reversed_kl() -> CheckOutcome:
    """Power: with the penalty KL(pref || p) the symbolic identity is not proved."""
    p, q, r, beta = _symbolic_instance(2)
    assert not _broken_objective_identity(p, q, r, beta), "reversed KL passed the identity"
    return CheckOutcome(1)


CLAIM = Claim(
    id="KL1",
    title="The KL-regularised objective is a KL to the tilted policy",
    source=Source.PAPER,
    statement="J(p) = beta ln Z - beta KL(p || pstar) for every p; so pstar is the unique "
    "maximiser and SubOpt(p) = beta KL(p || pstar) >= 2 beta TV(p, pstar)^2.",
    uses=(),
    predicates=(is_KL1_identity, is_KL1_pinsker),
    checks=(
        proof_check("KL1", PROOF),
        Check("KL1_symbolic_identity", CheckKind.SYMBOLIC,
              f"symbolic p, pref, r, beta on outcome spaces of size {set_text(SYMBOLIC_SIZES)}",
              check_KL1_symbolic),
        Check("KL1_random_exact", CheckKind.FUZZ,
              "random rational p (zeros allowed), pref > 0, r in {0,1/4,..,1}, beta in "
              "(0, 8], 2..5 outcomes", check_KL1_random_exact, slow=True),
        Check("KL1_catches_reversed_kl", CheckKind.POWER, "objective with KL(pref || p)",
              check_KL1_catches_reversed_kl),
    ),
    reference=("genaccess.spec.kl_objective.objective",
               "genaccess.spec.kl_objective.tilted_law"),
    proof=PROOF,
)
