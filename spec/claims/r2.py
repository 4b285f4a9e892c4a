"""R2: the reach bound — a root-start learner tells apart two generators that differ only on
`D` with total variation at most `1 - (1 - rho(D))^T <= T rho(D)`, with equality for
canonical observations when `D` is exactly where they differ."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

import attrs
from hypothesis import given
from hypothesis import strategies as st

from genaccess.proofs.discharge import proof_check
from genaccess.proofs.reach_inequality import MAX_T, prove_R2_broken_bound, prove_R2_union_bound
from genaccess.proofs.result import ProofStatus, require_proved
from genaccess.proofs.steps.r2 import PROOF
from genaccess.spec.checking import for_all, range_text, set_text, text
from genaccess.spec.distribution import Distribution
from genaccess.spec.garbling import root_start_law, root_start_types
from genaccess.spec.generator import Generator
from genaccess.spec.grids import Grid, describe, perturbed, r2_cases, subsets
from genaccess.spec.observation import Full, ObservationType
from genaccess.spec.prefix import Prefix, all_prefixes
from genaccess.spec.reach import (
    compute_R2_gap,
    difference_set,
    is_R2_bound,
    is_R2_reach_invariant,
    one_query_law,
    product_law,
    product_total_variation,
    reach_bound,
    reach_of_set,
)
from genaccess.spec.registry import Check, CheckKind, CheckOutcome, Claim, Source
from genaccess.spec.strategies import generator_pairs

_Bound = Callable[[Fraction, int], Fraction]

R2_CASES = r2_cases()
"""The bases and query counts of the exhaustive check (built once, shared by its power check)."""

DOMAIN = ("pairs (pi, pi') with pi' = pi changed at every prefix of D and nowhere else; D = "
          "every subset of prefixes (only |D| <= 1 for K=3,H=3); every root-start observation "
          "type (all k); bases and T: "
          + "; ".join(f"{d}, T in {set_text(T)}" for d, _, _, T in R2_CASES))
IID_GRIDS = (Grid(2, 2), Grid(3, 2, "depth"))
IID_QUERIES = 2
FUZZ_MAX_VOCAB = 3
FUZZ_MAX_HORIZON = 2
FUZZ_QUERIES = range(1, 4)
UNION_BOUND_QUERIES = range(1, MAX_T + 1)


def check_R2_exhaustive_pairs(bound: _Bound = reach_bound) -> CheckOutcome:
    """Every case: `rho_pi(D) = rho_pi'(D)`, `TV <= bound(rho, T) <= T rho`, and `TV = bound`
    for `full` (D is exactly the difference set)."""
    count = 0
    for description, bases, max_size, queries in R2_CASES:
        for g in bases:
            K, H = g.vocab_size, g.horizon
            base_laws = {obs: one_query_law(g, obs) for obs in root_start_types(K)}
            for D in subsets(list(all_prefixes(K, H)), max_size):
                h = perturbed(g, D)
                assert difference_set(g, h) == D
                rho = reach_of_set(g, D)
                assert rho == reach_of_set(h, D), f"rho differs on D={set(D)} ({description})"
                for obs, law in base_laws.items():
                    other = one_query_law(h, obs)
                    for T in queries:
                        tv = product_total_variation(law, other, T)
                        limit = bound(rho, T)
                        assert tv <= limit <= T * rho, (
                            f"{obs.name}, T={T}, D={sorted(D)}: TV={tv} > {limit} "
                            f"({description}, base {g.table()})")
                        if isinstance(obs, Full):
                            assert tv == limit, f"full: TV={tv} != {limit}, D={sorted(D)}"
                        count += 1
    return CheckOutcome(count)


VACUOUS_ROOTS = (("1/10", "9/10"), ("9/10", "1/10"))
"""Two rows far apart, used at the root and at `(0,)`: with `D = {(0,)}` the pair breaks
R2's hypothesis (it differs outside `D`, and `D` is inside the difference set) and its
conclusion."""
UNNORMALISED_ROW = (Fraction(1), Fraction(2))
"""A row summing to 3, not proportional to the uniform row (a `Distribution` compares its
weights in lowest terms): not a distribution, so R2 need not hold for a pair using it."""


def _unnormalised(bad: frozenset[Prefix]) -> Generator:
    """Not a generator: K=2, H=2, uniform rows except `UNNORMALISED_ROW` at `bad`, that row
    built with `Distribution`'s validators off (as G1's broken-row check does), so the
    predicates can be shown to compute, not merely to accept."""
    with attrs.validators.disabled():
        odd = Distribution(UNNORMALISED_ROW)
    return Generator.from_table(2, 2, dict.fromkeys(bad, odd), default=Distribution.uniform(2))


def check_R2_predicates_decide() -> CheckOutcome:
    """The predicates decide, they do not merely accept: (a) a pair that differs outside `D`
    is vacuous for both (`True`), though its reach and TV break R2's conclusion there;
    (b) `difference_set` compares rows by value (two generators built apart from one table
    differ nowhere); (c) on non-generators differing only inside `D` (a row summing to 3)
    the reach over `D` differs and `is_R2_reach_invariant` says so, with `D` equal to the
    difference set or larger, in both orders."""
    first, second = (Generator.from_table(2, 2, {(): root, (0,): root}, default=("1/2", "1/2"))
                     for root in VACUOUS_ROOTS)
    D = frozenset({(0,)})  # a proper subset of the difference set
    assert difference_set(first, second) == {(), (0,)}, difference_set(first, second)
    assert reach_of_set(first, D) != reach_of_set(second, D)
    tv, bound = compute_R2_gap(first, second, D, Full(), 1)
    assert tv > bound, (tv, bound)
    assert is_R2_reach_invariant(first, second, D), "vacuous pair judged"
    assert is_R2_bound(first, second, D, Full(), 1), "vacuous pair judged"
    again = Generator.from_table(2, 2, {(): VACUOUS_ROOTS[0], (0,): VACUOUS_ROOTS[0]},
                                 default=("1/2", "1/2"))
    assert difference_set(first, again) == frozenset(), "rows compared by identity"
    count = 3
    plain = _unnormalised(frozenset())
    for bad, wider in (({(0,)}, {(0,)}), ({(0,)}, {(0,), (1,)})):
        odd = _unnormalised(frozenset(bad))
        assert difference_set(plain, odd) == bad
        for a, b in ((plain, odd), (odd, plain)):
            assert not is_R2_reach_invariant(a, b, wider), (bad, wider)
            count += 1
    return CheckOutcome(count)


def check_R2_queries_are_iid() -> CheckOutcome:
    """The oracle's law of T=2 root-start answers is the square of its T=1 law (what lets
    the exhaustive check use product laws)."""
    cases = ((g, obs) for grid in IID_GRIDS for g in grid
             for obs in root_start_types(grid.vocab_size))
    return for_all(cases, _queries_are_iid)


def _queries_are_iid(case: tuple[Generator, ObservationType]) -> bool:
    g, obs = case
    law = {tuple(a): p for a, p in root_start_law(g, obs, IID_QUERIES).items()}
    return law == product_law(one_query_law(g, obs), IID_QUERIES)


def check_R2_fuzz() -> CheckOutcome:
    """Random rational pairs agreeing outside a random D: invariance and the bound."""
    seen = [0]

    @given(generator_pairs(max_vocab=FUZZ_MAX_VOCAB, max_horizon=FUZZ_MAX_HORIZON),
           st.sampled_from(FUZZ_QUERIES))
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
    return require_proved(*(prove_R2_union_bound(T) for T in UNION_BOUND_QUERIES))


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
        proof_check("R2", PROOF),
        Check("R2_exhaustive_pairs", CheckKind.EXHAUSTIVE, DOMAIN, check_R2_exhaustive_pairs,
              slow=True),
        Check("R2_predicates_decide", CheckKind.POWER,
              f"K=2, H=2: rows {set_text(VACUOUS_ROOTS)} at the root and (0,), against each "
              "other (D = {(0,)}, outside the hypothesis); non-generators with the row "
              f"{text(UNNORMALISED_ROW)} at (0,), D = {{(0,)}} and {{(0,), (1,)}}, both orders",
              check_R2_predicates_decide),
        Check("R2_queries_are_iid", CheckKind.EXHAUSTIVE,
              f"{describe(IID_GRIDS)}; every type, T={IID_QUERIES}",
              check_R2_queries_are_iid),
        Check("R2_union_bound_z3", CheckKind.SOLVER,
              f"real rho in [0,1], each T in {range_text(UNION_BOUND_QUERIES)}",
              check_R2_union_bound_z3),
        Check("R2_fuzz_random_pairs", CheckKind.FUZZ,
              f"random rational pairs K<={FUZZ_MAX_VOCAB}, H<={FUZZ_MAX_HORIZON}, random D, "
              f"T in {range_text(FUZZ_QUERIES)}", check_R2_fuzz),
        Check("R2_catches_off_by_one_bound", CheckKind.POWER,
              "exhaustive pairs with 1-(1-rho)^(T-1); z3 on (T-1) rho",
              check_R2_catches_off_by_one_bound),
    ),
    reference=("genaccess.spec.reach.reach_of_set", "genaccess.spec.reach.total_variation",
               "genaccess.proofs.reach_inequality.prove_R2_union_bound"),
    proof=PROOF,
)
