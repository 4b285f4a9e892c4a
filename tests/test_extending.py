"""docs/extending.md's worked example runs: every code block on the page is a doctest."""

from __future__ import annotations

import doctest
from pathlib import Path

from genaccess.reference.blueprint import repository_root

PAGE = repository_root() / "docs" / "extending.md"


def test_extending_page_examples_run() -> None:
    from genaccess.spec import access

    saved = access.OBSERVATION_TYPES
    try:
        failures, attempted = doctest.testfile(str(PAGE), module_relative=False,
                                               optionflags=doctest.ELLIPSIS)
    finally:
        access.OBSERVATION_TYPES = saved  # the page swaps the tuple; never leak a failure
    assert attempted > 20
    assert failures == 0


def test_extending_page_exists_beside_the_blueprint() -> None:
    assert Path(PAGE).is_file()


def test_extending_page_says_where_new_code_goes() -> None:
    """The page tells a contributor the install and the places a new model touches."""
    text = Path(PAGE).read_text()
    for needed in ("pip install -e", "spec/<topic>.py", "spec/claims/<id>.py",
                   "spec/claims/__init__.py", "reference/learners.py", "tests/test_layers.py"):
        assert needed in text, needed
