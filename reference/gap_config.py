"""The parameters of `genaccess gap` (GAP): `GapConfig`, every number that determines a sweep,
and the `--horizons` syntax."""

from __future__ import annotations

import math
from collections.abc import Iterable
from fractions import Fraction
from typing import Any

import attrs

from genaccess.reference.policy_gradient import PolicyGradientConfig
from genaccess.spec.errors import InvalidDefinition
from genaccess.spec.hidden_path import HiddenPathFamily
from genaccess.spec.numbers import (
    above_uniform,
    in_open_unit_interval,
    int_at_least,
    to_alpha,
    to_delta,
    to_level,
)

MAX_HORIZON = 100
"""Largest horizon accepted (the closed forms stay fast; the adaptive learner's runs grow
linearly in `H`)."""

DEFAULT_RUNS = 50
"""Default runs per horizon of the adaptive and root-start simulations: keeps the default
sweep (H = 2..40) under a minute on 2 cores."""


def _check_horizons(instance: object, attribute: attrs.Attribute[tuple[int, ...]],
                    value: tuple[int, ...]) -> None:
    if not value:
        raise InvalidDefinition("horizons", "must list at least one horizon", value)
    for H in value:
        if isinstance(H, bool) or not isinstance(H, int) or not 1 <= H <= MAX_HORIZON:
            raise InvalidDefinition("horizons", f"every H must be an integer in 1..{MAX_HORIZON}",
                                    H)
    if list(value) != sorted(set(value)):
        raise InvalidDefinition("horizons", "must be strictly increasing", value)


def _positive_number(instance: object, attribute: attrs.Attribute[float], value: float
                     ) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not (
        math.isfinite(value) and value > 0
    ):
        raise InvalidDefinition(attribute.name, "must be a finite number > 0", value)


def _to_horizons(value: Iterable[int]) -> tuple[int, ...]:
    return tuple(value)


@attrs.frozen
class GapConfig:
    """Everything that determines a sweep's numbers (the worker count does not)."""

    vocab_size: int = attrs.field(default=3, validator=int_at_least(2))
    alpha: Fraction = attrs.field(default=Fraction(1, 2),
                                  converter=to_alpha,
                                  validator=above_uniform())
    delta: Fraction = attrs.field(default=Fraction(1, 20),
                                  converter=to_delta,
                                  validator=in_open_unit_interval())
    horizons: tuple[int, ...] = attrs.field(default=tuple(range(2, 41)),
                                            converter=_to_horizons,
                                            validator=_check_horizons)
    runs: int = attrs.field(default=DEFAULT_RUNS, validator=int_at_least(1))
    seed: int = attrs.field(default=0, validator=int_at_least(0))
    root_start_max_horizon: int = attrs.field(default=12, validator=int_at_least(0))
    """Simulate the root-start learner for `H` up to this."""
    root_start_max_queries: int = attrs.field(default=500, validator=int_at_least(1))
    """Cap on its `T` (the exact `S_T` is shown for the `T` actually used)."""
    level: Fraction = attrs.field(default=Fraction(99, 100),
                                  converter=to_level,
                                  validator=in_open_unit_interval())
    """Confidence level of the Clopper-Pearson intervals."""
    pg_max_horizon: int = attrs.field(default=12, validator=int_at_least(0))
    """Train the policy-gradient baseline for `H` up to this."""
    pg_queries: int = attrs.field(default=2000, validator=int_at_least(1))
    """Root-start rollouts the policy-gradient baseline trains on (its own count; the
    oracle it runs on has no budget)."""
    pg_batch_size: int = attrs.field(default=20, validator=int_at_least(1))
    pg_step_size: float = attrs.field(default=4.0, validator=_positive_number)
    """Stable for every `H`: the update overshoots once `step * beta_H` is about 8 (seen with
    step 6 at `H = 1`, where `beta_1 = 1/ln 2` is largest); 4 keeps it below 5.8."""

    def family(self, horizon: int) -> HiddenPathFamily:
        return HiddenPathFamily(self.vocab_size, horizon, self.alpha)

    def parameters(self) -> dict[str, Any]:
        """JSON-ready parameters."""
        return {
            "vocab": self.vocab_size, "alpha": str(self.alpha), "delta": str(self.delta),
            "horizons": list(self.horizons), "runs": self.runs, "seed": self.seed,
            "root_start_max_horizon": self.root_start_max_horizon,
            "root_start_max_queries": self.root_start_max_queries,
            "interval_level": str(self.level),
            "pg_max_horizon": self.pg_max_horizon, "pg_queries": self.pg_queries,
            "pg_batch_size": self.pg_batch_size, "pg_step_size": self.pg_step_size,
            "pg_baseline_decay": attrs.fields(PolicyGradientConfig).baseline_decay.default,
        }


def horizons_from_text(text: str) -> tuple[int, ...]:
    """``"2:40"`` (inclusive), ``"2,5,9"`` or ``"7"``; `InvalidDefinition` naming
    ``--horizons`` otherwise."""
    def number(part: str) -> int:
        try:
            return int(part.strip())
        except ValueError:
            raise InvalidDefinition("--horizons", "must read A:B (inclusive) or a comma-"
                                    "separated list of integers", text) from None

    if ":" in text:
        first, _, last = text.partition(":")
        low, high = number(first), number(last)
        if low > high:
            raise InvalidDefinition("--horizons", "A:B needs A <= B", text)
        values: Iterable[int] = range(low, high + 1)
    else:
        values = [number(part) for part in text.split(",")]
    result = tuple(values)
    for H in result:
        if not 1 <= H <= MAX_HORIZON:
            raise InvalidDefinition("--horizons", f"every H must be in 1..{MAX_HORIZON}", text)
    if list(result) != sorted(set(result)):
        raise InvalidDefinition("--horizons", "must be strictly increasing", text)
    return result
