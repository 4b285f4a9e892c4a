"""The package installs under the genaccess namespace only, and pytest loads nothing twice."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import genaccess.spec


def test_no_generic_top_level_module_is_importable_outside_the_checkout(tmp_path: Path) -> None:
    code = ("import importlib.util as u, genaccess.spec, genaccess.reference, genaccess.proofs;"
            "print([n for n in ('spec','reference','proofs') if u.find_spec(n)])")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                         text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_spec_is_never_a_second_copy_of_genaccess_spec() -> None:
    # pytest's importlib mode runs spec/__init__.py by path as `spec`; it must alias.
    twin = sys.modules.get("spec")
    assert twin is None or twin is genaccess.spec
    doubles = [name for name, module in sys.modules.items()
               if name.startswith("spec.") and getattr(module, "__file__", None)
               and not Path(module.__file__ or "").name.startswith("test_")]
    assert doubles == []


def test_type_information_is_shipped() -> None:
    import importlib

    for package in ("genaccess.spec", "genaccess.reference", "genaccess.proofs"):
        module_file = importlib.import_module(package).__file__
        assert module_file is not None
        assert (Path(module_file).parent / "py.typed").is_file(), package


def test_every_source_package_is_listed_for_installation() -> None:
    import tomllib

    root = Path(__file__).resolve().parent.parent
    config = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(config["packages"])
    mapping = {folder: package for package, folder in config["package-dir"].items()}
    found = set()
    for folder, package in mapping.items():
        for init in (root / folder).rglob("__init__.py"):
            relative = init.parent.relative_to(root / folder).parts
            found.add(".".join((package, *relative)))
    assert found == listed
