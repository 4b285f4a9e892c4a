"""The outcome reward as a learner may see it: only on responses the oracle returned (GAP).

In outcome-reward post-training the reward is a verifier attached to the rollouts: the
learner learns `r(y)` for the responses it generated, never for a string it wrote itself
(otherwise it could test candidate answers without generating them, and root-start access
would not be root-start any more). `OutcomeReward` enforces that boundary beside an
`Oracle`: it answers `r(y)` only for a response `y` that appears, whole, in the oracle's
transcript, and raises `UnreturnedResponse` (recording nothing) for any other string.

>>> import random
>>> from genaccess.spec.access import access_model
>>> from genaccess.spec.hidden_path import HiddenPathFamily
>>> from genaccess.spec.kl_objective import path_reward
>>> from genaccess.spec.oracle import Oracle
>>> family = HiddenPathFamily(3, 2, "1/2")
>>> oracle = Oracle(family.generator((0, 1)), access_model("root-start/logprob"),
...                 rng=random.Random(0))
>>> reward = OutcomeReward(oracle, path_reward((0, 1)))
>>> y = tuple(report.token for report in oracle.rollout())
>>> reward(y) in (0, 1)
True
>>> other = (2, 2) if y != (2, 2) else (1, 1)
>>> reward(other)  # doctest: +IGNORE_EXCEPTION_DETAIL
Traceback (most recent call last):
genaccess.reference.outcome_reward.UnreturnedResponse: never returned by the oracle
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from genaccess.spec.errors import AccessError
from genaccess.spec.oracle import Oracle
from genaccess.spec.prefix import Response


class UnreturnedResponse(AccessError):
    """The reward was asked about a response the oracle never returned in full; nothing was
    recorded (the count of answered reward queries is unchanged)."""


class OutcomeReward:
    """`r(y)` for the responses `oracle` returned, and for nothing else.

    A response counts as returned when some answered query's start prefix followed by the
    tokens its reports show is a whole response of length `H` (every root-start rollout with
    a token-showing observation; a local-reset continuation to the end). The reward function
    itself is private: a learner holding this object can evaluate it only through `__call__`.
    """

    __slots__ = ("__returned", "__reward", "__seen_records", "answered", "oracle")

    def __init__(self, oracle: Oracle, reward: Callable[[Response], float]) -> None:
        self.oracle = oracle
        self.__reward = reward
        self.__returned: set[Response] = set()
        self.__seen_records = 0
        self.answered = 0
        """Number of reward queries answered."""

    def _refresh(self) -> None:
        transcript = self.oracle.transcript
        horizon = self.oracle.horizon
        for record in transcript[self.__seen_records:]:
            response = (*record.prefix, *record.visible_continuation())
            if len(response) == horizon:
                self.__returned.add(response)
        self.__seen_records = len(transcript)

    def is_returned(self, response: Sequence[int]) -> bool:
        """Whether the oracle has returned `response` whole (no reward is revealed)."""
        y = tuple(response)
        if y not in self.__returned and self.__seen_records < self.oracle.queries_used:
            self._refresh()
        return y in self.__returned

    def __call__(self, response: Sequence[int]) -> float:
        """`r(y)`; `UnreturnedResponse` if the oracle never returned `y`."""
        y = tuple(response)
        if not self.is_returned(y):
            raise UnreturnedResponse(
                f"outcome reward: {y!r} was never returned by the oracle; the reward is "
                "revealed only on sampled responses")
        self.answered += 1
        return float(self.__reward(y))
