"""Post-training pipelines on the hidden path: learners that talk to an oracle and return a
policy (realise GAP).

Each learner knows the family `HP(K, H, alpha)` (its parameters, not the hidden `z`) and the
calibration `beta`, and returns a `TiltedMixture`: the uniform mixture of the tilted optima
`pstar_{z'}` over the paths `z'` that extend a prefix. A full-length prefix is the tilted
policy of one guessed path.
"""

from __future__ import annotations

import random
from fractions import Fraction

import attrs

from genaccess.reference.cps_path import cps_path
from genaccess.reference.root_start_learner import revealed_path, root_start_map
from genaccess.spec.chance import Chooser
from genaccess.spec.hidden_path import HiddenPathFamily
from genaccess.spec.oracle import Oracle
from genaccess.spec.prefix import Response
from genaccess.spec.tilted_path import mixture_law


@attrs.frozen
class TiltedMixture:
    """The policy `(1/#) sum_{z' extends prefix} pstar_{z'}` (with `beta_H`)."""

    family: HiddenPathFamily
    prefix: tuple[int, ...]

    def law(self) -> dict[Response, Fraction]:
        """The policy's exact law on `V^H` (exponential in `H`: small instances only)."""
        return mixture_law(self.family, self.prefix)


def root_start_tilted_guess(oracle: Oracle, family: HiddenPathFamily, queries: int,
                            rng: random.Random | Chooser) -> TiltedMixture:
    """Root-start pipeline 1: the Bayes-optimal (MAP) guess from `T` canonical rollouts, then
    the tilted policy of that guess."""
    return TiltedMixture(family, root_start_map(oracle, queries, rng))


def root_start_posterior_mixture(oracle: Oracle, family: HiddenPathFamily, queries: int
                                 ) -> TiltedMixture:
    """Root-start pipeline 2: the posterior mixture. After `T` canonical rollouts the
    posterior on `z` is uniform over the completions of the deepest revealed path prefix, so
    the Bayes mixture of tilted optima is the `TiltedMixture` of that prefix."""
    deepest: tuple[int, ...] = ()
    for _ in range(queries):
        revealed = revealed_path(oracle.rollout())
        if len(revealed) > len(deepest):
            deepest = revealed
    return TiltedMixture(family, deepest)


def cps_tilted(oracle: Oracle, family: HiddenPathFamily, samples: int) -> TiltedMixture:
    """Prefix-access pipeline: CPS-Path(m) through the oracle, then the tilted policy of
    the recovered path (GAP (b): exactly `pstar_z` whenever CPS-Path recovers `z`)."""
    return TiltedMixture(family, cps_path(oracle, samples))
