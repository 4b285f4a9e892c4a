"""`genaccess check`: per-claim lines, JSON, exit codes."""

from __future__ import annotations

import json

import pytest

from genaccess.reference.cli import main


def test_check_one_claim_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "G1", "--json", "--profile", "ci"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["passed"] is True
    (claim,) = report["claims"]
    assert claim["id"] == "G1" and claim["status"] == "passed"
    assert claim["exhaustive_domain"] and all(c["status"] == "passed" for c in claim["checks"])


def test_check_prints_one_line_per_claim(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "G1", "R1", "--profile", "ci"]) == 0
    lines = [ln for ln in capsys.readouterr().out.splitlines() if not ln.startswith(" ")]
    assert [ln.split()[0] for ln in lines] == ["G1", "R1"]
    assert all("PASSED" in ln for ln in lines)


def test_check_unknown_id_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "G1", "NOPE"]) == 2
    err = capsys.readouterr().err
    assert "ID: must be claim IDs" in err and "(got 'NOPE')" in err and err.count("\n") == 1


def test_check_accepts_ids_in_any_case(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "g1", "G1", "--profile", "ci"]) == 0
    lines = [ln for ln in capsys.readouterr().out.splitlines() if not ln.startswith(" ")]
    assert [ln.split()[0] for ln in lines] == ["G1"]


def test_check_bad_profile_blames_the_flag(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "G1", "--profile", "fast"]) == 2
    err = capsys.readouterr().err
    assert "--profile: must be one of ci, dev, thorough (got 'fast')" in err
    assert "HYPOTHESIS_PROFILE" not in err


def test_check_bad_environment_profile_blames_the_variable(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("HYPOTHESIS_PROFILE", "fast")
    assert main(["check", "G1"]) == 2
    assert "HYPOTHESIS_PROFILE: must be one of" in capsys.readouterr().err


def test_check_exit_status_is_1_when_a_check_fails(monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    import attrs

    from genaccess.reference.commands import check as check_command
    from genaccess.spec.registry import Check, CheckKind, Registry

    def broken() -> object:
        raise AssertionError("deliberately broken")

    g1 = check_command.registry()["G1"]
    bad = attrs.evolve(g1, checks=(Check("broken", CheckKind.EXHAUSTIVE, "none", broken),),
                       proof=None)
    monkeypatch.setattr(check_command, "registry", lambda: Registry((bad,)))
    assert main(["check", "G1"]) == 1
    assert "broken: failed: deliberately broken" in capsys.readouterr().out
