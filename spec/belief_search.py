"""HP3 (docs/theory.md, HP3): the optimum over every adaptive learner with `T` chosen-prefix
queries on the hidden path, by an exhaustive search over belief states."""

from __future__ import annotations

import functools
import math
from collections.abc import Hashable
from fractions import Fraction

from genaccess.spec.access import AccessModel
from genaccess.spec.answer_law import answer_law
from genaccess.spec.control import ArbitraryPrefix, Control
from genaccess.spec.hidden_path import HiddenPathFamily
from genaccess.spec.local_reset import INITIAL_BUILT, built_by
from genaccess.spec.observation import ObservationType
from genaccess.spec.prefix import Prefix, all_prefixes
from genaccess.spec.transcript import QueryRecord

Belief = tuple[int, ...]
"""Unnormalised posterior weights over the paths, as integers with gcd 1."""

Outcome = tuple[Belief, frozenset[Prefix]]
"""One answer to a query: its probability under each path (numerators over a common
denominator) and the prefixes the answer builds."""


class _BeliefSearch:
    """The belief-state search of one family, observation type and continuation cap.

    The success of a strategy is linear in the (unnormalised) belief, so a belief is kept
    as integers divided by their gcd: proportional beliefs share one memo entry, and the
    answers' laws are integer numerators over one common denominator per query, interned
    once (hashing a report's exact distributions is what a naive search spends its time on).
    Values are integers scaled by `D^left`, `D` the lcm of every query's denominator.
    """

    def __init__(self, family: HiddenPathFamily, observation: ObservationType,
                 max_length: int) -> None:
        K, H = family.vocab_size, family.horizon
        self.horizon = H
        paths = list(family.paths())
        self.paths = len(paths)
        access = AccessModel(ArbitraryPrefix(), observation)
        self.moves = [(u, L) for u in all_prefixes(K, H)
                      for L in range(1, min(max_length, H - len(u)) + 1)]
        laws: list[tuple[int, list[Outcome]]] = []
        for u, L in self.moves:
            per_path = [answer_law(family.generator(z), access, ((u, L),)) for z in paths]
            common = math.lcm(*(p.denominator for law in per_path for p in law.values()))
            answers = {answers[0] for law in per_path for answers in law}
            outcomes: list[Outcome] = []
            for reports in answers:
                numerators = tuple(int(law.get((reports,), Fraction(0)) * common)
                                   for law in per_path)
                outcomes.append((numerators, built_by(QueryRecord(u, L, reports), H)))
            laws.append((common, outcomes))
        self.denominator = math.lcm(*(common for common, _ in laws)) if laws else 1
        # Scale each query's numerators to the common denominator once.
        self.laws = [[(tuple(n * (self.denominator // common) for n in numerators), built)
                      for numerators, built in outcomes] for common, outcomes in laws]
        self.memos: dict[Hashable, dict[tuple[Belief, frozenset[Prefix], int], int]] = {}

    def best(self, control: Control, queries: int) -> Fraction:
        """The optimum with `queries` queries from the uniform prior. A control decides
        from the prefix, length and built set alone, so its admissible queries are kept per
        built set and its searched states across calls."""
        try:
            memo = self.memos.setdefault(control, {})
        except TypeError:  # an unhashable control: search without sharing
            memo = {}
        admissible: dict[frozenset[Prefix], list[int]] = {}
        H, D = self.horizon, self.denominator

        def moves(built: frozenset[Prefix]) -> list[int]:
            found = admissible.get(built)
            if found is None:
                found = admissible[built] = [
                    m for m, (u, L) in enumerate(self.moves)
                    if control.refusal(u, L, H, built) is None]
            return found

        def value(belief: Belief, built: frozenset[Prefix], left: int) -> int:
            key = (belief, built, left)
            found = memo.get(key)
            if found is not None:
                return found
            best: int = max(belief) * D**left
            if left > 0:
                for m in moves(built):
                    total = 0
                    for numerators, more in self.laws[m]:
                        posterior = tuple(w * n for w, n in zip(belief, numerators, strict=True))
                        g = math.gcd(*posterior)
                        if g:
                            total += g * value(tuple(w // g for w in posterior),
                                               built | more, left - 1)
                    best = max(best, total)
            memo[key] = best
            return best

        uniform = (1,) * self.paths
        return Fraction(value(uniform, INITIAL_BUILT, queries), D**queries * self.paths)


@functools.lru_cache(maxsize=16)
def _search(family: HiddenPathFamily, observation: ObservationType, max_length: int
            ) -> _BeliefSearch:
    return _BeliefSearch(family, observation, max_length)


def compute_best_chosen_prefix_success(
    family: HiddenPathFamily, observation: ObservationType, control: Control, queries: int,
    max_length: int = 1,
) -> Fraction:
    """HP3: the best chance, over every adaptive learner making `T` queries of continuation
    length `<= max_length` under `control`, of outputting `z` (uniform).

    Exhaustive search over belief states: a state is the unnormalised posterior over every
    `z`, the built set and the queries left; a learner picks an admissible query (the
    control level decides, from the built set, exactly as the oracle does), and at the end
    guesses a MAP path. The law of a query's answer under each `z` comes from the oracle
    itself (answered at the query's prefix by an arbitrary-prefix oracle; `control` only
    restricts which prefixes the learner may pick). The laws and the searched states are
    kept per family, observation type and control, so calls for several `T` share them.
    """
    return _search(family, observation, max_length).best(control, queries)


def is_HP3_lower_bound(family: HiddenPathFamily, observation: ObservationType, control: Control,
                       queries: int) -> bool:
    """HP3: under LR, every learner with `T < H` one-step queries succeeds with probability
    at most `K^-(H-T)`."""
    if queries >= family.horizon:
        return True
    best = compute_best_chosen_prefix_success(family, observation, control, queries)
    return best <= Fraction(1, family.vocab_size ** (family.horizon - queries))
