"""LR's state machine: an oracle under local reset driven by random queries beside a
trivial model of the built set (docs/theory.md, LR).

The model (`model_built_by`) is written from the definitions of docs/theory.md (observation
types, the built set), apart from `Report.revealed`, `Report.token` and
`genaccess.spec.local_reset.built_by`, so that comparing the two catches a mistake in either
(a `full` report that reveals a zero-probability child, a `topk` report that shows its
continuation). The same machine checks LR on exact generators
(`genaccess.spec.claims.lr`) and on a real transformer (`tests/test_hf_oracle.py`).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import ClassVar

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from genaccess.spec.access import AccessModel, registered_access_models
from genaccess.spec.control import Control, LocalReset, RootStart
from genaccess.spec.errors import UnbuiltPrefix
from genaccess.spec.generator import Generator
from genaccess.spec.local_reset import is_local_reset
from genaccess.spec.observation import ObservationType, Report
from genaccess.spec.oracle import Oracle
from genaccess.spec.prefix import Prefix

DRIVEN_K = 2
DRIVEN_H = 3
DRIVEN_TABLE = {(): ("1/3", "2/3"), (1,): ("1", "0")}
"""The generator LR's oracle checks drive (K=2, H=3, rows `(1/2, 1/2)` elsewhere): at
`(1,)` token 1 has probability 0, so a `full` answer there must not build `(1, 1)`."""


def driven_generator() -> Generator:
    """LR's driven generator: `DRIVEN_TABLE` at `K = DRIVEN_K`, `H = DRIVEN_H`."""
    return Generator.from_table(DRIVEN_K, DRIVEN_H, DRIVEN_TABLE, default=("1/2", "1/2"))


def _beaten_by(probs: Sequence[Fraction], a: int) -> int:
    """How many tokens rank before `a`: more likely, or as likely with a lower index."""
    p = probs[a]
    return sum(1 for b, q in enumerate(probs) if q > p or (q == p and b < a))


def model_step(observation: ObservationType, probs: Sequence[Fraction], report: Report
               ) -> tuple[frozenset[int], int | None]:
    """LR, one step, from the definitions: the tokens `b` for which `v·b` becomes built at
    the visited prefix `v` whose next-token probabilities are `probs`, and the continuation
    token if the report shows it (`None`: nothing after this step is built).

    `sample`, `logprob`: the sampled token, shown; `full`: every token of positive
    probability under the generator, the sampled one shown; `topk(k)`: the `k` tokens
    ranked first (ties to the lower index), hidden; `top1`: the token ranked first, hidden;
    `noisy-sample`: the shown token, continuation hidden. A type with no definition here
    is taken at its report's word (`revealed`, `token`)."""
    family = observation.family
    if family in ("sample", "logprob"):
        sampled: int = report.sampled  # type: ignore[attr-defined]
        return frozenset((sampled,)), sampled
    if family == "full":
        return (frozenset(a for a, p in enumerate(probs) if p != 0),
                report.sampled)  # type: ignore[attr-defined]
    if family == "topk":
        k: int = observation.k  # type: ignore[attr-defined]
        return frozenset(a for a in range(len(probs)) if _beaten_by(probs, a) < k), None
    if family == "top1":
        return frozenset(a for a in range(len(probs)) if _beaten_by(probs, a) == 0), None
    if family == "noisy-sample":
        return frozenset((report.shown,)), None  # type: ignore[attr-defined]
    return report.revealed, report.token


def model_built_by(next_probs: Callable[[Prefix], Sequence[Fraction]], horizon: int,
                   observation: ObservationType, prefix: Prefix, reports: Sequence[Report]
                   ) -> set[Prefix]:
    """The prefixes an answered query `(prefix, len(reports))` builds, by `model_step`
    (`next_probs(v)`: the generator's next-token probabilities at `v`): each visited prefix
    and its named children, walking while the continuation is shown; only prefixes of length
    at most `H-1`."""
    built: set[Prefix] = set()
    visited = prefix
    for report in reports:
        named, shown = model_step(observation, next_probs(visited), report)
        built.add(visited)
        built.update((*visited, b) for b in named)
        if shown is None:
            break
        visited = (*visited, shown)
    return {v for v in built if len(v) < horizon}


def generator_rows(generator: Generator) -> Callable[[Prefix], Sequence[Fraction]]:
    """`v -> pi(.|v)` as a tuple of probabilities (for `model_built_by`)."""
    return lambda v: generator.next_token(v).probs


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
            self.model_built |= model_built_by(generator_rows(self.generator), H,
                                               self.oracle.access.observation, u, reports)

        @invariant()
        def built_sets_agree(self) -> None:
            if hasattr(self, "oracle"):
                assert self.oracle.built == frozenset(self.model_built)
                assert is_local_reset(self.oracle.transcript, self.generator.horizon)

    return LocalResetMachine
