"""Observation types: what one step of an answer reports about the next token.

At a prefix `v` with next-token distribution `p`, the oracle draws the continuation token
`a ~ p` and the observation type turns `(p, a)` into a report. Along a continuation of
several steps (a root-start rollout is the continuation of length `H` from the root) one
report is made at every visited prefix.

A report says two things the local-reset discipline (LR) needs:
- `token`: the continuation token, if the report shows it (`sample`, `logprob`, `full`), else
  `None` (`topk`, `top1` report only a ranking, never the sampled text);
- `revealed`: the tokens `a` for which the learner may now name `v·a` as produced by the
  generator (the sampled token; tokens listed by top-k / top-1; the support of a full
  distribution).

To add an observation type: subclass `ObservationType`, implement `report` (or override
`outcomes` when the report is itself random, as in a noisy channel), and add the class to
`OBSERVATION_TYPES` in `genaccess.spec.access`. Nothing else needs to change.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterator
from fractions import Fraction
from typing import ClassVar

import attrs

from genaccess.spec.chance import Chooser
from genaccess.spec.distribution import Distribution
from genaccess.spec.errors import InvalidDefinition
from genaccess.spec.numbers import int_at_least


class Report(ABC):
    """One step's observation."""

    @property
    @abstractmethod
    def token(self) -> int | None:
        """The continuation token if the report shows it."""

    @property
    @abstractmethod
    def revealed(self) -> frozenset[int]:
        """Tokens `a` such that `v·a` becomes nameable (built) at the reported prefix `v`."""


@attrs.frozen
class _SampledReport(Report):
    """A report that shows the sampled token, so the continuation is known (LR)."""

    sampled: int

    @property
    def token(self) -> int | None:
        return self.sampled

    @property
    def revealed(self) -> frozenset[int]:
        return frozenset((self.sampled,))


@attrs.frozen
class SampleReport(_SampledReport):
    """The sampled token only."""


@attrs.frozen
class LogprobReport(_SampledReport):
    """The sampled token with its exact probability (its log is a bijection of it)."""

    prob: Fraction


@attrs.frozen
class TopKReport(Report):
    """The `k` most likely tokens with probabilities, most likely first, ties to lower index."""

    ranked: tuple[tuple[int, Fraction], ...]

    @property
    def token(self) -> int | None:
        return None

    @property
    def revealed(self) -> frozenset[int]:
        return frozenset(a for a, _ in self.ranked)


@attrs.frozen
class Top1Report(Report):
    """The most likely token only (greedy choice), ties to the lower index; no probability."""

    top: int

    @property
    def token(self) -> int | None:
        return None

    @property
    def revealed(self) -> frozenset[int]:
        return frozenset((self.top,))


@attrs.frozen
class FullReport(_SampledReport):
    """The sampled token and the whole next-token distribution (equivalently, logits)."""

    dist: Distribution

    @property
    def revealed(self) -> frozenset[int]:
        return self.dist.support()


Outcome = tuple[int, Report, Fraction]
"""(continuation token, report, probability) — one atom of a step's joint law."""


class ObservationType(ABC):
    """An observation type: the law of a step's report given the next-token distribution."""

    family: ClassVar[str]
    """Name of the family, e.g. ``"topk"``; `name` adds parameters, e.g. ``"topk(2)"``."""

    @property
    def name(self) -> str:
        return self.family

    @abstractmethod
    def report(self, dist: Distribution, token: int) -> Report:
        """The report when the continuation token is `token` (deterministic types)."""

    def outcomes(self, dist: Distribution) -> Iterator[Outcome]:
        """The joint law of (continuation token, report): atoms of positive probability."""
        for a, p in enumerate(dist):
            if p > 0:
                yield a, self.report(dist, a), p

    def step(self, dist: Distribution, chooser: Chooser) -> tuple[int, Report]:
        """Draw one step: the continuation token and its report, with the law `outcomes`.

        Deterministic types draw the token and build one report; a type that overrides
        `outcomes` (a random report) is drawn from its atoms, so `outcomes` stays the one
        definition of the law."""
        if type(self).outcomes is ObservationType.outcomes:
            token = chooser.choose_from(dist)
            return token, self.report(dist, token)
        atoms = list(self.outcomes(dist))
        token, report, _p = atoms[chooser.choose([p for _, _, p in atoms])]
        return token, report

    @classmethod
    def instances(cls, vocab_size: int) -> tuple[ObservationType, ...]:
        """Every instance for a vocabulary of size `K` (used by the generic checks)."""
        return (cls(),)

    @classmethod
    def parse(cls, text: str) -> ObservationType | None:
        """The instance named `text`, or `None` if `text` is not of this family."""
        return cls() if text == cls.family else None

    def check_vocab(self, vocab_size: int) -> None:  # noqa: B027 - optional hook
        """Raise `InvalidDefinition` if this type cannot be used with `K = vocab_size`."""


@attrs.frozen
class Sample(ObservationType):
    """`sample`: the sampled token only."""

    family: ClassVar[str] = "sample"

    def report(self, dist: Distribution, token: int) -> Report:
        return SampleReport(token)


@attrs.frozen
class Logprob(ObservationType):
    """`logprob`: the sampled token with its probability."""

    family: ClassVar[str] = "logprob"

    def report(self, dist: Distribution, token: int) -> Report:
        return LogprobReport(token, dist[token])


@attrs.frozen
class TopK(ObservationType):
    """`topk(k)`: the `k` most likely tokens with probabilities, ties to the lower index."""

    k: int = attrs.field(validator=int_at_least(1))
    family: ClassVar[str] = "topk"

    @property
    def name(self) -> str:
        return f"topk({self.k})"

    def report(self, dist: Distribution, token: int) -> Report:
        return TopKReport(dist.top(self.k))

    def check_vocab(self, vocab_size: int) -> None:
        if self.k > vocab_size:
            raise InvalidDefinition("k", f"top-k needs 1 <= k <= K = {vocab_size}", self.k)

    @classmethod
    def instances(cls, vocab_size: int) -> tuple[ObservationType, ...]:
        return tuple(cls(k) for k in range(1, vocab_size + 1))

    @classmethod
    def parse(cls, text: str) -> ObservationType | None:
        match = re.fullmatch(r"topk\((\d+)\)", text)
        return cls(int(match.group(1))) if match else None


@attrs.frozen
class Top1(ObservationType):
    """`top1`: the most likely token only, no probability (greedy), ties to the lower index."""

    family: ClassVar[str] = "top1"

    def report(self, dist: Distribution, token: int) -> Report:
        return Top1Report(dist.argmax())


@attrs.frozen
class Full(ObservationType):
    """`full`: the sampled token and the whole next-token distribution."""

    family: ClassVar[str] = "full"

    def report(self, dist: Distribution, token: int) -> Report:
        return FullReport(token, dist)
