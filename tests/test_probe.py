"""`genaccess probe` (issue 15): exact predictions from a target's per-depth laws.

- `genaccess.spec.probe` against brute force on small exact generators: ranks, rivals and
  margins; the least root-start `T` (exact powers, and 300-digit arithmetic where `T` is
  huge); the reach of a set of targets (every response enumerated); the walk, CPS-Path and
  adaptive costs against the exact success of the stages they price (exact plurality and
  stage laws); the unseen gap against the tilted law itself.
- On a seeded tiny GPT-2 with a planted path, every number equals the value PLANTED1's
  formula gives from the base model's own laws, and the learners' measured queries fall
  within the predicted ones; a reach that drops a depth and an off-by-one `T` fail the same
  assertion (power).
- The reach equals the product of softmax probabilities of uncached forward passes, with
  and without a prompt; a checkpoint with a BPE tokenizer trained offline here works with
  --prompt-text/--target-text; bad input is one line and exit status 2.

"Within the predicted" means: a prediction holds with a stated probability over the draws,
so each test below runs fixed seeds (deterministic) and states the false-alarm probability
a fresh seed would have.
"""

from __future__ import annotations

import json
import math
import random
import warnings
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

import mpmath
import pytest

from genaccess.reference import probe as reference_probe
from genaccess.reference.adaptive_cps import sequential_cps
from genaccess.reference.cps_path import cps_path
from genaccess.reference.probe import Probe, probe, score_target
from genaccess.reference.target_walk import target_walk
from genaccess.spec import probe as spec_probe
from genaccess.spec.access import access_model
from genaccess.spec.cps_success import compute_plurality_win_probability
from genaccess.spec.distribution import Distribution
from genaccess.spec.generator import Generator, response_law
from genaccess.spec.oracle import Oracle
from genaccess.spec.prefix import all_prefixes
from genaccess.spec.probe import (
    TargetProfile,
    compute_adaptive_cost,
    compute_cps_cost,
    compute_least_rollouts,
    compute_set_reach,
    compute_top_cost,
    compute_unseen_gap,
    compute_walk_cost,
    depth_profile,
    minimal_targets,
)
from genaccess.spec.reach import total_variation
from genaccess.spec.sequential_test import compute_stage_law

warnings.filterwarnings("ignore", module="transformers")
HF = pytest.mark.hf

# ---------------------------------------------------------------------------------------
# Brute force


def _least_T(rho: Fraction, delta: Fraction) -> int:
    power, T = 1 - rho, 1
    while power > delta:
        power *= 1 - rho
        T += 1
    return T


def _ceil_mp(x: Any) -> int:
    """`ceil` of a 300-digit mpmath value; an integer within 1e-250 would be ambiguous (never
    met here: the values are logarithms of rationals)."""
    n = int(mpmath.ceil(x))
    assert abs(x - mpmath.nint(x)) > mpmath.mpf(10) ** -250
    return n


def _random_distribution(rng: random.Random, K: int) -> Distribution:
    weights = [rng.choice([0, 1, 1, 2, 3, 5]) for _ in range(K)]
    if not any(weights):
        weights[rng.randrange(K)] = 1
    return Distribution.from_weights(weights)


def _table(rng: random.Random, K: int, H: int) -> Generator:
    return Generator.from_table(K, H, {u: _random_distribution(rng, K)
                                       for u in all_prefixes(K, H)})


def _profile(generator: Generator, z: tuple[int, ...]) -> TargetProfile:
    return score_target(generator, z)


# ---------------------------------------------------------------------------------------
# spec.probe against brute force


def test_depth_profile_equals_the_ranking() -> None:
    rng = random.Random(1)
    cases = 0
    for K in (2, 3, 5, 300, 600):  # 300 and 600 cross Distribution's ranking blocks
        for _ in range(40):
            dist = _random_distribution(rng, K)
            for a in rng.sample(range(K), min(K, 4)):
                d = depth_profile(dist, a)
                ranking = dist.ranking()
                rival = next(b for b in ranking if b != a)
                assert d.rank == ranking.index(a) + 1
                assert (d.rival, d.rival_probability) == (rival, dist[rival])
                assert d.probability == dist[a] and d.margin == dist[a] - dist[rival]
                assert d.is_top1 == (dist.argmax() == a)
                assert all(d.in_top(k) == (a in dict(dist.top(k))) for k in (1, 2, 5))
                cases += 1
    assert cases > 500


DELTAS = (Fraction(1, 20), Fraction(1, 4), Fraction(1, 8), Fraction(1, 1000), Fraction(9, 10))
RHOS = (Fraction(1, 2), Fraction(3, 4), Fraction(1, 3), Fraction(1, 7), Fraction(2, 97),
        Fraction(1, 1000), Fraction(999, 1000), Fraction(1), Fraction(7, 8))
"""1/2 at delta 1/4 and 1/8: `ln delta / ln(1 - rho)` is an integer there."""


def _assert_least_rollouts(least: Any) -> None:
    for delta in DELTAS:
        for rho in RHOS:
            assert least(rho, delta) == _least_T(rho, delta), (rho, delta)
        assert least(Fraction(0), delta) is None


def test_least_rollouts_equals_the_exact_search() -> None:
    _assert_least_rollouts(compute_least_rollouts)


def _broken_off_by_one(rho: Fraction, delta: Fraction) -> int | None:
    T = compute_least_rollouts(rho, delta)
    return None if T is None else T - 1


def _broken_floor_plus_one(rho: Fraction, delta: Fraction) -> int | None:
    """`floor(x) + 1` for `x = ln delta / ln(1 - rho)`: wrong only where `x` is an integer."""
    T = compute_least_rollouts(rho, delta)
    return None if T is None else T + ((1 - rho) ** T == delta)


@pytest.mark.parametrize("broken", [_broken_off_by_one, _broken_floor_plus_one])
def test_a_broken_least_T_is_caught_by_the_exact_search(broken: Any) -> None:
    with pytest.raises(AssertionError):
        _assert_least_rollouts(broken)


def test_least_rollouts_at_huge_T_equals_300_digit_arithmetic() -> None:
    rng = random.Random(4)
    with mpmath.workdps(300):
        for exponent in (20, 80, 200, 240):
            rho = Fraction(rng.randrange(1, 10**6), 10 ** (exponent + 6))
            delta = Fraction(1, rng.choice([20, 3, 10**9]))
            x = mpmath.log(mpmath.mpf(delta.numerator) / delta.denominator) / mpmath.log1p(
                -mpmath.mpf(rho.numerator) / rho.denominator)
            T = compute_least_rollouts(rho, delta)
            assert T is not None and 10**exponent < T
            assert _ceil_mp(x) == T


def _assert_set_reach(set_reach: Any) -> None:
    rng = random.Random(5)
    for _ in range(30):
        K, H = 3, 3
        g = _table(rng, K, H)
        law = response_law(g)
        targets = [tuple(rng.randrange(K) for _ in range(rng.randint(1, H)))
                   for _ in range(rng.randint(1, 5))]
        targets.append(targets[0])
        profiles = [_profile(g, z) for z in targets]
        hit = sum((p for y, p in law.items() if any(y[:len(z)] == z for z in targets)),
                  Fraction(0))
        assert set_reach(profiles) == hit
        for z, prof in zip(targets, profiles, strict=True):
            assert prof.rho == sum((p for y, p in law.items() if y[:len(z)] == z), Fraction(0))
        kept = minimal_targets(targets)
        assert all(not any(y != z and z[:len(y)] == y for y in targets) for z in kept)


def test_set_reach_equals_the_enumerated_law() -> None:
    """Targets of different lengths, duplicates, one a prefix of another: the set's reach
    is the probability that a response starts with one of them."""
    _assert_set_reach(compute_set_reach)


def _broken_distinct_sum(profiles: list[TargetProfile]) -> Fraction:
    """Sums every distinct target, prefixes of one another included."""
    return sum((p.rho for p in {p.tokens: p for p in profiles}.values()), Fraction(0))


def test_a_set_reach_that_counts_extensions_is_caught() -> None:
    with pytest.raises(AssertionError):
        _assert_set_reach(_broken_distinct_sum)


def _planted_like(rng: random.Random, K: int, H: int, z: tuple[int, ...], top: Fraction
                  ) -> Generator:
    """A table generator whose on-path stages put `top` on `z_t` and share the rest."""
    table = {}
    for u in all_prefixes(K, H):
        if u == z[:len(u)]:
            rest = [rng.randint(1, 4) for _ in range(K - 1)]
            probs = [Fraction(0)] * K
            others = [b for b in range(K) if b != z[len(u)]]
            for b, w in zip(others, rest, strict=True):
                probs[b] = (1 - top) * w / sum(rest)
            probs[z[len(u)]] = top
            table[u] = Distribution(probs)
        else:
            table[u] = _random_distribution(rng, K)
    return Generator.from_table(K, H, table)


def test_walk_cps_and_adaptive_costs_guarantee_their_success_exactly() -> None:
    """The walk's caps, CPS-Path's `m` and the adaptive learner's test each reach the target
    with exact probability >= 1 - delta; the adaptive stage means stay below the bound."""
    rng = random.Random(6)
    delta = Fraction(1, 20)
    for top in (Fraction(7, 10), Fraction(3, 4)):
        K, H = 3, 3
        z = tuple(rng.randrange(K) for _ in range(H))
        g = _planted_like(rng, K, H, z, top)
        prof = _profile(g, z)
        walk = compute_walk_cost(prof, delta)
        success = math.prod(1 - (1 - d.probability) ** n
                            for d, n in zip(prof.depths, walk.per_depth, strict=True)
                            if n is not None)
        assert success >= 1 - delta
        assert walk.expected == sum(1 / d.probability for d in prof.depths)
        cps = compute_cps_cost(prof, delta)
        assert cps.samples is not None and cps.queries == H * cps.samples
        wins = math.prod(compute_plurality_win_probability(g.next_token(z[:t]), cps.samples,
                                                           z[t]) for t in range(H))
        assert wins >= 1 - delta
        ada = compute_adaptive_cost(prof, delta)
        assert ada.test is not None and ada.expected_at_most is not None
        means = Fraction(0)
        for t in range(H):
            law = compute_stage_law(g.next_token(z[:t]), ada.test)
            assert 1 - law.decided().get(z[t], Fraction(0)) <= delta / H
            means += law.expected
        assert means <= ada.expected_at_most


def test_plurality_and_top_costs_name_the_failing_depths() -> None:
    stages = [Distribution(("1/2", "1/4", "1/4")), Distribution(("1/3", "1/3", "1/3")),
              Distribution(("1/5", "3/5", "1/5")), Distribution(("0", "1/2", "1/2"))]
    g = Generator.from_table(3, 4, {u: stages[len(u)] for u in all_prefixes(3, 4)})
    prof = _profile(g, (0, 0, 0, 0))
    assert compute_cps_cost(prof, "1/20").failing_depths == (2, 3, 4)  # 2: a tie is no win
    assert compute_adaptive_cost(prof, "1/20").queries is None
    assert compute_top_cost(prof, 1).failing_depths == (3, 4)  # ties go to the lower index
    assert compute_top_cost(prof, 2).failing_depths == (4,)
    assert compute_top_cost(prof, None).failing_depths == (4,)  # p_4 = 0: full shows no 0
    assert compute_walk_cost(prof, "1/20").queries is None
    assert compute_least_rollouts(prof.rho, Fraction(1, 20)) is None
    point = Generator.from_table(3, 2, {u: Distribution.point(3, 1) for u in all_prefixes(3, 2)})
    sure = _profile(point, (1, 1))
    assert compute_cps_cost(sure, "1/20").queries == 2
    assert compute_adaptive_cost(sure, "1/20").queries == 2


def test_unseen_gap_equals_the_tilted_law() -> None:
    """pstar(y) = pi(y) e^(r(y)/beta) / Z with e^(1/beta) = 1/rho: rational. Its mass on the
    targets, the TV chain and the KL (to 60 digits) against the spec's values."""
    rng = random.Random(7)
    for _ in range(10):
        g = _table(rng, 3, 3)
        law = response_law(g)
        targets = [tuple(rng.randrange(3) for _ in range(rng.randint(1, 3))) for _ in range(2)]
        rho = compute_set_reach([_profile(g, z) for z in targets])
        gap = compute_unseen_gap(rho)
        if gap is None:
            assert rho in (0, 1)
            continue

        def hits(y: tuple[int, ...]) -> bool:
            return any(y[:len(z)] == z for z in targets)  # noqa: B023

        Z = sum((p / rho if hits(y) else p for y, p in law.items()), Fraction(0))
        pstar = {y: (p / rho if hits(y) else p) / Z for y, p in law.items()}
        mass = sum((p for y, p in pstar.items() if hits(y)), Fraction(0))
        assert gap.target_mass == mass
        tv = total_variation(law, pstar)
        assert tv >= mass - rho and gap.lower_bound <= 2 * tv**2
        with mpmath.workdps(60):
            kl = mpmath.fsum(mpmath.mpf(p.numerator) / p.denominator * mpmath.log(
                mpmath.mpf((p / pstar[y]).numerator) / (p / pstar[y]).denominator)
                for y, p in law.items() if p)
            low, high = gap.value
            assert mpmath.mpf(low.numerator) / low.denominator <= kl + mpmath.mpf(10) ** -50
            assert kl - mpmath.mpf(10) ** -50 <= mpmath.mpf(high.numerator) / high.denominator
            assert low >= gap.lower_bound


# ---------------------------------------------------------------------------------------
# The tiny GPT-2 with a planted path

K, H, ALPHA = 64, 8, Fraction(3, 5)
DELTA = Fraction(1, 10**6)
"""Small, so each learner's failure over a fresh seed is at most 1e-6."""
Z = tuple(random.Random(2026).randrange(K) for _ in range(H))
OTHER = (Z[0], Z[1], (Z[2] + 1) % K)  # leaves the path at depth 3


@pytest.fixture(scope="module")
def model() -> Iterator[Any]:
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    from genaccess.reference.hf import tiny_gpt2
    from genaccess.reference.hf.threads import using_threads

    with using_threads():
        yield tiny_gpt2(K, seed=3)


def _planted(model: Any) -> tuple[Generator, Generator]:
    from genaccess.reference.hf import transformer_generator
    from genaccess.spec.planted import planted_generator

    base = transformer_generator(model, H)
    return base, planted_generator(transformer_generator(model, H), Z, ALPHA)


def _expected(base: Generator) -> dict[str, Any]:
    """PLANTED1's formulas on the base model's own laws, computed here without the spec."""
    p, rival_p, rival = [], [], []
    for t in range(H):
        q = base.next_token(Z[:t])
        best = max((b for b in range(K) if b != Z[t]), key=lambda b: (q[b], -b))
        p.append(ALPHA + (1 - ALPHA) * q[Z[t]])
        rival_p.append((1 - ALPHA) * q[best])
        rival.append(best)
    reach = [math.prod(p[:t + 1]) for t in range(H)]
    margins = [a - b for a, b in zip(p, rival_p, strict=True)]
    with mpmath.workdps(300):
        def mp(x: Fraction) -> Any:
            return mpmath.mpf(x.numerator) / x.denominator

        m = max(1, _ceil_mp(2 * mpmath.log(H * (K - 1) / mp(DELTA)) / mp(min(margins)) ** 2))
        r = max(b / a for a, b in zip(p, rival_p, strict=True))
        c = 1
        while (K - 1) * r**c > DELTA / (2 * H):
            c += 1
        alpha_prime = 1 / (1 + (K - 1) * r)
        cap = max(1, _ceil_mp(2 * mpmath.log(2 * H * (K - 1) / mp(DELTA))
                              / mp(alpha_prime * (1 - r)) ** 2))
    share = DELTA / H
    return {"p": p, "rival": rival, "rival_p": rival_p, "reach": reach, "margins": margins,
            "T": _least_T(Fraction(reach[-1]), DELTA), "walk": [_least_T(x, share) for x in p],
            "m": m, "lead": c, "cap": cap,
            "expected": sum((min(Fraction(cap), Fraction(c) / (2 * x - 1)) for x in p),
                            Fraction(0)) + cap * DELTA * (H - 1) / 2}


def _assert_matches(result: Probe, expected: dict[str, Any]) -> None:
    """The one assertion the planted test and its power tests share."""
    costs = result.targets[0]
    prof = costs.profile
    assert [d.probability for d in prof.depths] == expected["p"]
    assert [d.rival for d in prof.depths] == expected["rival"]
    assert [d.rival_probability for d in prof.depths] == expected["rival_p"]
    assert [d.margin for d in prof.depths] == expected["margins"]
    assert all(d.rank == 1 and d.is_top1 for d in prof.depths)
    assert list(prof.reach) == expected["reach"]
    assert costs.root_start == expected["T"]
    assert costs.walk.per_depth == tuple(expected["walk"])
    assert costs.cps.samples == expected["m"] and costs.cps.queries == H * expected["m"]
    test = costs.adaptive.test
    assert test is not None and (test.margin, test.cap) == (expected["lead"], expected["cap"])
    assert costs.adaptive.expected_at_most == expected["expected"]
    assert costs.logits.queries == H and costs.top[1].queries == H
    rho = expected["reach"][-1]
    gap = costs.unseen
    assert gap is not None and gap.target_mass == 1 / (2 - rho)
    assert gap.lower_bound == 2 * (1 / (2 - rho) - rho) ** 2
    assert costs.ratio == Fraction(expected["T"], sum(expected["walk"]))


@pytest.fixture(scope="module")
def planted_probe(model: Any) -> tuple[Generator, Generator, Probe, dict[str, Any]]:
    base, planted = _planted(model)
    return base, planted, probe(planted, [Z, Z[:4], OTHER], DELTA, (5,)), _expected(base)


@HF
def test_every_number_on_the_planted_model_equals_planted1s(
        planted_probe: tuple[Generator, Generator, Probe, dict[str, Any]]) -> None:
    base, _, result, expected = planted_probe
    _assert_matches(result, expected)
    prefix, other = result.targets[1], result.targets[2]
    assert prefix.profile.rho == expected["reach"][3]
    q = base.next_token(OTHER[:2])
    assert other.profile.depths[2].probability == (1 - ALPHA) * q[OTHER[2]]  # off the plant
    assert other.cps.failing_depths == (3,) and other.top[1].failing_depths == (3,)
    union = result.union  # Z[:4] is a prefix of Z: Z adds nothing to the set
    assert union.minimal == (1, 2)
    assert union.reach == expected["reach"][3] + other.profile.rho


@HF
def test_a_reach_that_drops_a_depth_is_caught(
        planted_probe: tuple[Generator, Generator, Probe, dict[str, Any]],
        monkeypatch: pytest.MonkeyPatch) -> None:
    _, planted, _, expected = planted_probe

    def dropped(depths: tuple[Any, ...]) -> tuple[Fraction, ...]:
        reach, out = Fraction(1), []
        for d in depths[:-1]:
            reach *= d.probability
            out.append(reach)
        return (*out, reach)  # the last depth's factor left out

    monkeypatch.setattr(spec_probe, "_cumulative", dropped)
    with pytest.raises(AssertionError):
        _assert_matches(probe(planted, [Z], DELTA, (5,)), expected)


@HF
def test_an_off_by_one_T_is_caught(
        planted_probe: tuple[Generator, Generator, Probe, dict[str, Any]],
        monkeypatch: pytest.MonkeyPatch) -> None:
    _, planted, _, expected = planted_probe
    monkeypatch.setattr(reference_probe, "compute_least_rollouts", _broken_off_by_one)
    with pytest.raises(AssertionError):
        _assert_matches(probe(planted, [Z], DELTA, (5,)), expected)


@HF
def test_the_learners_measured_queries_fall_within_the_predicted(
        planted_probe: tuple[Generator, Generator, Probe, dict[str, Any]]) -> None:
    """CPS-Path with the predicted `m`: exactly `H m` queries, and it recovers `Z` (fails
    with probability <= sum_t (K-1) exp(-m Delta_t^2/2) <= delta = 1e-6 for a fresh seed).
    The adaptive learner with the predicted test and the known-target walk with the predicted
    caps: every run recovers `Z` (probability >= 1 - 1e-6 each), within the sure bound
    (`H cap`; the walk's caps); their mean over 5 seeds is at most the predicted mean plus 10
    standard deviations of the dominating walk (Cantelli: a fresh set of seeds breaks it with
    probability <= 1/101)."""
    _, planted, result, _ = planted_probe
    costs = result.targets[0]
    prof = costs.profile
    m = costs.cps.samples
    assert m is not None
    oracle = Oracle(planted, access_model("local-reset/sample"), rng=random.Random(0))
    assert cps_path(oracle, m) == Z and oracle.queries_used == H * m
    test = costs.adaptive.test
    assert test is not None and costs.adaptive.queries is not None
    # Each stage stops no later than the +-1 walk of z_t's lead over all others reaches c:
    # hitting time of mean c/mu and variance c (1 - mu^2)/mu^3, mu = 2 p_t - 1.
    mus = [2 * float(d.probability) - 1 for d in prof.depths]
    mean = sum(test.margin / mu for mu in mus)
    sd = math.sqrt(sum(test.margin * (1 - mu * mu) / mu**3 for mu in mus))
    walk_mean = float(costs.walk.expected or 0)
    walk_sd = math.sqrt(sum((1 - float(d.probability)) / float(d.probability) ** 2
                            for d in prof.depths))
    runs = 5
    adaptive, walked = [], []
    for seed in range(runs):
        oracle = Oracle(planted, access_model("local-reset/sample"), rng=random.Random(seed))
        assert sequential_cps(oracle, test) == Z
        assert oracle.queries_used <= costs.adaptive.queries
        adaptive.append(oracle.queries_used)
        oracle = Oracle(planted, access_model("local-reset/sample"), rng=random.Random(seed))
        assert target_walk(oracle, Z, costs.walk.per_depth)
        assert costs.walk.queries is not None and oracle.queries_used <= costs.walk.queries
        walked.append(oracle.queries_used)
    assert sum(adaptive) / runs <= mean + 10 * sd / math.sqrt(runs)
    assert sum(walked) / runs <= walk_mean + 10 * walk_sd / math.sqrt(runs)


@HF
@pytest.mark.parametrize("prompt", [None, (5, 17, 42)])
@pytest.mark.parametrize("temperature", [1, Fraction(3, 2)])
def test_reach_equals_the_uncached_softmax_product(model: Any, prompt: tuple[int, ...] | None,
                                                   temperature: Fraction) -> None:
    """Tolerance: relative 1e-4 on the product of 8 probabilities (the adapter's float32
    logits through the cache differ from an uncached pass by about 1e-7; float64 softmax)."""
    import torch

    from genaccess.reference.hf import transformer_generator, transformer_rule

    g = transformer_generator(model, H, prompt=prompt, temperature=temperature)
    prof = score_target(g, Z)
    rule = transformer_rule(g)
    product = 1.0
    for t in range(H):
        logits = rule.uncached_logits(Z[:t]).to(torch.float64) / float(temperature)
        product *= float(torch.softmax(logits, dim=0)[Z[t]])
    assert math.isclose(float(prof.rho), product, rel_tol=1e-4)
    assert math.isclose(float(prof.reach[2]), float(math.prod(
        d.probability for d in prof.depths[:3])), rel_tol=1e-12)


# ---------------------------------------------------------------------------------------
# The command


def _run(capsys: pytest.CaptureFixture[str], argv: list[str]) -> dict[str, Any]:
    from genaccess.reference.cli import main

    assert main(["probe", *argv, "--json"]) == 0
    out: dict[str, Any] = json.loads(capsys.readouterr().out)
    return out


@HF
def test_cli_with_and_without_a_plant(capsys: pytest.CaptureFixture[str], model: Any,
                                      tmp_path: Path) -> None:
    target = ",".join(map(str, Z))
    plain = _run(capsys, ["--target", target, "--target", "1,2"])
    planted = _run(capsys, ["--target", target, "--plant", "3/5", "--out", str(tmp_path)])
    assert plain["planted"] is None and planted["planted"] == {"alpha": "3/5", "target": 1}
    assert plain["vocab"] == 64 and plain["threads"] == 1 and plain["prompt"] == [0]
    assert plain["set"]["deciding"] == [1, 2]
    first = planted["targets"][0]
    assert all(Fraction(d["p"]) > ALPHA for d in first["depths"])
    assert first["costs"]["root_start"]["rollouts"] < plain["targets"][0]["costs"][
        "root_start"]["rollouts"]
    written = json.loads((tmp_path / "probe.json").read_text())
    assert written["targets"] == planted["targets"]
    assert (tmp_path / "probe.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@HF
def test_cli_text_options_with_a_bpe_tokenizer_trained_here(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    pytest.importorskip("tokenizers")
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers
    from transformers import AutoModelForCausalLM, PreTrainedTokenizerFast

    from genaccess.reference.hf import tiny_gpt2, transformer_generator

    corpus = tmp_path / "corpus.txt"
    corpus.write_text("the cat sat on the mat\nthe dog sat on the log\n" * 20)
    backend = Tokenizer(models.BPE(unk_token="<unk>"))
    backend.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    backend.train([str(corpus)], trainers.BpeTrainer(vocab_size=60, special_tokens=["<unk>"]))
    fast = PreTrainedTokenizerFast(tokenizer_object=backend,  # type: ignore[no-untyped-call]
                                   unk_token="<unk>")
    checkpoint = tmp_path / "ckpt"
    fast.save_pretrained(checkpoint)
    tiny_gpt2(64, seed=5, n_positions=64).save_pretrained(checkpoint)
    out = _run(capsys, ["--model", str(checkpoint), "--prompt-text", "the cat",
                        "--target-text", " sat on the mat", "--target", "3,4"])
    prompt = fast("the cat")["input_ids"]
    target = fast(" sat on the mat", add_special_tokens=False)["input_ids"]
    assert out["prompt"] == prompt and out["targets"][0]["tokens"] == target
    assert out["targets"][1]["tokens"] == [3, 4]
    reloaded = AutoModelForCausalLM.from_pretrained(checkpoint, local_files_only=True)
    g = transformer_generator(reloaded, len(target), prompt=prompt)
    prof = score_target(g, target)
    assert [Fraction(d["p"]) for d in out["targets"][0]["depths"]] == [
        d.probability for d in prof.depths]


BAD = [
    (["--target", "5,64"], "--target: token 1 must be a token ID 0..63"),
    (["--target", "5,-1"], "--target: token 1 must be a token ID 0..63"),
    (["--target", ",".join(["1"] * 600)], "--target: the prompt (1 tokens) and the target "
     "must fit the model's context of 512"),
    (["--target", ""], "--target: is empty"),
    (["--target", "1,,2"], "--target: must be comma-separated token IDs"),
    ([], "--target: give at least one target"),
    (["--target-text", "hello"], "--target-text: needs a tokenizer (--model tiny has none; "
     "give token IDs with --target)"),
    (["--target", "1", "--prompt-text", "hi"], "--prompt-text: needs a tokenizer"),
    (["--target", "1", "--model", "/nonexistent/dir"], "--model: must be 'tiny' or"),
    (["--target", "1", "--delta", "0"], "--delta: "),
    (["--target", "1", "--delta", "3/2"], "--delta: "),
    (["--target", "1", "--delta", "x"], "--delta: "),
    (["--target", "1", "--temperature", "0"], "--temperature: must be > 0"),
    (["--target", "1", "--temperature", "nan"], "--temperature: "),
    (["--target", "1", "--top-k", "0"], "--top-k: must be integers between 1"),
    (["--target", "1", "--top-k", "5,x"], "--top-k: must be comma-separated integers"),
    (["--target", "1", "--plant", "2/5"], "--plant: the planted tilt must be strictly"),
    (["--target", "1", "--target", "1,2", "--plant", "3/5"],
     "--plant: plants the first target, which must be the longest"),
    (["--target", "1", "--threads", "0"], "--threads: must be an integer >= 1"),
    (["--target", "1", "--prompt", "1,x"], "--prompt: must be comma-separated token IDs"),
    (["--target", "1", "--prompt", "99"], "--prompt: token 0 must be a token ID"),
    (["--target", "1", "--vocab", "1000000000"], "--vocab: must be at most 262,144"),
]


@HF
@pytest.mark.parametrize(("argv", "message"), BAD)
def test_cli_bad_input_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str],
                                              argv: list[str], message: str) -> None:
    from genaccess.reference.cli import main

    assert main(["probe", *argv]) == 2
    captured = capsys.readouterr()
    err = captured.err.strip()
    assert err.count("\n") == 0 and message in err, err
    assert "Traceback" not in captured.err + captured.out and not captured.out


@HF
def test_cli_refuses_a_folder_that_is_not_a_checkpoint_and_an_out_that_is_a_file(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from genaccess.reference.cli import main

    for argv, message in (
            (["--model", str(tmp_path)], "--model: not a usable transformers checkpoint"),
            (["--out", str(tmp_path / "file")], "--out: exists and is not a directory")):
        (tmp_path / "file").write_text("x")
        assert main(["probe", "--target", "1", *argv]) == 2
        err = capsys.readouterr().err.strip()
        assert err.count("\n") == 0 and message in err, err


def test_report_names_values_too_long_to_write_out() -> None:
    """A reach over hundreds of depths has tens of thousands of digits: Python refuses to
    print it in decimal (a traceback before this guard, at a 500-token target), so the
    report names its size; short values stay exact decimals, and the JSON still dumps."""
    from genaccess.reference.commands import probe_report

    huge = Fraction(1, 10**5000)
    assert probe_report._exact(Fraction(1, 3)) == "1/3"
    assert probe_report._exact(huge) == (
        "not written out: a 1-bit numerator over a 16,610-bit denominator")
    assert probe_report._integer(12) == 12
    assert probe_report._integer(10**5000) == "not written out: a 16,610-bit integer"
    assert probe_report._count(10**5000, 5000.0) == "10^5000.00 (5,001 digits)"
    assert probe_report._count(123, 2.09) == "123"
    json.dumps({"reach": probe_report._exact(huge), "rollouts": probe_report._integer(10**5000)})
