"""`genaccess simulate FAMILY ...`: run a learner through the oracle many times and report its
mean number of queries and its success rate with a Clopper-Pearson interval.

Each family is a module with `FAMILY` (its name) and `register_family(families)`, which adds
its sub-parser and sets `run`; `FAMILIES` below is the one list of them, so adding a family is
one entry here.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

from genaccess.reference.commands import (
    simulate_hidden_path,
    simulate_leader_trie,
    simulate_planted,
)

FAMILIES: tuple[ModuleType, ...] = (simulate_hidden_path, simulate_leader_trie,
                                     simulate_planted)


def register(sub: Any) -> None:
    parser = sub.add_parser("simulate", help="run a learner through the oracle many times",
                            description=__doc__)
    families = parser.add_subparsers(dest="family", required=True, metavar="FAMILY")
    for family in FAMILIES:
        family.register_family(families)
