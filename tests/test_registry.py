"""checkdecls: the registry's soundness rules, each shown to catch a broken registry."""

from __future__ import annotations

import re
from pathlib import Path

import attrs
import pytest

from genaccess.spec.claims import REGISTRY
from genaccess.spec.registry import (
    Check,
    CheckKind,
    CheckOutcome,
    Claim,
    Registry,
    Source,
    Status,
    registry_problems,
    run_check,
)

THEORY_IDS = ("G1", "LR", "R1", "R2")


def _ok() -> CheckOutcome:
    return CheckOutcome(1)


def is_X(x: int) -> bool:
    """X: a predicate for tests."""
    return x > 0


def _claim(claim_id: str = "X", uses: tuple[str, ...] = (), **changes: object) -> Claim:
    base = Claim(claim_id, "title", Source.FORMALISATION, "statement", uses,
                 (is_X,), (Check("c", CheckKind.EXHAUSTIVE, "d", _ok),))
    return attrs.evolve(base, **changes)


def test_every_core_theory_id_is_registered_once() -> None:
    for claim_id in THEORY_IDS:
        assert REGISTRY.ids.count(claim_id) == 1


def test_registered_ids_appear_in_the_theory_naming() -> None:
    theory = r"G1|LR|R[12]|HP[1-3]|LT[1-3]|KL[1-3]|GAP"
    # The project's own claims: its extra access models, and the planted path on any model.
    project = r"NOISY1|PARTIAL1|PLANTED1"
    assert all(re.fullmatch(f"{theory}|{project}", i) for i in REGISTRY.ids)


def test_registry_is_sound() -> None:
    assert registry_problems(REGISTRY.claims) == []


def test_every_check_and_predicate_lives_in_a_source_file() -> None:
    import inspect

    for claim in REGISTRY:
        for fn in (*claim.predicates, *(c.run for c in claim.checks)):
            assert Path(inspect.getsourcefile(fn) or "").is_file()


def test_checkdecls_rejects_duplicates() -> None:
    assert "X: registered more than once" in registry_problems((_claim(), _claim()))
    with pytest.raises(ValueError, match="registered more than once"):
        Registry((_claim(), _claim()))


def test_checkdecls_rejects_a_claim_without_checks() -> None:
    assert "X: has no check" in registry_problems((_claim(checks=()),))


def test_checkdecls_rejects_unknown_uses_and_cycles() -> None:
    assert "X: uses unknown claim Y" in registry_problems((_claim(uses=("Y",)),))
    problems = registry_problems((_claim("A", ("B",)), _claim("B", ("A",))))
    assert any(p.startswith("uses graph has a cycle: A -> B -> A") for p in problems)


def test_checkdecls_rejects_a_predicate_docstring_without_its_id() -> None:
    problems = registry_problems((_claim("Y"),))
    assert any("docstring must begin with Y" in p for p in problems)


def test_checkdecls_rejects_a_reference_that_does_not_resolve() -> None:
    problems = registry_problems((_claim(reference=("genaccess.spec.oracle.NoSuchThing",)),))
    assert any("does not resolve" in p for p in problems)


def test_run_check_reports_failures_and_crashes_without_raising() -> None:
    def fails() -> CheckOutcome:
        raise AssertionError("nope")

    def crashes() -> CheckOutcome:
        raise RuntimeError("boom")

    assert run_check("X", Check("f", CheckKind.FUZZ, "d", fails)).status is Status.FAILED
    result = run_check("X", Check("c", CheckKind.FUZZ, "d", crashes))
    assert result.status is Status.ERROR and "RuntimeError: boom" in result.message
