"""LT1: the leader-trie margin — leaders have probability `>= theta + gamma`, every other
token `<= theta - gamma`, at every prefix of every admissible trie."""

from __future__ import annotations

from fractions import Fraction as F

import attrs
from hypothesis import given

from genaccess.proofs.discharge import proof_check
from genaccess.proofs.leader_trie_margin import (
    prove_LT1_fewer_leaders_than_tokens,
    prove_LT1_margin,
    prove_LT1_uniform_rows,
    sympy_LT1_identities,
)
from genaccess.proofs.result import ProofStatus, require_proved
from genaccess.proofs.steps.lt1 import PROOF
from genaccess.spec.checking import cases_text, for_all, range_text, set_text
from genaccess.spec.distribution import Distribution
from genaccess.spec.errors import InvalidDefinition
from genaccess.spec.generator import Generator
from genaccess.spec.hidden_path import HiddenPathFamily
from genaccess.spec.leader_trie import (
    LeaderTrie,
    all_leader_tries,
    count_leader_tries,
    is_LT1_margin,
    is_LT1_margin_row,
    leader_trie_generator,
    max_leaders,
)
from genaccess.spec.leader_trie_strategies import leader_tries
from genaccess.spec.prefix import all_prefixes, all_responses
from genaccess.spec.registry import Check, CheckKind, CheckOutcome, Claim, Source

EXHAUSTIVE_SHAPES: tuple[tuple[int, int, F], ...] = (
    *((3, H, lam) for H in (1, 2) for lam in (F(2, 5), F(1, 2))),
    (3, 3, F(1, 2)),
    *((4, 1, lam) for lam in (F(3, 10), F(1, 3), F(2, 5), F(1, 2))),
    *((4, 2, lam) for lam in (F(1, 3), F(1, 2))),
    *((5, 1, lam) for lam in (F(1, 4), F(1, 3), F(1, 2))),
    (5, 2, F(1, 2)),
)
"""(K, H, lambda) whose every admissible trie LT1 is checked on (every prefix, every token)."""


def check_LT1_exhaustive_tries() -> CheckOutcome:
    """Every admissible trie of every listed (K, H, lambda): LT1 at every prefix, exactly;
    the enumeration yields `|LT(K, H, lambda)|` tries (the count's recursion)."""
    count = 0
    for K, H, lam in EXHAUSTIVE_SHAPES:
        decided = for_all(all_leader_tries(K, H, lam), is_LT1_margin).instances
        assert decided == count_leader_tries(K, H, lam), (K, H, lam, decided)
        count += decided
    return CheckOutcome(count, f"tries over {len(EXHAUSTIVE_SHAPES)} shapes")


def check_LT1_z3_margin() -> CheckOutcome:
    """z3, real K >= 3, real lambda in (1/K, 1/2], real leader count l >= 1 with
    l lambda <= 1: the margin holds, the row is a distribution, and l < K."""
    return require_proved(prove_LT1_fewer_leaders_than_tokens(), prove_LT1_margin(),
                          prove_LT1_uniform_rows())


def check_LT1_sympy_identities() -> CheckOutcome:
    """sympy: theta + gamma = lambda, theta - gamma = 1/K, and the non-leader gap
    factors as l (K lambda - 1) / (K (K - l))."""
    found = sympy_LT1_identities()
    failed = [name for name, ok in found.items() if not ok]
    assert not failed, f"sympy could not confirm: {failed}"
    return CheckOutcome(len(found), "; ".join(found))


ROW_VOCABS = range(3, 9)
ROW_DENOMINATORS = range(2, 25)


def _lambda_grid(vocab_size: int) -> list[F]:
    return sorted({F(n, d) for d in ROW_DENOMINATORS for n in range(1, d)
                   if F(1, vocab_size) < F(n, d) <= F(1, 2)})


def _unit_grid() -> list[F]:
    # every lambda in (0, 1] with a listed denominator, the family's range and beyond it:
    # the row predicate is a statement about any lambda, and the validator must refuse
    # exactly the ones outside (1/K, 1/2]
    return sorted({F(n, d) for d in ROW_DENOMINATORS for n in range(1, d + 1)})


def check_LT1_rows_and_admissibility() -> CheckOutcome:
    """Every leader count l in 0..K and every lambda in (0, 1] with denominator < 25, K in
    3..8: the LT1 row holds exactly when l = 0 or (l lambda <= 1 and lambda >= 1/K), and
    `LeaderTrie` accepts a root with l leaders exactly when lambda in (1/K, 1/2] and
    l lambda <= 1, refusing any other lambda by name (docs/theory.md's LT1 example K=3,
    lambda=2/5, Y={0,1,2} is refused: its row would sum to 6/5)."""
    count = 0
    for K in ROW_VOCABS:
        for lam in _unit_grid():
            in_family = F(1, K) < lam <= F(1, 2)
            for leaders in range(K + 1):
                # the row's defining conditions, derived by hand: a non-leader's
                # probability (1 - l lambda)/(K - l) is >= 0 iff l lambda <= 1 and <= 1/K
                # iff lambda >= 1/K; with l = K there is no non-leader and K lambda = 1
                holds = leaders == 0 or (leaders * lam <= 1 and lam >= F(1, K))
                assert is_LT1_margin_row(K, lam, leaders) == holds, (K, lam, leaders)
                if leaders >= 1:
                    try:
                        LeaderTrie(K, 1, lam, [(a,) for a in range(leaders)])
                        refused = None
                    except InvalidDefinition as err:
                        refused = err.field
                    if not in_family:
                        assert refused == "lambda", (K, lam, leaders, refused)
                    else:
                        expected = None if leaders * lam <= 1 else "responses"
                        assert refused == expected, (K, lam, leaders, refused)
                count += 1
    try:
        LeaderTrie(3, 1, F(2, 5), [(0,), (1,), (2,)])
    except InvalidDefinition as err:
        # the refusal names the node, its 3 leaders and the cap floor(5/2) = 2
        assert err.field == "responses" and "internal node () has 3 leaders" in err.rule, err
        assert "floor(1/lambda) = 2" in err.rule, err
    else:
        raise AssertionError("docs/theory.md's inadmissible LT1 example was accepted")
    # the refusal names the node over the cap, not the root (below the cap, or at it)
    for responses in ([(0, 0), (0, 1), (0, 2)], [(0, 0), (0, 1), (0, 2), (1, 0)]):
        try:
            LeaderTrie(3, 2, F(1, 2), responses)
        except InvalidDefinition as err:
            assert "internal node (0,) has 3 leaders" in err.rule, (responses, err)
        else:
            raise AssertionError(f"{responses}: a node with 3 leaders at lambda = 1/2 was "
                                 "accepted")
    return CheckOutcome(count, "rows (K, lambda, l)")


REFUSED_TRIES: tuple[tuple[str, tuple[object, ...]], ...] = (
    ("vocab_size", (2, 1, F(1, 2), [(0,)])),
    ("horizon", (3, 0, F(1, 2), [()])),
    ("responses", (3, 1, F(1, 2), [])),
    ("responses[0]", (3, 2, F(1, 2), [(0,)])),
    ("responses[0]", (3, 1, F(1, 2), [(0, 0)])),
    ("responses[0][0]", (3, 1, F(1, 2), [(3,)])),
    ("responses[1]", (3, 1, F(1, 2), [(0,), 5])),
    ("responses", (3, 1, F(1, 2), "00")),
    ("responses", (3, 1, F(1, 2), 5)),
)
"""(field, LeaderTrie arguments): each is outside LT(K, H, lambda) and must be refused naming
the field: K < 3, H < 1, an empty Y, a response too short or too long, a token out of range,
an item that is not a response, a string or a number in place of the responses."""


def check_LT1_definition_refusals() -> CheckOutcome:
    """`LeaderTrie` refuses every listed non-member of LT(K, H, lambda) with
    `InvalidDefinition` naming the field (the lambda range is checked on the row grid)."""
    for field, args in REFUSED_TRIES:
        try:
            LeaderTrie(*args)  # type: ignore[arg-type]
        except InvalidDefinition as err:
            assert err.field == field, (args, err.field, field)
        else:
            raise AssertionError(f"LeaderTrie{args} was accepted")
    return CheckOutcome(len(REFUSED_TRIES), "refused definitions")


MARGIN_POWER_SHAPES = ((3, 2), (4, 1), (4, 2))
MARGIN_POWER_ROWS: tuple[tuple[tuple[F, ...], bool], ...] = (
    ((F(1, 2), F(1, 4), F(1, 4)), True),
    ((F(3, 5), F(1, 5), F(1, 5)), True),
    ((F(2, 5), F(3, 10), F(3, 10)), False),
    ((F(1, 2), F(2, 5), F(1, 10)), False),
    ((F(1, 2), F(1, 2), F(0)), False),
)
"""Root rows for the trie Y = {(0,)} at K = 3, lambda = 1/2, with LT1's verdict on each."""
WIDE_VOCAB = 600
"""A vocabulary whose rows' integer weights lie far above CPython's shared small integers,
so an identity test (`is`) standing in for a comparison of weights cannot pass by accident."""


def _unvalidated(trie: LeaderTrie, lam: F) -> LeaderTrie:
    # the same responses under a lambda the validator would refuse
    with attrs.validators.disabled():
        return LeaderTrie(trie.vocab_size, trie.horizon, lam, list(trie.responses))


def check_LT1_margin_rejects_lambda_at_or_below_uniform() -> CheckOutcome:
    """Power of `is_LT1_margin`: the one-leader tries of each listed (K, H), rebuilt with the
    validator off at lambda = 1/K (every row uniform: the margin holds with gamma = 0), at
    lambda = 1/(K+1) (a non-leader exceeds 1/K: it must fail) and at lambda = 3/5 > 1/2 (one
    leader per node keeps the margin); one trie over K = 600 tokens, which holds at
    lambda = 1/2 and fails at 1/601; and other generators against one trie (a leader below
    theta + gamma, a non-leader above theta - gamma)."""
    count = 0
    for K, H in MARGIN_POWER_SHAPES:
        for trie in all_leader_tries(K, H, F(1, 2)):
            if any(len(s) > 1 for s in trie._sets.values()):
                continue
            for lam, holds in ((F(1, K), True), (F(1, K + 1), False), (F(3, 5), True)):
                assert is_LT1_margin(_unvalidated(trie, lam)) == holds, (trie, lam)
                count += 1
    wide = LeaderTrie(WIDE_VOCAB, 1, F(1, 2), [(0,)])
    assert is_LT1_margin(wide) and not is_LT1_margin(_unvalidated(wide, F(1, WIDE_VOCAB + 1)))
    # Other generators against the trie Y = {0} at lambda = 1/2, K = 3 (theta + gamma = 1/2,
    # theta - gamma = 1/3): the leader at 2/5 is below the floor, a non-leader at 2/5 or 1/2
    # is above the ceiling; the trie's own row passes.
    trie = LeaderTrie(3, 1, F(1, 2), [(0,)])
    for row, holds in MARGIN_POWER_ROWS:
        other = Generator.from_table(3, 1, {(): Distribution(row)})
        assert is_LT1_margin(trie, other) == holds, row
    return CheckOutcome(count + 2 + len(MARGIN_POWER_ROWS), "(trie, lambda) pairs, rows")


HP_SHAPES = ((3, 1), (3, 2), (3, 3), (4, 1), (4, 2), (4, 3))
HP_MAX_DENOMINATOR = 10


def check_LT1_hidden_path_is_one_response_case() -> CheckOutcome:
    """For K in {3,4}, H <= 3, every z in V^H and every alpha = lambda in (1/K, 1/2] with
    denominator <= 10: the one-response trie closure{z} has exactly the generator of the
    hidden-path family HP(K, H, alpha) (`genaccess.spec.hidden_path`) at every prefix."""
    count = 0
    for K, H in HP_SHAPES:
        for lam in (x for x in _lambda_grid(K) if x.denominator <= HP_MAX_DENOMINATOR):
            family = HiddenPathFamily(K, H, lam)
            for z in all_responses(K, H):
                ours = leader_trie_generator(LeaderTrie.hidden_path(K, H, lam, z))
                theirs = family.generator(z)
                for u in all_prefixes(K, H):
                    assert ours.next_token(u) == theirs.next_token(u), (K, H, lam, z, u)
                count += 1
    return CheckOutcome(count, "(K, H, lambda, z) cases")


FUZZ_VOCABS = (3, 4, 5, 6)
FUZZ_HORIZON = 3
FUZZ_INTERNAL = 8


def check_LT1_fuzz_hypothesis_tries() -> CheckOutcome:
    """Random admissible tries (K in 3..6, H <= 3): LT1 at every prefix."""
    seen = [0]

    @given(leader_tries(vocab_sizes=FUZZ_VOCABS, max_horizon=FUZZ_HORIZON,
                        max_internal=FUZZ_INTERNAL))
    def margin_holds(trie: LeaderTrie) -> None:
        seen[0] += 1
        assert is_LT1_margin(trie), trie

    margin_holds()
    return CheckOutcome(seen[0])


def check_LT1_catches_dropped_admissibility() -> CheckOutcome:
    """Power: without `l lambda <= 1` z3 refutes the margin statement (the row stops being a
    distribution), and the row predicate rejects every inadmissible count on the grid."""
    broken = prove_LT1_margin(admissible=False)
    assert broken.status is ProofStatus.REFUTED, broken
    rejected = sum(1 for K in ROW_VOCABS for lam in _lambda_grid(K)
                   for leaders in range(max_leaders(lam) + 1, K + 1)
                   if not is_LT1_margin_row(K, lam, leaders))
    total = sum(K - max_leaders(lam) for K in ROW_VOCABS for lam in _lambda_grid(K))
    assert rejected == total, (rejected, total)
    return CheckOutcome(1 + rejected, f"z3 counterexample {broken.counterexample}")


CLAIM = Claim(
    id="LT1",
    title="Leader-trie margin: leaders >= theta + gamma, others <= theta - gamma",
    source=Source.FORMALISATION,
    statement="In LT(K, H, lambda) with K >= 3, lambda in (1/K, 1/2] and at most "
    "floor(1/lambda) leaders per internal node, theta = (lambda + 1/K)/2 and "
    "gamma = (lambda - 1/K)/2: at every prefix every leader has probability >= theta + gamma "
    "and every non-leader <= theta - gamma. The one-response trie is the hidden path.",
    uses=("G1",),
    predicates=(is_LT1_margin, is_LT1_margin_row),
    checks=(
        proof_check("LT1", PROOF),
        Check("LT1_z3_margin", CheckKind.SOLVER,
              "real K >= 3, real lambda with K lambda > 1 and lambda <= 1/2, real l >= 1 with "
              "l lambda <= 1 (covers every integer instance)", check_LT1_z3_margin),
        Check("LT1_sympy_identities", CheckKind.SYMBOLIC, "symbolic K, lambda, l",
              check_LT1_sympy_identities),
        Check("LT1_exhaustive_tries", CheckKind.EXHAUSTIVE,
              "every admissible trie for (K,H,lambda) in " + cases_text(EXHAUSTIVE_SHAPES),
              check_LT1_exhaustive_tries, slow=True),
        Check("LT1_rows_and_admissibility", CheckKind.EXHAUSTIVE,
              f"K in {range_text(ROW_VOCABS)}, lambda in (0, 1] with denominator "
              f"{range_text(ROW_DENOMINATORS)}, leader count 0..K",
              check_LT1_rows_and_admissibility),
        Check("LT1_definition_refusals", CheckKind.EXHAUSTIVE,
              f"{len(REFUSED_TRIES)} non-members (K < 3, H < 1, empty Y, wrong length, token "
              "out of range, not a response)", check_LT1_definition_refusals),
        Check("LT1_hidden_path_is_one_response_case", CheckKind.EXHAUSTIVE,
              f"(K,H) in {cases_text(HP_SHAPES)}, every z, every lambda in (1/K, 1/2] with "
              f"denominator <= {HP_MAX_DENOMINATOR}, every prefix",
              check_LT1_hidden_path_is_one_response_case),
        Check("LT1_fuzz_random_tries", CheckKind.FUZZ,
              f"random admissible tries, K in {set_text(FUZZ_VOCABS)}, H <= {FUZZ_HORIZON}, "
              f"<= {FUZZ_INTERNAL} internal nodes",
              check_LT1_fuzz_hypothesis_tries),
        Check("LT1_catches_dropped_admissibility", CheckKind.POWER,
              "z3 without l lambda <= 1; the row predicate on every inadmissible count",
              check_LT1_catches_dropped_admissibility),
        Check("LT1_margin_rejects_lambda_at_or_below_uniform", CheckKind.POWER,
              f"one-leader tries of (K,H) in {cases_text(MARGIN_POWER_SHAPES)} at lambda = "
              f"1/K, 1/(K+1), 3/5 (validator off); K = {WIDE_VOCAB}, H = 1 at 1/2 and "
              f"1/{WIDE_VOCAB + 1}; {len(MARGIN_POWER_ROWS)} root rows against "
              "Y = {0}, K = 3, lambda = 1/2",
              check_LT1_margin_rejects_lambda_at_or_below_uniform),
    ),
    reference=("genaccess.spec.leader_trie.LeaderTrie",
               "genaccess.spec.leader_trie.leader_trie_generator",
               "genaccess.proofs.leader_trie_margin.prove_LT1_margin"),
    proof=PROOF,
)
