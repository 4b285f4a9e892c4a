"""HP1 at any size (docs/theory.md, HP1): `1 - S_T` and the least `T` with `S_T >= 1 - delta`,
rigorously enclosed without summing all `H` depths or expanding `(1 - alpha^d)^T`.

For `T >= 1`, `1 - S_T = (1 - 1/K) g(T)` with `g(T) = sum_{d=1..H-1} K^-(H-1-d) (1-alpha^d)^T`.
Two facts make `g` cheap at any `H` and any `T`:

- the terms fall off at least geometrically going up from the deepest depth: `(1-alpha^d)^T`
  increases with `d`, so the depths `d' < d` together weigh at most `1/(K-1)` times the term
  at `d`. The sum runs from `d = H-1` upward and stops at the first term below the working
  precision; that bound encloses everything left out.
- `ln g(T) = -T lambda + ln(1 + R(T))`, where `lambda = -ln(1 - alpha^(H-1))` and `R` collects
  the other depths relative to the deepest one. The deepest depth needs no exponential, and
  `-ln(1 - x)` is a positive series when `x = alpha^d` is tiny.

`least_queries_bracket` finds the least `T` by Newton's method on `ln g(T) = ln(delta K/(K-1))`
(convex and decreasing in `T`, so Newton from below never overshoots), then decides the
integers next to the root with intervals at `bits(T) + 64` bits. Everything decided is
rigorous; the working precision only bounds how long it takes.
"""

from __future__ import annotations

import math
from fractions import Fraction

import mpmath
from mpmath import iv, mpf

from genaccess.spec.intervals import (
    TINY_BITS,
    Interval,
    expm1,
    interval,
    log1p,
    precision,
)


def _upper(x: Interval) -> mpf:
    """The upper endpoint exactly (`mpf(x.b)` would round it to mpmath's 53 bits)."""
    return mpmath.mp.make_mpf(x._mpi_[1])


def _log2(x: mpf) -> float:
    """`log2(x)` for a positive `mpf` of any exponent, as a float (for sizing only)."""
    return math.log2(int(x.man)) + int(x.exp)


def _complement(alpha: Fraction, depth: int) -> Interval:
    """`1 - alpha^depth` at the current precision (extra bits absorb the cancellation)."""
    extra = alpha.denominator.bit_length() + depth.bit_length() + 16
    with precision(iv.prec + extra):
        value = 1 - interval(alpha) ** depth
    return +value


def _minus_log_complement(alpha: Fraction, depth: int) -> tuple[Interval, Interval]:
    """`(1 - alpha^depth, -ln(1 - alpha^depth))`."""
    power = interval(alpha) ** depth
    complement = _complement(alpha, depth)
    if _upper(power) < mpf(2) ** -TINY_BITS:
        return complement, -log1p(-power)
    return complement, -iv.log(complement)


class _Depths:
    """`ln g(T)`, `ln g(T-1)` and `d ln g / dT` for one family, at the current precision."""

    def __init__(self, vocab_size: int, horizon: int, alpha: Fraction) -> None:
        self.K, self.H, self.alpha = vocab_size, horizon, alpha

    def _term(self, T: Interval, depth: int, lam0: Interval, deepest_complement: Interval
              ) -> tuple[Interval, Interval, Interval, Interval]:
        """Depth `d`'s share of `R(T)`: `K^-(H-1-d) ((1-alpha^d)/(1-alpha^(H-1)))^T`, with
        `lambda_d - lambda_(H-1)`, `1 - alpha^d` and its share of `R(T-1)`."""
        complement, lam = _minus_log_complement(self.alpha, depth)
        gap = lam - lam0
        term = iv.exp(-T * gap) / iv.mpf(self.K) ** (self.H - 1 - depth)
        return term, gap, complement, term * (deepest_complement / complement)

    def evaluate(self, queries: int | mpf) -> tuple[Interval, Interval, Interval]:
        """`(ln g(T), ln g(T-1), d/dT ln g(T))` for `T >= 1` (`ln g(T-1)` only meant for
        `T >= 2`: at `T - 1 = 0` the depth-0 term, left out here, is 1)."""
        K, H, alpha = self.K, self.H, self.alpha
        T = iv.mpf(queries)
        deepest_complement, lam0 = _minus_log_complement(alpha, H - 1)
        rest = iv.mpf(0)  # R(T)
        rest_before = iv.mpf(0)  # R(T-1)
        slope = iv.mpf(0)  # -R'(T)
        cutoff = mpf(2) ** -(iv.prec + 4)
        full = iv.prec
        for depth in range(H - 2, 0, -1):
            # A term of size 2^-E needs only full - E bits: a 64-bit pass sizes it first.
            with precision(64):
                term, _, _, before = self._term(T, depth, lam0, deepest_complement)
            size = max(_upper(term), _upper(before))
            if size * K / (K - 1) <= cutoff:
                # This depth and every shallower one weigh at most term * K/(K-1) together
                # (the same for T-1). The slope only steers Newton: its tail is dropped.
                rest += iv.mpf([0, 1]) * term * K / (K - 1)
                rest_before += iv.mpf([0, 1]) * before * K / (K - 1)
                break
            magnitude = max(0, -int(_log2(size)))
            with precision(max(64, full - magnitude + magnitude.bit_length() + 32)):
                term, gap, _, before = self._term(T, depth, lam0, deepest_complement)
            rest += term
            rest_before += before
            slope += term * gap
        log_g = -T * lam0 + log1p(rest)
        log_g_before = -(T - 1) * lam0 + log1p(rest_before)
        derivative = -lam0 - slope / (1 + rest)
        return log_g, log_g_before, derivative


def enclose_failure(vocab_size: int, horizon: int, alpha: Fraction, queries: int,
                    bits: int = 64) -> Interval:
    """HP1: `1 - S_T` as an interval at `bits` of precision, for any `T >= 0` and `H >= 1`."""
    K, H = vocab_size, horizon
    # ln(1 - S_T) can be as large as T: its exponential keeps `bits` only if the logarithm
    # is known to bits + log2(T) bits.
    with precision(bits + 16 + queries.bit_length()):
        if queries == 0:
            return 1 - iv.mpf(1) / iv.mpf(K) ** H
        if H == 1:
            return iv.mpf(0)
        log_g, _, _ = _Depths(K, H, alpha).evaluate(queries)
        return (1 - iv.mpf(1) / K) * iv.exp(log_g)


def enclose_success(vocab_size: int, horizon: int, alpha: Fraction, queries: int,
                    bits: int = 64) -> Interval:
    """HP1: `S_T` itself as an interval about `2^-bits` wide relative to it, however small.

    For `T >= 1`, `S_T = (1 - F_(H-1)) + sum_{d=1..H-1} K^-(H-d) (F_d - F_(d-1))` with
    `F_d = (1-alpha^d)^T` and `F_0 = 0`: positive terms, each difference formed as
    `F_d (1 - exp(-T (lambda_(d-1) - lambda_d)))` without cancellation. The sum runs from
    the deepest depth up and stops once the depths above `d` are negligible: together they
    weigh at most `K^-(H-d+1) F_d`, and at most `T K^-(H-d) alpha^(d-1) / (K alpha - 1)`
    (`F_d - F_(d-1) = P(D = d) <= T alpha^(d-1)`, and `K alpha > 1`)."""
    K, H = vocab_size, horizon
    with precision(bits + 16):
        if queries == 0:
            return 1 / iv.mpf(K) ** H
        if H == 1:
            return iv.mpf(1)
    # alpha^d is divided down from alpha^(H-1): extra bits absorb the H roundings and the
    # cancellation in 1 - alpha^d (at most the bits of alpha's denominator).
    extra = (horizon.bit_length() + alpha.denominator.bit_length() + queries.bit_length()
             + 24)
    with precision(bits + 16 + extra):
        T = iv.mpf(queries)
        a = interval(alpha)
        power = a ** (H - 1)
        lam = _lambda(power)
        total = -expm1(-T * lam)  # P(D = H)
        cutoff = mpf(2) ** -(bits + 8)
        weight = iv.mpf(1)
        geometric = T / (K * a - 1)  # times K^-(H-d) alpha^(d-1): the second tail bound
        for depth in range(H - 1, 0, -1):
            weight /= K
            power /= a
            reached = iv.exp(-T * lam)  # F_depth
            if depth == 1:
                total += weight * reached
                break
            shallower = _lambda(power)
            total += weight * reached * -expm1(-T * (shallower - lam))
            rest = weight / K * reached
            other = weight * power * geometric  # power = alpha^(depth-1) here
            if _upper(other) < _upper(rest):
                rest = other
            if _upper(rest) <= cutoff * mpmath.mp.make_mpf(total._mpi_[0]):
                total += iv.mpf([0, 1]) * rest
                break
            lam = shallower
    with precision(bits + 16):
        return +total


def _lambda(power: Interval) -> Interval:
    """`-ln(1 - x)` for `x = alpha^d` in `(0, 1)`: a series when tiny."""
    if _upper(power) < mpf(2) ** -TINY_BITS:
        return -log1p(-power)
    return -iv.log(1 - power)


class _Search:
    """Decides `g(T) <= delta K/(K-1)` (that is, `1 - S_T <= delta`) for integers `T >= 2`."""

    def __init__(self, vocab_size: int, horizon: int, alpha: Fraction, delta: Fraction) -> None:
        self.depths = _Depths(vocab_size, horizon, alpha)
        self.threshold = delta * vocab_size / (vocab_size - 1)
        self._log_threshold: dict[int, Interval] = {}

    def log_threshold(self) -> Interval:
        """`ln threshold`, reused from any enclosure at least as precise as asked for."""
        bits = iv.prec
        known = [b for b in self._log_threshold if b >= bits]
        if known:
            return +self._log_threshold[min(known)]
        self._log_threshold[bits] = iv.log(interval(self.threshold))
        return self._log_threshold[bits]

    def psi(self, queries: int | mpf) -> tuple[Interval, Interval, Interval]:
        """`ln g(T) - ln threshold`, the same at `T - 1`, and the slope in `T`."""
        log_g, log_g_before, slope = self.depths.evaluate(queries)
        log_t = self.log_threshold()
        return log_g - log_t, log_g_before - log_t, slope

    def decide(self, queries: int, bits: int) -> tuple[bool | None, bool | None]:
        """`(holds(T), holds(T-1))`, each `None` while the enclosure straddles the threshold."""
        with precision(bits):
            now, before, _ = self.psi(queries)
        return _sign(now), _sign(before)

    def newton(self, bits: int) -> mpf:
        """An approximate real root of `psi`, accurate to about `bits` bits.

        `psi` is convex and decreasing (a log-sum-exp of affine functions of `T`), and the
        start `ln(1/threshold) / lambda` lies below the root (the deepest term alone is at
        most `g`), so every Newton step stays below the root and moves towards it."""
        prec = 64
        with precision(prec):
            lam0 = _minus_log_complement(self.depths.alpha, self.depths.H - 1)[1]
            T = max(mpf(2), mpf((-self.log_threshold() / lam0).a))
        steps = 200  # from the start; one step per doubling of the precision afterwards
        while True:
            with precision(prec), mpmath.workprec(prec):
                for _ in range(steps):
                    value, _, slope = self.psi(T)
                    step = -mpf(value.mid) / mpf(slope.mid)
                    if T + step <= 2:  # the root lies below 2: T = 2 is the candidate
                        return mpf(2)
                    T += step
                    if abs(step) <= T * mpf(2) ** (8 - prec) + mpf(2) ** -8:
                        break
            needed = int(_log2(T)) + 80
            if prec >= min(needed, bits):
                return T
            prec, steps = min(2 * prec, max(needed, 64)), 1


def _sign(value: Interval) -> bool | None:
    """`value <= 0` when decided."""
    if value.b <= 0:
        return True
    if value.a > 0:
        return False
    return None


EXACT_BITS = 1 << 16
"""An undecided comparison (`1 - S_T` equal to `delta`, say) is settled in exact rationals
while `g(T)` has at most about this many bits."""


def _exact_size(search: _Search, queries: int) -> int:
    depths = search.depths
    return queries * depths.H * depths.alpha.denominator.bit_length()


def _exact_g(search: _Search, queries: int) -> Fraction:
    """`g(T)` in exact rationals (small `T * H` only)."""
    return _exact_g_of(search.depths.K, search.depths.H, search.depths.alpha, queries)


def estimate_bits(horizon: int, alpha: Fraction) -> float:
    """About `log2` of the least `T` for a moderate `delta`: `(H-1) log2(1/alpha)`."""
    return (horizon - 1) * -math.log2(alpha)


def least_queries_bracket(vocab_size: int, horizon: int, alpha: Fraction, delta: Fraction,
                          max_bits: int) -> tuple[int, int]:
    """HP1: `(low, high)` enclosing the least `T >= 2` with `1 - S_T <= delta`, given that
    `T = 1` does not suffice (and `H >= 2`). `low == high`, the exact integer, whenever
    deciding it needs at most `max_bits` of precision (about `log2(T) + 64`); otherwise the
    enclosure is about `2^-190` wide relative to `T`."""
    search = _Search(vocab_size, horizon, alpha, delta)
    guess = estimate_bits(horizon, alpha) + 80
    with precision(int(guess) + 80 if guess <= max_bits else 320):
        search.log_threshold()  # once, at the precision every later use needs
    approx = search.newton(max_bits if guess <= max_bits else 320)
    exact = _log2(approx) + 80 <= max_bits
    bits = int(_log2(approx)) + 72 if exact else 320
    floor = int(approx)  # exact, whatever mpmath's working precision
    slack = 1 if exact else max(1, floor >> 200)
    known: dict[int, bool] = {1: False}

    def holds(queries: int) -> bool:
        precision_bits = bits
        while queries not in known:
            now, before = search.decide(queries, precision_bits)
            if before is not None:
                known.setdefault(queries - 1, before)
            if now is not None:
                known[queries] = now
            elif _exact_size(search, queries) <= EXACT_BITS:
                known[queries] = _exact_g(search, queries) <= search.threshold
            elif precision_bits * 2 > max_bits:
                raise ArithmeticError(f"cannot decide 1 - S_T <= delta at a T of "
                                      f"{queries.bit_length()} bits with {precision_bits}")
            else:
                precision_bits *= 2
        return known[queries]

    high, step = max(2, floor + slack), slack
    while not holds(high):  # Newton stops below the root: rarely taken
        high, step = high + step, step * 2
    low, step = max(1, floor - (0 if exact else slack)), slack
    while holds(low):
        high, low, step = low, max(1, low - step), step * 2
    tolerance = 1 if exact else max(1, high >> 190)
    while high - low > tolerance:
        middle = (low + high) // 2
        if holds(middle):
            high = middle
        else:
            low = middle
    return low + 1, high


def is_failure_at_most(vocab_size: int, horizon: int, alpha: Fraction, queries: int,
                       delta: Fraction, max_bits: int = 1 << 14) -> bool:
    """HP1: `1 - S_T <= delta`, decided by intervals at growing precision, in exact rationals
    when they straddle (`1 - S_T == delta`) and `T * H` is small."""
    bits = 64
    while True:
        with precision(bits):
            failure = enclose_failure(vocab_size, horizon, alpha, queries, bits)
            threshold = interval(delta)
            if failure.b <= threshold.a:
                return True
            if failure.a > threshold.b:
                return False
        if bits * 2 > max_bits:
            break
        bits *= 2
    if queries * horizon * alpha.denominator.bit_length() <= EXACT_BITS:
        failure_exact = (1 - Fraction(1, vocab_size)) * _exact_g_of(vocab_size, horizon, alpha,
                                                                   queries)
        return (failure_exact if queries else 1 - Fraction(1, vocab_size**horizon)) <= delta
    raise ArithmeticError(f"cannot decide 1 - S_T <= delta at {bits} bits")


def _exact_g_of(K: int, H: int, alpha: Fraction, queries: int) -> Fraction:
    return sum((Fraction(1, K ** (H - 1 - d)) * (1 - alpha**d) ** queries
                for d in range(1, H)), Fraction(0))


def enclose_least_queries(vocab_size: int, horizon: int, alpha: Fraction, delta: Fraction,
                          max_bits: int) -> tuple[int, int]:
    """HP1: `(low, high)` enclosing the least `T` with `1 - S_T <= delta` (`0 < delta <= 1`);
    `low == high` (exact) while that needs at most `max_bits` of precision."""
    K, H = vocab_size, horizon
    target = 1 - delta  # S_0 = K^-H >= target?
    # K^-H >= target needs H log2(K) <= log2(1/target), checked by sizes before exactly.
    if target <= 0 or (H * math.log2(K) <= target.denominator.bit_length()
                       - target.numerator.bit_length() + 2 and Fraction(1, K**H) >= target):
        return 0, 0
    if H == 1 or is_failure_at_most(K, H, alpha, 1, delta):
        return 1, 1
    return least_queries_bracket(K, H, alpha, delta, max_bits)
