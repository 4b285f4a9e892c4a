"""The probe: what a fixed target costs each access model, predicted from the model's own
exact next-token laws along it (docs/transformers.md, "genaccess probe").

A target `z = (z_1..z_n)` is scored after a prompt `P`: at depth `t` the stage is
`pi(.|P z_<t)`, `p_t = pi(z_t|P z_<t)`, and the cumulative reach is
`rho_t = prod_{s<=t} p_s` (R2's reach of the prefix `z_<=t`). A rollout *hits* `z` when its
first `n` tokens are `z`; several targets stand for a reward accepting any of them.

Every prediction below is a function of the exact stages alone (`DepthProfile`,
`TargetProfile`), exact integers or rationals, or a rigorous enclosure where a logarithm
makes the value irrational. They assume the target is fixed in advance, and (for the prefix
walks) a learner that knows it and walks towards it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction

import attrs
from mpmath import iv

from genaccess.spec.cps_success import compute_cps_m
from genaccess.spec.distribution import Distribution
from genaccess.spec.errors import InvalidDefinition
from genaccess.spec.intervals import MAX_BITS, Interval, bounds, ceiling, interval, log1p, precision
from genaccess.spec.numbers import check_open_unit, int_at_least
from genaccess.spec.planted import adaptive_family, cps_family
from genaccess.spec.sequential_test import SequentialTest, compute_adaptive_parameters


@attrs.frozen
class DepthProfile:
    """One depth of a target: the token `z_t`, its exact `p_t`, its rank (1 = most likely,
    ties to the lower index, as `Distribution.ranking`), and the strongest other token
    (`rival`, ties to the lower index) with its probability."""

    token: int = attrs.field(validator=int_at_least(0))
    probability: Fraction
    rank: int = attrs.field(validator=int_at_least(1))
    rival: int = attrs.field(validator=int_at_least(0))
    rival_probability: Fraction

    @property
    def margin(self) -> Fraction:
        """`Delta_t = p_t - max_{b != z_t} pi(b|P z_<t)` (negative when `z_t` is beaten)."""
        return self.probability - self.rival_probability

    @property
    def ratio(self) -> Fraction | None:
        """`max_{b != z_t} pi(b) / p_t`, the Ville ratio of PLANTED1 (ii); `None` if `p_t = 0`."""
        return self.rival_probability / self.probability if self.probability else None

    @property
    def is_top1(self) -> bool:
        """`z_t` is the argmax (ties to the lower index): what a `top1` report shows."""
        return self.rank == 1

    def in_top(self, k: int) -> bool:
        """`z_t` is among the `k` tokens a `topk(k)` report shows."""
        return self.rank <= k


def depth_profile(stage: Distribution, token: int) -> DepthProfile:
    """The `DepthProfile` of `token` in `stage`, in one pass over the integer weights."""
    if isinstance(token, bool) or not isinstance(token, int) or not (
            0 <= token < stage.vocab_size):
        raise InvalidDefinition("token", f"must be a token ID 0..{stage.vocab_size - 1}", token)
    weights = stage.weights
    w = weights[token]
    rank = 1 + sum(1 for v in weights if v > w) + sum(1 for v in weights[:token] if v == w)
    rival = next(b for b, _ in stage.top(2) if b != token)
    return DepthProfile(token, stage[token], rank, rival, stage[rival])


def _cumulative(depths: tuple[DepthProfile, ...]) -> tuple[Fraction, ...]:
    reach, out = Fraction(1), []
    for d in depths:
        reach *= d.probability
        out.append(reach)
    return tuple(out)


@attrs.frozen
class TargetProfile:
    """A target `z` scored depth by depth; `reach[t-1] = rho_t = prod_{s<=t} p_s`."""

    tokens: tuple[int, ...]
    vocab_size: int = attrs.field(validator=int_at_least(2))
    depths: tuple[DepthProfile, ...]
    reach: tuple[Fraction, ...] = attrs.field(init=False)

    @reach.default
    def _reach(self) -> tuple[Fraction, ...]:
        return _cumulative(self.depths)

    def __attrs_post_init__(self) -> None:
        if not self.tokens:
            raise InvalidDefinition("target", "must hold at least one token", self.tokens)
        if tuple(d.token for d in self.depths) != self.tokens:
            raise InvalidDefinition("depths", "must score the target's tokens in order",
                                    len(self.depths))

    @property
    def length(self) -> int:
        return len(self.tokens)

    @property
    def rho(self) -> Fraction:
        """`rho(z) = prod_t p_t`: the chance that one rollout hits `z`."""
        return self.reach[-1]


def minimal_targets(targets: Sequence[Sequence[int]]) -> tuple[tuple[int, ...], ...]:
    """The distinct targets no other target is a proper prefix of, in first-seen order.

    A rollout hits `z` when it starts with `z`, so hitting a longer `z'` that extends `z`
    already hits `z`: only these targets decide whether the reward accepts a rollout."""
    distinct = list(dict.fromkeys(tuple(z) for z in targets))
    return tuple(z for z in distinct
                 if not any(len(y) < len(z) and z[:len(y)] == y for y in distinct))


def compute_set_reach(profiles: Sequence[TargetProfile]) -> Fraction:
    """R2: `rho(Z) = P(a rollout hits some z in Z) = sum_{z in min(Z)} rho(z)`.

    The events "starts with `z`" for targets none of which is a prefix of another are
    disjoint (two such targets differ at some depth both reach), and a target extending
    another adds no rollout (`minimal_targets`), so the sum runs over those only."""
    by_tokens = {p.tokens: p for p in profiles}
    return sum((by_tokens[z].rho for z in minimal_targets(list(by_tokens))), Fraction(0))


def _bits_below_one(rho: Fraction) -> int:
    """About `log2(1/rho)`, for sizing a precision."""
    return max(0, rho.denominator.bit_length() - rho.numerator.bit_length() + 1)


EXACT_POWER_BITS = 1 << 20
"""`(1 - rho)^T` is formed exactly only while it has at most about this many bits."""


def compute_least_rollouts(rho: Fraction, delta: Fraction) -> int | None:
    """R2: the least `T >= 1` with `(1 - rho)^T <= delta`, i.e. `T = ceil(ln delta / ln(1 -
    rho))`: the rollouts after which a root-start learner has seen an event of reach `rho`
    with probability `>= 1 - delta` (R2: `1 - (1-rho)^T` is that chance). An exact integer
    at any size (intervals narrowed until they decide it); `None` when `rho = 0` (never)."""
    rho = Fraction(rho)
    delta = check_open_unit(delta, "delta")
    if not 0 <= rho <= 1:
        raise InvalidDefinition("rho", "must be a probability", str(rho))
    if rho == 0:
        return None
    if 1 - rho <= delta:
        return 1
    # T ~ ln(1/delta) / rho: log2(T) + 64 bits decide it; the doubling stops past that.
    needed = _bits_below_one(rho) + _bits_below_one(delta).bit_length() + 128
    max_bits = max(MAX_BITS, 1 << (2 * needed).bit_length())

    def x() -> Interval:
        return iv.log(interval(delta)) / log1p(-interval(rho))

    try:
        return ceiling(x, max_bits)
    except ArithmeticError:
        pass  # x is an integer n, or too close to one: decide (1-rho)^n <= delta exactly
    with precision(max_bits):
        low, high = bounds(x())
    n = round((low + high) / 2)
    size = n * max(rho.denominator.bit_length(), 1)
    if size > EXACT_POWER_BITS:
        raise ArithmeticError(f"cannot decide the least T near {n}")
    return n if (1 - rho) ** n <= delta else n + 1


@attrs.frozen
class WalkCost:
    """The known-target sample walk: `per_depth[t-1]` samples at `z_<t` (`None` where
    `p_t = 0`), their total `queries`, and the expected total `sum_t 1/p_t`."""

    per_depth: tuple[int | None, ...]
    expected: Fraction | None

    @property
    def queries(self) -> int | None:
        return None if None in self.per_depth else sum(n for n in self.per_depth if n)

    @property
    def failing_depths(self) -> tuple[int, ...]:
        return tuple(t + 1 for t, n in enumerate(self.per_depth) if n is None)


def compute_walk_cost(profile: TargetProfile, delta: object) -> WalkCost:
    """LR, R2 per depth: local-reset `sample` queries at `z_<t` until `z_t` appears, then on
    to `z_<=t` (now built). With `n_t = ceil(ln(delta/n) / ln(1 - p_t))` samples at depth
    `t` (`compute_least_rollouts(p_t, delta/n)`), each depth fails with probability
    `<= delta/n`, so `N = sum_t n_t` samples walk the whole target with probability
    `>= 1 - delta` (union bound); the expected number is `sum_t 1/p_t` (geometric)."""
    d = check_open_unit(delta, "delta")
    share = d / profile.length
    per_depth = tuple(compute_least_rollouts(s.probability, share) for s in profile.depths)
    expected = None if None in per_depth else sum(
        (1 / s.probability for s in profile.depths), Fraction(0))
    return WalkCost(per_depth, expected)


@attrs.frozen
class PluralityCost:
    """CPS-Path or the adaptive learner on a target: `queries` (`None` where some depth
    does not have `z_t` as its strict plurality winner, listed in `failing_depths`),
    `samples` per depth (CPS-Path's `m`; the adaptive learner's cap), and for the adaptive
    learner its lead test and an upper bound on its expected queries."""

    queries: int | None
    samples: int | None = None
    failing_depths: tuple[int, ...] = ()
    test: SequentialTest | None = None
    expected_at_most: Fraction | None = None
    note: str = ""


def losing_depths(profile: TargetProfile) -> tuple[int, ...]:
    """The depths (1-based) where `z_t` is not the strict plurality winner (`Delta_t <= 0`)."""
    return tuple(t + 1 for t, s in enumerate(profile.depths) if s.margin <= 0)


def compute_cps_cost(profile: TargetProfile, delta: object) -> PluralityCost:
    """PLANTED1 (HP2's Hoeffding step with the model's margins): CPS-Path's plurality of
    `m` samples at `z_<t` is wrong with probability `<= (K-1) exp(-m Delta_t^2 / 2)`, so
    `m = ceil((2 / Delta^2) ln(n (K-1) / delta))` with `Delta = min_t Delta_t > 0` (HP2's `m`
    for the HP family of margin `Delta`, `cps_family(K, n, (1 + Delta)/2)`) walks `z` with
    probability `>= 1 - delta` in `n m` queries. `Delta = 1` (every stage a point mass on
    `z_t`): `m = 1`, exactly right."""
    d = check_open_unit(delta, "delta")
    failing = losing_depths(profile)
    if failing:
        return PluralityCost(None, failing_depths=failing)
    n, K = profile.length, profile.vocab_size
    margin = min(s.margin for s in profile.depths)
    m = 1 if margin == 1 else compute_cps_m(cps_family(K, n, (1 + margin) / 2), d)
    return PluralityCost(n * m, m)


ADAPTIVE_LEAD_LIMIT = 1_000
"""The adaptive learner's lead `c` is computed (a loop over powers of the ratio) only while
about `ln(2n(K-1)/delta) / ln(1/r)` is at most this; beyond it (a plurality won by a hair at
some depth) the prediction says so instead of computing for minutes."""


def compute_adaptive_cost(profile: TargetProfile, delta: object) -> PluralityCost:
    """PLANTED1 (the adaptive learner's lead test with the model's own ratios): with
    `r = max_t max_{b != z_t} p(b)/p_t < 1` the stage laws satisfy `p(b)/p(a) <= r` and have
    margin `>= alpha'(1 - r)` (`p_t >= alpha' = 1/(1 + (K-1) r)` since the stage sums to 1),
    so the test of `compute_adaptive_parameters(adaptive_family(K, n, 1/(1+r)), delta)` (lead
    `c`, cap) walks `z` with probability `>= 1 - delta` in at most `n cap` queries.

    Expected queries `<= sum_t min(cap, c / (2 p_t - 1)) + cap delta (n - 1) / 2` (a term
    `cap` where `p_t <= 1/2`): on the path, the test has certified `z_t` by the time `z_t`'s
    count leads the sum of all other counts by `c`, a +-1 walk with drift `2 p_t - 1` that
    gets there in `c / (2 p_t - 1)` steps on average (Wald); stage `t` is off the path only
    if an earlier stage erred (probability `<= (t - 1) delta / n`), and then costs at most
    `cap`. `r = 0`: one sample per depth."""
    d = check_open_unit(delta, "delta")
    failing = losing_depths(profile)
    if failing:
        return PluralityCost(None, failing_depths=failing)
    n, K = profile.length, profile.vocab_size
    ratios = [s.ratio for s in profile.depths]
    r = max(x for x in ratios if x is not None)
    if r == 0:
        return PluralityCost(n, 1, test=SequentialTest(1, 1), expected_at_most=Fraction(n))
    lead = math.log(2 * n * (K - 1) / float(d)) / -math.log(float(r)) if float(r) < 1 else (
        math.inf)
    if lead > ADAPTIVE_LEAD_LIMIT:
        return PluralityCost(None, note=f"lead test of about {lead:.3g} counts per depth "
                             f"(ratio r = {float(r):.6g} from a depth won by a hair); "
                             f"not computed beyond {ADAPTIVE_LEAD_LIMIT:,}")
    test = compute_adaptive_parameters(adaptive_family(K, n, 1 / (1 + r)), d)
    expected = sum((min(Fraction(test.cap), Fraction(test.margin) / (2 * s.probability - 1))
                    if 2 * s.probability > 1 else Fraction(test.cap)
                    for s in profile.depths), Fraction(0)) + test.cap * d * (n - 1) / 2
    return PluralityCost(n * test.cap, test.cap, test=test, expected_at_most=expected)


@attrs.frozen
class TopCost:
    """A one-query-per-depth walk with `topk(k)` reports (`k = None`: `full`): `n` queries
    when every `z_t` is shown, else `None` and the depths where it is not."""

    queries: int | None
    failing_depths: tuple[int, ...]


def compute_top_cost(profile: TargetProfile, k: int | None) -> TopCost:
    """HP3 (with LT3 for top-k): under local reset a depth is walked by one query at `z_<t`
    exactly when its report shows `z_t` (only then is `z_<=t` built): `full` shows every
    token of positive probability, `topk(k)` the `k` most likely (ties to the lower index),
    `top1` the argmax. So `n` queries when every depth shows `z_t`; never otherwise, since
    a `top1`/`topk` report at a prefix is always the same."""
    failing = tuple(t + 1 for t, s in enumerate(profile.depths)
                    if (s.probability == 0 if k is None else not s.in_top(k)))
    return TopCost(None if failing else profile.length, failing)


@attrs.frozen
class UnseenGap:
    """GAP's statement for a target set of reach `rho` (see `compute_unseen_gap`)."""

    rho: Fraction
    target_mass: Fraction
    """`pstar(Z) = 1/(2 - rho)` at `beta_rho`."""
    lower_bound: Fraction
    """`2 (pstar(Z) - rho)^2 <= SubOpt(pi) / beta_rho`."""
    value: tuple[Fraction, Fraction]
    """A rigorous enclosure of `SubOpt(pi) / beta_rho = ln(2 - rho) - rho ln(1/rho)`."""
    beta: tuple[Fraction, Fraction]
    """A rigorous enclosure of `beta_rho = 1 / ln(1/rho)`."""


def compute_unseen_gap(rho: Fraction) -> UnseenGap | None:
    """GAP (with KL1, KL3) for reward `r(y) = 1[y hits Z]`, reference `pi` (the model after
    the prompt) and `beta_rho = 1/ln(1/rho)`, the analogue of `beta_H` (`e^(1/beta) = 1/rho`,
    as `alpha^-H` on the hidden path): the optimum puts `pstar(Z) = 1/(2 - rho) >= 1/2` on
    the targets (KL3). A KL-regularised learner that has not seen a target has seen reward
    0 only, and the optimum for those rewards is `pi` itself, so it stays at `pi`, whose
    `SubOpt(pi)/beta = KL(pi || pstar) = ln(2 - rho) - rho ln(1/rho)` is at least
    `2 (pstar(Z) - rho)^2` (KL1's Pinsker and `TV >= pstar(Z) - pi(Z)`, GAP (a)'s chain).
    `None` when `rho` is 0 or 1 (no target reachable, or nothing to learn)."""
    rho = Fraction(rho)
    if not 0 < rho < 1:
        return None
    mass = 1 / (2 - rho)
    with precision(128):
        log_inverse = -iv.log(interval(rho))
        value = bounds(iv.log(interval(2 - rho)) - interval(rho) * log_inverse)
        beta = bounds(1 / log_inverse)
    return UnseenGap(rho, mass, 2 * (mass - rho) ** 2, value, beta)


def compute_access_ratio(root_start: int | None, prefix: int | None) -> Fraction | None:
    """The headline: root-start rollouts over prefix-access queries for the same `delta`
    (`None` if either cannot reach the target)."""
    if root_start is None or prefix is None:
        return None
    return Fraction(root_start, prefix)


def log10_of(value: Fraction | int) -> float:
    """A float rendering of `log10(value)` for an exact positive value of any size (`-inf`
    at 0): for plots and text only, never for a decision."""
    v = Fraction(value)
    if v <= 0:
        return -math.inf
    return math.log10(v.numerator) - math.log10(v.denominator)
