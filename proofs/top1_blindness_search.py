"""LT3 (solver): a z3 search over every pair of admissible tries of a small size for a pair
that `top1` cannot separate, and a proof that `full` observations separate every pair.

The encoding. A trie of LT(K, H, lambda) is one Boolean per node `u` (length `1..H`; the
root is always in) with: prefix-closure (`u·a` in implies `u` in), every node of length
`< H` in the trie has a child (so it is the closure of full responses), and at most
`floor(1/lambda)` children per node (admissibility). The next-token row at a prefix `u` is a
vector of z3 rationals written from the definition (docs/theory.md, LT1): `lambda` on leaders,
`(1 - l lambda)/(K - l)` on the rest at an internal node with `l` leaders, `1/K` elsewhere.
`top1(u) = a` is encoded from the row with Python's tie rule (strictly above every lower
token, at least every higher one). "top1 cannot separate the pair" is: at every prefix the
two tries have the same top-1 token (so every one-token query has the same answer law);
"full cannot separate" is: the same row at every prefix.

`check_encoding` evaluates every encoded row and top-1 token on every admissible trie of a
shape and compares them with the Python generator (`genaccess.spec.leader_trie`).
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from fractions import Fraction

import attrs
import z3

from genaccess.proofs.result import ProofResult, prove
from genaccess.spec.leader_trie import (
    LeaderTrie,
    all_leader_tries,
    leader_trie_generator,
    max_leaders,
    non_leader_probability,
    trie_nodes,
)
from genaccess.spec.prefix import Prefix, all_prefixes


def _q(value: Fraction) -> z3.ArithRef:
    return z3.RealVal(f"{value.numerator}/{value.denominator}")


@attrs.frozen
class TrieVars:
    """The z3 variables of one trie: `node[u]` for every `u` of length `1..H`."""

    name: str
    vocab_size: int
    horizon: int
    lam: Fraction
    node: dict[Prefix, z3.BoolRef] = attrs.field(eq=False)

    @classmethod
    def fresh(cls, name: str, vocab_size: int, horizon: int, lam: Fraction) -> TrieVars:
        nodes = {u: z3.Bool(f"{name}{''.join(map(str, u))}")
                 for depth in range(1, horizon + 1)
                 for u in itertools.product(range(vocab_size), repeat=depth)}
        return cls(name, vocab_size, horizon, lam, nodes)

    def contains(self, u: Prefix) -> z3.BoolRef:
        return z3.BoolVal(True) if u == () else self.node[u]

    def leader_count(self, u: Prefix) -> z3.ArithRef:
        return z3.Sum([z3.If(self.node[(*u, a)], 1, 0) for a in range(self.vocab_size)])

    def admissible(self) -> list[z3.BoolRef]:
        """Prefix-closed, every internal node has a child, at most floor(1/lambda) leaders."""
        K, H = self.vocab_size, self.horizon
        facts: list[z3.BoolRef] = []
        for u in all_prefixes(K, H):
            children = [self.node[(*u, a)] for a in range(K)]
            facts.extend(z3.Implies(c, self.contains(u)) for c in children)
            facts.append(z3.Implies(self.contains(u), z3.Or(children)))
            facts.append(self.leader_count(u) <= max_leaders(self.lam))
        return facts

    def row(self, u: Prefix) -> list[z3.ArithRef]:
        """`pi_T(a|u)` for every token `a`, as z3 rationals (docs/theory.md, LT1)."""
        K, lam = self.vocab_size, self.lam
        count = self.leader_count(u)
        other: z3.ArithRef = _q(Fraction(1, K))  # unreachable default (no leaders)
        for leaders in range(max_leaders(lam), 0, -1):
            other = z3.If(count == leaders, _q(non_leader_probability(K, lam, leaders)), other)
        internal = z3.And(self.contains(u), count >= 1)
        return [z3.If(internal, z3.If(self.node[(*u, a)], _q(lam), other), _q(Fraction(1, K)))
                for a in range(K)]

    def top1_is(self, u: Prefix, token: int) -> z3.BoolRef:
        """`top1(u) = token`: above every lower token, at least every higher one."""
        p = self.row(u)
        return z3.And([p[token] > p[b] for b in range(token)]
                      + [p[token] >= p[b] for b in range(token + 1, self.vocab_size)])

    def size(self) -> z3.ArithRef:
        return z3.Sum([z3.If(x, 1, 0) for x in self.node.values()])

    def decode(self, model: z3.ModelRef) -> LeaderTrie:
        """The trie a model assigns (its full responses)."""
        H = self.horizon
        responses = [u for u, x in self.node.items()
                     if len(u) == H and z3.is_true(model.eval(x, model_completion=True))]
        return LeaderTrie(self.vocab_size, H, self.lam, responses)

    def equals(self, trie: LeaderTrie) -> z3.BoolRef:
        nodes = trie_nodes(trie)
        return z3.And([x if u in nodes else z3.Not(x) for u, x in self.node.items()])


def _agree_top1(first: TrieVars, second: TrieVars) -> z3.BoolRef:
    K, H = first.vocab_size, first.horizon
    return z3.And([first.top1_is(u, a) == second.top1_is(u, a)
                   for u in all_prefixes(K, H) for a in range(K)])


def _agree_full(first: TrieVars, second: TrieVars) -> z3.BoolRef:
    K, H = first.vocab_size, first.horizon
    return z3.And([p == q for u in all_prefixes(K, H)
                   for p, q in zip(first.row(u), second.row(u), strict=True)])


def _differ(first: TrieVars, second: TrieVars) -> z3.BoolRef:
    return z3.Or([first.node[u] != second.node[u] for u in first.node])


def _root_leaders_differ(first: TrieVars, second: TrieVars) -> z3.BoolRef:
    return z3.Or([first.node[(a,)] != second.node[(a,)] for a in range(first.vocab_size)])


def _pair(vocab_size: int, horizon: int, lam: Fraction) -> tuple[TrieVars, TrieVars]:
    return (TrieVars.fresh("s", vocab_size, horizon, lam),
            TrieVars.fresh("t", vocab_size, horizon, lam))


@attrs.frozen
class SearchResult:
    """A witness pair (or none), how long the solver took, and how many pairs it covered."""

    pair: tuple[LeaderTrie, LeaderTrie] | None
    seconds: float


def find_blind_pair(vocab_size: int, horizon: int, lam: Fraction,
                    root_differs: bool = False) -> SearchResult:
    """LT3: any pair of distinct admissible tries whose top-1 answers agree at every prefix
    (with `root_differs`, one whose root leader sets differ, so root sampling separates it)."""
    first, second = _pair(vocab_size, horizon, lam)
    solver = z3.Solver()
    solver.add(*first.admissible(), *second.admissible(), _differ(first, second),
               _agree_top1(first, second))
    if root_differs:
        solver.add(_root_leaders_differ(first, second))
    start = time.perf_counter()
    verdict = solver.check()
    seconds = time.perf_counter() - start
    if verdict == z3.sat:
        model = solver.model()
        return SearchResult((first.decode(model), second.decode(model)), seconds)
    if verdict == z3.unsat:
        return SearchResult(None, seconds)
    raise AssertionError(f"z3 returned {verdict} ({solver.reason_unknown()})")


def prove_full_separates_every_pair(vocab_size: int, horizon: int, lam: Fraction
                                    ) -> ProofResult:
    """LT3: no two distinct admissible tries have the same `full` answer at every prefix."""
    first, second = _pair(vocab_size, horizon, lam)
    return prove("LT3", f"full separates every pair of LT({vocab_size},{horizon},{lam})",
                 z3.Not(z3.And(_differ(first, second), _agree_full(first, second))),
                 hypotheses=(*first.admissible(), *second.admissible()))


@attrs.frozen
class MinimalPairs:
    """Every top-1-blind, root-separable pair of minimal total size, found by z3."""

    size: int
    pairs: tuple[tuple[LeaderTrie, LeaderTrie], ...]
    seconds: float


def minimal_root_separable_blind_pairs(vocab_size: int, horizon: int, lam: Fraction,
                                       max_pairs: int = 10_000) -> MinimalPairs:
    """LT3: minimise `|T1| + |T2|` over top-1-blind pairs whose root leader sets differ,
    then enumerate every pair of that size (blocking each found pair until unsat)."""
    first, second = _pair(vocab_size, horizon, lam)
    facts = [*first.admissible(), *second.admissible(), _agree_top1(first, second),
             _root_leaders_differ(first, second)]
    start = time.perf_counter()
    optimiser = z3.Optimize()
    optimiser.add(*facts)
    handle = optimiser.minimize(first.size() + second.size())
    if optimiser.check() != z3.sat:
        raise AssertionError("no top-1-blind pair with different root leader sets exists")
    size = optimiser.lower(handle).as_long()
    solver = z3.Solver()
    solver.add(*facts, first.size() + second.size() <= size)
    found: list[tuple[LeaderTrie, LeaderTrie]] = []
    while solver.check() == z3.sat:
        model = solver.model()
        pair = (first.decode(model), second.decode(model))
        found.append(pair)
        solver.add(z3.Not(z3.And(first.equals(pair[0]), second.equals(pair[1]))))
        if len(found) > max_pairs:
            raise AssertionError(f"more than {max_pairs} minimal pairs")
    return MinimalPairs(size, tuple(found), time.perf_counter() - start)


def is_LT3_shape(first: LeaderTrie, second: LeaderTrie) -> bool:
    """LT3: `(T1, T2)` is the LT3 pair up to relabelling: one is a single path `z`, the other
    adds `b·0^(H-1)` for a token `b > z_1` (the greedy choice at the root stays `z_1`)."""
    small, big = sorted((first, second), key=lambda t: len(t.responses))
    if len(small.responses) != 1 or len(big.responses) != 2:
        return False
    (z,) = small.responses
    extra = set(big.responses) - {z}
    if len(extra) != 1:
        return False
    (y,) = extra
    return y[0] > z[0] and all(a == 0 for a in y[1:])


def check_encoding(vocab_size: int, horizon: int, lam: Fraction) -> int:
    """Compare the encoded rows and top-1 tokens with the Python generator on every
    admissible trie of the shape; the number of (trie, prefix, token) values compared."""
    probe = TrieVars.fresh("c", vocab_size, horizon, lam)
    rows = {u: probe.row(u) for u in all_prefixes(vocab_size, horizon)}
    tops = {(u, a): probe.top1_is(u, a) for u in rows for a in range(vocab_size)}
    model_facts = z3.And(*probe.admissible())
    compared = 0
    for trie in all_leader_tries(vocab_size, horizon, lam):
        nodes = trie_nodes(trie)
        assignment = [(x, z3.BoolVal(u in nodes)) for u, x in probe.node.items()]
        generator = leader_trie_generator(trie)
        # One substitution per trie of "every encoded value equals the generator's" (the
        # substitution itself dominates the cost); only on failure is each value re-checked
        # to name it.
        expected = [model_facts]
        for u, row in rows.items():
            dist = generator.next_token(u)
            for a, term in enumerate(row):
                expected.append(term == _q(dist[a]))
                expected.append(tops[(u, a)] == z3.BoolVal(dist.argmax() == a))
                compared += 1
        if not z3.is_true(z3.simplify(z3.substitute(z3.And(*expected), *assignment))):
            _name_mismatch(trie, probe, rows, tops, assignment)
    return compared


def _name_mismatch(trie: LeaderTrie, probe: TrieVars, rows: dict[Prefix, list[z3.ArithRef]],
                   tops: dict[tuple[Prefix, int], z3.BoolRef],
                   assignment: list[tuple[z3.BoolRef, z3.BoolRef]]) -> None:
    """Raise an `AssertionError` naming the first encoded value that disagrees."""
    model_facts = z3.And(*probe.admissible())
    assert z3.is_true(z3.simplify(z3.substitute(model_facts, *assignment))), trie
    generator = leader_trie_generator(trie)
    for u, row in rows.items():
        dist = generator.next_token(u)
        for a, term in enumerate(row):
            value = z3.simplify(z3.substitute(term, *assignment))
            assert Fraction(value.as_fraction()) == dist[a], (trie, u, a, value)
            top = z3.is_true(z3.simplify(z3.substitute(tops[(u, a)], *assignment)))
            assert top == (dist.argmax() == a), (trie, u, a)
    raise AssertionError(f"the encoding disagrees with the generator on {trie}")


def non_tries(vocab_size: int, horizon: int) -> Iterator[frozenset[Prefix]]:
    """Node sets (`H >= 2`) the admissibility encoding must reject: not prefix-closed, a
    dead end, too many leaders at the root."""
    H = horizon
    if H < 2:
        raise ValueError("non_tries needs H >= 2")
    yield frozenset({(1,) * H})  # a response without its ancestors
    yield frozenset({(0,)})  # a dead end: an internal node without a child
    # every token a leader at the root: more than floor(1/lambda) < K leaders
    yield frozenset((a, *(0,) * t) for a in range(vocab_size) for t in range(H))


def rejects_non_tries(vocab_size: int, horizon: int, lam: Fraction) -> int:
    """The admissibility encoding is false on each of `non_tries`; how many were checked."""
    probe = TrieVars.fresh("n", vocab_size, horizon, lam)
    checked = 0
    for nodes in non_tries(vocab_size, horizon):
        assignment = [(x, z3.BoolVal(u in nodes)) for u, x in probe.node.items()]
        facts = z3.simplify(z3.substitute(z3.And(*probe.admissible()), *assignment))
        assert z3.is_false(facts), sorted(nodes)
        checked += 1
    return checked
