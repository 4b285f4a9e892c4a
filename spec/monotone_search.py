"""The least integer at which a monotone predicate holds: a doubling search brackets it and a
binary search finds it, `O(log n)` evaluations (HP1's queries needed, NOISY1's least `m`)."""

from __future__ import annotations

from collections.abc import Callable


def least_integer(holds: Callable[[int], bool], start: int = 0) -> int:
    """The least `n >= start` with `holds(n)`, for a `holds` that, once true, stays true
    (the search does not terminate if it is never true).

    >>> least_integer(lambda n: n * n >= 50)
    8
    """
    if holds(start):
        return start
    low, step = start, 1  # holds(low) is false
    while not holds(low + step):
        low, step = low + step, step * 2
    high = low + step  # holds(high) is true
    while high - low > 1:
        mid = (low + high) // 2
        if holds(mid):
            high = mid
        else:
            low = mid
    return high
