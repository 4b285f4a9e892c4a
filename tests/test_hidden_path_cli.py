"""`genaccess bounds hidden-path` and `genaccess simulate hidden-path`."""

from __future__ import annotations

import io
import itertools
import json
import math
from fractions import Fraction

import pytest

from genaccess.reference.cli import main
from genaccess.reference.commands import simulate
from genaccess.reference.progress import Progress

BOUNDS = ["bounds", "hidden-path", "--vocab", "3", "--horizon", "4", "--alpha", "1/2",
          "--delta", "1/10", "--queries", "5"]
SIMULATE = ["simulate", "hidden-path", "--vocab", "3", "--horizon", "3", "--alpha", "1/2",
            "--delta", "1/10", "--runs", "30", "--seed", "3"]


def _json(capsys: pytest.CaptureFixture[str], argv: list[str]) -> dict[str, object]:
    assert main(argv) == 0
    out: dict[str, object] = json.loads(capsys.readouterr().out)
    return out


def _plurality_wins_brute(K: int, alpha: Fraction, m: int) -> list[Fraction]:
    """q(a) for every path token `a`, written apart from the spec's DP: sum over every count
    vector `(c_0, ..., c_{K-1})` of `m` samples whose plurality (ties to the lower index) is
    `a`, weighted by its multinomial probability."""
    beta = (1 - alpha) / (K - 1)
    wins = [Fraction(0)] * K
    for counts in itertools.product(range(m + 1), repeat=K - 1):
        if sum(counts) > m:
            continue
        vector = (*counts, m - sum(counts))
        winner = vector.index(max(vector))
        ways = math.factorial(m)
        for c in vector:
            ways //= math.factorial(c)
        for a in range(K):
            if winner == a:
                wins[a] += ways * alpha ** vector[a] * beta ** (m - vector[a])
    return wins


def _s_t(K: int, H: int, alpha: Fraction, T: int) -> Fraction:
    """HP1's S_T written out for T >= 1: sum_{d=1..H} P(D = d) K^-(H-d), with
    P(D <= d) = (1 - alpha^d)^T for d < H."""
    cdf = [(1 - alpha**d) ** T for d in range(H)] + [Fraction(1)]
    return sum(((cdf[d] - cdf[d - 1]) / Fraction(K) ** (H - d) for d in range(1, H + 1)),
               Fraction(0))


def test_bounds_json_fields_are_exact(capsys: pytest.CaptureFixture[str]) -> None:
    out = _json(capsys, [*BOUNDS, "--json"])
    # K=3, H=4, alpha=1/2, T=5 by hand: P(D<=d) = (1 - 2^-d)^5 = 0, 1/32, 243/1024,
    # 16807/32768 for d = 0..3, so P(D=1..4) = 1/32, 211/1024, 9031/32768, 15961/32768 and
    # S_5 = (1/32)/27 + (211/1024)/9 + (9031/32768)/3 + 15961/32768 = 266753/442368.
    s_5 = (Fraction(1, 32) / 27 + Fraction(211, 1024) / 9 + Fraction(9031, 32768) / 3
           + Fraction(15961, 32768))
    assert s_5 == Fraction(266753, 442368)
    assert out["root_start_success"] == {"exact": str(s_5)}  # exact: {"exact": "p/q"}
    # The least T with S_T >= 9/10 is 15 (S_T written out separately above).
    assert out["root_start_queries_needed"] == {"exact": "15"}
    assert _s_t(3, 4, Fraction(1, 2), 15) >= Fraction(9, 10) > _s_t(3, 4, Fraction(1, 2), 14)
    # Delta = 1/2 - 1/4 = 1/4: m = ceil(32 ln(H(K-1)/delta)) = ceil(32 ln 80) = ceil(140.2).
    assert out["cps_m"] == 141 == math.ceil(32 * math.log(80)) and out["cps_queries"] == 564
    # Worst path token: the highest index (it loses every tie); worst success (min_a q(a))^4.
    q = _plurality_wins_brute(3, Fraction(1, 2), 141)
    assert min(q) == q[2] < q[1] < q[0]
    assert out["cps_success_worst"] == {"exact": str(q[2] ** 4)}
    assert out["cps_success_worst_float"] == pytest.approx(float(q[2] ** 4))
    # The adaptive learner's posterior test: cap = least n with 2 exp(-n/32) <= delta/(32 H)
    # = 1/1280: n >= 32 ln 2560 = 251.1, so 252. Its odds threshold 33/1024 (= 2^-5 + 2^-10,
    # the analytic 31/1249 raised; checked by brute force in tests/test_bounds_adaptive.py)
    # gives the least lead: least c with 2^-c <= 33/1024 (2^c >= 31.03): c = 5.
    assert out["adaptive_cps_test"] == "posterior"
    assert out["adaptive_cps_odds"] == {"exact": "33/1024"}
    assert out["adaptive_cps_margin"] == 5 and out["adaptive_cps_cap"] == 252
    assert 251 < 32 * math.log(2560) < 252 and out["adaptive_cps_max_queries"] == 4 * 252
    assert 2**4 < 1024 / 33 < 2**5
    assert out["logits_queries"] == 4


def test_simulate_cps_exact_success_is_pinned(capsys: pytest.CaptureFixture[str]) -> None:
    out = _json(capsys, [*SIMULATE, "--learner", "cps", "--json"])
    # K=3, H=3, alpha=1/2, delta=1/10: m = ceil(32 ln(H(K-1)/delta)) = ceil(32 ln 60) =
    # ceil(131.02) = 132; z uniform, so the exact success is (mean_a q(a))^3.
    assert 131 < 32 * math.log(60) < 132 and out["m"] == 132 and out["cps_queries"] == 396
    q = _plurality_wins_brute(3, Fraction(1, 2), 132)
    assert Fraction(str(out["exact_success"])) == (sum(q, Fraction(0)) / 3) ** 3


def test_bounds_m_override_and_table(capsys: pytest.CaptureFixture[str]) -> None:
    out = _json(capsys, [*BOUNDS, "--m", "7", "--json"])
    assert out["cps_m"] == 7 and out["cps_queries"] == 28 and out["cps_m_from_bound"] is False
    assert main(BOUNDS) == 0
    text = capsys.readouterr().out
    assert "root-start, needed" in text and "CPS-Path (HP2)" in text
    assert "(HP1 upper bound T alpha^(H-1) + 1/K = " in text  # says which bound it prints


def test_bounds_at_H_60_omits_huge_fractions(capsys: pytest.CaptureFixture[str]) -> None:
    out = _json(capsys, ["bounds", "hidden-path", "--vocab", "3", "--horizon", "60",
                         "--alpha", "1/2", "--delta", "0.05", "--queries", "1000", "--json"])
    # Too long to print exactly: a decimal enclosure, labelled as such; the least T exact.
    assert "exact" not in out["cps_success_worst"]  # type: ignore[operator]
    assert out["cps_success_worst_float"] > 0.999  # type: ignore[operator]
    assert int(out["root_start_queries_needed"]["exact"]) > 2**59  # type: ignore[index]


@pytest.mark.parametrize(("change", "message"), [
    (("--alpha", "1/3"), "--alpha: must be"), (("--alpha", "1"), "--alpha: must be"),
    (("--vocab", "1"), "--vocab"),
    (("--horizon", "0"), "--horizon"), (("--delta", "0"), "--delta"),
    (("--delta", "1"), "--delta"), (("--queries", "-1"), "--queries"),
    (("--alpha", "half"), "--alpha"), (("--vocab", "2.5"), "--vocab"),
])
def test_invalid_bounds_parameters(capsys: pytest.CaptureFixture[str], change: tuple[str, str],
                                   message: str) -> None:
    argv = list(BOUNDS)
    argv[argv.index(change[0]) + 1] = change[1]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err and err.startswith("genaccess bounds: error:")


@pytest.mark.parametrize("learner", ["root-start", "cps", "adaptive-cps", "logits", "top1"])
def test_simulate_every_learner(capsys: pytest.CaptureFixture[str], learner: str) -> None:
    out = _json(capsys, [*SIMULATE, "--learner", learner, "--json"])
    low, high = out["success_interval"]  # type: ignore[misc]
    assert 0 <= low <= out["success_rate"] <= high <= 1  # type: ignore[operator]
    assert out["runs"] == 30 and out["budget_exhausted"] == 0
    if learner in ("logits", "top1"):
        assert out["mean_queries"] == 3 and out["success_rate"] == 1
    if learner == "cps":
        assert out["mean_queries"] == out["cps_queries"]
    if learner == "root-start":
        assert out["mean_queries"] == out["rollouts"]


def test_simulate_is_reproducible_and_budget_counts(capsys: pytest.CaptureFixture[str]) -> None:
    first = _json(capsys, [*SIMULATE, "--learner", "adaptive-cps", "--json"])
    second = _json(capsys, [*SIMULATE, "--learner", "adaptive-cps", "--json"])
    assert first == second
    capped = _json(capsys, [*SIMULATE, "--learner", "cps", "--m", "5", "--budget", "10",
                            "--json"])
    assert capped["budget_exhausted"] == 30 and capped["success_rate"] == 0
    assert capped["mean_queries"] == 10
    rollouts = _json(capsys, [*SIMULATE, "--learner", "root-start", "--queries", "2", "--json"])
    assert rollouts["mean_queries"] == 2 and rollouts["rollouts"] == 2
    assert rollouts["budget"] is None and rollouts["budget_exhausted"] == 0


def test_simulate_budget_is_only_the_oracle_cap(capsys: pytest.CaptureFixture[str]) -> None:
    """`--budget` caps the oracle for root-start too; its rollouts are `--queries`."""
    capped = _json(capsys, [*SIMULATE, "--learner", "root-start", "--queries", "4",
                            "--budget", "2", "--json"])
    assert capped["rollouts"] == 4 and capped["budget"] == 2
    assert capped["budget_exhausted"] == 30 and capped["mean_queries"] == 2


def test_simulate_reads_access_models_from_the_learner_table(
        capsys: pytest.CaptureFixture[str]) -> None:
    from genaccess.reference.learners import learner

    for name in ("root-start", "cps", "top1"):
        out = _json(capsys, [*SIMULATE, "--learner", name, "--runs", "2", "--json"])
        assert out["access"] == learner("hidden-path", name).access


def test_simulate_unknown_learner(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*SIMULATE, "--learner", "oracle"]) == 2
    err = capsys.readouterr().err
    assert "--learner: must be one of root-start, cps" in err and "(got 'oracle')" in err


def test_simulate_text_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*SIMULATE, "--learner", "logits"]) == 0
    captured = capsys.readouterr()
    assert "mean_queries = 3.00" in captured.out and "success_rate = 1.0000" in captured.out
    assert captured.err == ""  # not a terminal: no progress bar


@pytest.mark.parametrize(("change", "message"), [
    (("--runs", "0"), "--runs"), (("--seed", "-1"), "--seed"), (("--delta", "2"), "--delta"),
    (("--alpha", "1/4"), "--alpha: must be"), (("--vocab", "one"), "--vocab"),
])
def test_invalid_simulate_parameters(capsys: pytest.CaptureFixture[str], change: tuple[str, str],
                                     message: str) -> None:
    argv = list(SIMULATE)
    argv[argv.index(change[0]) + 1] = change[1]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err


def test_invalid_budget(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*SIMULATE, "--budget", "-3"]) == 2
    assert "--budget" in capsys.readouterr().err


def test_families_are_one_tuple() -> None:
    assert simulate.FAMILIES[0].FAMILY == "hidden-path"


def test_progress_bar_draws_and_clears() -> None:
    stream = io.StringIO()
    progress = Progress(10, "run", enabled=True, stream=stream, delay=0, interval=0)
    for done in range(1, 11):
        progress.update(done)
    progress.close()
    text = stream.getvalue()
    assert "[" + "#" * 30 + "] 10/10" in text and text.endswith("\r")
    silent = io.StringIO()
    off = Progress(10, "run", enabled=False, stream=silent, delay=0, interval=0)
    off.update(5)
    off.close()
    assert silent.getvalue() == ""
