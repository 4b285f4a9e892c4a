"""The small finite domains that exhaustive checks enumerate, stated once.

A grid generator picks each next-token row from a fixed palette of three rows: a uniform row
(ties everywhere), a skewed row and a row with a zero (top-k must list a zero-probability
token; `full` must not reveal it). A `Grid` says how rows are shared between prefixes:
- ``prefix``: every prefix has its own row (3^#prefixes generators);
- ``depth-last``: the row depends on the depth and the last token only;
- ``depth``: the row depends on the depth only.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from fractions import Fraction as F
from typing import Literal

import attrs

from genaccess.spec.distribution import Distribution
from genaccess.spec.generator import Generator
from genaccess.spec.prefix import Prefix, all_prefixes

PALETTES: dict[int, tuple[Distribution, ...]] = {
    2: (
        Distribution((F(1, 2), F(1, 2))),
        Distribution((F(1, 3), F(2, 3))),
        Distribution((F(1), F(0))),
    ),
    3: (
        Distribution((F(1, 3), F(1, 3), F(1, 3))),
        Distribution((F(1, 2), F(1, 4), F(1, 4))),
        Distribution((F(0), F(1, 3), F(2, 3))),
    ),
}

Slotting = Literal["prefix", "depth-last", "depth"]


@attrs.frozen
class Grid:
    """Every generator over `K`, `H` whose rows come from the palette, shared per `slotting`."""

    vocab_size: int
    horizon: int
    slotting: Slotting = "prefix"

    def slot(self, prefix: Prefix) -> object:
        if self.slotting == "prefix":
            return prefix
        if self.slotting == "depth-last":
            return (len(prefix), prefix[-1] if prefix else -1)
        return len(prefix)

    def slots(self) -> list[object]:
        return sorted({self.slot(u) for u in all_prefixes(self.vocab_size, self.horizon)},
                      key=repr)

    def __len__(self) -> int:
        return int(3 ** len(self.slots()))

    def __iter__(self) -> Iterator[Generator]:
        palette = PALETTES[self.vocab_size]
        prefixes = list(all_prefixes(self.vocab_size, self.horizon))
        slots = self.slots()
        for rows in itertools.product(range(len(palette)), repeat=len(slots)):
            choice = dict(zip(slots, rows, strict=True))
            table = {u: palette[choice[self.slot(u)]] for u in prefixes}
            yield Generator.from_table(self.vocab_size, self.horizon, table)

    def __str__(self) -> str:
        return f"K={self.vocab_size},H={self.horizon} ({len(self)} generators, rows per " \
               f"{self.slotting})"


FULL_GRIDS: tuple[Grid, ...] = (
    Grid(2, 1), Grid(2, 2), Grid(2, 3), Grid(3, 1), Grid(3, 2), Grid(3, 3, "depth-last"),
)
"""The largest grids: every (K, H) in {2,3} x {1,2,3}; used where a check is cheap (G1)."""

SMALL_GRIDS: tuple[Grid, ...] = (
    Grid(2, 1), Grid(2, 2), Grid(2, 3, "depth-last"), Grid(3, 1), Grid(3, 2),
    Grid(3, 3, "depth"),
)
"""The same (K, H) pairs with fewer generators, for checks that enumerate transcripts."""


def describe(grids: tuple[Grid, ...]) -> str:
    """The domain of a check over `grids`, as quoted by the status page."""
    return "; ".join(str(g) for g in grids)


def perturbed(generator: Generator, prefixes: frozenset[Prefix]) -> Generator:
    """`pi'`: equal to `pi` outside `D`, and different from it at every prefix of `D`
    (the next palette row, cyclically; rows outside the palette become a palette row)."""
    palette = PALETTES[generator.vocab_size]
    table: dict[Prefix, Distribution] = {}
    for u in all_prefixes(generator.vocab_size, generator.horizon):
        row = generator.next_token(u)
        if u in prefixes:
            # The next palette row differs from the current one; an outside row becomes row 0.
            row = palette[(palette.index(row) + 1) % len(palette)] if row in palette else palette[0]
        table[u] = row
    return Generator.from_table(generator.vocab_size, generator.horizon, table)


def subsets(prefixes: list[Prefix], max_size: int | None = None) -> Iterator[frozenset[Prefix]]:
    """Every subset of `prefixes` (of size at most `max_size` when given)."""
    top = len(prefixes) if max_size is None else min(max_size, len(prefixes))
    for size in range(top + 1):
        for combo in itertools.combinations(prefixes, size):
            yield frozenset(combo)


def constant_generators(vocab_size: int, horizon: int) -> list[Generator]:
    """The generators that use the same palette row at every prefix."""
    return [Generator.from_table(vocab_size, horizon, {}, default=row)
            for row in PALETTES[vocab_size]]


ReachCase = tuple[str, list[Generator], int | None, tuple[int, ...]]
"""(description, base generators, max |D| or None for every subset, query counts T)."""


def r2_cases() -> list[ReachCase]:
    """The bases and query counts of R2's exhaustive check (docs/theory.md, R2): every
    subset `D` of prefixes is perturbed on each base (only `|D| <= 1` for K=3,H=3)."""
    return [
        (str(Grid(2, 1, "depth")), list(Grid(2, 1, "depth")), None, (1, 2, 3)),
        (str(Grid(2, 2, "depth")), list(Grid(2, 2, "depth")), None, (1, 2, 3)),
        (str(Grid(3, 1, "depth")), list(Grid(3, 1, "depth")), None, (1, 2, 3)),
        (str(Grid(3, 2, "depth")), list(Grid(3, 2, "depth")), None, (1, 2)),
        ("K=2,H=3 (3 constant-row generators)", constant_generators(2, 3), None, (1, 2)),
        ("K=3,H=3 (3 constant-row generators)", constant_generators(3, 3), 1, (1, 2)),
    ]
