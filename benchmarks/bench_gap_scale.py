"""Benchmark: `genaccess gap` at large vocabularies, its policy-gradient SubOpt before and
after the count-based evaluation (GAP).

Table 1 trains the policy-gradient baseline of `genaccess gap` (its task, seeded as in the
sweep) on HP(K, H, 1/2) and times, on the very same policy, `compute_suboptimality_by_rows`
(before: the spec's `pi_z`, `K^2` Fractions, then `K` floats per row) and
`compute_suboptimality` (after: one class of plain tokens per row), with the training time
beside them and whether the two floats are equal (they must be, bit for bit).

Table 2 runs the command `genaccess gap --vocab K --horizons A:B --runs 1 --workers 1 --json`
in a fresh interpreter, before (the git revision `--before`, default `c09bfbc`, extracted
read-only with `git archive` and put first on `PYTHONPATH`) and after (the working tree):
wall time and the policy-gradient tasks' CPU seconds from gap.json.

    python benchmarks/bench_gap_scale.py [--before REV] [--skip-before] [--skip-command]

Measured 2026-12-01 on the 2-core machine at load average 5.9-6.9 (other jobs), CPU s:
SubOpt before -> after 0.007 -> 0.005 (K=3, H=6), 0.28 -> 0.18 (K=3, H=12), 1.79 -> 0.33
(K=100, H=6), 5.97 -> 0.030 (K=1000, H=2), 21.6 -> 0.40 (K=1000, H=6), 6.65 -> 0.001
(K=1000, H=12, no rollout rewarded), equal every time; training 0.4-2.8 s. Command, wall:
`--vocab 1000 --horizons 2` 39.6 s -> 20.0 s (PG tasks 7.3 -> 1.5 s CPU; the rest is
start-up, sympy and matplotlib imports and the plot); `--vocab 1000 --horizons 2:12` 968 s
-> 161 s (PG 234 -> 27 s CPU; the rest is mostly the root-start simulation).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from revision import extract  # benchmarks/revision.py, beside this script

from genaccess.reference import gap_tasks
from genaccess.reference.gap_config import GapConfig
from genaccess.reference.policy_gradient import (
    TabularTilt,
    compute_suboptimality,
    compute_suboptimality_by_rows,
)
from genaccess.spec.hidden_path import HiddenPathFamily

EVALUATIONS = ((3, 6), (3, 12), (100, 6), (1000, 2), (1000, 6), (1000, 12))
"""(K, H) of table 1."""
COMMANDS = ((3, "2:12"), (1000, "2"), (1000, "2:12"))
"""(K, --horizons) of table 2."""


def trained_policy(K: int, H: int) -> tuple[TabularTilt, HiddenPathFamily, Any, float]:
    """The policy the sweep's policy-gradient task trains at (K, H), and its training time."""
    captured: dict[str, Any] = {}

    def capture(policy: TabularTilt, family: HiddenPathFamily, path: object) -> float:
        captured.update(policy=policy, family=family, path=path)
        return 0.0

    real = getattr(gap_tasks, "compute_suboptimality")  # noqa: B009 (swapped for a moment)
    setattr(gap_tasks, "compute_suboptimality", capture)  # noqa: B010
    try:
        start = time.process_time()
        gap_tasks.policy_gradient_task(GapConfig(vocab_size=K, horizons=(H,)), H)
        seconds = time.process_time() - start
    finally:
        setattr(gap_tasks, "compute_suboptimality", real)  # noqa: B010
    return captured["policy"], captured["family"], captured["path"], seconds


def evaluation_row(K: int, H: int) -> str:
    policy, family, path, train = trained_policy(K, H)
    start = time.process_time()
    before = compute_suboptimality_by_rows(policy, family, path)
    old = time.process_time() - start
    start = time.process_time()
    after = compute_suboptimality(policy, family, path)
    new = time.process_time() - start
    return (f"| {K} | {H} | {len(policy.theta)} | {train:.2f} | {old:.3f} | {new:.4f} | "
            f"{old / new:.0f}x | {before == after} |")


def command(K: int, horizons: str, pythonpath: str | None, out: Path) -> str:
    env = dict(os.environ)
    if pythonpath is not None:
        env["PYTHONPATH"] = pythonpath
    code = "import sys; from genaccess.reference.cli import main; sys.exit(main(sys.argv[1:]))"
    args = ["gap", "--vocab", str(K), "--horizons", horizons, "--runs", "1", "--workers", "1",
            "--out", str(out), "--json"]
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code, *args], env=env, capture_output=True,
                          text=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        return f"exit {done.returncode} after {seconds:.1f} s: {done.stderr.strip()[:60]}"
    pg = json.loads(done.stdout)["timings"]["task_cpu_seconds"]["policy-gradient"]
    return f"{seconds:.1f} s (PG tasks {pg:.1f} s CPU)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--before", default="c09bfbc", help="git revision of the old code")
    parser.add_argument("--skip-before", action="store_true")
    parser.add_argument("--skip-command", action="store_true")
    args = parser.parse_args()
    load = os.getloadavg()
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} (2 cores); alpha = 1/2, "
          "delta = 1/20, the sweep's seeds; CPU seconds")
    print("\n| K | H | tilted pairs | training | SubOpt before | SubOpt after | speed-up | "
          "equal |\n|---:|---:|---:|---:|---:|---:|---:|---|")
    for K, H in EVALUATIONS:
        print(evaluation_row(K, H), flush=True)
    if not args.skip_command:
        print("\n| command | before | after |\n|---|---|---|")
        with tempfile.TemporaryDirectory() as scratch:
            folder = Path(scratch)
            old = None
            if not args.skip_before:
                (folder / "old").mkdir()
                old = extract(args.before, folder / "old")
            for K, horizons in COMMANDS:
                before = "-" if old is None else command(K, horizons, old, folder / "b")
                after = command(K, horizons, None, folder / "a")
                print(f"| `gap --vocab {K} --horizons {horizons} --runs 1 --workers 1` | "
                      f"{before} | {after} |", flush=True)
    load = os.getloadavg()
    print(f"\nload average at the end {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    main()
