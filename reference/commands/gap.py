"""`genaccess gap`: the exponential gap (GAP), measured. With no options it sweeps
HP(K=3, H, alpha=1/2), delta = 1/20, H = 2..40, prints one row per H and writes
`gap.json` (every number, parameters, seed, timings), `gap.md` (the table) and `gap.png`
(queries against H, log scale, every learner with the theoretical curves) to --out.

Columns: root-start queries needed (HP1, exact), CPS-Path H*m (HP2 bound), the adaptive
learner's measured mean queries, logits H (HP3), the ratios root-start / prefix, the
KL-regularised policy-gradient baseline's SubOpt after its 2000 rollouts (H <= 12), and for
H <= 12 the root-start learner simulated through the oracle beside the exact S_T.

Exit status: 0 on success; 2 on a bad option or an --out that cannot be written (nothing is
left behind: the files are written to a temporary directory beside --out and moved into
place only when all three are complete).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from genaccess.reference.commands.arguments import (
    check_output_directory,
    parse_fraction,
    parse_int,
    parse_probability,
    usage_error,
)

OUTPUTS = ("gap.json", "gap.md", "gap.png")


def register(sub: Any) -> None:
    parser = sub.add_parser("gap", help="the exponential gap: sweep H, table, gap.json, gap.png",
                            description=__doc__,
                            formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--vocab", default="3", metavar="K", help="vocabulary size K >= 2 "
                        "(default 3)")
    parser.add_argument("--alpha", default="1/2", metavar="A",
                        help="path-token probability in (1/K, 1) (default 1/2)")
    parser.add_argument("--delta", default="1/20", metavar="D",
                        help="target failure probability in (0, 1) (default 1/20)")
    parser.add_argument("--horizons", default="2:40", metavar="A:B",
                        help="horizons: A:B inclusive or a list 2,5,9 (default 2:40)")
    parser.add_argument("--runs", default=None, metavar="N",
                        help="simulated runs per H of the adaptive and root-start learners "
                        "(default 50)")
    parser.add_argument("--seed", default="0", metavar="S", help="random seed (default 0)")
    parser.add_argument("--workers", default="2", metavar="W",
                        help="worker processes (default 2; the numbers do not depend on it)")
    parser.add_argument("--out", default="genaccess-out", metavar="DIR",
                        help="output directory (default ./genaccess-out)")
    parser.add_argument("--json", action="store_true",
                        help="print the JSON object instead of the table (no progress bar)")
    parser.set_defaults(run=run)


def _stage(out: Path) -> Path:
    """A fresh temporary directory beside (or, if it exists, inside) `out`; raises
    a usage error when `out` cannot be written."""

    check_output_directory(out)
    parent = out if out.is_dir() else out.parent
    if not parent.is_dir():
        raise usage_error("--out", f"parent directory {parent} does not exist", str(out))
    try:
        return Path(tempfile.mkdtemp(prefix=".genaccess-gap-", dir=parent))
    except OSError as err:
        raise usage_error("--out", f"cannot write there ({err.strerror or err})",
                          str(out)) from None


def _publish(staging: Path, out: Path) -> None:
    """Move the finished files into `out` (a rename of the whole directory when `out` is
    new, else one atomic replace per file)."""
    if not out.exists():
        os.rename(staging, out)
        return
    for name in OUTPUTS:
        os.replace(staging / name, out / name)
    staging.rmdir()


def run(args: argparse.Namespace) -> int:
    from genaccess.reference.gap_config import DEFAULT_RUNS, GapConfig, horizons_from_text
    from genaccess.reference.gap_report import format_text, write_outputs
    from genaccess.reference.gap_sweep import check_sweep_size, run_sweep
    from genaccess.reference.progress import Progress

    K = parse_int(args.vocab, "--vocab", 2)
    runs = parse_int(args.runs, "--runs", 1)
    seed = parse_int(args.seed, "--seed", 0)
    workers = parse_int(args.workers, "--workers", 1)
    assert K is not None and seed is not None and workers is not None
    config = GapConfig(
        vocab_size=K,
        alpha=parse_fraction(args.alpha, "--alpha"),
        delta=parse_probability(args.delta, "--delta"),
        horizons=horizons_from_text(args.horizons),
        runs=runs if runs is not None else DEFAULT_RUNS,
        seed=seed,
    )
    check_sweep_size(config, workers)  # refuse at once what would run for hours
    out = Path(args.out)
    staging = _stage(out)  # fail fast, before the sweep
    try:
        progress = Progress.for_terminal(1, "genaccess gap", args.json)

        def report(done: int, total: int) -> None:
            progress.total = total
            progress.update(done)

        try:
            result = run_sweep(config, workers, report)
        finally:
            progress.close()
        result["out"] = str(out)
        try:
            write_outputs(result, staging)
            _publish(staging, out)
        except OSError as err:
            raise usage_error("--out", f"cannot write there ({err})", str(out)) from None
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(format_text(result))
        print(f"\nwrote {', '.join(str(out / name) for name in OUTPUTS)} "
              f"in {result['timings']['wall_seconds']:.1f} s")
    return 0
