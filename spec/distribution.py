"""A next-token distribution on `V = {0, ..., K-1}` with exact rational probabilities.

G1's `pi(.|u)` is stored as integer weights in lowest terms: `p_a = weights[a] /
denominator` with `denominator = sum(weights)` and no factor common to every weight, so the
denominator is the least common denominator of the probabilities. That form is unique, so
equality is equality of the probabilities however a distribution was built, and it keeps
the common operations cheap at real vocabulary sizes (`K = 50257`): a seeded draw is one
`randrange(denominator)` and two bisections, and the block totals behind them, the support,
the argmax and the top tokens are each computed once per distribution (cached on the frozen
instance). The `Fraction`s of `probs` are made only when asked for.
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections.abc import Iterator, Sequence
from fractions import Fraction
from typing import Any

import attrs

from genaccess.spec.errors import InvalidDefinition
from genaccess.spec.numbers import check_int_at_least, to_fraction

BLOCK = 32
"""Tokens per block of running totals: a draw finds its block among `K / BLOCK` kept totals,
then its token among the block's `BLOCK` running totals (added up for that draw). 32 keeps a
draw's own summing short (measured at K = 50257: a draw spent most of its time there at 256)."""


def _to_probabilities(values: object) -> tuple[Fraction, ...]:
    if isinstance(values, str | bytes) or not isinstance(values, Sequence | tuple):
        raise InvalidDefinition("probs", "must be a sequence of numbers", values)
    return tuple(to_fraction(v, f"probs[{i}]") for i, v in enumerate(values))


def _over_least_denominator(probs: tuple[Fraction, ...]) -> tuple[tuple[int, ...], int]:
    """`probs` as integer weights over their least common denominator. When the entries sum
    to 1 the weights have no common factor (each prime power of the denominator divides
    some entry's denominator, whose numerator it does not divide): the lowest terms."""
    denominator = math.lcm(*(p.denominator for p in probs))
    return tuple(p.numerator * (denominator // p.denominator) for p in probs), denominator


def _block_ends(weights: tuple[int, ...]) -> tuple[int, ...]:
    """The running total at the end of each block of `BLOCK` tokens (the last is the sum)."""
    return tuple(itertools.accumulate(sum(weights[i:i + BLOCK])
                                      for i in range(0, len(weights), BLOCK)))


def _common_factor(values: tuple[int, ...], *more: int) -> int:
    """The gcd of `values` and `more`; a few entries usually settle it at 1 (cheap at any K)."""
    head = math.gcd(*values[:8], *more)
    return head if head == 1 else math.gcd(head, *values[8:])


def _check_weights(instance: Any, attribute: attrs.Attribute[Any], weights: Any) -> None:
    if not isinstance(weights, tuple):
        raise InvalidDefinition("weights", "must be a tuple of integers", type(weights).__name__)
    if len(weights) < 2:
        raise InvalidDefinition("probs", "needs one entry per token, K >= 2", len(weights))
    # Whole-tuple tests run in C; the loops only name the first bad entry.
    if set(map(type, weights)) != {int}:
        for i, w in enumerate(weights):
            if type(w) is not int:
                raise InvalidDefinition(f"weights[{i}]", "must be an integer", w)
    if min(weights) < 0:
        d = instance.denominator
        for i, w in enumerate(weights):
            if w < 0:
                value = str(Fraction(w, d)) if type(d) is int and d > 0 else w
                raise InvalidDefinition(f"probs[{i}]", "must be >= 0", value)


def _check_denominator(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if type(value) is not int or value < 1:
        raise InvalidDefinition("denominator", "must be an integer >= 1", value)
    total = sum(instance.weights)
    if total != value:
        raise InvalidDefinition("probs", "must sum to exactly 1", str(Fraction(total, value)))
    common = _common_factor(instance.weights)
    if common != 1:
        raise InvalidDefinition("weights", "must be in lowest terms (no common factor)", common)


@attrs.frozen(init=False, repr=False)
class Distribution:
    """G1: a probability vector `p` on `{0..K-1}`: entries `>= 0`, summing exactly to 1.

    `Distribution(probs)` takes one number per token (ints, Fractions, strings such as
    ``"1/3"``, finite floats at their exact binary value); `from_weights` takes integers
    proportional to the probabilities.

    >>> Distribution(("1/2", "1/4", "1/4")).top(2)
    ((0, Fraction(1, 2)), (1, Fraction(1, 4)))
    >>> Distribution.from_weights((2, 1, 1)) == Distribution(("1/2", "1/4", "1/4"))
    True
    """

    weights: tuple[int, ...] = attrs.field(validator=_check_weights)
    """`p_a = weights[a] / denominator`, in lowest terms."""
    denominator: int = attrs.field(validator=_check_denominator, eq=False)
    """`sum(weights)`: the least common denominator of the probabilities (a function of
    `weights`, so equality compares the weights alone)."""
    # Computed at most once per instance (set with `object.__setattr__`, as the instance is
    # frozen); never compared, hashed or shown.
    _probs: tuple[Fraction, ...] | None = attrs.field(default=None, init=False, eq=False)
    _ends: tuple[int, ...] | None = attrs.field(default=None, init=False, eq=False)
    """`_block_ends(weights)`."""
    _support: frozenset[int] | None = attrs.field(default=None, init=False, eq=False)
    _argmax: int | None = attrs.field(default=None, init=False, eq=False)
    _top: tuple[int, ...] = attrs.field(default=(), init=False, eq=False)
    """The first tokens of `ranking()`, as many as asked for so far."""

    def __init__(self, probs: Sequence[object]) -> None:
        fractions = _to_probabilities(probs)
        self.__attrs_init__(*_over_least_denominator(fractions))
        object.__setattr__(self, "_probs", fractions)

    @classmethod
    def from_weights(cls, weights: Sequence[int], denominator: int | None = None
                     ) -> Distribution:
        """`p_a = weights[a] / denominator` for non-negative integer weights; the
        denominator defaults to their sum, and a common factor is divided out.

        >>> Distribution.from_weights((0, 6, 2), 8)[1]
        Fraction(3, 4)
        """
        if isinstance(weights, str | bytes) or not isinstance(weights, Sequence):
            raise InvalidDefinition("weights", "must be a sequence of integers", weights)
        values = tuple(weights)
        ends: tuple[int, ...] | None = None
        total, common = (1 if denominator is None else denominator), 1
        try:  # the block totals of a draw give the sum too
            ends = _block_ends(values)
            if denominator is None and ends:
                total = ends[-1]
            common = _common_factor(values, total)
        except TypeError:  # a non-integer: the validators name it
            ends, total = None, (1 if denominator is None else denominator)
        if denominator is None and not any(values):
            raise InvalidDefinition("weights", "must not all be 0", values[:3])
        if common > 1:
            values = tuple(w // common for w in values)
            total //= common
            ends = tuple(e // common for e in ends) if ends is not None else None
        dist = cls.__new__(cls)
        dist.__attrs_init__(values, total)
        object.__setattr__(dist, "_ends", ends)
        return dist

    @classmethod
    def uniform(cls, vocab_size: int) -> Distribution:
        """The uniform distribution on `{0..K-1}`."""
        check_int_at_least(vocab_size, 2, "vocab_size")
        return cls.from_weights((1,) * vocab_size)

    @classmethod
    def point(cls, vocab_size: int, token: int) -> Distribution:
        """The point mass on `token`."""
        return cls(tuple(Fraction(int(a == token)) for a in range(vocab_size)))

    @property
    def vocab_size(self) -> int:
        return len(self.weights)

    @property
    def probs(self) -> tuple[Fraction, ...]:
        """The probabilities as exact `Fraction`s (made once, when first asked for)."""
        if self._probs is None:
            d = self.denominator
            object.__setattr__(self, "_probs", tuple(Fraction(w, d) for w in self.weights))
        assert self._probs is not None
        return self._probs

    def __getitem__(self, token: int) -> Fraction:
        if self._probs is not None:
            return self._probs[token]
        return Fraction(self.weights[token], self.denominator)

    def __iter__(self) -> Iterator[Fraction]:
        return iter(self.probs)

    def __repr__(self) -> str:
        return f"Distribution(probs={self.probs!r})"

    def token_at(self, r: int) -> int:
        """The first token whose running total of weights exceeds `r`, for `0 <= r <
        denominator`: `randrange(denominator)` mapped through it draws `a` with `p_a`."""
        if isinstance(r, bool) or not isinstance(r, int) or not 0 <= r < self.denominator:
            raise InvalidDefinition("r", f"must be an integer in 0..{self.denominator - 1}", r)
        ends = self._ends
        if ends is None:
            ends = _block_ends(self.weights)
            object.__setattr__(self, "_ends", ends)
        block = bisect.bisect_right(ends, r)
        start = block * BLOCK
        running = list(itertools.accumulate(self.weights[start:start + BLOCK],
                                            initial=ends[block - 1] if block else 0))
        return start + bisect.bisect_right(running, r) - 1

    def support(self) -> frozenset[int]:
        """Tokens of positive probability."""
        if self._support is None:
            weights = self.weights
            object.__setattr__(self, "_support",
                               frozenset(itertools.compress(range(len(weights)), weights)))
        assert self._support is not None
        return self._support

    def ranking(self) -> tuple[int, ...]:
        """All tokens by decreasing probability, ties broken towards the lower index."""
        return self._ranked(len(self.weights))

    def top(self, k: int) -> tuple[tuple[int, Fraction], ...]:
        """The `k` most likely tokens with their probabilities (ties to the lower index)."""
        return tuple((a, self[a]) for a in self._ranked(k))

    def argmax(self) -> int:
        """The most likely token, ties to the lower index (greedy decoding)."""
        if self._argmax is None:
            weights = self.weights
            object.__setattr__(self, "_argmax", weights.index(max(weights)))
        assert self._argmax is not None
        return self._argmax

    def _ranked(self, k: int) -> tuple[int, ...]:
        """The first `k` tokens of the ranking (read as `ranking()[:k]`); the longest prefix
        computed so far is kept."""
        weights = self.weights
        K = len(weights)
        k = min(k, K) if k >= 0 else max(0, K + k)
        if k > len(self._top):
            candidates: Sequence[int] = range(K)
            if k * BLOCK < K:
                # A top-k token lies in one of the k blocks with the largest maxima, earlier
                # blocks first among equal maxima (a tie goes to the lower index): a block
                # with a smaller maximum, or a later one among equal maxima, holds only
                # tokens that k tokens of those blocks precede.
                peaks = [max(weights[i:i + BLOCK]) for i in range(0, K, BLOCK)]
                blocks = sorted(range(len(peaks)), key=peaks.__getitem__, reverse=True)[:k]
                candidates = [a for b in sorted(blocks)
                              for a in range(b * BLOCK, min(K, (b + 1) * BLOCK))]
            # Stable, so equal weights keep increasing index order.
            top = sorted(candidates, key=weights.__getitem__, reverse=True)[:k]
            object.__setattr__(self, "_top", tuple(top))
        return self._top[:k] if k < len(self._top) else self._top
