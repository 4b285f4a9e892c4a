"""Hypothesis strategies for the objects of docs/theory.md (random rational instances)."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import strategies as st

from genaccess.spec.distribution import Distribution
from genaccess.spec.generator import Generator
from genaccess.spec.prefix import Prefix, all_prefixes


@st.composite
def distributions(draw: st.DrawFn, vocab_size: int, max_weight: int = 4) -> Distribution:
    """A rational distribution on `{0..K-1}` with small integer weights (zeros and ties
    included, so tie-breaking and support rules get exercised)."""
    weights = draw(st.lists(st.integers(0, max_weight), min_size=vocab_size,
                            max_size=vocab_size).filter(lambda w: sum(w) > 0))
    total = sum(weights)
    return Distribution(tuple(Fraction(w, total) for w in weights))


@st.composite
def generators(draw: st.DrawFn, max_vocab: int = 3, max_horizon: int = 3,
               vocab_size: int | None = None, horizon: int | None = None) -> Generator:
    """A table generator with a random rational distribution at every prefix."""
    K = vocab_size if vocab_size is not None else draw(st.integers(2, max_vocab))
    H = horizon if horizon is not None else draw(st.integers(1, max_horizon))
    table = {u: draw(distributions(K)) for u in all_prefixes(K, H)}
    return Generator.from_table(K, H, table)


@st.composite
def generator_pairs(draw: st.DrawFn, max_vocab: int = 3, max_horizon: int = 2
                    ) -> tuple[Generator, Generator, frozenset[Prefix]]:
    """`(pi, pi', D)`: random `pi`, a random set `D`, and `pi'` that redraws the rows in `D`
    (so the two agree outside `D`; they may also agree somewhere inside it)."""
    first = draw(generators(max_vocab=max_vocab, max_horizon=max_horizon))
    K, H = first.vocab_size, first.horizon
    prefixes = list(all_prefixes(K, H))
    D = frozenset(draw(st.sets(st.sampled_from(prefixes))))
    table = {u: (draw(distributions(K)) if u in D else first.next_token(u)) for u in prefixes}
    return first, Generator.from_table(K, H, table), D
