"""The mutation catalogue stays applicable: every mutant still names code that exists exactly
once and claims that are registered (the gate itself, `tests/mutants/run.py`, runs in CI)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from genaccess.spec.claims import REGISTRY

RUNNER = Path(__file__).with_name("mutants") / "run.py"


def _runner() -> ModuleType:
    spec = importlib.util.spec_from_file_location("genaccess_mutation_runner", RUNNER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


RUN = _runner()


def test_catalogue_loads_and_every_mutant_applies_once() -> None:
    mutants = RUN.load()
    assert len(mutants) >= 40, len(mutants)


def test_every_mutant_names_registered_claims() -> None:
    known = set(REGISTRY.ids)
    for mutant in RUN.load():
        assert set(mutant.claims) <= known, (mutant.id, mutant.claims)
        assert mutant.file.startswith(("spec/", "reference/", "proofs/")), mutant.file


def test_loader_refuses_a_stale_or_ambiguous_mutant(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text(
        '[[mutant]]\nid = "x"\nfile = "spec/oracle.py"\nold = "no such text anywhere"\n'
        'new = "y"\nclaims = ["LR"]\nwhy = "stale"\n')
    with pytest.raises(ValueError, match="occurs 0 times"):
        RUN.load(tmp_path)
    (tmp_path / "a.toml").write_text(
        '[[mutant]]\nid = "x"\nfile = "spec/oracle.py"\nold = "self"\n'
        'new = "y"\nclaims = ["LR"]\nwhy = "ambiguous"\n')
    with pytest.raises(ValueError, match="must be exactly once"):
        RUN.load(tmp_path)
