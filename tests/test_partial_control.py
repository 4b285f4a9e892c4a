"""Partial prefix control (PARTIAL1): depth-limited reset and root-or-current, registered
through `CONTROL_LEVELS`, enforced by the oracle, and what they cost on the hidden path."""

from __future__ import annotations

from fractions import Fraction
from random import Random

import pytest

from genaccess.spec import ForbiddenStart, Generator, InvalidDefinition, Oracle, UnbuiltPrefix
from genaccess.spec.access import CONTROL_LEVELS, access_model
from genaccess.spec.claims.partial1 import (
    compute_PARTIAL1_cost,
    compute_PARTIAL1_lower,
    compute_PARTIAL1_upper,
    greedy_descent,
)
from genaccess.spec.hidden_path import HiddenPathFamily, compute_HP1_success
from genaccess.spec.local_reset import is_local_reset
from genaccess.spec.partial_control import DepthLimitedReset, RootOrCurrent

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
