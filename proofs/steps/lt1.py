"""LT1's proof: in LT(K, H, lambda) (`K >= 3`, `lambda in (1/K, 1/2]`, at most
`floor(1/lambda)` leaders per internal node), at every prefix every leader has probability
`>= theta + gamma` and every other token `<= theta - gamma`; the one-response trie is the
hidden path.

Structure: the rows and the admissibility rule are definitions; `floor(1/lambda)` leaders
means `l lambda <= 1`, which leaves a non-leader (`l < K`); `theta +- gamma` are `lambda`
and `1/K`, and the non-leader gap factors into nonnegative parts; z3 then proves the margin
row by row for real `K`, `lambda`, `l` (the existing `genaccess.proofs.leader_trie_margin`
proofs, reused as goals), and the last step combines the two kinds of prefix (inside the
trie, with `l >= 1` leaders; outside, uniform) for every token.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import cast

import sympy
import z3

from genaccess.proofs.discharge import identity, validity
from genaccess.proofs.leader_trie_margin import (
    prove_LT1_margin,
    prove_LT1_uniform_rows,
)
from genaccess.proofs.result import ProofResult, ProofStatus, prove
from genaccess.spec.checking import cases_text, range_text
from genaccess.spec.hidden_path import HiddenPathFamily
from genaccess.spec.leader_trie import (
    LeaderTrie,
    compute_gamma,
    compute_theta,
    leader_trie_generator,
    max_leaders,
    non_leader_probability,
)
from genaccess.spec.prefix import all_prefixes, all_responses
from genaccess.spec.proof import (
    Goal,
    Outcome,
    Proof,
    Tie,
    Verdict,
    by_definition,
    by_sympy,
    by_z3,
)

K = sympy.Symbol("K", positive=True)
LAM = sympy.Symbol("lambda", positive=True)
L = sympy.Symbol("l", positive=True)
THETA = (LAM + 1 / K) / 2
GAMMA = (LAM - 1 / K) / 2
Q = (1 - L * LAM) / (K - L)
"""A non-leader's probability at a node with `l` leaders."""

_POINTS = {K: (3, 4), LAM: (sympy.Rational(1, 2), sympy.Rational(2, 5)), L: (1, 2)}

TIE_VOCABS = range(3, 8)
TIE_DENOMINATORS = range(2, 13)


def _lambdas(vocab_size: int) -> list[Fraction]:
    return sorted({Fraction(n, d) for d in TIE_DENOMINATORS for n in range(1, d)
                   if Fraction(1, vocab_size) < Fraction(n, d) <= Fraction(1, 2)})


LAMBDA_DOMAIN = (f"K in {range_text(TIE_VOCABS)}, lambda in (1/K, 1/2] with denominator "
                 f"{range_text(TIE_DENOMINATORS)}")
TIE_DOMAIN = LAMBDA_DOMAIN + ", every admissible leader count l"


def _lambdified(expr: sympy.Expr) -> Callable[..., Fraction]:
    """`expr` as a function of `K, lambda, l` exact on `Fraction`s: numerator and
    denominator over one fraction have integer coefficients, so no float appears."""
    top, bottom = (cast(Callable[..., Fraction], sympy.lambdify([K, LAM, L], part,
                                                                modules=[{}]))
                   for part in sympy.fraction(sympy.together(expr)))
    return lambda *args: Fraction(top(*args)) / bottom(*args)


def _floor_tie() -> int:
    """`max_leaders(lambda)` is the `f` of LT1.floor: `f lambda <= 1 < (f + 1) lambda`."""
    compared = 0
    for k in TIE_VOCABS:
        for lam in _lambdas(k):
            cap = max_leaders(lam)
            assert cap * lam <= 1 < (cap + 1) * lam, (lam, cap)
            compared += 1
    return compared


def _threshold_tie() -> int:
    """`theta` and `gamma` of the steps against `compute_theta` and `compute_gamma`."""
    theta, gamma = _lambdified(THETA), _lambdified(GAMMA)
    compared = 0
    for k in TIE_VOCABS:
        for lam in _lambdas(k):
            assert theta(Fraction(k), lam, 0) == compute_theta(k, lam), (k, lam)
            assert gamma(Fraction(k), lam, 0) == compute_gamma(k, lam), (k, lam)
            compared += 1
    return compared


def _non_leader_tie() -> int:
    """`q_l` of the steps against `non_leader_probability` at every admissible `l`."""
    q = _lambdified(Q)
    compared = 0
    for k in TIE_VOCABS:
        for lam in _lambdas(k):
            for leaders in range(1, max_leaders(lam) + 1):
                assert q(Fraction(k), lam, Fraction(leaders)) == non_leader_probability(
                    k, lam, leaders), (k, lam, leaders)
                compared += 1
    return compared


HP_SHAPES = ((3, 2, Fraction(2, 5)), (3, 2, Fraction(1, 2)), (4, 2, Fraction(1, 3)))


def _hidden_path_tie() -> int:
    """The one-response trie's rows (`lambda` on `z_t`, `q_1` elsewhere on the path, `1/K`
    off it) against `HiddenPathFamily.generator(z)` at every prefix, every `z`."""
    q = _lambdified(Q)
    compared = 0
    for k, h, lam in HP_SHAPES:
        family = HiddenPathFamily(k, h, lam)
        assert family.off_path == q(Fraction(k), lam, Fraction(1)), (k, lam)
        for z in all_responses(k, h):
            ours = leader_trie_generator(LeaderTrie.hidden_path(k, h, lam, z))
            theirs = family.generator(z)
            for u in all_prefixes(k, h):
                assert ours.next_token(u) == theirs.next_token(u), (k, h, lam, z, u)
                compared += 1
    return compared


def _outcome(result: ProofResult) -> Outcome:
    verdict = {ProofStatus.PROVED: Verdict.PROVED, ProofStatus.REFUTED: Verdict.REFUTED,
               ProofStatus.UNKNOWN: Verdict.UNKNOWN}[result.status]
    return Outcome(verdict, result.reason or f"z3 in {result.seconds:.2f}s",
                   result.counterexample)


def _reused(formula: str, wrong: str, proved: Callable[[], ProofResult],
            refuted: Callable[[], ProofResult]) -> Goal:
    """A goal discharged by an existing z3 proof of `genaccess.proofs.leader_trie_margin`."""
    return Goal(formula, wrong, lambda: _outcome(proved()), lambda: _outcome(refuted()))


def _strict_uniform() -> ProofResult:
    """The wrong variant of the off-trie bound: `1/K < theta - gamma` (equality holds)."""
    k, lam = z3.Real("K"), z3.Real("lam")
    return prove("LT1", "1/K < theta - gamma", ((lam + 1 / k) / 2) - ((lam - 1 / k) / 2) > 1 / k,
                 hypotheses=(k >= 3, k * lam > 1, lam <= z3.RealVal("1/2")))


def _floor(wrong: bool) -> tuple[list[z3.BoolRef], z3.BoolRef]:
    """`f = floor(1/lambda)` (`f lambda <= 1 < (f+1) lambda`) and `l <= f` give `l lambda <= 1`."""
    lam = z3.Real("lam")
    f, leaders = z3.Ints("f l")
    cap = f + 1 if wrong else f
    return ([lam > 0, lam <= z3.RealVal("1/2"), f * lam <= 1, (f + 1) * lam > 1, leaders >= 1,
             leaders <= cap], leaders * lam <= 1)


def _fewer(wrong: bool) -> tuple[list[z3.BoolRef], z3.BoolRef]:
    k, lam, leaders = z3.Reals("K lam l")
    bound = k - 1 if wrong else k
    return ([k >= 3, k * lam > 1, lam <= z3.RealVal("1/2"), leaders >= 1, leaders * lam <= 1],
            leaders < bound)


def _every_token(wrong: bool) -> tuple[list[z3.BoolRef], z3.BoolRef]:
    """A token at a prefix with `l` leaders (`l = 0` off the trie): its probability by the
    rows' definition, against the margin."""
    k, lam, q = z3.Reals("K lam q")
    leaders = z3.Int("l")
    leader = z3.Bool("is_leader")
    lv = z3.ToReal(leaders)
    theta, gamma = (lam + 1 / k) / 2, (lam - 1 / k) / 2
    p = z3.If(leaders == 0, 1 / k, z3.If(leader, lam, q))
    hyps = [k >= 3, k * lam > 1, lam <= z3.RealVal("1/2"), leaders >= 0, lv * lam <= 1,
            z3.Implies(leader, leaders >= 1), q * (k - lv) == 1 - lv * lam]
    other_ok = (p < theta - gamma) if wrong else (p <= theta - gamma)
    return hyps, z3.And(z3.Implies(leader, p >= theta + gamma),
                        z3.Implies(z3.Not(leader), other_ok))


PROOF = Proof((
    by_definition("LT1.rows", "pi_T(a|u) = lambda for a in L(u), q_l = (1 - l lambda)/(K - l) "
                  "for the others at an internal u with l = |L(u)|; 1/K at every other prefix",
                  "genaccess.spec.leader_trie.next_token_distribution"),
    by_definition("LT1.admissible", "K >= 3, 1/K < lambda <= 1/2, and every internal node has "
                  "1 <= l <= floor(1/lambda) leaders (else the trie is refused)",
                  "genaccess.spec.leader_trie.LeaderTrie"),
    by_z3("LT1.floor", "an integer l <= floor(1/lambda) has l lambda <= 1",
          validity("f lambda <= 1 < (f+1) lambda, 1 <= l <= f => l lambda <= 1",
                   lambda: _floor(False), wrong="l <= f + 1 => l lambda <= 1",
                   build_wrong=lambda: _floor(True)),
          uses=("LT1.admissible",),
          tie=Tie("genaccess.spec.leader_trie.max_leaders", LAMBDA_DOMAIN, _floor_tie)),
    by_z3("LT1.fewer", "l lambda <= 1 < K lambda gives l < K: a non-leader exists",
          validity("K >= 3, K lambda > 1, lambda <= 1/2, 1 <= l, l lambda <= 1 => l < K",
                   lambda: _fewer(False), wrong="l < K - 1",
                   build_wrong=lambda: _fewer(True)),
          uses=("LT1.floor",)),
    by_sympy("LT1.theta_plus", "theta + gamma = lambda",
             identity("(lambda + 1/K)/2 + (lambda - 1/K)/2 = lambda", THETA + GAMMA, LAM,
                      wrong="theta + gamma = lambda + 1/K", wrong_rhs=LAM + 1 / K,
                      points=_POINTS)),
    by_sympy("LT1.theta_minus", "theta - gamma = 1/K",
             identity("(lambda + 1/K)/2 - (lambda - 1/K)/2 = 1/K", THETA - GAMMA, 1 / K,
                      wrong="theta - gamma = 1/(K-1)", wrong_rhs=1 / (K - 1), points=_POINTS),
             tie=Tie("genaccess.spec.leader_trie.compute_theta", LAMBDA_DOMAIN,
                     _threshold_tie)),
    by_sympy("LT1.gap", "(theta - gamma) - q_l = l (K lambda - 1) / (K (K - l)), a product "
             "of factors >= 0 when K lambda > 1 and l < K",
             identity("1/K - (1 - l lambda)/(K - l) = l (K lambda - 1)/(K (K - l))",
                      THETA - GAMMA - Q, L * (K * LAM - 1) / (K * (K - L)),
                      wrong="l (K lambda - 1)/K^2 (the K - l factor lost)",
                      wrong_rhs=L * (K * LAM - 1) / K**2, points=_POINTS),
             uses=("LT1.rows", "LT1.theta_minus", "LT1.fewer"),
             tie=Tie("genaccess.spec.leader_trie.non_leader_probability", TIE_DOMAIN,
                     _non_leader_tie)),
    by_z3("LT1.margin_row", "at an internal node: q_l >= 0, the row sums to 1, lambda >= "
          "theta + gamma and q_l <= theta - gamma (real K, lambda, l)",
          _reused("K >= 3, K lambda > 1, lambda <= 1/2, 1 <= l, l lambda <= 1, "
                  "q (K - l) = 1 - l lambda => q >= 0, l lambda + (K - l) q = 1, "
                  "lambda >= theta + gamma, q <= theta - gamma",
                  "the same with l <= K - 1 for l lambda <= 1 (admissibility dropped)",
                  prove_LT1_margin, lambda: prove_LT1_margin(admissible=False)),
          uses=("LT1.rows", "LT1.fewer", "LT1.theta_plus", "LT1.gap")),
    by_z3("LT1.margin_off", "outside the trie every token has 1/K <= theta - gamma",
          _reused("K >= 3, K lambda > 1, lambda <= 1/2 => 1/K <= theta - gamma",
                  "strictly: 1/K < theta - gamma", prove_LT1_uniform_rows, _strict_uniform),
          uses=("LT1.rows", "LT1.theta_minus")),
    by_sympy("LT1.hidden_path", "the one-response trie closure{z} has one leader z_t on the "
             "path: lambda on z_t and q_1 = (1 - lambda)/(K - 1) on the rest, uniform off the "
             "path: the hidden path pi_z with alpha = lambda",
             identity("q_1 = (1 - lambda)/(K - 1)", Q.subs(L, 1), (1 - LAM) / (K - 1),
                      wrong="(1 - lambda)/K", wrong_rhs=(1 - LAM) / K, points=_POINTS),
             uses=("LT1.rows",),
             tie=Tie("genaccess.spec.hidden_path.HiddenPathFamily.generator",
                     f"(K, H, lambda) in {cases_text(HP_SHAPES)}, every z, every prefix",
                     _hidden_path_tie)),
    by_z3("LT1.every_prefix", "at every prefix of every admissible trie (l >= 1 leaders inside "
          "it, l = 0 outside), every leader has probability >= theta + gamma and every other "
          "token <= theta - gamma",
          validity("admissible l >= 0, a leader only if l >= 1, p = 1/K if l = 0 else lambda "
                   "or q_l => leader: p >= theta + gamma; else p <= theta - gamma",
                   lambda: _every_token(False),
                   wrong="non-leaders strictly below: p < theta - gamma",
                   build_wrong=lambda: _every_token(True)),
          uses=("LT1.margin_row", "LT1.margin_off", "LT1.admissible")),
))
"""LT1: leaders `>= theta + gamma`, others `<= theta - gamma`, at every prefix."""
