"""`genaccess bounds hidden-path`'s adaptive row reports the test the adaptive learner runs
(the posterior test, HP2 adaptive) and its query counts; `compute_adaptive_cost`'s
enclosures contain the exact expected queries of every hidden path.

The reference is a brute force written here from the test's definition (certify the token
`x` whose posterior odds `sum_{y != x} r^(N_x - N_y)` are at most the threshold; at the cap
the plurality, ties to the lower index), over count vectors with exact rationals, for each
path token separately: it shares no code with the spec's profile DP.
"""

from __future__ import annotations

import json
import math
import random
from fractions import Fraction
from functools import cache

import attrs
import pytest

from genaccess.reference.adaptive_cps import adaptive_parameters
from genaccess.reference.cli import main
from genaccess.spec.access import access_model
from genaccess.spec.adaptive_cost import AdaptiveCost, compute_adaptive_cost
from genaccess.spec.hidden_path import HiddenPathFamily
from genaccess.spec.oracle import Oracle
from genaccess.spec.sequential_test import PosteriorTest, compute_posterior_parameters

BOUNDS = ["bounds", "hidden-path", "--vocab", "3", "--horizon", "4", "--alpha", "1/2",
          "--delta", "1/10", "--queries", "5"]
GRID = [(K, alpha, H, delta) for K, alphas in ((2, ("3/4", "7/8")), (3, ("2/3", "5/6")))
        for alpha in alphas for H in (1, 2, 3) for delta in (Fraction(1, 2), Fraction(1, 5))]
"""(K, alpha, H, delta): caps of 15 to 55 samples, small enough for the brute force."""
BUDGETS = (0, 300, 1_000, 3_000, None)
"""Profile-DP budgets: none (the trivial enclosure), truncated stages, the default."""


@attrs.frozen
class _Stage:
    expected: Fraction
    decided: tuple[Fraction, ...]
    """P(the stage decides token x), certified or at the cap."""
    certified: tuple[Fraction, ...]
    open_odds: frozenset[Fraction]
    """The least posterior odds of every count vector reached but not certified."""


def _odds(counts: tuple[int, ...], x: int, ratio: Fraction) -> Fraction:
    return sum((ratio ** (counts[x] - c) for y, c in enumerate(counts) if y != x),
               Fraction(0))


def _verdict(counts: tuple[int, ...], ratio: Fraction, odds: Fraction
             ) -> tuple[Fraction, int | None]:
    """The least posterior odds over the tokens, and the token certified (if any)."""
    every = [_odds(counts, x, ratio) for x in range(len(counts))]
    winners = [x for x, o in enumerate(every) if o <= odds]
    assert len(winners) <= 1  # odds < 1: a certified token leads every other strictly
    return min(every), (winners[0] if winners else None)


@cache
def _brute_stage(probs: tuple[Fraction, ...], ratio: Fraction, odds: Fraction, cap: int
                 ) -> _Stage:
    """One stage with i.i.d. samples from `probs`, by count vectors (kept relative to the
    least count: the rule reads differences only). Masses are integers over `den^n` after
    `n` samples; the totals are rescaled as `n` grows."""
    K = len(probs)
    den = math.lcm(*(p.denominator for p in probs))
    weights = [int(p * den) for p in probs]
    live: dict[tuple[int, ...], int] = {(0,) * K: 1}
    expected = 0  # sum_{j <= n} P(no decision in the first j samples), over den^n
    decided, certified = [0] * K, [0] * K  # over den^(n+1) after the (n+1)-th sample
    verdicts: dict[tuple[int, ...], tuple[Fraction, int | None]] = {}
    seen: set[tuple[int, ...]] = set()
    for n in range(cap):
        expected = expected * den + sum(live.values())
        decided = [x * den for x in decided]
        certified = [x * den for x in certified]
        nxt: dict[tuple[int, ...], int] = {}
        for counts, mass in live.items():
            for a in range(K):
                raw = [*counts]
                raw[a] += 1
                low = min(raw)
                new = tuple(c - low for c in raw) if low else tuple(raw)
                if new not in verdicts:
                    verdicts[new] = _verdict(new, ratio, odds)
                winner = verdicts[new][1]
                step = mass * weights[a]
                if winner is not None:
                    decided[winner] += step
                    certified[winner] += step
                elif n + 1 == cap:
                    decided[new.index(max(new))] += step
                else:
                    seen.add(new)
                    nxt[new] = nxt.get(new, 0) + step
        live = nxt
    scale = den**cap
    return _Stage(Fraction(expected, den ** (cap - 1)),
                  tuple(Fraction(x, scale) for x in decided),
                  tuple(Fraction(x, scale) for x in certified),
                  frozenset(verdicts[counts][0] for counts in seen))


def _stage_of(family: HiddenPathFamily, test: PosteriorTest, token: int | None) -> _Stage:
    """The stage at an on-path prefix with path token `token`, or off the path (`None`)."""
    K = family.vocab_size
    probs = ((Fraction(1, K),) * K if token is None else
             tuple(family.alpha if a == token else family.off_path for a in range(K)))
    return _brute_stage(probs, test.ratio, test.odds, test.cap)


def _exact_expected(family: HiddenPathFamily, test: PosteriorTest, z: tuple[int, ...]
                    ) -> Fraction:
    """E_z[queries] = sum_t (P_t E_on + (1 - P_t) E_off), P_t = prod_{j<t} P(stage j right)."""
    off = _stage_of(family, test, None).expected
    total, on_path = Fraction(0), Fraction(1)
    for token in z:
        stage = _stage_of(family, test, token)
        total += on_path * stage.expected + (1 - on_path) * off
        on_path *= stage.decided[token]
    return total


def _encloses(cost: AdaptiveCost, family: HiddenPathFamily, test: PosteriorTest) -> bool:
    """Every hidden path's exact expected queries, and `H E_on` for every path token, lie in
    `cost`'s enclosures; `worst` is `H cap`."""
    H = family.horizon
    on = {_stage_of(family, test, a).expected for a in range(family.vocab_size)}
    if len(on) != 1:  # E_on is the same for every path token (the samples are symmetric)
        return False
    on_low, on_high = cost.on_path
    expected_low, expected_high = cost.expected
    return (on_low <= H * on.pop() <= on_high and cost.worst == H * test.cap
            and all(expected_low <= _exact_expected(family, test, z) <= expected_high
                    for z in family.paths()))


@pytest.mark.parametrize(("K", "alpha", "H", "delta"), GRID)
def test_cost_encloses_every_path(K: int, alpha: str, H: int, delta: Fraction) -> None:
    family = HiddenPathFamily(K, H, alpha)
    test = compute_posterior_parameters(family, delta)
    for budget in BUDGETS:
        cost = (compute_adaptive_cost(family, test) if budget is None else
                compute_adaptive_cost(family, test, budget))
        assert _encloses(cost, family, test), (budget, cost)
        if cost.levels == test.cap:  # the whole stage law: H E_on is exact
            assert cost.on_path[0] == cost.on_path[1]
    assert compute_adaptive_cost(family, test).levels == test.cap  # default: whole stages


def test_trivial_and_truncated_enclosures_are_what_they_say() -> None:
    family = HiddenPathFamily(3, 2, "2/3")
    test = compute_posterior_parameters(family, Fraction(1, 5))
    trivial = compute_adaptive_cost(family, test, 0)
    least = 2 * min(test.margin, test.cap)
    assert trivial.levels == 0
    assert trivial.expected == (Fraction(least), Fraction(2 * test.cap))
    truncated = compute_adaptive_cost(family, test, 1_000)
    assert 0 < truncated.levels < test.cap
    assert truncated.on_path[0] < truncated.on_path[1]  # a real enclosure, not a point


def _broken_cost(family: HiddenPathFamily, test: PosteriorTest) -> AdaptiveCost:
    """Forgets that a wrong decision sends every later stage off the path (E = H E_on)."""
    cost = compute_adaptive_cost(family, test)
    return attrs.evolve(cost, expected=cost.on_path)


def test_the_enclosure_check_has_power() -> None:
    broken = []
    for K, alpha, H, delta in GRID:
        family = HiddenPathFamily(K, H, alpha)
        test = compute_posterior_parameters(family, delta)
        broken.append(not _encloses(_broken_cost(family, test), family, test))
    assert any(broken)


# The pinned instance of `BOUNDS`: K = 3, H = 4, alpha = 1/2, delta = 1/10, so r = beta/alpha
# = 1/2, the stage budget e = delta/H = 1/40, certification's share e_c = (31/32) e = 31/1280.
E_C = Fraction(31, 1280)
ANALYTIC_ODDS = E_C / (1 - E_C)  # = 31/1249


def _wrong_certified(odds: Fraction) -> Fraction:
    """P(the stage certifies a wrong token), path token 0, cap 252 (by hand below)."""
    half, quarter = Fraction(1, 2), Fraction(1, 4)
    stage = _brute_stage((half, quarter, quarter), half, odds, 252)
    return sum(stage.certified[1:], Fraction(0))


@pytest.mark.slow
def test_bounds_reports_the_learners_test(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*BOUNDS, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["adaptive_cps_test"] == "posterior"
    # cap: least n with (K-1) exp(-n Delta^2/2) <= delta/(32 H), Delta = 1/4:
    # n >= 32 ln(2 * 32 * 4 / (1/10)) = 32 ln 2560 = 251.1, so 252.
    assert 251 < 32 * math.log(2560) < 252 and out["adaptive_cps_cap"] == 252
    assert out["adaptive_cps_max_queries"] == 4 * 252
    # The threshold: the analytic e_c/(1 - e_c) = 31/1249, raised to the largest odds of a
    # count vector reached under it (up to 31/1249 / r) that still certifies a wrong token
    # with probability <= e_c: 33/1024 = 2^-5 + 2^-10 (leads 5 and 10).
    odds = Fraction(out["adaptive_cps_odds"]["exact"])
    assert odds == Fraction(33, 1024) and ANALYTIC_ODDS < odds <= 2 * ANALYTIC_ODDS
    half, quarter = Fraction(1, 2), Fraction(1, 4)
    reached = _brute_stage((half, quarter, quarter), half, ANALYTIC_ODDS, 252).open_odds
    candidates = sorted(v for v in reached if ANALYTIC_ODDS < v <= 2 * ANALYTIC_ODDS)
    assert odds in candidates
    following = candidates[candidates.index(odds) + 1]
    assert _wrong_certified(odds) <= E_C < _wrong_certified(following)
    # The least lead: least c with 2^-c <= 33/1024, i.e. 2^c >= 31.03: c = 5.
    assert out["adaptive_cps_margin"] == 5
    # H E_on, exact: 4 times the brute force's expected samples of one on-path stage.
    on_path = _brute_stage((half, quarter, quarter), half, odds, 252).expected
    assert out["adaptive_cps_expected_queries_on_path"] == {"exact": str(4 * on_path)}
    low, high = (Fraction(x) for x in out["adaptive_cps_expected_queries"]["enclosure"])
    assert out["adaptive_cps_dp_samples"] == 252 and low < high < low + Fraction(1, 100)
    # The learner builds the same test (its own function, from the oracle's K and H).
    oracle = Oracle(HiddenPathFamily(3, 4, "1/2").generator((0, 1, 2, 0)),
                    access_model("local-reset/sample"), rng=random.Random(0))
    learner_test = adaptive_parameters(oracle, "1/2", "1/10")
    assert (learner_test.odds, learner_test.cap) == (odds, 252)


def test_bounds_text_row_names_the_test_and_labels_the_enclosure(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(BOUNDS) == 0
    row = next(line for line in capsys.readouterr().out.splitlines() if "adaptive CPS" in line)
    assert "E in [" in row and "(rigorous enclosure;" in row
    assert "posterior test: odds <= 33/1024, lead >= 5, cap = 252" in row
    assert "H*E_on = 109.247 (exact)" in row and "at most H*cap = 1008" in row


def test_bounds_at_large_sizes_give_the_trivial_enclosure(
        capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["bounds", "hidden-path", "--vocab", "1000", "--horizon", "10000", "--alpha", "1/2",
            "--delta", "1e-300", "--queries", "1e100", "--json"]
    assert main(argv) == 0
    out = json.loads(capsys.readouterr().out)
    lead, cap = out["adaptive_cps_margin"], out["adaptive_cps_cap"]
    assert out["adaptive_cps_dp_samples"] == 0 and lead < cap
    assert out["adaptive_cps_expected_queries"] == {"enclosure": [str(10_000 * lead),
                                                                  str(10_000 * cap)]}
    assert out["adaptive_cps_max_queries"] == 10_000 * cap
