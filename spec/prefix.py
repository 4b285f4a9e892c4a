"""Prefixes and responses over `V = {0..K-1}` with horizon `H`.

A prefix is a tuple of tokens of length `0..H-1` (the root is `()`); a response is a tuple of
length `H`.
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Iterator

from genaccess.spec.errors import InvalidDefinition
from genaccess.spec.numbers import check_int_at_least

Prefix = tuple[int, ...]
Response = tuple[int, ...]
ROOT: Prefix = ()


def check_vocab_and_horizon(vocab_size: object, horizon: object) -> None:
    """Raise `InvalidDefinition` unless `K >= 2` and `H >= 1` are integers."""
    check_int_at_least(vocab_size, 2, "vocab_size")
    check_int_at_least(horizon, 1, "horizon")


def check_tokens(tokens: object, vocab_size: int, field: str) -> tuple[int, ...]:
    """`tokens` as a tuple of ints in `0..K-1`, or `InvalidDefinition` naming `field`."""
    if not isinstance(tokens, tuple | list):
        raise InvalidDefinition(field, "must be a tuple of tokens", tokens)
    for i, a in enumerate(tokens):
        if isinstance(a, bool) or not isinstance(a, int):
            raise InvalidDefinition(f"{field}[{i}]", "a token must be an int", a)
        if not 0 <= a < vocab_size:
            raise InvalidDefinition(
                f"{field}[{i}]", f"token must be in 0..{vocab_size - 1} (K={vocab_size})", a
            )
    return tuple(tokens)


def check_prefix(prefix: object, vocab_size: int, horizon: int, field: str = "prefix") -> Prefix:
    """`prefix` validated: tokens in range, length at most `H-1`."""
    u = check_tokens(prefix, vocab_size, field)
    if len(u) > horizon - 1:
        raise InvalidDefinition(field, f"a prefix has length at most H-1 = {horizon - 1}", u)
    return u


def is_plain_prefix(prefix: object, vocab_size: int, horizon: int,
                    parent: Prefix | None = None) -> bool:
    """Whether `prefix` is a tuple of plain `int`s in `0..K-1` of length at most `H-1`, decided
    by whole-tuple operations that run in C: then `check_prefix` accepts it as it is. `False`
    is no verdict (a list, an `int` subclass, a bad token): `check_prefix` decides, and names
    the first bad entry. `parent`, a prefix that passed this test, spares the range test of
    every token but the last when `prefix` extends it."""
    if type(prefix) is not tuple or len(prefix) > horizon - 1:
        return False
    # Plain ints only (bool and other int subclasses go to `check_prefix`), counted in C.
    if operator.countOf(map(type, prefix), int) != len(prefix):
        return False
    if not prefix:
        return True
    # Equal to a checked parent token by token, as plain ints: the same values, in range.
    tokens: tuple[int, ...] = prefix
    if parent is not None and len(parent) == len(tokens) - 1 and tokens[:-1] == parent:
        return 0 <= tokens[-1] < vocab_size
    return min(tokens) >= 0 and max(tokens) < vocab_size


def check_response(response: object, vocab_size: int, horizon: int) -> Response:
    """`response` validated: tokens in range, length exactly `H`."""
    y = check_tokens(response, vocab_size, "response")
    if len(y) != horizon:
        raise InvalidDefinition("response", f"a response has length exactly H = {horizon}", y)
    return y


def all_prefixes(vocab_size: int, horizon: int) -> Iterator[Prefix]:
    """Every prefix of length `0..H-1`, shortest first, lexicographic within a length."""
    for length in range(horizon):
        yield from itertools.product(range(vocab_size), repeat=length)


def all_responses(vocab_size: int, horizon: int) -> Iterator[Response]:
    """Every response in `V^H`, lexicographic."""
    return itertools.product(range(vocab_size), repeat=horizon)


def is_prefix_of(u: Prefix, y: tuple[int, ...]) -> bool:
    """`u` is an initial segment of `y`."""
    return y[: len(u)] == u
