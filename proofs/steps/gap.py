"""GAP's proof: in HP(K, H, alpha), `K >= 3`, `pref = pi_z`, `r = 1[y = z]`, `beta_H`:
(a) a root-start learner with `T` queries that outputs a policy `p` (the mixture policy of a
prefix, or any other) has `E_z[SubOpt(p)] >= 2 beta_H (1/2 - T alpha^(H-1) - 1/K)^2` when
the bracket is positive; (b) CPS-Path with `H*m = O(H log(H/delta))` local-reset queries,
then the tilted policy of its answer, outputs exactly `pstar` with probability
`>= 1 - delta` (docs/theory.md, GAP).

Structure of (a): `SubOpt = beta KL >= 2 beta TV^2` (KL1, with Pinsker), Jensen, `TV(p,
pstar_z) >= pstar_z(z) - p(z)` (the triangle inequality, by induction on the support),
`pstar_z(z) >= 1/2` (KL3), `E p(z) <= S_T <= T alpha^(H-1) + 1/K` (drawing from `p` is a
root-start learner; HP1). Of (b): HP2's guarantee and the definition of the tilted policy.
"""

from __future__ import annotations

from fractions import Fraction

import sympy
import z3

from genaccess.proofs.discharge import identity, validity
from genaccess.reference.post_training import TiltedMixture
from genaccess.spec.checking import cases_text, range_text
from genaccess.spec.gap import gap_lower_bound
from genaccess.spec.hidden_path import HiddenPathFamily, alpha_grid
from genaccess.spec.prefix import all_prefixes, all_responses
from genaccess.spec.proof import (
    Proof,
    Tie,
    by_claim,
    by_definition,
    by_induction,
    by_sympy,
    by_z3,
)
from genaccess.spec.reach import total_variation
from genaccess.spec.tilted_path import mixture_law, tilted_path_law


def _abs(x: z3.ArithRef) -> z3.ArithRef:
    return z3.If(x >= 0, x, -x)


def _triangle(step: bool, wrong: bool) -> tuple[list[z3.BoolRef], z3.BoolRef]:
    """`|sum_{i<n} x_i| <= sum_{i<n} |x_i|`, by induction on `n`."""
    if not step:
        s0, a0 = z3.Reals("S_0 A_0")
        return [s0 == 0, a0 == 0], (_abs(s0) <= a0) if not wrong else (_abs(s0) < a0)
    s, a, x = z3.Reals("S_n A_n x_n")
    bound = a if wrong else a + _abs(x)  # wrong: the new term left out
    return [_abs(s) <= a], _abs(s + x) <= bound


def _tv(wrong: bool) -> tuple[list[z3.BoolRef], z3.BoolRef]:
    """`2 TV = |p_z - q_z| + R`, `R = sum_{y != z} |p_y - q_y| >= |sum_{y != z} (p_y - q_y)|
    = |(1 - p_z) - (1 - q_z)|` (both laws sum to 1)."""
    pz, qz, rest, tv = z3.Reals("p(z) q(z) R TV")
    hypotheses = [pz >= 0, pz <= 1, qz >= 0, qz <= 1, rest >= _abs((1 - pz) - (1 - qz)),
                  tv == (_abs(pz - qz) + rest) / 2]
    return hypotheses, (tv >= 2 * (qz - pz)) if wrong else (tv >= qz - pz)


TV_FAMILY = (3, 2, Fraction(1, 2))


def _tv_tie() -> int:
    """`total_variation` equals `1/2 sum_y |p(y) - q(y)|` and is `>= q(z) - p(z)` for every
    mixture policy `p` (every prefix) against every `pstar_z` of `TV_FAMILY`."""
    family = HiddenPathFamily(*TV_FAMILY)
    K_, H_ = family.vocab_size, family.horizon
    compared = 0
    for prefix in [*all_prefixes(K_, H_), *all_responses(K_, H_)]:
        p = mixture_law(family, prefix)
        for z in family.paths():
            q = tilted_path_law(family, z)
            tv = total_variation(p, q)
            half_sum = sum((abs(p.get(y, Fraction(0)) - q[y]) for y in q), Fraction(0)) / 2
            assert tv == half_sum, (prefix, z)
            assert tv >= q[z] - p.get(z, 0), (prefix, z)
            compared += 1
    return compared


def _jensen(wrong: bool) -> tuple[list[z3.BoolRef], z3.BoolRef]:
    mu, second, variance = z3.Reals("E[TV] E[TV^2] E[(TV-E[TV])^2]")
    hypotheses = [variance == second - mu * mu,  # linearity of E
                  variance >= 0]  # the expectation of a square
    return hypotheses, (second <= mu * mu) if wrong else (second >= mu * mu)


def _chain(wrong: bool) -> tuple[list[z3.BoolRef], z3.BoolRef]:
    beta, sub, kl, tv2, tv, pz, pstar, s, x, n, k, b = z3.Reals(
        "beta E[SubOpt] E[KL] E[TV^2] E[TV] E[p(z)] pstar(z) S_T x T K bracket")
    hypotheses = [beta > 0, k >= 3, x > 0, n >= 0,
                  sub == beta * kl,  # KL1, linearity
                  kl >= 2 * tv2,  # Pinsker (KL1) at every z, linearity
                  tv2 >= tv * tv,  # GAP.jensen
                  tv >= pstar - pz,  # GAP.tv at every z, linearity
                  pstar >= z3.RealVal(Fraction(1, 2)),  # KL3
                  pz <= s,  # GAP.sample_policy, HP1
                  s <= n * x + 1 / k,  # HP1
                  b == z3.RealVal(Fraction(1, 2)) - n * x - 1 / k]
    if not wrong:  # wrong: the bracket's sign not required
        hypotheses.append(b > 0)
    return hypotheses, sub >= 2 * beta * b * b


GAP_VOCABS = range(3, 7)
GAP_HORIZONS = range(1, 6)
GAP_QUERIES = range(5)


def _gap_tie() -> int:
    """`gap_lower_bound` equals `2 (1/2 - T alpha^(H-1) - 1/K)^2` where the bracket is
    positive and 0 elsewhere (the bracket evaluated from the step's expression)."""
    half, K, H, A, T = sympy.symbols("half K H alpha T")
    bracket = sympy.lambdify((half, K, H, A, T), half - T * A ** (H - 1) - 1 / K,
                             modules=[{}])
    compared = positive = 0
    for K_ in GAP_VOCABS:
        for alpha in alpha_grid(K_):
            for H_ in GAP_HORIZONS:
                for T_ in GAP_QUERIES:
                    b = bracket(Fraction(1, 2), Fraction(K_), H_, alpha, T_)
                    family = HiddenPathFamily(K_, H_, alpha)
                    assert gap_lower_bound(family, T_) == (2 * b * b if b > 0 else 0), family
                    positive += b > 0
                    compared += 1
    assert positive > 0, "no instance with a positive bracket"
    return compared


H = sympy.Symbol("H", integer=True, positive=True)
COMPETITORS = sympy.Symbol("K_1", positive=True)  # K - 1
DELTA = sympy.Symbol("delta", positive=True)


def _queries(wrong: bool) -> tuple[list[z3.BoolRef], z3.BoolRef]:
    m = z3.Int("m")
    m_star, h = z3.Reals("m* H")
    hypotheses = [h >= 1, m_star > 0, m >= m_star, m - 1 < m_star]  # m = ceil(m*) >= 1
    return hypotheses, (h * m <= h * m_star) if wrong else (h * m <= h * (m_star + 1))


def _b(wrong: bool) -> tuple[list[z3.BoolRef], z3.BoolRef]:
    output, recovered, delta = z3.Reals("P(output=pstar_z) P(zhat=z) delta")
    hypotheses = [delta > 0, delta < 1, output >= recovered,  # zhat = z => output pstar_z
                  recovered >= 1 - delta]  # HP2
    return hypotheses, (output >= 1) if wrong else (output >= 1 - delta)


TILTED_FAMILIES = ((3, 2, Fraction(1, 2)), (2, 3, Fraction(2, 3)))


def _tilted_tie() -> int:
    """The tilted policy of a full-length answer `zhat` (`TiltedMixture(family, zhat)`) has
    law `pstar_zhat` (`tilted_path_law`), every `zhat` of `TILTED_FAMILIES`."""
    compared = 0
    for case in TILTED_FAMILIES:
        family = HiddenPathFamily(*case)
        for zhat in family.paths():
            assert TiltedMixture(family, zhat).law() == tilted_path_law(family, zhat), zhat
            compared += 1
    return compared


GAP_TEXT = (f"K in {range_text(GAP_VOCABS)}, alpha = 1/K + j(1-1/K)/4 (j = 1, 2, 3), H in "
            f"{range_text(GAP_HORIZONS)}, T in {range_text(GAP_QUERIES)}")

PROOF = Proof((
    by_claim("GAP.kl1", "SubOpt_z(p) = beta KL(p || pstar_z) >= 2 beta TV(p, pstar_z)^2 for "
             "every law p (Pinsker)", "KL1"),
    by_claim("GAP.kl3", "pstar_z(z) = 1/(2 - alpha^H) >= 1/2 for pref = pi_z, r = 1[y = z], "
             "beta_H", "KL3"),
    by_claim("GAP.hp1", "a root-start learner with T queries of R1's observation types "
             "outputs z with probability <= S_T <= T alpha^(H-1) + 1/K", "HP1"),
    by_definition("GAP.sample_policy", "the output policy's law depends only on its prefix "
                  "and the family, so drawing y ~ p after the T queries makes no query: "
                  "'output y ~ p' is a root-start learner with T queries, right with "
                  "probability E_z E[p(z)]",
                  "genaccess.reference.post_training.TiltedMixture.law"),
    by_induction("GAP.triangle", "|sum_{i<n} x_i| <= sum_{i<n} |x_i| (induction on n)", "n",
                 base=validity("|0| <= 0", lambda: _triangle(False, False), wrong="|0| < 0",
                               build_wrong=lambda: _triangle(False, True)),
                 step=validity("|S| <= A => |S + x| <= A + |x|",
                               lambda: _triangle(True, False), wrong="|S + x| <= A",
                               build_wrong=lambda: _triangle(True, True))),
    by_z3("GAP.tv", "TV(p, q) = 1/2 sum_y |p(y) - q(y)| >= q(z) - p(z) for laws p, q",
          validity("2 TV = |p_z - q_z| + R, R >= |(1 - p_z) - (1 - q_z)| => TV >= q_z - p_z",
                   lambda: _tv(False), wrong="TV >= 2 (q_z - p_z)",
                   build_wrong=lambda: _tv(True)),
          uses=("GAP.triangle",),
          tie=Tie("genaccess.spec.reach.total_variation",
                  f"every mixture policy against every pstar_z, (K, H, alpha) = "
                  f"{cases_text((TV_FAMILY,))}", _tv_tie)),
    by_z3("GAP.jensen", "E[TV^2] >= (E TV)^2",
          validity("E[(TV - E TV)^2] = E[TV^2] - (E TV)^2 >= 0 => E[TV^2] >= (E TV)^2",
                   lambda: _jensen(False), wrong="E[TV^2] <= (E TV)^2",
                   build_wrong=lambda: _jensen(True))),
    by_z3("GAP.a", "(a): E_z[SubOpt(p)] >= 2 beta E[TV^2] >= 2 beta (E TV)^2 >= 2 beta "
          "(1/2 - E p(z))^2 >= 2 beta_H (1/2 - T alpha^(H-1) - 1/K)^2 when the bracket is "
          "positive",
          validity("the chain, bracket > 0 => E[SubOpt] >= 2 beta bracket^2", lambda: _chain(False),
                   wrong="without bracket > 0", build_wrong=lambda: _chain(True)),
          uses=("GAP.kl1", "GAP.kl3", "GAP.hp1", "GAP.sample_policy", "GAP.tv", "GAP.jensen"),
          tie=Tie("genaccess.spec.gap.gap_lower_bound", GAP_TEXT, _gap_tie)),
    by_claim("GAP.hp2", "CPS-Path with m = ceil((2/Delta^2) ln(H(K-1)/delta)), H*m local-reset "
             "sample queries, returns z with probability >= 1 - delta", "HP2"),
    by_definition("GAP.tilted", "the prefix-access pipeline outputs the tilted policy of "
                  "CPS-Path's answer zhat, which is pstar_z when zhat = z",
                  "genaccess.reference.post_training.cps_tilted"),
    by_sympy("GAP.log", "ln(H(K-1)/delta) = ln H + ln(K-1) + ln(1/delta)",
             identity("ln(H (K-1)/delta) = ln H + ln(K-1) - ln delta",
                      sympy.log(H * COMPETITORS / DELTA),
                      sympy.log(H) + sympy.log(COMPETITORS) - sympy.log(DELTA),
                      wrong="ln H + ln(K-1) + ln delta",
                      wrong_rhs=sympy.log(H) + sympy.log(COMPETITORS) + sympy.log(DELTA),
                      points={H: (2,), COMPETITORS: (2,), DELTA: (sympy.Rational(1, 2),)})),
    by_z3("GAP.queries", "H*m <= H (1 + (2/Delta^2)(ln H + ln(K-1) + ln(1/delta))) = "
          "O(H log(H/delta)) for fixed K and alpha",
          validity("m = ceil(m*) with m* > 0 => H m <= H (m* + 1)", lambda: _queries(False),
                   wrong="H m <= H m*", build_wrong=lambda: _queries(True)),
          uses=("GAP.hp2", "GAP.log")),
    by_z3("GAP.b", "(b): the pipeline outputs exactly pstar_z with probability >= "
          "P(zhat = z) >= 1 - delta, after H*m = O(H log(H/delta)) local-reset queries",
          validity("P(output) >= P(zhat = z) >= 1 - delta => P(output) >= 1 - delta",
                   lambda: _b(False), wrong="P(output) >= 1", build_wrong=lambda: _b(True)),
          uses=("GAP.hp2", "GAP.tilted", "GAP.queries"),
          tie=Tie("genaccess.reference.post_training.TiltedMixture.law",
                  f"every zhat of (K, H, alpha) in {cases_text(TILTED_FAMILIES)}",
                  _tilted_tie)),
))
"""GAP: (a) root-start learners pay `E[SubOpt] >= 2 beta_H (1/2 - T alpha^(H-1) - 1/K)^2`;
(b) CPS-Path then the tilted policy outputs `pstar_z` with probability `>= 1 - delta`."""
