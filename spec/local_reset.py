"""LR, the local-reset discipline, as a predicate on transcripts.

The built set starts as `{()}`. An answered query at `u` builds every prefix its visible
continuation passed through and `v·a` for every token `a` revealed at each such prefix `v`.
A prefix is built only when the transcript lets the learner name it: after a hidden step
(`topk`, `top1` do not show the sampled token) the later prefixes are unknown to the learner,
so nothing at or after them is built. For `sample`, `logprob` and `full` this is exactly
the rule of docs/theory.md, LR; for `topk`/`top1` it keeps the refusal of an unbuilt prefix
from leaking which hidden prefix a continuation went through.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from collections.abc import Set as AbstractSet

from genaccess.spec.prefix import Prefix
from genaccess.spec.transcript import QueryRecord

INITIAL_BUILT: frozenset[Prefix] = frozenset({()})


class BuiltSet(AbstractSet[Prefix]):
    """LR's built set, grown one answered query at a time: the one place its rule is written
    (`built_by`, `built_set`, `first_lr_violation` and the oracle all use it).

    Kept as the prefixes the queries passed through plus, per passed prefix `v`, the tokens
    revealed there (the children `v·a`). A `full` report reveals a whole support: those
    children are then the report's own token set, shared, not `K` new tuples, so adding a
    query costs O(its length) at any vocabulary size."""

    __slots__ = ("_horizon", "_passed", "_revealed")

    def __init__(self, horizon: int, initial: Iterable[Prefix] = INITIAL_BUILT) -> None:
        self._horizon = horizon
        self._passed: set[Prefix] = set(initial)
        self._revealed: dict[Prefix, AbstractSet[int]] = {}

    def add(self, record: QueryRecord) -> None:
        """Build what `record` builds: each prefix its visible continuation passes through
        and each child revealed there, up to the first hidden step; only lengths <= H-1."""
        last = self._horizon - 1
        visited = record.prefix
        for report in record.reports:
            if len(visited) <= last:
                self._passed.add(visited)
            if len(visited) < last:
                tokens = report.revealed
                known = self._revealed.get(visited)
                if known is None:
                    self._revealed[visited] = tokens
                elif known is not tokens and not tokens <= known:
                    self._revealed[visited] = frozenset(known | tokens)
            if report.token is None:
                break
            visited = (*visited, report.token)

    def __contains__(self, item: object) -> bool:
        if not isinstance(item, tuple):
            return False
        if item in self._passed:
            return True
        if not item:
            return False
        tokens = self._revealed.get(item[:-1])
        return tokens is not None and item[-1] in tokens

    def __iter__(self) -> Iterator[Prefix]:
        yield from self._passed
        for v, tokens in self._revealed.items():
            for a in tokens:
                child = (*v, a)
                if child not in self._passed:
                    yield child

    def __len__(self) -> int:
        return sum(1 for _ in self)


def built_by(record: QueryRecord, horizon: int) -> frozenset[Prefix]:
    """The prefixes one answered query builds (only those of length <= H-1)."""
    built = BuiltSet(horizon, initial=())
    built.add(record)
    return frozenset(built)


def built_set(transcript: Iterable[QueryRecord], horizon: int) -> frozenset[Prefix]:
    """The built set after the whole transcript."""
    built = BuiltSet(horizon)
    for record in transcript:
        built.add(record)
    return frozenset(built)


def first_lr_violation(transcript: Iterable[QueryRecord], horizon: int) -> int | None:
    """Index of the first query whose prefix was not built before it, or `None`."""
    built = BuiltSet(horizon)
    for i, record in enumerate(transcript):
        if record.prefix not in built:
            return i
        built.add(record)
    return None


def is_local_reset(transcript: Iterable[QueryRecord], horizon: int) -> bool:
    """LR: every queried prefix was built before its query."""
    return first_lr_violation(transcript, horizon) is None
