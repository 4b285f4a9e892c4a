"""The leader-trie family LT(K, H, lambda) (docs/theory.md, LT1): tries, their generators,
their enumeration, and the LT1 margin.

A trie `T` is the prefix-closure of a nonempty set `Y` of full responses in `V^H`. Its
internal nodes are its prefixes of length `< H`; the leader set of an internal `u` is
`L(u) = {a : u·a in T}`. `pi_T(a|u) = lambda` for a leader and
`(1 - |L(u)| lambda) / (K - |L(u)|)` for every other token at an internal `u`; uniform at
every other prefix. A trie is admissible only if every internal node has at most
`floor(1/lambda)` leaders; `LeaderTrie` refuses any other.

LT2's per-node classification lives in `genaccess.spec.leader_classification`, LT3's pairs
and separation by queries in `genaccess.spec.separation`.

>>> t = LeaderTrie(3, 2, "1/2", [(0, 0), (1, 0)])
>>> internal_nodes(t)
((), (0,), (1,))
>>> sorted(leader_set(t, ()))
[0, 1]
>>> next_token_distribution(t, ()).probs
(Fraction(1, 2), Fraction(1, 2), Fraction(0, 1))
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Iterable, Iterator, Sequence
from fractions import Fraction

import attrs

from genaccess.spec.distribution import Distribution
from genaccess.spec.errors import InvalidDefinition
from genaccess.spec.generator import Generator, TableRule
from genaccess.spec.numbers import int_at_least, to_lambda
from genaccess.spec.prefix import Prefix, Response, all_prefixes, check_tokens

__all__ = [
    "LeaderTrie",
    "all_leader_tries",
    "compute_gamma",
    "compute_theta",
    "count_leader_tries",
    "internal_nodes",
    "is_LT1_margin",
    "is_LT1_margin_row",
    "leader_set",
    "leader_sets",
    "leader_trie_generator",
    "max_leaders",
    "next_token_distribution",
    "non_leader_probability",
    "trie_nodes",
]


# ---------------------------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------------------------

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
    sets = _leader_sets(value, H)
    if max(map(len, sets.values())) > cap:
        for u in sorted(sets, key=lambda v: (len(v), v)):
            if len(sets[u]) > cap:
                raise InvalidDefinition(
                    "responses",
                    f"inadmissible trie: internal node {u} has {len(sets[u])} leaders "
                    f"{sorted(sets[u])}, more than floor(1/lambda) = {cap} for lambda = "
                    f"{instance.lam}",
                )
    # `LeaderTrie._sets` is a cached property of exactly these sets: fill it now.
    object.__setattr__(instance, "_sets", sets)


def _leader_sets(responses: Iterable[Sequence[int]], horizon: int
                 ) -> dict[Prefix, frozenset[int]]:
    found: dict[Prefix, set[int]] = {}
    for y in responses:
        for t in range(horizon):
            found.setdefault(tuple(y[:t]), set()).add(y[t])
    return {u: frozenset(leaders) for u, leaders in found.items()}


def _closure(responses: Iterable[Sequence[int]]) -> frozenset[Prefix]:
    return frozenset(tuple(y[:t]) for y in responses for t in range(len(y) + 1))


@attrs.frozen
class LeaderTrie:
    """LT1: an admissible trie of LT(K, H, lambda), the prefix-closure of `responses`.

    Refused with `InvalidDefinition` (naming the field and the rule): `K < 3`, `H < 1`,
    `lambda` outside `(1/K, 1/2]`, an empty response set, a response of the wrong length or
    with a token outside `0..K-1`, and an internal node with more than `floor(1/lambda)`
    leaders. `responses` is stored sorted and without repeats, so equal tries compare equal.

    >>> LeaderTrie(3, 1, "2/5", [(0,), (1,), (2,)])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    genaccess.spec.errors.InvalidDefinition: responses: inadmissible trie: internal node () ...
    """

    vocab_size: int = attrs.field(validator=int_at_least(3))
    horizon: int = attrs.field(validator=int_at_least(1))
    lam: Fraction = attrs.field(converter=to_lambda, validator=_check_lambda)
    responses: tuple[Response, ...] = attrs.field(converter=_to_responses,
                                                  validator=_check_responses)

    @classmethod
    def hidden_path(cls, vocab_size: int, horizon: int, lam: object,
                    path: Sequence[int]) -> LeaderTrie:
        """The one-response trie `closure({z})`: the hidden path `z` with `alpha = lambda`."""
        return cls(vocab_size, horizon, lam, [tuple(path)])

    @functools.cached_property
    def _sets(self) -> dict[Prefix, frozenset[int]]:
        # Computed once per trie: the generator and the LT1 margin both need it.
        return _leader_sets(self.responses, self.horizon)


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
    return dict(trie._sets)


def compute_theta(vocab_size: int, lam: Fraction) -> Fraction:
    """LT1: the threshold `theta = (lambda + 1/K) / 2`."""
    return (lam + Fraction(1, vocab_size)) / 2


def compute_gamma(vocab_size: int, lam: Fraction) -> Fraction:
    """LT1: the margin `gamma = (lambda - 1/K) / 2`."""
    return (lam - Fraction(1, vocab_size)) / 2


def non_leader_probability(vocab_size: int, lam: Fraction, leaders: int) -> Fraction:
    """`(1 - l lambda) / (K - l)`: a non-leader's probability at a node with `l` leaders."""
    return (1 - leaders * lam) / (vocab_size - leaders)


class _Rows(dict[frozenset[int], Distribution]):
    """The rows of one (K, lambda), one shared immutable `Distribution` per leader set,
    built on first use: exhaustive checks build tens of thousands of tries whose rows are
    drawn from a handful of distinct ones."""

    def __init__(self, vocab_size: int, lam: Fraction) -> None:
        super().__init__()
        self.vocab_size, self.lam = vocab_size, lam

    def __missing__(self, leaders: frozenset[int]) -> Distribution:
        K, lam = self.vocab_size, self.lam
        if not leaders:
            row = Distribution.uniform(K)
        else:
            other = non_leader_probability(K, lam, len(leaders))
            row = Distribution(tuple(lam if a in leaders else other for a in range(K)))
        self[leaders] = row
        return row


@functools.lru_cache(maxsize=64)
def _rows(vocab_size: int, lam: Fraction) -> _Rows:
    return _Rows(vocab_size, lam)


def _row(vocab_size: int, lam: Fraction, leaders: frozenset[int]) -> Distribution:
    return _rows(vocab_size, lam)[leaders]


def next_token_distribution(trie: LeaderTrie, prefix: Prefix) -> Distribution:
    """`pi_T(.|u)`: `lambda` on leaders and the rest shared equally at an internal node of
    `T`; uniform at every other prefix."""
    return _row(trie.vocab_size, trie.lam, leader_set(trie, prefix))


def leader_trie_generator(trie: LeaderTrie) -> Generator:
    """The generator `pi_T` (a table on the internal nodes, uniform elsewhere)."""
    rows = _rows(trie.vocab_size, trie.lam)
    table = {u: rows[leaders] for u, leaders in trie._sets.items()}
    # Every key is a validated node of the trie and every row a validated `Distribution`
    # with K entries, so the table needs no second validation (`Generator.from_table`).
    return Generator.from_rule(trie.vocab_size, trie.horizon,
                               TableRule(table, rows[frozenset()]))


# ---------------------------------------------------------------------------------------------
# Enumeration
# ---------------------------------------------------------------------------------------------

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
        # Admissible by construction (at most `cap` leaders per node; sorted, distinct
        # responses of length H over 0..K-1), so the validators are skipped: they would
        # dominate an exhaustive run. `test_count_of_tries_matches_enumeration` checks the
        # enumeration against `LeaderTrie` and the count.
        trie = object.__new__(LeaderTrie)
        for name, value in (("vocab_size", vocab_size), ("horizon", horizon),
                            ("lam", probe.lam), ("responses", responses)):
            object.__setattr__(trie, name, value)
        yield trie


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


def _margin_bounds(vocab_size: int, lam: Fraction) -> tuple[Fraction, Fraction]:
    theta, gamma = compute_theta(vocab_size, lam), compute_gamma(vocab_size, lam)
    return theta + gamma, theta - gamma


def is_LT1_margin(trie: LeaderTrie, generator: Generator | None = None) -> bool:
    """LT1: under `pi_T` (or the given generator), at every prefix, the trie's leaders have
    probability `>= theta + gamma` and every other token `<= theta - gamma`."""
    K = trie.vocab_size
    leader_floor, other_ceiling = _margin_bounds(K, trie.lam)
    sets = trie._sets
    if generator is None:
        generator = leader_trie_generator(trie)
    # The generator hands out one shared row per leader set, so each distinct (row, leader
    # set) pair is compared once per trie; `rows` keeps every compared row alive, so an id
    # in `decided` cannot be reused by another row within the call.
    decided: dict[tuple[int, frozenset[int]], bool] = {}
    rows: list[Distribution] = []
    none: frozenset[int] = frozenset()
    for u in all_prefixes(K, trie.horizon):
        row = generator.next_token(u)
        leaders = sets.get(u, none)
        verdict = decided.get((id(row), leaders))
        if verdict is None:
            # p_a = w_a / d against n / m, as integers: w_a m >= n d (no Fractions made)
            d = row.denominator
            floor = (leader_floor.denominator, leader_floor.numerator * d)
            ceiling = (other_ceiling.denominator, other_ceiling.numerator * d)
            verdict = all((w * floor[0] >= floor[1]) if a in leaders
                          else (w * ceiling[0] <= ceiling[1])
                          for a, w in enumerate(row.weights))
            decided[(id(row), leaders)] = verdict
            rows.append(row)
        if not verdict:
            return False
    return True
