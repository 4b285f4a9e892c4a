"""Shared by the benchmarks that time an earlier commit beside the working tree: lay out
that commit's packages read-only, importable as `genaccess.*` from a `PYTHONPATH` entry."""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def extract(revision: str, folder: Path) -> str:
    """The packages of `revision`, laid out as `genaccess/...` under `folder`."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", revision, "spec",
                              "reference", "proofs"], capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive.stdout, check=True)
    package = folder / "genaccess"
    package.mkdir()
    for name in ("spec", "reference", "proofs"):
        (package / name).symlink_to(folder / name)
    return str(folder)
