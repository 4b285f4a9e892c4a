"""Adaptive CPS: chosen-prefix sampling that stops each stage as soon as a sequential test
certifies a token (beyond the paper; realises HP2's guarantee with fewer queries).

Assumption: the learner knows the family's `alpha` (as CPS-Path does, to choose `m`);
`K` and `H` it reads from the oracle.

The test (`genaccess.spec.sequential_test.compute_posterior_parameters`): at `zhat_<t`
draw one-token samples; with counts `N`, certify token `x` as soon as its posterior odds
`O(x) = sum_{y != x} r^(N_x - N_y)`, `r = beta/alpha`, are at most `odds`; at `cap` samples
take the plurality (ties to the lower index). Stage budget `e = delta/H` = `e/32` for the
fallback + `e_c = 31e/32` for certification.

Claim. For every `z` of HP(K, H, alpha), `P(zhat != z) <= delta`, with at most `H * cap`
queries, and the transcript satisfies LR.

Proof: the steps `HP2.adaptive_*` of HP2's proof (`proofs/steps/hp2_adaptive.py`, run by
the check `HP2_proof`): a certification at odds `O <= odds` is wrong with posterior
probability `O/(1+O) <= e_c` (Bayes' rule, uniform prior on the path token); the rule and
the stage laws are symmetric in the tokens, so that bound holds for every path token; the
fallback at the cap errs with probability `<= e/32` (HP2's Hoeffding steps at `delta/32`);
the union over the `H` stages gives `delta`. LR: a decided token was sampled at `zhat_<t`.

Only HP's symmetry removes a `K-1` factor from the certification bound: for stage laws
that are merely dominated (PLANTED1) use the lead test of `compute_adaptive_parameters`
(certify a token leading every other by `c`, `(K-1)(beta/alpha)^c <= delta/(2H)`; by
Ville's inequality on `(alpha/beta)^(N_b - N_a)` and a union bound over `b`; cap at
`delta/2`).

Checked exactly (HP2's adaptive checks): each stage's error by a DP over count vectors
through this test code, the split above, and the law of this learner's output through the
oracle. Cost: docs/adaptive.md (about 1.25x the per-stage limit at `K=3, alpha=1/2`).
"""

from __future__ import annotations

import math
from fractions import Fraction

from genaccess.reference.cps_path import check_chosen_prefix_sampling, sample_once, walk_stages
from genaccess.spec.cps_success import compute_cps_m
from genaccess.spec.hidden_path import HiddenPathFamily
from genaccess.spec.numbers import RationalLike
from genaccess.spec.oracle import Oracle
from genaccess.spec.prefix import Prefix, Response
from genaccess.spec.sequential_test import (
    FALLBACK_SHARE,
    PosteriorTest,
    StageTally,
    StageTest,
    compute_posterior_parameters,
)


def estimated_queries(family: HiddenPathFamily, delta: Fraction) -> float:
    """A rough estimate of the learner's queries on HP(K, H, alpha) (not a bound; for the
    commands' work guards): `H` stages of about `1 + ln(32 H (K-1)/delta) / KL(p_a||p_b)`
    samples, at most `cap` each."""
    K, H = family.vocab_size, family.horizon
    kl = float(family.margin) * math.log(family.alpha / family.off_path)
    per_stage = 1 + math.log(32 * H * (K - 1) / delta) / kl
    return H * min(per_stage, compute_cps_m(family, delta * FALLBACK_SHARE))


def adaptive_parameters(oracle: Oracle, alpha: RationalLike, delta: RationalLike
                        ) -> PosteriorTest:
    """The stage test for this oracle's `K`, `H` and the given `alpha`, `delta`."""
    family = HiddenPathFamily(oracle.vocab_size, oracle.horizon, alpha)
    return compute_posterior_parameters(family, delta)


def sequential_cps(oracle: Oracle, test: StageTest) -> Response:
    """The adaptive learner with a precomputed stage test: at each `zhat_<t`, one-token
    samples until `test` decides (`sequential_decision`, kept up to date sample by sample by
    `StageTally`). With the test of
    `compute_posterior_parameters(HP(K, H, alpha), delta)` it realises HP2 (adaptive).

    Preconditions: control local-reset or arbitrary-prefix; an observation that shows the
    sampled token.
    """
    check_chosen_prefix_sampling(oracle, "adaptive_cps")
    K = oracle.vocab_size

    def decide(prefix: Prefix) -> int:
        tally = StageTally(K, test)
        decided: int | None = None
        while decided is None:
            decided = tally.add(sample_once(oracle, prefix))
        return decided

    return walk_stages(oracle, decide)


def adaptive_cps(oracle: Oracle, alpha: RationalLike, delta: RationalLike) -> Response:
    """Realises HP2 (adaptive): success `>= 1 - delta` for every `z` of HP(K, H, alpha), at
    most `H * cap` queries, LR holds; the proof is in this module's docstring.

    Builds the test from `alpha`, `delta` (`sequential_cps` takes a precomputed one).
    Preconditions: as `sequential_cps`; `alpha` in `(1/K, 1)`, `delta` in `(0, 1)`.
    """
    check_chosen_prefix_sampling(oracle, "adaptive_cps")
    return sequential_cps(oracle, adaptive_parameters(oracle, alpha, delta))
