"""LR's proof: the local-reset discipline is an invariant over queries.

LR: the built set starts `{()}` and an answered query adds the prefixes its reports name
(`built_by`); a transcript satisfies LR when every query starts at a prefix built by the
queries before it. Root-start transcripts always do; the local-reset oracle answers exactly
the queries LR allows and records nothing for a refusal; an oracle with budget `B` answers
`B` queries and refuses the next.

The rules are definitions (each step names the code). What needs an argument is that the
oracle's live built set, which its control reads, is the built set of its transcript after
every query: an induction on the number of queries `i` (z3 over sets of an abstract prefix
sort, `i` symbolic). The oracle's three guarantees follow by induction on `i` too, each tied
to the oracle on a small domain.
"""

from __future__ import annotations

import functools
import itertools
import random
from collections.abc import Callable, Iterable, Sequence
from fractions import Fraction
from typing import Any

import z3

from genaccess.proofs.discharge import validity
from genaccess.spec.access import AccessModel, access_model, registered_access_models
from genaccess.spec.chance import Chooser, exact_law
from genaccess.spec.control import ArbitraryPrefix, LocalReset, RootStart
from genaccess.spec.errors import AccessError
from genaccess.spec.generator import Generator
from genaccess.spec.local_reset import built_set, is_local_reset
from genaccess.spec.local_reset_machine import (
    DRIVEN_H,
    DRIVEN_K,
    driven_generator,
    generator_rows,
    model_built_by,
)
from genaccess.spec.oracle import Oracle
from genaccess.spec.prefix import Prefix, all_prefixes
from genaccess.spec.proof import Proof, Tie, by_definition, by_induction
from genaccess.spec.transcript import Transcript

Formula = tuple[list[Any], Any]
Rows = Callable[[Prefix], Sequence[Fraction]]

# ---------------------------------------------------------------------------------------
# The z3 vocabulary: prefixes are an abstract sort, built sets are sets of them.


def _sets(*names: str) -> list[Any]:
    prefix = z3.DeclareSort("Prefix")
    return [z3.Const(n, z3.SetSort(prefix)) for n in names]


def _prefix(name: str) -> Any:
    return z3.Const(name, z3.DeclareSort("Prefix"))


def _invariant_base(wrong: bool) -> Formula:
    """`B_0 = {()}` (the oracle's start) and `S_0 = built_set(()) = {()}`."""
    B0, S0 = _sets("B_0", "S_0")
    root = _prefix("root")
    empty = z3.EmptySet(z3.DeclareSort("Prefix"))
    start = z3.SetAdd(empty, root)
    return [(empty if wrong else start) == B0, start == S0], B0 == S0


def _invariant_step(wrong: bool) -> Formula:
    """Answered: `B' = B | b`, `S' = S | b`; refused: both unchanged. Wrong: a refusal
    records what the query would have built."""
    B, S, b, B1, S1 = _sets("B_i", "S_i", "b", "B_next", "S_next")
    answered = z3.Bool("answered")
    refused_update = z3.SetUnion(B, b) if wrong else B
    return ([B == S, z3.If(answered, z3.SetUnion(B, b), refused_update) == B1,
             z3.If(answered, z3.SetUnion(S, b), S) == S1], B1 == S1)


def _acceptance_base(wrong: bool) -> Formula:
    """The empty transcript satisfies LR (`first_lr_violation(()) = None`)."""
    lr0 = z3.Bool("LR_0")
    return [lr0 == z3.BoolVal(not wrong)], lr0


def _acceptance_step(wrong: bool) -> Formula:
    """Local reset answers `q` iff `q in B_i = S_i`; LR of the longer transcript is LR of the
    shorter one and `q in S_i`. Wrong: a leaky control also admits one unbuilt prefix."""
    B, S = _sets("B_i", "S_i")
    q, leak = _prefix("q"), _prefix("leak")
    lr, lr1, answered = z3.Bools("LR_i LR_next answered")
    admits = z3.IsMember(q, B)
    if wrong:
        admits = z3.Or(admits, q == leak)
    return ([B == S, lr, answered == admits,
             lr1 == z3.If(answered, z3.And(lr, z3.IsMember(q, S)), lr)],
            z3.And(lr1, answered == z3.IsMember(q, S)))


def _root_start_step(wrong: bool) -> Formula:
    """A root-start oracle answers only `q = ()`, which stays built (`S' = S | b`). Wrong:
    it answers a reset at some other prefix."""
    S, b = _sets("S_i", "b")
    q, root = _prefix("q"), _prefix("root")
    lr, lr1 = z3.Bools("LR_i LR_next")
    hyps = [lr, z3.IsMember(root, S), lr1 == z3.And(lr, z3.IsMember(q, S))]
    if not wrong:
        hyps.append(q == root)
    return hyps, z3.And(lr1, z3.IsMember(root, z3.SetUnion(S, b)))


def _root_start_base(wrong: bool) -> Formula:
    S0 = _sets("S_0")[0]
    root = _prefix("root")
    empty = z3.EmptySet(z3.DeclareSort("Prefix"))
    return [(empty if wrong else z3.SetAdd(empty, root)) == S0], z3.IsMember(root, S0)


def _budget_base(wrong: bool) -> Formula:
    n0, budget = z3.Ints("n_0 B")
    return [budget >= 0, n0 == (1 if wrong else 0)], n0 == 0  # min(0, B) = 0


def _budget_step(wrong: bool) -> Formula:
    """`n_i = min(i, B)` answered of `i` admissible queries; `_vet` answers query `i+1` iff
    `n_i < B`. Wrong: `n_i <= B` (one query too many)."""
    i, n, n1, budget = z3.Ints("i n_i n_next B")
    under = n <= budget if wrong else n < budget
    return ([i >= 0, budget >= 0, n == z3.If(i < budget, i, budget),
             n1 == z3.If(under, n + 1, n)],
            n1 == z3.If(i + 1 < budget, i + 1, budget))


# ---------------------------------------------------------------------------------------
# Ties: the oracle on the driven generator (K=2, H=3, a zero-probability token at (1,)).


def _valid_queries() -> list[tuple[Prefix, int]]:
    return [(u, L) for u in all_prefixes(DRIVEN_K, DRIVEN_H)
            for L in range(1, DRIVEN_H - len(u) + 1)]


def _run(g: Generator, rows: Rows, access: AccessModel,
         sequence: Iterable[tuple[Prefix, int]], chooser: Chooser) -> Transcript:
    """Every step of the inductions, on the oracle: after each query the live set is
    `built_set` of the transcript and LR's model of the built set (written apart from
    `built_by`); a refusal changes nothing. Under local reset, moreover, a query is answered
    iff its prefix is in `built_set` of the transcript so far, and the transcript is LR."""
    oracle = Oracle(g, access, rng=chooser)
    local = isinstance(access.control, LocalReset)
    model: set[Prefix] = {()}
    for prefix, length in sequence:
        before = (oracle.transcript, oracle.built, oracle.queries_used)
        allowed = prefix in built_set(oracle.transcript, DRIVEN_H)
        assert allowed is (prefix in model)
        try:
            reports = oracle.query(prefix, length)
        except AccessError:
            assert not (local and allowed)
            assert (oracle.transcript, oracle.built, oracle.queries_used) == before
            continue
        assert allowed or not local
        model |= model_built_by(rows, DRIVEN_H, access.observation, prefix, reports)
        assert oracle.built == built_set(oracle.transcript, DRIVEN_H) == model
        assert is_local_reset(oracle.transcript, DRIVEN_H) or not local
    return oracle.transcript


def _models(control: type) -> list[AccessModel]:
    return [m for m in registered_access_models(DRIVEN_K, DRIVEN_H)
            if type(m.control) is control]


def _drive_all(control: type, second: int) -> int:
    """Every valid query, then every valid query of length at most `second`."""
    queries = _valid_queries()
    seconds = [(u, n) for u, n in queries if n <= second]
    g = driven_generator()
    rows = generator_rows(g)
    compared = 0
    for access in _models(control):
        for sequence in itertools.product(queries, seconds):
            compared += len(exact_law(functools.partial(_run, g, rows, access, sequence)))
    return compared


SEQUENCES = (f"K={DRIVEN_K}, H={DRIVEN_H} (a zero-probability token at (1,)), every registered "
             "observation type, every random outcome; every valid query followed by ")
INVARIANT_DOMAIN = "arbitrary-prefix; " + SEQUENCES + "every one-step query"
ACCEPTANCE_DOMAIN = "local-reset; " + SEQUENCES + "every valid query"


def _invariant_tie() -> int:
    return _drive_all(ArbitraryPrefix, 1)


def _acceptance_tie() -> int:
    return _drive_all(LocalReset, DRIVEN_H)


ROOT_START_DOMAIN = (f"K={DRIVEN_K}, H={DRIVEN_H}, root-start with every registered "
                     "observation type, 2 rollouts, every random outcome")


def _root_start_tie() -> int:
    g = driven_generator()
    compared = 0
    for access in registered_access_models(DRIVEN_K, DRIVEN_H):
        if not isinstance(access.control, RootStart):
            continue

        def rollouts(chooser: Chooser, access: AccessModel = access
                     ) -> tuple[Transcript, bool]:
            oracle = Oracle(g, access, rng=chooser)
            lr = True
            for _ in range(2):
                oracle.rollout()
                lr = lr and is_local_reset(oracle.transcript, DRIVEN_H)
            return oracle.transcript, lr and () in oracle.built

        law = exact_law(rollouts)
        assert all(ok for _, ok in law), access.name
        compared += len(law)
    return compared


BUDGETS = range(4)
BUDGET_DOMAIN = (f"budget B in 0..{BUDGETS[-1]}, {BUDGETS[-1] + 2} one-step queries at the root, "
                 "local-reset/sample on the driven generator")


def _budget_tie() -> int:
    compared = 0
    for budget in BUDGETS:
        oracle = Oracle(driven_generator(), access_model("local-reset/sample"),
                        rng=random.Random(0), budget=budget)
        for i in range(len(BUDGETS) + 1):
            assert oracle.queries_used == min(i, budget) == len(oracle.transcript)
            assert oracle.admits((), 1) is (min(i, budget) < budget)
            if oracle.admits((), 1):
                oracle.query((), 1)
            compared += 1
    return compared


# ---------------------------------------------------------------------------------------
# The proof.

PROOF = Proof((
    by_definition("LR.initial", "before the first query the built set is B_0 = {()}",
                  "genaccess.spec.local_reset.INITIAL_BUILT"),
    by_definition("LR.built_by", "an answered query (u, L) builds, along v_1 = u, v_2, ...: "
                  "v_i and v_i·b for every b the report at v_i reveals, moving on to "
                  "v_{i+1} = v_i·a only when the report shows the token a; only prefixes of "
                  "length <= H-1 are kept", "genaccess.spec.local_reset.built_by"),
    by_definition("LR.full_reveals_support", "a full report reveals exactly the tokens of "
                  "positive probability at v_i, never a zero-probability one",
                  "genaccess.spec.observation.FullReport.revealed"),
    by_definition("LR.topk_stops", "a topk report reveals its listed tokens and shows no "
                  "continuation token (token is None), so built_by stops after it",
                  "genaccess.spec.observation.TopKReport.token"),
    by_definition("LR.top1_stops", "a top1 report reveals its one token and shows no "
                  "continuation token, so built_by stops after it",
                  "genaccess.spec.observation.Top1Report.token"),
    by_definition("LR.noisy_stops", "a noisy-sample report reveals its shown token and shows "
                  "no continuation token", "genaccess.spec.noisy.NoisySampleReport.token"),
    by_definition("LR.built_set", "S_i = built_set(first i records) = {()} | built_by(r_1) "
                  "| ... | built_by(r_i)", "genaccess.spec.local_reset.built_set",
                  uses=("LR.initial", "LR.built_by")),
    by_definition("LR.oracle_update", "the oracle vets a query (control, budget) before it "
                  "changes anything; an answered query appends its record and does "
                  "B <- B | built_by(record)", "genaccess.spec.oracle.Oracle.query",
                  uses=("LR.built_by",)),
    by_definition("LR.predicate", "LR(tr·r) iff LR(tr) and r.prefix in built_set(tr); "
                  "LR(()) holds", "genaccess.spec.local_reset.first_lr_violation",
                  uses=("LR.built_set",)),
    by_induction("LR.invariant", "after every query i (answered or refused) the oracle's "
                 "live built set B_i equals S_i = built_set(transcript_i), by induction on i",
                 "i",
                 base=validity("B_0 = {()} = S_0", lambda: _invariant_base(False),
                               wrong="the oracle starts empty: B_0 = {}",
                               build_wrong=lambda: _invariant_base(True)),
                 step=validity("B_i = S_i => B_{i+1} = S_{i+1} (answered: both | b; "
                               "refused: both unchanged)", lambda: _invariant_step(False),
                               wrong="a refusal records its built_by: B_{i+1} = B_i | b",
                               build_wrong=lambda: _invariant_step(True)),
                 uses=("LR.initial", "LR.built_set", "LR.oracle_update"),
                 tie=Tie("genaccess.spec.local_reset.built_set", INVARIANT_DOMAIN,
                         _invariant_tie)),
    by_definition("LR.root_start_control", "root-start refuses every query but ((), H)",
                  "genaccess.spec.control.RootStart.refusal"),
    by_induction("LR.root_start", "every root-start transcript satisfies LR and keeps () "
                 "built, by induction on the number of rollouts i", "i",
                 base=validity("() in S_0 and LR(())", lambda: _root_start_base(False),
                               wrong="S_0 = {}", build_wrong=lambda: _root_start_base(True)),
                 step=validity("LR_i, () in S_i, q = () => LR_{i+1}, () in S_i | b",
                               lambda: _root_start_step(False),
                               wrong="a reset at q != () is answered",
                               build_wrong=lambda: _root_start_step(True)),
                 uses=("LR.predicate", "LR.root_start_control", "LR.built_set"),
                 tie=Tie("genaccess.spec.local_reset.is_local_reset", ROOT_START_DOMAIN,
                         _root_start_tie)),
    by_definition("LR.budget_rule", "queries_used is the transcript's length, and _vet refuses "
                  "query n+1 when n >= budget (raising before any change)",
                  "genaccess.spec.oracle.Oracle._vet"),
    by_induction("LR.budget", "with budget B, of i admissible queries the oracle answers "
                 "n_i = min(i, B): it answers B and refuses the next, recording nothing", "i",
                 base=validity("n_0 = 0 = min(0, B)", lambda: _budget_base(False),
                               wrong="n_0 = 1", build_wrong=lambda: _budget_base(True)),
                 step=validity("n_i = min(i, B), n_{i+1} = n_i + [n_i < B] => "
                               "n_{i+1} = min(i+1, B)", lambda: _budget_step(False),
                               wrong="answers while n_i <= B (B+1 queries)",
                               build_wrong=lambda: _budget_step(True)),
                 uses=("LR.budget_rule", "LR.oracle_update"),
                 tie=Tie("genaccess.spec.oracle.Oracle.queries_used", BUDGET_DOMAIN,
                         _budget_tie)),
    by_definition("LR.local_reset_control", "local-reset refuses exactly the queries whose "
                  "prefix is not in the live built set B_i",
                  "genaccess.spec.control.LocalReset.refusal"),
    by_induction("LR.acceptance", "LR: the local-reset oracle answers a query iff LR allows "
                 "it (its prefix is in built_set of the transcript so far), records nothing "
                 "for a refusal, and every transcript it makes satisfies LR; root-start "
                 "transcripts satisfy LR (LR.root_start) and a budget B answers B queries "
                 "(LR.budget); by induction on i", "i",
                 base=validity("LR(())", lambda: _acceptance_base(False),
                               wrong="the empty transcript breaks LR",
                               build_wrong=lambda: _acceptance_base(True)),
                 step=validity("B_i = S_i, LR_i, answered iff q in B_i => LR_{i+1} and "
                               "(answered iff q in S_i)", lambda: _acceptance_step(False),
                               wrong="a leaky control also admits one unbuilt prefix",
                               build_wrong=lambda: _acceptance_step(True)),
                 uses=("LR.invariant", "LR.predicate", "LR.local_reset_control",
                       "LR.root_start", "LR.budget"),
                 tie=Tie("genaccess.spec.control.LocalReset.refusal", ACCEPTANCE_DOMAIN,
                         _acceptance_tie)),
))
"""LR: the built set is the transcript's (`LR.invariant`), so the local-reset oracle admits
exactly the queries LR allows (`LR.acceptance`); root-start and budgets follow the same way."""
