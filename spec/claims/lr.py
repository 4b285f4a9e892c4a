"""LR: the local-reset discipline — a predicate on transcripts, enforced by the oracle.

The checks compare the oracle and `is_local_reset` with a model of the built set written
from the definitions apart from `Report.revealed` and `built_by`
(`genaccess.spec.local_reset_machine.model_built_by`), on generators with zero-probability
tokens; they feed the predicate violating transcripts (by hand, from an arbitrary-prefix
oracle, from a leaky oracle), and they exercise the query budget exactly.
"""

from __future__ import annotations

import functools
import itertools
import random
from collections.abc import Callable
from collections.abc import Set as AbstractSet
from fractions import Fraction

from hypothesis.stateful import run_state_machine_as_test

from genaccess.proofs.discharge import proof_check
from genaccess.proofs.steps.lr import PROOF
from genaccess.spec.access import AccessModel, registered_access_models
from genaccess.spec.chance import Chooser, exact_law
from genaccess.spec.claims.lr_budget import BUDGET_CHECKS
from genaccess.spec.control import ArbitraryPrefix, Control, LocalReset, RootStart
from genaccess.spec.distribution import Distribution
from genaccess.spec.errors import (
    AccessError,
    ForbiddenStart,
    UnbuiltPrefix,
)
from genaccess.spec.generator import Generator
from genaccess.spec.grids import Grid, describe
from genaccess.spec.local_reset import built_set, first_lr_violation, is_local_reset
from genaccess.spec.local_reset_machine import (
    DRIVEN_H,
    DRIVEN_K,
    driven_generator,
    local_reset_machine,
    model_built_by,
)
from genaccess.spec.noisy import NoisySampleReport
from genaccess.spec.observation import (
    Full,
    FullReport,
    LogprobReport,
    ObservationType,
    Report,
    SampleReport,
    Top1Report,
    TopKReport,
)
from genaccess.spec.oracle import Oracle
from genaccess.spec.prefix import Prefix, all_prefixes
from genaccess.spec.registry import Check, CheckKind, CheckOutcome, Claim, Source
from genaccess.spec.strategies import generators
from genaccess.spec.transcript import QueryRecord, Transcript

ROOT_START_GRIDS = (Grid(2, 1), Grid(2, 2), Grid(2, 3, "depth"), Grid(3, 2, "depth"))

def _rows(g: Generator) -> Callable[[Prefix], tuple[Fraction, ...]]:
    # The rows once per check (the model reads one per step of every branch).
    return {u: d.probs for u, d in g.table().items()}.__getitem__


def _expected_names(vocab_size: int) -> set[str]:
    # The observation types LR's generic checks must drive, written out by hand (a type
    # dropped from the registry, or a `k` missing, fails here; a new one may be added).
    return {"sample", "logprob", "top1", "full", "noisy-sample(0)",
            *(f"topk({k})" for k in range(1, vocab_size + 1))}


def _root_start_observations(vocab_size: int, horizon: int) -> list[ObservationType]:
    models = [m for m in registered_access_models(vocab_size, horizon)
              if isinstance(m.control, RootStart)]
    names = {m.observation.name for m in models}
    assert names >= _expected_names(vocab_size), sorted(names)
    return [m.observation for m in models]


def check_LR_root_start_transcripts() -> CheckOutcome:
    """Every root-start transcript (T <= 2, every observation type) satisfies LR."""
    count = 0
    for grid in ROOT_START_GRIDS:
        K, H = grid.vocab_size, grid.horizon
        observations = _root_start_observations(K, H)
        for g in grid:
            for observation in observations:
                access = AccessModel(RootStart(), observation)
                law = exact_law(functools.partial(_rollouts, g, access, queries=2))
                for transcript in law:
                    assert is_local_reset(transcript, H), (access.name, transcript)
                    count += 1
    return CheckOutcome(count)


def _rollouts(g: Generator, access: AccessModel, chooser: Chooser, queries: int) -> Transcript:
    oracle = Oracle(g, access, rng=chooser)
    for _ in range(queries):
        oracle.rollout()
    return oracle.transcript


def _queries(vocab_size: int, horizon: int) -> list[tuple[Prefix, int]]:
    """Every valid query `(u, L)`: every prefix, every length `1..H-|u|`."""
    return [(u, L) for u in all_prefixes(vocab_size, horizon)
            for L in range(1, horizon - len(u) + 1)]


def check_LR_root_start_refuses_resets() -> CheckOutcome:
    """A root-start oracle answers `((), H)` and refuses every other valid query with
    `ForbiddenStart`, recording nothing (K=2, H=3, every observation type)."""
    g = driven_generator()
    count = 0
    for observation in _root_start_observations(DRIVEN_K, DRIVEN_H):
        oracle = Oracle(g, AccessModel(RootStart(), observation), rng=random.Random(0))
        for u, L in _queries(DRIVEN_K, DRIVEN_H):
            before = (oracle.transcript, oracle.built, oracle.queries_used,
                      oracle.tokens_generated)
            if (u, L) == ((), DRIVEN_H):
                assert len(oracle.query(u, L)) == L
            else:
                try:
                    oracle.query(u, L)
                except ForbiddenStart:
                    assert (oracle.transcript, oracle.built, oracle.queries_used,
                            oracle.tokens_generated) == before, (observation.name, u, L)
                else:
                    raise AssertionError(f"root-start/{observation.name} answered {(u, L)}")
            count += 1
    return CheckOutcome(count)


ACCEPTANCE_DOMAIN = (f"K={DRIVEN_K}, H={DRIVEN_H} (a zero-probability token at (1,)), "
                     "every local-reset access model, every sequence of 3 queries (any of the "
                     "7 prefixes, any valid length), every random outcome; built set from a "
                     "model written apart from Report.revealed and built_by")


def check_LR_oracle_acceptance(control: Control | None = None,
                               observations: tuple[ObservationType, ...] = ()) -> CheckOutcome:
    """The local-reset oracle answers a query exactly when the prefix is in the built set
    of the model written from the definitions (`model_built_by`), and a refusal records
    nothing. `observations` replaces the registered types (for the power checks)."""
    control = control if control is not None else LocalReset()
    g = driven_generator()
    rows = _rows(g)
    queries = _queries(DRIVEN_K, DRIVEN_H)
    types = observations or tuple(_root_start_observations(DRIVEN_K, DRIVEN_H))
    count = 0
    for observation in types:
        access = AccessModel(control, observation)
        for sequence in itertools.product(queries, repeat=3):
            law = exact_law(functools.partial(_drive, g, rows, access, sequence))
            count += len(law)
            bad = [outcome for outcome in law if outcome is not None]
            assert not bad, f"{access.name}: {bad[0]}"
    return CheckOutcome(count)


def _drive(g: Generator, rows: Callable[[Prefix], tuple[Fraction, ...]], access: AccessModel,
           sequence: tuple[tuple[Prefix, int], ...],
           chooser: Chooser) -> str | None:
    """Run `sequence`; the first disagreement between oracle and the LR model, or None."""
    oracle = Oracle(g, access, rng=chooser)
    H = g.horizon
    allowed_set: set[Prefix] = {()}
    rewritten = False
    for prefix, length in sequence:
        before = (oracle.transcript, oracle.built, oracle.queries_used, oracle.tokens_generated)
        allowed = prefix in allowed_set
        try:
            reports = oracle.query(prefix, length)
        except UnbuiltPrefix:
            if allowed:
                return f"refused built {prefix} after {before[0]}"
            after = (oracle.transcript, oracle.built, oracle.queries_used, oracle.tokens_generated)
            if after != before:
                return f"refusal of {prefix} changed the oracle's state"
            continue
        if not allowed:
            return f"answered unbuilt {prefix} after {before[0]}"
        allowed_set |= model_built_by(rows, H, access.observation, prefix, reports)
        if oracle.built != allowed_set:
            return f"built {sorted(oracle.built)}, the model {sorted(allowed_set)}"
        transcript = oracle.transcript
        if built_set(transcript, H) != allowed_set:
            return f"built_set of the transcript {sorted(built_set(transcript, H))}, " \
                f"the model {sorted(allowed_set)}"
        # While the oracle only appends records, `allowed_set` is the built set of the records
        # before the new one and the new prefix was in it (`allowed`), so the transcript is
        # LR because it was LR before; once it has rewritten a record, decide LR afresh.
        rewritten = rewritten or len(transcript) != len(before[0]) + 1 or any(
            a is not b for a, b in zip(transcript[:-1], before[0], strict=True))
        if rewritten and not is_local_reset(transcript, H):
            return f"transcript breaks LR: {transcript}"
    return None


_LOCAL_RESET_MACHINE = local_reset_machine(generators(max_vocab=3, max_horizon=4))
"""The LR state machine over random exact generators (K <= 3, H <= 4)."""


def check_LR_state_machine() -> CheckOutcome:
    """Hypothesis stateful run: oracle vs the model of the built set after every step."""
    _LOCAL_RESET_MACHINE.steps = 0
    run_state_machine_as_test(_LOCAL_RESET_MACHINE)
    return CheckOutcome(_LOCAL_RESET_MACHINE.steps, "queries driven by the state machine")


_HALF = Fraction(1, 2)
HAND_TRANSCRIPTS: tuple[tuple[str, tuple[QueryRecord, ...], int | None], ...] = (
    ("reset to a root child never named", (
        QueryRecord((0,), 1, (SampleReport(1),)),), 0),
    ("reset below the sampled child", (
        QueryRecord((), 1, (SampleReport(0),)),
        QueryRecord((0, 1), 1, (SampleReport(0),))), 1),
    ("sampled child, then its child", (
        QueryRecord((), 1, (SampleReport(0),)),
        QueryRecord((0,), 1, (SampleReport(1),)),
        QueryRecord((0, 1), 1, (SampleReport(1),))), None),
    ("third query at a sibling never named", (
        QueryRecord((), 1, (SampleReport(0),)),
        QueryRecord((0,), 1, (SampleReport(1),)),
        QueryRecord((1,), 1, (SampleReport(0),))), 2),
    ("logprob names only the sampled token", (
        QueryRecord((), 1, (LogprobReport(1, _HALF),)),
        QueryRecord((0,), 1, (SampleReport(0),))), 1),
    ("full does not name a zero-probability child", (
        QueryRecord((), 1, (FullReport(0, Distribution((1, 0))),)),
        QueryRecord((1,), 1, (SampleReport(0),))), 1),
    ("full names every positive child", (
        QueryRecord((), 1, (FullReport(0, Distribution((_HALF, _HALF))),)),
        QueryRecord((1,), 1, (SampleReport(0),))), None),
    ("topk hides the continuation", (
        QueryRecord((), 2, (TopKReport(((0, _HALF),)), TopKReport(((1, _HALF),)))),
        QueryRecord((0, 1), 1, (SampleReport(0),))), 1),
    ("topk names its listed child", (
        QueryRecord((), 2, (TopKReport(((0, _HALF),)), TopKReport(((1, _HALF),)))),
        QueryRecord((0,), 1, (SampleReport(0),))), None),
    ("top1 hides the continuation", (
        QueryRecord((), 3, (Top1Report(1), Top1Report(0), Top1Report(0))),
        QueryRecord((1, 0), 1, (SampleReport(0),))), 1),
    ("noisy-sample hides the continuation", (
        QueryRecord((), 2, (NoisySampleReport(1), NoisySampleReport(0))),
        QueryRecord((1, 0), 1, (SampleReport(0),))), 1),
    ("noisy-sample names the shown token", (
        QueryRecord((), 2, (NoisySampleReport(1), NoisySampleReport(0))),
        QueryRecord((1,), 1, (SampleReport(0),))), None),
    ("a full-length answer builds no response", (
        QueryRecord((), 3, (SampleReport(0), SampleReport(0), SampleReport(1))),
        QueryRecord((0, 0), 1, (SampleReport(1),))), None),
)
"""(what it shows, transcript at K=2, H=3, index of the first query at an unbuilt prefix,
decided by hand from docs/theory.md's built set)."""

PREDICATE_DOMAIN = (f"{len(HAND_TRANSCRIPTS)} hand-decided transcripts (K=2, H=3); every "
                    f"transcript of 2 arbitrary-prefix queries on K={DRIVEN_K}, H={DRIVEN_H} "
                    "(every valid query, every registered observation type, every outcome) "
                    "against the model; every transcript of the leaky oracle that answers "
                    "(1, 1) unbuilt")


def check_LR_predicate_decides() -> CheckOutcome:
    """`first_lr_violation` / `is_local_reset` on transcripts that break LR as well as ones
    that keep it: hand-decided ones, every transcript an arbitrary-prefix oracle makes in two
    queries (the verdict from `model_built_by`), and every transcript in which a leaky
    local-reset oracle answered the unbuilt `(1, 1)` (which must be rejected)."""
    count = 0
    for what, transcript, expected in HAND_TRANSCRIPTS:
        assert first_lr_violation(transcript, DRIVEN_H) == expected, what
        assert is_local_reset(transcript, DRIVEN_H) is (expected is None), what
        count += 1
    g = driven_generator()
    rows = _rows(g)
    queries = _queries(DRIVEN_K, DRIVEN_H)
    verdicts: set[bool] = set()
    for observation in _root_start_observations(DRIVEN_K, DRIVEN_H):
        access = AccessModel(ArbitraryPrefix(), observation)
        for sequence in itertools.product(queries, repeat=2):
            law = exact_law(functools.partial(_arbitrary, g, rows, access, sequence))
            for transcript, expected in law:
                assert first_lr_violation(transcript, DRIVEN_H) == expected, (
                    observation.name, transcript, expected)
                assert is_local_reset(transcript, DRIVEN_H) is (expected is None)
                verdicts.add(expected is None)
                count += 1
        leaky = AccessModel(_MutantLeakyLocalReset(), observation)
        for sequence in (((), 1), ((1, 1), 1)), (((), DRIVEN_H), ((1, 1), 1)), (
                ((1, 1), 1), ((), 1)):
            for transcript, _ in exact_law(functools.partial(_arbitrary, g, rows, leaky, sequence)):
                if (1, 1) in [r.prefix for r in transcript]:
                    assert not is_local_reset(transcript, DRIVEN_H), transcript
                    count += 1
    assert verdicts == {True, False}, verdicts
    return CheckOutcome(count)


def _arbitrary(g: Generator, rows: Callable[[Prefix], tuple[Fraction, ...]],
               access: AccessModel, sequence: tuple[tuple[Prefix, int], ...],
               chooser: Chooser) -> tuple[Transcript, int | None]:
    """The transcript of `sequence` (refused queries skipped) and the index of its first
    query at a prefix the model had not built."""
    oracle = Oracle(g, access, rng=chooser)
    H = g.horizon
    built: set[Prefix] = {()}
    first: int | None = None
    for prefix, length in sequence:
        try:
            reports = oracle.query(prefix, length)
        except AccessError:
            continue
        if first is None and prefix not in built:
            first = oracle.queries_used - 1
        built |= model_built_by(rows, H, access.observation, prefix, reports)
    return oracle.transcript, first


class _MutantLeakyLocalReset(LocalReset):
    """A deliberately broken control: also lets the unbuilt prefix (1, 1) through."""

    def refusal(self, prefix: Prefix, length: int, horizon: int, built: AbstractSet[Prefix]
                ) -> UnbuiltPrefix | None:
        if prefix == (1, 1):
            return None
        return super().refusal(prefix, length, horizon, built)  # type: ignore[return-value]


def check_LR_catches_leaky_oracle() -> CheckOutcome:
    """Power: the acceptance check fails on an oracle that lets one unbuilt prefix through."""
    try:
        check_LR_oracle_acceptance(_MutantLeakyLocalReset())
    except AssertionError as err:
        assert "answered unbuilt (1, 1)" in str(err), err
        return CheckOutcome(1, "leaky oracle caught")
    raise AssertionError("the LR acceptance check passed a leaky oracle")


class _MutantFullRevealsAll(Full):
    """A deliberately broken `full`: its reports name every token, zero-probability ones too."""

    def report(self, dist: Distribution, token: int) -> Report:
        return _MutantFullReport(token, dist)


class _MutantFullReport(FullReport):
    @property
    def revealed(self) -> frozenset[int]:
        return frozenset(range(self.dist.vocab_size))


def check_LR_catches_full_revealing_zeros() -> CheckOutcome:
    """Power: the acceptance check fails on a `full` whose reports build zero-probability
    children (after `full` at `(1,)`, `(1, 1)` must stay unbuilt)."""
    try:
        check_LR_oracle_acceptance(observations=(_MutantFullRevealsAll(),))
    except AssertionError as err:
        assert "(1, 1)" in str(err), err
        return CheckOutcome(1, "full revealing zeros caught")
    raise AssertionError("the LR acceptance check passed a full that reveals zeros")


CLAIM = Claim(
    id="LR",
    title="Local-reset discipline: every queried prefix was built before its query",
    source=Source.PAPER,
    statement="The built set starts {()}. An answered query (u, L) walks its visited "
    "prefixes v_1 = u, v_2, ...: it builds v_i and v_i·b for every token b the report at v_i "
    "names (sample, logprob: the sampled token; full: every token of positive probability; "
    "topk(k), top1: the listed tokens; noisy-sample: the shown token), and moves on to "
    "v_{i+1} = v_i·(sampled token) only if that report shows the sampled token (sample, "
    "logprob, full); after a topk, top1 or noisy-sample step nothing deeper is built. Only "
    "prefixes of length <= H-1 are built. A transcript satisfies LR when every query starts "
    "at a prefix built by the queries before it. Root-start transcripts always do (a "
    "root-start oracle answers only ((), H)); the local-reset oracle answers exactly the "
    "queries LR allows and records nothing for a refusal; an oracle with budget B answers B "
    "queries and refuses the next, recording nothing.",
    uses=(),
    predicates=(is_local_reset,),
    checks=(
        proof_check("LR", PROOF),
        # Cheap checks first: the mutation gate stops at a claim's first failing check.
        Check("LR_root_start_transcripts", CheckKind.EXHAUSTIVE,
              describe(ROOT_START_GRIDS) + "; every root-start observation type; every "
              "transcript of T=2 rollouts",
              check_LR_root_start_transcripts),
        Check("LR_root_start_refuses_resets", CheckKind.EXHAUSTIVE,
              f"K={DRIVEN_K}, H={DRIVEN_H}, every root-start observation type, every valid query",
              check_LR_root_start_refuses_resets),
        Check("LR_predicate_decides", CheckKind.EXHAUSTIVE, PREDICATE_DOMAIN,
              check_LR_predicate_decides),
        *BUDGET_CHECKS,
        Check("LR_catches_leaky_oracle", CheckKind.POWER,
              "acceptance check against an oracle that admits the unbuilt (1, 1)",
              check_LR_catches_leaky_oracle),
        Check("LR_catches_full_revealing_zeros", CheckKind.POWER,
              "acceptance check against a full whose reports name zero-probability tokens",
              check_LR_catches_full_revealing_zeros),
        Check("LR_oracle_acceptance", CheckKind.EXHAUSTIVE, ACCEPTANCE_DOMAIN,
              check_LR_oracle_acceptance, slow=True),
        Check("LR_state_machine", CheckKind.FUZZ,
              "random generators K<=3, H<=4 (zeros and ties), local-reset with every registered "
              "observation type, against the model of the built set",
              check_LR_state_machine, slow=True),
    ),
    reference=("genaccess.spec.oracle.Oracle", "genaccess.spec.local_reset.built_set",
               "genaccess.spec.local_reset_machine.model_built_by"),
    proof=PROOF,
)
