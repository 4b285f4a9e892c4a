"""The check helpers of `genaccess.spec.checking` and the registry's zero-instance guard."""

from __future__ import annotations

from fractions import Fraction

import pytest

from genaccess.spec.checking import cases_text, for_all, range_text, set_text
from genaccess.spec.registry import Check, CheckKind, CheckOutcome, Status, run_check


def test_for_all_counts_and_names_the_failing_case() -> None:
    assert for_all(range(5), lambda n: n >= 0).instances == 5
    with pytest.raises(AssertionError, match=r"fails at 3"):
        for_all(range(5), lambda n: n != 3)


def test_for_all_refuses_an_empty_domain() -> None:
    with pytest.raises(AssertionError, match="empty"):
        for_all([], lambda n: True)


def test_a_check_that_decides_nothing_fails() -> None:
    empty = Check("empty", CheckKind.EXHAUSTIVE, "nothing", lambda: CheckOutcome(0))
    result = run_check("X", empty)
    assert result.status is Status.FAILED and "no instance" in result.message
    one = Check("one", CheckKind.EXHAUSTIVE, "one", lambda: CheckOutcome(1))
    assert run_check("X", one).status is Status.PASSED


def test_domain_strings_come_from_the_constants() -> None:
    assert set_text((3, 4, Fraction(1, 2))) == "{3, 4, 1/2}"
    assert range_text(range(1, 9)) == "1..8"
    assert cases_text(((3, Fraction(1, 2)), (4, 2))) == "(3, 1/2), (4, 2)"
