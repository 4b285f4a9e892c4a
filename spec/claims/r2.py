"""R2: the reach bound — a root-start learner tells apart two generators that differ only on
`D` with total variation at most `1 - (1 - rho(D))^T <= T rho(D)`, with equality for
canonical observations when `D` is exactly where they differ."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from genaccess.proofs.reach_inequality import MAX_T, prove_R2_broken_bound, prove_R2_union_bound
from genaccess.proofs.result import ProofStatus, require_proved
from genaccess.spec.claims.r1 import root_start_types
from genaccess.spec.garbling import root_start_law
from genaccess.spec.generator import Generator
from genaccess.spec.grids import PALETTES, Grid, perturbed, subsets
from genaccess.spec.observation import Full, ObservationType
from genaccess.spec.prefix import Prefix, all_prefixes
from genaccess.spec.reach import (
    difference_set,
    is_R2_bound,
    is_R2_reach_invariant,
    product_law,
    reach_bound,
    reach_of_set,
    total_variation,
)
from genaccess.spec.registry import Check, CheckKind, CheckOutcome, Claim, Source
from genaccess.spec.strategies import generator_pairs

Bound = Callable[[Fraction, int], Fraction]


def constant_generators(vocab_size: int, horizon: int) -> list[Generator]:
    """The generators that use the same palette row at every prefix."""
    return [Generator.from_table(vocab_size, horizon, {}, default=row)
            for row in PALETTES[vocab_size]]


def r2_cases() -> list[tuple[str, list[Generator], int | None, tuple[int, ...]]]:
    """(description, base generators, max |D| or None for every subset, query counts T)."""
    return [
        (str(Grid(2, 1, "depth")), list(Grid(2, 1, "depth")), None, (1, 2, 3)),
        (str(Grid(2, 2, "depth")), list(Grid(2, 2, "depth")), None, (1, 2, 3)),
        (str(Grid(3, 1, "depth")), list(Grid(3, 1, "depth")), None, (1, 2, 3)),
        (str(Grid(3, 2, "depth")), list(Grid(3, 2, "depth")), None, (1, 2)),
        ("K=2,H=3 (3 constant-row generators)", constant_generators(2, 3), None, (1, 2)),
        ("K=3,H=3 (3 constant-row generators)", constant_generators(3, 3), 1, (1, 2)),
    ]


DOMAIN = ("pairs (pi, pi') with pi' = pi changed at every prefix of D and nowhere else; D = "
          "every subset of prefixes (only |D| <= 1 for K=3,H=3); every root-start observation "
          "type (all k); bases and T: "
          + "; ".join(f"{d}, T in {set(T)}" for d, _, _, T in r2_cases()))


def _one_query_law(g: Generator, obs: ObservationType) -> dict[object, Fraction]:
    return {answer[0]: p for answer, p in root_start_law(g, obs, 1).items()}


def check_R2_exhaustive_pairs(bound: Bound = reach_bound) -> CheckOutcome:
    """Every case: `rho_pi(D) = rho_pi'(D)`, `TV <= bound(rho, T) <= T rho`, and `TV = bound`
    for `full` (D is exactly the difference set)."""
    count = 0
    for description, bases, max_size, queries in r2_cases():
        for g in bases:
            K, H = g.vocab_size, g.horizon
            base_laws = {obs: _one_query_law(g, obs) for obs in root_start_types(K)}
            for D in subsets(list(all_prefixes(K, H)), max_size):
                h = perturbed(g, D)
                assert difference_set(g, h) == D
                rho = reach_of_set(g, D)
                assert rho == reach_of_set(h, D), f"rho differs on D={set(D)} ({description})"
                for obs, law in base_laws.items():
                    other = _one_query_law(h, obs)
                    for T in queries:
                        tv = total_variation(product_law(law, T), product_law(other, T))
                        limit = bound(rho, T)
                        assert tv <= limit <= T * rho, (
                            f"{obs.name}, T={T}, D={sorted(D)}: TV={tv} > {limit} "
                            f"({description}, base {g.table()})")
                        if isinstance(obs, Full):
                            assert tv == limit, f"full: TV={tv} != {limit}, D={sorted(D)}"
                        count += 1
    return CheckOutcome(count)


def check_R2_queries_are_iid() -> CheckOutcome:
    """The oracle's law of T=2 root-start answers is the square of its T=1 law (what lets
    the exhaustive check use product laws)."""
    count = 0
    for grid in (Grid(2, 2), Grid(3, 2, "depth")):
        for g in grid:
            for obs in root_start_types(grid.vocab_size):
                two = {tuple(a): p for a, p in root_start_law(g, obs, 2).items()}
                assert two == product_law(_one_query_law(g, obs), 2), (obs.name, g.table())
                count += 1
    return CheckOutcome(count)


def check_R2_fuzz() -> CheckOutcome:
    """Random rational pairs agreeing outside a random D: invariance and the bound."""
    seen = [0]

    @given(generator_pairs(max_vocab=3, max_horizon=2), st.integers(1, 3))
    def r2_holds(case: tuple[Generator, Generator, frozenset[Prefix]], T: int) -> None:
        first, second, D = case
        seen[0] += 1
        assert is_R2_reach_invariant(first, second, D)
        for obs in root_start_types(first.vocab_size):
            assert is_R2_bound(first, second, D, obs, T), (obs.name, T, sorted(D))

    r2_holds()
    return CheckOutcome(seen[0])


def check_R2_union_bound_z3() -> CheckOutcome:
    """z3: `0 <= 1 - (1 - rho)^T <= T rho` for every real rho in [0, 1], T = 1..6."""
    return require_proved(*(prove_R2_union_bound(T) for T in range(1, MAX_T + 1)))


def check_R2_catches_off_by_one_bound() -> CheckOutcome:
    """Power: with the bound `1 - (1 - rho)^(T-1)` the exhaustive check fails, and z3
    refutes `1 - (1 - rho)^T <= (T-1) rho` with a counterexample."""
    try:
        check_R2_exhaustive_pairs(lambda rho, T: reach_bound(rho, T - 1))
    except AssertionError:
        pass
    else:
        raise AssertionError("R2's exhaustive check accepted an off-by-one bound")
    refuted = prove_R2_broken_bound(3)
    assert refuted.status is ProofStatus.REFUTED and refuted.counterexample, refuted
    return CheckOutcome(2, f"z3 counterexample {refuted.counterexample}")


CLAIM = Claim(
    id="R2",
    title="Reach bound: root-start learners are limited by the reach of informative prefixes",
    source=Source.PAPER,
    statement="If pi, pi' agree outside D then rho_pi(D) = rho_pi'(D), and the laws of T "
    "root-start transcripts (any observation types) are within TV 1-(1-rho(D))^T <= T rho(D); "
    "with canonical observations and D exactly the difference set, equality holds.",
    uses=("G1", "R1"),
    predicates=(is_R2_bound, is_R2_reach_invariant),
    checks=(
        Check("R2_exhaustive_pairs", CheckKind.EXHAUSTIVE, DOMAIN, check_R2_exhaustive_pairs),
        Check("R2_queries_are_iid", CheckKind.EXHAUSTIVE,
              "K=2,H=2 (27 generators) and K=3,H=2 (9 depth generators), every type, T=2",
              check_R2_queries_are_iid),
        Check("R2_union_bound_z3", CheckKind.SOLVER, "real rho in [0,1], each T in 1..6",
              check_R2_union_bound_z3),
        Check("R2_fuzz_random_pairs", CheckKind.FUZZ,
              "random rational pairs K<=3, H<=2, random D, T in 1..3", check_R2_fuzz),
        Check("R2_catches_off_by_one_bound", CheckKind.POWER,
              "exhaustive pairs with 1-(1-rho)^(T-1); z3 on (T-1) rho",
              check_R2_catches_off_by_one_bound),
    ),
    reference=("genaccess.spec.reach.reach_of_set", "genaccess.spec.reach.total_variation",
               "genaccess.proofs.reach_inequality.prove_R2_union_bound"),
)
