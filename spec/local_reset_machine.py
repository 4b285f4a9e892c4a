"""LR's state machine: an oracle under local reset driven by random queries beside a
trivial model of the built set (docs/theory.md, LR).

The same machine checks LR on exact generators (`genaccess.spec.claims.lr`) and on a real
transformer (`tests/test_hf_oracle.py`).
"""

from __future__ import annotations

import random
from typing import ClassVar

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from genaccess.spec.access import AccessModel, registered_access_models
from genaccess.spec.control import Control, LocalReset, RootStart
from genaccess.spec.errors import UnbuiltPrefix
from genaccess.spec.generator import Generator
from genaccess.spec.local_reset import is_local_reset
from genaccess.spec.oracle import Oracle
from genaccess.spec.prefix import Prefix


class CountingMachine(RuleBasedStateMachine):
    """A state machine that counts the steps it drove (`steps`, reset before a run)."""

    steps: ClassVar[int] = 0


def local_reset_machine(generator_strategy: st.SearchStrategy[Generator],
                        control: Control | None = None) -> type[CountingMachine]:
    """A state machine that drives a local-reset oracle (`control`, default `LocalReset()`)
    over generators drawn from `generator_strategy` beside a trivial model of the built set.
    The same machine checks the exact generators here and a real transformer
    (`tests/test_hf_oracle.py`)."""
    driven = control if control is not None else LocalReset()

    class LocalResetMachine(CountingMachine):
        generator: Generator
        oracle: Oracle
        model_built: set[Prefix]

        @initialize(g=generator_strategy, seed=st.integers(0, 2**32 - 1), data=st.data())
        def start(self, g: Generator, seed: int, data: st.DataObject) -> None:
            # Every registered observation type (so a new one is driven with no edit here).
            observations = [m.observation
                            for m in registered_access_models(g.vocab_size, g.horizon)
                            if isinstance(m.control, RootStart)]
            observation = data.draw(st.sampled_from(observations))
            self.generator = g
            self.oracle = Oracle(g, AccessModel(driven, observation), rng=random.Random(seed))
            self.model_built = {()}

        @rule(data=st.data())
        def query(self, data: st.DataObject) -> None:
            K, H = self.generator.vocab_size, self.generator.horizon
            type(self).steps += 1
            # Half the time a built prefix (to go deep), otherwise any prefix at all.
            if data.draw(st.booleans()):
                u = data.draw(st.sampled_from(sorted(self.model_built)))
            else:
                u = tuple(data.draw(st.lists(st.integers(0, K - 1), max_size=H - 1)))
            length = data.draw(st.integers(1, H - len(u)))
            before = (self.oracle.queries_used, self.oracle.tokens_generated,
                      self.oracle.forward_tokens, self.oracle.built)
            try:
                reports = self.oracle.query(u, length)
            except UnbuiltPrefix:
                assert u not in self.model_built, f"refused built prefix {u}"
                assert (self.oracle.queries_used, self.oracle.tokens_generated,
                        self.oracle.forward_tokens, self.oracle.built) == before
                return
            assert u in self.model_built, f"answered unbuilt prefix {u}"
            # The model: walk the visible continuation, adding visited prefixes and reveals.
            visited = u
            for report in reports:
                self.model_built.add(visited)
                self.model_built.update((*visited, a) for a in report.revealed)
                if report.token is None:
                    break
                visited = (*visited, report.token)
            self.model_built = {v for v in self.model_built if len(v) <= H - 1}

        @invariant()
        def built_sets_agree(self) -> None:
            if hasattr(self, "oracle"):
                assert self.oracle.built == frozenset(self.model_built)
                assert is_local_reset(self.oracle.transcript, self.generator.horizon)

    return LocalResetMachine
