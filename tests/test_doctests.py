"""The examples in docstrings run (so the documentation cannot rot).

Modules of `genaccess.reference.hf` need the hf extra (torch, transformers); without it they
are skipped, as the README promises, and everything else still runs.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import genaccess.proofs
import genaccess.reference
import genaccess.spec

HF_PACKAGE = "genaccess.reference.hf"


def _hf_extra_installed() -> bool:
    try:
        import torch  # noqa: F401
        import transformers  # noqa: F401
    except ImportError:
        return False
    return True


HF_EXTRA = _hf_extra_installed()


def _is_hf(name: str) -> bool:
    return name == HF_PACKAGE or name.startswith(HF_PACKAGE + ".")


# Without the extra, walking into genaccess.reference.hf fails to import it; pkgutil then
# lists the package itself but none of its modules, and the package is skipped below.
MODULES = sorted(
    info.name
    for package in (genaccess.spec, genaccess.reference, genaccess.proofs)
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + ".")
    if ".verify" not in info.name
)

SKIP_HF = pytest.mark.skipif(not HF_EXTRA, reason="needs the hf extra: pip install 'genaccess[hf]'")


@pytest.mark.parametrize("name", [
    pytest.param(name, marks=(SKIP_HF, pytest.mark.hf)) if _is_hf(name) else name
    for name in MODULES
])
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    failures, _ = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert failures == 0


def test_hf_modules_are_recognised() -> None:
    """The skip rule names the adapter's package and its modules, nothing else."""
    assert HF_PACKAGE in MODULES
    assert _is_hf(HF_PACKAGE) and _is_hf(HF_PACKAGE + ".transformer")
    assert not _is_hf("genaccess.reference.hf_like") and not _is_hf("genaccess.reference.cli")
