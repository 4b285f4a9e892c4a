"""Control levels: where a query may start.

A query is `(u, L)`: start at prefix `u` and continue for `L >= 1` tokens
(`|u| + L <= H`). A root-start rollout is `((), H)`.

To add a control level: subclass `Control`, implement `refusal`, and add the class to
`CONTROL_LEVELS` in `genaccess.spec.access`. The oracle, the LR predicate and the generic
checks then apply to it unchanged.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Set as AbstractSet
from typing import ClassVar

import attrs

from genaccess.spec.errors import ForbiddenStart, UnbuiltPrefix
from genaccess.spec.prefix import Prefix


class Control(ABC):
    """A control level: which starting prefixes an oracle accepts."""

    family: ClassVar[str]

    @property
    def name(self) -> str:
        return self.family

    @abstractmethod
    def refusal(
        self, prefix: Prefix, length: int, horizon: int, built: AbstractSet[Prefix]
    ) -> ForbiddenStart | None:
        """The exception to raise for query `(prefix, length)` given the built set, or `None`
        when the query is allowed. Pure: it decides, the oracle raises."""

    @property
    def uses_built_set(self) -> bool:
        """Whether `refusal` depends on the built set (local-reset style control)."""
        return False

    @classmethod
    def instances(cls, horizon: int) -> tuple[Control, ...]:
        """Every instance for horizon `H` (used by the generic checks)."""
        return (cls(),)

    @classmethod
    def parse(cls, text: str) -> Control | None:
        return cls() if text == cls.family else None


@attrs.frozen
class RootStart(Control):
    """`root-start` (no reset): every query is a whole response from the root."""

    family: ClassVar[str] = "root-start"

    def refusal(
        self, prefix: Prefix, length: int, horizon: int, built: AbstractSet[Prefix]
    ) -> ForbiddenStart | None:
        if prefix != ():
            return ForbiddenStart(f"root-start: queries start at the root (), not at {prefix!r}")
        if length != horizon:
            return ForbiddenStart(
                f"root-start: a query is a whole response of length H = {horizon}, not {length}"
            )
        return None


@attrs.frozen
class LocalReset(Control):
    """`local-reset` (weak prefix control): start only at a built prefix (LR)."""

    family: ClassVar[str] = "local-reset"

    @property
    def uses_built_set(self) -> bool:
        return True

    def refusal(
        self, prefix: Prefix, length: int, horizon: int, built: AbstractSet[Prefix]
    ) -> ForbiddenStart | None:
        if prefix not in built:
            return UnbuiltPrefix(f"local-reset: prefix {prefix!r} has not been built")
        return None


@attrs.frozen
class ArbitraryPrefix(Control):
    """`arbitrary-prefix`: any prefix, including text the model never produced.

    Teacher-forced scoring of arbitrary text (e.g. a forward pass over user-supplied
    tokens) is this control level.
    """

    family: ClassVar[str] = "arbitrary-prefix"

    def refusal(
        self, prefix: Prefix, length: int, horizon: int, built: AbstractSet[Prefix]
    ) -> ForbiddenStart | None:
        return None
