"""`genaccess bounds hidden-path` and `genaccess simulate hidden-path`."""

from __future__ import annotations

import io
import json
from fractions import Fraction

import pytest

from genaccess.reference.cli import main
from genaccess.reference.commands import simulate
from genaccess.reference.progress import Progress
from genaccess.spec.cps_success import compute_HP2_worst_success
from genaccess.spec.hidden_path import HiddenPathFamily
from genaccess.spec.root_start_success import compute_HP1_success

BOUNDS = ["bounds", "hidden-path", "--vocab", "3", "--horizon", "4", "--alpha", "1/2",
          "--delta", "1/10", "--queries", "5"]
SIMULATE = ["simulate", "hidden-path", "--vocab", "3", "--horizon", "3", "--alpha", "1/2",
            "--delta", "1/10", "--runs", "30", "--seed", "3"]


def _json(capsys: pytest.CaptureFixture[str], argv: list[str]) -> dict[str, object]:
    assert main(argv) == 0
    out: dict[str, object] = json.loads(capsys.readouterr().out)
    return out


def test_bounds_json_fields_are_exact(capsys: pytest.CaptureFixture[str]) -> None:
    out = _json(capsys, [*BOUNDS, "--json"])
    family = HiddenPathFamily(3, 4, "1/2")
    assert Fraction(str(out["root_start_success"])) == compute_HP1_success(family, 5)
    needed = out["root_start_queries_needed"]
    assert isinstance(needed, int)
    assert compute_HP1_success(family, needed) >= Fraction(9, 10)
    assert compute_HP1_success(family, needed - 1) < Fraction(9, 10)
    m = out["cps_m"]
    assert isinstance(m, int) and out["cps_queries"] == 4 * m
    assert Fraction(str(out["cps_success_worst"])) == compute_HP2_worst_success(family, m)
    assert out["cps_success_worst_float"] == pytest.approx(
        float(compute_HP2_worst_success(family, m)))
    assert out["logits_queries"] == 4


def test_bounds_m_override_and_table(capsys: pytest.CaptureFixture[str]) -> None:
    out = _json(capsys, [*BOUNDS, "--m", "7", "--json"])
    assert out["cps_m"] == 7 and out["cps_queries"] == 28 and out["cps_m_from_bound"] is False
    assert main(BOUNDS) == 0
    text = capsys.readouterr().out
    assert "root-start, needed" in text and "CPS-Path (HP2)" in text
    assert "(HP1 upper bound T alpha^(H-1) + 1/K = " in text  # says which bound it prints


def test_bounds_at_H_60_omits_huge_fractions(capsys: pytest.CaptureFixture[str]) -> None:
    out = _json(capsys, ["bounds", "hidden-path", "--vocab", "3", "--horizon", "60",
                         "--alpha", "1/2", "--delta", "0.05", "--queries", "1000", "--json"])
    assert "cps_success_worst" not in out and out["cps_success_worst_float"] > 0.999
    assert out["root_start_queries_needed"] > 2**59


@pytest.mark.parametrize(("change", "message"), [
    (("--alpha", "1/3"), "--alpha: must be"), (("--alpha", "1"), "--alpha: must be"),
    (("--vocab", "1"), "--vocab"),
    (("--horizon", "0"), "--horizon"), (("--delta", "0"), "--delta"),
    (("--delta", "1"), "--delta"), (("--queries", "-1"), "--queries"),
    (("--alpha", "half"), "--alpha"), (("--vocab", "2.5"), "--vocab"),
])
def test_invalid_bounds_parameters(capsys: pytest.CaptureFixture[str], change: tuple[str, str],
                                   message: str) -> None:
    argv = list(BOUNDS)
    argv[argv.index(change[0]) + 1] = change[1]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err and err.startswith("genaccess bounds: error:")


@pytest.mark.parametrize("learner", ["root-start", "cps", "adaptive-cps", "logits", "top1"])
def test_simulate_every_learner(capsys: pytest.CaptureFixture[str], learner: str) -> None:
    out = _json(capsys, [*SIMULATE, "--learner", learner, "--json"])
    low, high = out["success_interval"]  # type: ignore[misc]
    assert 0 <= low <= out["success_rate"] <= high <= 1  # type: ignore[operator]
    assert out["runs"] == 30 and out["budget_exhausted"] == 0
    if learner in ("logits", "top1"):
        assert out["mean_queries"] == 3 and out["success_rate"] == 1
    if learner == "cps":
        assert out["mean_queries"] == out["cps_queries"]
    if learner == "root-start":
        assert out["mean_queries"] == out["rollouts"]


def test_simulate_is_reproducible_and_budget_counts(capsys: pytest.CaptureFixture[str]) -> None:
    first = _json(capsys, [*SIMULATE, "--learner", "adaptive-cps", "--json"])
    second = _json(capsys, [*SIMULATE, "--learner", "adaptive-cps", "--json"])
    assert first == second
    capped = _json(capsys, [*SIMULATE, "--learner", "cps", "--m", "5", "--budget", "10",
                            "--json"])
    assert capped["budget_exhausted"] == 30 and capped["success_rate"] == 0
    assert capped["mean_queries"] == 10
    rollouts = _json(capsys, [*SIMULATE, "--learner", "root-start", "--queries", "2", "--json"])
    assert rollouts["mean_queries"] == 2 and rollouts["rollouts"] == 2
    assert rollouts["budget"] is None and rollouts["budget_exhausted"] == 0


def test_simulate_budget_is_only_the_oracle_cap(capsys: pytest.CaptureFixture[str]) -> None:
    """`--budget` caps the oracle for root-start too; its rollouts are `--queries`."""
    capped = _json(capsys, [*SIMULATE, "--learner", "root-start", "--queries", "4",
                            "--budget", "2", "--json"])
    assert capped["rollouts"] == 4 and capped["budget"] == 2
    assert capped["budget_exhausted"] == 30 and capped["mean_queries"] == 2


def test_simulate_reads_access_models_from_the_learner_table(
        capsys: pytest.CaptureFixture[str]) -> None:
    from genaccess.reference.learners import learner

    for name in ("root-start", "cps", "top1"):
        out = _json(capsys, [*SIMULATE, "--learner", name, "--runs", "2", "--json"])
        assert out["access"] == learner("hidden-path", name).access


def test_simulate_unknown_learner(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*SIMULATE, "--learner", "oracle"]) == 2
    err = capsys.readouterr().err
    assert "--learner: must be one of root-start, cps" in err and "(got 'oracle')" in err


def test_simulate_text_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*SIMULATE, "--learner", "logits"]) == 0
    captured = capsys.readouterr()
    assert "mean_queries = 3.00" in captured.out and "success_rate = 1.0000" in captured.out
    assert captured.err == ""  # not a terminal: no progress bar


@pytest.mark.parametrize(("change", "message"), [
    (("--runs", "0"), "--runs"), (("--seed", "-1"), "--seed"), (("--delta", "2"), "--delta"),
    (("--alpha", "1/4"), "--alpha: must be"), (("--vocab", "one"), "--vocab"),
])
def test_invalid_simulate_parameters(capsys: pytest.CaptureFixture[str], change: tuple[str, str],
                                     message: str) -> None:
    argv = list(SIMULATE)
    argv[argv.index(change[0]) + 1] = change[1]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err


def test_invalid_budget(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*SIMULATE, "--budget", "-3"]) == 2
    assert "--budget" in capsys.readouterr().err


def test_families_are_one_tuple() -> None:
    assert simulate.FAMILIES[0].FAMILY == "hidden-path"


def test_progress_bar_draws_and_clears() -> None:
    stream = io.StringIO()
    progress = Progress(10, "run", enabled=True, stream=stream, delay=0, interval=0)
    for done in range(1, 11):
        progress.update(done)
    progress.close()
    text = stream.getvalue()
    assert "[" + "#" * 30 + "] 10/10" in text and text.endswith("\r")
    silent = io.StringIO()
    off = Progress(10, "run", enabled=False, stream=silent, delay=0, interval=0)
    off.update(5)
    off.close()
    assert silent.getvalue() == ""
