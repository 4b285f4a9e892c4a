"""Command-line numbers: fractions such as ``1/2`` and integers, validated in `run` so that a
bad value is one line on stderr and exit status 2 (argparse's own errors print the usage too)."""

from __future__ import annotations

from fractions import Fraction

from genaccess.spec.errors import InvalidDefinition
from genaccess.spec.numbers import to_fraction


def parse_fraction(text: str, option: str) -> Fraction:
    """`text` (``"1/2"``, ``"0.05"``, ``"3"``) as a `Fraction`; `InvalidDefinition` naming
    `option` otherwise."""
    return to_fraction(text, option)


def parse_int(text: str | None, option: str, minimum: int) -> int | None:
    """`text` as an integer `>= minimum` (`None` stays `None`)."""
    if text is None:
        return None
    try:
        value = int(text.strip())
    except ValueError:
        raise InvalidDefinition(option, "must be an integer", text) from None
    if value < minimum:
        raise InvalidDefinition(option, f"must be an integer >= {minimum}", value)
    return value


def parse_probability(text: str, option: str) -> Fraction:
    """A number strictly between 0 and 1."""
    value = parse_fraction(text, option)
    if not 0 < value < 1:
        raise InvalidDefinition(option, "must be strictly between 0 and 1", text)
    return value


def fraction_text(value: Fraction, max_digits: int) -> str | None:
    """``"p/q"`` (or ``"p"``) when both have at most `max_digits` digits, else `None`."""
    if max(value.numerator.bit_length(), value.denominator.bit_length()) > max_digits * 3.33:
        return None
    return str(value)
