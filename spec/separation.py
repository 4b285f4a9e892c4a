"""LT3 (docs/theory.md, LT3): the leader-trie pairs that `top1` cannot tell apart, the root
tests that can, and the exact search for a query whose answer law separates two generators.

`find_separating_query` enumerates every query an access model can ever make and compares
the two answer laws; none separating means, by induction over the transcript, that every
learner (adaptive, randomised, any number of queries) has the same transcript law under
both generators.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction

from genaccess.spec.access import AccessModel, access_model
from genaccess.spec.answer_law import answer_law
from genaccess.spec.control import ArbitraryPrefix, LocalReset, RootStart
from genaccess.spec.errors import InvalidDefinition
from genaccess.spec.generator import Generator
from genaccess.spec.leader_trie import (
    LeaderTrie,
    compute_theta,
    leader_trie_generator,
    non_leader_probability,
)
from genaccess.spec.local_reset import built_by
from genaccess.spec.numbers import to_fraction
from genaccess.spec.observation import ObservationType, Report
from genaccess.spec.prefix import Prefix, all_prefixes
from genaccess.spec.transcript import QueryRecord

__all__ = [
    "Answer",
    "LawCache",
    "find_separating_query",
    "is_LT3_top1_agreement",
    "is_LT3_top1_blind",
    "query_law",
    "root_test_errors",
    "top1_pair",
    "topk_pair",
]


# ---------------------------------------------------------------------------------------------
# The pairs
# ---------------------------------------------------------------------------------------------

def _check_horizon_two(horizon: object, what: str) -> None:
    if isinstance(horizon, int) and not isinstance(horizon, bool) and horizon < 2:
        raise InvalidDefinition("horizon", f"{what} needs H >= 2", horizon)


def top1_pair(vocab_size: int, horizon: int, lam: object) -> tuple[LeaderTrie, LeaderTrie]:
    """LT3's pair: `T1 = closure{0^H}`, `T2 = closure{0^H, 1·0^(H-1)}` (needs `H >= 2`)."""
    _check_horizon_two(horizon, "the LT3 pair")
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
    _check_horizon_two(horizon, "the top-k pair")
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


# ---------------------------------------------------------------------------------------------
# The root test
# ---------------------------------------------------------------------------------------------

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


# ---------------------------------------------------------------------------------------------
# Separation by queries
# ---------------------------------------------------------------------------------------------

Answer = tuple[Report, ...]
LawCache = dict[tuple[int, ObservationType, Prefix, int], dict[Answer, Fraction]]
"""Answer laws already computed, keyed by `(id(generator), observation, prefix, length)`;
valid only while the generators it was filled with are alive."""


def query_law(generator: Generator, observation: ObservationType, prefix: Prefix,
              length: int, cache: LawCache | None = None) -> dict[Answer, Fraction]:
    """The exact law of the reports of one query `(prefix, length)`, computed by running the
    real oracle (arbitrary-prefix control, so any query is answered) under `exact_law`.
    With `cache`, a law computed before for the same generator object is reused (the law
    does not depend on the control that admitted the query)."""
    key = (id(generator), observation, prefix, length)
    if cache is not None and key in cache:
        return cache[key]
    law = answer_law(generator, AccessModel(ArbitraryPrefix(), observation),
                     ((prefix, length),))
    found = {answers[0]: p for answers, p in law.items()}
    if cache is not None:
        cache[key] = found
    return found


def find_separating_query(first: Generator, second: Generator, access: AccessModel,
                          lengths: Sequence[int] | None = None, cache: LawCache | None = None
                          ) -> tuple[Prefix, int] | None:
    """LT3: a query `(u, L)` the access model can ever make whose answer law differs between
    the two generators, or `None` when there is none.

    `None` means no learner, adaptive or randomised, with any number of queries, separates
    them: by induction on the transcript, if every query admissible after equal transcripts
    has the same answer law, every transcript has the same law. Admissible queries are
    enumerated exactly: root-start makes `((), H)` only; arbitrary-prefix any prefix;
    local-reset any prefix in the built closure (the union of the built sets of every
    answer, a fixpoint). `lengths` restricts continuation lengths (e.g. `(1,)` for
    one-token chosen-prefix queries); the default is every valid length. `cache` shares
    answer laws between calls on the same two generator objects (see `query_law`).
    """
    H, K = first.horizon, first.vocab_size
    if (second.vocab_size, second.horizon) != (K, H):
        raise InvalidDefinition("second", "must have the same K and H as first",
                                (second.vocab_size, second.horizon))
    control = access.control
    if isinstance(control, RootStart | LocalReset):
        frontier: list[Prefix] = [()]
    else:
        frontier = list(all_prefixes(K, H))
    seen = set(frontier)
    while frontier:
        u = frontier.pop(0)
        for length in range(1, H - len(u) + 1):
            if lengths is not None and length not in lengths:
                continue
            if control.refusal(u, length, H, frozenset(seen)) is not None:
                continue
            law = query_law(first, access.observation, u, length, cache)
            if law != query_law(second, access.observation, u, length, cache):
                return u, length
            if isinstance(control, LocalReset):
                for reports in law:
                    for v in sorted(built_by(QueryRecord(u, length, reports), H) - seen):
                        seen.add(v)
                        frontier.append(v)
    return None


def is_LT3_top1_blind(first: LeaderTrie, second: LeaderTrie) -> bool:
    """LT3: no `top1` query (any prefix, any continuation length, so any control level)
    has a different answer law under the two tries."""
    g1, g2 = leader_trie_generator(first), leader_trie_generator(second)
    return find_separating_query(g1, g2, access_model("arbitrary-prefix/top1")) is None
