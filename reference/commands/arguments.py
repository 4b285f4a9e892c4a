"""What every command shares: `UsageError`, and command-line values validated in `run` so
that a bad value is one line on stderr and exit status 2 (argparse's own errors print the
usage too).

Every message reads ``<flag>: <rule> (got <value>)`` and names the flag the user typed; an
`InvalidDefinition` raised by the spec for one of its fields (``vocab_size``, ``alpha``) is
renamed to the flag it came from with `flags`. This module imports nothing heavy: every
command module imports it at start-up.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from fractions import Fraction
from pathlib import Path

from genaccess.spec.errors import InvalidDefinition
from genaccess.spec.numbers import check_open_unit, to_fraction


class UsageError(Exception):
    """A bad command-line value: reported on one line, exit status 2."""


def usage_error(flag: str, rule: str, value: object = None) -> UsageError:
    """``<flag>: <rule> (got <value>)``, the form `InvalidDefinition` uses."""
    return UsageError(str(InvalidDefinition(flag, rule, value)))


@contextmanager
def flags(by_field: Mapping[str, str]) -> Iterator[None]:
    """Report an `InvalidDefinition` of a spec field under the flag the user typed:
    ``with flags({"vocab_size": "--vocab"}): LeaderTrie(...)``. A field's suffix
    (``responses[2]``, ``table.probs``) is reported under the flag of its base name."""
    try:
        yield
    except InvalidDefinition as err:
        base = err.field.split("[", 1)[0].split(".", 1)[0]
        flag = by_field.get(err.field) or by_field.get(base)
        if flag is None:
            raise
        raise usage_error(flag, err.rule, err.value) from None


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


def parse_count(text: str, option: str, minimum: int) -> int:
    """`parse_int` for an option that always has a value (a default or a required one)."""
    value = parse_int(text, option, minimum)
    assert value is not None
    return value


def parse_probability(text: str, option: str) -> Fraction:
    """A number strictly between 0 and 1."""
    return check_open_unit(text, option)


def fraction_text(value: Fraction, max_digits: int) -> str | None:
    """``"p/q"`` (or ``"p"``) when both have at most `max_digits` digits, else `None`."""
    if max(value.numerator.bit_length(), value.denominator.bit_length()) > max_digits * 3.33:
        return None
    return str(value)


def check_output_directory(out: Path, option: str = "--out") -> None:
    """Refuse `out` unless it is a directory or can be created as one: name the first
    existing ancestor that is not a directory (`somefile` in `somefile/x`), or say which
    parent is missing."""
    if out.exists() and not out.is_dir():
        raise usage_error(option, "exists and is not a directory", str(out))
    for ancestor in out.parents:
        if ancestor.exists():
            if not ancestor.is_dir():
                raise usage_error(option, f"{ancestor} is a file, not a directory", str(out))
            return
