"""The adapter with a prompt: the root `()` is the state after the prompt `P`; logits equal a
plain forward pass of `P·u`; the prompt is computed once; refusals, the context check and
bad input are named; `genaccess simulate planted --prompt/--prompt-text/--threads`."""

from __future__ import annotations

import json
import random
import warnings
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import run_state_machine_as_test

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")

from genaccess.reference.cli import main  # noqa: E402
from genaccess.reference.hf import tiny_gpt2, transformer_generator, transformer_rule  # noqa: E402
from genaccess.reference.hf.threads import using_threads  # noqa: E402
from genaccess.reference.logits_learner import logits_path  # noqa: E402
from genaccess.spec.access import access_model  # noqa: E402
from genaccess.spec.errors import (  # noqa: E402
    BudgetExceeded,
    ForbiddenStart,
    InvalidDefinition,
    UnbuiltPrefix,
)
from genaccess.spec.local_reset_machine import local_reset_machine  # noqa: E402
from genaccess.spec.oracle import Oracle  # noqa: E402
from genaccess.spec.planted import planted_generator  # noqa: E402

pytestmark = pytest.mark.hf
warnings.filterwarnings("ignore", module="transformers")


@pytest.fixture(scope="module", autouse=True)
def _one_thread() -> Iterator[None]:
    """One torch thread, as the commands set (docs/transformers.md): with more, one-token
    forward passes are slower on a busy machine."""
    with using_threads():
        yield


ATOL = 1e-5
"""|cached - uncached| float32 logits. The two differ only in the order of float32
reductions (observed ~1e-7 on these models)."""

K, CONTEXT = 16, 64
PROMPT = (5, 11, 2, 9, 9, 3, 14)


@pytest.fixture(scope="module")
def model() -> object:
    return tiny_gpt2(K, seed=21, n_positions=CONTEXT)


def _plain(model: Any, tokens: tuple[int, ...]) -> Any:
    """The model's last-position logits for `tokens`: one forward pass, no cache, written
    here independently of the adapter."""
    with torch.inference_mode():
        out = model(input_ids=torch.tensor([list(tokens)]), use_cache=False)
    return out.logits[0, -1]


def _prefixes(rng: random.Random, n: int, horizon: int) -> list[tuple[int, ...]]:
    out: list[tuple[int, ...]] = [()]
    for _ in range(n):
        base = rng.choice(out)
        u = base + tuple(rng.randrange(K) for _ in range(rng.randrange(1, 3)))
        out.append(u[:horizon - 1])
    return out


@pytest.mark.parametrize("prompt", [PROMPT, (0,), (7, 7)])
@pytest.mark.parametrize("capacity", [65_536, 0, 12])
def test_logits_equal_one_forward_pass_of_prompt_and_prefix(model: object, prompt: tuple[int, ...],
                                                           capacity: int) -> None:
    """For 40 prefixes sharing branches: cached logits (full reuse, none, and constant
    eviction) equal one plain forward pass of `P·u` within ATOL; `uncached_logits(u)` is
    exactly that pass."""
    rule = transformer_rule(transformer_generator(model, 12, prompt=prompt, capacity=capacity))
    assert rule.prompt == prompt
    for u in _prefixes(random.Random(len(prompt) + capacity), 40, 12):
        plain = _plain(model, prompt + u)
        assert torch.equal(rule.uncached_logits(u), plain)
        assert float((rule.logits(u) - plain).abs().max()) <= ATOL, u


def test_the_default_prompt_is_the_bos_token(model: object) -> None:
    default = transformer_rule(transformer_generator(model, 8))
    explicit = transformer_rule(transformer_generator(model, 8, prompt=[0]))
    assert default.prompt == (0,) == explicit.prompt
    assert torch.equal(default.logits((3, 4)), explicit.logits((3, 4)))
    other = transformer_rule(transformer_generator(model, 8, bos_token_id=4))
    assert other.prompt == (4,)


def test_a_prompt_changes_the_root(model: object) -> None:
    """Power: the root's law depends on the prompt (a rule that ignored it would pass the
    equality test above only with the default prompt)."""
    with_prompt = transformer_generator(model, 4, prompt=PROMPT).next_token(())
    without = transformer_generator(model, 4).next_token(())
    assert with_prompt != without


def test_the_prompt_is_computed_once(model: object) -> None:
    """Every prefix shares the prompt's positions: after many queries the model has run the
    prompt once plus one position per distinct non-empty prefix."""
    g = transformer_generator(model, 10, prompt=PROMPT)
    rule = transformer_rule(g)
    queried = _prefixes(random.Random(4), 60, 10)
    for u in queried:
        g.next_token(u)
    distinct = {u[:i] for u in queried for i in range(1, len(u) + 1)}
    assert rule.forward_tokens == len(PROMPT) + len(distinct)
    oracle = Oracle(transformer_generator(model, 10, prompt=PROMPT),
                    access_model("local-reset/sample"), rng=random.Random(0))
    oracle.query((), 1)
    assert oracle.forward_tokens == len(PROMPT)
    token = oracle.query((), 1)[0].token
    assert token is not None
    oracle.query((token,), 1)
    assert oracle.forward_tokens == len(PROMPT) + 1


def test_a_capacity_of_the_prompt_keeps_the_prompt(model: object) -> None:
    """With `capacity = |P|` every response position is evicted after its lookup but the
    prompt stays: each lookup of `u` costs `|u|`; with `capacity = 0` it costs `|P| + |u|`."""
    rule = transformer_rule(transformer_generator(model, 10, prompt=PROMPT,
                                                  capacity=len(PROMPT)))
    rule.logits(())
    assert rule.forward_tokens == len(PROMPT)
    for u in [(1, 2, 3), (4,), (1, 2, 3), (5, 6)]:
        before = rule.forward_tokens
        rule.logits(u)
        assert rule.forward_tokens - before == len(u)
        assert rule.cache.cached_depth(PROMPT) == len(PROMPT)
    none = transformer_rule(transformer_generator(model, 10, prompt=PROMPT, capacity=0))
    none.logits((1, 2))
    none.logits((1, 2))
    assert none.forward_tokens == 2 * (len(PROMPT) + 2)


def test_refusals_are_unchanged_with_a_prompt(model: object) -> None:
    """Root-start refuses a chosen prefix, local reset an unbuilt one, the budget a query
    too many; each refusal records and computes nothing; arbitrary prefix answers."""
    g = transformer_generator(model, 6, prompt=PROMPT)
    root = Oracle(g, access_model("root-start/full"), rng=random.Random(0))
    with pytest.raises(ForbiddenStart):
        root.query((), 1)
    assert len(root.rollout()) == 6
    local = Oracle(transformer_generator(model, 6, prompt=PROMPT),
                   access_model("local-reset/sample"), rng=random.Random(0), budget=2)
    with pytest.raises(UnbuiltPrefix):
        local.query((1, 2), 1)
    assert local.queries_used == 0 and local.forward_tokens == 0 and not local.transcript
    token = local.query((), 1)[0].token
    assert token is not None
    with pytest.raises(UnbuiltPrefix):
        local.query(((token + 1) % K, 0), 1)
    local.query((token,), 1)
    before = (local.queries_used, local.forward_tokens, len(local.transcript))
    with pytest.raises(BudgetExceeded):
        local.query((token,), 1)
    assert (local.queries_used, local.forward_tokens, len(local.transcript)) == before
    anywhere = Oracle(g, access_model("arbitrary-prefix/full"), rng=random.Random(0))
    assert len(anywhere.query((1, 2, 3), 1)) == 1
    for bad in [(K,), (-1,), (1, 2, 3, 4, 5, 6)]:
        with pytest.raises(InvalidDefinition):
            g.next_token(bad)


def test_LR_state_machine_with_a_prompt() -> None:
    """LR's registered state machine on the adapter with a prompt: the oracle refuses
    exactly the unbuilt prefixes, as without one."""
    g = transformer_generator(tiny_gpt2(3, seed=13), 4, prompt=(2, 0, 1))
    machine = local_reset_machine(st.just(g))
    run_state_machine_as_test(machine, settings=settings(
        max_examples=min(settings().max_examples, 20), stateful_step_count=15))


def test_the_planted_path_lives_after_the_prompt(model: object) -> None:
    """PLANTED1 wraps the rule: the path's first token is planted at the root, i.e. right
    after the prompt, and the logits learner recovers the path."""
    z = (3, 1, 4, 1, 5)
    planted = planted_generator(transformer_generator(model, 5, prompt=PROMPT), z, "3/5")
    oracle = Oracle(planted, access_model("local-reset/full"), rng=random.Random(0))
    assert logits_path(oracle) == z
    assert oracle.forward_tokens == len(PROMPT) + 4
    base = transformer_generator(model, 5, prompt=PROMPT).next_token(())
    assert planted.next_token(())[z[0]] == Fraction(3, 5) + Fraction(2, 5) * base[z[0]]


def test_prompt_plus_horizon_must_fit_the_context(model: object) -> None:
    """`|P| + H - 1 <= context`: the limit is in the message, on the field that breaks it."""
    limit = CONTEXT - len(PROMPT) + 1
    transformer_generator(model, limit, prompt=PROMPT)
    with pytest.raises(InvalidDefinition) as err:
        transformer_generator(model, limit + 1, prompt=PROMPT)
    assert err.value.field == "horizon" and f"H <= {limit}" in str(err.value)
    transformer_generator(model, 1, prompt=[1] * CONTEXT)
    with pytest.raises(InvalidDefinition) as err:
        transformer_generator(model, 1, prompt=[1] * (CONTEXT + 1))
    assert err.value.field == "prompt" and str(CONTEXT) in str(err.value)


@pytest.mark.parametrize("prompt", [[K], [1, -1], [True], [1.0], "abc", [], 3, [None]])
def test_a_bad_prompt_names_the_field(model: object, prompt: object) -> None:
    with pytest.raises(InvalidDefinition) as err:
        transformer_generator(model, 4, prompt=prompt)  # type: ignore[arg-type]
    assert err.value.field == "prompt"


def test_prompt_and_bos_token_together_are_refused(model: object) -> None:
    with pytest.raises(InvalidDefinition) as err:
        transformer_generator(model, 4, prompt=[1], bos_token_id=0)
    assert err.value.field == "bos_token_id"


# The command.

BASE = ["simulate", "planted", "--vocab", "8", "--horizon", "6", "--alpha", "3/5",
        "--queries", "2"]


@pytest.fixture(autouse=True)
def _restore_threads() -> Iterator[None]:
    """The command sets torch's (process-wide) thread count: give it back."""
    threads = torch.get_num_threads()
    yield
    torch.set_num_threads(threads)


def _json(capsys: pytest.CaptureFixture[str], argv: list[str]) -> dict[str, object]:
    assert main([*argv, "--json"]) == 0
    out: dict[str, object] = json.loads(capsys.readouterr().out)
    return out


def test_cli_prompt_token_ids(capsys: pytest.CaptureFixture[str]) -> None:
    out = _json(capsys, [*BASE, "--prompt", "1, 2,3", "--learners", "logits,top1,cps"])
    assert out["prompt"] == [1, 2, 3] and out["threads"] == 1
    assert torch.get_num_threads() == 1
    for run in out["runs"]:  # type: ignore[attr-defined]
        assert run["recovered"] is True
        assert run["forward_tokens"] == 3 + 5  # the prompt once, then H - 1 path positions
    default = _json(capsys, [*BASE, "--learners", "logits", "--threads", "2"])
    assert default["prompt"] == [0] and default["threads"] == 2
    assert torch.get_num_threads() == 2


def test_cli_prompt_text_with_the_checkpoint_tokenizer(capsys: pytest.CaptureFixture[str],
                                                       tmp_path: Path) -> None:
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    words = ["<s>", "the", "cat", "sat", "on", "a", "mat", "<unk>"]
    backend = Tokenizer(models.WordLevel({w: i for i, w in enumerate(words)}, unk_token="<unk>"))
    backend.pre_tokenizer = pre_tokenizers.Whitespace()
    fast = PreTrainedTokenizerFast(  # type: ignore[no-untyped-call]
        tokenizer_object=backend, unk_token="<unk>")
    fast.save_pretrained(tmp_path)
    tiny_gpt2(8, seed=3, n_positions=64).save_pretrained(tmp_path)
    out = _json(capsys, [*BASE, "--model", str(tmp_path), "--prompt-text", "the cat sat",
                         "--learners", "logits"])
    assert out["prompt"] == [1, 2, 3]
    assert out["runs"][0]["recovered"] is True  # type: ignore[index]


def test_cli_prompt_text_without_a_tokenizer(capsys: pytest.CaptureFixture[str],
                                             tmp_path: Path) -> None:
    """A checkpoint folder with weights but no tokenizer files: one line (transformers would
    otherwise build an empty tokenizer from config.json alone)."""
    tiny_gpt2(8, seed=3, n_positions=64).save_pretrained(tmp_path)
    assert main([*BASE, "--model", str(tmp_path), "--prompt-text", "hello"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "--prompt-text: needs a tokenizer" in err, err


@pytest.mark.parametrize(("argv", "start"), [
    (["--prompt", "1,x"], "--prompt: must be comma-separated token IDs"),
    (["--prompt", ""], "--prompt: must be comma-separated token IDs"),
    (["--prompt", "99999999"], "--prompt: token 0 must be a token ID"),
    (["--prompt", "1,-2"], "--prompt: token 1 must be a token ID"),
    (["--prompt-text", "hello"], "--prompt-text: needs a tokenizer (--model tiny has none"),
    (["--prompt", "1", "--prompt-text", "hello"], "--prompt-text: give --prompt or"),
    (["--threads", "0"], "--threads: must be an integer >= 1"),
    (["--threads", "x"], "--threads: must be an integer"),
    (["--prompt", "1,2,3,4", "--horizon", "510"], "--horizon: the prompt (4 tokens)"),
    (["--prompt", ",".join(["1"] * 513)], "--prompt: must fit the model's context of 512"),
])
def test_cli_bad_input_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str],
                                              argv: list[str], start: str) -> None:
    assert main([*BASE, *argv]) == 2
    captured = capsys.readouterr()
    err = captured.err.strip()
    assert err.count("\n") == 0 and start in err, err
    assert "Traceback" not in captured.err + captured.out


@pytest.mark.parametrize(("flag", "value", "rule"), [
    ("--queries", "1000000000000", "--queries: must be at most 100,000"),
    ("--threads", "100000", "--threads: must be at most 256"),
    ("--vocab", "1000000000", "--vocab: must be at most 262,144"),
])
def test_cli_refuses_sizes_beyond_its_limits_at_once(capsys: pytest.CaptureFixture[str],
                                                     flag: str, value: str, rule: str) -> None:
    # before the model is built: these used to hang, abort torch, or exhaust memory
    assert main(["simulate", "planted", "--learners", "root-start", flag, value]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and rule in err, err
