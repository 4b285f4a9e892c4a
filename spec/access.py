"""Access models: a control level times an observation type, and the one place both are
registered.

`CONTROL_LEVELS` and `OBSERVATION_TYPES` are the registry. A new control level or
observation type is one new class added to one of these tuples; `registered_access_models`,
`access_model` (parsing ``"local-reset/topk(2)"``) and every generic check iterate over them.
"""

from __future__ import annotations

import attrs

from genaccess.spec.control import ArbitraryPrefix, Control, LocalReset, RootStart
from genaccess.spec.errors import InvalidDefinition
from genaccess.spec.noisy import NoisySample
from genaccess.spec.observation import Full, Logprob, ObservationType, Sample, Top1, TopK
from genaccess.spec.partial_control import DepthLimitedReset, RootOrCurrent

CONTROL_LEVELS: tuple[type[Control], ...] = (RootStart, LocalReset, ArbitraryPrefix,
                                              DepthLimitedReset, RootOrCurrent)
OBSERVATION_TYPES: tuple[type[ObservationType], ...] = (Sample, Logprob, TopK, Top1, Full,
                                                        NoisySample)


@attrs.frozen
class AccessModel:
    """An access model: `control` x `observation`, e.g. ``local-reset/sample``."""

    control: Control = attrs.field(
        validator=attrs.validators.instance_of(Control)  # type: ignore[type-abstract]
    )
    observation: ObservationType = attrs.field(
        validator=attrs.validators.instance_of(ObservationType)  # type: ignore[type-abstract]
    )

    @property
    def name(self) -> str:
        return f"{self.control.name}/{self.observation.name}"

    def __str__(self) -> str:
        return self.name


def registered_access_models(vocab_size: int, horizon: int) -> tuple[AccessModel, ...]:
    """Every registered control x observation instance valid for `K`, `H`."""
    return tuple(
        AccessModel(control, observation)
        for control_cls in CONTROL_LEVELS
        for control in control_cls.instances(horizon)
        for observation_cls in OBSERVATION_TYPES
        for observation in observation_cls.instances(vocab_size)
    )


def parse_control(text: str) -> Control:
    """The registered control level named `text`."""
    for cls in CONTROL_LEVELS:
        found = cls.parse(text)
        if found is not None:
            return found
    names = ", ".join(cls.family for cls in CONTROL_LEVELS)
    raise InvalidDefinition("control", f"must be one of: {names}", text)


def parse_observation(text: str) -> ObservationType:
    """The registered observation type named `text`."""
    for cls in OBSERVATION_TYPES:
        found = cls.parse(text)
        if found is not None:
            return found
    names = ", ".join(cls.family for cls in OBSERVATION_TYPES)
    raise InvalidDefinition("observation", f"must be one of: {names} (topk as topk(k))", text)


def access_model(name: str) -> AccessModel:
    """Parse ``"<control>/<observation>"``, e.g. ``"local-reset/topk(2)"``.

    >>> access_model("local-reset/topk(2)").name
    'local-reset/topk(2)'
    """
    control, sep, observation = name.partition("/")
    if not sep:
        raise InvalidDefinition("access model", "must read <control>/<observation>", name)
    return AccessModel(parse_control(control), parse_observation(observation))
