"""The registry of every claim of THEORY.md: one module per claim, assembled here.

To register a new claim, write its module (statement, predicate, checks, `CLAIM`) and add
it to `REGISTRY` below — the only place claims are listed.
"""

from __future__ import annotations

from genaccess.spec.claims import g1, lr
from genaccess.spec.registry import Registry

REGISTRY = Registry((g1.CLAIM, lr.CLAIM))

__all__ = ["REGISTRY"]
