"""The hidden-path family HP(K, H, alpha) of THEORY.md section 4, and its exact closed forms.

For a hidden `z in V^H`, `pi_z` puts `alpha` on `z_t` at the on-path prefix `z_<t` and
`beta = (1-alpha)/(K-1)` on every other token there; every other prefix is uniform.
`Delta = alpha - beta` is the stage margin.

What is here, by claim:
- HP1 (root-start): `compute_HP1_success` (the closed form `S_T`), its corollary bounds, the
  brute-force Bayes-optimal success `compute_map_success` (from the oracle's own laws), and
  `compute_root_start_queries_needed` (least `T` with `S_T >= target`, for any `H`).
- HP2 (chosen-prefix sampling): `compute_plurality_win_probabilities` (`q(a)` by a count DP),
  `compute_HP2_success`, the failure bound `compute_HP2_failure_bound` and `compute_cps_m`;
  the sequential test of the adaptive learner (`compute_adaptive_parameters`,
  `compute_sequential_decision_law`).
- HP3 (full / top-1 at chosen prefixes): `compute_best_chosen_prefix_success`, the optimum
  over every adaptive learner with `T` queries, by a search over belief states.

Everything a predicate decides is exact (`Fraction`). Irrational quantities (`exp`, `ln`) are
enclosed in rigorous `mpmath.iv` intervals and compared through their endpoints, with the
precision raised until the comparison is decided.
"""

from __future__ import annotations

import contextlib
import itertools
import math
from collections.abc import Callable, Hashable, Iterator
from fractions import Fraction
from typing import Any

import attrs
import mpmath
from mpmath import iv

from genaccess.spec.access import AccessModel
from genaccess.spec.chance import Chooser, exact_law
from genaccess.spec.control import ArbitraryPrefix, Control
from genaccess.spec.distribution import Distribution
from genaccess.spec.errors import InvalidDefinition
from genaccess.spec.garbling import root_start_law
from genaccess.spec.generator import Generator
from genaccess.spec.local_reset import built_by
from genaccess.spec.numbers import to_fraction
from genaccess.spec.observation import ObservationType, Report
from genaccess.spec.oracle import Oracle
from genaccess.spec.prefix import Prefix, Response, all_prefixes, all_responses, check_response
from genaccess.spec.transcript import QueryRecord

# ---------------------------------------------------------------------------------------
# The family


def _check_vocab(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 2:
        raise InvalidDefinition("vocab_size", "K must be an integer >= 2", value)


def _check_horizon(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidDefinition("horizon", "H must be an integer >= 1", value)


def _to_alpha(value: object) -> Fraction:
    return to_fraction(value, "alpha")


def _check_alpha(instance: HiddenPathFamily, attribute: attrs.Attribute[Fraction],
                 value: Fraction) -> None:
    K = instance.vocab_size
    if not Fraction(1, K) < value < 1:
        raise InvalidDefinition("alpha", f"must be strictly between 1/K = 1/{K} and 1", str(value))


@attrs.frozen
class HiddenPathFamily:
    """HP(K, H, alpha): the family `{pi_z : z in V^H}` (`alpha` strictly in `(1/K, 1)`).

    >>> family = HiddenPathFamily(3, 2, "1/2")
    >>> family.stage(2).probs == (Fraction(1, 4), Fraction(1, 4), Fraction(1, 2))
    True
    >>> family.margin
    Fraction(1, 4)
    """

    vocab_size: int = attrs.field(validator=_check_vocab)
    horizon: int = attrs.field(validator=_check_horizon)
    alpha: Fraction = attrs.field(converter=_to_alpha, validator=_check_alpha)

    @property
    def off_path(self) -> Fraction:
        """`(1-alpha)/(K-1)`: every off-path token's probability at an on-path prefix.

        (Not called `beta`: that name is the KL temperature of section 6.)"""
        return (1 - self.alpha) / (self.vocab_size - 1)

    @property
    def margin(self) -> Fraction:
        """`Delta = alpha - beta`."""
        return self.alpha - self.off_path

    def stage(self, token: int) -> Distribution:
        """The on-path next-token distribution when the path token is `token`."""
        if isinstance(token, bool) or not isinstance(token, int) or not (
            0 <= token < self.vocab_size
        ):
            raise InvalidDefinition("token", f"must be in 0..{self.vocab_size - 1}", token)
        return Distribution(tuple(self.alpha if a == token else self.off_path
                                  for a in range(self.vocab_size)))

    def generator(self, path: object) -> Generator:
        """`pi_z` for the hidden path `z` (a response: length `H`, tokens in range)."""
        z = check_response(path, self.vocab_size, self.horizon)
        return Generator.from_rule(self.vocab_size, self.horizon, HiddenPathRule(
            z, tuple(self.stage(a) for a in range(self.vocab_size)),
            Distribution.uniform(self.vocab_size)))

    def paths(self) -> Iterator[Response]:
        """Every hidden path `z in V^H`, lexicographic."""
        return all_responses(self.vocab_size, self.horizon)


@attrs.frozen
class HiddenPathRule:
    """`pi_z(.|u)`: the stage distribution of `z_{|u|+1}` on the path, uniform elsewhere."""

    path: Response
    stages: tuple[Distribution, ...] = attrs.field(eq=False, repr=False)
    uniform: Distribution = attrs.field(eq=False, repr=False)

    def __call__(self, prefix: Prefix) -> Distribution:
        depth = len(prefix)
        if prefix == self.path[:depth]:
            return self.stages[self.path[depth]]
        return self.uniform


def is_on_path(prefix: Prefix, path: Response) -> bool:
    """`u = z_<t` for `t = |u|+1`."""
    return tuple(prefix) == tuple(path[: len(prefix)])


# ---------------------------------------------------------------------------------------
# Rigorous enclosures of irrational quantities (exp, ln) by mpmath interval arithmetic


Interval = Any
"""An `mpmath.iv` interval (mpmath ships no type information)."""


def _fraction_of(mpf_tuple: tuple[int, int, int, int]) -> Fraction:
    p, q = mpmath.libmp.to_rational(mpf_tuple)
    return Fraction(p, q)


def _interval(value: Fraction) -> Interval:
    return iv.mpf(value.numerator) / iv.mpf(value.denominator)


def _bounds(x: Interval) -> tuple[Fraction, Fraction]:
    low, high = x._mpi_
    return _fraction_of(low), _fraction_of(high)


@contextlib.contextmanager
def _precision(bits: int) -> Iterator[None]:
    """Run `mpmath.iv` at `bits` of working precision, restoring the previous setting."""
    saved = iv.prec
    iv.prec = bits
    try:
        yield
    finally:
        iv.prec = saved


def _decide_at_increasing_precision(compute: Callable[[], Interval], threshold: Fraction,
                                    max_prec: int = 4096) -> bool:
    """Whether `compute() <= threshold` for a quantity `compute()` evaluates as an interval;
    precision doubles until the interval lies on one side (it must not equal `threshold`)."""
    prec = 64
    while prec <= max_prec:
        with _precision(prec):
            low, high = _bounds(compute())
        if high <= threshold:
            return True
        if low > threshold:
            return False
        prec *= 2
    raise ArithmeticError(f"cannot decide the comparison with {threshold} at {max_prec} bits")


# ---------------------------------------------------------------------------------------
# HP1: root-start


def compute_HP1_revealed_depth_cdf(family: HiddenPathFamily, queries: int, depth: int
                                   ) -> Fraction:
    """HP1: `P(D <= d) = (1 - alpha^d)^T` for `0 <= d <= H-1` (`0^0 = 1`), and 1 at `d = H`."""
    if depth >= family.horizon:
        return Fraction(1)
    return (1 - family.alpha**depth) ** queries


def compute_HP1_success(family: HiddenPathFamily, queries: int) -> Fraction:
    """HP1: `S_T = sum_d P(D = d) K^-(H-d)`, the best root-start success with `T` queries.

    `d` runs from 0 (only when `T = 0`) to `H`; for `T >= 1` this is THEORY.md's sum over
    `d = 1..H`.
    """
    K, H = family.vocab_size, family.horizon
    total = Fraction(0)
    previous = Fraction(0)
    for d in range(H + 1):
        cdf = compute_HP1_revealed_depth_cdf(family, queries, d)
        total += (cdf - previous) * Fraction(1, K ** (H - d))
        previous = cdf
    return total


def compute_HP1_bound(family: HiddenPathFamily, queries: int) -> tuple[Fraction, Fraction]:
    """HP1: the corollary bounds `(1 - (1-alpha^(H-1))^T + 1/K, T alpha^(H-1) + 1/K)`."""
    K, H, a = family.vocab_size, family.horizon, family.alpha
    return (1 - (1 - a ** (H - 1)) ** queries + Fraction(1, K),
            queries * a ** (H - 1) + Fraction(1, K))


def is_HP1_bound(family: HiddenPathFamily, queries: int) -> bool:
    """HP1: `S_T <= 1 - (1-alpha^(H-1))^T + 1/K <= T alpha^(H-1) + 1/K`."""
    first, second = compute_HP1_bound(family, queries)
    return compute_HP1_success(family, queries) <= first <= second


def compute_map_success(family: HiddenPathFamily, observation: ObservationType,
                        queries: int) -> Fraction:
    """HP1: the Bayes-optimal (MAP) chance that a learner with `T` root-start queries of
    `observation` outputs `z`, for `z` uniform: `sum_tr max_z P(z) P(tr | z)`.

    Brute force: the law of one rollout under each `z` comes from the oracle itself
    (`exact_law`); rollouts are i.i.d., so a transcript's probability is a product, and a
    transcript is enumerated as a multiset of rollouts with its multinomial weight.
    """
    K, H = family.vocab_size, family.horizon
    laws = [{obs[0]: p for obs, p in root_start_law(family.generator(z), observation, 1).items()}
            for z in family.paths()]
    # Integer weights: every rollout probability times the common denominator `scale`.
    scale = math.lcm(*(p.denominator for law in laws for p in law.values()))
    index: dict[Hashable, int] = {}
    integer_laws: list[list[tuple[int, int]]] = []
    for law in laws:
        integer_laws.append(sorted((index.setdefault(obs, len(index)), int(p * scale))
                                   for obs, p in law.items()))
    best: dict[tuple[int, ...], int] = {}
    for support in integer_laws:
        for combo in itertools.combinations_with_replacement(support, queries):
            weight = _multinomial(tuple(i for i, _ in combo))
            for _, w in combo:
                weight *= w
            key = tuple(i for i, _ in combo)
            if weight > best.get(key, 0):
                best[key] = weight
    return Fraction(sum(best.values()), K**H * scale**queries)


def _multinomial(items: tuple[object, ...]) -> int:
    counts: dict[object, int] = {}
    for item in items:
        counts[item] = counts.get(item, 0) + 1
    result = math.factorial(len(items))
    for c in counts.values():
        result //= math.factorial(c)
    return result


def is_HP1_exact(family: HiddenPathFamily, observation: ObservationType, queries: int) -> bool:
    """HP1: the brute-force MAP success with `full` observations equals `S_T`; with any other
    root-start observation type it is at most `S_T` (R1)."""
    brute = compute_map_success(family, observation, queries)
    closed = compute_HP1_success(family, queries)
    return brute == closed if observation.family == "full" else brute <= closed


def _HP1_failure_interval(family: HiddenPathFamily, queries: int) -> Interval:
    """`1 - S_T = (1 - 1/K) sum_{d<H} (1-alpha^d)^T K^-(H-1-d)` as an interval (positive
    terms, no cancellation; `(1-x)^T = exp(T log1p(-x))`)."""
    K, H = family.vocab_size, family.horizon
    alpha = _interval(family.alpha)
    total = iv.mpf(0)
    for d in range(H):
        if d == 0:
            term = iv.mpf(1) if queries == 0 else iv.mpf(0)
        else:
            term = iv.exp(queries * iv.log1p(-(alpha**d)))
        total += term / iv.mpf(K) ** (H - 1 - d)
    return (1 - iv.mpf(1) / K) * total


EXACT_LIMIT = 2_000
"""`S_T` is evaluated in exact rationals while `T * H` is at most this, else by intervals."""


def is_HP1_success_at_least(family: HiddenPathFamily, queries: int, target: Fraction,
                            exact_limit: int = EXACT_LIMIT) -> bool:
    """HP1: `S_T >= target`, decided for any `T` (exactly for small `T`, else by intervals)."""
    if queries * family.horizon <= exact_limit:
        return compute_HP1_success(family, queries) >= target
    return _decide_at_increasing_precision(lambda: _HP1_failure_interval(family, queries),
                                           1 - target)


def compute_HP1_success_float(family: HiddenPathFamily, queries: int) -> float:
    """HP1: `S_T` as a float (from a rigorous interval; exact when `T` is small)."""
    if queries * family.horizon <= EXACT_LIMIT:
        return float(compute_HP1_success(family, queries))
    with _precision(128):
        low, high = _bounds(_HP1_failure_interval(family, queries))
    return float(1 - (low + high) / 2)


def compute_root_start_queries_needed(family: HiddenPathFamily, target: Fraction,
                                      exact_limit: int = EXACT_LIMIT) -> int:
    """HP1: the least `T` with `S_T >= target` (`target < 1`), from the closed form.

    `S_T` increases with `T` (every `P(D <= d)` decreases), so a doubling search brackets
    the answer and a binary search finds it: `O(log T)` evaluations of `S_T`, each exact for
    small `T * H` and otherwise a rigorous interval (`H = 60` takes well under a second).
    """
    target = Fraction(target)
    if not 0 <= target < 1:
        raise InvalidDefinition("target", "must be in [0, 1)", str(target))
    def reached(queries: int) -> bool:
        return is_HP1_success_at_least(family, queries, target, exact_limit)

    if reached(0):
        return 0
    low, high = 0, 1  # S_low < target
    while not reached(high):
        low, high = high, high * 2
    while high - low > 1:
        mid = (low + high) // 2
        if reached(mid):
            high = mid
        else:
            low = mid
    return high


# ---------------------------------------------------------------------------------------
# HP2: chosen-prefix sampling


def _capped_strings(length: int, caps: list[int]) -> int:
    """Number of strings of `length` over `len(caps)` letters with letter `i` used at most
    `caps[i]` times (exact integers)."""
    if not caps:
        return int(length == 0)
    if any(c < 0 for c in caps):
        return 0
    # ways[i]: strings of length i over the letters processed so far.
    ways = [int(i <= caps[0]) for i in range(length + 1)]
    for cap in caps[1:-1]:
        ways = [sum(math.comb(i, j) * ways[i - j] for j in range(min(cap, i) + 1))
                for i in range(length + 1)]
    if len(caps) == 1:
        return ways[length]
    last = caps[-1]
    return sum(math.comb(length, j) * ways[length - j] for j in range(min(last, length) + 1))


def compute_plurality_win_probabilities(family: HiddenPathFamily, samples: int
                                        ) -> tuple[Fraction, ...]:
    """HP2: `q(a)` for every `a`: the chance that the path token wins the plurality of
    `m` samples from its stage distribution (ties to the lower index) when it is token `a`.

    A DP over counts, never over sample sequences: condition on the path token's count `k`;
    the other `m-k` samples are uniform over the `K-1` other tokens, and `a` wins iff each
    lower token has count `<= k-1` and each higher one `<= k`. The number of such strings
    is counted exactly, letter by letter.
    """
    K, m = family.vocab_size, samples
    alpha, beta = family.alpha, family.off_path
    wins = []
    for a in range(K):
        total = Fraction(0)
        for k in range(m + 1):
            caps = [k - 1] * a + [k] * (K - 1 - a)
            count = _capped_strings(m - k, caps)
            if count:
                total += math.comb(m, k) * count * alpha**k * beta ** (m - k)
        wins.append(total)
    return tuple(wins)


def compute_plurality_win_by_enumeration(stage: Distribution, samples: int, token: int
                                         ) -> Fraction:
    """HP2 (reference for the DP): `P(token wins the plurality)` by listing all `K^m` sample
    sequences. Exponential; for checks on small `m` only."""
    K = stage.vocab_size
    total = Fraction(0)
    for seq in itertools.product(range(K), repeat=samples):
        counts = [seq.count(a) for a in range(K)]
        winner = max(range(K), key=lambda a: (counts[a], -a))
        if winner == token:
            p = Fraction(1)
            for a in seq:
                p *= stage[a]
            total += p
    return total


def compute_HP2_success(family: HiddenPathFamily, samples: int, path: object) -> Fraction:
    """HP2: CPS-Path(m)'s exact success `prod_t q(z_t)`."""
    z = check_response(path, family.vocab_size, family.horizon)
    q = compute_plurality_win_probabilities(family, samples)
    result = Fraction(1)
    for a in z:
        result *= q[a]
    return result


def compute_HP2_worst_success(family: HiddenPathFamily, samples: int) -> Fraction:
    """HP2: `min_z prod_t q(z_t) = (min_a q(a))^H` (stages are independent given the path)."""
    return min(compute_plurality_win_probabilities(family, samples)) ** family.horizon


def _HP2_bound_interval(family: HiddenPathFamily, samples: int) -> Interval:
    K, H = family.vocab_size, family.horizon
    delta = _interval(family.margin)
    return H * (K - 1) * iv.exp(-samples * delta**2 / 2)


def compute_HP2_failure_bound(family: HiddenPathFamily, samples: int, prec: int = 128
                              ) -> tuple[Fraction, Fraction]:
    """HP2: a rational enclosure `(lo, hi)` of `H (K-1) exp(-m Delta^2 / 2)`."""
    with _precision(prec):
        return _bounds(_HP2_bound_interval(family, samples))


def is_HP2_bound(family: HiddenPathFamily, samples: int) -> bool:
    """HP2: for every `z`, `P(zhat != z) <= H (K-1) exp(-m Delta^2 / 2)` (exact failure
    against the bound's rigorous lower end; the worst `z` is `(min_a q(a))^H`)."""
    failure = 1 - compute_HP2_worst_success(family, samples)
    low, _ = compute_HP2_failure_bound(family, samples)
    return failure <= low


def _check_delta(delta: object) -> Fraction:
    d = to_fraction(delta, "delta")
    if not 0 < d < 1:
        raise InvalidDefinition("delta", "must be strictly between 0 and 1", str(d))
    return d


def compute_cps_m(family: HiddenPathFamily, delta: object) -> int:
    """HP2: `m = ceil((2 / Delta^2) ln(H (K-1) / delta))` (at least 1).

    Decided exactly: the real number is irrational unless the logarithm vanishes, so its
    interval enclosure is narrowed until it lies strictly between two integers.
    """
    d = _check_delta(delta)
    K, H = family.vocab_size, family.horizon
    ratio = Fraction(H * (K - 1)) / d  # > 1 since delta < 1 <= H (K-1)
    prec = 64
    while True:
        with _precision(prec):
            x = 2 / _interval(family.margin) ** 2 * iv.log(_interval(ratio))
            low, high = _bounds(x)
        if math.floor(low) == math.floor(high) and low != math.floor(low):
            return max(1, math.floor(low) + 1)
        prec *= 2


def is_HP2_m_sufficient(family: HiddenPathFamily, delta: object) -> bool:
    """HP2: with `m = compute_cps_m(delta)` the worst-case exact success is `>= 1 - delta`."""
    d = _check_delta(delta)
    return compute_HP2_worst_success(family, compute_cps_m(family, d)) >= 1 - d


# ---------------------------------------------------------------------------------------
# HP2, beyond the paper: the adaptive learner's sequential test


@attrs.frozen
class SequentialTest:
    """Stage rule of the adaptive learner: sample until one token leads every other by
    `margin` counts (certify it), or until `cap` samples (take the plurality)."""

    margin: int
    cap: int


def compute_adaptive_parameters(family: HiddenPathFamily, delta: object) -> SequentialTest:
    """HP2 (adaptive): `margin` = least `c` with `(K-1)(beta/alpha)^c <= delta/(2H)`, and
    `cap` = `compute_cps_m` at `delta/2` (so `(K-1) exp(-cap Delta^2/2) <= delta/(2H)`).

    The proof that the stage error is then `<= delta/H` is in
    `genaccess.reference.adaptive_cps`.
    """
    d = _check_delta(delta)
    K, H = family.vocab_size, family.horizon
    ratio = family.off_path / family.alpha
    c = 1
    while (K - 1) * ratio**c > d / (2 * H):
        c += 1
    return SequentialTest(c, compute_cps_m(family, d / 2))


def sequential_decision(counts: tuple[int, ...], test: SequentialTest) -> int | None:
    """The token the test decides on with these counts, or `None` to keep sampling."""
    order = sorted(range(len(counts)), key=lambda a: (-counts[a], a))
    leader, runner_up = order[0], order[1]
    if counts[leader] - counts[runner_up] >= test.margin:
        return leader
    if sum(counts) >= test.cap:
        return leader  # plurality, ties to the lower index
    return None


def compute_sequential_decision_law(stage: Distribution, test: SequentialTest
                                    ) -> tuple[dict[int, Fraction], Fraction]:
    """HP2 (adaptive): the exact law of the decided token and the expected number of samples
    of one stage run with i.i.d. samples from `stage`. A DP over count vectors."""
    K = stage.vocab_size
    live: dict[tuple[int, ...], Fraction] = {tuple([0] * K): Fraction(1)}
    decided: dict[int, Fraction] = {}
    expected = Fraction(0)
    while live:
        expected += sum(live.values(), Fraction(0))  # P(tau > n) for the current n
        nxt: dict[tuple[int, ...], Fraction] = {}
        for counts, p in live.items():
            for a in range(K):
                if stage[a] == 0:
                    continue
                new = (*counts[:a], counts[a] + 1, *counts[a + 1:])
                q = p * stage[a]
                choice = sequential_decision(new, test)
                if choice is None:
                    nxt[new] = nxt.get(new, Fraction(0)) + q
                else:
                    decided[choice] = decided.get(choice, Fraction(0)) + q
        live = nxt
    return decided, expected


def is_HP2_adaptive_stage_error(family: HiddenPathFamily, delta: object) -> bool:
    """HP2 (adaptive): at an on-path prefix, for every path token, the test of
    `compute_adaptive_parameters` decides a wrong token with probability `<= delta/H`."""
    d = _check_delta(delta)
    test = compute_adaptive_parameters(family, d)
    for a in range(family.vocab_size):
        law, _ = compute_sequential_decision_law(family.stage(a), test)
        if 1 - law.get(a, Fraction(0)) > d / family.horizon:
            return False
    return True


# ---------------------------------------------------------------------------------------
# HP3: full / top-1 at chosen prefixes; the optimum over every adaptive learner


def compute_best_chosen_prefix_success(
    family: HiddenPathFamily, observation: ObservationType, control: Control, queries: int,
    max_length: int = 1,
) -> Fraction:
    """HP3: the best chance, over every adaptive learner making `T` queries of continuation
    length `<= max_length` under `control`, of outputting `z` (uniform).

    Exhaustive search over belief states: a state is the unnormalised posterior over every
    `z`, the built set and the queries left; a learner picks an admissible query (the
    control level decides, from the built set, exactly as the oracle does), and at the end
    guesses a MAP path. The law of a query's answer under each `z` comes from the oracle
    itself (answered at the query's prefix by an arbitrary-prefix oracle; `control` only
    restricts which prefixes the learner may pick).
    """
    K, H = family.vocab_size, family.horizon
    paths = list(family.paths())
    access = AccessModel(ArbitraryPrefix(), observation)
    moves = [(u, L) for u in all_prefixes(K, H) for L in range(1, min(max_length, H - len(u)) + 1)]

    def answer_law(z: Response, u: Prefix, L: int) -> dict[tuple[Report, ...], Fraction]:
        g = family.generator(z)

        def experiment(chooser: Chooser) -> tuple[Report, ...]:
            return Oracle(g, access, rng=chooser).query(u, L)

        return exact_law(experiment)

    laws = {(u, L): [answer_law(z, u, L) for z in paths] for u, L in moves}
    memo: dict[tuple[tuple[Fraction, ...], frozenset[Prefix], int], Fraction] = {}

    def value(belief: tuple[Fraction, ...], built: frozenset[Prefix], left: int) -> Fraction:
        key = (belief, built, left)
        if key in memo:
            return memo[key]
        best = max(belief)
        if left > 0:
            for u, L in moves:
                if control.refusal(u, L, H, built) is not None:
                    continue
                answers: set[tuple[Report, ...]] = set()
                for i, w in enumerate(belief):
                    if w:
                        answers.update(laws[(u, L)][i])
                total = Fraction(0)
                for reports in answers:
                    posterior = tuple(w * laws[(u, L)][i].get(reports, Fraction(0))
                                      for i, w in enumerate(belief))
                    nxt = built | built_by(QueryRecord(u, L, reports), H)
                    total += value(posterior, nxt, left - 1)
                best = max(best, total)
        memo[key] = best
        return best

    prior = tuple(Fraction(1, K**H) for _ in paths)
    return value(prior, frozenset({()}), queries)


def is_HP3_lower_bound(family: HiddenPathFamily, observation: ObservationType, control: Control,
                       queries: int) -> bool:
    """HP3: under LR, every learner with `T < H` one-step queries succeeds with probability
    at most `K^-(H-T)`."""
    if queries >= family.horizon:
        return True
    best = compute_best_chosen_prefix_success(family, observation, control, queries)
    return best <= Fraction(1, family.vocab_size ** (family.horizon - queries))
