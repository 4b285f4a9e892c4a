"""LT2's logits learner: one `full` query per internal node (realises LT2's exact case)."""

from __future__ import annotations

from collections import deque
from fractions import Fraction

from genaccess.reference.bfs_trie import TrieRecovery
from genaccess.spec.errors import InvalidDefinition
from genaccess.spec.observation import FullReport
from genaccess.spec.oracle import Oracle
from genaccess.spec.prefix import Prefix


def logits_trie(oracle: Oracle, *, theta: Fraction) -> TrieRecovery:
    """LT2 (full distributions at chosen prefixes): breadth-first from the root, one query
    per processed prefix; the leaders are the tokens of probability `>= theta`.

    On a leader trie the leaders are exactly the tokens of probability `lambda > theta` (LT1),
    so the result is the trie with certainty after exactly `|internal nodes|` queries. Every
    queried child has positive probability, so a `full` answer reveals it: LR holds.
    Precondition: `oracle` gives `full` observations at built prefixes (`local-reset/full`).
    """
    H = oracle.horizon
    nodes: set[Prefix] = {()}
    queue: deque[Prefix] = deque([()])
    processed = 0
    while queue:
        u = queue.popleft()
        processed += 1
        (report,) = oracle.query(u, 1)
        if not isinstance(report, FullReport):
            raise InvalidDefinition("oracle", "the logits learner needs full observations",
                                    oracle.access.name)
        for a, p in enumerate(report.dist):
            if p >= theta:
                child = (*u, a)
                nodes.add(child)
                if len(child) < H:
                    queue.append(child)
    return TrieRecovery(frozenset(nodes), processed, oracle.queries_used)
