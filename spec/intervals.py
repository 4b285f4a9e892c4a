"""Rigorous interval enclosures: the one place irrational quantities meet exact predicates.

Quantities such as `ln(H (K-1) / delta)` or `exp(-2 m gamma^2)` are irrational, so a predicate
cannot compare them as `Fraction`s. Here they are enclosed in `mpmath.iv` intervals whose
endpoints are exact binary rationals; a comparison is decided only when the whole enclosure
lies on one side, and the working precision doubles until it does. Every answer is therefore
exact; only the time to reach it depends on how close the comparison is.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Iterator
from fractions import Fraction
from typing import Any

import mpmath
from mpmath import iv

Interval = Any
"""An `mpmath.iv` interval (mpmath ships no type information)."""

START_BITS = 64
MAX_BITS = 1 << 14


def interval(value: Fraction | int) -> Interval:
    """The exact rational `value` as a (possibly one-ulp wide) interval."""
    value = Fraction(value)
    return iv.mpf(value.numerator) / iv.mpf(value.denominator)


def bounds(x: Interval) -> tuple[Fraction, Fraction]:
    """The exact endpoints of an interval, as `Fraction`s."""
    low, high = x._mpi_
    return (Fraction(*mpmath.libmp.to_rational(low)),
            Fraction(*mpmath.libmp.to_rational(high)))


@contextlib.contextmanager
def precision(bits: int) -> Iterator[None]:
    """Run `mpmath.iv` at `bits` of working precision, restoring the previous setting."""
    saved = iv.prec
    iv.prec = bits
    try:
        yield
    finally:
        iv.prec = saved


def enclosures(compute: Callable[[], Interval], max_bits: int = MAX_BITS
               ) -> Iterator[tuple[Fraction, Fraction]]:
    """The endpoints of `compute()` at 64, 128, 256, ... bits, up to `max_bits`."""
    bits = START_BITS
    while bits <= max_bits:
        with precision(bits):
            yield bounds(compute())
        bits *= 2


def is_at_most(compute: Callable[[], Interval], threshold: Fraction,
               max_bits: int = MAX_BITS) -> bool:
    """Whether the real number `x` enclosed by `compute()` satisfies `x <= threshold`.

    Decided when the enclosure lies on one side; `ArithmeticError` if it still straddles
    `threshold` at `max_bits` (as it does when `x == threshold` but the enclosure is not a
    single point)."""
    for low, high in enclosures(compute, max_bits):
        if high <= threshold:
            return True
        if low > threshold:
            return False
    raise ArithmeticError(f"cannot decide x <= {threshold} at {max_bits} bits")


def ceiling(compute: Callable[[], Interval], max_bits: int = MAX_BITS) -> int:
    """`ceil(x)` for a real `x` that is not an integer, enclosed by `compute()`.

    Decided when the enclosure lies strictly between two consecutive integers;
    `ArithmeticError` past `max_bits` (an integer `x` can never be decided this way)."""
    for low, high in enclosures(compute, max_bits):
        if math.floor(low) == math.floor(high) and low != math.floor(low):
            return math.floor(low) + 1
    raise ArithmeticError(f"cannot decide the ceiling at {max_bits} bits")


def is_at_least(compute: Callable[[], Interval], threshold: Fraction,
                max_bits: int = MAX_BITS) -> bool:
    """Whether the real number `x` enclosed by `compute()` satisfies `x >= threshold`
    (decided as in `is_at_most`)."""
    for low, high in enclosures(compute, max_bits):
        if low >= threshold:
            return True
        if high < threshold:
            return False
    raise ArithmeticError(f"cannot decide x >= {threshold} at {max_bits} bits")


def is_at_most_exp(value: Fraction, exponent: Fraction | int, max_bits: int = MAX_BITS
                   ) -> bool:
    """Whether `value <= exp(exponent)`, decided rigorously.

    >>> is_at_most_exp(Fraction(271, 100), 1), is_at_most_exp(Fraction(272, 100), 1)
    (True, False)
    """
    e = Fraction(exponent)
    return is_at_least(lambda: iv.exp(interval(e)), Fraction(value), max_bits)
