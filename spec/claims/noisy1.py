"""NOISY1 (project formalisation): noisy chosen-prefix sampling is a garbling of sampling, and
on the hidden path it shrinks CPS-Path's margin by `1 - eta`.

The observation type is `genaccess.spec.noisy.NoisySample`; the predicates are in
`genaccess.spec.noisy_garbling` (i) and `genaccess.spec.noisy_path` (ii), the learner is
`genaccess.reference.cps_path.plurality_path`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from fractions import Fraction
from typing import ClassVar

import attrs
import sympy
from hypothesis import given
from hypothesis import strategies as st

from genaccess.proofs.discharge import proof_check
from genaccess.proofs.steps.noisy1 import PROOF
from genaccess.reference.cps_path import plurality_path
from genaccess.spec.access import AccessModel, access_model, registered_access_models
from genaccess.spec.answer_law import Queries, answer_law
from genaccess.spec.chance import Chooser, exact_law
from genaccess.spec.checking import for_all, set_text
from genaccess.spec.control import ArbitraryPrefix, Control, LocalReset, RootStart
from genaccess.spec.cps_success import compute_HP2_worst_success
from genaccess.spec.distribution import Distribution
from genaccess.spec.generator import Generator
from genaccess.spec.grids import Grid, describe, perturbed, r2_cases, subsets
from genaccess.spec.hidden_path import HiddenPathFamily
from genaccess.spec.local_reset import is_local_reset
from genaccess.spec.noisy import NoisySample, NoisySampleReport
from genaccess.spec.noisy_garbling import channel_pushforward, is_NOISY1_garbling
from genaccess.spec.noisy_path import (
    compute_NOISY1_m,
    compute_NOISY1_success,
    is_NOISY1_stage_law,
    noisy_family,
)
from genaccess.spec.observation import Outcome, Sample
from genaccess.spec.oracle import Oracle
from genaccess.spec.prefix import Response, all_prefixes
from genaccess.spec.reach import product_law, reach_bound, reach_of_set, total_variation
from genaccess.spec.registry import Check, CheckKind, CheckOutcome, Claim, Source
from genaccess.spec.strategies import generators

# ---------------------------------------------------------------------------------------
# Checks

ETAS = (Fraction(0), Fraction(1, 4), Fraction(1, 2), Fraction(1))
ROOT_GRIDS = (Grid(2, 1), Grid(2, 2), Grid(3, 1), Grid(2, 3, "depth"), Grid(3, 2, "depth"))
TWO_ROLLOUT_GRIDS = (Grid(2, 1), Grid(2, 2), Grid(3, 1))
GARBLING_DOMAIN = (describe(ROOT_GRIDS) + f"; eta in {set_text(ETAS)}; one root-start rollout "
                   "(two on " + describe(TWO_ROLLOUT_GRIDS) + "); every chosen-prefix query "
                   "(u, L) of an arbitrary-prefix oracle")


def check_NOISY1_garbling() -> CheckOutcome:
    """Every grid generator and noise level: noisy answers = channel(sample answers), for
    root-start rollouts and every single chosen-prefix query (any prefix, any length)."""
    count = 0
    for grid in ROOT_GRIDS:
        K, H = grid.vocab_size, grid.horizon
        chosen = [((u, L),) for u in all_prefixes(K, H) for L in range(1, H - len(u) + 1)]
        for g in grid:
            for eta in ETAS:
                noisy = NoisySample(eta)
                cases: list[tuple[Control, Queries]] = [(RootStart(), (((), H),))]
                if grid in TWO_ROLLOUT_GRIDS:
                    cases.append((RootStart(), (((), H),) * 2))
                cases += [(ArbitraryPrefix(), q) for q in chosen]
                for control, queries in cases:
                    assert is_NOISY1_garbling(g, noisy, control, queries), (
                        f"{noisy.name}, {control.name}, {queries}: {g.table()} ({grid})")
                    count += 1
    return CheckOutcome(count)


def check_NOISY1_fuzz() -> CheckOutcome:
    """Random rational generators and noise levels: root-start rollouts are garbled samples."""
    seen = [0]

    @given(generators(max_vocab=3, max_horizon=2),
           st.fractions(min_value=0, max_value=1, max_denominator=6))
    def garbling_holds(g: Generator, eta: Fraction) -> None:
        seen[0] += 1
        assert is_NOISY1_garbling(g, NoisySample(eta), RootStart(), (((), g.horizon),))

    garbling_holds()
    return CheckOutcome(seen[0])


REACH_CASES = 4  # the first four of R2's cases (K <= 3, H <= 2, every subset D)
REACH_ETAS = (Fraction(1, 4), Fraction(1, 2))


def check_NOISY1_reach_bound(observation: Callable[[Fraction], object] = NoisySample
                             ) -> CheckOutcome:
    """R2's reach bound holds for noisy root-start rollouts (as it must for a garbling):
    on R2's small cases, TV of T noisy rollouts `<= 1 - (1 - rho(D))^T`."""
    count = 0
    for description, bases, max_size, queries in r2_cases()[:REACH_CASES]:
        for g in bases:
            K, H = g.vocab_size, g.horizon
            for eta in REACH_ETAS:
                access = AccessModel(RootStart(), observation(eta))  # type: ignore[arg-type]
                law = {a[0]: p for a, p in answer_law(g, access, (((), H),)).items()}
                for D in subsets(list(all_prefixes(K, H)), max_size):
                    h = perturbed(g, D)
                    other = {a[0]: p for a, p in answer_law(h, access, (((), H),)).items()}
                    rho = reach_of_set(g, D)
                    for T in queries:
                        tv = total_variation(product_law(law, T), product_law(other, T))
                        assert tv <= reach_bound(rho, T), (
                            f"eta={eta}, T={T}, D={sorted(D)}: TV={tv} > bound "
                            f"({description}, base {g.table()})")
                        count += 1
    return CheckOutcome(count)


STAGE_ALPHAS = {2: ("3/5", "3/4"), 3: ("1/2", "2/3"), 4: ("2/5", "5/8")}
STAGE_ETAS = (Fraction(0), Fraction(1, 10), Fraction(1, 4), Fraction(1, 2), Fraction(3, 4),
              Fraction(9, 10))


def check_NOISY1_stage_law() -> CheckOutcome:
    """On-path noisy stage = stage of HP(K, H, alpha_eta), margin `(1-eta) Delta`, for
    K in 2..4, two alphas each, six noise levels."""
    return for_all(((K, alpha, eta) for K, alphas in STAGE_ALPHAS.items() for alpha in alphas
                    for eta in STAGE_ETAS),
                   lambda case: is_NOISY1_stage_law(HiddenPathFamily(case[0], 1, case[1]),
                                                    case[2]))


STAGE_DOMAIN = (", ".join(f"K={K}: alpha in {set_text(a)}" for K, a in STAGE_ALPHAS.items())
                + f"; eta in {set_text(STAGE_ETAS)}")


def check_NOISY1_margin_symbolic() -> CheckOutcome:
    """sympy: for symbolic K, alpha, eta, `alpha_eta - beta_eta = (1-eta)(alpha - beta)`
    and the mixed off-path mass `(1-eta) beta + eta/K` equals `(1 - alpha_eta)/(K-1)`."""
    K, alpha, eta = sympy.symbols("K alpha eta", positive=True)
    beta = (1 - alpha) / (K - 1)
    alpha_eta = (1 - eta) * alpha + eta / K
    beta_eta = (1 - eta) * beta + eta / K
    margin = sympy.simplify(alpha_eta - beta_eta - (1 - eta) * (alpha - beta))
    off_path = sympy.simplify(beta_eta - (1 - alpha_eta) / (K - 1))
    assert margin == 0, margin
    assert off_path == 0, off_path
    return CheckOutcome(2, "two identities in K, alpha, eta")


CPS_CASES = ((2, "3/4", 1, 3), (2, "3/4", 2, 2), (3, "2/3", 1, 2), (3, "2/3", 2, 1))
"""(K, alpha, H, max m): the exact law branches over (true, shown) token pairs, K^(2Hm)."""
CPS_DOMAIN = ("plurality CPS through the local-reset noisy oracle, exact law over every random "
              "outcome, every z, eta in {1/4, 1/2}: K=2, alpha=3/4, (H, m) in {(1, <=3), "
              "(2, <=2)}; K=3, alpha=2/3, (H, m) in {(1, <=2), (2, 1)}; Hoeffding m for delta "
              "in {1/10, 1/4}, K in 2..4, H=3")


def check_NOISY1_cps_exact() -> CheckOutcome:
    """CPS on noisy samples, run through the oracle: success exactly `prod_t q_eta(z_t)` for
    every `z`, `H*m` queries and LR on every branch; and the noisy Hoeffding `m` gives
    worst-case success `>= 1 - delta`."""
    count = 0
    for K, alpha, H, max_m in CPS_CASES:
        for eta in (Fraction(1, 4), Fraction(1, 2)):
            access = AccessModel(LocalReset(), NoisySample(eta))
            family = HiddenPathFamily(K, H, alpha)
            for m in range(1, max_m + 1):
                for z in family.paths():
                    g = family.generator(z)

                    def run(chooser: Chooser, g: Generator = g, m: int = m,
                            z: Response = z, H: int = H, access: AccessModel = access
                            ) -> tuple[bool, int, bool]:
                        oracle = Oracle(g, access, rng=chooser)
                        guess = plurality_path(oracle, m)
                        return (guess == z, oracle.queries_used,
                                is_local_reset(oracle.transcript, H))

                    law = exact_law(run)
                    assert all(q == H * m and lr for (_, q, lr) in law), (K, H, m, z)
                    success = sum((p for (ok, _, _), p in law.items() if ok), Fraction(0))
                    expected = compute_NOISY1_success(family, eta, m, z)
                    assert success == expected, (K, alpha, eta, H, m, z, success, expected)
                    count += 1
    for K, alphas in STAGE_ALPHAS.items():
        family = HiddenPathFamily(K, 3, alphas[1])
        for eta in (Fraction(1, 4), Fraction(1, 2)):
            for delta in (Fraction(1, 10), Fraction(1, 4)):
                m = compute_NOISY1_m(family, eta, delta)
                worst = compute_HP2_worst_success(noisy_family(family, eta), m)
                assert worst >= 1 - delta, (K, eta, delta, m, worst)
                count += 1
    return CheckOutcome(count)


@attrs.frozen
class _MutantGeneratedNoise(NoisySample):
    """A deliberately different model: the continuation follows the noisy token (noise in
    the sampler, as if sampling from `(1-eta) pi + eta U`), not the generator's own token."""

    family: ClassVar[str] = "generated-noise"

    def outcomes(self, dist: Distribution) -> Iterator[Outcome]:
        K = dist.vocab_size
        for b in range(K):
            weight = (1 - self.eta) * dist[b] + self.eta / K
            if weight > 0:
                yield b, NoisySampleReport(b), weight


def check_NOISY1_catches_generated_noise() -> CheckOutcome:
    """Power: noise in the sampler (the continuation follows the noisy token) is not a
    garbling of sampling — the garbling check fails on it, and it breaks R2's reach bound
    (the noisy token leads off-policy, to prefixes of reach 0)."""
    g = Generator.from_table(2, 2, {(): (1, 0), (0,): (1, 0), (1,): (0, 1)})
    bad = _MutantGeneratedNoise(Fraction(1, 2))
    clean = answer_law(g, AccessModel(RootStart(), Sample()), (((), 2),))
    noisy_law = answer_law(g, AccessModel(RootStart(), bad), (((), 2),))
    assert channel_pushforward(clean, bad.eta, 2) != noisy_law, "sampler noise passed"
    try:
        check_NOISY1_reach_bound(_MutantGeneratedNoise)
    except AssertionError as err:
        assert "> bound" in str(err), err
        return CheckOutcome(2, "sampler noise caught by the garbling and reach checks")
    raise AssertionError("the reach-bound check passed sampler noise")


def check_NOISY1_parse_round_trip() -> CheckOutcome:
    """The registry parses every noisy access model it yields back to the same model."""
    names = [model.name for model in registered_access_models(2, 2)
             if isinstance(model.observation, NoisySample)]
    for name in names:
        assert access_model(name).name == name, name
    assert names, "no noisy access model is registered"
    return CheckOutcome(len(names))


CLAIM = Claim(
    id="NOISY1",
    title="Noisy chosen-prefix sampling: a garbling of sampling whose margin shrinks by 1-eta",
    source=Source.FORMALISATION,
    statement="noisy-sample(eta) shows the sampled token with probability 1-eta and a uniform "
    "token otherwise; the continuation follows the generator's own token. (i) Its answers are "
    "sample answers passed through the eta-channel, so R1's conclusion and R2's reach bound "
    "hold for it. (ii) On HP(K,H,alpha) an on-path noisy answer is a stage draw of "
    "HP(K,H,(1-eta)alpha+eta/K), whose margin is (1-eta)Delta: CPS-Path on noisy samples "
    "succeeds with exactly prod_t q_eta(z_t), and m = ceil(2/((1-eta)Delta)^2 ln(H(K-1)/delta)) "
    "gives success >= 1-delta.",
    uses=("R1", "R2", "HP2"),
    predicates=(is_NOISY1_garbling, is_NOISY1_stage_law),
    checks=(
        proof_check("NOISY1", PROOF),
        Check("NOISY1_garbling", CheckKind.EXHAUSTIVE, GARBLING_DOMAIN, check_NOISY1_garbling,
              slow=True),
        Check("NOISY1_fuzz_random_rational", CheckKind.FUZZ,
              "random rational tables K<=3, H<=2, eta in [0,1] with denominator <= 6",
              check_NOISY1_fuzz),
        Check("NOISY1_reach_bound", CheckKind.EXHAUSTIVE,
              f"R2's first four cases (K<=3, H<=2, every subset D, T<=3), eta in "
              f"{set_text(REACH_ETAS)}",
              check_NOISY1_reach_bound, slow=True),
        Check("NOISY1_stage_law", CheckKind.EXHAUSTIVE, STAGE_DOMAIN, check_NOISY1_stage_law),
        Check("NOISY1_margin_symbolic", CheckKind.SYMBOLIC,
              "symbolic K, alpha, eta (identities of rational functions)",
              check_NOISY1_margin_symbolic),
        Check("NOISY1_cps_exact", CheckKind.EXHAUSTIVE, CPS_DOMAIN, check_NOISY1_cps_exact),
        Check("NOISY1_parse_round_trip", CheckKind.EXHAUSTIVE,
              "every registered noisy access model for K=2, H=2",
              check_NOISY1_parse_round_trip),
        Check("NOISY1_catches_generated_noise", CheckKind.POWER,
              "noise in the sampler instead of the report, K=2, H=2",
              check_NOISY1_catches_generated_noise),
    ),
    reference=("genaccess.spec.noisy.NoisySample", "genaccess.spec.noisy.compute_channel",
               "genaccess.reference.cps_path.plurality_path"),
    proof=PROOF,
)
