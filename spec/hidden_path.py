"""The hidden-path family HP(K, H, alpha) (docs/theory.md, "The hidden-path family").

For a hidden `z in V^H`, `pi_z` puts `alpha` on `z_t` at the on-path prefix `z_<t` and
`beta = (1-alpha)/(K-1)` on every other token there; every other prefix is uniform.
`Delta = alpha - beta` is the stage margin.

The family's exact closed forms live in the modules named after what they compute:
- HP1 (root-start): `genaccess.spec.root_start_success`;
- HP2 (chosen-prefix sampling): `genaccess.spec.cps_success`, and the adaptive learner's
  sequential test in `genaccess.spec.sequential_test`;
- HP3 (full / top-1 at chosen prefixes): `genaccess.spec.belief_search`.
"""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction
from functools import cache

import attrs

from genaccess.spec.distribution import Distribution
from genaccess.spec.errors import InvalidDefinition
from genaccess.spec.generator import Generator
from genaccess.spec.numbers import above_uniform, int_at_least, to_alpha
from genaccess.spec.prefix import Prefix, Response, all_responses, check_response


@attrs.frozen
class HiddenPathFamily:
    """HP(K, H, alpha): the family `{pi_z : z in V^H}` (`alpha` strictly in `(1/K, 1)`).

    >>> family = HiddenPathFamily(3, 2, "1/2")
    >>> family.stage(2).probs == (Fraction(1, 4), Fraction(1, 4), Fraction(1, 2))
    True
    >>> family.margin
    Fraction(1, 4)
    """

    vocab_size: int = attrs.field(validator=int_at_least(2))
    horizon: int = attrs.field(validator=int_at_least(1))
    alpha: Fraction = attrs.field(converter=to_alpha, validator=above_uniform())

    @property
    def off_path(self) -> Fraction:
        """`(1-alpha)/(K-1)`: every off-path token's probability at an on-path prefix.

        (Not called `beta`: that name is the KL temperature of KL1.)"""
        return (1 - self.alpha) / (self.vocab_size - 1)

    @property
    def margin(self) -> Fraction:
        """`Delta = alpha - beta`."""
        return self.alpha - self.off_path

    def stage(self, token: int) -> Distribution:
        """The on-path next-token distribution when the path token is `token`."""
        if isinstance(token, bool) or not isinstance(token, int) or not (
            0 <= token < self.vocab_size
        ):
            raise InvalidDefinition("token", f"must be in 0..{self.vocab_size - 1}", token)
        return Distribution(tuple(self.alpha if a == token else self.off_path
                                  for a in range(self.vocab_size)))

    def generator(self, path: object) -> Generator:
        """`pi_z` for the hidden path `z` (a response: length `H`, tokens in range)."""
        z = check_response(path, self.vocab_size, self.horizon)
        stages, uniform = _distributions(self)
        return Generator.from_rule(self.vocab_size, self.horizon,
                                   HiddenPathRule(z, stages, uniform))

    def paths(self) -> Iterator[Response]:
        """Every hidden path `z in V^H`, lexicographic."""
        return all_responses(self.vocab_size, self.horizon)


@cache
def _distributions(family: HiddenPathFamily) -> tuple[tuple[Distribution, ...], Distribution]:
    """The family's `K` stages and the uniform distribution, built once: every `pi_z` shares
    them (each `Distribution` keeps its running totals and ranking, so sharing them shares
    that work)."""
    K = family.vocab_size
    return tuple(family.stage(a) for a in range(K)), Distribution.uniform(K)


@attrs.frozen
class HiddenPathRule:
    """`pi_z(.|u)`: the stage distribution of `z_{|u|+1}` on the path, uniform elsewhere."""

    path: Response
    # Part of equality: two families with the same path but different alphas are different
    # generators (equal rules must mean equal rows at every prefix).
    stages: tuple[Distribution, ...] = attrs.field(repr=False)
    uniform: Distribution = attrs.field(repr=False)

    def __call__(self, prefix: Prefix) -> Distribution:
        if is_on_path(prefix, self.path):
            return self.stages[self.path[len(prefix)]]
        return self.uniform


ALPHA_GRID_STEPS = (1, 2, 3)
ALPHA_GRID_TEXT = ("alpha = 1/K + j(1-1/K)/4 for j in {"
                   + ", ".join(map(str, ALPHA_GRID_STEPS)) + "}")


def grid_alpha(vocab_size: int, step: int) -> Fraction:
    """`1/K + step (1 - 1/K)/4`: step `j` of the alphas the checks spread over `(1/K, 1)`."""
    low = Fraction(1, vocab_size)
    return low + step * (1 - low) / 4


def alpha_grid(vocab_size: int) -> tuple[Fraction, ...]:
    """Every alpha of `ALPHA_GRID_TEXT` for `K = vocab_size`."""
    return tuple(grid_alpha(vocab_size, j) for j in ALPHA_GRID_STEPS)


def is_on_path(prefix: Prefix, path: Response) -> bool:
    """`u = z_<t` for `t = |u|+1`."""
    return tuple(prefix) == tuple(path[: len(prefix)])
