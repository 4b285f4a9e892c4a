"""Exact binomial confidence statements for Monte Carlo checks (Clopper-Pearson).

A Monte Carlo check compares an empirical success count with an exact probability. It uses
the two-sided Clopper-Pearson interval at a stated false-alarm rate (1e-9 in the checks): if
the implementation is right, the check fails with probability at most that rate, and since
its seed is fixed it never flips between runs.

The binomial tails are regularised incomplete beta functions evaluated by `mpmath` at 60
significant digits; the interval endpoints come from bisection to within `2^-80`, rounded
outward (the returned interval contains the exact one up to the mpmath evaluation error,
which is below 1e-50 and so far beneath any false-alarm rate used here).
"""

from __future__ import annotations

from fractions import Fraction

import mpmath

from genaccess.spec.errors import InvalidDefinition

CHECK_FALSE_ALARM = Fraction(1, 10**9)
"""The false-alarm rate of every Monte Carlo check in the registry."""

_DIGITS = 60
_BISECTIONS = 80


def _validate(successes: int, trials: int, false_alarm: Fraction) -> None:
    if isinstance(trials, bool) or not isinstance(trials, int) or trials < 1:
        raise InvalidDefinition("trials", "must be an integer >= 1", trials)
    if isinstance(successes, bool) or not isinstance(successes, int) or not (
        0 <= successes <= trials
    ):
        raise InvalidDefinition("successes", f"must be an integer in 0..{trials}", successes)
    if not 0 < false_alarm < 1:
        raise InvalidDefinition("false_alarm", "must be strictly between 0 and 1",
                                str(false_alarm))


def upper_tail(successes: int, trials: int, p: Fraction) -> mpmath.mpf:
    """`P(X >= x)` for `X ~ Binomial(n, p)`."""
    if successes <= 0:
        return mpmath.mpf(1)
    with mpmath.workdps(_DIGITS):
        return mpmath.betainc(successes, trials - successes + 1, 0, _mp(p), regularized=True)


def lower_tail(successes: int, trials: int, p: Fraction) -> mpmath.mpf:
    """`P(X <= x)` for `X ~ Binomial(n, p)`."""
    if successes >= trials:
        return mpmath.mpf(1)
    with mpmath.workdps(_DIGITS):
        return mpmath.betainc(successes + 1, trials - successes, _mp(p), 1, regularized=True)


def _mp(p: Fraction) -> mpmath.mpf:
    """`p` at the working precision of the tails (not mpmath's 15-digit default)."""
    with mpmath.workdps(_DIGITS):
        return mpmath.mpf(p.numerator) / p.denominator


def clopper_pearson(successes: int, trials: int, false_alarm: Fraction = CHECK_FALSE_ALARM
                    ) -> tuple[Fraction, Fraction]:
    """The two-sided Clopper-Pearson interval `[lo, hi]` at level `1 - false_alarm`.

    `lo` solves `P_lo(X >= x) = false_alarm/2` (0 when `x = 0`) and `hi` solves
    `P_hi(X <= x) = false_alarm/2` (1 when `x = n`).

    >>> lo, hi = clopper_pearson(50, 100, Fraction(1, 20))
    >>> round(float(lo), 4), round(float(hi), 4)
    (0.3983, 0.6017)
    """
    false_alarm = Fraction(false_alarm)
    _validate(successes, trials, false_alarm)
    half = _mp(false_alarm / 2)
    lo = Fraction(0)
    if successes > 0:
        below, above = Fraction(0), Fraction(1)  # tail(below) < half <= tail(above)
        for _ in range(_BISECTIONS):
            mid = (below + above) / 2
            if upper_tail(successes, trials, mid) < half:
                below = mid
            else:
                above = mid
        lo = below
    hi = Fraction(1)
    if successes < trials:
        below, above = Fraction(0), Fraction(1)  # tail(below) >= half > tail(above)
        for _ in range(_BISECTIONS):
            mid = (below + above) / 2
            if lower_tail(successes, trials, mid) >= half:
                below = mid
            else:
                above = mid
        hi = above
    return lo, hi


def is_consistent(p: Fraction, successes: int, trials: int,
                  false_alarm: Fraction = CHECK_FALSE_ALARM) -> bool:
    """Whether `x` successes in `n` trials are consistent with success probability `p`:
    neither one-sided tail at `p` falls below `false_alarm / 2`."""
    false_alarm = Fraction(false_alarm)
    _validate(successes, trials, false_alarm)
    half = _mp(false_alarm / 2)
    p = Fraction(p)
    return bool(upper_tail(successes, trials, p) >= half
                and lower_tail(successes, trials, p) >= half)


def is_at_least(p: Fraction, successes: int, trials: int,
                false_alarm: Fraction = CHECK_FALSE_ALARM) -> bool:
    """One-sided: the count does not reject `P(success) >= p` at level `false_alarm`."""
    false_alarm = Fraction(false_alarm)
    _validate(successes, trials, false_alarm)
    level = _mp(false_alarm)
    return bool(lower_tail(successes, trials, Fraction(p)) >= level)
