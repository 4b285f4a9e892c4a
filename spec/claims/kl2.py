"""KL2: the tilted optimum is autoregressive, `pstar(a|u) = pref(a|u) W(u·a) / W(u)`."""

from __future__ import annotations

from fractions import Fraction

import sympy
from hypothesis import given
from hypothesis import strategies as st

from genaccess.proofs.discharge import proof_check
from genaccess.proofs.steps.kl2 import PROOF
from genaccess.spec.generator import Generator
from genaccess.spec.kl_objective import (
    Reward,
    as_expr,
    continuation_weight,
    is_KL2_autoregressive,
    tilted_next_token,
)
from genaccess.spec.prefix import Prefix, Response, all_responses
from genaccess.spec.registry import Check, CheckKind, CheckOutcome, Claim, Source
from genaccess.spec.strategies import generators


@st.composite
def _rewards(draw: st.DrawFn, vocab_size: int, horizon: int) -> dict[Response, Fraction]:
    """A random outcome reward `r: V^H -> [0, 1]` on a quarter grid."""
    return {y: Fraction(draw(st.integers(0, 4)), 4) for y in all_responses(vocab_size, horizon)}


def check_KL2_random_exact() -> CheckOutcome:
    """Random rational generators (K<=3, H<=2), rewards and beta: KL2 exactly."""
    seen = [0]

    @given(generators(max_vocab=3, max_horizon=2), st.data())
    def kl2_holds(g: Generator, data: st.DataObject) -> None:
        seen[0] += 1
        r = data.draw(_rewards(g.vocab_size, g.horizon))
        beta = Fraction(data.draw(st.integers(1, 6)), data.draw(st.integers(1, 3)))
        assert is_KL2_autoregressive(g, r.__getitem__, beta), (g.table(), r, beta)

    kl2_holds()
    return CheckOutcome(seen[0])


def _broken_unnormalised(g: Generator, reward: Reward, beta: object, u: Prefix
                         ) -> tuple[sympy.Expr, ...]:
    # Broken variant: forgets to divide by W(u).
    dist = g.next_token(u)
    return tuple(as_expr(dist[a]) * continuation_weight(g, reward, beta, (*u, a))
                 for a in range(g.vocab_size))


def _broken_pref_only(g: Generator, reward: Reward, beta: object, u: Prefix
                      ) -> tuple[sympy.Expr, ...]:
    # Broken variant: tilts only the last token (a greedy, myopic "pstar").
    return tilted_next_token(g, lambda y: 0, beta, u)


def check_KL2_catches_broken_rules() -> CheckOutcome:
    """Power: an unnormalised rule and the untilted rule are both rejected."""
    g = Generator.from_table(2, 2, {(): ("1/3", "2/3")}, default=("1/2", "1/2"))
    table: dict[Response, object] = {(0, 0): 1, (0, 1): 0, (1, 0): Fraction(1, 2), (1, 1): 0}
    reward = table.__getitem__
    assert is_KL2_autoregressive(g, reward, Fraction(1, 2))
    for broken in (_broken_unnormalised, _broken_pref_only):
        assert not is_KL2_autoregressive(g, reward, Fraction(1, 2), broken), broken.__name__
    return CheckOutcome(2)


CLAIM = Claim(
    id="KL2",
    title="The tilted optimum is autoregressive",
    source=Source.PAPER,
    statement="pstar(a|u) = pref(a|u) W(u·a) / W(u) with W(u) = E_pref[exp(r(y)/beta) | y "
    "starts with u].",
    uses=("G1", "KL1"),
    predicates=(is_KL2_autoregressive,),
    checks=(
        proof_check("KL2", PROOF),
        Check("KL2_random_exact", CheckKind.FUZZ,
              "random rational generators K<=3, H<=2, rewards on a quarter grid, rational beta",
              check_KL2_random_exact),
        Check("KL2_catches_broken_rules", CheckKind.POWER,
              "unnormalised and untilted next-token rules on a K=2, H=2 instance",
              check_KL2_catches_broken_rules),
    ),
    reference=("genaccess.spec.kl_objective.tilted_next_token",),
    proof=PROOF,
)
