"""CPS-Path(m): chosen-prefix sampling with plurality votes (realises HP2; on noisy samples,
NOISY1), and the stage driver the chosen-prefix sampling learners share."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from genaccess.spec.control import RootStart
from genaccess.spec.cps_success import plurality
from genaccess.spec.errors import InvalidDefinition
from genaccess.spec.observation import Report
from genaccess.spec.oracle import Oracle
from genaccess.spec.prefix import Prefix, Response

SAMPLING_OBSERVATIONS = frozenset({"sample", "logprob", "full"})
"""Observation families whose reports show the sampled token."""

TokenOf = Callable[[Report], int]
"""The token a one-step report counts as."""

Vote = Callable[[Sequence[int]], int]
"""A stage's decision from its token counts."""


def check_chosen_prefix_sampling(oracle: Oracle, learner: str) -> None:
    """Preconditions shared by the chosen-prefix sampling learners."""
    if isinstance(oracle.access.control, RootStart):
        raise InvalidDefinition("oracle", f"{learner} needs chosen-prefix control "
                                "(local-reset or arbitrary-prefix)", oracle.access.name)
    if oracle.access.observation.family not in SAMPLING_OBSERVATIONS:
        raise InvalidDefinition("oracle", f"{learner} needs the sampled token "
                                "(sample, logprob or full)", oracle.access.name)


def sampled_token(report: Report) -> int:
    """The sampled token of a report that shows it (`sample`, `logprob`, `full`)."""
    token = report.token
    assert token is not None  # guaranteed by check_chosen_prefix_sampling
    return token


def shown_token(report: Report) -> int:
    """The one token a report names (a noisy sample's shown token, a top-1 token)."""
    (token,) = report.revealed
    return token


def sample_once(oracle: Oracle, prefix: Prefix, token_of: TokenOf = sampled_token) -> int:
    """One one-token query at `prefix`, as the token it counts as."""
    return token_of(oracle.query(prefix, 1)[0])


def stage_counts(oracle: Oracle, prefix: Prefix, samples: int,
                 token_of: TokenOf = sampled_token) -> list[int]:
    """The token counts of `m` one-token queries at `prefix`."""
    counts = [0] * oracle.vocab_size
    for _ in range(samples):
        counts[sample_once(oracle, prefix, token_of)] += 1
    return counts


def walk_stages(oracle: Oracle, decide: Callable[[Prefix], int]) -> Response:
    """`zhat_t = decide(zhat_<t)` for `t = 1..H`: the chosen-prefix learners' outer loop."""
    prefix: tuple[int, ...] = ()
    for _ in range(oracle.horizon):
        prefix = (*prefix, decide(prefix))
    return prefix


def plurality_walk(oracle: Oracle, samples: int, token_of: TokenOf = sampled_token,
                   vote: Vote = plurality) -> Response:
    """Every stage: `m` one-token queries at `zhat_<t`, `zhat_t` the `vote` of their counts."""
    return walk_stages(oracle, lambda prefix: vote(stage_counts(oracle, prefix, samples,
                                                                token_of)))


def _check_samples(samples: object) -> None:
    if isinstance(samples, bool) or not isinstance(samples, int) or samples < 1:
        raise InvalidDefinition("samples", "m must be an integer >= 1", samples)


def cps_path(oracle: Oracle, samples: int) -> Response:
    """Realises HP2: for `t = 1..H`, draw `m` one-token samples at `zhat_<t` and set `zhat_t`
    to their plurality (ties to the lower index).

    Exactly `H*m` queries. LR holds: `()` is built, and `zhat_<t+1` is built by the sample
    of `zhat_t` drawn at `zhat_<t` (the plurality token was sampled, `m >= 1`).

    Preconditions: control local-reset or arbitrary-prefix; an observation that shows the
    sampled token; `m >= 1`.
    """
    check_chosen_prefix_sampling(oracle, "cps_path")
    _check_samples(samples)
    return plurality_walk(oracle, samples)


def plurality_path(oracle: Oracle, samples: int) -> Response:
    """Realises NOISY1: CPS-Path's stage rule on whatever token each report shows or names
    (a noisy sample's shown token): `m` one-token queries at `zhat_<t`, `zhat_t` their
    plurality, ties to the lower index.

    Preconditions: chosen-prefix control and a report naming exactly one token per step.
    LR holds: the plurality token was named at `zhat_<t`, which builds `zhat_<t+1`.
    """
    if isinstance(oracle.access.control, RootStart):
        raise InvalidDefinition("oracle", "plurality_path needs chosen-prefix control "
                                "(local-reset or arbitrary-prefix)", oracle.access.name)
    _check_samples(samples)
    return plurality_walk(oracle, samples, shown_token)


def last_sample_path(oracle: Oracle, samples: int) -> Response:
    """A deliberately weak learner (the foil of PLANTED1's power check and of the planted
    transformer test): `m` samples per stage, keeping only the last one."""
    _check_samples(samples)
    return walk_stages(oracle, lambda prefix: [sample_once(oracle, prefix)
                                               for _ in range(samples)][-1])
