"""The oracle: the capability boundary between a learner and a generator.

A learner receives an `Oracle`, never a `Generator`. The oracle answers queries under its
access model, counts queries and generated tokens, keeps the transcript and the built set.
A query it refuses raises an `AccessError` subclass and leaves every counter, the transcript
and the built set exactly as they were.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from genaccess.spec.access import AccessModel
from genaccess.spec.chance import Chooser, as_chooser
from genaccess.spec.errors import AccessError, BudgetExceeded, InvalidDefinition, InvalidQuery
from genaccess.spec.generator import Generator, forward_tokens_of
from genaccess.spec.local_reset import BuiltSet
from genaccess.spec.observation import Report
from genaccess.spec.prefix import Prefix, check_prefix, is_plain_prefix
from genaccess.spec.transcript import QueryRecord, Transcript


class Oracle:
    """Answers queries to a hidden generator under an access model.

    `forward_tokens` reports the model positions computed for this oracle's queries when the
    generator runs a metered model (`genaccess.reference.hf`), else `None`.

    `rng` is the only source of randomness (a `random.Random`, or a `Chooser` such as the
    one `exact_law` uses to enumerate every outcome). `budget` caps the number of queries.

    Refusals (nothing is recorded when one is raised):
    - `InvalidQuery`: prefix not a tuple of tokens in `0..K-1`, longer than `H-1`, or a
      continuation length outside `1..H-|u|`;
    - `ForbiddenStart`: the control level forbids the start (root-start: not `((), H)`);
    - `UnbuiltPrefix`: local reset and the prefix is not built (a `ForbiddenStart`);
    - `BudgetExceeded`: the query would be number `budget + 1`.
    """

    __slots__ = ("__budget", "__built", "__chooser", "__forward", "__generator", "__plain",
                 "__tokens", "__transcript", "access")

    def __init__(
        self,
        generator: Generator,
        access: AccessModel,
        *,
        rng: random.Random | Chooser,
        budget: int | None = None,
    ) -> None:
        if not isinstance(generator, Generator):
            raise InvalidDefinition("generator", "must be a Generator", type(generator).__name__)
        if not isinstance(access, AccessModel):
            raise InvalidDefinition("access", "must be an AccessModel", type(access).__name__)
        access.observation.check_vocab(generator.vocab_size)
        if budget is not None and (isinstance(budget, bool) or not isinstance(budget, int)
                                   or budget < 0):
            raise InvalidDefinition("budget", "must be None or an integer >= 0", budget)
        self.access = access
        self.__generator = generator
        self.__chooser = as_chooser(rng)
        self.__budget = budget
        self.__transcript: list[QueryRecord] = []
        self.__built = BuiltSet(generator.horizon)
        self.__tokens = 0
        self.__forward: int | None = 0 if forward_tokens_of(generator) is not None else None
        # The prefix object of the last answered query when it is a tuple of plain ints: a
        # query at that very object needs no check of its tokens (a tuple cannot change),
        # and one at a child of it only the last token's range (`is_plain_prefix`).
        self.__plain: Prefix | None = None

    # What a learner may know about the problem: its shape, never its rule.
    @property
    def vocab_size(self) -> int:
        return self.__generator.vocab_size

    @property
    def horizon(self) -> int:
        return self.__generator.horizon

    @property
    def budget(self) -> int | None:
        return self.__budget

    @property
    def queries_used(self) -> int:
        return len(self.__transcript)

    @property
    def tokens_generated(self) -> int:
        return self.__tokens

    @property
    def forward_tokens(self) -> int | None:
        """Model positions computed to answer this oracle's queries, when the generator's
        rule meters them (a real model behind a cache); `None` for an exact generator."""
        return self.__forward

    @property
    def transcript(self) -> Transcript:
        return tuple(self.__transcript)

    @property
    def built(self) -> frozenset[Prefix]:
        return frozenset(self.__built)

    def admits(self, prefix: Sequence[int], length: int = 1) -> bool:
        """Whether `query(prefix, length)` would be answered (the query is not made)."""
        try:
            self._vet(prefix, length)
        except AccessError:
            return False
        return True

    def _vet(self, prefix: Sequence[int], length: int) -> tuple[Prefix, bool]:
        """The validated prefix, and whether it is a tuple of plain ints (checked in C)."""
        generator = self.__generator
        horizon = generator.horizon
        known = self.__plain
        if prefix is known or is_plain_prefix(prefix, generator.vocab_size, horizon, known):
            u: Prefix = prefix  # type: ignore[assignment]  # a tuple of ints, checked
            plain = True
        else:  # the full check: it accepts what is valid and names the first bad entry
            try:
                u = check_prefix(prefix, generator.vocab_size, horizon)
            except InvalidDefinition as err:
                raise InvalidQuery(err.field, err.rule, err.value) from None
            plain = False
        if isinstance(length, bool) or not isinstance(length, int) or not (
            1 <= length <= horizon - len(u)
        ):
            raise InvalidQuery("length", f"must be an integer in 1..H-|u| = {horizon - len(u)}",
                               length)
        # The live set, not a copy: controls only read it (a copy per query would be O(n^2)).
        refusal = self.access.control.refusal(u, length, horizon, self.__built)
        if refusal is not None:
            raise refusal
        if self.__budget is not None and len(self.__transcript) >= self.__budget:
            raise BudgetExceeded(f"query budget of {self.__budget} queries is used up")
        return u, plain

    def query(self, prefix: Sequence[int] = (), length: int = 1) -> tuple[Report, ...]:
        """Continue `length` tokens from `prefix`; one report per visited prefix."""
        u, plain = self._vet(prefix, length)
        generator = self.__generator
        observation = self.access.observation
        reports: list[Report] = []
        meter = forward_tokens_of(generator) if self.__forward is not None else None
        visited = u
        for step in range(length):
            # `_vet` checked `u`, and every later prefix is `u` plus drawn tokens: the
            # generator need not check them again.
            dist = generator._next_token_trusted(visited)
            token, report = observation.step(dist, self.__chooser)
            reports.append(report)
            if step + 1 < length:
                visited = (*visited, token)
        record = QueryRecord(u, length, tuple(reports))
        self.__transcript.append(record)
        self.__built.add(record, plain=plain)
        if plain:
            self.__plain = u
        self.__tokens += length
        if self.__forward is not None and meter is not None:
            self.__forward += (forward_tokens_of(self.__generator) or 0) - meter
        return record.reports

    def rollout(self) -> tuple[Report, ...]:
        """A root-start query: a whole response from the root, one report per step."""
        return self.query((), self.horizon)

