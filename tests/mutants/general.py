"""A general mutation tool (cosmic-ray) over the core modules, with the claim checks as the
test command.

For each module: copy the packages into a scratch folder (`genaccess/...`), let cosmic-ray
mutate the copy one operator application at a time, and run `probe.py` with the claims that
module serves; a mutant is killed when one of their registered checks fails. The working tree
is never touched. Needs cosmic-ray (`pip install cosmic-ray`), not a dependency of the package.

    python tests/mutants/general.py local_reset control      # modules under spec/
    python tests/mutants/general.py --list                   # the modules and their claims
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = Path(__file__).with_name("probe.py")

# The claims whose checks are the test command of each module's mutants.
MODULES: dict[str, tuple[str, ...]] = {
    "spec/oracle.py": ("LR", "R1", "R2", "PARTIAL1", "NOISY1"),
    "spec/local_reset.py": ("LR", "PARTIAL1"),
    "spec/observation.py": ("LR", "R1", "R2", "HP3", "LT3", "PARTIAL1", "NOISY1"),
    "spec/control.py": ("LR", "PARTIAL1", "R1"),  # PARTIAL1: names parse back
    "spec/hidden_path.py": ("HP1", "HP2", "HP3", "GAP"),
    "spec/leader_trie.py": ("LT1", "LT2", "LT3"),
    "spec/garbling.py": ("R1", "R2", "HP1"),
    "spec/reach.py": ("G1", "R2", "NOISY1"),
}


def copy_packages(scratch: Path, rev: str | None) -> None:
    """`scratch/genaccess/{spec,reference,proofs}` from the working tree, or from commit
    `rev` (to score an earlier state of the checks)."""
    folders = ("spec", "reference", "proofs")
    if rev is None:
        for folder in folders:
            shutil.copytree(ROOT / folder, scratch / "genaccess" / folder,
                            ignore=shutil.ignore_patterns("__pycache__"))
        return
    (scratch / "genaccess").mkdir()
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev, *folders],
                             check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(scratch / "genaccess")], input=archive, check=True)


class _DropSignatureAnnotations(ast.NodeTransformer):
    """Remove argument and return annotations: under `from __future__ import annotations`
    they are strings nobody evaluates, so mutating them only yields equivalent mutants (and
    each costs a full run of the claims' checks). Class-level annotations stay: attrs reads
    them."""

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.FunctionDef:
        node.returns = None
        for arg in (*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs,
                    node.args.vararg, node.args.kwarg):
            if arg is not None:
                arg.annotation = None
        self.generic_visit(node)
        return node


def drop_signature_annotations(path: Path) -> None:
    source = path.read_text()
    assert "from __future__ import annotations" in source, path
    tree = _DropSignatureAnnotations().visit(ast.parse(source))
    path.write_text(ast.unparse(ast.fix_missing_locations(tree)) + "\n")


def run_module(module: str, claims: tuple[str, ...], tool: Path, timeout: float,
               rev: str | None = None, shards: int = 1) -> dict[str, object]:
    """Score one module. With `shards > 1` the session's mutants are split by job ID into
    that many disjoint sessions, each run by its own cosmic-ray process in its own scratch
    copy (the machine's cores in parallel); the dumps are merged."""
    with tempfile.TemporaryDirectory(prefix="genaccess-cr-") as tmp:
        scratch = Path(tmp) / "s0"
        scratch.mkdir()
        copy_packages(scratch, rev)
        drop_signature_annotations(scratch / "genaccess" / module)
        target = f"genaccess/{module}"
        command = f"{sys.executable} {PROBE} {' '.join(claims)}"
        (scratch / "cr.toml").write_text(
            "[cosmic-ray]\n"
            f'module-path = "{target}"\n'
            f"timeout = {timeout}\n"
            "excluded-modules = []\n"
            f'test-command = "{command}"\n'
            "[cosmic-ray.distributor]\n"
            'name = "local"\n')
        _cosmic_ray(tool, scratch, module, ["init", "cr.toml", "s.sqlite"])
        copies = [scratch]
        for index in range(1, shards):
            copy = Path(tmp) / f"s{index}"
            shutil.copytree(scratch, copy)
            copies.append(copy)
        if shards > 1:
            for index, copy in enumerate(copies):
                _keep_shard(copy / "s.sqlite", index, shards)
        running = [subprocess.Popen([str(tool / "cosmic-ray"), "exec", "cr.toml", "s.sqlite"],
                                    cwd=copy, env=_env(copy), stdout=subprocess.DEVNULL,
                                    stderr=subprocess.PIPE, text=True) for copy in copies]
        for process in running:
            _, err = process.communicate()
            if process.returncode != 0:  # cosmic-ray exits 1 when a worker hiccups; what it
                # recorded is still read below, the rest is counted as "incompetent"
                print(f"{module}: cosmic-ray exec exited {process.returncode}: "
                      f"{err.strip().splitlines()[-1:] or ''}", file=sys.stderr)
        dump = "".join(subprocess.run([str(tool / "cosmic-ray"), "dump", "s.sqlite"], cwd=copy,
                                      env=_env(copy), check=True, capture_output=True,
                                      text=True).stdout for copy in copies)
    killed, survivors, other = 0, [], 0
    for line in dump.splitlines():
        item, result = json.loads(line)
        outcome = (result or {}).get("test_outcome")
        if outcome == "killed":
            killed += 1
        elif outcome == "survived":
            survivors.append({"operator": item["mutations"][0]["operator_name"],
                              "line": item["mutations"][0]["start_pos"][0],
                              "diff": (result or {}).get("diff", "")})
        else:
            other += 1
    total = killed + len(survivors)
    return {"module": module, "claims": list(claims), "mutants": total, "killed": killed,
            "score": round(killed / total, 3) if total else None, "incompetent": other,
            "survivors": survivors}


def _env(scratch: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(scratch), "HYPOTHESIS_PROFILE": "ci",
            "PYTHONDONTWRITEBYTECODE": "1"}


def _cosmic_ray(tool: Path, scratch: Path, module: str, step: list[str]) -> None:
    done = subprocess.run([str(tool / "cosmic-ray"), *step], cwd=scratch, env=_env(scratch),
                          capture_output=True, text=True)
    if done.returncode != 0:
        print(f"{module}: cosmic-ray {step[0]} exited {done.returncode}: "
              f"{done.stderr.strip().splitlines()[-1:] or ''}", file=sys.stderr)


def _keep_shard(database: Path, index: int, shards: int) -> None:
    """Drop from a session every mutant outside shard `index` (by a stable hash of its job
    ID), so the shards are disjoint and together hold the whole session."""
    with sqlite3.connect(database) as db:
        jobs = [row[0] for row in db.execute("SELECT job_id FROM work_items")]
        drop = [(job,) for job in jobs if zlib.crc32(job.encode()) % shards != index]
        db.executemany("DELETE FROM mutation_specs WHERE job_id = ?", drop)
        db.executemany("DELETE FROM work_items WHERE job_id = ?", drop)


def recheck(results_path: Path, rev: str | None) -> list[dict[str, object]]:
    """Re-run the survivors of an earlier `--out` file against the current checks (or those
    of `rev`): each survivor's diff is applied to a fresh scratch copy prepared as in
    `run_module`, and the module's claims' checks run on it. Cheaper than a whole run when
    only new checks changed."""
    rows: list[dict[str, object]] = []
    for result in json.loads(results_path.read_text()):
        module, claims = result["module"], tuple(result["claims"])
        for survivor in result["survivors"]:
            # cosmic-ray ends a diff at the end of the file with a context line and no
            # newline: end it, and let patch drop trailing context (the change is exact)
            diff = survivor["diff"].split("--- mutation diff ---", 1)[-1].lstrip("\n") + "\n"
            with tempfile.TemporaryDirectory(prefix="genaccess-recheck-") as tmp:
                scratch = Path(tmp)
                copy_packages(scratch, rev)
                drop_signature_annotations(scratch / "genaccess" / module)
                applied = subprocess.run(["patch", "-s", "-p1", "-F3", "-d", str(scratch)],
                                         input=diff, text=True, capture_output=True)
                if applied.returncode != 0:  # the code moved: the mutant no longer applies
                    rows.append({**survivor, "module": module, "outcome": "stale"})
                else:
                    rows.append(_probe_row(scratch, module, claims, survivor))
            print(f"{module}:{survivor['line']} {survivor['operator']}: {rows[-1]['outcome']}",
                  flush=True)
    return rows


def _probe_row(scratch: Path, module: str, claims: tuple[str, ...],
               survivor: dict[str, object]) -> dict[str, object]:
    env = {**os.environ, "PYTHONPATH": str(scratch), "HYPOTHESIS_PROFILE": "ci",
           "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run([sys.executable, str(PROBE), *claims], env=env, capture_output=True,
                          text=True)
    outcome = "killed" if done.returncode != 0 else "survived"
    caught = done.stdout.strip().splitlines()[-1:] if outcome == "killed" else []
    return {**survivor, "module": module, "outcome": outcome, "caught": caught}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("modules", nargs="*", help="module names (e.g. local_reset)")
    parser.add_argument("--list", action="store_true")
    parser.add_argument("--tool", default=str(Path(sys.executable).parent),
                        help="folder holding the cosmic-ray executable")
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--out", default=None, help="write the JSON results here")
    parser.add_argument("--rev", default=None, help="score this commit instead of the tree")
    parser.add_argument("--shards", type=int, default=1,
                        help="split each module's mutants over this many parallel runs")
    parser.add_argument("--recheck", default=None, metavar="RESULTS",
                        help="re-run the survivors listed in an earlier --out file")
    args = parser.parse_args(argv)
    if args.recheck:
        rows = recheck(Path(args.recheck), args.rev)
        if args.out:
            Path(args.out).write_text(json.dumps(rows, indent=2))
        left = sum(r["outcome"] == "survived" for r in rows)
        print(f"{len(rows) - left}/{len(rows)} earlier survivors now killed", flush=True)
        return 0
    if args.list or not args.modules:
        for module, claims in MODULES.items():
            print(f"{module:<24} {' '.join(claims)}")
        return 0
    results = []
    for name in args.modules:
        module = f"spec/{name}.py"
        if module not in MODULES:
            print(f"general: error: unknown module {name!r} (see --list)", file=sys.stderr)
            return 2
        result = run_module(module, MODULES[module], Path(args.tool), args.timeout, args.rev,
                            max(1, args.shards))
        print(f"{module:<24} {result['killed']}/{result['mutants']} killed "
              f"(score {result['score']}), {len(result['survivors'])} survivors", flush=True)
        results.append(result)
        if args.out:  # after every module: a long run keeps what it has measured
            Path(args.out).write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
