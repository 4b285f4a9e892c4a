"""`genaccess simulate planted`: the planted-path experiment on a real transformer."""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")

from genaccess.reference.cli import main
from genaccess.reference.hf import tiny_gpt2
from genaccess.reference.hf.threads import using_threads

pytestmark = pytest.mark.hf
warnings.filterwarnings("ignore", module="transformers")


@pytest.fixture(scope="module", autouse=True)
def _one_thread() -> Iterator[None]:
    """One torch thread, as the commands set (docs/transformers.md): with more, one-token
    forward passes are slower on a busy machine."""
    with using_threads():
        yield


BASE = ["simulate", "planted", "--vocab", "8", "--horizon", "6", "--alpha", "3/5",
        "--queries", "3"]


def _json(capsys: pytest.CaptureFixture[str], argv: list[str]) -> dict[str, object]:
    assert main(argv) == 0
    out: dict[str, object] = json.loads(capsys.readouterr().out)
    return out


def test_every_learner_runs_and_the_chosen_prefix_ones_recover(
        capsys: pytest.CaptureFixture[str]) -> None:
    out = _json(capsys, [*BASE, "--json"])
    runs = {r["learner"]: r for r in out["runs"]}  # type: ignore[union-attr, index]
    assert set(runs) == {"cps", "adaptive-cps", "logits", "top1", "root-start"}
    for name in ("cps", "adaptive-cps", "logits", "top1"):
        assert runs[name]["recovered"] is True, name
    assert runs["cps"]["queries"] == out["cps_queries"] == 6 * out["cps_m"]  # type: ignore[operator]
    assert runs["logits"]["queries"] == runs["logits"]["forward_tokens"] == 6
    assert runs["root-start"]["queries"] == 3
    assert len(set(out["path"])) > 1  # type: ignore[arg-type]
    assert 0 <= out["root_start_bound_at_rollouts"] <= 1  # type: ignore[operator]


def test_no_reuse_costs_more_forward_tokens(capsys: pytest.CaptureFixture[str]) -> None:
    reuse = _json(capsys, [*BASE, "--learners", "cps", "--json"])
    none = _json(capsys, [*BASE, "--learners", "cps", "--capacity", "0", "--json"])
    r, n = reuse["runs"][0], none["runs"][0]  # type: ignore[index]
    assert r["forward_tokens"] == 6 and n["forward_tokens"] > 10 * r["forward_tokens"]
    assert r["recovered"] and n["recovered"]


def test_table_output_and_local_checkpoint(capsys: pytest.CaptureFixture[str],
                                           tmp_path: Path) -> None:
    tiny_gpt2(8, seed=3, n_positions=64).save_pretrained(tmp_path)
    assert main([*BASE, "--model", str(tmp_path), "--learners", "logits,top1"]) == 0
    text = capsys.readouterr().out
    assert "planted path in" in text and "logits" in text and "True" in text


@pytest.mark.parametrize(("option", "value", "field"), [
    ("--alpha", "1/2", "--alpha: "),
    ("--alpha", "1", "--alpha: "),
    ("--learners", "cps,magic", "--learners"),
    ("--model", "/no/such/dir", "--model"),
    ("--temperature", "0", "--temperature: "),
    ("--horizon", "0", "--horizon"),
    ("--capacity", "-1", "--capacity"),
])
def test_bad_input_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str], option: str,
                                          value: str, field: str) -> None:
    assert main([*BASE, option, value]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and field in err, err


def test_unusable_checkpoint_is_one_line_naming_model(capsys: pytest.CaptureFixture[str],
                                                     tmp_path: Path) -> None:
    """An existing folder that holds no checkpoint: one line naming --model, no traceback."""
    assert main([*BASE, "--model", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "--model: not a usable transformers checkpoint" in err, err


def test_rollouts_is_an_alias_of_queries(capsys: pytest.CaptureFixture[str]) -> None:
    argv = [*BASE[:-2], "--rollouts", "2", "--learners", "root-start", "--json"]
    assert _json(capsys, argv)["runs"][0]["queries"] == 2  # type: ignore[index]
