"""PLANTED1: a hidden path planted in any generator, so a real model becomes a test bed.

For a base generator `q`, a path `z in V^H` and a tilt `alpha in (1/2, 1)`, the planted
generator `p` is
    `p(.|u) = alpha * 1[. = z_t] + (1 - alpha) * q(.|u)`   at the on-path prefix `u = z_<t`,
    `p(.|u) = q(.|u)`                                      at every other prefix.
Everything off the path is the base model's own; on the path the informative token is known.

Stage dominance (the fact the learners need). At `u = z_<t`, with `a = z_t` and any `b != a`:
    (i)  `p(a) - p(b) >= 2 alpha - 1`,        (ii) `alpha * p(b) <= (1 - alpha) * p(a)`.
Proof. `p(a) = alpha + (1-alpha) q(a) >= alpha` and `p(b) = (1-alpha) q(b) <= (1-alpha)(1-q(a))`.
(i): `p(a) - p(b) >= 2 alpha - 1 + 2 (1-alpha) q(a) >= 2 alpha - 1`. (ii): `alpha p(b) <=
alpha (1-alpha) <= (1-alpha) p(a)`. QED.

Consequences, for every base generator:
- CPS-Path (HP2): the plurality of `m` samples is wrong with probability at most
  `(K-1) exp(-m (2 alpha - 1)^2 / 2)` per stage (Hoeffding on `N_b - N_a`, whose mean is
  `-(p(a) - p(b)) <= -(2 alpha - 1)` by (i)), so HP2's `m` for the margin `2 alpha - 1`
  (`cps_family`, the HP family with that margin) gives success `>= 1 - delta`.
- The adaptive learner, run with the `alpha'` of `adaptive_family`
  (`beta'/alpha' = (1-alpha)/alpha`, margin `<= 2 alpha - 1`): its Ville argument needs
  `p(b)/p(a) <= beta'/alpha'`, which is (ii), and its fallback needs the margin, which is (i).
- `full`/`top1` at chosen prefixes: `p(a) >= alpha > 1/2 > p(b)`, so the argmax is `z_t`.
- Root-start: `compute_root_start_walk_bound` bounds the success of the walk learner
  (`genaccess.reference.planted_root_start`) from the on-path reach probabilities alone.
"""

from __future__ import annotations

import itertools
import math
import operator
from collections.abc import Sequence
from fractions import Fraction

import attrs

from genaccess.spec.cps_success import compute_plurality_win_probability
from genaccess.spec.distribution import Distribution
from genaccess.spec.errors import InvalidDefinition
from genaccess.spec.generator import Generator, forward_tokens_of
from genaccess.spec.hidden_path import HiddenPathFamily
from genaccess.spec.numbers import to_alpha
from genaccess.spec.prefix import Prefix, Response, all_prefixes, check_response


def _to_alpha(value: object) -> Fraction:
    alpha = to_alpha(value)
    if not Fraction(1, 2) < alpha < 1:
        raise InvalidDefinition("alpha", "the planted tilt must be strictly between 1/2 and 1",
                                str(alpha))
    return alpha


def planted_stage(base: Distribution, token: int, alpha: Fraction) -> Distribution:
    """`alpha * 1[. = token] + (1 - alpha) * q`: the planted distribution at an on-path prefix.

    In integers, so a stage costs `K` integer products, not `K` Fractions: with
    `q_b = w_b / W` and `alpha = n / d`, `p_b = ((d - n) w_b + n W 1[b = token]) / (d W)`.

    The common factor `c` of those weights is divided out here, where it is cheap: it
    divides `(d - n) g` with `g` the gcd of the other `w_b` (almost always 1), so when `c`
    divides `d - n` every other weight is `w_b` times `(d - n) / c`."""
    n, d = alpha.numerator, alpha.denominator
    w, W = base.weights, base.denominator
    top = (d - n) * w[token] + n * W
    others = math.gcd(*w[:token], *w[token + 1:])  # stops looking once it is 1
    common = math.gcd((d - n) * others, top)
    factor, scale = ((d - n) // common, common) if (d - n) % common == 0 else (d - n, 1)
    weights = list(map(operator.mul, itertools.repeat(factor, len(w)), w))
    weights[token] = top // scale
    return Distribution.from_weights(weights, d * W // scale)


@attrs.define(eq=False)
class PlantedRule:
    """PLANTED1: `p(.|u)` of the planted generator; reads the base only through its rule.

    Every call asks the base, so the base's own cost model (a cache, or none) is what the
    oracle meters; the mixture is reused only while the base returns the very same
    distribution object (a cached one)."""

    base: Generator
    path: Response
    alpha: Fraction
    _stages: dict[Prefix, tuple[Distribution, Distribution]] = attrs.field(factory=dict,
                                                                          init=False)

    @property
    def forward_tokens(self) -> int | None:
        """The base's metered model positions (the tilt itself costs none)."""
        return forward_tokens_of(self.base)

    def __call__(self, prefix: Prefix) -> Distribution:
        # A rule is called by its generator with a checked prefix, and the base has the same
        # K and H: the base need not check it again.
        depth = len(prefix)
        q = self.base._next_token_trusted(prefix)
        if prefix != self.path[:depth]:
            return q
        memo = self._stages.get(prefix)
        if memo is not None and memo[0] is q:
            return memo[1]
        stage = planted_stage(q, self.path[depth], self.alpha)
        self._stages[prefix] = (q, stage)
        return stage


def planted_generator(base: Generator, path: object, alpha: object) -> Generator:
    """PLANTED1: the base generator with the hidden path `z` planted at tilt `alpha`."""
    if not isinstance(base, Generator):
        raise InvalidDefinition("base", "must be a Generator", type(base).__name__)
    z = check_response(path, base.vocab_size, base.horizon)
    rule = PlantedRule(base, z, _to_alpha(alpha))
    return Generator.from_rule(base.vocab_size, base.horizon, rule)


def extreme_stages(vocab_size: int) -> list[Distribution]:
    """PLANTED1's worst base stages: the point masses (they make the planted margin
    smallest) and the uniform stage."""
    return [Distribution.point(vocab_size, b) for b in range(vocab_size)] + [
        Distribution.uniform(vocab_size)]


def extreme_bases(vocab_size: int, horizon: int) -> list[Generator]:
    """Every table generator whose stage at each prefix is an extreme stage."""
    prefixes = list(all_prefixes(vocab_size, horizon))
    stages = extreme_stages(vocab_size)
    return [Generator.from_table(vocab_size, horizon, dict(zip(prefixes, choice, strict=True)))
            for choice in itertools.product(stages, repeat=len(prefixes))]


def cps_family(vocab_size: int, horizon: int, alpha: object) -> HiddenPathFamily:
    """The HP family whose margin is the planted margin `2 alpha - 1`:
    `alpha_h = ((2 alpha - 1)(K - 1) + 1) / K`. HP2's `m` for it is CPS-Path's `m` here."""
    a = _to_alpha(alpha)
    K = vocab_size
    return HiddenPathFamily(K, horizon, ((2 * a - 1) * (K - 1) + 1) / K)


def adaptive_family(vocab_size: int, horizon: int, alpha: object) -> HiddenPathFamily:
    """The HP family the adaptive learner is run with on a planted generator:
    `alpha' = alpha / (alpha + (K-1)(1-alpha))`, so `beta'/alpha' = (1-alpha)/alpha` and its
    margin `alpha' (2 alpha - 1) / alpha` is at most `2 alpha - 1`."""
    a = _to_alpha(alpha)
    K = vocab_size
    return HiddenPathFamily(K, horizon, a / (a + (K - 1) * (1 - a)))


def is_planted_stage_dominant(stage: Distribution, token: int, alpha: object) -> bool:
    """PLANTED1 (i) and (ii) at one on-path stage: for every `b != a`,
    `p(a) - p(b) >= 2 alpha - 1` and `alpha p(b) <= (1 - alpha) p(a)`."""
    a = _to_alpha(alpha)
    pa = stage[token]
    return all(pa - pb >= 2 * a - 1 and a * pb <= (1 - a) * pa
               for b, pb in enumerate(stage) if b != token)


def is_PLANTED1(base: Generator, path: Sequence[int], alpha: object,
                off_path: Sequence[Prefix] | None = None) -> bool:
    """PLANTED1: every on-path stage of the planted generator is dominant, and it equals the
    base at the given off-path prefixes (`None`: at every prefix, for small instances)."""
    planted = planted_generator(base, path, alpha)
    z = tuple(path)
    for t in range(base.horizon):
        if not is_planted_stage_dominant(planted.next_token(z[:t]), z[t], alpha):
            return False
    others = off_path if off_path is not None else all_prefixes(base.vocab_size, base.horizon)
    return all(planted.next_token(u) == base.next_token(u)
               for u in others if tuple(u) != z[:len(u)])


def compute_cps_success(planted: Generator, path: Sequence[int], samples: int) -> Fraction:
    """PLANTED1: CPS-Path(m)'s exact success on a planted generator: `prod_t P(z_t wins at z_<t)`
    (the stages are independent given that the earlier ones were right)."""
    z = tuple(path)
    success = Fraction(1)
    for t in range(planted.horizon):
        success *= compute_plurality_win_probability(planted.next_token(z[:t]), samples, z[t])
    return success


def compute_on_path_reach(generator: Generator, path: Sequence[int]) -> tuple[Fraction, ...]:
    """PLANTED1: `(rho(z_<1), ..., rho(z_<=H))`: `rho_d` is the chance a rollout follows `z` for `d`
    tokens, `d = 0..H` (`H` next-token calls)."""
    z = tuple(path)
    reach = [Fraction(1)]
    for t in range(generator.horizon):
        reach.append(reach[-1] * generator.next_token(z[:t])[z[t]])
    return tuple(reach)


def compute_root_start_walk_bound(reach: Sequence[Fraction], vocab_size: int, queries: int
                                  ) -> Fraction:
    """PLANTED1 (root-start): the walk learner's success with `T` rollouts is at most
    `f(0) + sum_{d=1..H} min(1, T rho_d) (f(d) - f(d-1))`, `f(d) = K^-(H-d-1)^+`.

    Why: let `D` be the longest common prefix of any rollout with `z`; `P(D >= d) <= T rho_d`.
    A walk's tokens are a rollout's tokens up to one argmax, so a walk that is a prefix of `z`
    has length `<= D + 1`, and the rest of the output is uniform: success given `D` is at most
    `f(D)`, and `E[f(D)] = f(0) + sum_d P(D >= d)(f(d) - f(d-1))` (`f` is non-decreasing)."""
    H = len(reach) - 1
    K = vocab_size

    def f(d: int) -> Fraction:
        return Fraction(1, K ** max(0, H - d - 1))

    bound = f(0)
    for d in range(1, H + 1):
        bound += min(Fraction(1), queries * reach[d]) * (f(d) - f(d - 1))
    return bound
