"""HP2, beyond the paper: the adaptive learner's sequential test and its exact decision law.

At `zhat_<t` the adaptive learner (`genaccess.reference.adaptive_cps`, where the proof is)
samples until one token leads every other by `margin` counts (it is certified) or until
`cap` samples (the plurality is taken). `compute_adaptive_parameters` chooses the two
numbers for HP(K, H, alpha) and `delta`; `compute_sequential_decision_law` is the exact law
of one stage's decision, by a DP over count vectors.
"""

from __future__ import annotations

import math
from fractions import Fraction
from functools import cache

import attrs

from genaccess.spec.cps_success import compute_cps_m
from genaccess.spec.distribution import Distribution
from genaccess.spec.hidden_path import HiddenPathFamily
from genaccess.spec.numbers import check_open_unit, int_at_least


@attrs.frozen
class SequentialTest:
    """Stage rule of the adaptive learner: sample until one token leads every other by
    `margin` counts (certify it), or until `cap` samples (take the plurality)."""

    margin: int = attrs.field(validator=int_at_least(1))
    cap: int = attrs.field(validator=int_at_least(1))


def compute_adaptive_parameters(family: HiddenPathFamily, delta: object) -> SequentialTest:
    """HP2 (adaptive): `margin` = least `c` with `(K-1)(beta/alpha)^c <= delta/(2H)`, and
    `cap` = `compute_cps_m` at `delta/2` (so `(K-1) exp(-cap Delta^2/2) <= delta/(2H)`).

    The proof that the stage error is then `<= delta/H` is in
    `genaccess.reference.adaptive_cps`.
    """
    d = check_open_unit(delta, "delta")
    K, H = family.vocab_size, family.horizon
    ratio = family.off_path / family.alpha
    c = 1
    while (K - 1) * ratio**c > d / (2 * H):
        c += 1
    return SequentialTest(c, compute_cps_m(family, d / 2))


def sequential_decision(counts: tuple[int, ...], test: SequentialTest) -> int | None:
    """The token the test decides on with these counts, or `None` to keep sampling."""
    top = max(counts)
    leader = counts.index(top)  # the lowest index among the most frequent
    runner_up = max(c for b, c in enumerate(counts) if b != leader)
    if top - runner_up >= test.margin:
        return leader
    if sum(counts) >= test.cap:
        return leader  # plurality, ties to the lower index
    return None


def compute_sequential_decision_law(stage: Distribution, test: SequentialTest
                                    ) -> tuple[dict[int, Fraction], Fraction]:
    """HP2 (adaptive): the exact law of the decided token and the expected number of samples
    of one stage run with i.i.d. samples from `stage`. A DP over count vectors."""
    decided, expected = _decision_law(stage.probs, test)
    return dict(decided), expected


@cache
def _decision_law(probs: tuple[Fraction, ...], test: SequentialTest
                  ) -> tuple[tuple[tuple[int, Fraction], ...], Fraction]:
    # Integer weights: after n samples a count vector's mass is its weight over `den^n`.
    K = len(probs)
    den = math.lcm(*(p.denominator for p in probs))
    steps = [(a, int(p * den)) for a, p in enumerate(probs) if p]
    live: dict[tuple[int, ...], int] = {tuple([0] * K): 1}
    decided = [0] * K  # over den^n after n samples, rescaled as n grows
    alive = 0  # sum_{k<n} P(tau > k), over den^(n-1)
    n = 0
    while live:
        alive = alive * den + sum(live.values())
        decided = [w * den for w in decided]
        nxt: dict[tuple[int, ...], int] = {}
        for counts, weight in live.items():
            for a, p in steps:
                new = (*counts[:a], counts[a] + 1, *counts[a + 1:])
                choice = sequential_decision(new, test)
                if choice is None:
                    nxt[new] = nxt.get(new, 0) + weight * p
                else:
                    decided[choice] += weight * p
        live = nxt
        n += 1
    law = tuple((a, Fraction(w, den**n)) for a, w in enumerate(decided) if w)
    return law, Fraction(alive, den ** (n - 1))


def is_HP2_adaptive_stage_error(family: HiddenPathFamily, delta: object) -> bool:
    """HP2 (adaptive): at an on-path prefix, for every path token, the test of
    `compute_adaptive_parameters` decides a wrong token with probability `<= delta/H`."""
    d = check_open_unit(delta, "delta")
    test = compute_adaptive_parameters(family, d)
    for a in range(family.vocab_size):
        law, _ = compute_sequential_decision_law(family.stage(a), test)
        if 1 - law.get(a, Fraction(0)) > d / family.horizon:
            return False
    return True
