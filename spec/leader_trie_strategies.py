"""Hypothesis strategies for the leader-trie family (docs/theory.md, LT1): random admissible
tries, drawn breadth-first so every internal node has between one and `floor(1/lambda)`
leaders."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import strategies as st

from genaccess.spec.leader_trie import LeaderTrie, max_leaders
from genaccess.spec.prefix import Prefix

LAMBDA_GRID: dict[int, tuple[Fraction, ...]] = {
    3: (Fraction(2, 5), Fraction(1, 2)),
    4: (Fraction(3, 10), Fraction(1, 3), Fraction(2, 5), Fraction(1, 2)),
    5: (Fraction(1, 4), Fraction(1, 3), Fraction(2, 5), Fraction(1, 2)),
    6: (Fraction(1, 4), Fraction(1, 3), Fraction(1, 2)),
}
"""lambda values per K used by the random tries (1/K < lambda <= 1/2)."""


@st.composite
def leader_tries(draw: st.DrawFn, vocab_sizes: tuple[int, ...] = (3, 4, 5, 6),
                 max_horizon: int = 3, max_internal: int = 6,
                 lambdas: dict[int, tuple[Fraction, ...]] | None = None) -> LeaderTrie:
    """A random admissible trie: breadth-first from the root, each internal node draws a
    leader set of 1..floor(1/lambda) distinct tokens, with at most `max_internal` internal
    nodes in all (extra leaders are only drawn while the budget allows them)."""
    K = draw(st.sampled_from(vocab_sizes))
    lam = draw(st.sampled_from((lambdas or LAMBDA_GRID)[K]))
    H = draw(st.integers(1, max_horizon))
    responses: list[tuple[int, ...]] = []
    queue: list[Prefix] = [()]
    internal = 0
    while queue:
        u = queue.pop(0)
        internal += 1
        below = H - len(u) - 1  # internal nodes each extra leader adds under u
        room = max_internal - internal - len(queue) - below
        most = max_leaders(lam) if below == 0 else min(max_leaders(lam), 1 + room // below)
        size = draw(st.integers(1, max(1, most)))
        leaders = draw(st.lists(st.integers(0, K - 1), min_size=size, max_size=size,
                                unique=True))
        for a in leaders:
            child = (*u, a)
            (responses if len(child) == H else queue).append(child)
    return LeaderTrie(K, H, lam, responses)
