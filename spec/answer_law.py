"""The exact law of an oracle's answers to a fixed list of queries, from the oracle itself
(NOISY1's garbling and HP3's belief search compare such laws)."""

from __future__ import annotations

from fractions import Fraction

from genaccess.spec.access import AccessModel
from genaccess.spec.chance import Chooser, exact_law
from genaccess.spec.generator import Generator
from genaccess.spec.observation import Report
from genaccess.spec.oracle import Oracle
from genaccess.spec.prefix import Prefix

Queries = tuple[tuple[Prefix, int], ...]
"""Queries `(u, L)` asked in this order."""

AnswerLaw = dict[tuple[tuple[Report, ...], ...], Fraction]
"""The law of the answers: one tuple of reports per query."""


def answer_law(generator: Generator, access: AccessModel, queries: Queries) -> AnswerLaw:
    """The exact law of the answers to `queries`, over every random outcome of one oracle."""

    def experiment(chooser: Chooser) -> tuple[tuple[Report, ...], ...]:
        oracle = Oracle(generator, access, rng=chooser)
        return tuple(oracle.query(u, L) for u, L in queries)

    return exact_law(experiment)
