"""LT2: BFS recovery of a leader trie from chosen-prefix samples — at most `S*m` queries,
LR, and success `>= 1 - delta/2` for `m >= ln(2SK/delta) / (2 gamma^2)`; with `full`
answers, certainty in exactly `|internal nodes|` queries.

The predicates live in `genaccess.spec.leader_classification`, the learners in
`genaccess.reference` (their access models are read from `genaccess.reference.learners`).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from fractions import Fraction as F
from itertools import count, product
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from genaccess.proofs.discharge import proof_check
from genaccess.proofs.steps.lt2 import PROOF
from genaccess.reference.bfs_trie import bfs_trie
from genaccess.reference.learners import LEADER_TRIE, learner
from genaccess.reference.trie_logits_learner import logits_trie
from genaccess.spec.chance import Chooser, exact_law
from genaccess.spec.checking import cases_text, for_all, range_text, set_text
from genaccess.spec.leader_classification import (
    bfs_success_probability,
    compute_samples_per_node,
    is_LT2_failure_count_consistent,
    is_LT2_samples_sufficient,
    node_correct_probability,
    node_misclassification_probability,
)
from genaccess.spec.leader_trie import (
    LeaderTrie,
    all_leader_tries,
    compute_theta,
    internal_nodes,
    leader_trie_generator,
    max_leaders,
    trie_nodes,
)
from genaccess.spec.leader_trie_strategies import leader_tries
from genaccess.spec.local_reset import is_local_reset
from genaccess.spec.oracle import Oracle
from genaccess.spec.registry import Check, CheckKind, CheckOutcome, Claim, Source
from genaccess.spec.stats import CHECK_FALSE_ALARM

BFS_ACCESS = learner(LEADER_TRIE, "bfs").access_model
LOGITS_ACCESS = learner(LEADER_TRIE, "logits").access_model

FAST_LAMBDAS: dict[int, tuple[F, ...]] = {
    3: (F(1, 2),), 4: (F(5, 12), F(1, 2)), 5: (F(2, 5), F(1, 2)), 6: (F(1, 3), F(1, 2)),
}
"""lambda values with gamma >= 1/12, where LT2's m stays in the hundreds (Monte Carlo)."""


def _lambdas_text(lambdas: dict[int, tuple[F, ...]]) -> str:
    return "; ".join(f"K={K}: {set_text(values)}" for K, values in lambdas.items())


# ---------------------------------------------------------------------------------------------
# Exact per-node error and the choice of m
# ---------------------------------------------------------------------------------------------

NODE_CAPS = (1, 2, 4, 8)
NODE_DELTAS = (F(1, 10), F(1, 2))


def check_LT2_per_node_misclassification() -> CheckOutcome:
    """For every (K, lambda) with gamma >= 1/12, S in {1,2,4,8}, delta in {1/10, 1/2}: LT2's
    m (the least integer meeting the Hoeffding requirement, checked rigorously) makes the
    exact multinomial misclassification chance <= delta/(2S) at every admissible count."""
    worst = [F(0)]
    decided = [0]

    def holds(case: tuple[int, F, int, F]) -> bool:
        K, lam, cap, delta = case
        m = compute_samples_per_node(K, lam, cap, delta)
        assert is_LT2_samples_sufficient(K, lam, cap, delta, m), (K, lam, cap, m)
        assert m == 1 or not is_LT2_samples_sufficient(K, lam, cap, delta, m - 1)
        for leaders in range(1, max_leaders(lam) + 1):
            error = node_misclassification_probability(K, lam, leaders, m)
            assert error <= delta / (2 * cap), (K, lam, cap, delta, leaders, error)
            worst[0] = max(worst[0], error * 2 * cap / delta)
            decided[0] += 1
        return True

    cases = [(K, lam, cap, delta) for K, lams in FAST_LAMBDAS.items() for lam in lams
             for cap in NODE_CAPS for delta in NODE_DELTAS]
    for_all(cases, holds)
    return CheckOutcome(decided[0], f"largest error / (delta/2S) = {float(worst[0]):.3g}")


def _brute_node_correct(K: int, lam: F, leaders: int, samples: int) -> F:
    """The same chance by enumerating every sample sequence (tiny m only)."""
    other = (1 - leaders * lam) / (K - leaders)
    probs = [lam] * leaders + [other] * (K - leaders)
    theta = compute_theta(K, lam)
    total = F(0)
    for seq in product(range(K), repeat=samples):
        counts = [seq.count(a) for a in range(K)]
        called = {a for a in range(K) if counts[a] >= theta * samples}
        if called == set(range(leaders)):
            p = F(1)
            for a in seq:
                p *= probs[a]
            total += p
    return total


TINY_BFS: tuple[tuple[int, int, F, tuple[int, ...]], ...] = (
    (3, 1, F(1, 2), (1, 2, 3, 4)),
    (3, 2, F(1, 2), (1, 2)),
    (3, 2, F(2, 5), (1,)),
    (4, 1, F(1, 3), (1, 2, 3)),
)
"""(K, H, lambda, m values) on which the BFS learner's exact law is enumerated."""

INTEGRAL_BFS: tuple[tuple[int, int, F, tuple[int, ...]], ...] = (
    (4, 1, F(5, 12), (3,)),
    (5, 1, F(7, 15), (3,)),
    (6, 1, F(1, 2), (3,)),
    (3, 1, F(7, 15), (5,)),
)
"""(K, H, lambda, m values) with `theta * m` an integer, where a count can equal `theta m`
exactly: there `>=` and `>` (or `ceil` and `floor + 1`) part ways, which TINY_BFS never
probes."""

Learner = Callable[..., Any]


def _bfs_law(trie: LeaderTrie, samples: int, cap: int, run: Learner
             ) -> dict[tuple[Any, bool], F]:
    generator = leader_trie_generator(trie)
    theta = compute_theta(trie.vocab_size, trie.lam)

    def experiment(chooser: Chooser) -> tuple[Any, bool]:
        oracle = Oracle(generator, BFS_ACCESS, rng=chooser)
        result = run(oracle, theta=theta, samples=samples, cap=cap)
        return result, is_local_reset(oracle.transcript, trie.horizon)

    return exact_law(experiment)


def _exact_law_outcomes(cases: tuple[tuple[int, int, F, tuple[int, ...]], ...],
                        run: Learner) -> int:
    """The exact-law comparison on every admissible trie of `cases` (see
    `check_LT2_exact_law_small`); the number of distinct outcomes enumerated."""
    outcomes = 0
    for K, H, lam, sample_counts in cases:
        for m in sample_counts:
            for leaders in range(1, max_leaders(lam) + 1):
                if K**m <= 5000:
                    assert node_correct_probability(K, lam, leaders, m) == _brute_node_correct(
                        K, lam, leaders, m), (K, lam, leaders, m)
            for trie in all_leader_tries(K, H, lam):
                nodes = trie_nodes(trie)
                size = len(internal_nodes(trie))
                for cap in sorted({size, max(1, size - 1)}):
                    law = _bfs_law(trie, m, cap, run)
                    recovered = F(0)
                    for (result, lr), p in law.items():
                        assert result.queries <= cap * m, (
                            f"{result.queries} queries > S*m = {cap}*{m} on {trie}")
                        assert lr, f"LR broken on {trie}"
                        assert result.processed <= cap, result
                        assert not result.failed or result.processed == cap, result
                        if result.recovers(nodes):
                            recovered += p
                        outcomes += 1
                    exact = bfs_success_probability(trie, m, cap)
                    assert recovered == exact, (
                        f"law of the learner {recovered} != bfs_success_probability {exact} "
                        f"on {trie}, m={m}, S={cap}")
    return outcomes


def check_LT2_exact_law_small(run: Learner = bfs_trie) -> CheckOutcome:
    """The exact law of the real BFS learner (every branch of its oracle's draws) on every
    admissible trie of the tiny shapes, with S = |internal| and S = |internal| - 1: every
    outcome makes <= S*m queries, satisfies LR, processes at most S prefixes and reports
    failure only when it stopped at the cap, and P(returns T) equals the product of the
    exact per-node chances (which also equal a brute-force enumeration of sample
    sequences)."""
    return CheckOutcome(_exact_law_outcomes(TINY_BFS, run),
                        "distinct (result, LR) outcomes enumerated")


def check_LT2_exact_law_integral_threshold(run: Learner = bfs_trie) -> CheckOutcome:
    """The same exact-law comparison where `theta * m` is an integer, so a leader count of
    exactly `theta m` occurs with positive chance: the learner's `count >= theta m` and the
    spec's `ceil(theta m)` are pinned by the learner's law and a brute-force enumeration of
    sample sequences."""
    for K, _, lam, sample_counts in INTEGRAL_BFS:
        for m in sample_counts:
            assert (compute_theta(K, lam) * m).denominator == 1, (K, lam, m)
    return CheckOutcome(_exact_law_outcomes(INTEGRAL_BFS, run),
                        "distinct (result, LR) outcomes enumerated")


def _broken_strict_bfs(oracle: Oracle, *, theta: F, samples: int, cap: int) -> Any:
    """BFS calling a token a leader only when its count is `> theta m` (for integral
    `theta m`, `count >= theta m + 1/2` is exactly `count > theta m`)."""
    return bfs_trie(oracle, theta=theta + F(1, 2 * samples), samples=samples, cap=cap)


def check_LT2_catches_ignored_cap() -> CheckOutcome:
    """Power: the exact-law check fails on a BFS learner that ignores the cap S, and the
    integral-threshold check on one whose leader test is strict (`>` for `>=`)."""

    def uncapped(oracle: Oracle, *, theta: F, samples: int, cap: int) -> Any:
        return bfs_trie(oracle, theta=theta, samples=samples, cap=10**6)

    for check, broken, message in (
            (check_LT2_exact_law_small, uncapped, "queries > S*m"),
            (check_LT2_exact_law_integral_threshold, _broken_strict_bfs,
             "!= bfs_success_probability")):
        try:
            check(broken)
        except AssertionError as err:
            assert message in str(err), err
        else:
            raise AssertionError(f"{check.__name__} passed {broken.__name__}")
    return CheckOutcome(2, "uncapped learner and strict leader test caught")


# ---------------------------------------------------------------------------------------------
# The logits learner
# ---------------------------------------------------------------------------------------------

LOGITS_EXACT_SHAPES = ((3, 1, F(1, 2)), (3, 2, F(2, 5)), (3, 2, F(1, 2)), (4, 1, F(1, 3)))
LOGITS_SEEDED_SHAPES = ((4, 2, F(1, 2)), (5, 2, F(1, 2)))


def check_LT2_logits_exact() -> CheckOutcome:
    """The logits learner returns T with certainty after exactly |internal nodes| queries,
    with an LR transcript: its exact law on every admissible trie of the small shapes, and
    one seeded run on every admissible trie of the larger shapes."""
    count = 0
    for shapes, exact in ((LOGITS_EXACT_SHAPES, True), (LOGITS_SEEDED_SHAPES, False)):
        for K, H, lam in shapes:
            theta = compute_theta(K, lam)
            for trie in all_leader_tries(K, H, lam):
                generator = leader_trie_generator(trie)
                expected = (trie_nodes(trie), len(internal_nodes(trie)), True)

                def experiment(chooser: Chooser | random.Random, g: Any = generator,
                               t: F = theta, h: int = H) -> tuple[Any, int, bool]:
                    oracle = Oracle(g, LOGITS_ACCESS, rng=chooser)
                    result = logits_trie(oracle, theta=t)
                    assert not result.failed
                    return result.nodes, oracle.queries_used, is_local_reset(
                        oracle.transcript, h)

                if exact:
                    law = exact_law(experiment)
                    assert law == {expected: 1}, (trie, law)
                else:
                    got = experiment(random.Random(f"LT2 logits {trie.responses}"))
                    assert got == expected, (trie, got)
                count += 1
    return CheckOutcome(count, "tries")


# ---------------------------------------------------------------------------------------------
# Random tries: the cap, LR, and the success rate
# ---------------------------------------------------------------------------------------------

CAP_INTERNAL = 8
CAP_EXTRA = 3
CAP_SAMPLES = range(1, 7)


def check_LT2_fuzz_cap_and_LR() -> CheckOutcome:
    """Random admissible tries, caps S in 1..|internal|+2 and m in 1..6: the BFS learner
    never exceeds S*m queries, its transcript satisfies LR, it reports (never raises) a
    failure only when it stops at the cap, and every node it returns was shown to it (its
    parent was built and the node itself is built unless it is a full response)."""
    seen = [0]

    @given(leader_tries(max_internal=CAP_INTERNAL), st.integers(0, CAP_EXTRA),
           st.integers(CAP_SAMPLES.start, CAP_SAMPLES.stop - 1),
           st.integers(0, 2**32 - 1))
    def capped(trie: LeaderTrie, extra: int, samples: int, seed: int) -> None:
        seen[0] += 1
        size = len(internal_nodes(trie))
        cap = max(1, size - 1 + extra)
        oracle = Oracle(leader_trie_generator(trie), BFS_ACCESS, rng=random.Random(seed))
        result = bfs_trie(oracle, theta=compute_theta(trie.vocab_size, trie.lam),
                          samples=samples, cap=cap)
        assert result.queries == oracle.queries_used <= cap * samples, (result, cap, samples)
        assert result.queries == result.processed * samples
        assert is_local_reset(oracle.transcript, trie.horizon)
        assert result.processed <= cap, result
        assert not result.failed or (result.processed == cap and result.reason), result
        assert all(u[:-1] in oracle.built and (len(u) == trie.horizon or u in oracle.built)
                   for u in result.nodes if u), (result, oracle.built)

    capped()
    return CheckOutcome(seen[0])


RATE_DELTA = F(1, 5)
RATE_RUNS = 4
RATE_INTERNAL = 4
RATE_SHIFT = F(1, 5)
"""Power: the pooled count must reject every trie's success chance lowered by this much."""


def check_LT2_fuzz_success_rate() -> CheckOutcome:
    """Random admissible tries (K in 3..6, gamma >= 1/12, <= 4 internal nodes), S =
    |internal|, delta = 1/5, m from LT2: the exact success chance is >= 1 - delta/2; the
    failures of all seeded runs (RATE_RUNS per trie) do not reject the exact chances
    (Chernoff, either tail, false alarm 1e-9), and do reject them lowered by RATE_SHIFT
    (power, same runs)."""
    runs, failures = [0], [0]
    expected: list[F] = []

    @given(leader_tries(max_internal=RATE_INTERNAL, lambdas=FAST_LAMBDAS))
    def succeeds(trie: LeaderTrie) -> None:
        K, lam = trie.vocab_size, trie.lam
        cap = len(internal_nodes(trie))
        m = compute_samples_per_node(K, lam, cap, RATE_DELTA)
        exact = bfs_success_probability(trie, m, cap)
        assert exact >= 1 - RATE_DELTA / 2, (trie, m, exact)
        generator = leader_trie_generator(trie)
        for run in range(RATE_RUNS):
            oracle = Oracle(generator, BFS_ACCESS,
                            rng=random.Random(f"LT2 rate {trie.responses} {lam} {run}"))
            result = bfs_trie(oracle, theta=compute_theta(K, lam), samples=m, cap=cap)
            assert result.queries <= cap * m
            failures[0] += not result.recovers(trie_nodes(trie))
            runs[0] += 1
            expected.append(1 - exact)

    succeeds()
    mean = sum(expected, F(0))
    assert is_LT2_failure_count_consistent(mean, failures[0]), (failures[0], float(mean))
    assert not is_LT2_failure_count_consistent(mean + runs[0] * RATE_SHIFT, failures[0]), (
        f"no power: {failures[0]} failures in {runs[0]} runs do not reject every success "
        f"chance lowered by {RATE_SHIFT}")
    alarm = next(f for f in count(failures[0]) if not is_LT2_failure_count_consistent(mean, f))
    return CheckOutcome(runs[0], f"{failures[0]}/{runs[0]} runs failed, {float(mean):.3g} "
                        f"expected; {alarm} failures would be rejected (false alarm "
                        f"{CHECK_FALSE_ALARM})")


CLAIM = Claim(
    id="LT2",
    title="BFS recovers a leader trie with at most S*m chosen-prefix samples",
    source=Source.FORMALISATION,
    statement="Given S >= |internal nodes|, BFS from the root with m samples per processed "
    "prefix, calling a token a leader when its frequency is >= theta and stopping with "
    "failure beyond S processed prefixes, makes at most S*m queries, satisfies LR, and with "
    "m >= ln(2SK/delta)/(2 gamma^2) returns T with probability >= 1 - delta/2 (per node the "
    "misclassification chance is <= delta/(2S)). With full answers at chosen prefixes it "
    "returns T with certainty in exactly |internal nodes| queries.",
    uses=("LT1", "LR"),
    predicates=(is_LT2_samples_sufficient, bfs_success_probability,
                node_misclassification_probability, is_LT2_failure_count_consistent),
    checks=(
        proof_check("LT2", PROOF),
        Check("LT2_per_node_misclassification", CheckKind.EXHAUSTIVE,
              f"(K, lambda) in {_lambdas_text(FAST_LAMBDAS)}; S in {set_text(NODE_CAPS)}, "
              f"delta in {set_text(NODE_DELTAS)}, every admissible leader count",
              check_LT2_per_node_misclassification),
        Check("LT2_exact_law_small", CheckKind.EXHAUSTIVE,
              "every admissible trie of (K, H, lambda) with m in: "
              + "; ".join(f"{cases_text([(K, H, lam)])} m in {set_text(ms)}"
                          for K, H, lam, ms in TINY_BFS)
              + "; S in {|I|, |I|-1}, every branch of the oracle",
              check_LT2_exact_law_small, slow=True),
        Check("LT2_exact_law_integral_threshold", CheckKind.EXHAUSTIVE,
              "every admissible trie of (K, H, lambda) with theta*m an integer, m in: "
              + "; ".join(f"{cases_text([(K, H, lam)])} m in {set_text(ms)}"
                          for K, H, lam, ms in INTEGRAL_BFS)
              + "; S = |I|, every branch of the oracle",
              check_LT2_exact_law_integral_threshold),
        Check("LT2_logits_exact", CheckKind.EXHAUSTIVE,
              f"exact law on every trie of {cases_text(LOGITS_EXACT_SHAPES)}; one seeded run "
              f"on every trie of {cases_text(LOGITS_SEEDED_SHAPES)}", check_LT2_logits_exact),
        Check("LT2_fuzz_cap_and_LR", CheckKind.FUZZ,
              f"random admissible tries K in 3..6, H <= 3, <= {CAP_INTERNAL} internal nodes, "
              f"S in |I|-1..|I|+{CAP_EXTRA - 1}, m in {range_text(CAP_SAMPLES)}",
              check_LT2_fuzz_cap_and_LR),
        Check("LT2_fuzz_success_rate", CheckKind.FUZZ,
              f"random admissible tries (K, lambda) in {_lambdas_text(FAST_LAMBDAS)} "
              f"(gamma >= 1/12), <= {RATE_INTERNAL} internal nodes, delta = {RATE_DELTA}, "
              f"{RATE_RUNS} seeded runs each, pooled failures against the exact chances "
              f"(Chernoff, false alarm {float(CHECK_FALSE_ALARM):g}); power: rejects the "
              f"chances lowered by {RATE_SHIFT}", check_LT2_fuzz_success_rate, slow=True),
        Check("LT2_catches_ignored_cap", CheckKind.POWER,
              "the exact-law checks against a BFS learner that ignores S and one whose "
              "leader test is strict",
              check_LT2_catches_ignored_cap),
    ),
    reference=("genaccess.reference.bfs_trie.bfs_trie",
               "genaccess.reference.trie_logits_learner.logits_trie"),
    proof=PROOF,
)
