"""Hypothesis profiles, registered once: `ci` (derandomised, no database), `dev`, `thorough`.

Choose one with the environment variable ``HYPOTHESIS_PROFILE`` (default ``dev``; CI sets
``ci``). `pytest` loads it from the repository's `conftest.py`; `genaccess check` loads it too.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

PROFILES = ("ci", "dev", "thorough")


def register_profiles() -> None:
    """Register the three profiles with hypothesis (idempotent)."""
    common = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow]}
    settings.register_profile("ci", max_examples=60, derandomize=True, database=None,
                              print_blob=True, **common)  # type: ignore[arg-type]
    settings.register_profile("dev", max_examples=100, **common)  # type: ignore[arg-type]
    settings.register_profile("thorough", max_examples=2000, **common)  # type: ignore[arg-type]


def load_profile(name: str | None = None) -> str:
    """Register and load `name` (or ``$HYPOTHESIS_PROFILE``, default ``dev``)."""
    register_profiles()
    chosen = name or os.environ.get("HYPOTHESIS_PROFILE", "dev")
    if chosen not in PROFILES:
        raise ValueError(
            f"HYPOTHESIS_PROFILE: must be one of {', '.join(PROFILES)}, got {chosen!r}"
        )
    settings.load_profile(chosen)
    return chosen
