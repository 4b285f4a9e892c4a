"""Adaptive CPS: chosen-prefix sampling that stops each stage as soon as a sequential test
certifies the leader (beyond the paper; realises HP2's guarantee with fewer queries).

Assumption: the learner knows the family's `alpha` (as CPS-Path does, to choose `m`);
`K` and `H` it reads from the oracle.

The test (`genaccess.spec.sequential_test.compute_adaptive_parameters`): with
`c` = least integer such that `(K-1) (beta/alpha)^c <= delta/(2H)` and
`n_max` = least integer such that `(K-1) exp(-n_max Delta^2 / 2) <= delta/(2H)`, the stage
at `zhat_<t` draws one-token samples until some token leads every other by at least `c`
counts (it is certified), or until `n_max` samples (the plurality is taken, ties to the
lower index).

Claim. For every `z`, `P(zhat != z) <= delta`, with at most `H * n_max` queries, and the
transcript satisfies LR.

Proof. Fix a stage `t` and condition on `zhat_<t = z_<t` (the earlier stages were right).
The stage's samples `X_1, X_2, ...` are then i.i.d. from `p_a` (`a = z_t`): `alpha` on `a`,
`beta` elsewhere; they are fresh draws, independent of the past. Write `N_x(n)` for the
count of token `x` among the first `n` samples.

(i) Wrong certification. Fix `b != a` and let
`M_n = prod_{i<=n} p_b(X_i) / p_a(X_i) = (alpha/beta)^(N_b(n) - N_a(n))`.
Under `p_a`, `E[p_b(X)/p_a(X)] = sum_x p_b(x) = 1`, so `(M_n)` is a non-negative
martingale with `M_0 = 1`, and Ville's maximal inequality gives
`P(sup_n M_n >= A) <= 1/A`. Certifying `b` at some `n` requires
`N_b(n) - N_a(n) >= c`, i.e. `M_n >= (alpha/beta)^c`. Hence
`P(b is ever certified) <= (beta/alpha)^c`, and a union bound over the `K-1` wrong tokens
gives `P(a wrong token is certified) <= (K-1) (beta/alpha)^c <= delta/(2H)`. The bound is
time-uniform: it does not depend on when the test stops, so optional stopping is harmless.

(ii) Fallback. The stage ends on the cap only if no token was certified before `n_max`; it
is then wrong only if the plurality of `n_max` samples is wrong, which (as in HP2, by
Hoeffding on `N_b - N_a`, increments in `[-1, 1]` with mean `-Delta`) has probability
`<= (K-1) exp(-n_max Delta^2 / 2) <= delta/(2H)`.

So a stage that starts on the path decides wrongly with probability `<= delta/H`. The event
`zhat != z` is the disjoint union over `t` of "stage `t` is the first wrong one", each of
probability at most `P(stage t wrong | zhat_<t = z_<t) <= delta/H`; summing over the `H`
stages gives `P(zhat != z) <= delta`. Each stage draws at most `n_max` samples, so the
learner uses at most `H * n_max` queries. LR: `()` is built, and the decided token was
sampled at `zhat_<t` (a certified token has count `>= c >= 1`; a plurality of
`n_max >= 1` samples has count `>= 1`), which builds `zhat_<t+1`. QED.

Checked exactly (HP2's adaptive checks): the law of one stage's decision is computed by a DP
over count vectors (`compute_sequential_decision_law`) and its error compared with
`delta/H`; on small instances the law of this very learner's output through the oracle
(`exact_law`) equals the product of the stage laws.

Cost. On the path the lead of `a` over each `b` grows by `Delta` per sample in mean, so a
stage takes about `c / Delta ~ ln(2H(K-1)/delta) / (Delta ln(alpha/beta))` samples, against
CPS-Path's `m ~ (2/Delta^2) ln(H(K-1)/delta)`: roughly a fraction `Delta / (2 ln(alpha/beta))`
of its queries (0.18 for `K=3, alpha=1/2`; measured in `benchmarks/bench_adaptive_cps.py`).
"""

from __future__ import annotations

from genaccess.reference.cps_path import check_chosen_prefix_sampling, sample_once, walk_stages
from genaccess.spec.hidden_path import HiddenPathFamily
from genaccess.spec.numbers import RationalLike
from genaccess.spec.oracle import Oracle
from genaccess.spec.prefix import Prefix, Response
from genaccess.spec.sequential_test import (
    SequentialTest,
    compute_adaptive_parameters,
    sequential_decision,
)


def adaptive_parameters(oracle: Oracle, alpha: RationalLike, delta: RationalLike
                        ) -> SequentialTest:
    """The stage test for this oracle's `K`, `H` and the given `alpha`, `delta`."""
    family = HiddenPathFamily(oracle.vocab_size, oracle.horizon, alpha)
    return compute_adaptive_parameters(family, delta)


def sequential_cps(oracle: Oracle, test: SequentialTest) -> Response:
    """The adaptive learner with a precomputed stage test: at each `zhat_<t`, one-token
    samples until `test` decides (`sequential_decision`). With the test of
    `compute_adaptive_parameters(HP(K, H, alpha), delta)` it realises HP2 (adaptive).

    Preconditions: control local-reset or arbitrary-prefix; an observation that shows the
    sampled token.
    """
    check_chosen_prefix_sampling(oracle, "adaptive_cps")
    K = oracle.vocab_size

    def decide(prefix: Prefix) -> int:
        counts = [0] * K
        decided: int | None = None
        while decided is None:
            counts[sample_once(oracle, prefix)] += 1
            decided = sequential_decision(tuple(counts), test)
        return decided

    return walk_stages(oracle, decide)


def adaptive_cps(oracle: Oracle, alpha: RationalLike, delta: RationalLike) -> Response:
    """Realises HP2 (adaptive): success `>= 1 - delta` for every `z` of HP(K, H, alpha), at
    most `H * n_max` queries, LR holds; the proof is in this module's docstring.

    Builds the test from `alpha`, `delta` (`sequential_cps` takes a precomputed one).
    Preconditions: as `sequential_cps`; `alpha` in `(1/K, 1)`, `delta` in `(0, 1)`.
    """
    check_chosen_prefix_sampling(oracle, "adaptive_cps")
    return sequential_cps(oracle, adaptive_parameters(oracle, alpha, delta))
