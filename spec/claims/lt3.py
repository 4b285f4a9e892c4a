"""LT3: top-1 blindness — the LT3 pair has the same `top1` answers everywhere, so no top-1
learner separates it, while root samples (error `<= exp(-2 m gamma^2)`) and one root `full`
query (exactly) do; and its two boundaries (top-1 with its probability; the `topk(k)` pair).

Blindness is decided by `find_separating_query`: an exact enumeration of every query the
access model can ever make (every prefix and continuation length under arbitrary-prefix;
the built closure under local reset) comparing the two answer laws. None separating means,
by induction over the transcript, that every learner — adaptive, randomised, any number of
queries — has the same transcript law under both tries.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction as F
from typing import Any

from genaccess.proofs.discharge import proof_check
from genaccess.proofs.result import ProofStatus, require_proved
from genaccess.proofs.steps.lt3 import PROOF
from genaccess.proofs.top1_blindness_search import (
    check_encoding,
    find_blind_pair,
    is_LT3_shape,
    minimal_root_separable_blind_pairs,
    prove_full_separates_every_pair,
    rejects_non_tries,
)
from genaccess.reference.learners import LEADER_TRIE, learner
from genaccess.reference.trie_probes import probe_extra_branch, two_rollouts
from genaccess.reference.trie_root_test import root_full_test, root_sample_test
from genaccess.reference.trie_top1_learner import top1_trie
from genaccess.spec.access import CONTROL_LEVELS, AccessModel, access_model
from genaccess.spec.chance import Chooser, exact_law
from genaccess.spec.checking import cases_text, for_all, range_text, set_text
from genaccess.spec.intervals import is_at_most_exp
from genaccess.spec.leader_trie import (
    LeaderTrie,
    compute_gamma,
    compute_theta,
    count_leader_tries,
    leader_set,
    leader_trie_generator,
    trie_nodes,
)
from genaccess.spec.observation import Full, ObservationType, Top1, TopK, TopKReport
from genaccess.spec.oracle import Oracle
from genaccess.spec.prefix import all_prefixes
from genaccess.spec.registry import Check, CheckKind, CheckOutcome, Claim, Source
from genaccess.spec.separation import (
    Answer,
    LawCache,
    find_separating_query,
    is_LT3_top1_agreement,
    is_LT3_top1_blind,
    query_law,
    root_test_errors,
    top1_pair,
    topk_pair,
)

LAMBDAS: dict[int, tuple[F, ...]] = {3: (F(2, 5), F(1, 2)),
                                     4: (F(3, 10), F(1, 3), F(2, 5), F(1, 2))}
PAIR_HORIZONS = (2, 3, 4)
PAIR_SHAPES: tuple[tuple[int, int, F], ...] = tuple(
    (K, H, lam) for K in LAMBDAS for H in PAIR_HORIZONS for lam in LAMBDAS[K])
PAIR_DOMAIN = (f"K in {set_text(LAMBDAS)}, H in {set_text(PAIR_HORIZONS)}, lambda in "
               + ", ".join(f"{set_text(lams)} (K={K})" for K, lams in LAMBDAS.items()))


def _generators(pair: tuple[LeaderTrie, LeaderTrie]) -> tuple[Any, Any]:
    return leader_trie_generator(pair[0]), leader_trie_generator(pair[1])


# ---------------------------------------------------------------------------------------------
# Blindness of top-1
# ---------------------------------------------------------------------------------------------

def check_LT3_top1_blind(observation: ObservationType | None = None) -> CheckOutcome:
    """Every LT3 pair of the domain: the top-1 token is the same at every prefix, and no
    query of any length at any prefix has a different answer law under T1 and T2, for every
    registered control level (arbitrary-prefix already covers every root-start and
    local-reset query; each level is run anyway)."""
    observation = observation if observation is not None else Top1()

    def blind(shape: tuple[int, int, F]) -> bool:
        K, H, lam = shape
        pair = top1_pair(K, H, lam)
        assert is_LT3_top1_agreement(*pair), f"top-1 answers differ for {pair}"
        first, second = _generators(pair)
        laws: LawCache = {}  # a query's law does not depend on the control that admits it
        for control in (c for cls in CONTROL_LEVELS for c in cls.instances(H)):
            access = AccessModel(control, observation)
            found = find_separating_query(first, second, access, cache=laws)
            assert found is None, f"{access.name} separates the LT3 pair {pair} at {found}"
        return True

    for_all(PAIR_SHAPES, blind)
    prefixes = sum(1 for K, H, _ in PAIR_SHAPES for _ in all_prefixes(K, H))
    return CheckOutcome(prefixes, "prefixes, each with every continuation length")


def check_LT3_catches_leaky_top1() -> CheckOutcome:
    """Power: the blindness check fails when the top-1 answer carries its probability."""
    try:
        check_LT3_top1_blind(TopK(1))
    except AssertionError as err:
        assert "separates the LT3 pair" in str(err), err
        return CheckOutcome(1, "top-1 with probability caught")
    raise AssertionError("the LT3 blindness check passed top-1 answers with probabilities")


LEARNERS: tuple[tuple[str, AccessModel, Callable[[Oracle], Any]], ...] = (
    ("top1 learner", learner(LEADER_TRIE, "top1").access_model, top1_trie),
    ("two rollouts", access_model("root-start/top1"), two_rollouts),
    ("prober of 1·0^j", access_model("arbitrary-prefix/top1"), probe_extra_branch),
)
LEARNER_VOCABS = (3, 4)
LEARNER_HORIZONS = (2, 3)
LEARNER_LAMBDA = F(1, 2)


def check_LT3_top1_learners() -> CheckOutcome:
    """K in {3,4}, H in {2,3}, lambda = 1/2: three concrete top-1 learners (the greedy trie
    learner, two root-start rollouts, an arbitrary-prefix prober of T2's extra branch) have
    identical exact transcript laws under T1 and T2; the greedy learner returns T1 in both
    worlds, so it is right on T1 and wrong on T2 (success 1/2 on a uniform pair)."""
    count = 0
    for K in LEARNER_VOCABS:
        for H in LEARNER_HORIZONS:
            pair = top1_pair(K, H, LEARNER_LAMBDA)
            laws = []
            for trie in pair:
                generator = leader_trie_generator(trie)
                per_learner = []
                for _name, access, run in LEARNERS:

                    def experiment(chooser: Chooser, g: Any = generator,
                                   a: AccessModel = access,
                                   f: Callable[[Oracle], Any] = run) -> Any:
                        oracle = Oracle(g, a, rng=chooser)
                        return f(oracle), oracle.transcript

                    per_learner.append(exact_law(experiment))
                laws.append(per_learner)
            for (name, _, _), law1, law2 in zip(LEARNERS, laws[0], laws[1], strict=True):
                assert law1 == law2, f"{name} separates the LT3 pair (K={K}, H={H})"
                count += len(law1)
            greedy = laws[0][0]
            assert all(out.nodes == trie_nodes(pair[0]) for out, _ in greedy), greedy
    return CheckOutcome(count, "transcript outcomes compared")


# ---------------------------------------------------------------------------------------------
# What does separate the pair: root samples, one full query
# ---------------------------------------------------------------------------------------------

ROOT_SAMPLES = range(1, 61)
ROOT_EXACT_LAW_MAX = 1000  # K^m branches enumerated through the real learner
ROOT_INTEGRAL_CASES: tuple[tuple[int, F, int], ...] = (
    (4, F(5, 12), 3), (5, F(7, 15), 3), (6, F(1, 2), 3), (5, F(3, 10), 4), (3, F(7, 15), 5),
)
"""(K, lambda, m) with `theta * m` an integer: token 1's count can equal `theta m`, where
`>=` and `>` part ways (the pair domain's lambdas never give an integer with K^m small)."""
SAMPLE_ACCESS = access_model("local-reset/sample")
FULL_ACCESS = access_model("local-reset/full")


def _root_test_law_errors(vocab_size: int, lam: F, samples: int) -> tuple[F, F]:
    """The errors of the real root test run through the oracle (exact law, every branch):
    `(P_T1(decide T2), P_T2(decide T1))` on the top-1 pair."""
    theta = compute_theta(vocab_size, lam)
    wrong = []
    for truth, trie in enumerate(top1_pair(vocab_size, 2, lam), start=1):
        generator = leader_trie_generator(trie)

        def experiment(chooser: Chooser, g: Any = generator) -> int:
            oracle = Oracle(g, SAMPLE_ACCESS, rng=chooser)
            return root_sample_test(oracle, samples=samples, theta=theta)

        law = exact_law(experiment)
        wrong.append(sum((p for d, p in law.items() if d != truth), F(0)))
    return wrong[0], wrong[1]


def check_LT3_root_samples() -> CheckOutcome:
    """m in 1..60 root samples, K in {3,4}, every lambda of the domain, and the listed cases
    with theta*m an integer: the exact errors of the root test (decide T2 iff token 1's
    frequency >= theta) are <= exp(-2 m gamma^2) under both tries (decided rigorously); and
    for K^m <= 1000 and every integral case the exact law of the real learner run through
    the oracle equals the binomial formula."""
    cases = [(K, lam, m) for K, lams in LAMBDAS.items() for lam in lams for m in ROOT_SAMPLES]
    for K, lam, m in ROOT_INTEGRAL_CASES:
        assert (compute_theta(K, lam) * m).denominator == 1, (K, lam, m)
        cases.append((K, lam, m))
    count = 0
    for K, lam, m in cases:
        gamma = compute_gamma(K, lam)
        errors = root_test_errors(K, lam, m)
        for error in errors:
            assert is_at_most_exp(error, -2 * m * gamma**2), (K, lam, m, errors)
        if K**m <= ROOT_EXACT_LAW_MAX or (K, lam, m) in ROOT_INTEGRAL_CASES:
            learned = _root_test_law_errors(K, lam, m)
            assert learned == errors, (K, lam, m, learned, errors)
        count += 1
    return CheckOutcome(count, "(K, lambda, m) cases")


def check_LT3_full_root_query() -> CheckOutcome:
    """Every LT3 pair of the domain: one `full` query at the root separates T1 from T2 with
    certainty (the answer laws have disjoint supports and the root test is always right)."""
    count = 0
    for K, H, lam in PAIR_SHAPES:
        pair = top1_pair(K, H, lam)
        first, second = _generators(pair)
        law1, law2 = query_law(first, Full(), (), 1), query_law(second, Full(), (), 1)
        assert not set(law1) & set(law2), (K, H, lam)
        theta = compute_theta(K, lam)
        for truth, generator in ((1, first), (2, second)):

            def experiment(chooser: Chooser, g: Any = generator, t: F = theta) -> int:
                return root_full_test(Oracle(g, FULL_ACCESS, rng=chooser), theta=t)

            assert exact_law(experiment) == {truth: 1}, (K, H, lam, truth)
        count += 1
    return CheckOutcome(count, "pairs")


# ---------------------------------------------------------------------------------------------
# The two boundaries
# ---------------------------------------------------------------------------------------------

def check_LT3_top1_with_probability_separates() -> CheckOutcome:
    """Boundary 1, every LT3 pair of the domain: with its probability attached (topk(1)),
    the top-1 answer at the root is the same but the one at (1,) is (0, 1/K) under T1 and
    (0, lambda) under T2; the first separating one-token query is at (1,), and a single
    root-start rollout already separates the pair (it reaches (1,))."""
    count = 0
    for K, H, lam in PAIR_SHAPES:
        first, second = _generators(top1_pair(K, H, lam))
        one_step = find_separating_query(first, second, access_model("arbitrary-prefix/topk(1)"),
                                         lengths=(1,))
        assert one_step == ((1,), 1), (K, H, lam, one_step)
        at_one = (query_law(first, TopK(1), (1,), 1), query_law(second, TopK(1), (1,), 1))
        expected: tuple[dict[Answer, F], dict[Answer, F]] = (
            {(TopKReport(((0, F(1, K)),)),): F(1)}, {(TopKReport(((0, lam),)),): F(1)})
        assert at_one == expected, at_one
        rollout = find_separating_query(first, second, access_model("root-start/topk(1)"))
        assert rollout == ((), H), (K, H, lam, rollout)
        count += 1
    return CheckOutcome(count, "pairs")


TOPK_KS = (1, 2, 3)
TOPK_HORIZONS = (2, 3)
TOPK_CASES: tuple[tuple[int, int, F, int], ...] = tuple(
    (k, K, lam, H)
    for k in TOPK_KS
    for K in (k + 2, k + 3)
    for lam in sorted({F(1, k + 1), (F(1, k + 1) + F(1, K)) / 2})
    for H in TOPK_HORIZONS
)


def check_LT3_topk_pair_boundary() -> CheckOutcome:
    """Boundary 2, k in {1,2,3}, K in {k+2, k+3}, lambda in {1/(k+1), midpoint of
    (1/K, 1/(k+1))}, H in {2,3}: the topk(k) pair is blind to every one-token local-reset
    query (leader k is never revealed, so its subtree is never built), and separable under
    arbitrary-prefix control by one query at (k,). Qualification found by this check: a
    local-reset query may continue from the root, which is a root-start rollout, and that
    separates the pair (the first such query is ((), 2)), exactly as in boundary 1."""
    count = 0
    for k, K, lam, H in TOPK_CASES:
        pair = topk_pair(K, H, lam, k)
        assert leader_set(pair[1], ()) - leader_set(pair[0], ()) == {k}
        first, second = _generators(pair)
        observation = f"topk({k})"
        blind = find_separating_query(first, second, access_model(f"local-reset/{observation}"),
                                      lengths=(1,))
        assert blind is None, (k, K, lam, H, blind)
        chosen = find_separating_query(first, second,
                                       access_model(f"arbitrary-prefix/{observation}"),
                                       lengths=(1,))
        assert chosen == ((k,), 1), (k, K, lam, H, chosen)
        continued = find_separating_query(first, second,
                                          access_model(f"local-reset/{observation}"))
        assert continued == ((), 2), (k, K, lam, H, continued)
        count += 1
    return CheckOutcome(count, "(k, K, lambda, H) cases")


# ---------------------------------------------------------------------------------------------
# The search's reach under local reset
# ---------------------------------------------------------------------------------------------

REACH_ONE = ((0, 0),)
REACH_TWO = ((0, 0), (0, 1))
REACH_DEEP_ONE = ((0, 0, 0),)
REACH_DEEP_TWO = ((0, 0, 0), (0, 0, 1))
REACH_WIDE_ONE = ((0, 0), (1, 0))
REACH_WIDE_TWO = ((0, 0), (1, 0), (1, 1))
REACH_LAMBDA = F(1, 2)
REACH_CASES: tuple[tuple[int, int, tuple[tuple[int, ...], ...], tuple[tuple[int, ...], ...],
                         str, tuple[int, ...] | None, tuple[tuple[int, ...], int] | None],
                   ...] = (
    (3, 2, REACH_ONE, REACH_TWO, "local-reset/full", (1,), ((0,), 1)),
    (3, 2, REACH_ONE, REACH_TWO, "local-reset/sample", (1,), ((0,), 1)),
    (3, 2, REACH_ONE, REACH_TWO, "local-reset/full", None, ((), 2)),
    (3, 3, REACH_DEEP_ONE, REACH_DEEP_TWO, "local-reset/full", (1,), ((0, 0), 1)),
    (3, 3, REACH_DEEP_ONE, REACH_DEEP_TWO, "local-reset/sample", (1,), ((0, 0), 1)),
    (3, 2, REACH_WIDE_ONE, REACH_WIDE_TWO, "local-reset/topk(2)", (1,), ((1,), 1)),
    (3, 2, REACH_WIDE_ONE, REACH_WIDE_TWO, "local-reset/sample", (1,), ((1,), 1)),
    (3, 2, REACH_WIDE_ONE, REACH_WIDE_TWO, "local-reset/topk(1)", (1,), None),
)
"""(K, H, Y1, Y2, access, lengths, the first separating query found by hand), lambda = 1/2:
pairs whose tries differ below the root, so local reset separates them only by building
its way down (one level, two levels, through the second root leader); the last is blind
since topk(1) at the root reveals leader 0 only, so (1,) is never built."""


def check_LT3_local_reset_reach() -> CheckOutcome:
    """Positive separations under local reset, K = 3, lambda = 1/2: the exact search finds
    exactly the first separating query worked out by hand (e.g. closure{00} against
    closure{00, 01} at ((0,), 1) under local-reset/full one-token queries), so it explores
    the built closure beyond the root, level by level, and no further."""

    def found_as_expected(case: tuple[Any, ...]) -> bool:
        K, H, first, second, access, lengths, expected = case
        g1 = leader_trie_generator(LeaderTrie(K, H, REACH_LAMBDA, first))
        g2 = leader_trie_generator(LeaderTrie(K, H, REACH_LAMBDA, second))
        found = find_separating_query(g1, g2, access_model(access), lengths=lengths)
        assert found == expected, (first, second, access, lengths, found, expected)
        return True

    return for_all(REACH_CASES, found_as_expected, "(pair, access, lengths) cases")


# ---------------------------------------------------------------------------------------------
# The z3 search
# ---------------------------------------------------------------------------------------------

SEARCH_SHAPES: tuple[tuple[int, int, F], ...] = ((3, 2, F(1, 2)), (3, 3, F(1, 2)),
                                                 (4, 2, F(1, 3)))
FULL_PROOF_SHAPES: tuple[tuple[int, int, F], ...] = (*SEARCH_SHAPES, (3, 4, F(1, 2)),
                                                     (4, 3, F(1, 3)))
ENCODING_SHAPES: tuple[tuple[int, int, F], ...] = ((3, 2, F(1, 2)), (3, 2, F(2, 5)),
                                                   (4, 1, F(1, 3)), (5, 1, F(1, 4)))


def _search_domain() -> str:
    sizes = ", ".join(f"LT{cases_text([shape])}: {count_leader_tries(*shape) ** 2:.3g} pairs"
                      for shape in FULL_PROOF_SHAPES)
    encoded = ", ".join(f"LT{cases_text([shape])}" for shape in ENCODING_SHAPES)
    return (f"all pairs of admissible tries; top-1 search and minimal-pair enumeration on the "
            f"first {len(SEARCH_SHAPES)}, full proof on all: {sizes}; encoding cross-checked "
            f"on every trie of {encoded}")


def check_LT3_z3_search() -> CheckOutcome:
    """z3 over every pair of admissible tries: (a) the encoding agrees with the Python
    generator on every trie of small shapes and rejects non-tries; (b) a top-1-blind pair of
    distinct tries exists (the witness is re-checked in Python); (c) among blind pairs whose
    root leader sets differ (so root samples separate them) the least total size is 3H and
    every such minimal pair has the LT3 shape — K(K-1) K^(H-1) pairs, the LT3 pair among
    them, each re-checked in Python; (d) no pair of distinct tries has equal `full` answers."""
    compared = sum(check_encoding(K, H, lam) for K, H, lam in ENCODING_SHAPES)
    compared += sum(rejects_non_tries(K, 2, lam) for K, _, lam in SEARCH_SHAPES)
    found = 0
    details = []
    for K, H, lam in SEARCH_SHAPES:
        witness = find_blind_pair(K, H, lam)
        assert witness.pair is not None, f"no top-1-blind pair in LT({K},{H},{lam})"
        assert witness.pair[0] != witness.pair[1] and is_LT3_top1_agreement(*witness.pair)
        minimal = minimal_root_separable_blind_pairs(K, H, lam)
        assert minimal.size == 3 * H, (K, H, lam, minimal.size)
        assert len(minimal.pairs) == K * (K - 1) * K ** (H - 1), (K, H, len(minimal.pairs))
        assert top1_pair(K, H, lam) in minimal.pairs, (K, H, lam)
        for pair in minimal.pairs:
            assert is_LT3_shape(*pair), pair
            assert is_LT3_top1_agreement(*pair), pair
            assert leader_set(pair[0], ()) != leader_set(pair[1], ()), pair
        found += len(minimal.pairs)
        details.append(f"LT({K},{H},{lam}): {len(minimal.pairs)} minimal pairs in "
                       f"{witness.seconds + minimal.seconds:.2f}s")
    proofs = [prove_full_separates_every_pair(K, H, lam) for K, H, lam in FULL_PROOF_SHAPES]
    outcome = require_proved(*proofs)
    assert all(p.status is ProofStatus.PROVED for p in proofs)
    details.append(outcome.detail)
    return CheckOutcome(compared + found + outcome.instances, "; ".join(details))


CLAIM = Claim(
    id="LT3",
    title="Top-1 blindness: richer observations beat top-1 once control is available",
    source=Source.FORMALISATION,
    statement="For H >= 2, T1 = closure{0^H} and T2 = closure{0^H, 1·0^(H-1)} have the same "
    "top1 (token only) answer at every prefix, so no top-1 learner at any control level "
    "separates them; m root samples do with error <= exp(-2 m gamma^2) and one root full "
    "query does exactly. With its probability attached the top-1 answer separates them at "
    "(1,), reached by root-start rollouts; the topk(k) pair with k+1 equal root leaders is "
    "blind to one-token local-reset queries but not under arbitrary-prefix control.",
    uses=("LT1", "LR"),
    predicates=(is_LT3_top1_agreement, is_LT3_top1_blind, root_test_errors),
    checks=(
        proof_check("LT3", PROOF),
        Check("LT3_top1_blind", CheckKind.EXHAUSTIVE,
              PAIR_DOMAIN + "; every prefix, every continuation length, every control level",
              check_LT3_top1_blind),
        Check("LT3_top1_learners", CheckKind.EXHAUSTIVE,
              f"K in {set_text(LEARNER_VOCABS)}, H in {set_text(LEARNER_HORIZONS)}, lambda = "
              f"{LEARNER_LAMBDA}; three learners, every oracle branch",
              check_LT3_top1_learners),
        Check("LT3_root_samples", CheckKind.EXHAUSTIVE,
              f"K in {set_text(LAMBDAS)}, lambda as in the pair domain, m in "
              f"{range_text(ROOT_SAMPLES)} (exact law of the learner where K^m <= "
              f"{ROOT_EXACT_LAW_MAX}); with theta*m integral, (K, lambda, m) in "
              f"{cases_text(ROOT_INTEGRAL_CASES)} (exact law)", check_LT3_root_samples),
        Check("LT3_full_root_query", CheckKind.EXHAUSTIVE, PAIR_DOMAIN,
              check_LT3_full_root_query),
        Check("LT3_top1_with_probability_separates", CheckKind.EXHAUSTIVE, PAIR_DOMAIN,
              check_LT3_top1_with_probability_separates),
        Check("LT3_topk_pair_boundary", CheckKind.EXHAUSTIVE,
              f"k in {set_text(TOPK_KS)}, K in {{k+2, k+3}}, lambda in {{1/(k+1), "
              f"mid(1/K, 1/(k+1))}}, H in {set_text(TOPK_HORIZONS)}; every buildable prefix",
              check_LT3_topk_pair_boundary),
        Check("LT3_local_reset_reach", CheckKind.EXHAUSTIVE,
              f"K = 3, lambda = {REACH_LAMBDA}: " + "; ".join(
                  f"closure{set_text(y1)} vs closure{set_text(y2)} under {access}"
                  + (f" lengths {set_text(lengths)}" if lengths else "")
                  for _, _, y1, y2, access, lengths, _ in REACH_CASES),
              check_LT3_local_reset_reach),
        Check("LT3_z3_search", CheckKind.SOLVER, _search_domain(), check_LT3_z3_search,
              slow=True),
        Check("LT3_catches_leaky_top1", CheckKind.POWER,
              "the blindness check with topk(1) (top-1 plus its probability)",
              check_LT3_catches_leaky_top1),
    ),
    reference=("genaccess.reference.trie_top1_learner.top1_trie",
               "genaccess.reference.trie_root_test.root_sample_test",
               "genaccess.reference.trie_root_test.root_full_test",
               "genaccess.proofs.top1_blindness_search.minimal_root_separable_blind_pairs"),
    proof=PROOF,
)
