"""`genaccess bounds FAMILY ...`: the closed-form numbers of a family's claims (no sampling).

Each family is a module with `FAMILY` (its name) and `register_family(families)`; `FAMILIES`
below is the one list of them.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

from genaccess.reference.commands import bounds_hidden_path

FAMILIES: tuple[ModuleType, ...] = (bounds_hidden_path,)


def register(sub: Any) -> None:
    parser = sub.add_parser("bounds", help="closed-form bounds of a family (exact, no sampling)",
                            description=__doc__)
    families = parser.add_subparsers(dest="family", required=True, metavar="FAMILY")
    for family in FAMILIES:
        family.register_family(families)
