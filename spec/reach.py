"""R2: the reach bound. Root-start learners see a set `D` of prefixes only as often as the
generator reaches it, so two generators that differ only on `D` are hard to tell apart.

Laws are exact (`Fraction` probabilities). Sums and products over laws run on integers over
one common denominator and become a `Fraction` once at the end: the same exact values,
without normalising a fraction (and hashing one) at every step.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping
from fractions import Fraction
from typing import TypeVar

from genaccess.spec.garbling import root_start_law
from genaccess.spec.generator import Generator
from genaccess.spec.observation import ObservationType
from genaccess.spec.prefix import Prefix, all_prefixes

T = TypeVar("T", bound=Hashable)


def reach_of_set(generator: Generator, prefixes: Iterable[Prefix]) -> Fraction:
    """`rho(D) = P_{y~pi}(y_<t in D for some t in 1..H)`: the sum of `pi(y)` over the
    responses `y` that pass through `D` (every response visited once, depth first, its
    probability the product of the next-token rows along it)."""
    D = frozenset(prefixes)
    K, H = generator.vocab_size, generator.horizon
    rows = {u: generator.next_token(u).probs for u in all_prefixes(K, H)}
    denominator = math.lcm(*(p.denominator for row in rows.values() for p in row))
    weights = {u: [int(p * denominator) for p in row] for u, row in rows.items()}
    total = 0
    stack: list[tuple[Prefix, int, bool]] = [((), 1, False)]
    while stack:
        u, weight, hit = stack.pop()
        if len(u) == H:
            total += weight if hit else 0
            continue
        hit = hit or u in D
        stack.extend(((*u, a), weight * w, hit) for a, w in enumerate(weights[u]) if w)
    return Fraction(total, denominator ** H)


def difference_set(first: Generator, second: Generator) -> frozenset[Prefix]:
    """The prefixes where the two next-token rules differ."""
    return frozenset(
        u
        for u in all_prefixes(first.vocab_size, first.horizon)
        if first.next_token(u) != second.next_token(u)
    )


def _integer_weights(L: int, law: Mapping[T, Fraction]) -> dict[T, int]:
    """`law` as numerators over the common denominator `L` (an `int` has denominator 1)."""
    return {x: p.numerator * (L // p.denominator) for x, p in law.items()}


def _common_denominator(*laws: Mapping[T, Fraction]) -> int:
    return math.lcm(*(p.denominator for law in laws for p in law.values()))


def total_variation(first: Mapping[T, Fraction], second: Mapping[T, Fraction]) -> Fraction:
    """`TV(P, Q) = 1/2 sum_x |P(x) - Q(x)|` for exact laws."""
    L = _common_denominator(first, second)
    p, q = _integer_weights(L, first), _integer_weights(L, second)
    return Fraction(sum(abs(p.get(x, 0) - q.get(x, 0)) for x in p.keys() | q.keys()), 2 * L)


def product_law(law: Mapping[T, Fraction], copies: int) -> dict[tuple[T, ...], Fraction]:
    """The law of `copies` independent draws from `law`."""
    L = _common_denominator(law)
    weights = _integer_weights(L, law).items()
    result: list[tuple[tuple[T, ...], int]] = [((), 1)]
    for _ in range(copies):
        result = [((*xs, x), n * m) for xs, n in result for x, m in weights]
    scale = L ** copies
    return {xs: Fraction(n, scale) for xs, n in result}


def product_total_variation(first: Mapping[T, Fraction], second: Mapping[T, Fraction],
                            copies: int) -> Fraction:
    """`TV(P^T, Q^T)` = `total_variation(product_law(P, T), product_law(Q, T))`, with the
    outcomes relabelled by their index first (a `T`-tuple of small integers hashes in
    nanoseconds; a `T`-tuple of reports holding fractions does not)."""
    index = {x: i for i, x in enumerate(set(first) | set(second))}
    return total_variation(product_law({index[x]: p for x, p in first.items()}, copies),
                           product_law({index[x]: p for x, p in second.items()}, copies))


def reach_bound(rho: Fraction, queries: int) -> Fraction:
    """`1 - (1 - rho)^T`, R2's bound on the transcript TV."""
    return 1 - (1 - rho) ** queries


def is_R2_reach_invariant(first: Generator, second: Generator, prefixes: Iterable[Prefix]) -> bool:
    """R2: if `pi, pi'` agree outside `D` then `rho_pi(D) = rho_pi'(D)` (vacuous otherwise)."""
    D = frozenset(prefixes)
    if not difference_set(first, second) <= D:
        return True
    return reach_of_set(first, D) == reach_of_set(second, D)


def one_query_law(generator: Generator, observation: ObservationType) -> dict[object, Fraction]:
    """The exact law of one root-start answer of type `observation`, from the oracle."""
    return {answer[0]: p for answer, p in root_start_law(generator, observation, 1).items()}


def compute_R2_gap(
    first: Generator, second: Generator, prefixes: Iterable[Prefix],
    observation: ObservationType, queries: int,
) -> tuple[Fraction, Fraction]:
    """R2: (TV between the laws of `T` root-start transcripts, `1 - (1 - rho(D))^T`)."""
    D = frozenset(prefixes)
    # Root-start queries are i.i.d. (checked exactly by R2's i.i.d. check), so the T-query
    # law is the T-fold product of the one-query law computed from the oracle.
    tv = product_total_variation(one_query_law(first, observation),
                                 one_query_law(second, observation), queries)
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
