"""LT2's BFS learner: recover a leader trie from chosen-prefix samples (realises LT2).

The learner holds an `Oracle` with `sample` observations under `local-reset` control. It
processes a queue of prefixes from the root: at a popped prefix of length `< H` it draws
`m` one-token samples, calls a token a leader when its empirical frequency is `>= theta`,
and adds (and, below depth `H`, enqueues) those children. Before processing a prefix beyond
the cap `S` it stops and reports failure in its result; it never raises for that.
"""

from __future__ import annotations

from collections import deque
from fractions import Fraction

import attrs

from genaccess.spec.errors import InvalidDefinition
from genaccess.spec.oracle import Oracle
from genaccess.spec.prefix import Prefix, Response


@attrs.frozen
class TrieRecovery:
    """What a trie learner returns.

    `nodes` is the set of prefixes it believes to be in the trie (root and leaves included),
    `processed` the number of prefixes it queried at, `queries` the oracle's count when it
    stopped, and `failed` is true when it stopped early (the cap `S` was hit) with `reason`.
    """

    nodes: frozenset[Prefix]
    processed: int
    queries: int
    failed: bool = False
    reason: str = ""

    @property
    def responses(self) -> frozenset[Response]:
        """The recovered full responses (nodes of maximal length)."""
        depth = max(len(u) for u in self.nodes)
        return frozenset(u for u in self.nodes if len(u) == depth and depth > 0)

    def recovers(self, nodes: frozenset[Prefix]) -> bool:
        """Success: no failure and exactly the given node set."""
        return not self.failed and self.nodes == nodes


def classify_leaders(oracle: Oracle, prefix: Prefix, samples: int, theta: Fraction
                     ) -> frozenset[int]:
    """Draw `samples` one-token samples at `prefix`; the tokens whose frequency is
    `>= theta` (counted exactly: `count >= theta * samples`)."""
    counts = [0] * oracle.vocab_size
    for _ in range(samples):
        (report,) = oracle.query(prefix, 1)
        token = report.token
        if token is None:
            raise InvalidDefinition("oracle", "the BFS learner needs sample observations",
                                    oracle.access.name)
        counts[token] += 1
    return frozenset(a for a, n in enumerate(counts) if n >= theta * samples)


def bfs_trie(oracle: Oracle, *, theta: Fraction, samples: int, cap: int) -> TrieRecovery:
    """LT2: breadth-first trie recovery with `m = samples` samples per processed prefix and
    at most `S = cap` processed prefixes, so at most `S*m` queries; every queried prefix is
    the root or a child revealed by an earlier sample, so the transcript satisfies LR.

    Preconditions: `oracle` answers `sample` observations at built prefixes (e.g.
    `local-reset/sample`); `samples >= 1`, `cap >= 1`. LT2 says that with
    `cap >= |internal nodes|` and `samples >= ln(2 S K / delta) / (2 gamma^2)` the result
    recovers the trie with probability `>= 1 - delta/2`.
    """
    if isinstance(samples, bool) or not isinstance(samples, int) or samples < 1:
        raise InvalidDefinition("m", "samples per node must be an integer >= 1", samples)
    if isinstance(cap, bool) or not isinstance(cap, int) or cap < 1:
        raise InvalidDefinition("S", "the cap on processed prefixes must be an integer >= 1",
                                cap)
    H = oracle.horizon
    nodes: set[Prefix] = {()}
    queue: deque[Prefix] = deque([()])
    processed = 0
    while queue:
        if processed == cap:
            return TrieRecovery(frozenset(nodes), processed, oracle.queries_used, failed=True,
                                reason=f"cap S = {cap} reached with {len(queue)} prefixes "
                                "still queued")
        u = queue.popleft()
        processed += 1
        for a in sorted(classify_leaders(oracle, u, samples, theta)):
            child = (*u, a)
            nodes.add(child)
            if len(child) < H:
                queue.append(child)
    return TrieRecovery(frozenset(nodes), processed, oracle.queries_used)
