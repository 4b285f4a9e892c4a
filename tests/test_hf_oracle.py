"""R1 and LR on a real transformer's transcripts; the same LR state machine drives the exact
oracle and the adapter's oracle."""

from __future__ import annotations

import random
import warnings
from collections.abc import Iterator

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import run_state_machine_as_test

pytest.importorskip("torch")
pytest.importorskip("transformers")

from genaccess.reference.adaptive_cps import adaptive_cps
from genaccess.reference.cps_path import cps_path
from genaccess.reference.hf import tiny_gpt2, transformer_generator
from genaccess.reference.hf.threads import using_threads
from genaccess.reference.logits_learner import logits_path, top1_path
from genaccess.spec.access import AccessModel, access_model, registered_access_models
from genaccess.spec.claims.r1 import _MutantTopKTiesHigh as TopKTiesHigh
from genaccess.spec.control import RootStart
from genaccess.spec.garbling import garble, is_R1_garbling, root_start_types
from genaccess.spec.generator import Generator
from genaccess.spec.local_reset import is_local_reset
from genaccess.spec.local_reset_machine import local_reset_machine
from genaccess.spec.observation import Full, TopK
from genaccess.spec.oracle import Oracle
from genaccess.spec.strategies import generators

pytestmark = pytest.mark.hf
warnings.filterwarnings("ignore", module="transformers")


@pytest.fixture(scope="module", autouse=True)
def _one_thread() -> Iterator[None]:
    """One torch thread, as the commands set (docs/transformers.md): with more, one-token
    forward passes are slower on a busy machine."""
    with using_threads():
        yield


@pytest.fixture(scope="module")
def small() -> Generator:
    """K=3, H=3: small enough for R1's exact laws (27 responses)."""
    return transformer_generator(tiny_gpt2(3, seed=11), 3)


@pytest.fixture(scope="module")
def wide() -> Generator:
    """K=64, H=10: a vocabulary too large for exact laws; transcripts are coupled instead."""
    return transformer_generator(tiny_gpt2(64, seed=12), 10)


def test_R1_exact_law_on_the_transformer(small: Generator) -> None:
    """R1: every root-start observation type is the garbling of the canonical one, as exact
    laws over all 27 responses of the transformer (T = 1 and T = 2 rollouts)."""
    for observation in root_start_types(small.vocab_size):
        for T in (1, 2):
            assert is_R1_garbling(small, observation, T), observation.name


def test_R1_check_catches_a_wrong_tiebreak_on_the_transformer() -> None:
    """Power: the transformer's probabilities have no ties, so a wrong tie-break would pass
    unnoticed; a 2-token top-k that lists the *least* likely token first is caught."""
    g = transformer_generator(tiny_gpt2(3, seed=11), 2)
    assert not is_R1_garbling(g, _ReversedTopK(2))
    assert is_R1_garbling(g, TopKTiesHigh(2)) is True  # no ties: indistinguishable, as said


class _ReversedTopK(TopK):
    def report(self, dist, token):  # type: ignore[no-untyped-def]
        from genaccess.spec.observation import TopKReport

        ranked = sorted(range(dist.vocab_size), key=lambda a: (dist[a], a))[: self.k]
        return TopKReport(tuple((a, dist[a]) for a in ranked))


def test_R1_coupled_transcripts_on_a_wide_vocabulary(wide: Generator) -> None:
    """With one seed, every deterministic observation type draws the same tokens; each of
    its root-start transcripts is the garbling of the `full` transcript (20 rollouts)."""
    canonical = Oracle(wide, AccessModel(RootStart(), Full()), rng=random.Random(5))
    full = [canonical.rollout() for _ in range(20)]
    for model in registered_access_models(wide.vocab_size, wide.horizon):
        observation = model.observation
        if not isinstance(model.control, RootStart) or observation.family not in {
                "sample", "logprob", "topk", "top1", "full"}:
            continue
        if observation.family == "topk" and observation.k not in (1, 2, 64):  # type: ignore[attr-defined]
            continue
        oracle = Oracle(wide, model, rng=random.Random(5))
        for c in full:
            assert oracle.rollout() == garble(observation, c), observation.name


@pytest.mark.parametrize(("name", "learner"), [
    ("local-reset/sample", lambda o: cps_path(o, 3)),
    ("local-reset/logprob", lambda o: adaptive_cps(o, "1/2", "1/10")),
    ("local-reset/full", logits_path),
    ("local-reset/top1", top1_path),
])
def test_learner_transcripts_satisfy_LR(wide: Generator, name: str, learner: object) -> None:
    oracle = Oracle(wide, access_model(name), rng=random.Random(1), budget=5000)
    learner(oracle)  # type: ignore[operator]
    assert oracle.queries_used > 0
    assert is_local_reset(oracle.transcript, wide.horizon)


def _state_machine_settings() -> object:
    from hypothesis import settings

    # The transformer runs a forward pass per new prefix: fewer examples than the exact
    # machine's profile, the same rules.
    return settings(max_examples=min(settings().max_examples, 25), stateful_step_count=20)


def test_same_LR_state_machine_on_exact_and_transformer_generators() -> None:
    """The machine of LR's registered check, run on exact generators and on the adapter with
    the same K and H: the oracle refuses exactly the unbuilt prefixes in both."""
    transformer = transformer_generator(tiny_gpt2(3, seed=13), 4)
    for strategy in (generators(vocab_size=3, horizon=4), st.just(transformer)):
        run_state_machine_as_test(local_reset_machine(strategy),
                                  settings=_state_machine_settings())  # type: ignore[arg-type]


def test_state_machine_catches_a_leaky_transformer_oracle() -> None:
    """Power: the same machine fails on the transformer when the control lets one unbuilt
    prefix, (1, 1), through."""
    from genaccess.spec.claims.lr import _MutantLeakyLocalReset as LeakyLocalReset

    transformer = transformer_generator(tiny_gpt2(2, seed=13), 3)
    machine = local_reset_machine(st.just(transformer), LeakyLocalReset())
    with pytest.raises(AssertionError, match=r"answered unbuilt prefix \(1, 1\)"):
        run_state_machine_as_test(machine, settings=_state_machine_settings())  # type: ignore[arg-type]


def test_every_control_level_on_the_transformer(wide: Generator) -> None:
    """Root-start answers only whole rollouts, local reset only built prefixes, arbitrary
    prefix anything valid; each refusal records nothing (and computes nothing)."""
    from genaccess.spec.errors import ForbiddenStart, UnbuiltPrefix

    unbuilt = (1, 2, 3)
    root = Oracle(wide, access_model("root-start/logprob"), rng=random.Random(0))
    with pytest.raises(ForbiddenStart):
        root.query((), 1)
    assert len(root.rollout()) == wide.horizon
    local = Oracle(wide, access_model("local-reset/topk(3)"), rng=random.Random(0))
    with pytest.raises(UnbuiltPrefix):
        local.query(unbuilt, 1)
    assert local.queries_used == 0 and local.forward_tokens == 0
    anywhere = Oracle(wide, access_model("arbitrary-prefix/full"), rng=random.Random(0))
    report = anywhere.query(unbuilt, 2)
    assert len(report) == 2 and anywhere.forward_tokens is not None
