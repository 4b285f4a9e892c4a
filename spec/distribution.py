"""A next-token distribution on `V = {0, ..., K-1}` with exact rational probabilities."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from fractions import Fraction

import attrs

from genaccess.spec.errors import InvalidDefinition
from genaccess.spec.numbers import check_int_at_least, to_fraction


def _to_probabilities(values: Sequence[object]) -> tuple[Fraction, ...]:
    if isinstance(values, str | bytes) or not isinstance(values, Sequence | tuple):
        raise InvalidDefinition("probs", "must be a sequence of numbers", values)
    return tuple(to_fraction(v, f"probs[{i}]") for i, v in enumerate(values))


def _check_probabilities(
    instance: Distribution,
    attribute: attrs.Attribute[tuple[Fraction, ...]],
    probs: tuple[Fraction, ...],
) -> None:
    if len(probs) < 2:
        raise InvalidDefinition("probs", "needs one entry per token, K >= 2", len(probs))
    for i, p in enumerate(probs):
        if p < 0:
            raise InvalidDefinition(f"probs[{i}]", "must be >= 0", str(p))
    total = sum(probs, Fraction(0))
    if total != 1:
        raise InvalidDefinition("probs", "must sum to exactly 1", str(total))


@attrs.frozen
class Distribution:
    """A probability vector `p` on `{0..K-1}`: entries `>= 0`, summing exactly to 1.

    >>> Distribution(("1/2", "1/4", "1/4")).top(2)
    ((0, Fraction(1, 2)), (1, Fraction(1, 4)))
    """

    probs: tuple[Fraction, ...] = attrs.field(
        converter=_to_probabilities, validator=_check_probabilities
    )

    @classmethod
    def uniform(cls, vocab_size: int) -> Distribution:
        """The uniform distribution on `{0..K-1}`."""
        check_int_at_least(vocab_size, 2, "vocab_size")
        return cls(tuple(Fraction(1, vocab_size) for _ in range(vocab_size)))

    @classmethod
    def point(cls, vocab_size: int, token: int) -> Distribution:
        """The point mass on `token`."""
        return cls(tuple(Fraction(int(a == token)) for a in range(vocab_size)))

    @property
    def vocab_size(self) -> int:
        return len(self.probs)

    def __getitem__(self, token: int) -> Fraction:
        return self.probs[token]

    def __iter__(self) -> Iterator[Fraction]:
        return iter(self.probs)

    def support(self) -> frozenset[int]:
        """Tokens of positive probability."""
        return frozenset(a for a, p in enumerate(self.probs) if p > 0)

    def ranking(self) -> tuple[int, ...]:
        """All tokens by decreasing probability, ties broken towards the lower index."""
        return tuple(sorted(range(len(self.probs)), key=lambda a: (-self.probs[a], a)))

    def top(self, k: int) -> tuple[tuple[int, Fraction], ...]:
        """The `k` most likely tokens with their probabilities (ties to the lower index)."""
        return tuple((a, self.probs[a]) for a in self.ranking()[:k])

    def argmax(self) -> int:
        """The most likely token, ties to the lower index (greedy decoding)."""
        return self.ranking()[0]
