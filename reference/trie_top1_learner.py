"""A top-1 learner for leader tries (realises LT3's negative side: it cannot tell the LT3
pair apart, so it fails on one of them)."""

from __future__ import annotations

from genaccess.reference.bfs_trie import TrieRecovery
from genaccess.spec.errors import InvalidDefinition
from genaccess.spec.observation import Top1Report
from genaccess.spec.oracle import Oracle
from genaccess.spec.prefix import Prefix


def top1_trie(oracle: Oracle) -> TrieRecovery:
    """LT3: follow the greedy token from the root with one `top1` query per step and return
    the closure of that single path (`H` queries).

    `top1` shows the most likely token only, never its probability nor any other leader, so
    on a leader trie it sees exactly the greedy path; on the LT3 pair both tries give every
    answer the same law, so the output law is the same and the learner is wrong on `T2`.
    Precondition: `oracle` gives `top1` observations at built prefixes (`local-reset/top1`).
    """
    u: Prefix = ()
    nodes: set[Prefix] = {u}
    for _ in range(oracle.horizon):
        (report,) = oracle.query(u, 1)
        if not isinstance(report, Top1Report):
            raise InvalidDefinition("oracle", "the top-1 learner needs top1 observations",
                                    oracle.access.name)
        u = (*u, report.top)
        nodes.add(u)
    return TrieRecovery(frozenset(nodes), oracle.horizon, oracle.queries_used)
