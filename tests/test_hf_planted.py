"""A hidden path planted in a real transformer (PLANTED1 through the adapter): CPS-Path with
the theory's `m`, the adaptive learner and the logits / top-1 learners recover it; the
root-start learner does not within the same query budget.

Setting: a seeded tiny GPT-2 with K = 64 tokens, H = 32, tilt alpha = 3/5, delta = 1/20.
Every probability a test's pass/fail depends on is stated with its false-alarm bound, from
the on-path stages of this very model (computed exactly or enclosed).
"""

from __future__ import annotations

import math
import random
import warnings
from collections.abc import Iterator
from fractions import Fraction

import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")

from genaccess.reference.adaptive_cps import sequential_cps
from genaccess.reference.cps_path import cps_path, last_sample_path
from genaccess.reference.hf import tiny_gpt2, transformer_generator, transformer_rule
from genaccess.reference.hf.threads import using_threads
from genaccess.reference.logits_learner import logits_path, top1_path
from genaccess.reference.planted_root_start import root_start_walk
from genaccess.spec.access import access_model
from genaccess.spec.cps_success import compute_cps_m
from genaccess.spec.generator import Generator
from genaccess.spec.local_reset import is_local_reset
from genaccess.spec.oracle import Oracle
from genaccess.spec.planted import (
    adaptive_family,
    compute_on_path_reach,
    compute_root_start_walk_bound,
    cps_family,
    is_PLANTED1,
    planted_generator,
)
from genaccess.spec.sequential_test import compute_adaptive_parameters
from genaccess.spec.stats import is_at_least

pytestmark = pytest.mark.hf
warnings.filterwarnings("ignore", module="transformers")


@pytest.fixture(scope="module", autouse=True)
def _one_thread() -> Iterator[None]:
    """One torch thread, as the commands set (docs/transformers.md): with more, one-token
    forward passes are slower on a busy machine."""
    with using_threads():
        yield


K, H, ALPHA, DELTA = 64, 32, Fraction(3, 5), Fraction(1, 20)
_PATH_RNG = random.Random(2026)
Z = tuple(_PATH_RNG.randrange(K) for _ in range(H))
M = compute_cps_m(cps_family(K, H, ALPHA), DELTA)


@pytest.fixture(scope="module")
def base() -> Generator:
    return transformer_generator(tiny_gpt2(K, seed=3), H)


@pytest.fixture(scope="module")
def planted(base: Generator) -> Generator:
    return planted_generator(base, Z, ALPHA)


def _stages(planted: Generator) -> list[tuple[Fraction, Fraction]]:
    """`(p(z_t), max_{b != z_t} p(b))` at each on-path prefix."""
    out = []
    for t in range(H):
        dist = planted.next_token(Z[:t])
        out.append((dist[Z[t]], max(p for b, p in enumerate(dist) if b != Z[t])))
    return out


def test_planted_transformer_satisfies_PLANTED1(base: Generator) -> None:
    """Dominance at all 32 on-path stages; the real model's own law at 300 off-path
    prefixes (siblings of the path and random prefixes)."""
    rng = random.Random(0)
    off = [(*Z[:t], (Z[t] + 1 + rng.randrange(K - 1)) % K) for t in range(H - 1)]
    off += [tuple(rng.randrange(K) for _ in range(rng.randrange(1, H))) for _ in range(270)]
    assert is_PLANTED1(base, Z, ALPHA, off_path=off)


def test_cps_path_with_the_theorys_m_recovers_the_path(planted: Generator) -> None:
    """CPS-Path with HP2's `m` for the margin `2 alpha - 1` (m = 531, 16,992 queries).

    Guarantee: success >= 1 - delta = 0.95. The runs below must all succeed; the chance that
    one fails is at most the Hoeffding bound with this model's own stage margins,
    `sum_t (K-1) exp(-m Delta_t^2 / 2)`, asserted below 1e-12 (Delta_t >= 2 alpha - 1 = 1/5
    always; here it is about 0.6 because the random model is near uniform)."""
    assert M == 531
    margins = [float(pa - pb) for pa, pb in _stages(planted)]
    false_alarm = sum((K - 1) * math.exp(-M * d * d / 2) for d in margins)
    assert min(margins) >= 2 * float(ALPHA) - 1
    assert false_alarm < 1e-12, false_alarm
    runs, successes = 3, 0
    for seed in range(runs):
        oracle = Oracle(planted, access_model("local-reset/sample"), rng=random.Random(seed))
        successes += cps_path(oracle, M) == Z
        assert oracle.queries_used == H * M
        assert is_local_reset(oracle.transcript, H)
    assert successes == runs
    assert is_at_least(1 - DELTA, successes, runs)


def test_a_broken_cps_fails_on_the_same_transformer(planted: Generator) -> None:
    """Power: keeping the last sample instead of the plurality succeeds with probability
    exactly `rho(z) = prod_t p(z_t|z_<t)` (about 1e-7 here): the recovery test would catch it."""
    rho = compute_on_path_reach(planted, Z)[-1]
    assert rho < Fraction(1, 10**5)
    oracle = Oracle(planted, access_model("local-reset/sample"), rng=random.Random(0))
    assert last_sample_path(oracle, 5) != Z


def test_adaptive_learner_recovers_the_path(planted: Generator) -> None:
    """The adaptive learner run with `alpha'` of `adaptive_family`. Guarantee: error <= delta.
    Its error on this model is at most `sum_t sum_b (p_b/p_a)^c` (Ville, with the model's own
    likelihood ratios) plus the fallback's Hoeffding term, asserted below 1e-12."""
    family = adaptive_family(K, H, ALPHA)
    test = compute_adaptive_parameters(family, DELTA)
    false_alarm = 0.0
    for t in range(H):
        dist = planted.next_token(Z[:t])
        pa = dist[Z[t]]
        false_alarm += sum(float(p / pa) ** test.margin for b, p in enumerate(dist) if b != Z[t])
        gap = float(pa - max(p for b, p in enumerate(dist) if b != Z[t]))
        false_alarm += (K - 1) * math.exp(-test.cap * gap * gap / 2)
    assert false_alarm < 1e-12, false_alarm
    for seed in range(3):
        oracle = Oracle(planted, access_model("local-reset/logprob"), rng=random.Random(seed))
        assert sequential_cps(oracle, test) == Z  # the lead test, whose proof covers PLANTED1
        assert oracle.queries_used < H * M / 4  # stops early: about 20 samples per stage
        assert is_local_reset(oracle.transcript, H)


@pytest.mark.parametrize(("name", "learner"), [("local-reset/full", logits_path),
                                                ("local-reset/top1", top1_path)])
def test_logits_and_top1_learners_recover_the_path_in_H_queries(base: Generator, name: str,
                                                                 learner: object) -> None:
    """Certain success (p(z_t) >= alpha > 1/2 > p(b)) in exactly H queries, and with a cold
    cache exactly H forward tokens: BOS, then one new position per stage."""
    fresh = planted_generator(transformer_generator(transformer_rule(base).model, H), Z, ALPHA)
    oracle = Oracle(fresh, access_model(name), rng=random.Random(0))
    assert learner(oracle) == Z  # type: ignore[operator]
    assert oracle.queries_used == H
    assert oracle.forward_tokens == H


def test_root_start_does_not_recover_the_path_within_the_budget(planted: Generator) -> None:
    """With the same budget as CPS-Path (H*m = 16,992 whole rollouts) the root-start walk
    learner succeeds with probability at most 0.0031 (PLANTED1's bound from this model's
    on-path reach probabilities). A real run with 100 rollouts fails; the chance it would
    succeed is at most the bound at T = 100, asserted below 1e-4."""
    reach = compute_on_path_reach(planted, Z)
    at_budget = compute_root_start_walk_bound(reach, K, H * M)
    assert at_budget < Fraction(1, 250), float(at_budget)
    at_run = compute_root_start_walk_bound(reach, K, 100)
    assert at_run < Fraction(1, 10**4), float(at_run)
    oracle = Oracle(planted, access_model("root-start/full"), rng=random.Random(0))
    guess = root_start_walk(oracle, 100, ALPHA, random.Random(1))
    assert guess != Z
    assert oracle.queries_used == 100


def test_the_path_is_not_degenerate() -> None:
    """A constant path would hide a learner that ignores the prefix it is at."""
    assert len(set(Z)) > H // 2
