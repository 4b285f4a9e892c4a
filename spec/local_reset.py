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

from collections.abc import Iterable

from genaccess.spec.prefix import Prefix
from genaccess.spec.transcript import QueryRecord

INITIAL_BUILT: frozenset[Prefix] = frozenset({()})


def built_by(record: QueryRecord, horizon: int) -> frozenset[Prefix]:
    """The prefixes one answered query builds (only those of length <= H-1)."""
    built: set[Prefix] = set()
    visited = record.prefix
    for report in record.reports:
        built.add(visited)
        built.update((*visited, a) for a in report.revealed)
        if report.token is None:
            break
        visited = (*visited, report.token)
    return frozenset(u for u in built if len(u) <= horizon - 1)


def built_set(transcript: Iterable[QueryRecord], horizon: int) -> frozenset[Prefix]:
    """The built set after the whole transcript."""
    built = set(INITIAL_BUILT)
    for record in transcript:
        built |= built_by(record, horizon)
    return frozenset(built)


def first_lr_violation(transcript: Iterable[QueryRecord], horizon: int) -> int | None:
    """Index of the first query whose prefix was not built before it, or `None`."""
    built = set(INITIAL_BUILT)
    for i, record in enumerate(transcript):
        if record.prefix not in built:
            return i
        built |= built_by(record, horizon)
    return None


def is_local_reset(transcript: Iterable[QueryRecord], horizon: int) -> bool:
    """LR: every queried prefix was built before its query."""
    return first_lr_violation(transcript, horizon) is None
