"""The one learner table: every reference learner's name, function, access model and the
claim it realises.

`genaccess simulate`, `genaccess gap` and the claim checks read a learner's access model
from here, so it is written once. A learner is registered under the family it solves; the
same name may appear in two families (``logits`` for the hidden path and the leader trie).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs

from genaccess.reference.adaptive_cps import adaptive_cps
from genaccess.reference.bfs_trie import bfs_trie
from genaccess.reference.cps_path import cps_path
from genaccess.reference.logits_learner import logits_path, top1_path
from genaccess.reference.root_start_learner import root_start_map
from genaccess.reference.trie_logits_learner import logits_trie
from genaccess.reference.trie_top1_learner import top1_trie
from genaccess.spec.access import AccessModel, access_model


@attrs.frozen
class Learner:
    """A reference learner: `function` takes an oracle (then its own parameters) and is run
    on an oracle of `access`; `claim` is the registered claim whose guarantee it realises."""

    name: str
    family: str
    function: Callable[..., Any] = attrs.field(eq=False, repr=False)
    access: str
    claim: str

    @property
    def access_model(self) -> AccessModel:
        return access_model(self.access)


HIDDEN_PATH = "hidden-path"
LEADER_TRIE = "leader-trie"

LEARNERS: tuple[Learner, ...] = (
    Learner("root-start", HIDDEN_PATH, root_start_map, "root-start/full", "HP1"),
    Learner("cps", HIDDEN_PATH, cps_path, "local-reset/sample", "HP2"),
    Learner("adaptive-cps", HIDDEN_PATH, adaptive_cps, "local-reset/sample", "HP2"),
    Learner("logits", HIDDEN_PATH, logits_path, "local-reset/full", "HP3"),
    Learner("top1", HIDDEN_PATH, top1_path, "local-reset/top1", "HP3"),
    Learner("bfs", LEADER_TRIE, bfs_trie, "local-reset/sample", "LT2"),
    Learner("logits", LEADER_TRIE, logits_trie, "local-reset/full", "LT2"),
    Learner("top1", LEADER_TRIE, top1_trie, "local-reset/top1", "LT3"),
)


def learners(family: str) -> tuple[Learner, ...]:
    """The learners of one family, in table order."""
    return tuple(entry for entry in LEARNERS if entry.family == family)


def learner(family: str, name: str) -> Learner:
    """The entry for `name` in `family` (`KeyError` naming both when there is none)."""
    for entry in learners(family):
        if entry.name == name:
            return entry
    raise KeyError(f"no learner {name!r} for the {family} family")
