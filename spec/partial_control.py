"""Partial prefix control: two control levels between root-start and local reset.

- `depth-reset(d)`: local reset limited to shallow prefixes — a query may start only at a
  built prefix of length at most `d`. `d = 0` allows only the root (with continuations of any
  length); `d = H-1` is `local-reset`.
- `root-or-current`: restart at the root, or continue from a *current* prefix, never rewind.
  A current prefix is a built prefix that has not been continued: none of its one-token
  extensions is built. Along a single line of one-token queries it is the prefix the last
  answer ended at. When a report names several children (`topk`, `full`) each of them is a
  current prefix, so the learner may pick which one to continue. Re-asking at a prefix once a
  child of it is built ("regenerate") is refused. (A prefix of length `H-1` never gets a built
  child, so it stays current: its last token may be re-drawn.)

Both refine local reset: every query they answer starts at a built prefix, so every
transcript satisfies LR. Both decide from the built set alone, through `Control.refusal`,
the one extension point; nothing else in the spec knows them. What they cost on the hidden
path is PARTIAL1 (`genaccess.spec.claims.partial1`).
"""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet
from typing import ClassVar

import attrs

from genaccess.spec.control import Control
from genaccess.spec.errors import ForbiddenStart, InvalidDefinition, UnbuiltPrefix
from genaccess.spec.prefix import Prefix


def _check_depth(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidDefinition("depth", "the reset depth d must be an integer >= 0", value)


@attrs.frozen
class DepthLimitedReset(Control):
    """`depth-reset(d)`: start only at a built prefix of length at most `d`.

    >>> DepthLimitedReset(1).refusal((0, 1), 1, 3, frozenset({(), (0,), (0, 1)})) is not None
    True
    """

    depth: int = attrs.field(validator=_check_depth)
    family: ClassVar[str] = "depth-reset"

    @property
    def name(self) -> str:
        return f"depth-reset({self.depth})"

    @property
    def uses_built_set(self) -> bool:
        return True

    def refusal(
        self, prefix: Prefix, length: int, horizon: int, built: AbstractSet[Prefix]
    ) -> ForbiddenStart | None:
        if prefix not in built:
            return UnbuiltPrefix(f"{self.name}: prefix {prefix!r} has not been built")
        if len(prefix) > self.depth:
            return ForbiddenStart(
                f"{self.name}: prefix {prefix!r} has length {len(prefix)} > d = {self.depth}")
        return None

    @classmethod
    def instances(cls, horizon: int) -> tuple[Control, ...]:
        """`d = 0` and, when it differs from both ends, `d = H-2` (`d = H-1` is local reset,
        which the generic checks already run)."""
        return tuple(cls(d) for d in sorted({0, max(horizon - 2, 0)}))

    @classmethod
    def parse(cls, text: str) -> Control | None:
        match = re.fullmatch(r"depth-reset\((\d+)\)", text)
        return cls(int(match.group(1))) if match else None


def is_current(prefix: Prefix, built: AbstractSet[Prefix]) -> bool:
    """`prefix` is built and no one-token extension of it is built."""
    depth = len(prefix)
    return prefix in built and not any(
        len(v) == depth + 1 and v[:depth] == prefix for v in built)


@attrs.frozen
class RootOrCurrent(Control):
    """`root-or-current`: start at the root or at a built prefix not yet continued.

    >>> RootOrCurrent().refusal((), 1, 2, frozenset({(), (0,)})) is None
    True
    >>> RootOrCurrent().refusal((0,), 1, 3, frozenset({(), (0,), (0, 1)})) is not None
    True
    """

    family: ClassVar[str] = "root-or-current"

    @property
    def uses_built_set(self) -> bool:
        return True

    def refusal(
        self, prefix: Prefix, length: int, horizon: int, built: AbstractSet[Prefix]
    ) -> ForbiddenStart | None:
        if prefix == ():
            return None
        if prefix not in built:
            return UnbuiltPrefix(f"root-or-current: prefix {prefix!r} has not been built")
        if not is_current(prefix, built):
            return ForbiddenStart(f"root-or-current: prefix {prefix!r} has been continued "
                                  "already; only the root or a current prefix may be queried")
        return None
