"""Generators (G1): a next-token rule `pi(.|u)` at every prefix, and what it induces.

`pi(y) = prod_t pi(y_t | y_<t)` and the reach probability `rho(u) = prod_{t<=|u|} pi(u_t|u_<t)`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction

import attrs

from genaccess.spec.distribution import Distribution
from genaccess.spec.errors import InvalidDefinition
from genaccess.spec.prefix import (
    Prefix,
    Response,
    all_prefixes,
    all_responses,
    check_prefix,
    check_response,
    check_vocab_and_horizon,
)

Rule = Callable[[Prefix], Distribution]


@attrs.frozen
class TableRule:
    """A next-token rule given as a table; prefixes not in the table use `default`."""

    # Compared (by value) but not hashed: a dict has no hash, and equal tables still hash
    # alike through `default`.
    table: Mapping[Prefix, Distribution] = attrs.field(hash=False)
    default: Distribution | None

    def __call__(self, prefix: Prefix) -> Distribution:
        found = self.table.get(prefix, self.default)
        if found is None:
            raise InvalidDefinition("table", "has no entry for this prefix and no default", prefix)
        return found


def _as_distribution(value: object, field: str) -> Distribution:
    if isinstance(value, Distribution):
        return value
    try:
        return Distribution(value)  # type: ignore[arg-type]
    except InvalidDefinition as err:
        raise InvalidDefinition(f"{field}.{err.field}", err.rule, err.value) from None


@attrs.frozen
class Generator:
    """G1 object: a generator `pi` over `V = {0..K-1}` with horizon `H`.

    `rule(u)` is the next-token distribution at prefix `u`. Build one with `from_table`
    (validated eagerly) or `from_rule` (each answer validated when it is asked for).

    >>> g = Generator.from_table(2, 2, {(): ("1/3", "2/3")}, default=("1/2", "1/2"))
    >>> reach_probability(g, (1,))
    Fraction(2, 3)
    """

    vocab_size: int
    horizon: int
    rule: Rule
    """Compared by the rule's own equality: by value for table and hidden-path rules, by
    identity for rules that wrap a model. Equal generators have equal rows at every prefix;
    compare `table()` for equality of rows across representations."""

    def __attrs_post_init__(self) -> None:
        check_vocab_and_horizon(self.vocab_size, self.horizon)

    @classmethod
    def from_rule(cls, vocab_size: int, horizon: int, rule: Rule) -> Generator:
        """A generator whose next-token distribution is `rule(u)`."""
        return cls(vocab_size, horizon, rule)

    @classmethod
    def from_table(
        cls,
        vocab_size: int,
        horizon: int,
        table: Mapping[Prefix, object],
        default: object = None,
    ) -> Generator:
        """A generator from `{prefix: distribution}`; missing prefixes use `default`.

        Every entry is validated now: prefixes (tokens in range, length <= H-1) and
        distributions (K entries, non-negative, finite, summing to 1).
        """
        check_vocab_and_horizon(vocab_size, horizon)
        checked: dict[Prefix, Distribution] = {}
        for u, dist in table.items():
            key = check_prefix(u, vocab_size, horizon, field=f"table key {u!r}")
            checked[key] = _check_size(_as_distribution(dist, f"table[{u!r}]"), vocab_size)
        fallback = None
        if default is not None:
            fallback = _check_size(_as_distribution(default, "default"), vocab_size)
        else:
            missing = [u for u in all_prefixes(vocab_size, horizon) if u not in checked]
            if missing:
                raise InvalidDefinition(
                    "table", "misses prefixes and no default is given", missing[0]
                )
        return cls(vocab_size, horizon, TableRule(checked, fallback))

    def next_token(self, prefix: Sequence[int]) -> Distribution:
        """`pi(.|u)`, validated: `u` is a prefix and the answer has `K` entries."""
        return self._next_token_trusted(check_prefix(tuple(prefix), self.vocab_size,
                                                     self.horizon))

    def _next_token_trusted(self, prefix: Prefix) -> Distribution:
        """`pi(.|u)` at a prefix the caller has validated already: the oracle (which checks
        each query's prefix once, at the capability boundary) and rules that wrap another
        generator. The prefix is not checked again; the answer is (`K` entries)."""
        answer: object = self.rule(prefix)  # a rule may break its contract
        if not isinstance(answer, Distribution):  # the field names the prefix only then
            answer = _as_distribution(answer, f"rule({prefix!r})")
        return _check_size(answer, self.vocab_size)

    def table(self) -> dict[Prefix, Distribution]:
        """The whole rule as a table (every prefix; exponential in `H`)."""
        return {u: self.next_token(u) for u in all_prefixes(self.vocab_size, self.horizon)}


def forward_tokens_of(generator: Generator) -> int | None:
    """The model positions the generator's rule has computed so far, if it meters them.

    A rule that runs a real model (a transformer behind a cache) exposes a `forward_tokens`
    counter; exact rules have none. The oracle reports the difference per query."""
    count = getattr(generator.rule, "forward_tokens", None)
    return count if isinstance(count, int) and not isinstance(count, bool) else None


def _check_size(dist: Distribution, vocab_size: int) -> Distribution:
    if dist.vocab_size != vocab_size:
        raise InvalidDefinition(
            "probs", f"needs exactly K = {vocab_size} entries", dist.vocab_size
        )
    return dist


def response_probability(generator: Generator, response: Sequence[int]) -> Fraction:
    """`pi(y) = prod_t pi(y_t | y_<t)`."""
    y = check_response(tuple(response), generator.vocab_size, generator.horizon)
    p = Fraction(1)
    for t, a in enumerate(y):
        p *= generator.next_token(y[:t])[a]
    return p


def reach_probability(generator: Generator, prefix: Sequence[int]) -> Fraction:
    """`rho(u) = prod_{t<=|u|} pi(u_t | u_<t)`; `rho(()) = 1`.

    Defined for prefixes and for full responses (where it equals `pi(y)`).
    """
    u = tuple(prefix)
    if len(u) > generator.horizon:
        raise InvalidDefinition("prefix", f"length at most H = {generator.horizon}", u)
    p = Fraction(1)
    for t, a in enumerate(u):
        p *= generator.next_token(u[:t])[a]
    return p


def response_law(generator: Generator) -> dict[Response, Fraction]:
    """The distribution `pi` induces on `V^H`, every response listed (zeros included)."""
    return {
        y: response_probability(generator, y)
        for y in all_responses(generator.vocab_size, generator.horizon)
    }


def reach_weights(generator: Generator) -> tuple[int, dict[tuple[int, ...], int]]:
    """`(D, N)` with `rho(u) = N[u] / D^|u|` for every prefix and response `u`: the rows over
    their common denominator `D`, and `N[u·a] = N[u] * D pi(a|u)`, the product defining
    `rho` taken in integers (exact, without a fraction per step)."""
    K, H = generator.vocab_size, generator.horizon
    rows = {u: generator.next_token(u).probs for u in all_prefixes(K, H)}
    D = math.lcm(*(p.denominator for row in rows.values() for p in row))
    N: dict[tuple[int, ...], int] = {(): 1}
    for u, row in rows.items():  # shortest first, so N[u] is known
        for a, p in enumerate(row):
            N[(*u, a)] = N[u] * p.numerator * (D // p.denominator)
    return D, N


def is_G1_distribution(generator: Generator) -> bool:
    """G1: `sum_y pi(y) = 1` and every `pi(y) >= 0`."""
    D, N = reach_weights(generator)
    H = generator.horizon
    law = [N[y] for y in all_responses(generator.vocab_size, H)]
    return all(n >= 0 for n in law) and sum(law) == D ** H


def is_G1_reach_additive(generator: Generator) -> bool:
    """G1: `rho(u) = sum_a rho(u·a)` at every prefix `u`."""
    D, N = reach_weights(generator)
    K = generator.vocab_size
    return all(N[u] * D == sum(N[(*u, a)] for a in range(K))
               for u in all_prefixes(K, generator.horizon))


def is_G1(generator: Generator) -> bool:
    """G1: `pi` induces a distribution on `V^H` and reach probabilities add up."""
    return is_G1_distribution(generator) and is_G1_reach_additive(generator)
