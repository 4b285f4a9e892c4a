"""`genaccess blueprint [--check]`: the generated proof-to-code map and every rule `--check`
enforces, each shown to catch a broken registry or a stale file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import attrs
import pytest

from genaccess.reference import blueprint as bp
from genaccess.reference.cli import main
from genaccess.spec.claims import REGISTRY
from genaccess.spec.registry import Check, CheckKind, CheckOutcome, Claim, Status

ROOT = bp.repository_root()
CLAIMS = REGISTRY.claims


def _all_passed(claims: tuple[Claim, ...] = CLAIMS) -> dict[tuple[str, str], Status]:
    return {(c.id, k.name): Status.PASSED for c in claims for k in c.checks}


def _fresh(tmp_path: Path, claims: tuple[Claim, ...] = CLAIMS) -> Path:
    path = tmp_path / "blueprint.md"
    path.write_text(bp.generate(claims, _all_passed(claims), ROOT), encoding="utf-8")
    return path


def _problems(claims: tuple[Claim, ...], tmp_path: Path,
              results: dict[tuple[str, str], Status] | None = None) -> tuple[str, ...]:
    path = _fresh(tmp_path)  # the committed file, generated from the sound registry
    return bp.blueprint_problems(claims, ROOT, results=results or _all_passed(claims),
                                 path=path).problems


def _replace(claim_id: str, **changes: Any) -> tuple[Claim, ...]:
    return tuple(attrs.evolve(c, **changes) if c.id == claim_id else c for c in CLAIMS)


def is_NOTG1(x: int) -> bool:
    """A predicate whose docstring names the wrong claim."""
    return x > 0


def test_blueprint_check_passes_on_the_registry_with_a_fresh_file(tmp_path: Path) -> None:
    assert _problems(CLAIMS, tmp_path) == ()


def test_blueprint_check_catches_a_reference_that_does_not_resolve(tmp_path: Path) -> None:
    claims = _replace("G1", reference=("genaccess.spec.generator.no_such_function",))
    assert any("G1: reference genaccess.spec.generator.no_such_function does not resolve" in p
               for p in _problems(claims, tmp_path))


def test_blueprint_check_catches_a_claim_without_checks(tmp_path: Path) -> None:
    assert "G1: has no check" in _problems(_replace("G1", checks=()), tmp_path)


def test_blueprint_check_catches_a_check_naming_an_unknown_id(tmp_path: Path) -> None:
    rogue = Check("HP9_made_up", CheckKind.EXHAUSTIVE, "d", lambda: CheckOutcome(1))
    claims = _replace("G1", checks=(*REGISTRY["G1"].checks, rogue))
    assert any("check HP9_made_up names an unknown ID ('HP9')" in p
               for p in _problems(claims, tmp_path))


def test_blueprint_check_catches_a_cycle_in_uses(tmp_path: Path) -> None:
    claims = _replace("G1", uses=("R2",))
    assert any(p.startswith("uses graph has a cycle") and "G1" in p and "R2" in p
               for p in _problems(claims, tmp_path))


def test_blueprint_check_catches_a_predicate_docstring_without_its_id(tmp_path: Path) -> None:
    claims = _replace("G1", predicates=(is_NOTG1,))
    assert any("predicate is_NOTG1 docstring must begin with G1" in p
               for p in _problems(claims, tmp_path))


def test_blueprint_check_catches_a_stale_file(tmp_path: Path) -> None:
    path = _fresh(tmp_path)
    path.write_text(path.read_text(encoding="utf-8").replace("checked with all ancestors",
                                                             "proved", 1), encoding="utf-8")
    report = bp.blueprint_problems(CLAIMS, ROOT, results=_all_passed(), path=path)
    assert report.problems == ("docs/blueprint.md is out of date (it differs from what the "
                               "registry and this run generate); run `genaccess blueprint`",)


def test_blueprint_check_catches_a_failing_check(tmp_path: Path) -> None:
    results = _all_passed()
    results[("R1", "R1_fuzz_random_rational")] = Status.FAILED
    problems = _problems(CLAIMS, tmp_path, results)
    assert "R1: check R1_fuzz_random_rational failed" in problems
    assert any("out of date" in p for p in problems)  # the committed file says "passed"


def test_blueprint_status_is_derived_from_the_graph() -> None:
    results = _all_passed()
    results[("G1", "G1_fuzz_random_rational")] = Status.FAILED
    derived = bp.derive_statuses(CLAIMS, results)
    assert derived["G1"] is bp.DerivedStatus.STATED
    assert derived["R1"] is bp.DerivedStatus.CHECKED  # its own checks pass, its ancestor's not
    assert derived["LR"] is bp.DerivedStatus.FULLY_CHECKED


def test_blueprint_is_deterministic_and_machine_independent() -> None:
    first = bp.generate(CLAIMS, _all_passed(), ROOT)
    assert first == bp.generate(CLAIMS, _all_passed(), ROOT)
    assert str(ROOT) not in first and "seconds" not in first
    claims_section = first.split("\n## Claims\n", 1)[1].split("\n## Trust base", 1)[0]
    assert claims_section.count("\n### ") == len(CLAIMS)
    for claim in CLAIMS:
        assert f"### {claim.id} {claim.title}" in first
        assert f"(#{bp.anchor(claim)})" in first


def test_blueprint_links_point_at_existing_files_and_the_named_code() -> None:
    text = bp.generate(CLAIMS, _all_passed(), ROOT)
    assert bp.count_links(text) >= sum(len(c.checks) + len(c.predicates) for c in CLAIMS)
    link = bp.locate(REGISTRY["G1"].predicates[0], ROOT)
    lines = (ROOT / link.path).read_text(encoding="utf-8").splitlines()
    assert lines[link.line - 1].lstrip().startswith("def is_G1")


def test_blueprint_lists_the_trust_base() -> None:
    text = bp.generate(CLAIMS, _all_passed(), ROOT)
    trust = text.split("## Trust base", 1)[1]
    proved, bounded = trust.split("### Claims checked only up to a stated bound", 1)
    assert "[R2](#" in proved  # z3 proves its union bound for every rho
    assert "[G1](#" in bounded  # only exhaustive and fuzz checks


def test_cli_blueprint_writes_and_then_checks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(bp, "run_checks", lambda claims, progress=None: _all_passed())
    out = tmp_path / "bp.md"
    assert main(["blueprint", "--output", str(out), "--quiet"]) == 0
    assert "links to code" in capsys.readouterr().out
    assert main(["blueprint", "--check", "--output", str(out), "--quiet"]) == 0
    out.write_text("stale\n", encoding="utf-8")
    assert main(["blueprint", "--check", "--output", str(out), "--quiet"]) == 1
    assert "out of date" in capsys.readouterr().err


def test_cli_blueprint_bad_profile_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["blueprint", "--check", "--profile", "fast"]) == 2
    assert "--profile: must be one of ci, dev, thorough (got 'fast')" in capsys.readouterr().err


def _no_checks(claims: object, progress: object = None) -> dict[tuple[str, str], Status]:
    raise AssertionError("a check ran before the checkout was found")


def test_cli_blueprint_refuses_at_once_without_a_checkout(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """`pip install .` then `genaccess blueprint --check` outside the repository: the
    installed package is not a checkout, so the command stops before any check runs."""
    monkeypatch.setattr(bp, "run_checks", _no_checks)
    monkeypatch.setattr(bp, "repository_root", lambda: tmp_path / "site-packages")
    monkeypatch.chdir(tmp_path)
    assert main(["blueprint", "--check", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "no genaccess checkout" in err and "--root DIR" in err and err.count("\n") == 1
    assert main(["blueprint", "--check", "--quiet", "--root", str(tmp_path)]) == 2
    assert "--root: must be a genaccess checkout" in capsys.readouterr().err


def test_cli_blueprint_finds_the_checkout_from_the_working_directory(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(bp, "run_checks", lambda claims, progress=None: _all_passed())
    monkeypatch.setattr(bp, "repository_root", lambda: tmp_path / "site-packages")
    monkeypatch.chdir(ROOT / "spec")
    out = tmp_path / "bp.md"
    assert main(["blueprint", "--output", str(out), "--quiet"]) == 0
    assert out.read_text(encoding="utf-8") == bp.generate(CLAIMS, _all_passed(), ROOT)
    assert bp.find_checkout(ROOT / "spec" / "claims") == ROOT


def test_blueprint_links_name_checkout_paths_for_an_installed_copy() -> None:
    """Under `pip install .` the code runs from site-packages; links still name the
    checkout's files."""
    assert bp._checkout_path("genaccess.spec.claims.g1",
                             Path("/site/genaccess/spec/claims/g1.py")) == "spec/claims/g1.py"
    assert bp._checkout_path("genaccess.reference.commands",
                             Path("/site/genaccess/reference/commands/__init__.py")
                             ) == "reference/commands/__init__.py"


def test_committed_blueprint_is_current() -> None:
    """docs/blueprint.md is what the registry generates when every check passes.

    That every check passes is `pytest spec/`'s job (one run of each check per suite, not
    two); together the two are `genaccess blueprint --check`. If this fails after a registry
    change, run `genaccess blueprint` and commit the file."""
    report = bp.blueprint_problems(CLAIMS, ROOT, results=_all_passed())
    assert report.problems == ()


@pytest.mark.parametrize("page", ["theory.md", "extending.md", "interfaces.md"])
def test_docs_link_only_to_registered_blueprint_entries(page: str) -> None:
    """Docs link to `blueprint.md#claim-<ID>`; every such ID is registered, and theory.md
    explains every registered claim."""
    import re

    text = (ROOT / "docs" / page).read_text(encoding="utf-8")
    linked = set(re.findall(r"blueprint\.md#claim-([A-Z0-9]+)", text))
    assert linked <= set(REGISTRY.ids), linked - set(REGISTRY.ids)
    if page == "theory.md":
        assert linked == set(REGISTRY.ids)
