"""Benchmark: `genaccess bounds hidden-path` at the sizes of issue 13, before and after.

Each row runs the command once in a fresh interpreter (start-up included) and prints its
wall time. "before" runs the code of the git revision `--before` (default `3c18ba1`, the
commit before the bounds were rewritten), extracted read-only with `git archive` into a
temporary folder put first on `PYTHONPATH`, under a `--timeout` (30 s): a run that does not
finish shows as `>30 s`, one that fails shows its last error line. "after" runs the working
tree. Base case: `K = 3, H = 20, alpha = 1/2, delta = 1/20, T = 1000`; each row changes what
it names. The old command does not read `1e15` as an integer, so `T` is spelled out for it.

    python benchmarks/bench_bounds.py [--before REV] [--timeout 30] [--skip-before]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from revision import extract  # benchmarks/revision.py, beside this script

BASE = {"vocab": "3", "horizon": "20", "alpha": "1/2", "delta": "1/20", "queries": "1000"}
CASES: tuple[tuple[str, dict[str, str]], ...] = (
    ("base", {}),
    ("horizon 400", {"horizon": "400"}),
    ("horizon 1000", {"horizon": "1000"}),
    ("horizon 10000", {"horizon": "10000"}),
    ("vocab 60", {"vocab": "60"}),
    ("vocab 100", {"vocab": "100"}),
    ("vocab 1000", {"vocab": "1000"}),
    ("delta 1e-30", {"delta": "1e-30"}),
    ("delta 1e-100", {"delta": "1e-100"}),
    ("delta 1e-300", {"delta": "1e-300"}),
    ("queries 1e15", {"queries": "1e15"}),
    ("queries 1e100", {"queries": "1e100"}),
    ("K=1000 H=10000 delta=1e-300 T=1e100",
     {"vocab": "1000", "horizon": "10000", "delta": "1e-300", "queries": "1e100"}),
)


def argv(changes: dict[str, str], spell_out: bool) -> list[str]:
    values = {**BASE, **changes}
    if spell_out and "e" in values["queries"]:
        mantissa, exponent = values["queries"].split("e")
        values["queries"] = str(int(mantissa) * 10 ** int(exponent))
    args = ["bounds", "hidden-path"]
    for flag, value in values.items():
        args += [f"--{flag}", value]
    return args


def timed(args: list[str], pythonpath: str | None, timeout: float) -> str:
    """Wall time of one run, `>T s` past the timeout, or the run's last error line."""
    env = dict(os.environ)
    if pythonpath is not None:
        env["PYTHONPATH"] = pythonpath
    code = "import sys; from genaccess.reference.cli import main; sys.exit(main(sys.argv[1:]))"
    start = time.perf_counter()
    try:
        done = subprocess.run([sys.executable, "-c", code, *args], env=env, timeout=timeout,
                              capture_output=True, text=True, check=False)
    except subprocess.TimeoutExpired:
        return f">{timeout:g} s"
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["?"])[-1]
        return f"fails after {seconds:.1f} s: {last[:60]}"
    return f"{seconds:.2f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--before", default="3c18ba1", help="git revision of the old code")
    parser.add_argument("--timeout", type=float, default=30.0)
    parser.add_argument("--skip-before", action="store_true")
    args = parser.parse_args()
    load = os.getloadavg()
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} (2 cores); "
          f"alpha = 1/2 throughout")
    with tempfile.TemporaryDirectory() as scratch:
        old = None if args.skip_before else extract(args.before, Path(scratch))
        width = max(len(name) for name, _ in CASES)
        print(f"{'case':<{width}}  {'before':<30}  after")
        for name, changes in CASES:
            before = "-" if old is None else timed(argv(changes, True), old, args.timeout)
            after = timed(argv(changes, False), None, 120.0)
            print(f"{name:<{width}}  {before:<30}  {after}", flush=True)
    load = os.getloadavg()
    print(f"load average at the end {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    main()
