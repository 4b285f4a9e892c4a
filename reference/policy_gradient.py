"""The practical root-start baseline: KL-regularised policy gradient on a tabular policy
(realises GAP (a)'s side of the gap as a familiar training loop).

The learner holds a root-start oracle with `logprob` observations (access model
``root-start/logprob``): every query is a whole rollout `y ~ pref` with, at each step, the
sampled token and `pref`'s probability of it. The outcome reward `r(y)` it sees only through
`OutcomeReward`, i.e. only on rollouts the oracle returned.

The policy. `pi_theta(a|u) = pref(a|u) exp(theta(u,a)) / N_theta(u)` with `theta(u,a) = 0`
except at pairs `(u,a)` some rollout went through, so the normaliser
`N_theta(u) = 1 + sum_{observed b} pref(b|u) (exp(theta(u,b)) - 1)` uses only probabilities
the learner was shown. Geometrically the output is a tilt of the reference model (like an
adapter on a frozen model): `TabularTilt` stores `theta`, and the policy's rows are
`pref`'s rows tilted by it.

The update (REINFORCE with a KL penalty and a baseline, off-policy). Write
`R_theta(y) = r(y) - beta log(pi_theta(y)/pref(y))` (the KL-shaped reward, so that
`J(pi_theta) = E_{pi_theta}[r] - beta KL(pi_theta || pref) = E_{pi_theta}[R_theta]`). Since
`E_{pi_theta}[grad R_theta] = -beta E_{pi_theta}[grad log pi_theta] = 0`,

    grad J(pi_theta) = E_{pi_theta}[(R_theta(y) - b) grad log pi_theta(y)]
                     = E_{y~pref}[w_theta(y) (R_theta(y) - b) grad log pi_theta(y)]

for any constant `b`, with the importance weight
`w_theta(y) = pi_theta(y)/pref(y) = prod_t exp(theta(y_<t, y_t)) / N_theta(y_<t)`, and
`d log pi_theta(y) / d theta(u,a) = 1[u = y_<t] (1[a = y_t] - pi_theta(a|u))` at `t = |u|+1`.
Each iteration draws a batch of `batch_size` rollouts, averages that estimate over the batch
and takes a step `theta += step_size * g`. The baseline `b` is a running mean (exponentially
weighted, factor `baseline_decay`) of the batches' self-normalised estimates of `J`
(`sum w R / sum w`), computed before the batch's own step, so it is a constant for that
batch and the estimate stays unbiased. Training stops when `queries` rollouts are used.

Why it hits the wall. At `theta = 0` every `R_theta(y) = r(y)`; a batch in which no rollout
is rewarded gives `R = 0`, `b = 0`, and the gradient is exactly zero: the policy does not move
at all until a rollout equals the hidden path `z`, which happens with probability `alpha^H`
per rollout. With `T` rollouts the chance of ever seeing a reward is
`1 - (1 - alpha^H)^T <= T alpha^H`, so at large `H` the learner returns `pref` itself,
whose suboptimality is `J* - alpha^H`, essentially all of `J*` (GAP (a) says no root-start
learner can do much better with `T << alpha^-(H-1)` rollouts).

Evaluation (`compute_suboptimality`, `compute_policy_law`) is not part of the learner: it
uses the generator and the hidden path, which the learner never holds. `beta_H`, KL2's
continuation weights and `SubOpt(pref)` come exact from `genaccess.spec.kl_objective` and
`genaccess.spec.tilted_path`; only their float values enter the sums here.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping
from fractions import Fraction

import attrs

from genaccess.reference.outcome_reward import OutcomeReward
from genaccess.spec.control import RootStart
from genaccess.spec.errors import InvalidDefinition
from genaccess.spec.generator import Generator
from genaccess.spec.hidden_path import HiddenPathFamily, is_on_path
from genaccess.spec.kl_objective import calibrated_beta
from genaccess.spec.numbers import int_at_least
from genaccess.spec.observation import Logprob, LogprobReport
from genaccess.spec.oracle import Oracle
from genaccess.spec.prefix import Prefix, Response, all_responses, check_response
from genaccess.spec.tilted_path import compute_path_continuation_weight

Pair = tuple[Prefix, int]
"""A (prefix, token) pair `(u, a)`."""

# ---------------------------------------------------------------------------------------
# Configuration and the policy


def _positive_float(instance: object, attribute: attrs.Attribute[float], value: float) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not (
        math.isfinite(value) and value > 0
    ):
        raise InvalidDefinition(attribute.name, "must be a finite number > 0", value)


def _decay(instance: object, attribute: attrs.Attribute[float], value: float) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value < 1:
        raise InvalidDefinition(attribute.name, "must be a number in [0, 1)", value)


@attrs.frozen
class PolicyGradientConfig:
    """The stated knobs of the training loop: `queries` rollouts (the learner's own count
    of oracle queries) in batches of `batch_size`, step size `step_size`, KL weight `beta`,
    baseline factor `baseline_decay` (`b <- decay * b + (1 - decay) * batch estimate`)."""

    queries: int = attrs.field(validator=int_at_least(1))
    batch_size: int = attrs.field(validator=int_at_least(1))
    step_size: float = attrs.field(validator=_positive_float)
    beta: float = attrs.field(validator=_positive_float)
    baseline_decay: float = attrs.field(default=0.9, validator=_decay)


@attrs.frozen
class TabularTilt:
    """The policy `pi_theta(a|u) ∝ pref(a|u) exp(theta(u,a))`: `theta` on the listed pairs
    (sorted, so equal policies compare equal), zero elsewhere."""

    vocab_size: int
    horizon: int
    theta: tuple[tuple[Pair, float], ...]

    @classmethod
    def from_mapping(cls, vocab_size: int, horizon: int, theta: Mapping[Pair, float]
                     ) -> TabularTilt:
        return cls(vocab_size, horizon, tuple(sorted(theta.items())))

    def theta_map(self) -> dict[Pair, float]:
        return dict(self.theta)

    def row(self, prefix: Prefix, pref_row: tuple[float, ...]) -> tuple[float, ...]:
        """`pi_theta(.|u)` given `pref(.|u)` (floats)."""
        return tilted_row(self.theta_map(), prefix, pref_row)


def tilted_row(theta: Mapping[Pair, float], prefix: Prefix, pref_row: tuple[float, ...]
               ) -> tuple[float, ...]:
    """`pi_theta(.|u) = pref(.|u) exp(theta(u,.)) / N_theta(u)` (floats)."""
    weights = [p * math.exp(theta.get((prefix, a), 0.0)) for a, p in enumerate(pref_row)]
    total = math.fsum(weights)
    return tuple(w / total for w in weights)


def check_policy_gradient_oracle(oracle: Oracle, reward: OutcomeReward) -> None:
    """Preconditions: a root-start oracle with `logprob` observations, and the reward wrapper
    of that very oracle."""
    if not isinstance(oracle.access.control, RootStart):
        raise InvalidDefinition("oracle", "policy_gradient is a root-start learner: it needs "
                                "root-start control", oracle.access.name)
    if not isinstance(oracle.access.observation, Logprob):
        raise InvalidDefinition("oracle", "policy_gradient needs logprob observations "
                                "(the sampled token and its probability)", oracle.access.name)
    if reward.oracle is not oracle:
        raise InvalidDefinition("reward", "must wrap the learner's own oracle", None)


# ---------------------------------------------------------------------------------------
# The learner


@attrs.frozen
class PolicyGradientRun:
    """What a training run returns: the policy, the queries it used, how many rollouts
    were rewarded (`r > 0`), and the baseline after each batch."""

    policy: TabularTilt
    queries: int
    rewarded_rollouts: int
    baselines: tuple[float, ...]


class _Learner:
    """The learner's state: `theta` and the `pref` probabilities it was shown."""

    def __init__(self) -> None:
        self.theta: dict[Pair, float] = {}
        self.seen: dict[Prefix, dict[int, float]] = {}

    def observe(self, y: Response, probs: tuple[float, ...]) -> None:
        for t, (a, p) in enumerate(zip(y, probs, strict=True)):
            row = self.seen.setdefault(y[:t], {})
            row[a] = p
            self.theta.setdefault((y[:t], a), 0.0)

    def normaliser(self, u: Prefix) -> float:
        """`N_theta(u) = 1 + sum_{observed b} pref(b|u) (exp(theta(u,b)) - 1)`."""
        return 1.0 + math.fsum(p * math.expm1(self.theta[(u, b)])
                               for b, p in self.seen[u].items())

    def log_ratio(self, y: Response) -> float:
        """`log(pi_theta(y)/pref(y)) = sum_t theta(y_<t, y_t) - log N_theta(y_<t)`."""
        return math.fsum(self.theta[(y[:t], a)] - math.log(self.normaliser(y[:t]))
                         for t, a in enumerate(y))

    def add_score(self, y: Response, coeff: float, grad: dict[Pair, float]) -> None:
        """`grad += coeff * d log pi_theta(y) / d theta` (only observed pairs have one)."""
        for t, token in enumerate(y):
            u = y[:t]
            n = self.normaliser(u)
            for b, p in self.seen[u].items():
                prob = p * math.exp(self.theta[(u, b)]) / n
                grad[(u, b)] = grad.get((u, b), 0.0) + coeff * ((b == token) - prob)


def _rollout(oracle: Oracle) -> tuple[Response, tuple[float, ...]]:
    reports = oracle.rollout()
    tokens: list[int] = []
    probs: list[float] = []
    for report in reports:
        assert isinstance(report, LogprobReport)  # guaranteed by the precondition
        tokens.append(report.sampled)
        probs.append(float(report.prob))
    return tuple(tokens), tuple(probs)


def policy_gradient(oracle: Oracle, reward: OutcomeReward, config: PolicyGradientConfig
                    ) -> PolicyGradientRun:
    """KL-regularised REINFORCE with a running-mean baseline, off-policy from root-start
    rollouts of `pref` (the algorithm and why it stalls are in the module docstring).

    Uses exactly `config.queries` oracle queries, all root-start rollouts; asks the reward
    only about responses the oracle has just returned. Its only randomness is the oracle's
    (a seeded `random.Random` or `Chooser`), so a run is reproducible from that seed.

    Preconditions: `oracle` is root-start with `logprob` observations; `reward` wraps it.
    """
    check_policy_gradient_oracle(oracle, reward)
    learner = _Learner()
    baseline = 0.0
    rewarded = 0
    baselines: list[float] = []
    used = 0
    while used < config.queries:
        size = min(config.batch_size, config.queries - used)
        batch = [_rollout(oracle) for _ in range(size)]
        used += size
        for y, probs in batch:
            learner.observe(y, probs)
        rewards = [reward(y) for y, _ in batch]
        rewarded += sum(r > 0 for r in rewards)
        weights: list[float] = []
        returns: list[float] = []
        for (y, _), r in zip(batch, rewards, strict=True):
            log_ratio = learner.log_ratio(y)
            weights.append(math.exp(log_ratio))
            returns.append(r - config.beta * log_ratio)
        grad: dict[Pair, float] = {}
        for (y, _), w, R in zip(batch, weights, returns, strict=True):
            learner.add_score(y, w * (R - baseline) / size, grad)
        for pair, g in grad.items():
            learner.theta[pair] += config.step_size * g
        estimate = math.fsum(w * R for w, R in zip(weights, returns, strict=True)) / math.fsum(
            weights)
        baseline = config.baseline_decay * baseline + (1 - config.baseline_decay) * estimate
        baselines.append(baseline)
    policy = TabularTilt.from_mapping(oracle.vocab_size, oracle.horizon,
                                      {k: v for k, v in learner.theta.items() if v != 0.0})
    return PolicyGradientRun(policy, used, rewarded, tuple(baselines))


# ---------------------------------------------------------------------------------------
# Evaluation (uses the generator and the hidden path: never available to the learner)


def compute_policy_law(policy: TabularTilt, generator: Generator) -> dict[Response, Fraction]:
    """The policy's law on `V^H`, exactly: each row is `pref`'s exact row times the float
    tilts `exp(theta)` (themselves exact binary rationals), normalised in `Fraction`s, so the
    law is the exact law of the rounded policy. Exponential in `H`: small instances only."""
    theta = policy.theta_map()
    rows: dict[Prefix, tuple[Fraction, ...]] = {}

    def row(u: Prefix) -> tuple[Fraction, ...]:
        if u not in rows:
            weights = [p * Fraction(math.exp(theta.get((u, a), 0.0)))
                       for a, p in enumerate(generator.next_token(u))]
            total = sum(weights, Fraction(0))
            rows[u] = tuple(w / total for w in weights)
        return rows[u]

    law: dict[Response, Fraction] = {}
    for y in all_responses(policy.vocab_size, policy.horizon):
        p = Fraction(1)
        for t, a in enumerate(y):
            p *= row(y[:t])[a]
        law[y] = p
    return law


def compute_suboptimality(policy: TabularTilt, family: HiddenPathFamily, path: object) -> float:
    """GAP: `SubOpt_z(pi_theta) = beta_H KL(pi_theta || pstar_z)` (KL1), in floats, for any
    `H` and `K`, by the chain rule `KL = sum_u rho_theta(u) KL(pi_theta(.|u) || pstar_z(.|u))`.

    The two rows differ only at prefixes where `theta` is non-zero or on the path (KL2:
    `pstar_z(a|u) = pref(a|u) W(u·a)/W(u)` with `W(u) = 1 + alpha^(H-|u|) (alpha^-H - 1)`
    on the path and `W = 1` off it), a prefix-closed set of at most `|theta| + H` prefixes,
    so the sum is finite and small. Floating point: every summand is `>= 0` (no
    cancellation between rows); a row's KL is a sum of `K` terms each with relative error a
    few ulp, so the absolute error is below `1e-12` for the instances here (the tests
    compare it with the exact law's KL at 50 digits on small instances).

    Cost `O(|theta| + H)` whatever `K`: in a row, every token that is neither tilted nor
    the path token (the *plain* ones) has the same `pref` (`beta` on the path, `1/K` off
    it), the same child weight `W = 1`, hence the same float policy probability, target and
    KL term. A row's two sums over its `K` tokens (the normaliser and the KL) are taken
    once per class with `_sum_with_copies`, which returns exactly what `math.fsum` over
    the `K` listed terms returns; so the result is, bit for bit, that of the token-by-token
    computation (`compute_suboptimality_by_rows`, which tests/test_gap_scale.py compares
    it with on every small instance).
    """
    z = check_response(path, family.vocab_size, family.horizon)
    K, H = family.vocab_size, family.horizon
    if (policy.vocab_size, policy.horizon) != (K, H):
        raise InvalidDefinition("policy", f"must be for K = {K}, H = {H}",
                                (policy.vocab_size, policy.horizon))
    beta = float(calibrated_beta(family.alpha, H))
    on_path_weight = [float(compute_path_continuation_weight(family, t)) for t in range(H + 1)]
    # The floats of pref's exact rows (what `float` makes of the spec's Fractions).
    path_prob, other_prob, uniform_prob = (float(family.alpha), float(family.off_path),
                                           float(Fraction(1, K)))
    tilts: dict[Prefix, dict[int, float]] = {}
    for (u, a), value in policy.theta:
        tilts.setdefault(u, {})[a] = value
    prefixes = set(tilts) | {z[:t] for t in range(H)}
    closed = set(prefixes)
    for u in prefixes:  # prefix closure (ancestors of a tilted prefix are tilted already)
        closed.update(u[:t] for t in range(len(u)))
    children: dict[Prefix, list[Prefix]] = {}
    for u in closed:
        if u:
            children.setdefault(u[:-1], []).append(u)

    terms: list[float] = []
    reach: dict[Prefix, float] = {(): 1.0}
    for u in sorted(closed, key=len):
        rho = reach[u]
        tilt = tilts.get(u, {})
        t = len(u)
        on = is_on_path(u, z)
        plain = other_prob if on else uniform_prob
        w_u = on_path_weight[t] if on else 1.0
        pref = {a: plain for a in tilt}
        child_weight = dict.fromkeys(tilt, 1.0)
        if on:  # the path token: its own pref and the child's weight W(z_<t+1)
            pref[z[t]], child_weight[z[t]] = path_prob, on_path_weight[t + 1]
        copies = K - len(pref)
        weights = {a: p * math.exp(tilt.get(a, 0.0)) for a, p in pref.items()}
        total = _sum_with_copies(plain, copies, weights.values())
        mine = {a: w / total for a, w in weights.items()}
        mine_plain = plain / total
        row = [p * math.log(p / (pref[a] * child_weight[a] / w_u))
               for a, p in mine.items() if p > 0]
        if not (copies and mine_plain > 0):  # no plain token adds a term
            copies, plain_term = 0, 0.0
        else:
            plain_term = mine_plain * math.log(mine_plain / (plain * 1.0 / w_u))
        terms.append(rho * _sum_with_copies(plain_term, copies, row))
        for child in children.get(u, ()):
            reach[child] = rho * mine.get(child[-1], mine_plain)
    return beta * max(0.0, math.fsum(terms))


def _sum_with_copies(value: float, copies: int, others: Iterable[float]) -> float:
    """`math.fsum` of `copies` copies of `value` and `others`, without listing the copies:
    fsum returns the exact sum of its floats correctly rounded (half to even), and so does
    `float` of the exact rational sum (one correctly rounded integer division)."""
    rest = list(others)
    if copies <= FEW_COPIES or not all(math.isfinite(x) for x in (value, *rest)):
        return math.fsum(itertools.chain(itertools.repeat(value, copies), rest))
    return float(Fraction(value) * copies + sum(map(Fraction, rest), Fraction(0)))


FEW_COPIES = 32
"""Up to this many copies `math.fsum` over them is cheaper than the rational sum (and is
what runs with infinities or NaNs, under fsum's own rules)."""


def _pref_row(generator: Generator, prefix: Prefix) -> tuple[float, ...]:
    return tuple(float(p) for p in generator.next_token(prefix))


def compute_suboptimality_by_rows(policy: TabularTilt, family: HiddenPathFamily,
                                  path: object) -> float:
    """GAP: `compute_suboptimality` as first written, token by token: each row is `pref`'s
    row from the spec's `pi_z` (`family.generator`, `K^2` Fractions) and the sums run over
    its `K` tokens. The reference the tests compare `compute_suboptimality` with (equal bit
    for bit) and the "before" of benchmarks/bench_gap_scale.py; small `K` only.
    """
    z = check_response(path, family.vocab_size, family.horizon)
    K, H = family.vocab_size, family.horizon
    if (policy.vocab_size, policy.horizon) != (K, H):
        raise InvalidDefinition("policy", f"must be for K = {K}, H = {H}",
                                (policy.vocab_size, policy.horizon))
    beta = float(calibrated_beta(family.alpha, H))
    on_path_weight = [float(compute_path_continuation_weight(family, t)) for t in range(H + 1)]
    generator = family.generator(z)
    theta = policy.theta_map()
    tilted = {u for (u, _a) in theta}
    prefixes = tilted | {z[:t] for t in range(H)}
    closed = set(prefixes)
    for u in prefixes:  # prefix closure (ancestors of a tilted prefix are tilted already)
        closed.update(u[:t] for t in range(len(u)))

    def W(u: Prefix) -> float:
        return on_path_weight[len(u)] if is_on_path(u, z) else 1.0

    terms: list[float] = []
    reach: dict[Prefix, float] = {(): 1.0}
    for u in sorted(closed, key=len):
        rho = reach[u]
        pref = _pref_row(generator, u)
        mine = tilted_row(theta, u, pref)
        w_u = W(u)
        target = [pref[a] * W((*u, a)) / w_u for a in range(K)]
        terms.append(rho * math.fsum(p * math.log(p / q) for p, q in zip(mine, target,
                                                                           strict=True) if p > 0))
        for a in range(K):
            child = (*u, a)
            if child in closed:
                reach[child] = rho * mine[a]
    return beta * max(0.0, math.fsum(terms))
