"""HP2, beyond the paper: one stage of the adaptive learner, by a DP over the count profile.

At an on-path prefix with path token `a` the stage's samples are i.i.d.: `alpha` on `a`,
`beta` on each of the `K-1` other tokens. Those `K-1` tokens are exchangeable, and the
certification rules of `genaccess.spec.sequential_test` commute with permuting tokens, so
the law of (certified too early or not, who, when) depends only on the *profile*: the path
token's count and the sorted counts of the others. `compute_profile_law` runs that DP with
exact integer weights; it is the fast exact form of the count-vector DP
`compute_stage_law` (checked equal on small instances in tests/test_simulate_scale.py) and
lets the learner refine its threshold (`compute_posterior_parameters`).

Only certification is symmetric: the fallback at the cap breaks ties by token index, so the
profile DP reports the mass that reaches the cap without classifying it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction

import attrs

from genaccess.spec.hidden_path import HiddenPathFamily

Counts = tuple[int, ...]
Certify = Callable[[Counts], "int | None"]
"""The token a rule certifies on these counts (before any cap), or `None`."""
Threshold = Callable[[Counts], "Fraction | None"]
"""The least threshold at which these counts would be certified (`None`: not of interest)."""


@attrs.define
class Work:
    """A budget of DP state updates shared by several runs (`compute_profile_law` spends it
    and gives up when it runs out)."""

    left: int

    def spend(self, updates: int) -> bool:
        """Take `updates` from the budget; `False` if it does not have them."""
        self.left -= updates
        return self.left >= 0


@attrs.frozen
class ProfileLaw:
    """One stage run until certification or `cap` samples, the path token being token 0,
    followed for `samples` samples (all of them unless stopped early).

    `wrong` / `right`: P(a token other than / equal to the path token is certified within
    those samples); `undecided`: P(nothing is certified within them), which bounds what the
    rest can add to `wrong` (it is P(the cap is reached) when `complete`); `expected`: sum
    over `n < samples` of P(no certification in the first `n`), which is E[samples drawn]
    when `complete`; `thresholds`: the values of `threshold_of` (those not `None`) over the
    count profiles reached but not certified."""

    wrong: Fraction
    right: Fraction
    undecided: Fraction
    expected: Fraction
    samples: int
    complete: bool
    thresholds: frozenset[Fraction]


def compute_profile_law(family: HiddenPathFamily, certify: Certify, cap: int, *,
                        threshold_of: Threshold | None = None,
                        settle_within: Fraction | None = None,
                        give_up_above: Fraction | None = None,
                        work: Work | None = None,
                        truth_weight: Fraction | None = None) -> ProfileLaw | None:
    """HP2 (adaptive): the exact `ProfileLaw` of one stage of HP(K, H, alpha) under the
    certification rule `certify` with `cap` samples at most.

    Stops early once `wrong + undecided <= settle_within` (then the final `wrong` is at most
    that too); returns `None` (never an approximation) when `work` runs out (`K^2/3` units
    per profile left, about what its `K` moves of `K` counts cost), or as soon as `wrong`
    exceeds `give_up_above`. `truth_weight`
    replaces `alpha` (the others sharing the rest equally), e.g. `1/K` at an off-path prefix.
    """
    K = family.vocab_size
    alpha = family.alpha if truth_weight is None else truth_weight
    beta = (1 - alpha) / (K - 1)
    den = math.lcm(alpha.denominator, beta.denominator)
    truth, other = int(alpha * den), int(beta * den)
    # Profiles are kept relative (least count 0): both rules read only count differences,
    # so a profile's moves and verdicts are worked out once however many levels reach it.
    moves: dict[Counts, tuple[list[tuple[Counts, int]], int, int]] = {}
    probed: dict[Counts, Fraction | None] = {}
    live: dict[Counts, int] = {(0,) * K: 1}
    wrong = right = 0  # over den^n after n samples
    alive = 0  # sum_{j < n} P(tau > j), over den^(n-1)
    n = 0
    while live and n < cap:
        alive = alive * den + sum(live.values())
        wrong, right = wrong * den, right * den
        nxt: dict[Counts, int] = {}
        for counts, weight in live.items():
            if counts not in moves:
                moves[counts] = _moves(counts, truth, other, certify)
            onward, to_right, to_wrong = moves[counts]
            right += weight * to_right
            wrong += weight * to_wrong
            for new, w in onward:
                nxt[new] = nxt.get(new, 0) + weight * w
        if work is not None and not work.spend(len(live) * K * K // 3):
            return None
        live = nxt
        n += 1
        if threshold_of is not None:
            for counts in live:
                if counts not in probed:
                    probed[counts] = threshold_of(counts)
        scale = den**n
        if give_up_above is not None and Fraction(wrong, scale) > give_up_above:
            return None
        if settle_within is not None and Fraction(wrong + sum(live.values()), scale) <= (
                settle_within):
            break
    scale = den**n
    return ProfileLaw(Fraction(wrong, scale), Fraction(right, scale),
                      Fraction(sum(live.values()), scale),
                      Fraction(alive, den ** (n - 1)) if n else Fraction(0), n,
                      not live or n == cap,
                      frozenset(v for v in probed.values() if v is not None))


def _moves(counts: Counts, truth: int, other: int, certify: Certify
           ) -> tuple[list[tuple[Counts, int]], int, int]:
    """From this profile: the uncertified successors with their weights, and the weights
    of the samples that certify the path token and a wrong token."""
    onward: list[tuple[Counts, int]] = []
    right = wrong = 0
    for new, w in _successors(counts, truth, other):
        verdict = certify(new)
        if verdict is None:
            onward.append((new, w))
        elif verdict == 0:
            right += w
        else:
            wrong += w
    return onward, right, wrong


def _successors(counts: Counts, truth: int, other: int) -> list[tuple[Counts, int]]:
    """Relative count profiles one sample later, with their integer weights: index 0 is the
    path token, the rest are sorted in decreasing order (incrementing the first of equal
    counts keeps them sorted); the least count is brought back to 0."""
    out = [(_relative((counts[0] + 1, *counts[1:])), truth)]
    i, K = 1, len(counts)
    while i < K:
        value = counts[i]
        j = i
        while j < K and counts[j] == value:
            j += 1
        out.append((_relative((*counts[:i], value + 1, *counts[i + 1:])), other * (j - i)))
        i = j
    return out


def _relative(counts: Counts) -> Counts:
    low = min(counts)
    return tuple(c - low for c in counts) if low else counts
