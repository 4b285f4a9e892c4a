"""Exceptions: malformed definitions, and queries an access model forbids.

Two families. `InvalidDefinition` (a `ValueError`) is raised when an object is built from bad
data; its message names the field, the rule and the offending value. `AccessError` is raised
by an oracle for a query the access model forbids; an oracle that raises it has recorded
nothing (no query counted, no transcript entry, no change to the built set).
"""

from __future__ import annotations


class InvalidDefinition(ValueError):
    """A definition was built from data that breaks one of its rules.

    The message reads ``<field>: <rule> (got <value>)``.
    """

    def __init__(self, field: str, rule: str, value: object = None) -> None:
        self.field = field
        self.rule = rule
        self.value = value
        suffix = "" if value is None else f" (got {value!r})"
        super().__init__(f"{field}: {rule}{suffix}")


class AccessError(Exception):
    """Base class: the oracle refused a query; nothing was recorded."""


class InvalidQuery(AccessError, ValueError):
    """The query itself is malformed: prefix too long, token out of range, bad length."""

    def __init__(self, field: str, rule: str, value: object = None) -> None:
        self.field = field
        self.rule = rule
        self.value = value
        suffix = "" if value is None else f" (got {value!r})"
        super().__init__(f"{field}: {rule}{suffix}")


class ForbiddenStart(AccessError):
    """The control level does not allow a query to start at this prefix (e.g. a non-root
    start, or a partial continuation, under root-start)."""


class UnbuiltPrefix(ForbiddenStart):
    """Local reset: the prefix was not built by an earlier answer (LR)."""


class BudgetExceeded(AccessError):
    """The query would exceed the oracle's query budget."""
