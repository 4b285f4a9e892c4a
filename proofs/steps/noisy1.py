"""NOISY1's proof: (i) `noisy-sample(eta)` answers are `sample` answers pushed through the
`eta`-channel report by report, so R1's conclusion and R2's reach bound hold for them; (ii)
on HP(K, H, alpha) an on-path noisy answer is a stage draw of HP(K, H, alpha_eta),
`alpha_eta = (1-eta) alpha + eta/K`, margin `(1-eta) Delta`, so CPS-Path on noisy samples
succeeds with `prod_t q_eta(z_t)` and, for `eta < 1`,
`m = ceil(2/((1-eta) Delta)^2 ln(H(K-1)/delta))` gives success `>= 1 - delta`
(docs/theory.md, NOISY1).

Structure of (i): the channel is a Markov kernel independent of the generator
(`data_processing`, with R1); the best test between two laws succeeds with
`(1 + TV)/2` (`map_optimal` and `max(a, b) = (a + b + |a - b|)/2`), so the kernel cannot
increase TV, and R2's bound for `sample` carries over. Of (ii): two identities in `K`,
`alpha`, `eta`, the family's range, and HP2 for HP(K, H, alpha_eta).
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import sympy
import z3

from genaccess.proofs.discharge import identity, validity
from genaccess.spec.checking import set_text
from genaccess.spec.distribution import Distribution
from genaccess.spec.hidden_path import HiddenPathFamily
from genaccess.spec.noisy import NoisySample, NoisySampleReport
from genaccess.spec.noisy_path import compute_NOISY1_m, noisy_family
from genaccess.spec.proof import (
    Proof,
    Tie,
    by_axiom,
    by_claim,
    by_definition,
    by_sympy,
    by_z3,
)

K = sympy.Symbol("K", integer=True, positive=True)
ALPHA = sympy.Symbol("alpha", positive=True)
ETA = sympy.Symbol("eta", nonnegative=True)

KEPT = 1 - ETA + ETA / K
"""`NoisySample.outcomes`' weight (over `pi(a)`) of showing the true token."""
SPREAD = ETA / K
"""... and of showing one given other token."""
BETA = (1 - ALPHA) / (K - 1)
ALPHA_ETA = (1 - ETA) * ALPHA + ETA / K
BETA_ETA = (1 - ALPHA_ETA) / (K - 1)

ROWS = (Distribution.uniform(2), Distribution((Fraction(1, 3), Fraction(2, 3))),
        Distribution((Fraction(1, 2), Fraction(1, 4), Fraction(1, 4))),
        Distribution((Fraction(0), Fraction(1, 5), Fraction(3, 10), Fraction(1, 2))))
ETAS = (Fraction(0), Fraction(1, 4), Fraction(1, 2), Fraction(1))


def _kernel_tie() -> int:
    """`NoisySample(eta).outcomes(row)` has atom `(a, b)` with weight `pi(a) KEPT` at
    `b = a` and `pi(a) SPREAD` elsewhere (zero atoms omitted), on `ROWS` x `ETAS`."""
    kept = sympy.lambdify((ETA, K), KEPT, modules=[{}])
    spread = sympy.lambdify((ETA, K), SPREAD, modules=[{}])
    compared = 0
    for row in ROWS:
        K_ = Fraction(row.vocab_size)
        for eta in ETAS:
            atoms: dict[tuple[int, int], Fraction] = {}
            for a, report, p in NoisySample(eta).outcomes(row):
                assert isinstance(report, NoisySampleReport)
                atoms[(a, report.shown)] = atoms.get((a, report.shown), Fraction(0)) + p
            expected = {(a, b): row[a] * (kept(eta, K_) if a == b else spread(eta, K_))
                        for a in range(row.vocab_size) for b in range(row.vocab_size)}
            assert atoms == {ab: w for ab, w in expected.items() if w}, (row, eta)
            compared += 1
    return compared


def _two_point(wrong: bool) -> tuple[list[z3.BoolRef], z3.BoolRef]:
    p, q = z3.Reals("P(x) Q(x)")
    top = z3.If(p >= q, p, q)
    gap = z3.If(p >= q, p - q, q - p)
    rhs = (p + q) / 2 + gap if wrong else (p + q + gap) / 2
    return [p >= 0, q >= 0], top == rhs


def _contraction(wrong: bool) -> tuple[list[z3.BoolRef], z3.BoolRef]:
    noisy, clean, tv_noisy, tv_clean = z3.Reals("s_noisy s_sample TV_noisy TV_sample")
    hypotheses = [noisy == (1 + tv_noisy) / 2, clean == (1 + tv_clean) / 2,  # best tests
                  noisy <= clean]  # data processing
    return hypotheses, (tv_noisy < tv_clean) if wrong else (tv_noisy <= tv_clean)


def _reach(wrong: bool) -> tuple[list[z3.BoolRef], z3.BoolRef]:
    tv_noisy, tv_clean, rho, n, power = z3.Reals("TV_noisy TV_sample rho T (1-rho)^T")
    hypotheses = [rho >= 0, rho <= 1, n >= 0, tv_noisy <= tv_clean,
                  tv_clean <= 1 - power]  # R2
    return hypotheses, (tv_noisy <= -power) if wrong else (tv_noisy <= 1 - power)


STAGE_CASES = ((2, Fraction(3, 4)), (3, Fraction(1, 2)), (4, Fraction(5, 8)))
STAGE_ETAS = (Fraction(0), Fraction(1, 10), Fraction(1, 2), Fraction(9, 10))


def _stage_tie() -> int:
    """The shown token's law at an on-path prefix (from `NoisySample.outcomes` on the
    family's stage) is the stage of `noisy_family`, whose alpha and margin are the steps'
    `alpha_eta` and `(1-eta) Delta`."""
    alpha_eta = sympy.lambdify((ALPHA, ETA, K), ALPHA_ETA, modules=[{}])
    compared = 0
    for K_, alpha in STAGE_CASES:
        family = HiddenPathFamily(K_, 1, alpha)
        for eta in STAGE_ETAS:
            mixed = noisy_family(family, eta)
            assert mixed.alpha == alpha_eta(alpha, eta, Fraction(K_)), (K_, alpha, eta)
            assert mixed.margin == (1 - eta) * family.margin, (K_, alpha, eta)
            for a in range(K_):
                shown = [Fraction(0)] * K_
                for _, report, p in NoisySample(eta).outcomes(family.stage(a)):
                    assert isinstance(report, NoisySampleReport)
                    shown[report.shown] += p
                assert tuple(shown) == mixed.stage(a).probs, (K_, alpha, eta, a)
                compared += 1
    return compared


def _range(wrong: bool) -> tuple[list[z3.BoolRef], z3.BoolRef]:
    k, alpha, eta = z3.Reals("K alpha eta")
    mixed = (1 - eta) * alpha + eta / k
    hypotheses = [k >= 2, alpha > 1 / k, alpha < 1, eta >= 0,
                  eta <= 1 if wrong else eta < 1]  # wrong: eta = 1 allowed
    return hypotheses, z3.And(mixed > 1 / k, mixed < 1)


def _m(wrong: bool) -> tuple[list[z3.BoolRef], z3.BoolRef]:
    margin, mixed, eta = z3.Reals("Delta Delta_eta eta")
    hypotheses = [margin > 0, eta >= 0, eta < 1, mixed == (1 - eta) * margin]
    claim = 2 / (mixed * mixed) == (2 / ((1 - eta) * margin * margin) if wrong
                                    else 2 / ((1 - eta) * margin * (1 - eta) * margin))
    return hypotheses, claim


M_HORIZONS = (1, 3, 10)
M_DELTAS = (Fraction(1, 10), Fraction(1, 100))
M_ETAS = (Fraction(0), Fraction(1, 4), Fraction(3, 4))
M_TEXT = (f"(K, alpha) in {set_text(STAGE_CASES)}, H in {set_text(M_HORIZONS)}, eta in "
          f"{set_text(M_ETAS)}, delta in {set_text(M_DELTAS)}: ceil of the sympy value")


def _m_tie() -> int:
    """`compute_NOISY1_m` equals `max(1, ceil(2/((1-eta) Delta)^2 ln(H(K-1)/delta)))`,
    evaluated by sympy."""
    H, delta = sympy.symbols("H delta", positive=True)
    m_star = 2 / ((1 - ETA) * (ALPHA - BETA)) ** 2 * sympy.log(H * (K - 1) / delta)
    compared = 0
    for K_, alpha in STAGE_CASES:
        for H_, eta, d in itertools.product(M_HORIZONS, M_ETAS, M_DELTAS):
            value = m_star.subs({K: K_, ALPHA: sympy.Rational(alpha), ETA: sympy.Rational(eta),
                                 H: H_, delta: sympy.Rational(d)})
            expected = max(1, int(sympy.ceiling(value)))
            assert compute_NOISY1_m(HiddenPathFamily(K_, H_, alpha), eta, d) == expected
            compared += 1
    return compared


STAGE_TEXT = (f"(K, alpha) in {set_text(STAGE_CASES)}, eta in {set_text(STAGE_ETAS)}, every "
              "path token")

PROOF = Proof((
    by_definition("NOISY1.channel", "a noisy-sample step draws (a, b) with weight "
                  "pi(a) ((1-eta) 1[a = b] + eta/K): the continuation follows a, the report "
                  "shows b", "genaccess.spec.noisy.NoisySample.outcomes"),
    by_sympy("NOISY1.kernel", "so a noisy report is the sample report passed through the "
             "channel C(b|a) = (1-eta) 1[a = b] + eta/K, a law on V for every a that does not "
             "depend on the generator, drawn independently report by report",
             identity("KEPT + (K-1) SPREAD = (1 - eta + eta/K) + (K-1) eta/K = 1",
                      KEPT + (K - 1) * SPREAD, sympy.Integer(1),
                      wrong="= 1 - eta/K (the noise never reshowing the true token)",
                      wrong_rhs=1 - ETA / K,
                      points={K: (2,), ETA: (sympy.Rational(1, 2),)}),
             uses=("NOISY1.channel",),
             tie=Tie("genaccess.spec.noisy.NoisySample.outcomes",
                     f"rows {set_text(r.probs for r in ROWS)}, eta in {set_text(ETAS)}",
                     _kernel_tie)),
    by_claim("NOISY1.r1", "whatever T root-start sample queries achieve, T canonical queries "
             "achieve (R1)", "R1"),
    by_axiom("NOISY1.garbling", "an estimator from noisy answers is one from sample answers "
             "composed with the channel: noisy answers are never worth more than sample "
             "answers, hence (R1) than canonical ones", "data_processing",
             uses=("NOISY1.kernel", "NOISY1.r1")),
    by_z3("NOISY1.two_point", "max(P(x), Q(x)) = (P(x) + Q(x) + |P(x) - Q(x)|)/2, so "
          "sum_x max(P(x), Q(x))/2 = (1 + TV(P, Q))/2 for two laws",
          validity("max(p, q) = (p + q + |p - q|)/2", lambda: _two_point(False),
                   wrong="(p + q)/2 + |p - q|", build_wrong=lambda: _two_point(True))),
    by_axiom("NOISY1.best_test", "with prior 1/2 on {P, Q}, the best test succeeds with "
             "sum_x max(P(x), Q(x))/2 = (1 + TV(P, Q))/2", "map_optimal",
             uses=("NOISY1.two_point",)),
    by_z3("NOISY1.contraction", "the channel cannot increase TV: TV(noisy laws of pi, pi') <= "
          "TV(sample laws of pi, pi')",
          validity("(1 + TV_noisy)/2 <= (1 + TV_sample)/2 => TV_noisy <= TV_sample",
                   lambda: _contraction(False), wrong="TV_noisy < TV_sample (eta = 0 is "
                   "equality)", build_wrong=lambda: _contraction(True)),
          uses=("NOISY1.garbling", "NOISY1.best_test")),
    by_claim("NOISY1.r2", "for pi, pi' agreeing outside D, T root-start sample transcripts "
             "have TV <= 1 - (1 - rho(D))^T (R2)", "R2"),
    by_z3("NOISY1.reach", "(i): noisy root-start transcripts satisfy R2's reach bound",
          validity("TV_noisy <= TV_sample <= 1 - (1-rho)^T => TV_noisy <= 1 - (1-rho)^T",
                   lambda: _reach(False), wrong="TV_noisy <= -(1-rho)^T",
                   build_wrong=lambda: _reach(True)),
          uses=("NOISY1.contraction", "NOISY1.r2")),
    by_sympy("NOISY1.stage", "at an on-path prefix the shown token has law (1-eta) stage(z_t) "
             "+ eta U: alpha_eta on z_t and (1-eta) beta + eta/K = (1 - alpha_eta)/(K-1) on "
             "each other token, the stage of HP(K, H, alpha_eta)",
             identity("(1-eta) (1-alpha)/(K-1) + eta/K = (1 - alpha_eta)/(K-1)",
                      (1 - ETA) * BETA + ETA / K, BETA_ETA, wrong="(1 - alpha_eta)/K",
                      wrong_rhs=(1 - ALPHA_ETA) / K,
                      points={K: (3,), ALPHA: (sympy.Rational(1, 2),),
                              ETA: (sympy.Rational(1, 2),)}),
             uses=("NOISY1.kernel",),
             tie=Tie("genaccess.spec.noisy_path.noisy_family", STAGE_TEXT, _stage_tie)),
    by_sympy("NOISY1.margin", "its margin is alpha_eta - beta_eta = (1-eta) Delta",
             identity("alpha_eta - beta_eta = (1-eta)(alpha - beta)", ALPHA_ETA - BETA_ETA,
                      (1 - ETA) * (ALPHA - BETA), wrong="(1-eta)^2 (alpha - beta)",
                      wrong_rhs=(1 - ETA) ** 2 * (ALPHA - BETA),
                      points={K: (3,), ALPHA: (sympy.Rational(1, 2),),
                              ETA: (sympy.Rational(1, 2),)}),
             uses=("NOISY1.stage",)),
    by_z3("NOISY1.range", "for 0 <= eta < 1: 1/K < alpha_eta < 1, so HP(K, H, alpha_eta) is a "
          "hidden-path family",
          validity("1/K < alpha < 1, 0 <= eta < 1 => 1/K < alpha_eta < 1",
                   lambda: _range(False), wrong="eta = 1 allowed",
                   build_wrong=lambda: _range(True))),
    by_definition("NOISY1.cps", "CPS-Path on noisy samples: m one-token queries at zhat_<t, "
                  "zhat_t the plurality of the shown tokens; a one-token answer's continuation "
                  "is never used, so given zhat_<t = z_<t the votes are m i.i.d. stage draws "
                  "of HP(K, H, alpha_eta)", "genaccess.reference.cps_path.plurality_path"),
    by_claim("NOISY1.hp2", "CPS-Path on HP(K, H, alpha_eta) succeeds with prod_t q_eta(z_t), "
             "and m = ceil((2/Delta_eta^2) ln(H(K-1)/delta)) gives success >= 1 - delta (HP2)",
             "HP2"),
    by_z3("NOISY1.m", "(ii): CPS-Path on noisy samples succeeds with prod_t q_eta(z_t), and "
          "m = ceil(2/((1-eta) Delta)^2 ln(H(K-1)/delta)) gives success >= 1 - delta",
          validity("Delta_eta = (1-eta) Delta > 0 => 2/Delta_eta^2 = 2/((1-eta) Delta)^2",
                   lambda: _m(False), wrong="2/((1-eta) Delta^2)",
                   build_wrong=lambda: _m(True)),
          uses=("NOISY1.margin", "NOISY1.range", "NOISY1.cps", "NOISY1.hp2"),
          tie=Tie("genaccess.spec.noisy_path.compute_NOISY1_m", M_TEXT, _m_tie)),
))
"""NOISY1: (i) a garbling of `sample` (R1's conclusion, R2's bound); (ii) CPS-Path on noisy
samples is CPS-Path on HP(K, H, alpha_eta), margin `(1-eta) Delta`."""
