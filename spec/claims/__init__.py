"""The registry of every claim of THEORY.md: one module per claim, assembled here.

To register a new claim, write its module (statement, predicate, checks, `CLAIM`) and add
it to `REGISTRY` below — the only place claims are listed.
"""

from __future__ import annotations

from genaccess.spec.claims import g1, lr, r1, r2
from genaccess.spec.registry import Registry

REGISTRY = Registry((g1.CLAIM, lr.CLAIM, r1.CLAIM, r2.CLAIM))

__all__ = ["REGISTRY"]
