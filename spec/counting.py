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


def equally_capped_strings(length: int, letters: int, cap: int) -> list[int]:
    """`N_n` for `n = 0..length`: strings of length `n` over `letters` letters, each used at
    most `cap >= 0` times (what `capped_strings(n, [cap] * letters)` counts), in
    `O(length * cap)` integer steps whatever the number of letters.

    With `E = sum_{j<=cap} x^j/j!`, the generating function `P = E^r` satisfies
    `E P' = r E' P` and `E' = E - x^cap/cap!`, so `U_n = N_(n+1) - r N_n` obeys
    `sum_{j=0..cap} C(n, j) U_(n-j) = -r C(n, cap) N_(n-cap)` (and `U_n = 0` for `n < cap`).
    The recurrence runs forward in `n`, so one table per `(letters, cap)` is kept and
    extended when a longer one is asked for (HP2's checks ask for many `m`).

    >>> equally_capped_strings(3, 2, 1)
    [1, 2, 2, 0]
    """
    if cap < 0:
        raise ValueError("cap must be >= 0")
    if len(_EQUAL) > 4096:
        _EQUAL.clear()  # bounded memory: tables for K = 1000 hold thousand-digit integers
    counts, excess = _EQUAL.setdefault((letters, cap), ([1], []))
    r = letters
    for n in range(len(excess), length):
        u = 0
        if n >= cap:
            total = -r * math.comb(n, cap) * counts[n - cap]
            binomial = 1
            for j in range(1, min(cap, n - cap) + 1):  # U_(n-j) = 0 below n - j = cap
                binomial = binomial * (n - j + 1) // j
                total -= binomial * excess[n - j]
            u = total
        excess.append(u)
        counts.append(r * counts[n] + u)
    return counts[: length + 1]


_EQUAL: dict[tuple[int, int], tuple[list[int], list[int]]] = {}
