"""Exact counting: multinomial coefficients, count vectors, and strings with capped letter
counts (the count DPs behind HP1's MAP enumeration and HP2/PLANTED1's plurality laws)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator


def multinomial(counts: Iterable[int]) -> int:
    """`(sum c)! / prod c!`: the number of sequences with these letter counts.

    >>> multinomial((2, 1))
    3
    """
    parts = tuple(counts)
    result = math.factorial(sum(parts))
    for c in parts:
        result //= math.factorial(c)
    return result


def count_vectors(total: int, parts: int) -> Iterator[tuple[int, ...]]:
    """Every vector of `parts` non-negative integers summing to `total` (lexicographic)."""
    if parts == 1:
        yield (total,)
        return
    for c in range(total + 1):
        for rest in count_vectors(total - c, parts - 1):
            yield (c, *rest)


def extend_capped_letter(done: list[int], ways: list[int], cap: int) -> list[int]:
    """Strings with one more letter, used at most `cap` times: if `ways[i]` counts the
    strings of length `i` over some letters, the result counts them over those letters and
    one new letter (placed in `C(i, j)` ways when it is used `j` times; none if `cap < 0`).
    Entry `i` needs only `ways[:i+1]`, so `done` (the result for a shorter `ways`) is kept
    and only the new lengths are counted.

    >>> extend_capped_letter([1], [1, 0, 0], 1)
    [1, 1, 0]
    """
    if cap < 0:
        return [0] * len(ways)
    top = max((i for i, w in enumerate(ways) if w), default=-1)  # ways[i] = 0 beyond top
    out = list(done)
    for i in range(len(done), len(ways)):
        low, high = max(0, i - top), min(cap, i)
        total = 0
        binomial = math.comb(i, low)
        for j in range(low, high + 1):  # C(i, j) by the ratio C(i, j+1) / C(i, j)
            total += binomial * ways[i - j]
            binomial = binomial * (i - j) // (j + 1)
        out.append(total)
    return out


def capped_strings(length: int, caps: Iterable[int]) -> int:
    """Number of strings of `length` over `len(caps)` letters with letter `i` used at most
    `caps[i]` times (exact integers).

    >>> capped_strings(2, [1, 1])
    2
    """
    ways = [int(i == 0) for i in range(length + 1)]
    for cap in caps:
        ways = extend_capped_letter([], ways, cap)
    return ways[length]
