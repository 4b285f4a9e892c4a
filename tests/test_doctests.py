"""The examples in docstrings run (so the documentation cannot rot)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import genaccess.proofs
import genaccess.reference
import genaccess.spec

MODULES = sorted(
    info.name
    for package in (genaccess.spec, genaccess.reference, genaccess.proofs)
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + ".")
    if ".verify" not in info.name
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    failures, _ = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert failures == 0
