"""Issue 13: the oracle's per-query work, made cheaper without changing what it decides.

Each speed-up is checked against the code it replaces (kept here as the reference):
- the trusted path `Generator._next_token_trusted` gives what `next_token` gives;
- the oracle's fast prefix check (`is_plain_prefix`, identity with the last answered
  prefix) refuses exactly what `check_prefix` refuses, with the same error, records nothing
  on a refusal, and answers with the same transcript as the full check (list prefixes
  always take the full check);
- the built set's identity shortcuts keep the LR rule (against a plain recomputation);
- `planted_stage` equals the formula it replaces;
- `StageTally` decides exactly as `sequential_decision` on every count vector reached, and
  the adaptive learner's transcripts equal those of the old learner that rescanned the
  counts after every sample.
Each has a power check: a deliberately broken variant that the same test rejects.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Iterator, Sequence
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import genaccess.spec.oracle as oracle_module
from genaccess.reference.adaptive_cps import sequential_cps
from genaccess.reference.cps_path import sample_once, walk_stages
from genaccess.reference.hidden_path_sampling import path_generator
from genaccess.spec.access import access_model
from genaccess.spec.chance import exact_law
from genaccess.spec.distribution import Distribution
from genaccess.spec.errors import AccessError, InvalidDefinition, InvalidQuery
from genaccess.spec.generator import Generator
from genaccess.spec.hidden_path import HiddenPathFamily, grid_alpha
from genaccess.spec.oracle import Oracle
from genaccess.spec.planted import planted_generator, planted_stage
from genaccess.spec.prefix import Prefix, all_prefixes, check_prefix, is_plain_prefix
from genaccess.spec.sequential_test import (
    PosteriorTest,
    SequentialTest,
    StageTally,
    StageTest,
    compute_adaptive_parameters,
    compute_posterior_parameters,
    sequential_decision,
)
from genaccess.spec.strategies import generators
from genaccess.spec.transcript import QueryRecord

ACCESS = ("local-reset/sample", "local-reset/full", "local-reset/topk(2)", "local-reset/top1",
          "arbitrary-prefix/logprob", "arbitrary-prefix/sample", "root-start/sample")


def _state(oracle: Oracle) -> tuple[object, ...]:
    return (oracle.transcript, oracle.built, oracle.queries_used, oracle.tokens_generated)


# -- the trusted path ------------------------------------------------------------------------

@settings(max_examples=60)
@given(generators(max_vocab=3, max_horizon=3), st.integers(0, 2**32 - 1))
def test_trusted_next_token_equals_the_checked_one(generator: Generator, seed: int) -> None:
    K, H = generator.vocab_size, generator.horizon
    z = tuple(random.Random(seed).randrange(K) for _ in range(H))
    planted = planted_generator(generator, z, Fraction(3, 5))
    for g in (generator, planted):
        for u in all_prefixes(K, H):
            assert g._next_token_trusted(u) == g.next_token(u) == g.next_token(list(u))


def test_public_next_token_still_checks_its_prefix() -> None:
    g = Generator.from_table(2, 3, {}, default=("1/2", "1/2"))
    planted = planted_generator(g, (0, 1, 0), Fraction(2, 3))
    for bad, field in (((2,), r"prefix\[0\]"), ((0, 1.0), r"prefix\[1\]"), ((0, 0, 0), "prefix"),
                       ((True,), r"prefix\[0\]")):
        for generator in (g, planted):
            with pytest.raises(InvalidDefinition, match=rf"^{field}: "):
                generator.next_token(bad)  # type: ignore[arg-type]


def test_trusted_path_still_checks_the_rules_answer() -> None:
    g = Generator.from_rule(3, 2, lambda u: Distribution(("1/2", "1/2")))
    with pytest.raises(InvalidDefinition, match="needs exactly K = 3 entries"):
        g._next_token_trusted(())
    h = Generator.from_rule(2, 2, lambda u: ("1/2", "1/3"))  # type: ignore[arg-type,return-value]
    with pytest.raises(InvalidDefinition, match=r"^rule\(\(\)\)\.probs: must sum to exactly 1"):
        h._next_token_trusted(())


# -- planted_stage against the formula it replaces -------------------------------------------

def _old_planted_stage(base: Distribution, token: int, alpha: Fraction) -> Distribution:
    n, d = alpha.numerator, alpha.denominator
    weights = [(d - n) * w for w in base.weights]
    weights[token] += n * base.denominator
    return Distribution.from_weights(weights, d * base.denominator)


PLANTED_ALPHAS = tuple(Fraction(a) for a in ("51/100", "3/5", "2/3", "3/4", "4/5", "5/6",
                                             "7/8", "9/10", "5/9", "7/12", "99/100"))


def test_planted_stage_equals_the_old_formula_exhaustively() -> None:
    """Every base with weights in 0..5 (K = 2, 3), every token and tilt: equal weights and
    denominators; both ways of dividing out the common factor are taken."""
    split = {True: 0, False: 0}
    for K in (2, 3):
        for weights in itertools.product(range(6), repeat=K):
            if not any(weights):
                continue
            base = Distribution.from_weights(weights)
            for token in range(K):
                for alpha in PLANTED_ALPHAS:
                    new, old = planted_stage(base, token, alpha), _old_planted_stage(
                        base, token, alpha)
                    assert (new.weights, new.denominator) == (old.weights, old.denominator)
                    n, d = alpha.numerator, alpha.denominator
                    common = (old.weights[token] and
                              ((d - n) * base.weights[token] + n * base.denominator)
                              // old.weights[token])
                    split[(d - n) % common == 0] += 1
    assert split[True] and split[False], split


def test_planted_stage_equals_the_old_formula_at_scale() -> None:
    rng = random.Random(0)
    for K in (50, 1000):
        for _ in range(20):
            factor = rng.choice((1, 2, 3, 6))
            weights = [factor * rng.randrange(1 << 40) for _ in range(K)]
            token = rng.randrange(K)
            weights[token] = rng.randrange(1 << 40)
            base = Distribution.from_weights(weights)
            alpha = rng.choice(PLANTED_ALPHAS)
            assert planted_stage(base, token, alpha) == _old_planted_stage(base, token, alpha)


# -- the oracle's prefix check ---------------------------------------------------------------

class _Token(int):
    """An int subclass: `check_prefix` accepts it, so the oracle must too (the slow path)."""


def _expected_refusal(prefix: object, K: int, H: int) -> str | None:
    """The message `check_prefix` (the reference) gives, as the oracle words it."""
    try:
        check_prefix(prefix, K, H)
    except InvalidDefinition as err:
        return str(InvalidQuery(err.field, err.rule, err.value))
    return None


def _impostors(u: Prefix, K: int) -> Iterator[object]:
    """Prefixes equal (or nearly) to `u` or to a child of it that `check_prefix` refuses, or
    accepts only by its full check."""
    child = (*u, 0)
    for i in range(len(child)):
        for wrong in (float(child[i]), bool(child[i] % 2), Fraction(child[i]), str(child[i]),
                      complex(child[i]), _Token(child[i]), None):
            yield (*child[:i], wrong, *child[i + 1:])
            if i < len(u):
                yield (*u[:i], wrong, *u[i + 1:])
    yield (*u, K)
    yield (*u, -1)
    yield (*u, 0, 0, 0, 0, 0, 0)
    yield list(child)
    yield [*u[:-1], float(u[-1])] if u else [0.0]


@pytest.mark.parametrize("access", ["local-reset/sample", "arbitrary-prefix/sample"])
def test_refusals_after_a_fast_query_are_those_of_check_prefix(access: str) -> None:
    K, H = 3, 6
    g = Generator.from_table(K, H, {}, default=("1/3", "1/3", "1/3"))
    oracle = Oracle(g, access_model(access), rng=random.Random(0))
    u: Prefix = ()
    for _ in range(3):
        (report,) = oracle.query(u, 1)
        u = (*u, report.token)  # type: ignore[arg-type]
    oracle.query(u, 1)  # u is now the oracle's last answered (plain) prefix
    checked = 0
    for bad in _impostors(u, K):
        before = _state(oracle)
        expected = _expected_refusal(bad, K, H)
        if expected is None:  # accepted by the full check: answered as it would be
            if oracle.admits(bad):  # type: ignore[arg-type]
                oracle.query(bad, 1)  # type: ignore[arg-type]
                assert oracle.transcript[-1].prefix == tuple(bad)  # type: ignore[arg-type]
            continue
        with pytest.raises(InvalidQuery) as caught:
            oracle.query(bad, 1)  # type: ignore[arg-type]
        assert str(caught.value) == expected, bad
        assert not oracle.admits(bad)  # type: ignore[arg-type]
        assert _state(oracle) == before
        checked += 1
    assert checked >= 30


def _broken_is_plain_prefix(prefix: object, vocab_size: int, horizon: int,
                            parent: Prefix | None = None) -> bool:
    """A deliberately broken fast check: it trusts equality with the parent and skips the
    type test, so `(1.0,)` passes for `(1,)`."""
    if type(prefix) is not tuple or len(prefix) > horizon - 1:
        return False
    if parent is not None and len(prefix) == len(parent) + 1 and prefix[:-1] == parent:
        return bool(0 <= prefix[-1] < vocab_size)
    return is_plain_prefix(prefix, vocab_size, horizon, parent)


def test_refusal_test_has_power(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(oracle_module, "is_plain_prefix", _broken_is_plain_prefix)
    with pytest.raises((AssertionError, AccessError)):  # an impostor is let through
        test_refusals_after_a_fast_query_are_those_of_check_prefix("local-reset/sample")


@settings(max_examples=40)
@given(st.sampled_from((2, 3, 40, 300)), st.integers(1, 8), st.integers(0, 2**32 - 1))
def test_is_plain_prefix_agrees_with_check_prefix(K: int, H: int, seed: int) -> None:
    rng = random.Random(seed)
    parent: Prefix | None = None
    for _ in range(30):
        length = rng.randrange(H + 1)
        tokens: list[object] = [rng.randrange(-1, K + 1) for _ in range(length)]
        if tokens and rng.random() < 0.3:
            tokens[rng.randrange(length)] = rng.choice((1.0, True, _Token(1), "1", None))
        if parent is not None and rng.random() < 0.5:
            tokens = [*parent, rng.randrange(-1, K + 1)]
        prefix = tuple(tokens) if rng.random() < 0.8 else tokens
        plain = is_plain_prefix(prefix, K, H, parent)
        if plain:
            assert check_prefix(prefix, K, H) is prefix
            parent = prefix  # type: ignore[assignment]
        elif all(type(a) is int for a in tokens) and type(prefix) is tuple:
            assert _expected_refusal(prefix, K, H) is not None


# -- transcripts and built sets against the full check and the plain LR rule ----------------

def _plain_built(transcript: Sequence[QueryRecord], H: int) -> frozenset[Prefix]:
    """LR's built set recomputed the plain way (docs/theory.md, LR): the reference."""
    built: set[Prefix] = {()}
    for record in transcript:
        v = record.prefix
        for report in record.reports:
            if len(v) <= H - 1:
                built.add(v)
            if len(v) < H - 1:
                built |= {(*v, a) for a in report.revealed}
            if report.token is None:
                break
            v = (*v, report.token)
    return frozenset(built)


def _drive(oracle: Oracle, seed: int, steps: int, as_list: bool) -> list[object]:
    """A random query sequence (the same for the same answers): built, unbuilt, repeated
    and bad prefixes, lengths 1..3; each refusal's type and message."""
    rng = random.Random(seed)
    K, H = oracle.vocab_size, oracle.horizon
    seen: list[Prefix] = [()]
    outcomes: list[object] = []
    last: Prefix = ()
    for _ in range(steps):
        roll = rng.random()
        if roll < 0.4:
            u = last  # a run at one prefix, as learners do
        elif roll < 0.7:
            u = rng.choice(seen)
        elif roll < 0.9:
            u = tuple(rng.randrange(K) for _ in range(rng.randrange(H)))
        else:
            u = (*rng.choice(seen), K)  # a bad token
        length = rng.choice((1, 1, 1, 2, 3))
        prefix: object = list(u) if as_list else tuple(u)
        try:
            reports = oracle.query(prefix, length)  # type: ignore[arg-type]
        except AccessError as err:
            outcomes.append((type(err).__name__, str(err)))
            continue
        outcomes.append(reports)
        last = u
        v = u
        for report in reports:
            if report.token is None:
                break
            v = (*v, report.token)
            if len(v) < H:
                seen.append(v)
        assert oracle.built == _plain_built(oracle.transcript, H)
    return outcomes


@settings(max_examples=30)
@given(generators(max_vocab=3, max_horizon=4), st.sampled_from(ACCESS),
       st.integers(0, 2**32 - 1))
def test_fast_and_full_checks_give_the_same_run(generator: Generator, access: str,
                                                seed: int) -> None:
    runs = []
    for as_list in (False, True):
        oracle = Oracle(generator, access_model(access), rng=random.Random(seed),
                        budget=150)
        outcomes = _drive(oracle, seed, 120, as_list)
        runs.append((outcomes, _state(oracle)))
    assert runs[0] == runs[1]


class _Script:
    """A chooser that draws scripted tokens (for a deterministic built-set scenario)."""

    def __init__(self, tokens: Sequence[int]) -> None:
        self.tokens = list(tokens)

    def choose(self, weights: Sequence[Fraction]) -> int:
        return self.tokens.pop(0)

    def choose_from(self, dist: Distribution) -> int:
        return self.tokens.pop(0)


def test_recent_prefix_entry_is_refreshed_when_reached_another_way() -> None:
    """The built set finds the oracle's last prefix by identity and keeps its revealed
    tokens at hand; a query that reaches the same prefix as another object (a list) and
    replaces that entry must not leave a stale copy behind."""
    g = Generator.from_table(3, 4, {(): ("1", "0", "0")}, default=("1/3", "1/3", "1/3"))
    oracle = Oracle(g, access_model("local-reset/sample"), rng=_Script([0, 1, 2, 0]))
    oracle.query((), 1)
    u = (0,)
    oracle.query(u, 1)  # reveals (0, 1); u is the recent prefix
    oracle.query([0], 1)  # the same prefix as a list: reveals (0, 2), replacing the entry
    built = oracle._Oracle__built  # type: ignore[attr-defined]
    assert built._recent_revealed is None  # the branch this test is about was taken
    oracle.query(u, 1)  # the recent object again: reveals (0, 0)
    assert oracle.built == _plain_built(oracle.transcript, 4)
    assert {(0, 0), (0, 1), (0, 2)} <= oracle.built


def test_long_prefixes_fast_and_full_agree() -> None:
    """At H = 1200 a walk down one path, prefixes as tuples (fast) and as lists (full)."""
    H, K = 1200, 5
    family = HiddenPathFamily(K, H, Fraction(1, 2))
    z = tuple(random.Random(1).randrange(K) for _ in range(H))
    runs = []
    for as_list in (False, True):
        oracle = Oracle(path_generator(family, z), access_model("local-reset/sample"),
                        rng=random.Random(2))
        u: Prefix = ()
        for _ in range(H):
            for _ in range(2):
                (report,) = oracle.query(list(u) if as_list else u, 1)
            u = (*u, report.token)  # type: ignore[arg-type]
        runs.append(oracle.transcript)
    assert runs[0] == runs[1]


# -- the incremental stage test --------------------------------------------------------------

STAGE_TESTS: tuple[StageTest, ...] = (
    *(SequentialTest(margin, cap) for margin in (1, 2, 3) for cap in (1, 3, 50)),
    *(PosteriorTest(ratio, odds, cap) for ratio in ("1/2", "2/3", "1/7")
      for odds in ("1/2", "1/10", "31/32") for cap in (3, 50)),
)
EXHAUSTIVE = ((2, 10), (3, 6), (4, 5))
"""(K, n): every sample sequence of length up to n over K tokens."""


def _tally_disagreements(make: Callable[[int, StageTest], StageTally], test: StageTest,
                         K: int, samples: Sequence[int]) -> Iterator[tuple[int, ...]]:
    tally = make(K, test)
    counts = [0] * K
    for token in samples:
        counts[token] += 1
        if tally.add(token) != sequential_decision(tuple(counts), test):
            yield tuple(counts)


def _clone(tally: StageTally) -> StageTally:
    copy = object.__new__(type(tally))
    for name in StageTally.__slots__:
        value = getattr(tally, name)
        setattr(copy, name, value.copy() if isinstance(value, dict | list) else value)
    return copy


def _first_disagreement(make: Callable[[int, StageTest], StageTally]
                        ) -> tuple[StageTest, tuple[int, ...]] | None:
    """Every sample sequence of `EXHAUSTIVE` (a depth-first walk sharing prefixes): the first
    count vector where the tally and `sequential_decision` differ."""
    for K, n in EXHAUSTIVE:
        for test in STAGE_TESTS:
            stack = [(make(K, test), (0,) * K)]
            while stack:
                tally, counts = stack.pop()
                if sum(counts) == n:
                    continue
                for token in range(K):
                    after = _clone(tally)
                    new = (*counts[:token], counts[token] + 1, *counts[token + 1:])
                    if after.add(token) != sequential_decision(new, test):
                        return test, new
                    stack.append((after, new))
    return None


def test_stage_tally_equals_the_scan_exhaustively() -> None:
    assert _first_disagreement(StageTally) is None


def test_stage_tally_equals_the_scan_on_long_runs() -> None:
    rng = random.Random(0)
    for K in (3, 5, 20, 200):
        family = HiddenPathFamily(K, 4, grid_alpha(K, 2))
        for delta in (Fraction(1, 2), Fraction(1, 20)):
            for test in (compute_posterior_parameters(family, delta),
                         compute_adaptive_parameters(family, delta),
                         PosteriorTest(family.off_path / family.alpha, "1/3", 10**6)):
                for _ in range(4):
                    weights = [rng.randrange(1, 4) for _ in range(K)]
                    weights[rng.randrange(K)] += rng.randrange(2 * K)
                    samples = rng.choices(range(K), weights, k=300)
                    assert not list(_tally_disagreements(StageTally, test, K, samples))


class _BrokenOddsTally(StageTally):
    """A deliberately broken tally: it forgets a token's move below the top in the odds."""

    def _update_odds(self, before: int, top: int) -> None:
        if before == top:
            super()._update_odds(before, top)


def test_stage_tally_comparison_has_power() -> None:
    assert _first_disagreement(_BrokenOddsTally) is not None
    # Ties at the top, settled by the lower token, are among the compared count vectors.
    ties = sum(1 for K, n in EXHAUSTIVE for samples in itertools.product(range(K), repeat=n)
               if sorted(samples.count(a) for a in range(K))[-2:] == [n // 2] * 2)
    assert ties > 0


def _scan_cps(oracle: Oracle, test: StageTest) -> tuple[int, ...]:
    """The adaptive learner as it was: every sample rescans the K counts."""
    K = oracle.vocab_size

    def decide(prefix: Prefix) -> int:
        counts = [0] * K
        decided: int | None = None
        while decided is None:
            counts[sample_once(oracle, prefix)] += 1
            decided = sequential_decision(tuple(counts), test)
        return decided

    return walk_stages(oracle, decide)


LEARNER_CASES = ((2, 4, 1), (2, 6, 3), (3, 4, 2), (4, 3, 2), (4, 5, 3), (30, 4, 2))
"""(K, H, alpha step j): alpha = `grid_alpha(K, j)`."""


@pytest.mark.parametrize(("K", "H", "j"), LEARNER_CASES)
def test_adaptive_learner_transcripts_equal_the_scan(K: int, H: int, j: int) -> None:
    family = HiddenPathFamily(K, H, grid_alpha(K, j))
    for delta in (Fraction(1, 2), Fraction(1, 20)):
        tests = (compute_posterior_parameters(family, delta),
                 compute_adaptive_parameters(family, delta))
        for test in tests:
            for seed in range(12):
                z = tuple(random.Random(seed).randrange(K) for _ in range(H))
                runs = []
                for learn in (sequential_cps, _scan_cps):
                    oracle = Oracle(path_generator(family, z),
                                    access_model("local-reset/sample"),
                                    rng=random.Random(seed))
                    runs.append((learn(oracle, test), oracle.transcript))
                assert runs[0] == runs[1], (K, H, j, delta, test, seed)


def test_adaptive_learner_law_equals_the_scan_on_a_planted_table() -> None:
    """The exact law of (output, transcript) through the oracle, on a planted table base."""
    base = Generator.from_table(3, 2, {(): ("1/2", "1/3", "1/6")}, default=("1/5", "3/5", "1/5"))
    planted = planted_generator(base, (2, 0), Fraction(3, 5))
    test = SequentialTest(2, 4)

    def experiment(learn: Callable[[Oracle, StageTest], tuple[int, ...]]
                   ) -> Callable[[Any], object]:
        def run(chooser: Any) -> object:
            oracle = Oracle(planted, access_model("local-reset/sample"), rng=chooser)
            return learn(oracle, test), oracle.transcript
        return run

    assert exact_law(experiment(sequential_cps)) == exact_law(experiment(_scan_cps))
