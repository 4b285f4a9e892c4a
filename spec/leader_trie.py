"""The leader-trie family LT(K, H, lambda) (THEORY.md section 5): tries, their generators,
the LT1 margin, the LT2 per-node error, and the LT3 pairs.

A trie `T` is the prefix-closure of a nonempty set `Y` of full responses in `V^H`. Its
internal nodes are its prefixes of length `< H`; the leader set of an internal `u` is
`L(u) = {a : u·a in T}`. `pi_T(a|u) = lambda` for a leader and
`(1 - |L(u)| lambda) / (K - |L(u)|)` for every other token at an internal `u`; uniform at
every other prefix. A trie is admissible only if every internal node has at most
`floor(1/lambda)` leaders; `LeaderTrie` refuses any other.

>>> t = LeaderTrie(3, 2, "1/2", [(0, 0), (1, 0)])
>>> internal_nodes(t)
((), (0,), (1,))
>>> sorted(leader_set(t, ()))
[0, 1]
>>> next_token_distribution(t, ()).probs
(Fraction(1, 2), Fraction(1, 2), Fraction(0, 1))
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from fractions import Fraction

import attrs
import mpmath  # type: ignore[import-untyped, unused-ignore]
from mpmath import iv  # type: ignore[import-untyped, unused-ignore]

from genaccess.spec.access import AccessModel
from genaccess.spec.chance import Chooser, exact_law
from genaccess.spec.control import ArbitraryPrefix, LocalReset, RootStart
from genaccess.spec.distribution import Distribution
from genaccess.spec.errors import InvalidDefinition
from genaccess.spec.generator import Generator
from genaccess.spec.local_reset import built_by
from genaccess.spec.numbers import to_fraction
from genaccess.spec.observation import ObservationType, Report
from genaccess.spec.oracle import Oracle
from genaccess.spec.prefix import Prefix, Response, all_prefixes, check_tokens
from genaccess.spec.transcript import QueryRecord

__all__ = [
    "LeaderTrie",
    "all_leader_tries",
    "answer_law",
    "bfs_success_probability",
    "compute_gamma",
    "compute_samples_per_node",
    "compute_theta",
    "count_leader_tries",
    "find_separating_query",
    "internal_nodes",
    "is_LT1_margin",
    "is_LT1_margin_row",
    "is_LT2_samples_sufficient",
    "is_LT3_top1_agreement",
    "is_at_most_exp",
    "leader_set",
    "leader_sets",
    "leader_trie_generator",
    "max_leaders",
    "next_token_distribution",
    "node_correct_probability",
    "node_misclassification_probability",
    "non_leader_probability",
    "root_test_errors",
    "top1_pair",
    "topk_pair",
    "trie_nodes",
]


# ---------------------------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------------------------

def _check_vocab(instance: object, attribute: attrs.Attribute[int], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 3:
        raise InvalidDefinition("vocab_size", "the leader-trie family needs an integer K >= 3",
                                value)


def _check_horizon(instance: object, attribute: attrs.Attribute[int], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidDefinition("horizon", "H must be an integer >= 1", value)


def _to_lambda(value: object) -> Fraction:
    return to_fraction(value, "lambda")


def _check_lambda(instance: LeaderTrie, attribute: attrs.Attribute[Fraction],
                  value: Fraction) -> None:
    K = instance.vocab_size
    if not Fraction(1, K) < value <= Fraction(1, 2):
        raise InvalidDefinition("lambda", f"must lie in (1/K, 1/2] = (1/{K}, 1/2]", str(value))


def _to_responses(value: object) -> object:
    """A sorted tuple of distinct response tuples when `value` looks like one; anything
    else is passed through unchanged for `_check_responses` to name."""
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        return value
    items = [tuple(y) if isinstance(y, list | tuple) else y for y in value]
    try:
        return tuple(sorted(set(items)))
    except TypeError:  # mixed or unhashable items: leave them for the validator to name
        return tuple(items)


def _check_responses(instance: LeaderTrie, attribute: attrs.Attribute[tuple[Response, ...]],
                     value: object) -> None:
    K, H = instance.vocab_size, instance.horizon
    if not isinstance(value, tuple):
        raise InvalidDefinition("responses", "must be a collection of responses", value)
    if not value:
        raise InvalidDefinition("responses", "the response set Y must be nonempty", value)
    for i, y in enumerate(value):
        check_tokens(y, K, f"responses[{i}]")
        if len(y) != H:
            raise InvalidDefinition(f"responses[{i}]",
                                    f"a response has length exactly H = {H}", y)
    cap = max_leaders(instance.lam)
    nodes = _closure(value)
    for u in sorted(v for v in nodes if len(v) < H):
        leaders = sorted(a for a in range(K) if (*u, a) in nodes)
        if len(leaders) > cap:
            raise InvalidDefinition(
                "responses",
                f"inadmissible trie: internal node {u} has {len(leaders)} leaders {leaders}, "
                f"more than floor(1/lambda) = {cap} for lambda = {instance.lam}",
            )


def _closure(responses: Iterable[Sequence[int]]) -> frozenset[Prefix]:
    return frozenset(tuple(y[:t]) for y in responses for t in range(len(y) + 1))


@attrs.frozen
class LeaderTrie:
    """An admissible trie of LT(K, H, lambda): the prefix-closure of `responses`.

    Refused with `InvalidDefinition` (naming the field and the rule): `K < 3`, `H < 1`,
    `lambda` outside `(1/K, 1/2]`, an empty response set, a response of the wrong length or
    with a token outside `0..K-1`, and an internal node with more than `floor(1/lambda)`
    leaders. `responses` is stored sorted and without repeats, so equal tries compare equal.

    >>> LeaderTrie(3, 1, "2/5", [(0,), (1,), (2,)])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    genaccess.spec.errors.InvalidDefinition: responses: inadmissible trie: internal node () ...
    """

    vocab_size: int = attrs.field(validator=_check_vocab)
    horizon: int = attrs.field(validator=_check_horizon)
    lam: Fraction = attrs.field(converter=_to_lambda, validator=_check_lambda)
    responses: tuple[Response, ...] = attrs.field(converter=_to_responses,
                                                  validator=_check_responses)

    @classmethod
    def hidden_path(cls, vocab_size: int, horizon: int, lam: object,
                    path: Sequence[int]) -> LeaderTrie:
        """The one-response trie `closure({z})`: the hidden path `z` with `alpha = lambda`."""
        return cls(vocab_size, horizon, lam, [tuple(path)])


# ---------------------------------------------------------------------------------------------
# Structure
# ---------------------------------------------------------------------------------------------

def max_leaders(lam: Fraction) -> int:
    """`floor(1/lambda)`: the most leaders an internal node of an admissible trie may have."""
    return math.floor(1 / lam)


def trie_nodes(trie: LeaderTrie) -> frozenset[Prefix]:
    """Every node of the trie: the prefix-closure of `Y`, root and full responses included."""
    return _closure(trie.responses)


def internal_nodes(trie: LeaderTrie) -> tuple[Prefix, ...]:
    """The trie's prefixes of length `< H`, in breadth-first order (shortest first,
    lexicographic within a depth)."""
    return tuple(sorted((u for u in trie_nodes(trie) if len(u) < trie.horizon),
                        key=lambda u: (len(u), u)))


def leader_set(trie: LeaderTrie, prefix: Prefix) -> frozenset[int]:
    """`L(u) = {a : u·a in T}` at an internal node; empty at every other prefix."""
    return leader_sets(trie).get(tuple(prefix), frozenset())


def leader_sets(trie: LeaderTrie) -> dict[Prefix, frozenset[int]]:
    """`{u: L(u)}` for every internal node `u` (each has at least one leader)."""
    found: dict[Prefix, set[int]] = {}
    for y in trie.responses:
        for t in range(trie.horizon):
            found.setdefault(y[:t], set()).add(y[t])
    return {u: frozenset(leaders) for u, leaders in found.items()}


def compute_theta(vocab_size: int, lam: Fraction) -> Fraction:
    """LT1's threshold `theta = (lambda + 1/K) / 2`."""
    return (lam + Fraction(1, vocab_size)) / 2


def compute_gamma(vocab_size: int, lam: Fraction) -> Fraction:
    """LT1's margin `gamma = (lambda - 1/K) / 2`."""
    return (lam - Fraction(1, vocab_size)) / 2


def non_leader_probability(vocab_size: int, lam: Fraction, leaders: int) -> Fraction:
    """`(1 - l lambda) / (K - l)`: a non-leader's probability at a node with `l` leaders."""
    return (1 - leaders * lam) / (vocab_size - leaders)


def _row(vocab_size: int, lam: Fraction, leaders: frozenset[int]) -> Distribution:
    if not leaders:
        return Distribution.uniform(vocab_size)
    other = non_leader_probability(vocab_size, lam, len(leaders))
    return Distribution(tuple(lam if a in leaders else other for a in range(vocab_size)))


def next_token_distribution(trie: LeaderTrie, prefix: Prefix) -> Distribution:
    """`pi_T(.|u)`: `lambda` on leaders and the rest shared equally at an internal node of
    `T`; uniform at every other prefix."""
    return _row(trie.vocab_size, trie.lam, leader_set(trie, prefix))


def leader_trie_generator(trie: LeaderTrie) -> Generator:
    """The generator `pi_T` (a table on the internal nodes, uniform elsewhere)."""
    sets = leader_sets(trie)
    rows = {leaders: _row(trie.vocab_size, trie.lam, leaders) for leaders in set(sets.values())}
    table = {u: rows[leaders] for u, leaders in sets.items()}
    return Generator.from_table(trie.vocab_size, trie.horizon, table,
                                default=Distribution.uniform(trie.vocab_size))


def all_leader_tries(vocab_size: int, horizon: int, lam: object) -> Iterator[LeaderTrie]:
    """Every admissible trie of LT(K, H, lambda) (the exhaustive checks' domain)."""
    probe = LeaderTrie(vocab_size, horizon, lam, [(0,) * horizon])
    cap = max_leaders(probe.lam)

    def subtrees(depth: int) -> list[tuple[tuple[int, ...], ...]]:
        # Every nonempty set of suffixes of length `depth`, as sorted tuples.
        if depth == 0:
            return [((),)]
        below = subtrees(depth - 1)
        found: list[tuple[tuple[int, ...], ...]] = []
        for size in range(1, cap + 1):
            for leaders in itertools.combinations(range(vocab_size), size):
                for parts in itertools.product(below, repeat=size):
                    found.append(tuple((a, *s) for a, part in zip(leaders, parts, strict=True)
                                       for s in part))
        return found

    for responses in subtrees(horizon):
        yield LeaderTrie(vocab_size, horizon, probe.lam, responses)


def count_leader_tries(vocab_size: int, horizon: int, lam: Fraction) -> int:
    """`|LT(K, H, lambda)|`, by the recursion `t(h) = sum_l C(K, l) t(h-1)^l`, `t(0) = 1`."""
    cap = max_leaders(lam)
    t = 1
    for _ in range(horizon):
        t = sum(math.comb(vocab_size, size) * t**size for size in range(1, cap + 1))
    return t


# ---------------------------------------------------------------------------------------------
# LT1: the margin
# ---------------------------------------------------------------------------------------------

def is_LT1_margin_row(vocab_size: int, lam: Fraction, leaders: int) -> bool:
    """LT1: at a node with `leaders` leaders the row is a distribution, every leader has
    probability `>= theta + gamma` and every non-leader `<= theta - gamma`."""
    theta, gamma = compute_theta(vocab_size, lam), compute_gamma(vocab_size, lam)
    if leaders == 0:
        return Fraction(1, vocab_size) <= theta - gamma
    if leaders >= vocab_size:
        return leaders * lam == 1 and lam >= theta + gamma
    other = non_leader_probability(vocab_size, lam, leaders)
    return (other >= 0 and leaders * lam + (vocab_size - leaders) * other == 1
            and lam >= theta + gamma and other <= theta - gamma)


def is_LT1_margin(trie: LeaderTrie) -> bool:
    """LT1: under `pi_T`, at every prefix, leaders have probability `>= theta + gamma` and
    every other token `<= theta - gamma`."""
    K, lam = trie.vocab_size, trie.lam
    theta, gamma = compute_theta(K, lam), compute_gamma(K, lam)
    leader_floor, other_ceiling = theta + gamma, theta - gamma
    generator = leader_trie_generator(trie)
    sets = leader_sets(trie)
    for u in all_prefixes(K, trie.horizon):
        row = generator.next_token(u)
        leaders = sets.get(u, frozenset())
        for a, p in enumerate(row):
            if (p < leader_floor) if a in leaders else (p > other_ceiling):
                return False
    return True


# ---------------------------------------------------------------------------------------------
# LT2: the per-node classification error and the choice of m
# ---------------------------------------------------------------------------------------------

def compute_samples_per_node(vocab_size: int, lam: Fraction, cap: int, delta: Fraction) -> int:
    """LT2's `m = ceil(ln(2 S K / delta) / (2 gamma^2))`, the smallest integer `m` with
    `K exp(-2 m gamma^2) <= delta / (2 S)` (Hoeffding per token, union over `K` tokens).

    Computed in floating point; the LT2 checks confirm the inequality exactly (sympy).
    """
    if not 0 < delta < 1:
        raise InvalidDefinition("delta", "must lie in (0, 1)", str(delta))
    if isinstance(cap, bool) or not isinstance(cap, int) or cap < 1:
        raise InvalidDefinition("S", "the cap on processed prefixes must be an integer >= 1",
                                cap)
    gamma = compute_gamma(vocab_size, lam)
    return max(1, math.ceil(math.log(2 * cap * vocab_size / float(delta))
                            / (2 * float(gamma) ** 2)))


def is_at_most_exp(value: Fraction, exponent: Fraction, max_bits: int = 4096) -> bool:
    """Whether `value <= exp(exponent)`, decided rigorously: `exp` is enclosed in an
    `mpmath.iv` interval whose precision doubles until it lies on one side of `value`."""
    bits = 64
    saved = iv.prec
    try:
        while bits <= max_bits:
            iv.prec = bits
            enclosure = iv.exp(iv.mpf(exponent.numerator) / exponent.denominator)
            low, high = (Fraction(*mpmath.libmp.to_rational(end)) for end in enclosure._mpi_)
            if value <= low:
                return True
            if value > high:
                return False
            bits *= 2
    finally:
        iv.prec = saved
    raise ArithmeticError(f"cannot compare {value} with exp({exponent}) at {max_bits} bits")


def is_LT2_samples_sufficient(vocab_size: int, lam: Fraction, cap: int, delta: Fraction,
                              samples: int) -> bool:
    """LT2: `m` samples per node meet the Hoeffding requirement
    `K exp(-2 m gamma^2) <= delta / (2 S)`, i.e. `m >= ln(2 S K / delta) / (2 gamma^2)`."""
    gamma = compute_gamma(vocab_size, lam)
    return is_at_most_exp(Fraction(vocab_size) * 2 * cap / Fraction(delta),
                          2 * samples * gamma**2)


def _node_rows(vocab_size: int, lam: Fraction, leaders: int) -> tuple[list[int], int]:
    """Integer weights (leaders first) and their common denominator for a node's row."""
    other = non_leader_probability(vocab_size, lam, leaders) if leaders < vocab_size else 0
    probs = [lam] * leaders + [Fraction(other)] * (vocab_size - leaders)
    denominator = math.lcm(*(p.denominator for p in probs))
    return [int(p * denominator) for p in probs], denominator


def node_correct_probability(vocab_size: int, lam: Fraction, leaders: int, samples: int
                             ) -> Fraction:
    """LT2: the exact chance that `m` samples at a node with `leaders` leaders are classified
    right: every leader's count `>= theta m` and every other token's count `< theta m`.

    The multinomial sum over count vectors, by a dynamic programme over tokens in integers:
    `f_j(n) = sum (n! / prod n_i!) prod w_i^{n_i}` over counts of the first `j` tokens.
    """
    theta = compute_theta(vocab_size, lam)
    threshold = math.ceil(theta * samples)  # count >= theta m  <=>  count >= threshold
    weights, denominator = _node_rows(vocab_size, lam, leaders)
    table = {0: 1}
    for index, w in enumerate(weights):
        allowed = range(threshold, samples + 1) if index < leaders else range(
            0, min(threshold, samples + 1))
        nxt: dict[int, int] = {}
        for n, ways in table.items():
            for k in allowed:
                if n + k > samples:
                    break
                nxt[n + k] = nxt.get(n + k, 0) + ways * math.comb(n + k, k) * w**k
        table = nxt
    return Fraction(table.get(samples, 0), denominator**samples)


def node_misclassification_probability(vocab_size: int, lam: Fraction, leaders: int,
                                       samples: int) -> Fraction:
    """LT2: `1 - node_correct_probability`, the per-node misclassification chance."""
    return 1 - node_correct_probability(vocab_size, lam, leaders, samples)


def bfs_success_probability(trie: LeaderTrie, samples: int, cap: int) -> Fraction:
    """LT2: the exact chance that the BFS learner returns `T`: every internal node is
    classified right (then exactly the internal nodes are processed), and they fit the cap.
    One factor per internal node, which depends only on its leader count."""
    counts = Counter(len(leaders) for leaders in leader_sets(trie).values())
    if sum(counts.values()) > cap:
        return Fraction(0)
    p = Fraction(1)
    for leaders, nodes in sorted(counts.items()):
        p *= node_correct_probability(trie.vocab_size, trie.lam, leaders, samples) ** nodes
    return p


# ---------------------------------------------------------------------------------------------
# LT3: the pairs, the root test, and separation by queries
# ---------------------------------------------------------------------------------------------

def top1_pair(vocab_size: int, horizon: int, lam: object) -> tuple[LeaderTrie, LeaderTrie]:
    """LT3's pair: `T1 = closure{0^H}`, `T2 = closure{0^H, 1·0^(H-1)}` (needs `H >= 2`)."""
    if isinstance(horizon, int) and not isinstance(horizon, bool) and horizon < 2:
        raise InvalidDefinition("horizon", "the LT3 pair needs H >= 2", horizon)
    zeros = (0,) * horizon
    first = LeaderTrie(vocab_size, horizon, lam, [zeros])
    return first, LeaderTrie(vocab_size, horizon, lam, [zeros, (1, *zeros[1:])])


def topk_pair(vocab_size: int, horizon: int, lam: object, k: int
              ) -> tuple[LeaderTrie, LeaderTrie]:
    """LT3's top-k boundary pair: `T1 = closure{a·0^(H-1) : a < k}` and
    `T2 = closure{a·0^(H-1) : a <= k}`; needs `k >= 1`, `K >= k+2`, `lambda <= 1/(k+1)`,
    `H >= 2`."""
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise InvalidDefinition("k", "the top-k pair needs an integer k >= 1", k)
    if isinstance(vocab_size, int) and vocab_size < k + 2:
        raise InvalidDefinition("vocab_size", f"the top-k pair needs K >= k+2 = {k + 2}",
                                vocab_size)
    if isinstance(horizon, int) and not isinstance(horizon, bool) and horizon < 2:
        raise InvalidDefinition("horizon", "the top-k pair needs H >= 2", horizon)
    value = to_fraction(lam, "lambda")
    if value > Fraction(1, k + 1):
        raise InvalidDefinition("lambda", f"the top-k pair needs lambda <= 1/(k+1) = 1/{k + 1}",
                                str(value))
    tail = (0,) * (horizon - 1)
    first = LeaderTrie(vocab_size, horizon, value, [(a, *tail) for a in range(k)])
    return first, LeaderTrie(vocab_size, horizon, value, [(a, *tail) for a in range(k + 1)])


def is_LT3_top1_agreement(first: LeaderTrie, second: LeaderTrie) -> bool:
    """LT3: the two tries' greedy (top-1, token only) answers agree at every prefix."""
    if (first.vocab_size, first.horizon) != (second.vocab_size, second.horizon):
        return False
    g1, g2 = leader_trie_generator(first), leader_trie_generator(second)
    return all(g1.next_token(u).argmax() == g2.next_token(u).argmax()
               for u in all_prefixes(first.vocab_size, first.horizon))


def _binomial_tail(samples: int, p: Fraction, at_least: int) -> Fraction:
    return sum((math.comb(samples, j) * p**j * (1 - p) ** (samples - j)
                for j in range(max(at_least, 0), samples + 1)), Fraction(0))


def root_test_errors(vocab_size: int, lam: Fraction, samples: int
                     ) -> tuple[Fraction, Fraction]:
    """LT3: the exact errors of "decide T2 iff token 1's frequency among `m` root samples is
    `>= theta`" on the top-1 pair: `(P_T1(decide T2), P_T2(decide T1))`."""
    theta = compute_theta(vocab_size, lam)
    threshold = math.ceil(theta * samples)
    off = non_leader_probability(vocab_size, lam, 1)  # token 1 at the root of T1
    return _binomial_tail(samples, off, threshold), 1 - _binomial_tail(samples, lam, threshold)


Answer = tuple[Report, ...]


def answer_law(generator: Generator, observation: ObservationType, prefix: Prefix,
               length: int) -> dict[Answer, Fraction]:
    """The exact law of the reports of one query `(prefix, length)`, computed by running the
    real oracle (arbitrary-prefix control, so any query is answered) under `exact_law`."""
    access = AccessModel(ArbitraryPrefix(), observation)

    def experiment(chooser: Chooser) -> Answer:
        return Oracle(generator, access, rng=chooser).query(prefix, length)

    return exact_law(experiment)


def find_separating_query(first: Generator, second: Generator, access: AccessModel,
                          lengths: Sequence[int] | None = None) -> tuple[Prefix, int] | None:
    """A query `(u, L)` the access model can ever make whose answer law differs between the
    two generators, or `None` when there is none.

    `None` means no learner, adaptive or randomised, with any number of queries, separates
    them: by induction on the transcript, if every query admissible after equal transcripts
    has the same answer law, every transcript has the same law. Admissible queries are
    enumerated exactly: root-start makes `((), H)` only; arbitrary-prefix any prefix;
    local-reset any prefix in the built closure (the union of the built sets of every
    answer, a fixpoint). `lengths` restricts continuation lengths (e.g. `(1,)` for
    one-token chosen-prefix queries); the default is every valid length.
    """
    H, K = first.horizon, first.vocab_size
    if (second.vocab_size, second.horizon) != (K, H):
        raise InvalidDefinition("second", "must have the same K and H as first",
                                (second.vocab_size, second.horizon))
    control = access.control
    if isinstance(control, RootStart):
        frontier: list[Prefix] = [()]
    elif isinstance(control, LocalReset):
        frontier = [()]
    else:
        frontier = list(all_prefixes(K, H))
    seen = set(frontier)
    while frontier:
        u = frontier.pop(0)
        valid = range(1, H - len(u) + 1)
        for length in valid:
            if lengths is not None and length not in lengths:
                continue
            if control.refusal(u, length, H, frozenset(seen)) is not None:
                continue
            law = answer_law(first, access.observation, u, length)
            if law != answer_law(second, access.observation, u, length):
                return u, length
            if isinstance(control, LocalReset):
                for reports in law:
                    for v in sorted(built_by(QueryRecord(u, length, reports), H) - seen):
                        seen.add(v)
                        frontier.append(v)
    return None
