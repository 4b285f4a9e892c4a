"""The layer rules of `genaccess.spec.registry`, enforced on the source tree.

1. Imports go one way: core spec -> proofs and reference learners -> spec.claims -> CLI and
   blueprint. A module may import its own layer or a lower one, never a higher one.
2. A claim module (`spec/claims/<id>.py`) holds only its statement, its checks (`check_*`),
   private glue for them, UPPER_CASE domain constants and `CLAIM`: it defines no predicate
   (`is_*` / `compute_*`, public or private) and no learner (a function taking an `Oracle`,
   except a deliberately broken one for a power check, named `_broken_*`), and imports the
   reference layer at module top where the import order is visible.

Each rule is shown to catch a violating source in the same file (a rule that cannot fail is
no rule).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = {"spec": "genaccess.spec", "reference": "genaccess.reference",
           "proofs": "genaccess.proofs"}

CORE, LEARNERS, CLAIMS, FRONT = 0, 1, 2, 3
LAYER_NAMES = {CORE: "core spec", LEARNERS: "proofs and reference learners",
               CLAIMS: "spec.claims", FRONT: "CLI and blueprint"}


def layer(module: str) -> int | None:
    """The layer of a `genaccess.*` module name (`None` outside the package)."""
    if not module.startswith("genaccess."):
        return None
    if module.startswith("genaccess.spec.claims"):
        return CLAIMS
    if module.startswith("genaccess.spec.verify"):
        return FRONT  # the pytest entry point over the registry
    if module.startswith("genaccess.spec"):
        return CORE
    if module.startswith(("genaccess.reference.cli", "genaccess.reference.commands",
                          "genaccess.reference.blueprint")):
        return FRONT
    return LEARNERS  # genaccess.reference.*, genaccess.proofs.*


def module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join([FOLDERS[parts[0]], *parts[1:]])


def imported_modules(tree: ast.AST) -> list[tuple[str, int]]:
    """Every `genaccess` module a source imports, with the line."""
    found: list[tuple[str, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, node.lineno))
        elif isinstance(node, ast.Import):
            found.extend((alias.name, node.lineno) for alias in node.names)
    return [(m, line) for m, line in found if m.startswith("genaccess.")]


def layer_violations(name: str, source: str) -> list[str]:
    own = layer(name)
    assert own is not None
    problems = []
    for imported, line in imported_modules(ast.parse(source)):
        other = layer(imported)
        if other is not None and other > own:
            problems.append(f"{name}:{line} ({LAYER_NAMES[own]}) imports {imported} "
                            f"({LAYER_NAMES[other]})")
    return problems


def claim_module_violations(name: str, source: str) -> list[str]:
    tree = ast.parse(source)
    problems = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            bare = node.name.lstrip("_")
            if bare.startswith(("is_", "compute_")):
                problems.append(f"{name}: defines predicate {node.name}")
            elif not (node.name.startswith("check_") or node.name.startswith("_")):
                problems.append(f"{name}: public function {node.name} is not a check_*")
            # A deliberately broken learner for a power check is glue, and says so by name.
            if not node.name.startswith("_broken") and any(
                    arg.annotation is not None
                    and ast.unparse(arg.annotation).split(".")[-1] in {"Oracle", "'Oracle'"}
                    for arg in node.args.args):
                problems.append(f"{name}: {node.name} takes an Oracle (a learner)")
        elif isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
            problems.append(f"{name}: public class {node.name}")
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for inner in ast.walk(node):
                if (isinstance(inner, ast.ImportFrom) and inner.module
                        and inner.module.startswith("genaccess.reference")):
                    problems.append(f"{name}:{inner.lineno}: imports {inner.module} inside "
                                    f"{node.name} (import at module top)")
    return problems


def sources() -> list[tuple[str, Path]]:
    return sorted((module_name(p), p) for folder in FOLDERS
                  for p in (ROOT / folder).rglob("*.py"))


def claim_sources() -> list[tuple[str, Path]]:
    return [(n, p) for n, p in sources()
            if n.startswith("genaccess.spec.claims.") and p.name != "__init__.py"]


@pytest.mark.parametrize(("name", "path"), sources(), ids=[n for n, _ in sources()])
def test_imports_follow_the_layers(name: str, path: Path) -> None:
    assert layer_violations(name, path.read_text()) == []


@pytest.mark.parametrize(("name", "path"), claim_sources(), ids=[n for n, _ in claim_sources()])
def test_claim_module_holds_only_statement_checks_and_record(name: str, path: Path) -> None:
    assert claim_module_violations(name, path.read_text()) == []


def test_claim_modules_are_found() -> None:
    assert len(claim_sources()) >= 17


def test_layer_rule_catches_an_upward_import() -> None:
    assert layer_violations("genaccess.spec.oracle",
                            "from genaccess.reference.cps_path import cps_path\n")
    assert layer_violations("genaccess.reference.cps_path",
                            "import genaccess.spec.claims.hp2\n")
    assert layer_violations("genaccess.spec.claims.hp2",
                            "from genaccess.reference.cli import main\n")
    assert not layer_violations("genaccess.spec.claims.hp2",
                                "from genaccess.reference.cps_path import cps_path\n")
    assert not layer_violations("genaccess.reference.commands.check",
                                "from genaccess.spec.claims import REGISTRY\n")


def test_claim_rule_catches_a_predicate_a_learner_and_a_hidden_import() -> None:
    bad = '''
from genaccess.spec.oracle import Oracle

def is_HP9(x: int) -> bool:
    return True

def _compute_thing() -> int:
    return 1

def greedy(oracle: Oracle) -> int:
    return 0

class Helper:
    pass

def check_HP9() -> None:
    from genaccess.reference.cps_path import cps_path
'''
    problems = claim_module_violations("genaccess.spec.claims.hp9", bad)
    assert len(problems) == 6, problems
    good = ("def check_x() -> None:\n    pass\n"
            "def _broken_cps(oracle: Oracle) -> int:\n    return 0\nCLAIM = 1\n")
    assert claim_module_violations("genaccess.spec.claims.hp9", good) == []
