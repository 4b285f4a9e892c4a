"""HP2 at any `m` (docs/theory.md, HP2): a rigorous enclosure of the worst stage's failure.

The worst path token is the last one, `K-1` (it loses every tie; `compute_plurality_win_worst`
in `genaccess.spec.cps_success` says why), and its stage fails with probability

`f = 1 - q(K-1) = sum_{k <= m/2} P(C = k) (1 - G_k)`,

where `C ~ Bin(m, alpha)` counts the path token and `G_k` is the chance that each of the
`r = K-1` other tokens gets fewer than `k` of the other `n = m-k` samples (uniform over them).
With `A_k = P(Bin(m-k, 1/r) >= k)`, one other token's chance of reaching `k`:

- `1 - G_k <= min(1, r A_k)` (union bound), with equality when `3k > m`: then two tokens
  cannot both reach `k` among `m - k < 2k` samples, so the events are disjoint;
- `1 - G_k >= 1 - (1 - A_k)^r >= r A_k - C(r,2) A_k^2`: the counts of a multinomial are
  negatively dependent, `P(X_i <= c for every i) <= prod_i P(X_i <= c)` (Mallows 1968,
  Biometrika 55: 422-424); checked against the exact `G_k` on small cases in
  tests/test_bounds_scale.py.

Both sides share the factor `A_k`, so the enclosure is tight where `f` is small, which is
where `m` is large. The sums run over a window of `k` around the largest term, every
sequence by its exact ratio recurrence from a rigorously enclosed start, in `mpmath.libmp`
numbers rounded down for the lower end and up for the upper one (all terms positive). What
lies outside the window is bounded by geometric tails: `P(C < k_lo)` on the left and
`r A_(k_hi+1)` on the right (`A_k` decreases in `k`).
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import mpmath
from mpmath import iv
from mpmath.libmp import (
    fone,
    from_int,
    fzero,
    mpf_add,
    mpf_cmp,
    mpf_div,
    mpf_mul,
    mpf_sub,
    round_ceiling,
    round_floor,
)

from genaccess.spec.cps_success import compute_plurality_win_worst
from genaccess.spec.hidden_path import HiddenPathFamily
from genaccess.spec.intervals import Interval, interval, log1p, precision

Raw = Any
"""An `mpmath.libmp` floating-point value (a tuple; mpmath ships no type information)."""
Pair = tuple[Raw, Raw]
"""`(lower, upper)` of a positive quantity."""


def _mul(x: Pair, y: Pair, prec: int) -> Pair:
    return (mpf_mul(x[0], y[0], prec, round_floor), mpf_mul(x[1], y[1], prec, round_ceiling))


def _add(x: Pair, y: Pair, prec: int) -> Pair:
    return (mpf_add(x[0], y[0], prec, round_floor), mpf_add(x[1], y[1], prec, round_ceiling))


def _scale(x: Pair, numerator: int, denominator: int, prec: int) -> Pair:
    """`x * numerator / denominator` for positive integers."""
    num, den = from_int(numerator), from_int(denominator)
    return (mpf_div(mpf_mul(x[0], num, prec, round_floor), den, prec, round_floor),
            mpf_div(mpf_mul(x[1], num, prec, round_ceiling), den, prec, round_ceiling))


def _min(x: Raw, y: Raw) -> Raw:
    return x if mpf_cmp(x, y) <= 0 else y


def _max(x: Raw, y: Raw) -> Raw:
    return x if mpf_cmp(x, y) >= 0 else y


def _pair(x: Interval) -> Pair:
    low, high = x._mpi_
    return (_max(low, fzero), high)


def _power_up(x: Raw, exponent: int, prec: int) -> Raw:
    """`x^exponent` rounded up at every step (a rigorous upper bound for `x >= 0`)."""
    result, base = fone, x
    while exponent:
        if exponent & 1:
            result = mpf_mul(result, base, prec, round_ceiling)
        exponent >>= 1
        if exponent:
            base = mpf_mul(base, base, prec, round_ceiling)
    return result


STIRLING = ((1, 12), (-1, 360), (1, 1260), (-1, 1680))
"""`B_2j / (2j (2j-1))` for `j = 1..4`: the terms `c / n^(2j-1)` of Stirling's series."""
STIRLING_NEXT = Fraction(1, 1188)
"""The next coefficient: it bounds the remainder (`|R| <= 1 / (1188 n^9)` for real `n > 0`;
Whittaker and Watson, section 12.33)."""


def _log_factorial(n: int) -> Interval:
    """`ln n!` enclosed: exactly for small `n`, else by Stirling's series to `n^-7` with its
    remainder bound (relative accuracy far below `2^-64` from `n = 256` on)."""
    if n < 256:
        return iv.log(iv.mpf(math.factorial(n)))
    x = iv.mpf(n)
    total = x * iv.log(x) - x + iv.log(2 * iv.pi * x) / 2
    for j, (num, den) in enumerate(STIRLING):
        total += iv.mpf(num) / (den * x ** (2 * j + 1))
    remainder = STIRLING_NEXT.numerator / (STIRLING_NEXT.denominator * x**9)
    return total + remainder * iv.mpf([-1, 1])


def _binomial_pmf(n: int, k: int, p: Fraction, prec: int) -> Pair:
    """`C(n, k) p^k (1-p)^(n-k)` enclosed (`0 < p < 1`, `0 <= k <= n`)."""
    extra = 2 * max(n, 2).bit_length() + 16  # ln n! is about n ln n: keep prec bits after it
    with precision(prec + extra):
        log_pmf = (_log_factorial(n) - _log_factorial(k) - _log_factorial(n - k)
                   + k * iv.log(interval(p)) + (n - k) * iv.log(interval(1 - p)))
        return _pair(iv.exp(log_pmf))


class _Shape:
    """Float estimates of `ln P(C = k)`, `ln A_k` and `ln` of a term, only to place the
    window (the enclosure never trusts them: its tails are bounded rigorously)."""

    def __init__(self, vocab_size: int, alpha: Fraction, samples: int) -> None:
        self.r, self.m = vocab_size - 1, samples
        self.log_alpha, self.log_rest = math.log(alpha), math.log(1 - alpha)
        self.log_p = -math.log(self.r)
        self.log_q = math.log1p(-1 / self.r) if self.r > 1 else -math.inf

    def log_path(self, k: int) -> float:
        m = self.m
        return (math.lgamma(m + 1) - math.lgamma(k + 1) - math.lgamma(m - k + 1)
                + k * self.log_alpha + (m - k) * self.log_rest)

    def log_reach(self, k: int) -> float:
        """About `ln A_k`: the first term of the tail over one minus its ratio bound."""
        n, r = self.m - k, self.r
        if k > n:
            return -math.inf
        if r == 1 or k * r <= n:
            return 0.0
        first = (math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)
                 + k * self.log_p + (n - k) * self.log_q)
        ratio = (n - k) / ((k + 1) * (r - 1))
        return min(0.0, first - math.log1p(-ratio)) if ratio < 1 else 0.0

    def log_term(self, k: int) -> float:
        return self.log_path(k) + min(0.0, math.log(self.r) + self.log_reach(k))


def _window(shape: _Shape, bits: int) -> tuple[int, int, int]:
    """`(k_lo, k_peak, k_hi)`: the largest term's `k` and the window where the others are
    within `2^-(bits+16)/m` of it (the tails outside are bounded separately)."""
    top = shape.m // 2
    low, high = 0, top
    while high - low > 2:  # the terms are unimodal in k (log-concave factors)
        a, b = low + (high - low) // 3, high - (high - low) // 3
        if shape.log_term(a) < shape.log_term(b):
            low = a + 1
        else:
            high = b
    peak = max(range(low, high + 1), key=shape.log_term)
    floor = shape.log_term(peak) - (bits + 16) * math.log(2) - math.log(shape.m + 1)
    # Left: P(C = k) increases up to the peak, and every k < k_lo is bounded by P(C < k_lo).
    left, right = 0, peak
    if shape.log_path(0) >= floor:
        k_lo = 0
    else:
        while right - left > 1:
            middle = (left + right) // 2
            left, right = (middle, right) if shape.log_path(middle) < floor else (left, middle)
        k_lo = left
    # Right: r A_(k+1) bounds every term beyond k, and A decreases in k.
    left, right = peak, top
    log_r = math.log(shape.r)
    if log_r + shape.log_reach(top) >= floor:
        return k_lo, peak, top
    while right - left > 1:
        middle = (left + right) // 2
        if log_r + shape.log_reach(middle + 1) < floor:
            right = middle
        else:
            left = middle
    return k_lo, peak, right


def enclose_worst_stage_failure(vocab_size: int, alpha: Fraction, samples: int,
                                bits: int = 64) -> tuple[Raw, Raw]:
    """HP2: `(low, high)` enclosing `1 - q(K-1)`, the failure of the worst stage, for any `m`.

    About `2^-bits` wide relative to it once the window's tails are negligible (the window
    widens until they are, at worst to every `k`), and as wide as the bounds on `1 - G_k`
    otherwise (tight when the failure is small, see the module text)."""
    m = samples
    if m == 0:
        return fone, fone  # no samples: the tie at 0 goes to token 0
    shape = _Shape(vocab_size, alpha, samples)
    k_lo, peak, k_hi = _window(shape, bits)
    top = m // 2
    if vocab_size == 2:
        k_hi = top  # one other token: it beats the path token for every k <= m/2
    while True:
        low, high, tails = _enclose_window(vocab_size, alpha, m, k_lo, k_hi, bits)
        negligible = mpf_cmp(mpf_mul(tails, from_int(1 << (bits + 8)), 64, round_ceiling),
                             low) <= 0
        if negligible or (k_lo == 0 and k_hi == top):
            return low, high
        k_lo = max(0, k_lo - (peak - k_lo) - 8)
        k_hi = min(top, k_hi + (k_hi - peak) + 8)


def _enclose_window(vocab_size: int, alpha: Fraction, m: int, k_lo: int, k_hi: int,
                    bits: int) -> tuple[Raw, Raw, Raw]:
    """`(low, high, tails)`: the sum over `k_lo <= k <= k_hi` enclosed, plus `tails` (the
    upper bound of everything outside, already included in `high`)."""
    r = vocab_size - 1
    assert r > 1 or k_hi == m // 2  # with r = 1 no right tail is bounded
    prec = bits + 2 * (k_hi - k_lo + 2).bit_length() + 24
    odds_num, odds_den = alpha.numerator, alpha.denominator - alpha.numerator  # alpha/(1-alpha)
    top = m // 2
    one: Pair = (fone, fone)
    # A_k for k = k_hi down to k_lo (none needed when r = 1: then 1 - G_k = 1 for k <= m/2).
    reach: list[Pair] = []
    tail_right = fzero
    if r > 1:
        p = Fraction(1, r)
        after = (fzero, fzero)  # A_(k_hi + 1)
        if k_hi < top:
            k = k_hi + 1
            n = m - k
            first = _binomial_pmf(n, k, p, prec)
            ratio = Fraction(n - k, (k + 1) * (r - 1))  # b(n, j+1)/b(n, j) <= ratio for j >= k
            after = (first[0], mpf_div(first[1], _raw(1 - ratio, prec, round_floor), prec,
                                       round_ceiling) if ratio < 1 else fone)
            tail_right = mpf_mul(after[1], from_int(r), prec, round_ceiling)
        k = k_hi
        if 2 * k == m:  # A_(m/2) = p^(m/2) exactly; the recurrence below needs m - 2k >= 1
            after = _add(after, _binomial_pmf(k, k, p, prec), prec)
            reach.append(after)
            k -= 1
        if k >= k_lo:
            step = _binomial_pmf(m - k - 1, k, p, prec)  # b(m-k-1, k)
        while k >= k_lo:
            # A_k = A_(k+1) + b(m-k-1, k) + p b(m-k-1, k-1)
            lower_term = _scale(step, k * (r - 1), (m - 2 * k) * r, prec)
            after = _add(_add(after, step, prec), lower_term, prec)
            reach.append(after)
            if k > k_lo:  # b(m-k, k-1) = b(m-k-1, k) k (m-k) (r-1)^2 / ((m-2k+1)(m-2k) r)
                step = _scale(step, k * (m - k) * (r - 1) ** 2, (m - 2 * k + 1) * (m - 2 * k) * r,
                              prec)
            k -= 1
        reach.reverse()
    path = _binomial_pmf(m, k_lo, alpha, prec)
    start = path
    total = (fzero, fzero)
    pairs = r * (r - 1) // 2
    for index, k in enumerate(range(k_lo, k_hi + 1)):
        if r == 1:
            share = one
        else:
            a_lo, a_hi = reach[index]
            high = _min(fone, mpf_mul(a_hi, from_int(r), prec, round_ceiling))
            if 3 * k > m:  # two tokens cannot both reach k in m-k < 2k samples: exactly r A_k
                share = (mpf_mul(a_lo, from_int(r), prec, round_floor), high)
                total = _add(total, _mul(path, share, prec), prec)
                path = _scale(path, (m - k) * odds_num, (k + 1) * odds_den, prec)
                continue
            low = _max(a_lo, mpf_sub(mpf_mul(a_lo, from_int(r), prec, round_floor),
                                     mpf_mul(from_int(pairs), mpf_mul(a_hi, a_hi, prec,
                                                                      round_ceiling),
                                             prec, round_ceiling), prec, round_floor))
            if mpf_cmp(high, _raw(Fraction(1, 1 << 20), prec, round_floor)) >= 0:
                complement = mpf_sub(fone, a_lo, prec, round_ceiling)
                low = _max(low, mpf_sub(fone, _power_up(complement, r, prec), prec,
                                        round_floor))
            share = (_max(low, fzero), high)
        total = _add(total, _mul(path, share, prec), prec)
        path = _scale(path, (m - k) * odds_num, (k + 1) * odds_den, prec)
    tail_left = fzero
    if k_lo > 0:
        ratio = Fraction(k_lo * odds_den, (m - k_lo + 1) * odds_num)  # P(C=k-1)/P(C=k), k <= k_lo
        tail_left = (mpf_mul(start[1], _raw(ratio / (1 - ratio), prec, round_ceiling), prec,
                             round_ceiling) if ratio < 1 else fone)
    tails = mpf_add(tail_left, tail_right, prec, round_ceiling)
    high = _min(fone, mpf_add(total[1], tails, prec, round_ceiling))
    return total[0], high, tails


def _raw(value: Fraction, prec: int, rounding: str) -> Raw:
    return mpf_div(from_int(value.numerator), from_int(value.denominator), prec, rounding)


EXACT_SAMPLES = 300
"""`enclose_HP2_worst` starts from the exact `q(K-1)` while `m` is at most this (the exact
count costs about `m^3 / 20` integer steps: 0.4 s at `m = 300` on a loaded 2-core machine)."""


def enclose_HP2_worst(family: HiddenPathFamily, samples: int, bits: int = 64
                      ) -> tuple[Interval, Interval]:
    """HP2: enclosures of CPS-Path's worst-case success `q(K-1)^H` and of its failure
    `1 - q(K-1)^H`, for any `m` and `H`: from the exact `q(K-1)` for small `m`, else from
    `enclose_worst_stage_failure`."""
    with precision(bits + 32):
        if samples <= EXACT_SAMPLES:
            stage = interval(1 - compute_plurality_win_worst(family, samples))
        else:
            low, high = enclose_worst_stage_failure(family.vocab_size, family.alpha, samples,
                                                    bits)
            stage = iv.mpf([mpmath.mp.make_mpf(low), mpmath.mp.make_mpf(high)])
        return stages(stage, family.horizon)


def stages(failure: Interval, horizon: int) -> tuple[Interval, Interval]:
    """`((1-f)^H, 1-(1-f)^H)` for `f` in the interval `failure`: `H` independent stages.

    The failure is `H f - C(H,2) f^2 <= 1-(1-f)^H <= H f` when `H f` is small (no
    cancellation), else one minus the success."""
    H = horizon
    unit = iv.mpf([0, 1])
    failure = _clip(failure, unit)
    upper = mpmath.mp.make_mpf(failure._mpi_[1])
    if upper < mpmath.mpf(1) / 2:
        success = iv.exp(H * log1p(-failure))
    else:
        success = _clip(1 - failure, unit) ** H
    if upper * H < mpmath.mpf(2) ** -20:
        lost = H * failure - iv.mpf(H) * (H - 1) / 2 * failure**2 * unit
    else:
        lost = 1 - success
    return _clip(success, unit), _clip(lost, unit)


def _clip(x: Interval, limits: Interval) -> Interval:
    low = max(mpmath.mp.make_mpf(x._mpi_[0]), mpmath.mp.make_mpf(limits._mpi_[0]))
    high = min(mpmath.mp.make_mpf(x._mpi_[1]), mpmath.mp.make_mpf(limits._mpi_[1]))
    return iv.mpf([low, high])
