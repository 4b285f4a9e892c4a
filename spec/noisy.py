"""Noisy chosen-prefix sampling: the observation type `noisy-sample(eta)` and NOISY1.

At a visited prefix `v` the generator draws its continuation token `a ~ pi(.|v)` as usual;
the learner is shown `a` with probability `1 - eta` and, with probability `eta`, a token
drawn uniformly from `V` instead (it may happen to be `a`). The channel's draws are
independent of everything else. The continuation follows the generator's own token `a`, not
the shown one: the noise is in what is returned, never in what is generated.

Consequences for LR (`genaccess.spec.local_reset`): the shown token is not guaranteed to be
the continuation, so the report does not show the continuation (`token` is `None`; after the
first step of a longer answer the learner does not know where the generator is). The shown
token is named, so `v·b` becomes built, exactly as a `top1` report builds the child it names.
For the one-token queries of chosen-prefix sampling none of this matters: the learner sees
`b` and may continue from `v·b`.

NOISY1 (the project's formalisation, not a claim of the paper):
- the law of noisy answers is the law of `sample` answers pushed through the `eta`-channel,
  step by step (a randomised garbling of `sample`, hence of the canonical observation: R1's
  conclusion and R2's reach bound hold for it);
- on HP(K, H, alpha) the shown token at an on-path prefix is a draw from the stage
  distribution of HP(K, H, alpha_eta), `alpha_eta = (1-eta) alpha + eta/K`, whose margin is
  `(1-eta) Delta`; so CPS-Path on noisy samples succeeds with exactly `prod_t q_eta(z_t)`
  and `m = ceil(2 / ((1-eta) Delta)^2 * ln(H (K-1) / delta))` samples per stage suffice.

This module holds the observation type and the channel (the oracle imports it, through
`genaccess.spec.access`, so it must not import the oracle); NOISY1's predicates are in
`genaccess.spec.noisy_garbling` (i) and `genaccess.spec.noisy_path` (ii).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from fractions import Fraction
from typing import ClassVar

import attrs

from genaccess.spec.distribution import Distribution
from genaccess.spec.errors import InvalidDefinition
from genaccess.spec.numbers import to_fraction
from genaccess.spec.observation import ObservationType, Outcome, Report

# ---------------------------------------------------------------------------------------
# The observation type


def to_eta(value: object) -> Fraction:
    """`value` as a noise level in `[0, 1]` (`InvalidDefinition` naming `eta` otherwise)."""
    eta = to_fraction(value, "eta")
    if not 0 <= eta <= 1:
        raise InvalidDefinition("eta", "the noise level must be in [0, 1]", str(eta))
    return eta


@attrs.frozen
class NoisySampleReport(Report):
    """The token the noisy channel shows; not necessarily the continuation token."""

    shown: int

    @property
    def token(self) -> int | None:
        return None  # the continuation is not reliably shown, so it is hidden for LR

    @property
    def revealed(self) -> frozenset[int]:
        return frozenset((self.shown,))


@attrs.frozen
class NoisySample(ObservationType):
    """`noisy-sample(eta)`: the sampled token, replaced by a uniform one with probability `eta`.

    >>> from genaccess.spec.distribution import Distribution
    >>> law = {r.shown: p for _, r, p in NoisySample("1/2").outcomes(Distribution((1, 0)))}
    >>> law == {0: Fraction(3, 4), 1: Fraction(1, 4)}
    True
    """

    eta: Fraction = attrs.field(converter=to_eta)
    family: ClassVar[str] = "noisy-sample"

    @property
    def name(self) -> str:
        return f"noisy-sample({self.eta})"

    def report(self, dist: Distribution, token: int) -> Report:
        """The report when the channel passes the token through unchanged."""
        return NoisySampleReport(token)

    def outcomes(self, dist: Distribution) -> Iterator[Outcome]:
        """Atoms `(a, shown b, pi(a) * ((1-eta) [a = b] + eta / K))` of positive weight."""
        K = dist.vocab_size
        spread = self.eta / K  # the chance of showing a given token by noise
        kept = 1 - self.eta + spread
        reports = [NoisySampleReport(b) for b in range(K)]
        for a, p in enumerate(dist):
            if not p:
                continue
            shown_kept = p * kept  # > 0: kept >= 1/K
            if not spread:
                yield a, reports[a], shown_kept
                continue
            shown_other = p * spread
            for b in range(K):
                yield a, reports[b], shown_kept if a == b else shown_other

    @classmethod
    def instances(cls, vocab_size: int) -> tuple[ObservationType, ...]:
        """`eta = 0` for the generic checks: it has the type's LR behaviour (the continuation
        hidden, the shown token named) with `sample`'s branching. With `eta > 0` every step
        has `K^2` atoms (true token x shown token), so the exact laws of the LR acceptance
        check's multi-token sequences grow `K^L` times; NOISY1 runs the noise levels
        `1/4, 1/2, 1` on domains sized for that."""
        return (cls(Fraction(0)),)

    @classmethod
    def parse(cls, text: str) -> ObservationType | None:
        match = re.fullmatch(r"noisy-sample\((\d+(?:/\d+)?)\)", text)
        return cls(match.group(1)) if match else None


def compute_channel(eta: object, vocab_size: int, token: int) -> dict[int, Fraction]:
    """The `eta`-channel: the law of the shown token when the true token is `token`.

    Written from the definition, independently of `NoisySample.outcomes`.

    >>> compute_channel("1/2", 2, 0) == {0: Fraction(3, 4), 1: Fraction(1, 4)}
    True
    """
    e = to_eta(eta)
    law = {b: (1 - e) * (b == token) + e / vocab_size for b in range(vocab_size)}
    return {b: p for b, p in law.items() if p > 0}
