"""The standing mutation gate: apply each catalogued mutant in a scratch copy and confirm
that the claim it names catches it.

Each mutant in `catalogue/*.toml` (one file per area) is a small semantic change to `spec/`,
`reference/` or `proofs/` (a search-and-replace whose `old` text must occur exactly once) and
the claim IDs whose registered checks must fail on it. The runner copies the three packages
into a scratch folder laid out as `genaccess/...`, applies the change there, and runs those
claims' checks (`probe.py`) in a fresh interpreter whose `sys.path` puts the scratch copy
first; the working tree is never touched. A mutant that every named check accepts is a
*survivor*, and the gate fails.

    python tests/mutants/run.py                 # the whole catalogue
    python tests/mutants/run.py --quick         # the mutants marked quick (CI)
    python tests/mutants/run.py --only ID [ID ...]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = Path(__file__).with_name("catalogue")
PACKAGES = {"spec": "spec", "reference": "reference", "proofs": "proofs"}

PROBE = Path(__file__).with_name("probe.py")


@dataclass(frozen=True)
class Mutant:
    id: str
    file: str
    old: str
    new: str
    claims: tuple[str, ...]
    why: str
    quick: bool


@dataclass(frozen=True)
class Verdict:
    mutant: Mutant
    killed: bool
    detail: str
    seconds: float


def load(folder: Path = CATALOGUE) -> list[Mutant]:
    """The catalogue, validated: unique IDs, known files, `old` occurring exactly once."""
    mutants: list[Mutant] = []
    for path in sorted(folder.glob("*.toml")):
        data = tomllib.loads(path.read_text())
        mutants += [Mutant(m["id"], m["file"], m["old"], m["new"], tuple(m["claims"]),
                           m["why"], bool(m.get("quick", False))) for m in data["mutant"]]
    ids = [m.id for m in mutants]
    duplicated = sorted({i for i in ids if ids.count(i) > 1})
    if duplicated:
        raise ValueError(f"mutant IDs registered twice: {duplicated}")
    for m in mutants:
        source = (ROOT / m.file).read_text()
        if source.count(m.old) != 1:
            raise ValueError(f"{m.id}: `old` occurs {source.count(m.old)} times in {m.file} "
                             "(must be exactly once)")
        if m.old == m.new or not m.claims:
            raise ValueError(f"{m.id}: a mutant changes something and names a claim")
    return mutants


def scratch_copy(directory: Path) -> Path:
    """`directory/genaccess/{spec,reference,proofs}`: a private copy of the packages."""
    package = directory / "genaccess"
    for folder, name in PACKAGES.items():
        shutil.copytree(ROOT / folder, package / name,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return package


def run_mutant(mutant: Mutant, timeout: float = 600) -> Verdict:
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="genaccess-mutant-") as tmp:
        package = scratch_copy(Path(tmp))
        target = package / mutant.file
        target.write_text(target.read_text().replace(mutant.old, mutant.new, 1))
        env = {**os.environ, "PYTHONPATH": tmp, "HYPOTHESIS_PROFILE": "ci",
               "PYTHONDONTWRITEBYTECODE": "1"}
        try:
            done = subprocess.run([sys.executable, str(PROBE), *mutant.claims], env=env,
                                  cwd=tmp, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return Verdict(mutant, True, f"timed out after {timeout:.0f} s (counted as killed)",
                           time.perf_counter() - start)
    seconds = time.perf_counter() - start
    lines = done.stdout.strip().splitlines()
    if done.returncode not in (0, 1) or not lines:  # the mutant broke the import itself
        tail = (done.stderr.strip().splitlines() or ["?"])[-1]
        return Verdict(mutant, True, f"crashed: {tail[:160]}", seconds)
    caught = json.loads(lines[-1])
    return Verdict(mutant, bool(caught), caught[0] if caught else "SURVIVED", seconds)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="only mutants marked quick")
    parser.add_argument("--only", nargs="+", metavar="ID", help="only these mutants")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout")
    args = parser.parse_args(argv)
    try:
        mutants = load()
    except (ValueError, OSError, KeyError, tomllib.TOMLDecodeError) as err:
        print(f"mutation gate: error: {err}", file=sys.stderr)
        return 2
    if args.quick:
        mutants = [m for m in mutants if m.quick]
    if args.only:
        unknown = sorted(set(args.only) - {m.id for m in mutants})
        if unknown:
            print(f"mutation gate: error: --only: unknown mutant IDs {unknown}", file=sys.stderr)
            return 2
        mutants = [m for m in mutants if m.id in args.only]
    start = time.perf_counter()
    with ThreadPoolExecutor(max(1, args.workers)) as pool:
        verdicts = list(pool.map(run_mutant, mutants))
    survivors = [v for v in verdicts if not v.killed]
    elapsed = time.perf_counter() - start
    if args.json:
        print(json.dumps({"mutants": len(verdicts), "killed": len(verdicts) - len(survivors),
                          "seconds": round(elapsed, 1),
                          "verdicts": [{"id": v.mutant.id, "killed": v.killed,
                                        "by": v.detail, "seconds": round(v.seconds, 1)}
                                       for v in verdicts]}, indent=2))
    else:
        for v in verdicts:
            mark = "killed  " if v.killed else "SURVIVED"
            print(f"{mark} {v.mutant.id:<36} {v.seconds:6.1f}s  {v.detail}")
        print(f"{len(verdicts) - len(survivors)}/{len(verdicts)} mutants killed "
              f"in {elapsed:.0f} s")
    return 1 if survivors else 0


if __name__ == "__main__":
    sys.exit(main())
