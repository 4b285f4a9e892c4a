"""LR: the local-reset discipline — a predicate on transcripts, enforced by the oracle."""

from __future__ import annotations

import functools
import itertools
from collections.abc import Set as AbstractSet

from hypothesis.stateful import run_state_machine_as_test

from genaccess.spec.access import AccessModel, registered_access_models
from genaccess.spec.chance import Chooser, exact_law
from genaccess.spec.control import Control, LocalReset, RootStart
from genaccess.spec.errors import UnbuiltPrefix
from genaccess.spec.generator import Generator
from genaccess.spec.grids import Grid, describe
from genaccess.spec.local_reset import INITIAL_BUILT, built_by, is_local_reset
from genaccess.spec.local_reset_machine import local_reset_machine
from genaccess.spec.oracle import Oracle
from genaccess.spec.prefix import Prefix, all_prefixes
from genaccess.spec.registry import Check, CheckKind, CheckOutcome, Claim, Source
from genaccess.spec.strategies import generators
from genaccess.spec.transcript import Transcript

ROOT_START_GRIDS = (Grid(2, 1), Grid(2, 2), Grid(2, 3, "depth"), Grid(3, 2, "depth"))


def check_LR_root_start_transcripts() -> CheckOutcome:
    """Every root-start transcript (T <= 2, every observation type) satisfies LR."""
    count = 0
    for grid in ROOT_START_GRIDS:
        K, H = grid.vocab_size, grid.horizon
        for g in grid:
            for access in registered_access_models(K, H):
                if not isinstance(access.control, RootStart):
                    continue
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


ACCEPTANCE_DOMAIN = "K=2, H=3, every local-reset access model, every sequence of 3 queries " \
    "(any of the 7 prefixes, any valid length), every random outcome"


def check_LR_oracle_acceptance(control: Control | None = None) -> CheckOutcome:
    """The local-reset oracle answers a query exactly when LR allows it (the prefix is in the
    built set recomputed from the transcript), and a refusal records nothing."""
    control = control if control is not None else LocalReset()
    K, H = 2, 3
    g = Generator.from_table(K, H, {(): ("1/3", "2/3"), (1,): ("1", "0")},
                             default=("1/2", "1/2"))
    queries = [(u, L) for u in all_prefixes(K, H) for L in range(1, H - len(u) + 1)]
    models = [AccessModel(control, m.observation) for m in registered_access_models(K, H)
              if isinstance(m.control, RootStart)]
    count = 0
    for access in models:
        for sequence in itertools.product(queries, repeat=3):
            law = exact_law(functools.partial(_drive, g, access, sequence))
            count += len(law)
            bad = [outcome for outcome in law if outcome is not None]
            assert not bad, f"{access.name}: {bad[0]}"
    return CheckOutcome(count)


def _drive(g: Generator, access: AccessModel, sequence: tuple[tuple[Prefix, int], ...],
           chooser: Chooser) -> str | None:
    """Run `sequence`; the first disagreement between oracle and LR, or None."""
    oracle = Oracle(g, access, rng=chooser)
    H = g.horizon
    # LR's built set from the transcript alone: `built_set`, one answered record at a time.
    allowed_set = set(INITIAL_BUILT)
    rewritten = False
    for prefix, length in sequence:
        before = (oracle.transcript, oracle.built, oracle.queries_used, oracle.tokens_generated)
        allowed = prefix in allowed_set
        try:
            oracle.query(prefix, length)
        except UnbuiltPrefix:
            if allowed:
                return f"refused built {prefix} after {before[0]}"
            after = (oracle.transcript, oracle.built, oracle.queries_used, oracle.tokens_generated)
            if after != before:
                return f"refusal of {prefix} changed the oracle's state"
            continue
        if not allowed:
            return f"answered unbuilt {prefix} after {before[0]}"
        transcript = oracle.transcript
        allowed_set |= built_by(transcript[-1], H)
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
    """Hypothesis stateful run: oracle vs a trivial built-set model after every step."""
    _LOCAL_RESET_MACHINE.steps = 0
    run_state_machine_as_test(_LOCAL_RESET_MACHINE)
    return CheckOutcome(_LOCAL_RESET_MACHINE.steps, "queries driven by the state machine")


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


CLAIM = Claim(
    id="LR",
    title="Local-reset discipline: every queried prefix was built before its query",
    source=Source.PAPER,
    statement="Built set starts {()}; a query at u builds the prefixes its answer passed "
    "through and u·a for every revealed a. A transcript satisfies LR when every query starts "
    "at a prefix built before it; root-start transcripts always do, and the local-reset "
    "oracle refuses any other query, recording nothing.",
    uses=(),
    predicates=(is_local_reset,),
    checks=(
        Check("LR_root_start_transcripts", CheckKind.EXHAUSTIVE,
              describe(ROOT_START_GRIDS) + "; every root-start observation type; every "
              "transcript of T=2 rollouts",
              check_LR_root_start_transcripts),
        Check("LR_oracle_acceptance", CheckKind.EXHAUSTIVE, ACCEPTANCE_DOMAIN,
              check_LR_oracle_acceptance, slow=True),
        Check("LR_state_machine", CheckKind.FUZZ,
              "random generators K<=3, H<=4, local-reset with every registered observation type",
              check_LR_state_machine, slow=True),
        Check("LR_catches_leaky_oracle", CheckKind.POWER,
              "acceptance check against an oracle that admits the unbuilt (1, 1)",
              check_LR_catches_leaky_oracle),
    ),
    reference=("genaccess.spec.oracle.Oracle", "genaccess.spec.local_reset.built_set"),
)
