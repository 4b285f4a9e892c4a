"""`genaccess simulate leader-trie`: output, JSON, and bad input (one line, exit 2).

The command module is tested through a stand-alone `simulate` parser built the way the
`simulate` command registers its families; the end-to-end tests through `genaccess.main`
run once `genaccess.reference.commands.simulate` dispatches to this family.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import sys

import pytest

from genaccess.reference.commands import simulate_leader_trie
from genaccess.reference.commands.arguments import UsageError
from genaccess.spec.errors import InvalidDefinition

BASE = ["--vocab", "3", "--horizon", "3", "--lambda", "1/2", "--responses", "0,0,0;1,0,0"]


def _run(argv: list[str]) -> int:
    """Parse and run like `genaccess simulate leader-trie ...` (bad input: exit 2)."""
    parser = argparse.ArgumentParser(prog="genaccess simulate")
    families = parser.add_subparsers(dest="family", required=True)
    simulate_leader_trie.register_family(families)
    args = parser.parse_args(argv)
    try:
        status: int = args.run(args)
    except (UsageError, InvalidDefinition) as err:
        print(f"genaccess simulate: error: {err}", file=sys.stderr)
        return 2
    return status


def test_bfs_json_reports_queries_and_interval(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(["leader-trie", "--learner", "bfs", *BASE, "--delta", "0.1", "--runs", "3",
                 "--seed", "1", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    # Pinned by hand. Internal nodes of {000, 100}: (), (0,), (1,), (0,0), (1,0): S = 5.
    # theta = (lambda + 1/K)/2 = (1/2 + 1/3)/2 = 5/12; gamma = (1/2 - 1/3)/2 = 1/12, so
    # m = ceil(ln(2 S K / delta) / (2 gamma^2)) = ceil(72 ln 300) = ceil(410.67) = 411.
    assert out["S"] == 5 and out["theta"] == "5/12"
    assert 410 < 72 * math.log(300) < 411 and out["m"] == 411 and out["S_times_m"] == 2055
    assert out["mean_queries"] <= out["S_times_m"]
    low, high = out["success_interval"]
    assert 0 <= low <= out["success_rate"] <= high <= 1


def test_logits_and_top1_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(["leader-trie", "--learner", "logits", *BASE, "--runs", "4"]) == 0
    text = capsys.readouterr().out
    assert "mean_queries = 5.00" in text and "success_rate = 1.0000" in text
    assert _run(["leader-trie", "--learner", "top1", *BASE, "--runs", "4"]) == 0
    text = capsys.readouterr().out
    assert "mean_queries = 3.00" in text and "success_rate = 0.0000" in text


def test_same_seed_same_result(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["leader-trie", *BASE, "--samples", "3", "--runs", "20", "--seed", "5", "--json"]
    _run(argv)
    first = capsys.readouterr().out
    _run(argv)
    assert capsys.readouterr().out == first


@pytest.mark.parametrize(("argv", "message"), [
    (["--responses", "0,0,0;1,0,0;2,0,0", "--lambda", "2/5"],
     "--responses: inadmissible trie: internal node () has 3 leaders"),
    (["--responses", "0,0;1,0,0"], "--responses: a response has length exactly H = 3"),
    (["--responses", "0,0,x"], "--responses: tokens must be integers ('0,0,x' is not)"),
    (["--responses", "0,0,0;"], "--responses: must be responses like"),
    (["--responses", ""], "--responses: must be responses like"),
    (["--responses", "0,0,0;0,0,0"],
     "--responses: responses must be distinct ('0,0,0' is given twice) (got '0,0,0;0,0,0')"),
    (["--responses", "0,0,3"], "--responses: token must be in 0..2"),
    (["--lambda", "1/3"], "--lambda: must lie in (1/K, 1/2]"),
    (["--lambda", "abc"], "--lambda: must be a rational number"),
    (["--vocab", "2"], "--vocab: must be an integer >= 3 (got 2)"),
    (["--vocab", "x"], "--vocab: must be an integer (got 'x')"),
    (["--delta", "1.5"], "--delta: must be strictly between 0 and 1"),
    (["--level", "1"], "--level: must be strictly between 0 and 1"),
    (["--learner", "dfs"], "--learner: must be one of bfs, logits, top1 (got 'dfs')"),
    (["--runs", "0"], "--runs: must be an integer >= 1 (got 0)"),
    (["--cap", "0"], "--cap: must be an integer >= 1 (got 0)"),
])
def test_invalid_input_is_one_line_exit_2(argv: list[str], message: str,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    defaults = dict(zip(BASE[::2], BASE[1::2], strict=True))
    given = dict(zip(argv[::2], argv[1::2], strict=True))
    merged = [x for key, value in {**defaults, **given}.items() for x in (key, value)]
    assert _run(["leader-trie", *merged, "--runs", given.get("--runs", "1")]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1, err


def test_missing_option_is_an_argparse_error() -> None:
    with pytest.raises(SystemExit) as exit_info:
        _run(["leader-trie", "--vocab", "3"])
    assert exit_info.value.code == 2


HAS_SIMULATE = importlib.util.find_spec("genaccess.reference.commands.simulate") is not None


@pytest.mark.skipif(not HAS_SIMULATE, reason="the simulate command is not wired yet")
def test_end_to_end_through_genaccess_main(capsys: pytest.CaptureFixture[str]) -> None:
    from genaccess.reference.cli import main

    assert main(["simulate", "leader-trie", "--learner", "logits", *BASE, "--runs", "2",
                 "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["mean_queries"] == 5
    assert main(["simulate", "leader-trie", *BASE[:-1], "0,0,0;1,0,0;2,0,0", "--lambda",
                 "2/5"]) == 2
    err = capsys.readouterr().err
    assert "inadmissible trie" in err and err.count("\n") == 1
