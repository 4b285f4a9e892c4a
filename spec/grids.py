"""The small finite domains that exhaustive checks enumerate, stated once.

A grid generator picks each next-token distribution from a fixed palette. The palettes mix a
uniform row (ties everywhere), a skewed row and a row with a zero (top-k must list a
zero-probability token, `full` must not reveal it).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from fractions import Fraction as F

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

GRID_SHAPES: tuple[tuple[int, int], ...] = ((2, 1), (2, 2), (2, 3), (3, 1), (3, 2), (3, 3))
"""The `(K, H)` pairs every exhaustive core check covers."""


def _slot(prefix: Prefix, vocab_size: int, horizon: int) -> Prefix | tuple[int, int]:
    # Every prefix is its own slot while there are at most 7 prefixes; beyond that
    # (K=3, H=3 has 13) the row depends on (depth, last token) only, 7 slots again.
    if sum(vocab_size**d for d in range(horizon)) <= 7:
        return prefix
    return (len(prefix), prefix[-1] if prefix else -1)


def grid_description(vocab_size: int, horizon: int) -> str:
    """A one-line statement of the grid for (K, H), quoted by the status page."""
    slots = {_slot(u, vocab_size, horizon) for u in all_prefixes(vocab_size, horizon)}
    how = "per prefix" if len(slots) == sum(vocab_size**d for d in range(horizon)) else (
        "per (depth, last token)")
    return f"K={vocab_size},H={horizon}: 3 rows {how}, {3 ** len(slots)} generators"


def generator_grid(vocab_size: int, horizon: int) -> Iterator[Generator]:
    """Every generator of the stated grid for (K, H)."""
    palette = PALETTES[vocab_size]
    prefixes = list(all_prefixes(vocab_size, horizon))
    slots = sorted({_slot(u, vocab_size, horizon) for u in prefixes}, key=repr)
    for rows in itertools.product(range(len(palette)), repeat=len(slots)):
        choice = dict(zip(slots, rows, strict=True))
        table = {u: palette[choice[_slot(u, vocab_size, horizon)]] for u in prefixes}
        yield Generator.from_table(vocab_size, horizon, table)


def perturbed(generator: Generator, prefixes: frozenset[Prefix]) -> Generator:
    """`pi'`: equal to `pi` outside `D`, and different from it at every prefix of `D`.

    At each `u` in `D` the next row of the palette is used (cyclically), which always
    differs from the current one.
    """
    palette = PALETTES[generator.vocab_size]
    table: dict[Prefix, Distribution] = {}
    for u in all_prefixes(generator.vocab_size, generator.horizon):
        row = generator.next_token(u)
        if u in prefixes:
            row = palette[(palette.index(row) + 1) % len(palette)] if row in palette else (
                palette[0] if row != palette[0] else palette[1])
        table[u] = row
    return Generator.from_table(generator.vocab_size, generator.horizon, table)


def subsets(prefixes: list[Prefix], max_size: int | None = None) -> Iterator[frozenset[Prefix]]:
    """Every subset of `prefixes` (of size at most `max_size` when given)."""
    top = len(prefixes) if max_size is None else min(max_size, len(prefixes))
    for size in range(top + 1):
        for combo in itertools.combinations(prefixes, size):
            yield frozenset(combo)
