"""The registry of every claim of docs/theory.md: one module per claim, assembled here.

To register a new claim, write its module (statement, checks, `CLAIM`; its predicates go in
the topic module `spec/<topic>.py`) and add it to `REGISTRY` below — the only place claims
are listed.
"""

from __future__ import annotations

from genaccess.spec.claims import (
    g1,
    gap,
    hp1,
    hp2,
    hp3,
    kl1,
    kl2,
    kl3,
    lr,
    lt1,
    lt2,
    lt3,
    noisy1,
    partial1,
    planted1,
    r1,
    r2,
)
from genaccess.spec.registry import Registry

REGISTRY = Registry((
    g1.CLAIM, lr.CLAIM, r1.CLAIM, r2.CLAIM,
    hp1.CLAIM, hp2.CLAIM, hp3.CLAIM,
    lt1.CLAIM, lt2.CLAIM, lt3.CLAIM,
    kl1.CLAIM, kl2.CLAIM, kl3.CLAIM, gap.CLAIM,
    noisy1.CLAIM, partial1.CLAIM, planted1.CLAIM,
))

__all__ = ["REGISTRY"]
