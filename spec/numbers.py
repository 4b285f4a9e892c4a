"""Exact rationals: the one place where user numbers become `Fraction`s.

Predicates compute with `fractions.Fraction` only. Input may be an `int`, a `Fraction`, a
string such as ``"1/3"`` or ``"0.25"``, or a finite float (taken at its exact binary value,
so ``0.1`` is *not* one tenth: pass ``"1/10"`` for that).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction
from numbers import Rational
from typing import Any

import attrs

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


# ---------------------------------------------------------------------------------------
# attrs validators and converters: the integer and interval rules every definition shares.
# Each names the field it guards (the attribute's name unless `field` says otherwise) and
# states its rule the same way: ``<field>: must be ... (got <value>)``.

Validator = Callable[[object, "attrs.Attribute[Any]", Any], None]


def check_int_at_least(value: object, minimum: int, field: str) -> int:
    """`value` as an `int` (not a bool) `>= minimum`, or `InvalidDefinition` naming `field`."""
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise InvalidDefinition(field, f"must be an integer >= {minimum}", value)
    return value


def int_at_least(minimum: int, field: str | None = None) -> Validator:
    """Validator: an `int` (not a bool) `>= minimum`."""
    def check(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
        check_int_at_least(value, minimum, field or attribute.name)
    return check


def int_between(low: int, high: int, field: str | None = None) -> Validator:
    """Validator: an `int` (not a bool) in `low..high`."""
    def check(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise InvalidDefinition(field or attribute.name,
                                    f"must be an integer in {low}..{high}", value)
    return check


# Named converters for the fraction fields the definitions share: module-level functions,
# because the attrs mypy plugin reads a converter's type only from a named function.

def to_alpha(value: object) -> Fraction:
    """Converter: `to_fraction(value, "alpha")`."""
    return to_fraction(value, "alpha")


def to_lambda(value: object) -> Fraction:
    """Converter: `to_fraction(value, "lambda")`."""
    return to_fraction(value, "lambda")


def to_delta(value: object) -> Fraction:
    """Converter: `to_fraction(value, "delta")`."""
    return to_fraction(value, "delta")


def to_level(value: object) -> Fraction:
    """Converter: `to_fraction(value, "level")`."""
    return to_fraction(value, "level")


def in_open_unit_interval(field: str | None = None) -> Validator:
    """Validator: a number strictly between 0 and 1 (delta, eta, confidence levels)."""
    def check(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not 0 < value < 1:
            raise InvalidDefinition(field or attribute.name,
                                    "must be strictly between 0 and 1", str(value))
    return check


def check_open_unit(value: object, field: str) -> Fraction:
    """`value` as a `Fraction` strictly between 0 and 1, or `InvalidDefinition`."""
    x = to_fraction(value, field)
    if not 0 < x < 1:
        raise InvalidDefinition(field, "must be strictly between 0 and 1", str(x))
    return x


def above_uniform(field: str = "alpha", vocab: str = "vocab_size") -> Validator:
    """Validator: strictly between `1/K` and 1, `K` read from the instance's `vocab`."""
    def check(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
        K = getattr(instance, vocab)
        if not Fraction(1, K) < value < 1:
            raise InvalidDefinition(field, f"must be strictly between 1/K = 1/{K} and 1",
                                    str(value))
    return check
