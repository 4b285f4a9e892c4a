"""HP2 (adaptive): the queries the adaptive learner's stage test costs on HP(K, H, alpha).

A stage at an on-path prefix draws i.i.d. samples from the path token's stage law until the
test decides; after a wrong decision every later prefix is off the path, where samples are
uniform. With `E_on` / `E_off` the exact expected samples of one stage under the two laws and
`s_t` the chance that stage `t` (path token `z_t`) decides right,

    E_z[queries] = sum_{t<H} (P_t E_on + (1 - P_t) E_off),   P_t = s_0 ... s_{t-1},

and at most `H * cap` queries on every run. `compute_profile_law`
(`genaccess.spec.stage_profile`) gives `E_on`, `E_off` exactly, and `s_t` up to the
fallback's tie-breaking at the cap (ties go to the lower index, so `s_t` depends on `z_t`
through that mass only): `1 - wrong - undecided <= s_t <= 1 - wrong`. `E_z` is linear in each
`P_t`, so evaluating it at both ends (in interval arithmetic, `H` may be large) encloses it
for EVERY hidden path `z`. Where the DP cannot follow a stage to the cap within its work
budget, it follows it as far as it can and the rest adds a tail bound (`_stage`); where it
cannot even start (large `K`, tiny `delta`) only the trivial enclosure is known: each stage
draws between `min(margin, cap)` samples (a certified token leads by `margin`) and `cap`.
"""

from __future__ import annotations

import math
from fractions import Fraction
from functools import partial

import attrs

from genaccess.spec.hidden_path import HiddenPathFamily
from genaccess.spec.intervals import Interval, bounds, expm1, interval, log1p, precision
from genaccess.spec.sequential_test import StageTest, certified_token
from genaccess.spec.stage_profile import Work, compute_profile_law

STAGE_UPDATES = 1_500_000
"""Profile-DP state updates allowed for each of the two stage laws (about a second)."""

FIRST_LEVELS = 32
"""The first truncation tried (then as far as the budget is predicted to allow)."""

BITS = 128
"""Working precision of the interval sum over the `H` stages."""


@attrs.frozen
class AdaptiveCost:
    """The adaptive learner's queries on HP(K, H, alpha) with stage test `test`.

    `on_path` = `(low, high)` around `H E_on`, the expected queries of `H` on-path stages
    (what the sequential limit bounds; `low == high` when exact); `expected` = `(low, high)`
    around `E_z[queries]` for every hidden path `z`; both exact rationals, the ends of
    rigorous enclosures. `worst` = `H * cap`, the most any run uses. `levels` = the samples
    per stage the DP followed (`cap`: whole stages; `0`: none, the trivial enclosure)."""

    on_path: tuple[Fraction, Fraction]
    expected: tuple[Fraction, Fraction]
    worst: int
    levels: int


@attrs.frozen
class _Stage:
    """One stage's enclosures: expected samples and chance of a wrong decision, from the
    DP followed for `levels` samples."""

    samples: tuple[Fraction, Fraction]
    wrong: tuple[Fraction, Fraction]
    levels: int


def compute_adaptive_cost(family: HiddenPathFamily, test: StageTest,
                          updates: int = STAGE_UPDATES) -> AdaptiveCost:
    """HP2 (adaptive): enclosures of the expected queries of the adaptive learner running
    `test` on HP(K, H, alpha), on the path and for every hidden path, and its most queries
    (module docstring); exact where the profile DP reaches the cap within `updates`."""
    H, cap = family.horizon, test.cap
    least = min(test.margin, cap)
    K = family.vocab_size
    # One profile's moves cost about K^2/3 updates, so the first run costs at least
    # `FIRST_LEVELS` times that: past the budget, not even it is tried.
    fits = updates >= min(cap, FIRST_LEVELS) * (K * K // 3)
    on = _on_path_stage(family, test, Work(updates)) if fits else None
    if on is None:
        trivial = (Fraction(H * least), Fraction(H * cap))
        return AdaptiveCost(trivial, trivial, H * cap, 0)
    # The uniform law has the same support, so the DP visits the same profiles: following
    # it as far as the on-path law costs what that did, within the same budget.
    off = _truncated(family, test, on.levels, Fraction(1, family.vocab_size), Work(updates))
    off_samples = (Fraction(least), Fraction(cap)) if off is None else off.samples
    # E_z grows with E_on and E_off, and is monotone in each P_t: its extremes over the box
    # are at the ends, every stage wrong as often as possible or as rarely.
    lows = [bounds(_expected(H, on.samples[0], off_samples[0], w))[0] for w in on.wrong]
    highs = [bounds(_expected(H, on.samples[1], off_samples[1], w))[1] for w in on.wrong]
    return AdaptiveCost((H * on.samples[0], H * on.samples[1]), (min(lows), max(highs)),
                        H * cap, on.levels if off is not None else 0)


def _on_path_stage(family: HiddenPathFamily, test: StageTest, work: Work) -> _Stage | None:
    """The on-path stage followed for the most samples the budget allows. The DP's profiles
    grow about like `L^(K-1)` with the samples `L`: from `FIRST_LEVELS`, each run goes as
    far as half of what is left is predicted to reach (a run that does not fit wastes what
    it spent), until the cap, a run that does not fit, or no progress."""
    best: _Stage | None = None
    levels = min(test.cap, FIRST_LEVELS)
    growth = family.vocab_size - 1
    while True:
        before = work.left
        stage = _truncated(family, test, levels, None, work)
        if stage is None:
            return best
        best = stage
        if stage.levels == test.cap:
            return best
        used = max(1, before - work.left)
        if work.left <= 0:
            return best
        if math.log(2 * used) + growth * math.log(test.cap / levels) <= math.log(work.left):
            reach = test.cap
        else:
            reach = int(levels * (work.left / (2 * used)) ** (1 / growth))
        if reach <= levels:
            return best
        levels = min(test.cap, reach)


def _truncated(family: HiddenPathFamily, test: StageTest, levels: int,
               truth_weight: Fraction | None, work: Work) -> _Stage | None:
    """One stage followed for `levels` samples: with `u = P(no certification yet)`, the
    expected samples lie in `[e_L, e_L + u (cap - L)]` (`e_L` = the first `L` terms of
    `sum_n P(tau > n)`, each later one at most `u`), and in `[min(margin, cap), cap]`; a
    wrong decision's chance in `[w_L, w_L + u]` (the rest certifies, or reaches the cap,
    either way)."""
    law = compute_profile_law(family, partial(certified_token, test=test), levels,
                              work=work, truth_weight=truth_weight)
    if law is None:
        return None
    done = law.undecided == 0 or law.samples == test.cap
    rest = 0 if done and law.undecided == 0 else test.cap - law.samples
    least = min(test.margin, test.cap)  # a stage never stops earlier
    return _Stage((max(law.expected, Fraction(least)),
                   min(law.expected + law.undecided * rest, Fraction(test.cap))),
                  (law.wrong, law.wrong + law.undecided), test.cap if done else law.samples)


def _expected(H: int, on: Fraction, off: Fraction, wrong: Fraction) -> Interval:
    """`sum_{t<H} (s^t on + (1 - s^t) off) = H off + (on - off) S` with `s = 1 - wrong`,
    `S = sum_{t<H} s^t = (1 - s^H) / wrong = -expm1(H log1p(-wrong)) / wrong` (`H` when
    `wrong = 0`), enclosed; written in `wrong` so that a tiny one loses nothing."""
    with precision(BITS):
        if wrong == 0:
            paths = interval(H)
        else:
            w = interval(wrong)
            paths = -expm1(H * log1p(-w)) / w
        return interval(H * off) + interval(on - off) * paths
