"""`genaccess gap` (the main job, GAP) and the sweep behind it."""

from __future__ import annotations

import json
import math
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from genaccess.reference import gap_report
from genaccess.reference.cli import main
from genaccess.reference.gap_config import GapConfig, horizons_from_text
from genaccess.reference.gap_sweep import run_sweep
from genaccess.spec.errors import InvalidDefinition


def _s_t(K: int, H: int, alpha: Fraction, T: int) -> Fraction:
    """HP1's S_T written out for T >= 1: sum_{d=1..H} P(D = d) K^-(H-d), with
    P(D <= d) = (1 - alpha^d)^T for d < H."""
    cdf = [(1 - alpha**d) ** T for d in range(H)] + [Fraction(1)]
    return sum(((cdf[d] - cdf[d - 1]) / Fraction(K) ** (H - d) for d in range(1, H + 1)),
               Fraction(0))


PINNED = {2: (4, 141), 3: (10, 154), 4: (20, 163)}
"""H: (root-start queries needed, cps m) at K=3, alpha=1/2, delta=1/20. m by hand:
Delta = 1/4, m = ceil(32 ln(H (K-1)/delta)) = ceil(32 ln(40 H)): 32 ln 80 = 140.2,
32 ln 120 = 153.2, 32 ln 160 = 162.4."""

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
SMALL = ["gap", "--horizons", "2:4", "--runs", "5", "--workers", "1"]


def _run_json(capsys: pytest.CaptureFixture[str], out: Path, *extra: str) -> dict[str, Any]:
    assert main([*SMALL, "--out", str(out), "--json", *extra]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""  # no progress bar with --json (and stderr is not a terminal)
    result: dict[str, Any] = json.loads(captured.out)
    return result


def test_GAP_json_has_every_number(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "run"
    result = _run_json(capsys, out)
    assert result["parameters"]["vocab"] == 3 and result["parameters"]["alpha"] == "1/2"
    assert result["parameters"]["delta"] == "1/20" and result["parameters"]["seed"] == 0
    assert result["parameters"]["runs"] == 5
    assert set(result["timings"]) >= {"wall_seconds", "workers", "task_cpu_seconds"}
    assert [row["H"] for row in result["rows"]] == [2, 3, 4]
    for row in result["rows"]:
        H = row["H"]
        needed, m = PINNED[H]
        # `needed` is the least T with S_T >= 19/20 (S_T written out in `_s_t`, not the spec's).
        assert _s_t(3, H, Fraction(1, 2), needed) >= Fraction(19, 20)
        assert _s_t(3, H, Fraction(1, 2), needed - 1) < Fraction(19, 20)
        assert m == math.ceil(32 * math.log(40 * H))
        assert row["root_start_needed"] == needed
        assert row["cps_m"] == m and row["cps_queries"] == H * m
        assert row["logits_queries"] == H and row["logits_success"] is True
        assert row["ratio_root_start_over_cps"] == pytest.approx(needed / (H * m))
        assert row["ratio_root_start_over_adaptive"] == pytest.approx(
            needed / row["adaptive_mean_queries"])
        assert 0 < row["adaptive_mean_queries"] <= H * 1000
        assert row["root_start_lower_bound_3_4"] == pytest.approx(
            (0.75 - 1 / 3) * 2.0 ** (H - 1))
        sim = row["root_start_simulation"]
        assert sim["queries"] == needed and sim["capped"] is False
        assert sim["exact_success"] == pytest.approx(float(_s_t(3, H, Fraction(1, 2), needed)))
        assert sim["runs"] == 5 and 0 <= sim["successes"] <= 5
        low, high = sim["interval"]
        assert low <= sim["success_rate"] <= high
        pg = row["policy_gradient"]
        assert pg["queries"] == 2000 and pg["rewarded_rollouts"] > 0
        assert 0 <= pg["subopt"] <= pg["subopt_reference"] <= pg["J_star"]
        assert pg["subopt_fraction"] == pytest.approx(pg["subopt"] / pg["subopt_reference"])
    on_disk = json.loads((out / "gap.json").read_text(encoding="utf-8"))
    assert on_disk["rows"] == result["rows"]
    assert (out / "gap.png").read_bytes().startswith(PNG_MAGIC)
    assert "| H | root-start needed |" in (out / "gap.md").read_text(encoding="utf-8")
    assert sorted(p.name for p in out.iterdir()) == ["gap.json", "gap.md", "gap.png"]


def test_gap_prints_a_table_and_rewrites_an_existing_out(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "run"
    out.mkdir()
    (out / "keep.txt").write_text("mine", encoding="utf-8")
    (out / "gap.png").write_bytes(b"old")
    assert main([*SMALL, "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "root-start needed" in text and "RS/CPS" in text and "wrote" in text
    assert [line.split()[0] for line in text.splitlines()[3:6]] == ["2", "3", "4"]
    assert (out / "gap.png").read_bytes().startswith(PNG_MAGIC)
    assert sorted(p.name for p in out.iterdir()) == ["gap.json", "gap.md", "gap.png",
                                                     "keep.txt"]


def test_gap_numbers_do_not_depend_on_the_worker_count() -> None:
    config = GapConfig(horizons=(2, 3), runs=3, seed=7, pg_queries=100)
    one = run_sweep(config, workers=1)
    two = run_sweep(config, workers=2)
    assert one["rows"] == two["rows"]
    assert run_sweep(GapConfig(horizons=(2, 3), runs=3, seed=8, pg_queries=100))["rows"] != \
        one["rows"]


def test_gap_caps_and_skips_costly_simulations() -> None:
    config = GapConfig(horizons=(9, 13), runs=2, root_start_max_queries=50, pg_max_horizon=9,
                       pg_queries=40)
    rows = {row["H"]: row for row in run_sweep(config, workers=1)["rows"]}
    sim = rows[9]["root_start_simulation"]
    assert sim["queries"] == 50 and sim["capped"] is True
    assert sim["exact_success"] == pytest.approx(float(_s_t(3, 9, Fraction(1, 2), 50)))
    assert rows[13]["root_start_simulation"] is None and rows[13]["policy_gradient"] is None
    assert rows[9]["policy_gradient"]["queries"] == 40


@pytest.mark.parametrize(("option", "value", "message"), [
    ("--vocab", "1", "--vocab"), ("--vocab", "x", "--vocab"), ("--alpha", "1/3", "alpha"),
    ("--alpha", "half", "--alpha"), ("--delta", "0", "--delta"), ("--delta", "1", "--delta"),
    ("--horizons", "5:2", "--horizons"), ("--horizons", "a:b", "--horizons"),
    ("--horizons", "0:3", "--horizons"), ("--horizons", "2:500", "--horizons"),
    ("--horizons", "3,2", "--horizons"), ("--runs", "0", "--runs"), ("--seed", "-1", "--seed"),
    ("--workers", "0", "--workers"),
])
def test_invalid_gap_option(capsys: pytest.CaptureFixture[str], tmp_path: Path, option: str,
                            value: str, message: str) -> None:
    out = tmp_path / "run"
    argv = [*SMALL, "--out", str(out)]
    if option in argv:
        argv[argv.index(option) + 1] = value
    else:
        argv += [option, value]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("genaccess gap: error:") and err.count("\n") == 1 and message in err
    assert list(tmp_path.iterdir()) == []


def test_invalid_gap_out_under_a_file(capsys: pytest.CaptureFixture[str],
                                      tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    for out in (blocker / "run", blocker):
        assert main([*SMALL, "--out", str(out)]) == 2
        err = capsys.readouterr().err
        assert err.startswith("genaccess gap: error: --out") and err.count("\n") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


def test_invalid_gap_out_failing_write_leaves_nothing(
        capsys: pytest.CaptureFixture[str], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A write that fails half-way (here: the plot) leaves neither a new --out nor a
    temporary directory, and an existing --out keeps its old files."""
    def broken_plot(result: dict[str, Any], path: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(gap_report, "plot", broken_plot)
    assert main([*SMALL, "--out", str(tmp_path / "new")]) == 2
    assert "No space left" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
    existing = tmp_path / "old"
    existing.mkdir()
    (existing / "gap.json").write_text("{}", encoding="utf-8")
    assert main([*SMALL, "--out", str(existing)]) == 2
    assert [p.name for p in existing.iterdir()] == ["gap.json"]
    assert (existing / "gap.json").read_text(encoding="utf-8") == "{}"


@pytest.mark.parametrize(("text", "expected"), [
    ("2:5", (2, 3, 4, 5)), ("7", (7,)), ("2, 5,9", (2, 5, 9)), ("40:40", (40,)),
])
def test_horizons_from_text(text: str, expected: tuple[int, ...]) -> None:
    assert horizons_from_text(text) == expected


@pytest.mark.parametrize("kwargs", [
    {"horizons": ()}, {"horizons": (3, 2)}, {"vocab_size": 1}, {"runs": 0},
    {"alpha": Fraction(1, 4)}, {"level": Fraction(1)}, {"pg_step_size": 0.0},
])
def test_invalid_gap_config(kwargs: dict[str, Any]) -> None:
    with pytest.raises(InvalidDefinition):
        GapConfig(**kwargs)


def test_invalid_gap_workers() -> None:
    with pytest.raises(InvalidDefinition, match="workers"):
        run_sweep(GapConfig(horizons=(2,), runs=1, pg_max_horizon=0), workers=0)
