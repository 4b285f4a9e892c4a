"""Randomness as an explicit argument, and the exact law of any randomised experiment.

Every random draw in genaccess is a call `chooser.choose(weights)` that returns an index with
probability `weights[i] / sum(weights)`, or `chooser.choose_from(dist)` that returns a token
`a` with probability `dist[a]` (the same law, read from the distribution's integer weights).
In a run, the chooser wraps a seeded `random.Random` and draws *exactly* (an integer below
the common denominator, no float rounding). In a check, `exact_law` runs the very same code
once per branch of its choice tree and returns the exact distribution of its result: the
law of a transcript, of a learner's output, of its success, with nothing re-implemented.
"""

from __future__ import annotations

import bisect
import itertools
import math
import random
from collections.abc import Callable, Hashable, Sequence
from fractions import Fraction
from typing import Protocol, TypeVar, runtime_checkable

import attrs

from genaccess.spec.distribution import Distribution

T = TypeVar("T", bound=Hashable)


@runtime_checkable
class Chooser(Protocol):
    """A source of exact weighted choices."""

    def choose(self, weights: Sequence[Fraction]) -> int:
        """An index `i` with probability `weights[i] / sum(weights)`."""
        ...

    def choose_from(self, dist: Distribution) -> int:
        """A token `a` with probability `dist[a]` (the law of `choose(dist.probs)`)."""
        ...


def integer_weights(weights: Sequence[Fraction]) -> list[int]:
    """The weights as integers over their least common denominator (same ratios)."""
    fractions = [w if type(w) is Fraction else Fraction(w) for w in weights]
    denominator = math.lcm(*(w.denominator for w in fractions))
    return [w.numerator * (denominator // w.denominator) for w in fractions]


@attrs.define
class RandomChooser:
    """Exact weighted choice driven by a `random.Random` (seed it for reproducibility).

    The draw is `rng.randrange(total)` over the integer weights (over their least common
    denominator), and the index is the first whose running total exceeds it. A
    `Distribution` is already in that form and keeps its block totals, so `choose_from`
    costs one `randrange` and two bisections; it draws what `choose(dist.probs)` draws."""

    rng: random.Random

    def choose(self, weights: Sequence[Fraction]) -> int:
        return self._draw(list(itertools.accumulate(integer_weights(weights))))

    def choose_from(self, dist: Distribution) -> int:
        return dist.token_at(self.rng.randrange(dist.denominator))

    def _draw(self, cumulative: Sequence[int]) -> int:
        return bisect.bisect_right(cumulative, self.rng.randrange(cumulative[-1]))


def as_chooser(source: random.Random | Chooser) -> Chooser:
    """A `Chooser` from a `random.Random` or an existing chooser."""
    if isinstance(source, random.Random):
        return RandomChooser(source)
    if callable(getattr(source, "choose", None)):  # cheaper than a runtime Protocol check
        return source
    raise TypeError(f"rng: need a random.Random or a Chooser, got {type(source).__name__}")


@attrs.define
class _Replay:
    """Follows `forced` choices, then takes the first positive branch and queues the rest.

    The branch's probability is kept as an integer numerator and denominator, multiplied at
    every choice (`exact_law` makes fractions of them once per outcome): exact, without
    normalising a fraction at every step of every branch."""

    forced: tuple[int, ...]
    path: list[int] = attrs.field(factory=list)
    numerator: int = 1
    denominator: int = 1
    pending: list[tuple[int, ...]] = attrs.field(factory=list)

    def choose(self, weights: Sequence[Fraction]) -> int:
        integers = integer_weights(weights)
        return self._follow(integers, sum(integers))

    def choose_from(self, dist: Distribution) -> int:
        return self._follow(dist.weights, dist.denominator)

    def _follow(self, integers: Sequence[int], total: int) -> int:
        depth = len(self.path)
        if depth < len(self.forced):
            index = self.forced[depth]
        else:
            positive = [i for i, n in enumerate(integers) if n > 0]
            index = positive[0]
            self.pending.extend((*self.path, j) for j in positive[1:])
        self.path.append(index)
        self.numerator *= integers[index]
        self.denominator *= total
        return index


class ChoiceTreeTooLarge(RuntimeError):
    """`exact_law` would visit more branches than allowed."""


def exact_law(
    experiment: Callable[[Chooser], T], max_branches: int = 2_000_000
) -> dict[T, Fraction]:
    """The exact law of `experiment(chooser)`: a map from outcome to its probability.

    `experiment` must be deterministic given the chooser's answers (all its randomness goes
    through `choose`). Zero-weight branches are never taken.

    >>> law = exact_law(lambda c: c.choose([Fraction(1, 3), Fraction(2, 3)]))
    >>> law == {0: Fraction(1, 3), 1: Fraction(2, 3)}
    True
    """
    # Per outcome, the branches' numerators summed per denominator: branches share a few
    # denominators, so the fractions are added once per (outcome, denominator) at the end.
    sums: dict[T, dict[int, int]] = {}
    stack: list[tuple[int, ...]] = [()]
    visited = 0
    while stack:
        visited += 1
        if visited > max_branches:
            raise ChoiceTreeTooLarge(f"more than {max_branches} branches")
        replay = _Replay(stack.pop())
        outcome = experiment(replay)
        by_denominator = sums.setdefault(outcome, {})
        by_denominator[replay.denominator] = (by_denominator.get(replay.denominator, 0)
                                              + replay.numerator)
        stack.extend(replay.pending)
    return {outcome: sum((Fraction(n, d) for d, n in by_denominator.items()), Fraction(0))
            for outcome, by_denominator in sums.items()}


def expectation(law: dict[T, Fraction], value: Callable[[T], Fraction | int]) -> Fraction:
    """`E[value(X)]` under an exact law."""
    return sum((p * Fraction(value(x)) for x, p in law.items()), Fraction(0))
