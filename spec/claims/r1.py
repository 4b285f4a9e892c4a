"""R1: root-start `sample`, `logprob`, `topk(k)`, `top1` observations are garblings of the
canonical (`full`) observation, so `T` queries of them are worth at most `T` canonical ones."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from genaccess.spec.distribution import Distribution
from genaccess.spec.garbling import STEP_GARBLINGS, garble, is_R1_garbling
from genaccess.spec.generator import Generator
from genaccess.spec.grids import SMALL_GRIDS, Grid, describe
from genaccess.spec.observation import ObservationType, Report, TopK, TopKReport
from genaccess.spec.registry import Check, CheckKind, CheckOutcome, Claim, Source
from genaccess.spec.strategies import generators

R1_FAMILIES = ("sample", "logprob", "topk", "top1", "full")


def root_start_types(vocab_size: int) -> list[ObservationType]:
    """THEORY.md's observation types for vocabulary size `K` (every `k` of top-k)."""
    from genaccess.spec.access import OBSERVATION_TYPES

    return [obs for cls in OBSERVATION_TYPES if cls.family in R1_FAMILIES
            for obs in cls.instances(vocab_size)]


TWO_QUERY_GRIDS = (Grid(2, 1), Grid(2, 2), Grid(3, 1))


def check_R1_exhaustive_grid() -> CheckOutcome:
    """Every grid generator and observation type: law(oracle answer) = law(garbled canonical),
    for T=1 on every grid shape and T=2 on the smaller shapes."""
    count = 0
    for grid in SMALL_GRIDS:
        for g in grid:
            for obs in root_start_types(grid.vocab_size):
                for T in (1, 2) if grid in TWO_QUERY_GRIDS else (1,):
                    assert is_R1_garbling(g, obs, T), (
                        f"R1 fails for {obs.name}, T={T}, {grid}: {g.table()}")
                    count += 1
    return CheckOutcome(count)


EXHAUSTIVE_DOMAIN = (
    describe(SMALL_GRIDS)
    + "; every observation type (all k); T=1, and T=2 on " + describe(TWO_QUERY_GRIDS)
)


def check_R1_fuzz() -> CheckOutcome:
    """Random rational generators (ties and zeros likely): R1 holds for every type."""
    seen = [0]

    @given(generators(max_vocab=4, max_horizon=2), st.integers(1, 2))
    def r1_holds(g: Generator, T: int) -> None:
        seen[0] += 1
        for obs in root_start_types(g.vocab_size):
            assert is_R1_garbling(g, obs, T), (obs.name, g.table())

    r1_holds()
    return CheckOutcome(seen[0])


class TopKTiesHigh(TopK):
    """A deliberately broken top-k: ties go to the HIGHER index."""

    def report(self, dist: Distribution, token: int) -> Report:
        ranked = sorted(range(dist.vocab_size), key=lambda a: (-dist[a], -a))
        return TopKReport(tuple((a, dist[a]) for a in ranked[: self.k]))


def check_R1_catches_wrong_tiebreak() -> CheckOutcome:
    """Power: the exhaustive R1 check rejects a top-k oracle whose ties go to the higher
    index; the first grid generator it fails on has a tie, as it must."""
    for grid in SMALL_GRIDS:
        for g in grid:
            if not is_R1_garbling(g, TopKTiesHigh(1), 1):
                return CheckOutcome(1, f"caught on {grid}")
    raise AssertionError("R1 check accepted a top-k with the wrong tie-break")


def check_R1_garbling_is_deterministic_map() -> CheckOutcome:
    """The garbling maps are functions of one canonical step only: applying them to a
    canonical observation twice gives the same answer, and each step map only reads the
    step it is given (checked on every canonical observation of the K=3, H=2 grid)."""
    from genaccess.spec.garbling import root_start_law
    from genaccess.spec.observation import Full

    count = 0
    for g in Grid(3, 2, "depth-last"):
        for (canonical,), _p in root_start_law(g, Full(), 1).items():
            for obs in root_start_types(3):
                once = garble(obs, canonical)  # type: ignore[arg-type]
                assert once == garble(obs, canonical)  # type: ignore[arg-type]
                for t, step in enumerate(canonical):
                    assert once[t] == STEP_GARBLINGS[obs.family](obs, step)  # type: ignore[arg-type]
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
        Check("R1_exhaustive_grid", CheckKind.EXHAUSTIVE, EXHAUSTIVE_DOMAIN,
              check_R1_exhaustive_grid),
        Check("R1_garbling_reads_one_step", CheckKind.EXHAUSTIVE,
              str(Grid(3, 2, "depth-last")) + ", every canonical outcome, every type",
              check_R1_garbling_is_deterministic_map),
        Check("R1_fuzz_random_rational", CheckKind.FUZZ,
              "random rational tables K<=4, H<=2, T in {1,2}", check_R1_fuzz),
        Check("R1_catches_wrong_tiebreak", CheckKind.POWER,
              "top-k(1) with ties to the higher index, over the grids",
              check_R1_catches_wrong_tiebreak),
    ),
    reference=("genaccess.spec.garbling.garble", "genaccess.spec.observation.TopK"),
)
