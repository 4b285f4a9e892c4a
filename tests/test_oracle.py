"""The oracle as a capability boundary: counting, transcripts, built sets and refusals."""

from __future__ import annotations

from random import Random

import pytest

from genaccess.spec import (
    BudgetExceeded,
    ForbiddenStart,
    Generator,
    InvalidDefinition,
    InvalidQuery,
    Oracle,
    UnbuiltPrefix,
)
from genaccess.spec.access import access_model
from genaccess.spec.local_reset import built_set, first_lr_violation, is_local_reset
from genaccess.spec.observation import SampleReport, Top1Report
from genaccess.spec.transcript import QueryRecord

G = Generator.from_table(2, 3, {(): ("1/3", "2/3")}, default=("1/2", "1/2"))


def _state(oracle: Oracle) -> tuple[object, ...]:
    return (oracle.transcript, oracle.built, oracle.queries_used, oracle.tokens_generated)


def test_oracle_counts_queries_and_tokens() -> None:
    oracle = Oracle(G, access_model("arbitrary-prefix/sample"), rng=Random(1))
    oracle.query((1, 0), 1)
    oracle.query((), 3)
    assert oracle.queries_used == 2
    assert oracle.tokens_generated == 4
    assert [r.prefix for r in oracle.transcript] == [(1, 0), ()]


def test_oracle_never_exposes_the_generator() -> None:
    oracle = Oracle(G, access_model("local-reset/full"), rng=Random(0))
    public = {name for name in dir(oracle) if not name.startswith("_")}
    assert public == {"access", "admits", "budget", "built", "forward_tokens", "horizon", "query",
                      "queries_used", "rollout", "tokens_generated", "transcript", "vocab_size"}
    # A metered rule's counter is a number, never a handle on the rule or the model.
    assert oracle.forward_tokens is None


def test_root_start_refuses_non_root_and_partial_queries() -> None:
    oracle = Oracle(G, access_model("root-start/logprob"), rng=Random(0))
    with pytest.raises(ForbiddenStart, match="start at the root"):
        oracle.query((0,), 2)
    with pytest.raises(ForbiddenStart, match="whole response of length H = 3"):
        oracle.query((), 1)
    assert oracle.queries_used == 0 and oracle.transcript == ()
    assert len(oracle.rollout()) == 3


def test_LR_local_reset_refuses_unbuilt_prefix_and_records_nothing() -> None:
    oracle = Oracle(G, access_model("local-reset/sample"), rng=Random(3))
    (first,) = oracle.query((), 1)
    assert isinstance(first, SampleReport)
    other = 1 - first.sampled
    before = _state(oracle)
    with pytest.raises(UnbuiltPrefix, match=rf"prefix \({other},\) has not been built"):
        oracle.query((other,), 1)
    assert _state(oracle) == before
    assert oracle.admits((first.sampled,)) and not oracle.admits((other,))
    oracle.query((first.sampled,), 1)
    assert is_local_reset(oracle.transcript, 3)


@pytest.mark.parametrize(("prefix", "length", "field"), [
    ((0, 0, 0), 1, "prefix"), ((2,), 1, r"prefix\[0\]"), ((0,), 3, "length"),
    ((), 0, "length"), ((-1,), 1, r"prefix\[0\]"), ("01", 1, "prefix"),
])
def test_invalid_query_raises_and_records_nothing(prefix: object, length: int, field: str) -> None:
    oracle = Oracle(G, access_model("arbitrary-prefix/sample"), rng=Random(0))
    with pytest.raises(InvalidQuery, match=rf"^{field}: "):
        oracle.query(prefix, length)  # type: ignore[arg-type]
    assert _state(oracle) == ((), frozenset({()}), 0, 0)


def test_budget_overrun_raises_and_records_nothing() -> None:
    oracle = Oracle(G, access_model("root-start/sample"), rng=Random(0), budget=2)
    oracle.rollout()
    oracle.rollout()
    before = _state(oracle)
    with pytest.raises(BudgetExceeded, match="budget of 2 queries is used up"):
        oracle.rollout()
    assert _state(oracle) == before


@pytest.mark.parametrize("budget", [-1, 1.5, True])
def test_invalid_budget(budget: object) -> None:
    with pytest.raises(InvalidDefinition, match=r"^budget: must be None or an integer >= 0"):
        Oracle(G, access_model("root-start/sample"), rng=Random(0), budget=budget)  # type: ignore[arg-type]


def test_same_seed_same_transcript() -> None:
    def run(seed: int) -> object:
        oracle = Oracle(G, access_model("root-start/full"), rng=Random(seed))
        for _ in range(5):
            oracle.rollout()
        return oracle.transcript

    assert run(7) == run(7)


def test_LR_top1_hides_the_continuation_so_only_the_root_children_it_names_are_built() -> None:
    oracle = Oracle(G, access_model("local-reset/top1"), rng=Random(0))
    reports = oracle.query((), 3)
    assert all(isinstance(r, Top1Report) for r in reports)
    assert oracle.built == {(), (1,)}  # argmax at the root is 1 (2/3); later steps are hidden


def test_LR_built_set_includes_revealed_children_and_visited_prefixes() -> None:
    record = QueryRecord((), 2, (SampleReport(1), SampleReport(0)))
    assert built_set([record], 3) == {(), (1,), (1, 0)}
    assert built_set([record], 2) == {(), (1,)}  # (1, 0) is a response when H = 2


def test_LR_predicate_points_at_the_first_violation() -> None:
    ok = QueryRecord((), 1, (SampleReport(0),))
    bad = QueryRecord((1,), 1, (SampleReport(0),))
    assert first_lr_violation([ok, bad], 3) == 1
    assert first_lr_violation([ok, QueryRecord((0,), 1, (SampleReport(1),))], 3) is None
