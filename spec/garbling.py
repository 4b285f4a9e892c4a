"""R1: every root-start observation is a deterministic garbling of the canonical one.

The canonical experiment is a root-start query with `full` observation: `y ~ pi` together
with `pi(.|y_<t)` at every `t`. The maps below rebuild each other observation type from it.
They are written independently of `genaccess.spec.observation` (a different algorithm for
ranking) so that checking "law of the garbled canonical observation = law of the oracle's
own answer" catches a mistake in either.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

from genaccess.spec.access import OBSERVATION_TYPES, AccessModel
from genaccess.spec.chance import exact_law
from genaccess.spec.control import RootStart
from genaccess.spec.generator import Generator
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

CanonicalObservation = tuple[FullReport, ...]
Observation = tuple[Report, ...]
StepGarbling = Callable[[ObservationType, FullReport], Report]


def _sample(obs: ObservationType, step: FullReport) -> Report:
    return SampleReport(step.sampled)


def _logprob(obs: ObservationType, step: FullReport) -> Report:
    return LogprobReport(step.sampled, step.dist[step.sampled])


def _topk(obs: ObservationType, step: FullReport) -> Report:
    # Python's sort is stable, so equal probabilities keep index order: ties to lower index.
    ranked = sorted(enumerate(step.dist.probs), key=lambda pair: -pair[1])
    return TopKReport(tuple(ranked[: obs.k]))  # type: ignore[attr-defined]


def _top1(obs: ObservationType, step: FullReport) -> Report:
    best = 0
    for a, p in enumerate(step.dist.probs):
        if p > step.dist.probs[best]:  # strict: a later equal token never wins
            best = a
    return Top1Report(best)


def _full(obs: ObservationType, step: FullReport) -> Report:
    return step


STEP_GARBLINGS: dict[str, StepGarbling] = {
    "sample": _sample,
    "logprob": _logprob,
    "topk": _topk,
    "top1": _top1,
    "full": _full,
}
"""The garbling map of each of R1's observation families (docs/theory.md, R1), one step at
a time."""

R1_FAMILIES = tuple(STEP_GARBLINGS)
"""The observation families R1 is about: the canonical `full` and its four garblings."""


def root_start_types(vocab_size: int) -> list[ObservationType]:
    """R1's observation types for vocabulary size `K` (every `k` of top-k), in the order of
    the registry (`genaccess.spec.access.OBSERVATION_TYPES`)."""
    return [obs for cls in OBSERVATION_TYPES if cls.family in R1_FAMILIES
            for obs in cls.instances(vocab_size)]


def garble(
    observation: ObservationType,
    canonical: CanonicalObservation,
    step_garblings: dict[str, StepGarbling] = STEP_GARBLINGS,
) -> Observation:
    """R1's map: the root-start observation of type `observation` from the canonical one."""
    step = step_garblings[observation.family]
    return tuple(step(observation, s) for s in canonical)


def root_start_law(generator: Generator, observation: ObservationType, queries: int = 1
                   ) -> dict[tuple[Observation, ...], Fraction]:
    """Exact law of the observations of `queries` root-start queries, from the oracle itself."""
    access = AccessModel(RootStart(), observation)

    def experiment(chooser: object) -> tuple[Observation, ...]:
        oracle = Oracle(generator, access, rng=chooser)  # type: ignore[arg-type]
        return tuple(oracle.rollout() for _ in range(queries))

    return exact_law(experiment)


def pushforward(law: dict[tuple[CanonicalObservation, ...], Fraction],
                observation: ObservationType,
                step_garblings: dict[str, StepGarbling] = STEP_GARBLINGS,
                ) -> dict[tuple[Observation, ...], Fraction]:
    """The law of `garble` applied to each query of a canonical transcript law."""
    image: dict[tuple[Observation, ...], Fraction] = {}
    for transcript, p in law.items():
        key = tuple(garble(observation, c, step_garblings) for c in transcript)
        image[key] = image.get(key, Fraction(0)) + p
    return image


def is_R1_garbling(
    generator: Generator,
    observation: ObservationType,
    queries: int = 1,
    step_garblings: dict[str, StepGarbling] = STEP_GARBLINGS,
    canonical: dict[tuple[CanonicalObservation, ...], Fraction] | None = None,
) -> bool:
    """R1: the law of `queries` root-start `observation` answers equals the law of the
    garbled canonical answers (`full` at every step). `canonical` is that canonical law,
    `root_start_law(generator, Full(), queries)`, when the caller already has it (a check
    over every observation type computes it once)."""
    if canonical is None:
        canonical = root_start_law(generator, Full(), queries)  # type: ignore[assignment]
    assert canonical is not None
    return pushforward(canonical, observation, step_garblings) == root_start_law(
        generator, observation, queries
    )
