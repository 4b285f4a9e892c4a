"""One query per stage: full distributions or top-1 at chosen prefixes (realises HP3)."""

from __future__ import annotations

from genaccess.spec.control import RootStart
from genaccess.spec.errors import InvalidDefinition
from genaccess.spec.observation import Full, FullReport, ObservationType, Top1, Top1Report
from genaccess.spec.oracle import Oracle
from genaccess.spec.prefix import Response


def _check(oracle: Oracle, observation: type[ObservationType], learner: str) -> None:
    if isinstance(oracle.access.control, RootStart):
        raise InvalidDefinition("oracle", f"{learner} needs chosen-prefix control "
                                "(local-reset or arbitrary-prefix)", oracle.access.name)
    if not isinstance(oracle.access.observation, observation):
        raise InvalidDefinition("oracle", f"{learner} needs {observation.family} observations",
                                oracle.access.name)


def logits_path(oracle: Oracle) -> Response:
    """Realises HP3: query `zhat_<t` once with `full` observation and take the argmax.

    On the path the stage distribution has the unique maximum `alpha` on `z_t`, so `zhat = z`
    with certainty in exactly `H` queries. LR holds: a full report builds every child of
    positive probability, the argmax among them.
    """
    _check(oracle, Full, "logits_path")
    prefix: tuple[int, ...] = ()
    for _ in range(oracle.horizon):
        report = oracle.query(prefix, 1)[0]
        assert isinstance(report, FullReport)
        prefix = (*prefix, report.dist.argmax())
    return prefix


def top1_path(oracle: Oracle) -> Response:
    """Realises HP3 (top-1): query `zhat_<t` once with `top1` observation and follow it.

    The greedy token at an on-path prefix is `z_t`; exactly `H` queries; LR holds since the
    reported token's child is built.
    """
    _check(oracle, Top1, "top1_path")
    prefix: tuple[int, ...] = ()
    for _ in range(oracle.horizon):
        report = oracle.query(prefix, 1)[0]
        assert isinstance(report, Top1Report)
        prefix = (*prefix, report.top)
    return prefix
