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


def decimal_bounds(x: Interval | Fraction, digits: int = 17) -> tuple[str, str]:
    """The endpoints of `x >= 0` (an interval, or an exact `Fraction`) as decimal strings of
    `digits` significant digits, the lower rounded down and the upper rounded up, so the
    printed interval still encloses `x`; any exponent (`1 - S_T` can be `10^-(10^8)`).

    >>> decimal_bounds(Fraction(1, 3), 5)
    ('0.33333', '0.33334')
    """
    if isinstance(x, Fraction):
        return _decimal_fraction(x, digits, up=False), _decimal_fraction(x, digits, up=True)
    low, high = (mpmath.mp.make_mpf(end) for end in x._mpi_)  # no rounding to mp.prec
    return _decimal(low, digits, up=False), _decimal(high, digits, up=True)


def _decimal_fraction(value: Fraction, digits: int, up: bool) -> str:
    if value <= 0:
        return "0"
    binary = value.numerator.bit_length() - value.denominator.bit_length()
    with mpmath.workprec(abs(binary).bit_length() + 64):  # within 1 of the decimal exponent
        exponent = int(mpmath.floor(binary * mpmath.log10(2)))
    while True:
        shift = digits - 1 - exponent
        scaled = value * Fraction(10) ** shift
        if scaled < 10 ** (digits - 1):
            exponent -= 1
        elif scaled >= 10**digits:
            exponent += 1
        else:
            break
    whole = math.ceil(scaled) if up else math.floor(scaled)
    return _render(whole, exponent - digits + 1)


def _decimal(value: mpmath.mpf, digits: int, up: bool) -> str:
    """`value` rounded to `digits` significant decimal digits, down or up."""
    if value <= 0:
        return "0"
    man, exp = int(value.man), int(value.exp)
    binary = exp + man.bit_length()  # 2^(binary-1) <= value < 2^binary
    with mpmath.workprec(abs(binary).bit_length() + 64):  # log10 to within 1 at any exponent
        exponent = int(mpmath.floor(mpmath.log10(value)))
    # Enough bits to hold the value exactly; more while the scaled value straddles a power
    # of ten (10^shift is rounded when shift < 0 or very large).
    bits = max(4 * digits + abs(binary).bit_length() + 64, man.bit_length() + 8)
    while bits <= MAX_BITS * 64:
        with precision(bits):
            shift = digits - 1 - exponent
            if abs(shift) <= 100_000:  # 10^shift exactly (or once rounded)
                scaled = iv.mpf(value) * iv.mpf(10) ** shift if shift >= 0 else (
                    iv.mpf(value) / iv.mpf(10) ** -shift)
            else:  # through logarithms: a power with a 1000-digit exponent is too slow
                ten = iv.log(10)
                scaled = iv.exp((iv.log(iv.mpf(value)) / ten + shift) * ten)
            if scaled.b < 10 ** (digits - 1):
                exponent -= 1
            elif scaled.a >= 10**digits:
                exponent += 1
            elif scaled.a < 10 ** (digits - 1) or scaled.b >= 10**digits:
                bits *= 2
            else:
                low, high = scaled._mpi_
                whole = (mpmath.libmp.to_int(high, mpmath.libmp.round_ceiling) if up
                         else mpmath.libmp.to_int(low, mpmath.libmp.round_floor))
                return _render(whole, exponent - digits + 1)
    return _render(1, exponent + 1) if up else "0"  # still rigorous, one digit


def _render(whole: int, power: int) -> str:
    """`whole * 10^power` in plain notation for moderate sizes, else scientific."""
    if whole == 0:
        return "0"
    text = str(whole).rstrip("0")
    power += len(str(whole)) - len(text)
    leading = power + len(text) - 1  # the decimal exponent of the first digit
    if -6 <= leading < 18:
        if power >= 0:
            return text + "0" * power
        point = len(text) + power
        return (text[:point] if point > 0 else "0") + "." + (
            "0" * -point + text if point <= 0 else text[point:])
    mantissa = text[0] + ("." + text[1:] if len(text) > 1 else "")
    return f"{mantissa}e{leading}"


TINY_BITS = 64
"""`log1p` sums its series once `|x| < 2^-TINY_BITS`, where `iv.log1p` would raise its working
precision by `log2(1/|x|)` bits (thousands for the tiny failures of HP1 and HP2)."""


def log1p(x: Interval) -> Interval:
    """`ln(1 + x)` for an interval `x > -1`, rigorous; fast for tiny `|x|` at any exponent.

    >>> round(float(log1p(interval(Fraction(1, 10**30))).mid) * 1e30, 6)
    1.0
    """
    low, high = (mpmath.mp.make_mpf(end) for end in x._mpi_)
    size = max(abs(low), abs(high))
    if size == 0:
        return iv.mpf(0)
    if size >= mpmath.mpf(2) ** -TINY_BITS:
        return iv.log1p(x)
    # x - x^2/2 + x^3/3 - ...: after n terms the rest is at most |x|^(n+1) / (1 - |x|).
    magnitude = -(int(size.exp) + int(size.man).bit_length())  # |x| < 2^-magnitude
    terms = iv.prec // magnitude + 2
    total, power = iv.mpf(0), x
    for i in range(1, terms + 1):
        total += power / i if i % 2 else -(power / i)
        power *= x
    bound = iv.mpf(size) ** (terms + 1) / (1 - iv.mpf(size))
    return total + bound * iv.mpf([-1, 1])


def expm1(x: Interval) -> Interval:
    """`exp(x) - 1` for an interval `x`, rigorous; fast for tiny `|x|` at any exponent.

    >>> round(float(expm1(interval(Fraction(-1, 10**30))).mid) * 1e30, 6)
    -1.0
    """
    low, high = (mpmath.mp.make_mpf(end) for end in x._mpi_)
    size = max(abs(low), abs(high))
    if size == 0:
        return iv.mpf(0)
    if size >= mpmath.mpf(2) ** -TINY_BITS:
        return iv.expm1(x)
    # x + x^2/2! + ...: after n terms the rest is at most |x|^(n+1) / (n+1)! * 2 (|x| < 1/2).
    magnitude = -(int(size.exp) + int(size.man).bit_length())
    terms = iv.prec // magnitude + 2
    total, power = iv.mpf(0), iv.mpf(1)
    for i in range(1, terms + 1):
        power = power * x / i
        total += power
    bound = 2 * iv.mpf(size) ** (terms + 1) / math.factorial(terms + 1)
    return total + bound * iv.mpf([-1, 1])
