"""CPS-Path(m): chosen-prefix sampling with plurality votes (realises HP2)."""

from __future__ import annotations

from genaccess.spec.control import RootStart
from genaccess.spec.errors import InvalidDefinition
from genaccess.spec.oracle import Oracle
from genaccess.spec.prefix import Response

SAMPLING_OBSERVATIONS = frozenset({"sample", "logprob", "full"})
"""Observation families whose reports show the sampled token."""


def check_chosen_prefix_sampling(oracle: Oracle, learner: str) -> None:
    """Preconditions shared by the chosen-prefix sampling learners."""
    if isinstance(oracle.access.control, RootStart):
        raise InvalidDefinition("oracle", f"{learner} needs chosen-prefix control "
                                "(local-reset or arbitrary-prefix)", oracle.access.name)
    if oracle.access.observation.family not in SAMPLING_OBSERVATIONS:
        raise InvalidDefinition("oracle", f"{learner} needs the sampled token "
                                "(sample, logprob or full)", oracle.access.name)


def plurality(counts: list[int]) -> int:
    """The most frequent token, ties to the lower index."""
    return max(range(len(counts)), key=lambda a: (counts[a], -a))


def cps_path(oracle: Oracle, samples: int) -> Response:
    """Realises HP2: for `t = 1..H`, draw `m` one-token samples at `zhat_<t` and set `zhat_t`
    to their plurality (ties to the lower index).

    Exactly `H*m` queries. LR holds: `()` is built, and `zhat_<t+1` is built by the sample
    of `zhat_t` drawn at `zhat_<t` (the plurality token was sampled, `m >= 1`).

    Preconditions: control local-reset or arbitrary-prefix; an observation that shows the
    sampled token; `m >= 1`.
    """
    check_chosen_prefix_sampling(oracle, "cps_path")
    if isinstance(samples, bool) or not isinstance(samples, int) or samples < 1:
        raise InvalidDefinition("samples", "m must be an integer >= 1", samples)
    K, H = oracle.vocab_size, oracle.horizon
    prefix: tuple[int, ...] = ()
    for _ in range(H):
        counts = [0] * K
        for _ in range(samples):
            token = oracle.query(prefix, 1)[0].token
            assert token is not None  # guaranteed by the precondition
            counts[token] += 1
        prefix = (*prefix, plurality(counts))
    return prefix
