"""Partial prefix control (PARTIAL1): depth-limited reset and root-or-current, registered
through `CONTROL_LEVELS`, enforced by the oracle, and what they cost on the hidden path."""

from __future__ import annotations

from fractions import Fraction
from random import Random

import pytest

from genaccess.reference.greedy_descent import greedy_descent
from genaccess.spec import ForbiddenStart, Generator, InvalidDefinition, Oracle, UnbuiltPrefix
from genaccess.spec.access import CONTROL_LEVELS, AccessModel, access_model
from genaccess.spec.answer_law import answer_law
from genaccess.spec.belief_search import compute_best_chosen_prefix_success
from genaccess.spec.control import ArbitraryPrefix, Control, LocalReset
from genaccess.spec.hidden_path import HiddenPathFamily
from genaccess.spec.local_reset import built_by, is_local_reset
from genaccess.spec.observation import Full, Logprob, ObservationType, Sample, Top1
from genaccess.spec.partial_control import DepthLimitedReset, RootOrCurrent
from genaccess.spec.partial_control_cost import (
    compute_PARTIAL1_cost,
    compute_PARTIAL1_lower,
    compute_PARTIAL1_upper,
)
from genaccess.spec.prefix import Prefix, all_prefixes
from genaccess.spec.root_start_success import compute_HP1_success
from genaccess.spec.transcript import QueryRecord

G = Generator.from_table(2, 3, {}, default=("1/2", "1/2"))


def test_PARTIAL1_controls_are_registered_and_parse() -> None:
    assert DepthLimitedReset in CONTROL_LEVELS and RootOrCurrent in CONTROL_LEVELS
    assert access_model("depth-reset(2)/full").control == DepthLimitedReset(2)
    assert access_model("root-or-current/sample").control == RootOrCurrent()


@pytest.mark.parametrize("depth", [-1, 1.5, True])
def test_invalid_PARTIAL1_depth(depth: object) -> None:
    with pytest.raises(InvalidDefinition, match=r"^depth: the reset depth d must be"):
        DepthLimitedReset(depth)  # type: ignore[arg-type]


def test_PARTIAL1_depth_reset_refuses_deep_built_prefixes_and_records_nothing() -> None:
    oracle = Oracle(G, access_model("depth-reset(0)/sample"), rng=Random(1))
    reports = oracle.query((), 2)
    first = reports[0].token
    assert first is not None and (first,) in oracle.built
    before = (oracle.transcript, oracle.built, oracle.queries_used)
    with pytest.raises(ForbiddenStart, match=r"has length 1 > d = 0"):
        oracle.query((first,), 1)
    with pytest.raises(UnbuiltPrefix):
        oracle.query((1 - first, 0), 1)
    assert (oracle.transcript, oracle.built, oracle.queries_used) == before


def test_PARTIAL1_root_or_current_refuses_regenerate() -> None:
    oracle = Oracle(G, access_model("root-or-current/sample"), rng=Random(2))
    (report,) = oracle.query((), 1)
    a = report.token
    assert a is not None
    oracle.query((a,), 1)  # the current prefix: allowed
    with pytest.raises(ForbiddenStart, match="has been continued already"):
        oracle.query((a,), 1)
    oracle.query((), 1)  # a restart is always allowed
    assert is_local_reset(oracle.transcript, 3)


def test_PARTIAL1_greedy_descent_with_full_takes_H_queries() -> None:
    family = HiddenPathFamily(3, 5, "1/2")
    z = (2, 0, 1, 1, 0)
    oracle = Oracle(family.generator(z), access_model("root-or-current/full"), rng=Random(0))
    assert greedy_descent(oracle) == z and oracle.queries_used == 5


def test_PARTIAL1_bounds_match_HP1_at_depth_zero() -> None:
    family = HiddenPathFamily(3, 6, "1/2")
    for T in (1, 5, 20):
        assert compute_PARTIAL1_upper(family, 0, T) == compute_HP1_success(family, T)
        assert compute_PARTIAL1_lower(family, 0, T) == compute_HP1_success(family, T)


def test_PARTIAL1_cost_halves_per_level_of_reset_depth() -> None:
    """HP(3, 12, 1/2), success 3/4: each extra level of reset depth halves the lower end of
    the query cost (1/alpha = 2), and the two ends differ by exactly d."""
    family = HiddenPathFamily(3, 12, "1/2")
    costs = [compute_PARTIAL1_cost(family, d, Fraction(3, 4)) for d in range(12)]
    assert costs[0] == (2234, 2234) and costs[11] == (1, 12)
    for d in range(1, 9):
        assert costs[d - 1][0] // 2 - 1 <= costs[d][0] <= costs[d - 1][0] // 2 + 1


def _plain_belief_search(family: HiddenPathFamily, observation: ObservationType,
                         control: Control, queries: int, max_length: int) -> Fraction:
    """The belief-state search written plainly: `Fraction` posteriors, the laws rebuilt and
    a fresh memo on every call (what the shared, integer search must agree with)."""
    H = family.horizon
    paths = list(family.paths())
    access = AccessModel(ArbitraryPrefix(), observation)
    moves = [(u, L) for u in all_prefixes(family.vocab_size, H)
             for L in range(1, min(max_length, H - len(u)) + 1)]
    laws = {m: [{a[0]: p for a, p in answer_law(family.generator(z), access, (m,)).items()}
                for z in paths] for m in moves}

    def value(belief: tuple[Fraction, ...], built: frozenset[Prefix], left: int) -> Fraction:
        best = max(belief)
        for u, L in moves if left else ():
            if control.refusal(u, L, H, built) is not None:
                continue
            answers = {r for i, w in enumerate(belief) if w for r in laws[(u, L)][i]}
            best = max(best, sum((value(tuple(w * laws[(u, L)][i].get(r, Fraction(0))
                                                for i, w in enumerate(belief)),
                                          built | built_by(QueryRecord(u, L, r), H), left - 1)
                                  for r in answers), Fraction(0)))
        return best

    return value(tuple(Fraction(1, len(paths)) for _ in paths), frozenset({()}), queries)


@pytest.mark.parametrize("observation", [Full(), Logprob(), Sample(), Top1()],
                         ids=lambda o: o.name)
def test_HP3_belief_search_agrees_with_the_plain_search(observation: ObservationType) -> None:
    """The shared search (integer beliefs up to scale, laws and states kept across calls)
    gives exactly the plain search's optimum, in any order of calls."""
    controls: list[Control] = [LocalReset(), ArbitraryPrefix(), RootOrCurrent(),
                               DepthLimitedReset(0), DepthLimitedReset(1)]
    for K, H, alpha, lengths in ((2, 2, "3/4", (1, 2)), (2, 3, "3/5", (1,)),
                                 (3, 2, "1/2", (1, 2))):
        family = HiddenPathFamily(K, H, alpha)
        for control in controls:
            for max_length in lengths:
                for T in (2, 0, 1):
                    assert compute_best_chosen_prefix_success(
                        family, observation, control, T, max_length=max_length
                    ) == _plain_belief_search(family, observation, control, T, max_length), (
                        K, H, alpha, control, max_length, T)
