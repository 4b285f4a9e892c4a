"""G1: a generator induces a distribution on `V^H`, and reach probabilities add up.

The checks also show that the predicates reject tables that are not generators (rows that
bypass the `Distribution` constructor), and that a sampling oracle draws from `pi`, using the
binomial tests (`genaccess.spec.stats`) every Monte Carlo check relies on, whose decisions
are checked here against exact binomial tails and whose power against a wrong rate."""

from __future__ import annotations

import functools
import itertools
import math
import random
from fractions import Fraction

import attrs
from hypothesis import given

from genaccess.proofs.discharge import proof_check
from genaccess.proofs.steps.g1 import PROOF
from genaccess.spec.access import AccessModel
from genaccess.spec.checking import for_all, set_text
from genaccess.spec.control import RootStart
from genaccess.spec.distribution import Distribution
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
from genaccess.spec.hidden_path import HiddenPathFamily
from genaccess.spec.observation import Sample
from genaccess.spec.oracle import Oracle
from genaccess.spec.prefix import Prefix, all_responses
from genaccess.spec.registry import Check, CheckKind, CheckOutcome, Claim, Source
from genaccess.spec.stats import CHECK_FALSE_ALARM, is_at_least, is_consistent
from genaccess.spec.strategies import generators


def check_G1_exhaustive_grid() -> CheckOutcome:
    """Every grid generator: `sum_y pi(y) = 1` and `rho(u) = sum_a rho(u·a)`, exactly."""
    return for_all((g for grid in FULL_GRIDS for g in grid), is_G1)


VALUE_FAMILIES = ((2, 2, ("3/4", "3/5")), (3, 2, ("1/2", "2/3")))
"""(K, H, alphas): hidden-path generators of two alphas, every path, compared pairwise."""


def check_G1_generators_are_values() -> CheckOutcome:
    """A generator is a value of its rule: generators that compare equal have equal rows at
    every prefix, and hidden-path generators (one representation) with equal rows compare
    equal; pairwise over two alphas and every path, and against a table of the same rows."""
    count = 0
    for K, H, alphas in VALUE_FAMILIES:
        generators = [HiddenPathFamily(K, H, a).generator(z) for a in alphas
                      for z in HiddenPathFamily(K, H, a).paths()]
        tables = [g.table() for g in generators]
        for (g, tg), (h, th) in itertools.product(zip(generators, tables, strict=True),
                                                  repeat=2):
            assert (g == h) == (tg == th), (g, h)
            count += 1
        rebuilt = Generator.from_table(K, H, tables[0])
        assert rebuilt == Generator.from_table(K, H, dict(tables[0]))
        assert all(rebuilt != Generator.from_table(K, H, t) for t in tables[1:])
        assert hash(rebuilt) == hash(Generator.from_table(K, H, tables[0]))
        count += len(tables)
    return CheckOutcome(count)


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


class _BrokenRow:
    """A deliberately broken next-token row that bypasses `Distribution`'s validator (which
    refuses rows not summing to 1 or with negative entries), so the G1 predicates meet the
    rows they must reject."""

    def __init__(self, probs: tuple[Fraction, ...]) -> None:
        with attrs.validators.disabled():
            self.row = Distribution(probs)

    def __call__(self, prefix: Prefix) -> Distribution:
        return self.row if prefix == () else Distribution.uniform(len(self.row.probs))


BROKEN_ROWS = ((Fraction(9, 20), Fraction(9, 20)), (Fraction(1, 2), Fraction(1, 4)),
               (Fraction(3, 2), Fraction(-1, 2)))
"""Root rows (K=2, H=2, uniform rows elsewhere): two summing to 9/10 and 3/4 (not a
distribution; reach not additive at the root), one summing to 1 with a negative entry."""


def check_G1_catches_broken_rows() -> CheckOutcome:
    """Power: on generators whose root row bypasses the `Distribution` constructor, the
    predicates reject what is wrong: a row summing to less than 1 breaks additivity at the
    root and the total mass, a negative entry breaks `pi(y) >= 0`."""
    count = 0
    for row in BROKEN_ROWS:
        g = Generator.from_rule(2, 2, _BrokenRow(row))
        assert not is_G1(g), row
        assert is_G1_reach_additive(g) is (sum(row) == 1), row
        assert not is_G1_distribution(g), row
        count += 1
    return CheckOutcome(count)


SAMPLED_TABLE = {(): ("1/2", "1/3", "1/6"), (0,): ("0", "1/4", "3/4"), (1,): ("1/3", "1/3", "1/3"),
                 (2,): ("1", "0", "0")}
SAMPLED_ROLLOUTS = 3000
SAMPLED_SEED = 20240612
WRONG_SHIFT = Fraction(1, 10)
"""A K=3, H=2 generator (zeros and ties), sampled by a root-start/sample oracle
`SAMPLED_ROLLOUTS` times from `SAMPLED_SEED`; every response's count is tested against
`pi(y)` (two-sided and one-sided) at false-alarm `CHECK_FALSE_ALARM / 9` each (so at most
`CHECK_FALSE_ALARM` in all), and against the wrong rate `pi(y) + WRONG_SHIFT`."""


@functools.cache
def _sampled_counts() -> tuple[Generator, dict[tuple[int, ...], int]]:
    g = Generator.from_table(3, 2, SAMPLED_TABLE)
    oracle = Oracle(g, AccessModel(RootStart(), Sample()), rng=random.Random(SAMPLED_SEED))
    counts = dict.fromkeys(all_responses(3, 2), 0)
    for _ in range(SAMPLED_ROLLOUTS):
        counts[tuple(r.sampled for r in oracle.rollout())] += 1  # type: ignore[attr-defined]
    return g, counts


def check_G1_sampled_frequencies() -> CheckOutcome:
    """Monte Carlo (fixed seed): the sampling oracle draws each response `y` with frequency
    consistent with `pi(y)` (`is_consistent` and `is_at_least`, false alarm at most 1e-9 in
    all); zero-probability responses are never drawn."""
    g, counts = _sampled_counts()
    level = CHECK_FALSE_ALARM / len(counts)
    for y, n in counts.items():
        p = response_probability(g, y)
        assert p > 0 or n == 0, (y, n)
        assert is_consistent(p, n, SAMPLED_ROLLOUTS, level), (y, n, p)
        assert is_at_least(p, n, SAMPLED_ROLLOUTS, level), (y, n, p)
    return CheckOutcome(len(counts), f"{SAMPLED_ROLLOUTS} rollouts, seed {SAMPLED_SEED}")


def check_G1_sampled_tests_have_power() -> CheckOutcome:
    """Power: with the same seeded counts, both tests reject the wrong rate `pi(y) + 1/10`
    for every response where it is a probability (9 standard deviations away at 3000
    rollouts: the chance that they would not is far below 1e-9)."""
    g, counts = _sampled_counts()
    level = CHECK_FALSE_ALARM / len(counts)
    count = 0
    for y, n in counts.items():
        wrong = response_probability(g, y) + WRONG_SHIFT
        if wrong <= 1:
            assert not is_consistent(wrong, n, SAMPLED_ROLLOUTS, level), (y, n, wrong)
            assert not is_at_least(wrong, n, SAMPLED_ROLLOUTS, level), (y, n, wrong)
            count += 1
    return CheckOutcome(count)


TEST_TRIALS = (1, 2, 3, 5, 8, 13)
TEST_RATES = (*(Fraction(i, 10) for i in range(11)), Fraction(1, 3), Fraction(2, 7))
TEST_FALSE_ALARMS = (Fraction(2, 11), Fraction(1, 13), Fraction(1, 1_000_003))
"""Levels whose denominators share no prime with the tails' (powers of 2, 3, 5, 7): no tail
on the grid equals a threshold, so the exact decision is never a tie."""
_TIE = Fraction(1, 10**40)


def check_G1_binomial_tests_exact() -> CheckOutcome:
    """The binomial tests every Monte Carlo check uses decide as the exact tails say:
    `is_consistent(p, x, n, a)` iff `P_p(X >= x) >= a/2` and `P_p(X <= x) >= a/2`, and
    `is_at_least(p, x, n, a)` iff `P_p(X <= x) >= a`, with the tails summed exactly here
    (binomial coefficients, `Fraction`s) on every `n`, `x` in `0..n`, `p`, `a` of the grid;
    no tail on the grid is within 1e-40 of its threshold (asserted), far beyond the tails'
    evaluation error."""
    count = 0
    verdicts: set[tuple[bool, bool]] = set()
    for n in TEST_TRIALS:
        for p in TEST_RATES:
            pmf = [math.comb(n, k) * p**k * (1 - p) ** (n - k) for k in range(n + 1)]
            for x in range(n + 1):
                upper, lower = sum(pmf[x:], Fraction(0)), sum(pmf[: x + 1], Fraction(0))
                for a in TEST_FALSE_ALARMS:
                    tails = ((upper, a / 2), (lower, a / 2), (lower, a))
                    assert all(abs(t - level) > _TIE for t, level in tails), (n, p, x, a)
                    two_sided = upper >= a / 2 and lower >= a / 2
                    assert is_consistent(p, x, n, a) is two_sided, ("is_consistent", n, x, p, a)
                    assert is_at_least(p, x, n, a) is (lower >= a), ("is_at_least", n, x, p, a)
                    verdicts.add((two_sided, lower >= a))
                    count += 1
    # Both tests must have met both verdicts, and the one-sided one accepted where the
    # two-sided one rejected (else the grid would not tell them apart).
    assert {(True, True), (False, False), (False, True)} <= verdicts, verdicts
    return CheckOutcome(count)


CLAIM = Claim(
    id="G1",
    title="A generator induces a distribution; reach probabilities add up",
    source=Source.PAPER,
    statement="pi(y) = prod_t pi(y_t|y_<t) sums to 1 over V^H, and rho(u) = sum_a rho(u·a) "
    "for every prefix u (a table that is not a generator, a row not summing to 1 or with a "
    "negative entry, fails the predicates). A root-start sample oracle draws y with "
    "probability pi(y), checked by Monte Carlo with the exact binomial tests every Monte "
    "Carlo check uses (their decisions checked against exact tails, their power against a "
    "wrong rate).",
    uses=(),
    predicates=(is_G1, is_G1_distribution, is_G1_reach_additive),
    checks=(
        proof_check("G1", PROOF),
        Check("G1_generators_are_values", CheckKind.EXHAUSTIVE,
              "hidden-path generators (K, H, alphas) in " + set_text(VALUE_FAMILIES)
              + ", every path, pairwise: equal exactly when their rows are",
              check_G1_generators_are_values),
        Check("G1_exhaustive_grid", CheckKind.EXHAUSTIVE,
              describe(FULL_GRIDS),
              check_G1_exhaustive_grid),
        Check("G1_fuzz_random_rational", CheckKind.FUZZ, "random rational tables, K<=4, H<=3; "
              "reach_probability and response_probability against the integer reach weights",
              check_G1_fuzz),
        Check("G1_catches_broken_rows", CheckKind.POWER,
              f"K=2, H=2, root row in {set_text(BROKEN_ROWS)} bypassing Distribution",
              check_G1_catches_broken_rows),
        Check("G1_sampled_frequencies", CheckKind.FUZZ,
              f"K=3, H=2 table {SAMPLED_TABLE}; {SAMPLED_ROLLOUTS} root-start/sample rollouts, "
              f"seed {SAMPLED_SEED}; every response, two- and one-sided, false alarm "
              f"{CHECK_FALSE_ALARM} in all", check_G1_sampled_frequencies),
        Check("G1_sampled_tests_have_power", CheckKind.POWER,
              f"the same counts against pi(y) + {WRONG_SHIFT}, two- and one-sided",
              check_G1_sampled_tests_have_power),
        Check("G1_binomial_tests_exact", CheckKind.EXHAUSTIVE,
              f"n in {set_text(TEST_TRIALS)}, x in 0..n, p in {set_text(TEST_RATES)}, false "
              f"alarm in {set_text(TEST_FALSE_ALARMS)}: is_consistent and is_at_least against "
              "exact binomial tails", check_G1_binomial_tests_exact),
    ),
    reference=("genaccess.spec.generator.reach_probability",
               "genaccess.spec.generator.response_probability"),
    proof=PROOF,
)
