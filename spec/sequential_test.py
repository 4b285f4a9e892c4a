"""HP2, beyond the paper: the stage tests of the adaptive learner and their exact laws.

At `zhat_<t` a stage test draws one-token samples until it *certifies* a token or reaches
`cap` samples (then it takes the plurality, ties to the lower index). Two certification
rules, both proved in `genaccess.reference.adaptive_cps`:

- `PosteriorTest` (the adaptive learner's, `compute_posterior_parameters`): certify `x`
  when its posterior odds under a uniform prior, `sum_{y != x} r^(N_x - N_y)` with
  `r = beta/alpha`, are at most `odds`. Its proof uses HP's symmetry.
- `SequentialTest` (`compute_adaptive_parameters`): certify a token that leads every other
  by `margin` counts. Its Ville argument needs only `p(b)/p(a) <= beta/alpha`, so it also
  serves stage laws dominated as in PLANTED1.

`compute_stage_law` is the exact law of one stage by a DP over count vectors (the
reference); `genaccess.spec.stage_profile` is its fast form over sorted count profiles.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from fractions import Fraction
from functools import cache, partial

import attrs
from mpmath import iv

from genaccess.spec.cps_success import compute_cps_m
from genaccess.spec.distribution import Distribution
from genaccess.spec.hidden_path import HiddenPathFamily
from genaccess.spec.intervals import Interval, interval
from genaccess.spec.numbers import check_open_unit, int_at_least
from genaccess.spec.stage_profile import ProfileLaw, Work, compute_profile_law


def _open_unit(value: object) -> Fraction:
    return check_open_unit(value, "odds or ratio")


@attrs.frozen
class SequentialTest:
    """Lead test: sample until one token leads every other by `margin` counts (certify it),
    or until `cap` samples (take the plurality)."""

    margin: int = attrs.field(validator=int_at_least(1))
    cap: int = attrs.field(validator=int_at_least(1))


@attrs.frozen
class PosteriorTest:
    """Posterior test: sample until some token `x` has `sum_{y != x} ratio^(N_x - N_y) <=
    odds` (certify it: its posterior under a uniform prior is `>= 1/(1 + odds)`), or until
    `cap` samples (take the plurality). `ratio = beta/alpha`."""

    ratio: Fraction = attrs.field(converter=_open_unit)
    odds: Fraction = attrs.field(converter=_open_unit)
    cap: int = attrs.field(validator=int_at_least(1))
    margin: int = attrs.field(init=False, eq=False, repr=False)
    """The least lead `c >= 1` with `ratio^c <= odds`: a certified token leads every other
    by at least this many counts."""

    @margin.default
    def _least_lead(self) -> int:
        c = 1
        while self.ratio**c > self.odds:
            c += 1
        return c


StageTest = SequentialTest | PosteriorTest

FALLBACK_SHARE = Fraction(1, 32)
"""The posterior test's split of the stage budget `delta/H`: this share for the fallback
at the cap, the rest for certification."""

MAX_ODDS = Fraction(31, 32)
"""The posterior threshold stays below 1, so a certified token leads every other strictly
(the rule commutes with permuting tokens); it binds only for `delta/H` above about 1/2."""

REFINE_UPDATES = 1_200_000
"""Profile-DP state updates allowed for one refinement, all its DP runs together (a second
or two); when they run out the best threshold bounded so far is kept."""


def compute_adaptive_parameters(family: HiddenPathFamily, delta: object) -> SequentialTest:
    """HP2 (adaptive, lead test): `margin` = least `c` with `(K-1)(beta/alpha)^c <=
    delta/(2H)`, and `cap` = `compute_cps_m` at `delta/2` (so `(K-1) exp(-cap Delta^2/2) <=
    delta/(2H)`). Each stage then errs with probability `<= delta/H` for every stage law
    with `p(b)/p(a) <= beta/alpha` and margin `>= Delta` (proof in
    `genaccess.reference.adaptive_cps`); PLANTED1 runs this test.
    """
    d = check_open_unit(delta, "delta")
    K, H = family.vocab_size, family.horizon
    ratio = family.off_path / family.alpha
    c = 1
    while (K - 1) * ratio**c > d / (2 * H):
        c += 1
    return SequentialTest(c, compute_cps_m(family, d / 2))


def compute_posterior_parameters(family: HiddenPathFamily, delta: object) -> PosteriorTest:
    """HP2 (adaptive): the adaptive learner's test for HP(K, H, alpha) and `delta`.

    Stage budget `e = delta/H`, split as `e/32` for the fallback (`cap` = `compute_cps_m`
    at `delta/32`, so `(K-1) exp(-cap Delta^2/2) <= e/32`) and `e_c = 31 e/32` for
    certification. Threshold: `odds = e_c/(1 - e_c)` (then every certification is right
    with posterior `>= 1 - e_c`; at most `MAX_ODDS`); then, where the exact profile DP is small
    (`REFINE_UPDATES`), raised to the largest threshold found whose exact probability of
    certifying a wrong token is `<= e_c`.
    """
    d = check_open_unit(delta, "delta")
    stage = d / family.horizon
    certify = stage * (1 - FALLBACK_SHARE)
    cap = compute_cps_m(family, d * FALLBACK_SHARE)
    odds = min(certify / (1 - certify), MAX_ODDS)
    return _refined(family, PosteriorTest(family.off_path / family.alpha, odds, cap), certify)


@cache
def _refined(family: HiddenPathFamily, test: PosteriorTest, budget: Fraction
             ) -> PosteriorTest:
    # Candidates: the thresholds (up to `odds / ratio`) at which a count profile reached
    # under `test` would be certified. One is kept only if the profile DP bounds its wrong
    # certifications by `budget` (exactly, or by what is certified so far plus the mass
    # still undecided). A bisection: it presumes a larger threshold never certifies wrongly
    # less often, but only to be fast; every kept threshold was bounded itself.
    # The DP runs about `margin / Delta` levels of about that many profiles each.
    if family.vocab_size**2 * (test.margin / family.margin) ** 2 > 3 * REFINE_UPDATES:
        return test
    work = Work(REFINE_UPDATES)
    law = _profile(family, test, budget, work, probe=True)
    if law is None:
        return test
    candidates = sorted(v for v in law.thresholds
                        if test.odds < v <= test.odds / test.ratio and v <= MAX_ODDS)
    low, high = 0, len(candidates)
    while low < high:
        middle = (low + high) // 2
        candidate = attrs.evolve(test, odds=candidates[middle])
        result = _profile(family, candidate, budget, work, probe=False)
        if work.left < 0:
            break
        if result is not None and result.wrong + result.undecided <= budget:
            test, low = candidate, middle + 1
        else:
            high = middle
    return test


def _profile(family: HiddenPathFamily, test: PosteriorTest, budget: Fraction, work: Work,
             probe: bool) -> ProfileLaw | None:
    return compute_profile_law(family, partial(certified_token, test=test), test.cap,
                               threshold_of=_odds_probe(test) if probe else None,
                               settle_within=budget, give_up_above=budget, work=work)


def _odds_probe(test: PosteriorTest) -> Callable[[tuple[int, ...]], Fraction | None]:
    """The leader's posterior odds on counts whose leader leads by at least `margin - 1`
    (below that the odds exceed `ratio^(margin-2) > odds / ratio`, past every candidate)."""
    least = max(1, test.margin - 1)

    def odds(counts: tuple[int, ...]) -> Fraction | None:
        top = max(counts)
        leader = counts.index(top)
        others = counts[:leader] + counts[leader + 1:]
        if top - max(others) < least:
            return None
        return sum((test.ratio ** (top - c) for c in others), Fraction(0))

    return odds


def _odds_at_most(leads: Counter[int], ratio: Fraction, odds: Fraction) -> bool:
    # Integers only: with r = p/q and L the largest lead, sum p^l q^(L-l) <= odds q^L.
    p, q = ratio.numerator, ratio.denominator
    top = max(leads)
    total: int = sum(n * p**lead * q ** (top - lead) for lead, n in leads.items())
    scale: int = q**top
    return total * odds.denominator <= odds.numerator * scale


def certified_token(counts: tuple[int, ...], test: StageTest) -> int | None:
    """The token `test` certifies on these counts (the cap aside), or `None`."""
    top = max(counts)
    leader = counts.index(top)  # the lowest index among the most frequent
    others = counts[:leader] + counts[leader + 1:]
    if top - max(others) < test.margin:
        return None
    if isinstance(test, SequentialTest):
        return leader
    leads = Counter(top - c for c in others)
    return leader if _odds_at_most(leads, test.ratio, test.odds) else None


def sequential_decision(counts: tuple[int, ...], test: StageTest) -> int | None:
    """The token the test decides on with these counts, or `None` to keep sampling."""
    certified = certified_token(counts, test)
    if certified is not None:
        return certified
    if sum(counts) >= test.cap:
        return counts.index(max(counts))  # plurality, ties to the lower index
    return None


class StageTally:
    """HP2 (adaptive): `sequential_decision` on one stage's counts, kept up to date one
    sample at a time in O(1) integer operations per sample instead of a scan of `K` counts.

    Kept: the counts (a dict), the sample count `n`, the top count and its lowest token (the
    leader), the largest count among the other tokens and, for a `PosteriorTest` with
    `ratio = p/q`, the integer `V = sum_y p^(top - N_y) q^(N_y)` over all `K` tokens: the
    posterior odds are `sum_{y != leader} (p/q)^(top - N_y) = (V - q^top) / q^top`, so the
    test `odds <= o` is `_odds_at_most`'s, in integers. `add` returns what
    `sequential_decision(counts, test)` returns on the counts after the sample."""

    __slots__ = ("_counts", "_leader", "_n", "_p", "_powers", "_q", "_second", "_test",
                 "_top", "_v")

    def __init__(self, vocab_size: int, test: StageTest) -> None:
        self._test = test
        self._counts: dict[int, int] = {}
        self._n = 0
        self._top = 0
        self._leader = 0  # every count is 0: the lowest token leads
        self._second = 0
        self._p = self._q = 1
        self._v = vocab_size  # every term is p^0 q^0
        self._powers: list[tuple[int, int]] = [(1, 1)]  # (p^k, q^k), k = 0..top
        if isinstance(test, PosteriorTest):
            self._p, self._q = test.ratio.numerator, test.ratio.denominator

    def add(self, token: int) -> int | None:
        """Count one sample of `token`; the decision on the counts so far (`None`: sample
        on)."""
        test = self._test
        before = self._counts.get(token, 0)
        after = before + 1
        self._counts[token] = after
        self._n += 1
        top = self._top
        if after > top:  # the token was at the top: it leads alone, one count ahead
            if token != self._leader:
                self._second = top  # the former leader's count
                self._leader = token
            self._top = after
        elif after == top:  # a tie at the top: the lower token leads, the other follows
            self._leader = min(self._leader, token)
            self._second = top
        elif after > self._second:
            self._second = after
        if isinstance(test, PosteriorTest):
            self._update_odds(before, top)
        certified = self._leader if self._top - self._second >= test.margin else None
        if certified is not None and isinstance(test, PosteriorTest):
            q_top = self._powers[self._top][1]
            if (self._v - q_top) * test.odds.denominator > test.odds.numerator * q_top:
                certified = None
        if certified is not None:
            return certified
        if self._n >= test.cap:
            return self._leader  # the plurality, ties to the lower index
        return None

    def _update_odds(self, before: int, top: int) -> None:
        # One token's term p^(top - c) q^c moves from c = before to c = before + 1.
        p, q, powers = self._p, self._q, self._powers
        if before < top:
            p_k = powers[top - before - 1][0]
            self._v += p_k * powers[before][1] * (q - p)
            return
        # It passes the top: every other term gains a factor p, its own becomes q^(top+1).
        p_top, q_top = powers[top]
        powers.append((p_top * p, q_top * q))
        self._v = p * (self._v - q_top) + q_top * q


@attrs.frozen
class StageLaw:
    """One stage's exact law: `certified[x]` = P(x certified within the cap), `fallback[x]`
    = P(x taken as the plurality at the cap), `expected` = E[number of samples]."""

    certified: dict[int, Fraction]
    fallback: dict[int, Fraction]
    expected: Fraction

    def decided(self) -> dict[int, Fraction]:
        """The law of the decided token."""
        keys = set(self.certified) | set(self.fallback)
        return {a: self.certified.get(a, Fraction(0)) + self.fallback.get(a, Fraction(0))
                for a in sorted(keys)}


def compute_stage_law(stage: Distribution, test: StageTest) -> StageLaw:
    """HP2 (adaptive): the exact law of one stage run with i.i.d. samples from `stage`.
    A DP over count vectors through `certified_token` (whose verdict depends only on count
    differences, so it is asked once per difference vector) and, at the cap,
    `sequential_decision`."""
    certified, fallback, expected = _stage_law(stage.probs, test)
    return StageLaw(dict(certified), dict(fallback), expected)


def compute_sequential_decision_law(stage: Distribution, test: StageTest
                                    ) -> tuple[dict[int, Fraction], Fraction]:
    """HP2 (adaptive): the exact law of the decided token and the expected number of samples
    of one stage run with i.i.d. samples from `stage`."""
    law = compute_stage_law(stage, test)
    return law.decided(), law.expected


@cache
def _stage_law(probs: tuple[Fraction, ...], test: StageTest
               ) -> tuple[tuple[tuple[int, Fraction], ...], tuple[tuple[int, Fraction], ...],
                          Fraction]:
    # Integer weights: after n samples a count vector's mass is its weight over `den^n`.
    K = len(probs)
    den = math.lcm(*(p.denominator for p in probs))
    steps = [(a, int(p * den)) for a, p in enumerate(probs) if p]
    live: dict[tuple[int, ...], int] = {tuple([0] * K): 1}
    verdicts: dict[tuple[int, ...], int | None] = {}  # certification reads differences only
    certified = [0] * K  # over den^n after n samples, rescaled as n grows
    fallback = [0] * K
    alive = 0  # sum_{k<n} P(tau > k), over den^(n-1)
    n = 0
    while live:
        alive = alive * den + sum(live.values())
        certified = [w * den for w in certified]
        fallback = [w * den for w in fallback]
        nxt: dict[tuple[int, ...], int] = {}
        for counts, weight in live.items():
            for a, p in steps:
                new = (*counts[:a], counts[a] + 1, *counts[a + 1:])
                low = min(new)
                key = tuple(c - low for c in new)
                if key not in verdicts:
                    verdicts[key] = certified_token(new, test)
                choice = verdicts[key]
                if choice is not None:
                    certified[choice] += weight * p
                elif n + 1 < test.cap:
                    nxt[new] = nxt.get(new, 0) + weight * p
                else:
                    choice = sequential_decision(new, test)
                    assert choice is not None  # the cap is reached
                    fallback[choice] += weight * p
        live = nxt
        n += 1
    scale = den**n
    return (tuple((a, Fraction(w, scale)) for a, w in enumerate(certified) if w),
            tuple((a, Fraction(w, scale)) for a, w in enumerate(fallback) if w),
            Fraction(alive, den ** (n - 1)))


def is_HP2_adaptive_stage_error(family: HiddenPathFamily, delta: object) -> bool:
    """HP2 (adaptive): at an on-path prefix, for every path token, the adaptive learner's
    test (`compute_posterior_parameters`) decides a wrong token with probability
    `<= delta/H`."""
    d = check_open_unit(delta, "delta")
    test = compute_posterior_parameters(family, d)
    for a in range(family.vocab_size):
        law = compute_stage_law(family.stage(a), test).decided()
        if 1 - law.get(a, Fraction(0)) > d / family.horizon:
            return False
    return True


def compute_sequential_limit(family: HiddenPathFamily, delta: object) -> Interval:
    """HP2 (adaptive): the per-stage limit `H kl(e, 1-e) / KL(p_a || p_b)`, `e = delta/H`,
    as a rigorous enclosure: `kl(e, 1-e) = (1 - 2e) ln((1-e)/e)` and, for the stage laws of two path
    tokens `a != b` (they differ only on `a` and `b`), `KL(p_a || p_b) = (alpha - beta)
    ln(alpha/beta)`. No test that stops each stage with error `<= e` under every path token
    averages fewer samples per stage than `kl(e, 1-e) / KL(p_a || p_b)` (Wald)."""
    d = check_open_unit(delta, "delta")
    H = family.horizon
    e = interval(d / H)
    return (H * (1 - 2 * e) * iv.log((1 - e) / e)
            / (interval(family.margin) * iv.log(interval(family.alpha / family.off_path))))
