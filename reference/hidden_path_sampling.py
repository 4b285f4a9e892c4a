"""The hidden-path generator `pi_z` for simulations at real vocabulary sizes.

`HiddenPathFamily.generator(z)` (the spec's definition, docs/theory.md, "The hidden-path
family") builds all `K` stage distributions from `K` `Fraction`s each, `K^2` of them: about
ten seconds at `K = 1000`. `path_generator` gives the same `pi_z` from integer weights over
the common denominator (`Distribution.from_weights`), building the stage of a token only
when a path uses it and sharing it between runs. tests/test_simulate_scale.py checks that
both give equal distributions at every prefix of small instances.
"""

from __future__ import annotations

import math
from functools import cache

import attrs

from genaccess.spec.distribution import Distribution
from genaccess.spec.generator import Generator
from genaccess.spec.hidden_path import HiddenPathFamily, is_on_path
from genaccess.spec.prefix import Prefix, Response, check_response


@attrs.frozen
class _Stages:
    """The stage distributions of one family, made on first use."""

    vocab_size: int
    path_weight: int
    other_weight: int
    made: dict[int, Distribution] = attrs.field(factory=dict, eq=False, repr=False)

    def stage(self, token: int) -> Distribution:
        if token not in self.made:
            weights = [self.other_weight] * self.vocab_size
            weights[token] = self.path_weight
            self.made[token] = Distribution.from_weights(weights)
        return self.made[token]


@cache
def _stages(family: HiddenPathFamily) -> tuple[_Stages, Distribution]:
    alpha, beta = family.alpha, family.off_path
    den = math.lcm(alpha.denominator, beta.denominator)
    stages = _Stages(family.vocab_size, int(alpha * den), int(beta * den))
    return stages, Distribution.uniform(family.vocab_size)


@attrs.frozen
class _PathRule:
    """`pi_z(.|u)`: the stage of `z_{|u|+1}` on the path, uniform elsewhere (as the spec's
    `HiddenPathRule`)."""

    path: Response
    stages: _Stages = attrs.field(eq=False, repr=False)
    uniform: Distribution = attrs.field(eq=False, repr=False)

    def __call__(self, prefix: Prefix) -> Distribution:
        if is_on_path(prefix, self.path):
            return self.stages.stage(self.path[len(prefix)])
        return self.uniform


def path_generator(family: HiddenPathFamily, path: object) -> Generator:
    """`pi_z` of HP(K, H, alpha) for the hidden path `z`, equal to `family.generator(z)`
    at every prefix, without `K`-wide `Fraction` work."""
    z = check_response(path, family.vocab_size, family.horizon)
    stages, uniform = _stages(family)
    return Generator.from_rule(family.vocab_size, family.horizon, _PathRule(z, stages, uniform))
