"""R1: root-start `sample`, `logprob`, `topk(k)`, `top1` observations are garblings of the
canonical (`full`) observation, so `T` queries of them are worth at most `T` canonical ones."""

from __future__ import annotations

import functools
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from genaccess.proofs.discharge import proof_check
from genaccess.proofs.steps.r1 import PROOF
from genaccess.spec.access import OBSERVATION_TYPES
from genaccess.spec.chance import exact_law
from genaccess.spec.checking import set_text
from genaccess.spec.distribution import Distribution
from genaccess.spec.garbling import (
    STEP_GARBLINGS,
    CanonicalObservation,
    StepGarbling,
    garble,
    is_R1_garbling,
    root_start_law,
    root_start_types,
)
from genaccess.spec.generator import Generator
from genaccess.spec.grids import SMALL_GRIDS, Grid, describe
from genaccess.spec.observation import (
    Full,
    FullReport,
    LogprobReport,
    ObservationType,
    Report,
    SampleReport,
    Top1Report,
    TopK,
    TopKReport,
)
from genaccess.spec.registry import Check, CheckKind, CheckOutcome, Claim, Source
from genaccess.spec.strategies import generators

TWO_QUERY_GRIDS = (Grid(2, 1), Grid(2, 2), Grid(3, 1))
ONE_STEP_GRID = Grid(3, 2, "depth-last")
FUZZ_MAX_VOCAB = 4
FUZZ_MAX_HORIZON = 2
FUZZ_QUERIES = range(1, 3)


def check_R1_exhaustive_grid() -> CheckOutcome:
    """Every grid generator and observation type: law(oracle answer) = law(garbled canonical),
    for T=1 on every grid shape and T=2 on the smaller shapes."""
    count = 0
    for grid in SMALL_GRIDS:
        types = root_start_types(grid.vocab_size)
        for g in grid:
            for T in (1, 2) if grid in TWO_QUERY_GRIDS else (1,):
                canonical = _canonical_law(g, T)
                for obs in types:
                    assert is_R1_garbling(g, obs, T, canonical=canonical), (
                        f"R1 fails for {obs.name}, T={T}, {grid}: {g.table()}")
                    count += 1
    return CheckOutcome(count)


def _canonical_law(g: Generator, T: int) -> dict[tuple[CanonicalObservation, ...], Fraction]:
    # The oracle's full observations are the canonical ones (one law shared by every type).
    return root_start_law(g, Full(), T)  # type: ignore[return-value]


EXHAUSTIVE_DOMAIN = (
    describe(SMALL_GRIDS)
    + "; every observation type (all k); T=1, and T=2 on " + describe(TWO_QUERY_GRIDS)
)


def check_R1_fuzz() -> CheckOutcome:
    """Random rational generators (ties and zeros likely): R1 holds for every type."""
    seen = [0]

    @given(generators(max_vocab=FUZZ_MAX_VOCAB, max_horizon=FUZZ_MAX_HORIZON),
           st.sampled_from(FUZZ_QUERIES))
    def r1_holds(g: Generator, T: int) -> None:
        seen[0] += 1
        canonical = _canonical_law(g, T)
        for obs in root_start_types(g.vocab_size):
            assert is_R1_garbling(g, obs, T, canonical=canonical), (obs.name, g.table())

    r1_holds()
    return CheckOutcome(seen[0])


class _MutantTopKTiesHigh(TopK):
    """A deliberately broken top-k: ties go to the HIGHER index."""

    def report(self, dist: Distribution, token: int) -> Report:
        ranked = sorted(range(dist.vocab_size), key=lambda a: (-dist[a], -a))
        return TopKReport(tuple((a, dist[a]) for a in ranked[: self.k]))


def check_R1_catches_wrong_tiebreak() -> CheckOutcome:
    """Power: the exhaustive R1 check rejects a top-k oracle whose ties go to the higher
    index; the first grid generator it fails on has a tie, as it must."""
    for grid in SMALL_GRIDS:
        for g in grid:
            if not is_R1_garbling(g, _MutantTopKTiesHigh(1), 1):
                return CheckOutcome(1, f"caught on {grid}")
    raise AssertionError("R1 check accepted a top-k with the wrong tie-break")


def _by_definition(obs: ObservationType, step: FullReport) -> Report:
    """One step's report of type `obs`, restated from docs/theory.md (Observation types)
    from that step's distribution and sampled token alone, apart from `STEP_GARBLINGS` and
    from `genaccess.spec.observation` (ranking: a token's rank is how many tokens are more
    likely, or as likely with a lower index)."""
    probs, a = step.dist.probs, step.sampled
    if obs.family == "sample":
        return SampleReport(a)
    if obs.family == "logprob":
        return LogprobReport(a, probs[a])
    if obs.family == "full":
        return FullReport(a, step.dist)
    K = len(probs)
    rank = [sum(1 for c in range(K) if probs[c] > probs[b] or (probs[c] == probs[b] and c < b))
            for b in range(K)]
    order = [rank.index(r) for r in range(K)]
    if obs.family == "topk":
        return TopKReport(tuple((b, probs[b]) for b in order[: obs.k]))  # type: ignore[attr-defined]
    assert obs.family == "top1", obs.family
    return Top1Report(order[0])


_DEFINITIONS: dict[str, StepGarbling] = dict.fromkeys(STEP_GARBLINGS, _by_definition)


def check_R1_garbling_matches_definitions() -> CheckOutcome:
    """Every canonical observation of `ONE_STEP_GRID` and every type: `garble` maps step `t`
    to the type's report restated from its definition at step `t` alone (so it reads one
    step); and the oracle's own law of root-start answers equals the canonical law pushed
    through those restated definitions."""
    types = root_start_types(ONE_STEP_GRID.vocab_size)
    count = 0
    for g in ONE_STEP_GRID:
        canonical_law = _canonical_law(g, 1)
        for obs in types:
            for (canonical,) in canonical_law:
                assert garble(obs, canonical) == tuple(
                    _by_definition(obs, step) for step in canonical), (obs.name, canonical)
                count += 1
            assert is_R1_garbling(g, obs, 1, _DEFINITIONS, canonical_law), (obs.name, g.table())
            count += 1
    return CheckOutcome(count)


STEP_LAW_ROWS = (("1/2", "1/2", "0"), ("0", "1/3", "2/3"), ("1/4", "1/4", "1/2"),
                 ("1", "0", "0"), ("1/3", "1/3", "1/3"))
"""Next-token rows (zeros and ties included) on which `outcomes` must be `step`'s law."""


def check_R1_outcomes_are_the_step_law() -> CheckOutcome:
    """Every registered observation type's `outcomes` (what the exact laws read) lists only
    atoms of positive probability, and aggregated it is the exact law of `step` (what the
    oracle draws), on rows with zero-probability tokens and ties."""
    count = 0
    for row in STEP_LAW_ROWS:
        dist = Distribution(tuple(Fraction(p) for p in row))
        for cls in OBSERVATION_TYPES:
            for observation in cls.instances(len(row)):
                atoms = list(observation.outcomes(dist))
                assert all(p > 0 for _, _, p in atoms), (observation.name, row, atoms)
                listed: dict[tuple[int, Report], Fraction] = {}
                for token, report, p in atoms:
                    listed[token, report] = listed.get((token, report), Fraction(0)) + p
                drawn = exact_law(functools.partial(observation.step, dist))
                assert listed == drawn, (observation.name, row)
                count += 1
    return CheckOutcome(count)


CLAIM = Claim(
    id="R1",
    title="Root-start observations are garblings of the canonical experiment",
    source=Source.PAPER,
    statement="The root-start sample, logprob, topk(k) and top1 observations are deterministic "
    "functions of the canonical observation (y ~ pi with pi(.|y_<t) at every t); so T queries "
    "of those types are worth at most T canonical queries.",
    uses=("G1",),
    predicates=(is_R1_garbling,),
    checks=(
        proof_check("R1", PROOF),
        Check("R1_exhaustive_grid", CheckKind.EXHAUSTIVE, EXHAUSTIVE_DOMAIN,
              check_R1_exhaustive_grid),
        Check("R1_outcomes_are_the_step_law", CheckKind.EXHAUSTIVE,
              f"every registered observation type on the rows {set_text(STEP_LAW_ROWS)}",
              check_R1_outcomes_are_the_step_law),
        Check("R1_garbling_matches_definitions", CheckKind.EXHAUSTIVE,
              f"{ONE_STEP_GRID}, every canonical outcome, every type; each step against the "
              "type's definition restated in the check; oracle law against the canonical law "
              "pushed through the restated definitions",
              check_R1_garbling_matches_definitions),
        Check("R1_fuzz_random_rational", CheckKind.FUZZ,
              f"random rational tables K<={FUZZ_MAX_VOCAB}, H<={FUZZ_MAX_HORIZON}, T in "
              f"{set_text(FUZZ_QUERIES)}", check_R1_fuzz),
        Check("R1_catches_wrong_tiebreak", CheckKind.POWER,
              "top-k(1) with ties to the higher index, over the grids",
              check_R1_catches_wrong_tiebreak),
    ),
    reference=("genaccess.spec.garbling.garble", "genaccess.spec.observation.TopK"),
    proof=PROOF,
)
