"""R2: the reach bound. Root-start learners see a set `D` of prefixes only as often as the
generator reaches it, so two generators that differ only on `D` are hard to tell apart.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from fractions import Fraction
from typing import TypeVar

from genaccess.spec.garbling import root_start_law
from genaccess.spec.generator import Generator, response_probability
from genaccess.spec.observation import ObservationType
from genaccess.spec.prefix import Prefix, all_prefixes, all_responses

T = TypeVar("T", bound=Hashable)


def reach_of_set(generator: Generator, prefixes: Iterable[Prefix]) -> Fraction:
    """`rho(D) = P_{y~pi}(y_<t in D for some t in 1..H)`."""
    D = frozenset(prefixes)
    H = generator.horizon
    return sum(
        (
            response_probability(generator, y)
            for y in all_responses(generator.vocab_size, H)
            if any(y[:t] in D for t in range(H))
        ),
        Fraction(0),
    )


def difference_set(first: Generator, second: Generator) -> frozenset[Prefix]:
    """The prefixes where the two next-token rules differ."""
    return frozenset(
        u
        for u in all_prefixes(first.vocab_size, first.horizon)
        if first.next_token(u) != second.next_token(u)
    )


def total_variation(first: Mapping[T, Fraction], second: Mapping[T, Fraction]) -> Fraction:
    """`TV(P, Q) = 1/2 sum_x |P(x) - Q(x)|` for exact laws."""
    support = set(first) | set(second)
    return sum(
        (abs(first.get(x, Fraction(0)) - second.get(x, Fraction(0))) for x in support),
        Fraction(0),
    ) / 2


def product_law(law: Mapping[T, Fraction], copies: int) -> dict[tuple[T, ...], Fraction]:
    """The law of `copies` independent draws from `law`."""
    result: dict[tuple[T, ...], Fraction] = {(): Fraction(1)}
    for _ in range(copies):
        result = {(*xs, x): p * q for xs, p in result.items() for x, q in law.items()}
    return result


def reach_bound(rho: Fraction, queries: int) -> Fraction:
    """`1 - (1 - rho)^T`, R2's bound on the transcript TV."""
    return 1 - (1 - rho) ** queries


def is_R2_reach_invariant(first: Generator, second: Generator, prefixes: Iterable[Prefix]) -> bool:
    """R2: if `pi, pi'` agree outside `D` then `rho_pi(D) = rho_pi'(D)` (vacuous otherwise)."""
    D = frozenset(prefixes)
    if not difference_set(first, second) <= D:
        return True
    return reach_of_set(first, D) == reach_of_set(second, D)


def compute_R2_gap(
    first: Generator, second: Generator, prefixes: Iterable[Prefix],
    observation: ObservationType, queries: int,
) -> tuple[Fraction, Fraction]:
    """(TV between the laws of `T` root-start transcripts, `1 - (1 - rho(D))^T`)."""
    D = frozenset(prefixes)
    # Root-start queries are i.i.d. (checked exactly by R2's i.i.d. check), so the T-query
    # law is the T-fold product of the one-query law computed from the oracle.
    laws = [
        {obs[0]: p for obs, p in root_start_law(g, observation, 1).items()}
        for g in (first, second)
    ]
    tv = total_variation(product_law(laws[0], queries), product_law(laws[1], queries))
    return tv, reach_bound(reach_of_set(first, D), queries)


def is_R2_bound(
    first: Generator, second: Generator, prefixes: Iterable[Prefix],
    observation: ObservationType, queries: int,
) -> bool:
    """R2: for `pi, pi'` agreeing outside `D`, `TV <= 1 - (1 - rho(D))^T <= T rho(D)`."""
    D = frozenset(prefixes)
    if not difference_set(first, second) <= D:
        return True
    tv, bound = compute_R2_gap(first, second, D, observation, queries)
    return tv <= bound <= queries * reach_of_set(first, D)
