"""`genaccess bounds hidden-path` at any size: every new algorithm against the exact one it
replaces on every small instance, every enclosure around the exact value, and the refusals.

The references: `compute_HP1_success` (exact rationals over all depths),
`compute_root_start_queries_needed_by_search` (binary search over the full sum), the
letter-by-letter DP `compute_plurality_win_probabilities` (itself checked against listing all
`K^m` sample sequences by HP2's claim checks) and `capped_strings`.
"""

from __future__ import annotations

import itertools
import json
import math
from fractions import Fraction

import pytest
from mpmath import iv
from mpmath.libmp import to_rational

from genaccess.reference.cli import main
from genaccess.spec.counting import capped_strings, equally_capped_strings, multinomial
from genaccess.spec.cps_enclosure import enclose_HP2_worst, enclose_worst_stage_failure, stages
from genaccess.spec.cps_success import (
    compute_HP2_worst_success,
    compute_HP2_worst_success_by_enumeration,
    compute_plurality_win_probabilities,
    compute_plurality_win_worst,
)
from genaccess.spec.hidden_path import HiddenPathFamily
from genaccess.spec.intervals import (
    bounds,
    decimal_bounds,
    expm1,
    interval,
    log1p,
    precision,
)
from genaccess.spec.root_start_scale import enclose_failure, enclose_success
from genaccess.spec.root_start_success import (
    compute_HP1_success,
    compute_root_start_queries_needed,
    compute_root_start_queries_needed_by_search,
    enclose_HP1,
    enclose_root_start_queries_needed,
    is_HP1_success_at_least,
)

VOCABS = range(2, 6)
HORIZONS = range(1, 5)
SAMPLES = range(0, 9)
STEPS = (1, 2, 3, 4, 5, 6, 7)
"""alpha = 1/K + j (1 - 1/K) / 8: seven alphas spread over (1/K, 1)."""


def alphas(K: int) -> list[Fraction]:
    low = Fraction(1, K)
    return [low + j * (1 - low) / 8 for j in STEPS]


def families() -> list[HiddenPathFamily]:
    return [HiddenPathFamily(K, H, alpha) for K in VOCABS for alpha in alphas(K)
            for H in HORIZONS]


def contains(x: object, exact: Fraction) -> bool:
    low, high = bounds(x)
    return low <= exact <= high


def test_equally_capped_strings_equals_letter_by_letter() -> None:
    for letters, cap in itertools.product(range(6), range(7)):
        assert equally_capped_strings(12, letters, cap) == [
            capped_strings(n, [cap] * letters) for n in range(13)], (letters, cap)


def test_worst_token_win_equals_the_dp_minimum() -> None:
    """q(K-1) by the new count equals the least q(a) of the letter-by-letter DP, and the last
    token is that least one, for every K <= 5, m <= 8 and alpha on the grid."""
    for K in VOCABS:
        for alpha in alphas(K):
            family = HiddenPathFamily(K, 1, alpha)
            for m in SAMPLES:
                q = compute_plurality_win_probabilities(family, m)
                assert compute_plurality_win_worst(family, m) == q[K - 1] == min(q)
                assert all(q[a] >= q[a + 1] for a in range(K - 1)), (K, alpha, m, q)


def test_worst_success_equals_the_old_one() -> None:
    for family in families():
        for m in SAMPLES:
            assert (compute_HP2_worst_success(family, m)
                    == compute_HP2_worst_success_by_enumeration(family, m))


def test_root_start_failure_and_success_enclose_the_exact_value() -> None:
    """Both sums (depths from the deepest up, the rest bounded) enclose the exact S_T,
    each within 2^-60 of it relatively."""
    for family in [HiddenPathFamily(K, H, alpha) for K in VOCABS for alpha in alphas(K)
                   for H in range(1, 6)]:
        K, H, alpha = family.vocab_size, family.horizon, family.alpha
        for T in (*range(0, 6), 12, 40, 1000):
            exact = compute_HP1_success(family, T)
            failure = enclose_failure(K, H, alpha, T)
            success = enclose_success(K, H, alpha, T)
            assert contains(failure, 1 - exact) and contains(success, exact), (family, T)
            for x, value in ((failure, 1 - exact), (success, exact)):
                low, high = bounds(x)
                assert high - low <= value / 2**60, (family, T)
            if T in (1, 40):
                both = enclose_HP1(family, T)
                assert contains(both[0], exact) and contains(both[1], 1 - exact)


TARGETS = (Fraction(1, 2), Fraction(3, 4), Fraction(9, 10), Fraction(19, 20),
           Fraction(999, 1000))


def test_least_queries_equals_the_search() -> None:
    """The Newton-and-intervals least T equals the binary search over the exact S_T on every
    small family, including the cases decided at T = 0 and T = 1."""
    for family in families():
        for target in TARGETS:
            expected = compute_root_start_queries_needed_by_search(family, target)
            assert enclose_root_start_queries_needed(family, target, 1 << 14) == (expected,
                                                                                  expected)
            assert compute_root_start_queries_needed(family, target) == expected
            assert compute_HP1_success(family, expected) >= target
            if expected:
                assert compute_HP1_success(family, expected - 1) < target


def test_least_queries_when_the_target_is_met_exactly() -> None:
    """S_T == target exactly: intervals cannot decide it, the exact fallback does."""
    family = HiddenPathFamily(3, 2, "1/2")
    for T in range(1, 8):
        target = compute_HP1_success(family, T)
        assert enclose_root_start_queries_needed(family, target, 1 << 14) == (T, T)
        assert compute_root_start_queries_needed_by_search(family, target) == T
        assert is_HP1_success_at_least(family, T, target, exact_limit=0)


def test_least_queries_at_H_60_and_beyond() -> None:
    family = HiddenPathFamily(3, 60, "1/2")
    target = Fraction(19, 20)
    T = compute_root_start_queries_needed(family, target)
    assert compute_root_start_queries_needed_by_search(family, target) == T
    # H = 400 and 1,000 (the issue's hangs): exact integers, checked by the intervals' own
    # verdicts at T and T - 1.
    for H in (400, 1000):
        family = HiddenPathFamily(3, H, "1/2")
        T = compute_root_start_queries_needed(family, target)
        assert T.bit_length() >= H - 1
        assert is_HP1_success_at_least(family, T, target, exact_limit=0)
        assert not is_HP1_success_at_least(family, T - 1, target, exact_limit=0)


def test_least_queries_beyond_the_precision_limit_is_an_enclosure() -> None:
    family = HiddenPathFamily(1000, 10_000, Fraction(1, 999))
    low, high = enclose_root_start_queries_needed(family, Fraction(19, 20), 14_336)
    assert low < high and (high - low) < low >> 180
    assert low.bit_length() > 99_000


def _win_by_counts(K: int, alpha: Fraction, m: int) -> Fraction:
    """q(K-1) written apart from both implementations: every count vector, multinomial
    weight, the path token strictly ahead of every other count."""
    beta = (1 - alpha) / (K - 1)
    total = Fraction(0)
    for vector in itertools.product(range(m + 1), repeat=K):
        if sum(vector) == m and all(vector[K - 1] > c for c in vector[:K - 1]):
            total += multinomial(vector) * alpha ** vector[K - 1] * beta ** (m - vector[K - 1])
    return total


def test_worst_token_by_counts() -> None:
    for K, alpha, m in ((2, Fraction(3, 5), 7), (3, Fraction(1, 2), 9), (4, Fraction(2, 5), 6)):
        assert compute_plurality_win_worst(HiddenPathFamily(K, 1, alpha), m) == (
            _win_by_counts(K, alpha, m))


def _stage_failure(K: int, alpha: Fraction, m: int) -> tuple[Fraction, Fraction]:
    low, high = enclose_worst_stage_failure(K, alpha, m)
    return Fraction(*to_rational(low)), Fraction(*to_rational(high))


def test_stage_failure_encloses_the_exact_one() -> None:
    """Every small case (K <= 5, m <= 12, alphas on the grid), and larger m against the
    exact count; the enclosure narrows as m grows (it is loosest where the failure is large,
    which the command only meets for m <= 300, where it is exact)."""
    for K in VOCABS:
        for alpha in alphas(K):
            for m in range(13):
                exact = 1 - compute_plurality_win_worst(HiddenPathFamily(K, 1, alpha), m)
                low, high = _stage_failure(K, alpha, m)
                assert low <= exact <= high, (K, alpha, m)
    for K, alpha in ((2, Fraction(3, 5)), (3, Fraction(1, 2)), (5, Fraction(1, 3)),
                     (40, Fraction(1, 5))):
        for m in (30, 80, 160):
            exact = 1 - compute_plurality_win_worst(HiddenPathFamily(K, 1, alpha), m)
            low, high = _stage_failure(K, alpha, m)
            assert low <= exact <= high, (K, alpha, m)
            assert high - low <= exact / 4, (K, alpha, m)
    exact = 1 - compute_plurality_win_worst(HiddenPathFamily(3, 1, "1/2"), 300)
    low, high = _stage_failure(3, Fraction(1, 2), 300)
    assert low <= exact <= high and high - low <= exact / 100


def test_mallows_inequality_on_small_cases() -> None:
    """The cited bound behind the lower end: for a uniform multinomial, P(every count <= c)
    <= P(one count <= c)^r (Mallows 1968), exactly."""
    for r in range(1, 5):
        for n in range(0, 11):
            for cap in range(0, n + 1):
                everyone = Fraction(capped_strings(n, [cap] * r), r**n)
                one = sum((Fraction(math.comb(n, j) * (r - 1) ** (n - j), r**n)
                           for j in range(cap + 1)), Fraction(0))
                assert everyone <= one**r, (r, n, cap)


def test_worst_success_enclosure_contains_the_exact_one() -> None:
    for family in families():
        for m in (0, 1, 3, 8):
            exact = compute_HP2_worst_success(family, m)
            success, failure = enclose_HP2_worst(family, m)
            assert contains(success, exact) and contains(failure, 1 - exact)
    # Past the exact range: the enclosure through the stage failure.
    family = HiddenPathFamily(3, 5, "1/2")
    exact = compute_HP2_worst_success(family, 310)
    success, failure = enclose_HP2_worst(family, 310)
    assert contains(success, exact) and contains(failure, 1 - exact)


def test_stages_power_encloses() -> None:
    for f in (Fraction(0), Fraction(1, 10**30), Fraction(1, 7), Fraction(3, 4), Fraction(1)):
        for H in (1, 2, 17, 10_000):
            with precision(200):
                success, failure = stages(interval(f), H)
                if ((1 - f) ** 0 and f.denominator < 10**6) or H < 100:
                    exact = (1 - f) ** H
                    assert contains(success, exact) and contains(failure, 1 - exact)


def test_interval_helpers() -> None:
    for x in (Fraction(1, 10**40), Fraction(-1, 10**40), Fraction(1, 3), Fraction(-1, 2**90)):
        for bits in (64, 300):
            with precision(bits):
                got_log, got_exp = log1p(interval(x)), expm1(interval(x))
            with precision(bits + 500):
                want_log, want_exp = iv.log1p(interval(x)), iv.expm1(interval(x))
            assert got_log.a <= want_log.a and want_log.b <= got_log.b
            assert got_exp.a <= want_exp.a and want_exp.b <= got_exp.b
    with precision(4000):  # an exponent of a thousand digits, read back through mpmath
        low, high = decimal_bounds(iv.exp(-iv.mpf(10) ** 1000))
    mantissa, exponent = low.split("e")
    assert mantissa.startswith("8.38507654802181") and exponent.startswith("-43429448190325")
    assert len(exponent) == 1001 and high.endswith("e" + exponent)
    for value in (Fraction(266753, 442368), Fraction(1, 3**5000), 1 - Fraction(1, 10**40),
                  Fraction(10**30 + 7)):
        low, high = decimal_bounds(value, 17)
        assert Fraction(low) <= value <= Fraction(high)
        with precision(300):
            low, high = decimal_bounds(interval(value), 12)
        assert Fraction(low) <= value <= Fraction(high)


BOUNDS = ["bounds", "hidden-path", "--vocab", "3", "--horizon", "4", "--alpha", "1/2",
          "--delta", "1/10", "--queries", "5"]


def _run(capsys: pytest.CaptureFixture[str], argv: list[str]) -> dict[str, object]:
    assert main([*argv, "--json"]) == 0
    out: dict[str, object] = json.loads(capsys.readouterr().out)
    return out


def _argv(**changes: str) -> list[str]:
    argv = list(BOUNDS)
    for flag, value in changes.items():
        argv[argv.index("--" + flag) + 1] = value
    return argv


def test_issue_sizes_answer_with_labelled_values(capsys: pytest.CaptureFixture[str]) -> None:
    """The sizes that hung: every probability is exact or a labelled enclosure, the least T
    exact."""
    out = _run(capsys, _argv(vocab="1000", horizon="10000", delta="1e-300", queries="1e100"))
    for field in ("root_start_success", "root_start_failure", "cps_success_worst",
                  "cps_failure_worst"):
        value = out[field]
        assert isinstance(value, dict) and set(value) <= {"exact", "enclosure"}, field
        if "enclosure" in value:
            low, high = (Fraction(end) for end in value["enclosure"])
            assert 0 <= low <= high <= 1
    needed = out["root_start_queries_needed"]
    assert isinstance(needed, dict) and len(needed["exact"]) > 3000
    low, high = (Fraction(end) for end in out["cps_failure_worst"]["enclosure"])  # type: ignore
    assert 0 < low <= high < Fraction(1, 10**1500)
    assert main(_argv(vocab="1000", horizon="10000", delta="1e-300", queries="1e100")) == 0
    text = capsys.readouterr().out
    assert text.count("(rigorous enclosure)") >= 2 and "delta = 1e-300" in text


@pytest.mark.parametrize("changes", [
    {"queries": "1e15"}, {"horizon": "400"}, {"horizon": "1000"}, {"vocab": "60"},
    {"vocab": "100"}, {"delta": "1e-30"}, {"delta": "1e-400"}, {"queries": "1e100"},
    {"queries": "1e1000"},
])
def test_issue_hangs_now_answer(capsys: pytest.CaptureFixture[str],
                                changes: dict[str, str]) -> None:
    out = _run(capsys, _argv(**changes))
    assert "exact" in out["root_start_queries_needed"]  # type: ignore[operator]


def test_exact_values_stay_exact(capsys: pytest.CaptureFixture[str]) -> None:
    out = _run(capsys, BOUNDS)
    assert out["root_start_success"] == {"exact": "266753/442368"}
    assert out["root_start_failure"] == {"exact": str(1 - Fraction(266753, 442368))}
    assert "exact" in out["cps_success_worst"]  # type: ignore[operator]
    assert main(BOUNDS) == 0
    assert "(exact)" in capsys.readouterr().out


@pytest.mark.parametrize(("changes", "message"), [
    ({"queries": "1e1001"}, "--queries: must be at most 1e1000"),
    ({"queries": "1.5"}, "--queries: must be an integer >= 0"),
    ({"queries": "-1"}, "--queries: must be an integer >= 0"),
    ({"queries": "1e100000000"}, "--queries: exponents are read up to"),
    ({"delta": "1e-1001"}, "--delta: must be at least 1e-1000"),
    ({"delta": "1e-100000000"}, "--delta: exponents are read up to"),
    ({"vocab": "1000001"}, "--vocab: must be at most 1000000"),
    ({"horizon": "1000001"}, "--horizon: must be at most 1000000"),
    ({"m": "10000001"}, "--m: must be at most 10000000"),
    ({"alpha": "3334/10000"}, "--alpha: the HP2 bound asks for m ="),
    ({"alpha": "11/31", "delta": "1e-300"}, "--alpha: the adaptive test's margin would be about"),
])
def test_out_of_range_is_one_line(capsys: pytest.CaptureFixture[str], changes: dict[str, str],
                                  message: str) -> None:
    argv = list(BOUNDS)
    for flag, value in changes.items():
        if "--" + flag in argv:
            argv[argv.index("--" + flag) + 1] = value
        else:
            argv += ["--" + flag, value]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err, err
