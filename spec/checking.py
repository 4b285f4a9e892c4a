"""Helpers for writing claim checks: a for-all that returns its outcome, and domain strings
built from the constants they describe (so a domain can never drift from what runs).

A check that decides no instance proves nothing; `for_all` refuses an empty domain and
`genaccess.spec.registry.run_check` fails any check reporting zero instances.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from fractions import Fraction
from typing import TypeVar

from genaccess.spec.registry import CheckOutcome

T = TypeVar("T")


def for_all(cases: Iterable[T], holds: Callable[[T], bool], detail: str = "") -> CheckOutcome:
    """Assert `holds(case)` for every case, naming the first failing one; the outcome counts
    the cases. An empty `cases` is an `AssertionError`: a check must decide something."""
    count = 0
    for case in cases:
        assert holds(case), f"fails at {case!r}"
        count += 1
    assert count > 0, "the check's domain is empty"
    return CheckOutcome(count, detail)


def text(value: object) -> str:
    """A constant as the blueprint writes it: fractions as ``1/2``, tuples as ``(a, b)``."""
    if isinstance(value, Fraction):
        return str(value)
    if isinstance(value, tuple):
        return "(" + ", ".join(text(v) for v in value) + ")"
    return str(value)


def set_text(values: Iterable[object]) -> str:
    """``{a, b, c}`` from the values, in their order."""
    return "{" + ", ".join(text(v) for v in values) + "}"


def range_text(values: range) -> str:
    """``lo..hi`` from a step-1 range."""
    assert values.step == 1 and len(values) > 0, values
    return f"{values.start}..{values.stop - 1}"


def cases_text(cases: Iterable[tuple[object, ...]]) -> str:
    """``(a, b), (c, d)`` from a tuple of parameter tuples."""
    return ", ".join(text(case) for case in cases)
