"""G1: a generator induces a distribution on `V^H`, and reach probabilities add up."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given

from genaccess.spec.checking import for_all
from genaccess.spec.generator import (
    Generator,
    is_G1,
    is_G1_distribution,
    is_G1_reach_additive,
    reach_probability,
    reach_weights,
    response_probability,
)
from genaccess.spec.grids import FULL_GRIDS, describe
from genaccess.spec.registry import Check, CheckKind, CheckOutcome, Claim, Source
from genaccess.spec.strategies import generators


def check_G1_exhaustive_grid() -> CheckOutcome:
    """Every grid generator: `sum_y pi(y) = 1` and `rho(u) = sum_a rho(u·a)`, exactly."""
    return for_all((g for grid in FULL_GRIDS for g in grid), is_G1)


def check_G1_fuzz() -> CheckOutcome:
    """Random rational generators (K <= 4, H <= 3) satisfy G1, and `reach_probability`,
    `response_probability` agree with the integer reach weights the predicates use."""
    seen = [0]

    @given(generators(max_vocab=4, max_horizon=3))
    def g1_holds(g: Generator) -> None:
        seen[0] += 1
        assert is_G1(g), g.table()
        D, N = reach_weights(g)
        for u, n in N.items():
            assert reach_probability(g, u) == Fraction(n, D ** len(u)), (u, g.table())
            if len(u) == g.horizon:
                assert response_probability(g, u) == Fraction(n, D ** len(u)), (u, g.table())

    g1_holds()
    return CheckOutcome(seen[0])


CLAIM = Claim(
    id="G1",
    title="A generator induces a distribution; reach probabilities add up",
    source=Source.PAPER,
    statement="pi(y) = prod_t pi(y_t|y_<t) sums to 1 over V^H, and rho(u) = sum_a rho(u·a) "
    "for every prefix u.",
    uses=(),
    predicates=(is_G1, is_G1_distribution, is_G1_reach_additive),
    checks=(
        Check("G1_exhaustive_grid", CheckKind.EXHAUSTIVE,
              describe(FULL_GRIDS),
              check_G1_exhaustive_grid),
        Check("G1_fuzz_random_rational", CheckKind.FUZZ, "random rational tables, K<=4, H<=3; "
              "reach_probability and response_probability against the integer reach weights",
              check_G1_fuzz),
    ),
    reference=("genaccess.spec.generator.reach_probability",
               "genaccess.spec.generator.response_probability"),
)
