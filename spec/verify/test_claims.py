"""`pytest spec/`: run every registered check of every claim, one test per check.

The checks themselves live beside their claims in `genaccess.spec.claims`; this module only
parametrises over the registry, so a claim added there is checked here with no edit.
"""

from __future__ import annotations

import pytest

from genaccess.spec.claims import REGISTRY
from genaccess.spec.registry import Check, registry_problems

CHECKS = [pytest.param(claim.id, check, id=f"{claim.id}::{check.name}",
                       marks=[pytest.mark.slow] if check.slow else [])
          for claim in REGISTRY for check in claim.checks]


@pytest.mark.parametrize(("claim_id", "check"), CHECKS)
def test_claim_check(claim_id: str, check: Check) -> None:
    outcome = check.run()
    assert outcome.instances >= 1, f"{claim_id}::{check.name} decided no instance"


def test_registry_is_sound() -> None:
    """checkdecls: references resolve, every claim has checks and predicates, no cycles."""
    assert registry_problems(REGISTRY.claims) == []
