"""Randomness as an explicit argument, and the exact law of any randomised experiment.

Every random draw in genaccess is a call `chooser.choose(weights)` that returns an index with
probability `weights[i] / sum(weights)`. In a run, the chooser wraps a seeded
`random.Random` and draws *exactly* (an integer below the common denominator, no float
rounding). In a check, `exact_law` runs the very same code once per branch of its choice
tree and returns the exact distribution of its result: the law of a transcript, of a
learner's output, of its success, with nothing re-implemented.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Hashable, Sequence
from fractions import Fraction
from typing import Protocol, TypeVar, runtime_checkable

import attrs

T = TypeVar("T", bound=Hashable)


@runtime_checkable
class Chooser(Protocol):
    """A source of exact weighted choices."""

    def choose(self, weights: Sequence[Fraction]) -> int:
        """An index `i` with probability `weights[i] / sum(weights)`."""
        ...


@attrs.define
class RandomChooser:
    """Exact weighted choice driven by a `random.Random` (seed it for reproducibility)."""

    rng: random.Random

    def choose(self, weights: Sequence[Fraction]) -> int:
        denominator = math.lcm(*(Fraction(w).denominator for w in weights))
        numerators = [int(Fraction(w) * denominator) for w in weights]
        draw = self.rng.randrange(sum(numerators))
        for i, n in enumerate(numerators):
            if draw < n:
                return i
            draw -= n
        raise AssertionError("unreachable: draw below the total")  # pragma: no cover


def as_chooser(source: random.Random | Chooser) -> Chooser:
    """A `Chooser` from a `random.Random` or an existing chooser."""
    if isinstance(source, random.Random):
        return RandomChooser(source)
    if callable(getattr(source, "choose", None)):  # cheaper than a runtime Protocol check
        return source
    raise TypeError(f"rng: need a random.Random or a Chooser, got {type(source).__name__}")


@attrs.define
class _Replay:
    """Follows `forced` choices, then takes the first positive branch and queues the rest."""

    forced: tuple[int, ...]
    path: list[int] = attrs.field(factory=list)
    weight: Fraction = Fraction(1)
    pending: list[tuple[int, ...]] = attrs.field(factory=list)

    def choose(self, weights: Sequence[Fraction]) -> int:
        total = sum(weights, Fraction(0))
        depth = len(self.path)
        if depth < len(self.forced):
            index = self.forced[depth]
        else:
            positive = [i for i, w in enumerate(weights) if w > 0]
            index = positive[0]
            self.pending.extend((*self.path, j) for j in positive[1:])
        self.path.append(index)
        self.weight *= Fraction(weights[index]) / total
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
    law: dict[T, Fraction] = {}
    stack: list[tuple[int, ...]] = [()]
    visited = 0
    while stack:
        visited += 1
        if visited > max_branches:
            raise ChoiceTreeTooLarge(f"more than {max_branches} branches")
        replay = _Replay(stack.pop())
        outcome = experiment(replay)
        law[outcome] = law.get(outcome, Fraction(0)) + replay.weight
        stack.extend(replay.pending)
    return law


def expectation(law: dict[T, Fraction], value: Callable[[T], Fraction | int]) -> Fraction:
    """`E[value(X)]` under an exact law."""
    return sum((p * Fraction(value(x)) for x, p in law.items()), Fraction(0))
