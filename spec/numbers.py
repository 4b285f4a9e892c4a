"""Exact rationals: the one place where user numbers become `Fraction`s.

Predicates compute with `fractions.Fraction` only. Input may be an `int`, a `Fraction`, a
string such as ``"1/3"`` or ``"0.25"``, or a finite float (taken at its exact binary value,
so ``0.1`` is *not* one tenth: pass ``"1/10"`` for that).
"""

from __future__ import annotations

import math
from fractions import Fraction
from numbers import Rational

from genaccess.spec.errors import InvalidDefinition

RationalLike = int | Fraction | str | float


def to_fraction(value: object, field: str) -> Fraction:
    """`value` as an exact `Fraction`, or `InvalidDefinition` naming `field`."""
    if isinstance(value, bool):
        raise InvalidDefinition(field, "must be a number, not a bool", value)
    if isinstance(value, Fraction):
        return value
    if isinstance(value, int | Rational):
        return Fraction(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InvalidDefinition(field, "must be finite", value)
        return Fraction(value)
    if isinstance(value, str):
        try:
            return Fraction(value.strip())
        except (ValueError, ZeroDivisionError):
            raise InvalidDefinition(
                field, "must be a rational number such as 1/3 or 0.25", value
            ) from None
    raise InvalidDefinition(field, "must be an int, Fraction, rational string or float", value)


def to_int(value: object, field: str) -> int:
    """`value` as an `int` (bools and non-integral numbers are refused)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidDefinition(field, "must be an integer", value)
    return value
