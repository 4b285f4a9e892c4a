"""NOISY1 (ii) (docs/theory.md, NOISY1): the hidden path seen through the `eta`-channel.

An on-path noisy answer is a stage draw of HP(K, H, alpha_eta),
`alpha_eta = (1-eta) alpha + eta/K` (`noisy_family`), whose margin is `(1-eta) Delta`; so
CPS-Path on noisy samples has HP2's closed forms for that family.
"""

from __future__ import annotations

from fractions import Fraction

from genaccess.spec.cps_success import (
    compute_cps_m,
    compute_HP2_success,
    compute_HP2_worst_success,
)
from genaccess.spec.errors import InvalidDefinition
from genaccess.spec.hidden_path import HiddenPathFamily
from genaccess.spec.monotone_search import least_integer
from genaccess.spec.noisy import NoisySample, NoisySampleReport, to_eta


def noisy_family(family: HiddenPathFamily, eta: object) -> HiddenPathFamily:
    """NOISY1: HP(K, H, alpha_eta), `alpha_eta = (1-eta) alpha + eta/K` (needs `eta < 1`)."""
    e = to_eta(eta)
    if e == 1:
        raise InvalidDefinition("eta", "eta = 1 erases the margin; need eta < 1", str(e))
    K = family.vocab_size
    return HiddenPathFamily(K, family.horizon, (1 - e) * family.alpha + e / K)


def is_NOISY1_stage_law(family: HiddenPathFamily, eta: object) -> bool:
    """NOISY1: at an on-path prefix the shown token's law (from the oracle's own
    `NoisySample.outcomes`) is the stage distribution of `noisy_family`, and its margin is
    `(1-eta) Delta`."""
    e = to_eta(eta)
    mixed = noisy_family(family, e)
    if mixed.margin != (1 - e) * family.margin:
        return False
    K = family.vocab_size
    for a in range(K):
        shown = [Fraction(0)] * K
        for _, report, p in NoisySample(e).outcomes(family.stage(a)):
            assert isinstance(report, NoisySampleReport)
            shown[report.shown] += p
        if tuple(shown) != mixed.stage(a).probs:
            return False
    return True


def compute_NOISY1_success(family: HiddenPathFamily, eta: object, samples: int,
                           path: object) -> Fraction:
    """NOISY1: CPS-Path(m)'s exact success on noisy samples, `prod_t q_eta(z_t)`."""
    return compute_HP2_success(noisy_family(family, eta), samples, path)


def compute_NOISY1_m(family: HiddenPathFamily, eta: object, delta: object) -> int:
    """NOISY1: HP2's `m` for the margin `(1-eta) Delta`:
    `ceil(2 / ((1-eta) Delta)^2 * ln(H (K-1) / delta))`."""
    return compute_cps_m(noisy_family(family, eta), delta)


def compute_least_m(family: HiddenPathFamily, eta: object, target: Fraction) -> int:
    """NOISY1: the least odd `m` whose worst-case exact success of CPS-Path on noisy samples
    is `>= target`, for `K = 2` (an odd number of votes has no tie, and the majority's
    accuracy increases along odd `m`, so `least_integer` over `m = 2j + 1` is exact)."""
    if family.vocab_size != 2:
        raise InvalidDefinition("vocab_size", "the odd-m search is exact for K = 2 only",
                                family.vocab_size)
    mixed = noisy_family(family, eta)
    j = least_integer(lambda j: compute_HP2_worst_success(mixed, 2 * j + 1) >= target)
    return 2 * j + 1
