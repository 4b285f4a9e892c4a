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
    query costs O(its length) at any vocabulary size (a prefix's set is copied once, when a
    second report adds to it, then grows in place)."""

    __slots__ = ("_horizon", "_passed", "_recent", "_recent_revealed", "_revealed")

    def __init__(self, horizon: int, initial: Iterable[Prefix] = INITIAL_BUILT) -> None:
        self._horizon = horizon
        self._passed: set[Prefix] = set(initial)
        self._revealed: dict[Prefix, AbstractSet[int]] = {}
        # The start prefix of the last record added with `plain=True`, and its entry of
        # `_revealed`: that very object is in `_passed`, and a tuple of plain ints cannot
        # change its hash or equality, so it is found by identity (the oracle's queries come
        # in runs at one prefix, and hashing a prefix costs O(|u|)).
        self._recent: Prefix | None = None
        self._recent_revealed: AbstractSet[int] | None = None

    def add(self, record: QueryRecord, *, plain: bool = False) -> None:
        """Build what `record` builds: each prefix its visible continuation passes through
        and each child revealed there, up to the first hidden step; only lengths <= H-1.
        `plain`: the caller checked that `record.prefix` is a tuple of plain ints
        (`genaccess.spec.prefix.is_plain_prefix`)."""
        last = self._horizon - 1
        visited = record.prefix
        reports = record.reports
        recent = visited is self._recent
        start: AbstractSet[int] | None = None  # the start prefix's entry of `_revealed`
        replaced = False  # whether an entry of `_revealed` became another object
        for step, report in enumerate(reports):
            if len(visited) <= last and not (recent and step == 0):
                self._passed.add(visited)
            if len(visited) < last:
                tokens = report.revealed
                known = self._recent_revealed if recent and step == 0 else None
                if known is None:
                    known = self._revealed.get(visited)
                if known is None:
                    known = self._revealed[visited] = tokens  # the report's own set, shared
                    replaced = True
                elif known is not tokens and not tokens <= known:
                    if type(known) is set:  # a copy of our own: it grows in place
                        known |= tokens
                    else:  # a shared set: copied once, not at every new token
                        known = self._revealed[visited] = {*known, *tokens}
                        replaced = True
                if step == 0:
                    start = known
            if report.token is None:
                break
            if step + 1 < len(reports):  # the prefix after the last step is not needed
                visited = (*visited, report.token)
        if plain and len(record.prefix) <= last:
            self._recent, self._recent_revealed = record.prefix, start
        elif replaced:  # it may have been the recent prefix's entry (reached another way)
            self._recent_revealed = None

    def __contains__(self, item: object) -> bool:
        recent = self._recent
        if recent is not None and item is recent:
            return True
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
