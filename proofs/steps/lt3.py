"""LT3's proof: for `H >= 2`, `T1 = closure{0^H}` and `T2 = closure{0^H, 1·0^(H-1)}` have the
same `top1` answer at every prefix, so no top-1 learner at any control level beats a coin;
`m` root samples separate them with error `<= exp(-2 m gamma^2)`, one root `full` query
exactly; a top-1 answer with its probability separates them at `(1,)`; the `topk(k)` pair
is blind to one-token local-reset queries but not to a query at `(k,)`, nor to a two-token
continuation from the root.

Structure: token 0 leads at every internal node of both tries (z3, `H` symbolic), so by LT1
it is the top-1 token everywhere; every top-1 answer is then the same constant under both,
and by induction over the queries (refusals and the built set depend only on queries and
answers, LR) every learner's transcript is the same function of its own randomness: equal
laws, success `<= 1/2` (Le Cam). The separations are LT1's margin with Hoeffding (as in
LT2); the top-k boundary adds the ranking at the root and a built-set invariant.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction

import sympy
import z3

from genaccess.proofs.discharge import identity, validity
from genaccess.proofs.steps.lt2 import full_exact, token_event
from genaccess.spec.checking import cases_text, range_text
from genaccess.spec.generator import Generator
from genaccess.spec.intervals import is_at_most_exp
from genaccess.spec.leader_trie import (
    compute_gamma,
    leader_trie_generator,
    next_token_distribution,
)
from genaccess.spec.observation import TopK, TopKReport
from genaccess.spec.prefix import all_prefixes
from genaccess.spec.proof import (
    Proof,
    Tie,
    by_axiom,
    by_claim,
    by_definition,
    by_induction,
    by_sympy,
    by_z3,
)
from genaccess.spec.separation import query_law, root_test_errors, top1_pair, topk_pair

Z3Formula = tuple[list[z3.BoolRef], z3.BoolRef]

SHAPES = ((3, 2, Fraction(2, 5)), (3, 3, Fraction(1, 2)), (4, 2, Fraction(1, 3)),
          (4, 3, Fraction(1, 2)))
"""(K, H, lambda) of the pairs the ties run on."""
ROOT_PAIRS = ((3, Fraction(2, 5)), (4, Fraction(1, 3)), (4, Fraction(1, 2)))
ROOT_SAMPLES = range(1, 9)
ROOT_CASES = tuple((k, lam, m) for k, lam in ROOT_PAIRS for m in ROOT_SAMPLES)
TOPK_CASES = ((1, 3, Fraction(1, 2)), (2, 4, Fraction(1, 3)), (2, 5, Fraction(3, 10)))
"""(k, K, lambda) of the top-k pairs (H = 2) the tie runs on."""


# ---------------------------------------------------------------------------------------------
# Ties
# ---------------------------------------------------------------------------------------------

def _top1_tie() -> int:
    """Under both tries of every pair in SHAPES, the spec's top-1 token is 0 at every
    prefix (`Distribution.argmax` of `leader_trie_generator`'s rows)."""
    compared = 0
    for k, h, lam in SHAPES:
        for trie in top1_pair(k, h, lam):
            g = leader_trie_generator(trie)
            for u in all_prefixes(k, h):
                assert g.next_token(u).argmax() == 0, (k, h, lam, trie, u)
                compared += 1
    return compared


def _root_tie() -> int:
    """`root_test_errors` equals the binomial tails of the steps (token 1 with probability
    `q_1 = (1 - lambda)/(K - 1)` under T1, `lambda` under T2, threshold `ceil(theta m)`),
    and each is `<= exp(-2 m gamma^2)` (rigorously)."""
    compared = 0
    for k, lam, m in ROOT_CASES:
        c = math.ceil((lam + Fraction(1, k)) / 2 * m)

        def tail(p: Fraction, lo: int, hi: int, n: int = m) -> Fraction:
            return sum((math.comb(n, j) * p**j * (1 - p) ** (n - j) for j in range(lo, hi)),
                       Fraction(0))

        ours = (tail((1 - lam) / (k - 1), c, m + 1), tail(lam, 0, c))
        assert ours == root_test_errors(k, lam, m), (k, lam, m)
        gamma = compute_gamma(k, lam)
        assert all(is_at_most_exp(e, -2 * m * gamma**2) for e in ours), (k, lam, m)
        compared += 1
    return compared


def _rows_tie() -> int:
    """The root rows' token 1: `q_1` under T1, `lambda` under T2 (`next_token_distribution`)."""
    compared = 0
    for k, h, lam in SHAPES:
        first, second = top1_pair(k, h, lam)
        assert next_token_distribution(first, ())[1] == (1 - lam) / (k - 1), (k, lam)
        assert next_token_distribution(second, ())[1] == lam, (k, lam)
        compared += 1
    return compared


def _second_report_mass(generator: Generator, k: int, lam: Fraction) -> Fraction:
    """P(the second report of a two-token topk(k) query from the root starts (0, lambda))."""
    law = query_law(generator, TopK(k), (), 2)
    return sum((p for (_, second), p in law.items()
                if isinstance(second, TopKReport) and second.ranked[0] == (0, lam)), Fraction(0))


def _boundary_tie() -> int:
    """Boundary (i) on the pairs of SHAPES with H = 2 (k = 1): the second report of a root
    rollout is (0, lambda) with probability lambda under T1 and 2 lambda under T2; boundary
    (ii) on TOPK_CASES: k lambda under T1 and (k + 1) lambda under T2 (`query_law`)."""
    compared = 0
    cases = [(1, k, lam, top1_pair(k, h, lam)) for k, h, lam in SHAPES if h == 2]
    cases += [(kk, k, lam, topk_pair(k, 2, lam, kk)) for kk, k, lam in TOPK_CASES]
    for kk, k, lam, (first, second) in cases:
        masses = [_second_report_mass(leader_trie_generator(t), kk, lam) for t in (first, second)]
        assert masses == [kk * lam, (kk + 1) * lam], (kk, k, lam, masses)
        compared += 1
    return compared


# ---------------------------------------------------------------------------------------------
# z3 formulas
# ---------------------------------------------------------------------------------------------

def _prefix() -> tuple[z3.FuncDeclRef, z3.ArithRef, z3.ArithRef]:
    """A prefix `u` of length `n` as `u(0..n-1)`, and a bound index."""
    return z3.Function("u", z3.IntSort(), z3.IntSort()), z3.Int("n"), z3.Int("i")


def _zero_leads(wrong: bool) -> Z3Formula:
    """`u` is internal in closure(Y) when some `y in Y` agrees with it on `0..n-1`; `0` is
    a leader at `u` when such a `y` has `y(n) = 0`."""
    u, n, i = _prefix()
    h = z3.Int("H")

    def match(y: Callable[[z3.ArithRef], z3.ArithRef]) -> z3.BoolRef:
        return z3.ForAll([i], z3.Implies(z3.And(i >= 0, i < n), u(i) == y(i)))

    def zeros(j: z3.ArithRef) -> z3.ArithRef:
        return z3.IntVal(0)

    def one_then_zeros(j: z3.ArithRef) -> z3.ArithRef:  # wrong: 1·1·0^(H-2)
        return z3.If(j <= 1, 1, 0) if wrong else z3.If(j == 0, 1, 0)

    holds = [z3.Implies(z3.Or(*(match(y) for y in ys)),
                        z3.Or(*(z3.And(match(y), y(n) == 0) for y in ys)))
             for ys in ((zeros,), (zeros, one_then_zeros))]
    return [h >= 2, n >= 0, n <= h - 1], z3.And(*holds)


def _top1_zero(wrong: bool) -> Z3Formula:
    """Token 0's probability is the largest at every prefix: a leader (lambda) at an
    internal node, where other tokens are leaders (lambda) or `<= theta - gamma`; 1/K
    everywhere on a uniform row."""
    k, lam, p0, pa = z3.Reals("K lam p_0 p_a")
    internal, a_leads, zero_leads = z3.Bools("internal a_leads zero_leads")
    theta, gamma = (lam + 1 / k) / 2, (lam - 1 / k) / 2
    hyps = [k >= 3, k * lam > 1, lam <= z3.RealVal("1/2"), p0 >= 0, pa >= 0,
            z3.Implies(internal, z3.And(
                z3.If(zero_leads, p0 == lam, p0 <= theta - gamma),
                z3.If(a_leads, pa == lam, pa <= theta - gamma))),
            z3.Implies(z3.Not(internal), z3.And(p0 == 1 / k, pa == 1 / k))]
    if not wrong:
        hyps.append(z3.Implies(internal, zero_leads))
    return hyps, p0 >= pa


def _answers(wrong: bool) -> Z3Formula:
    """Report `i` of a query under trie `j` is the top-1 token at the visited prefix
    `v_j(i)` (which depends on hidden samples); the wrong variant attaches its probability,
    which LT3.top1_zero does not pin."""
    prefix = z3.DeclareSort("Prefix")
    w = z3.Const("w", prefix)
    i = z3.Int("i")
    top = [z3.Function(f"top1_T{j}", prefix, z3.IntSort()) for j in (1, 2)]
    prob = [z3.Function(f"p_top_T{j}", prefix, z3.RealSort()) for j in (1, 2)]
    visit = [z3.Function(f"v_T{j}", z3.IntSort(), prefix) for j in (1, 2)]
    hyps = [z3.ForAll([w], t(w) == 0) for t in top]
    same = top[0](visit[0](i)) == top[1](visit[1](i))
    if wrong:
        same = z3.And(same, prob[0](visit[0](i)) == prob[1](visit[1](i)))
    return hyps, z3.ForAll([i], same)


def _transcripts(step: bool, wrong: bool) -> Z3Formula:
    """One query of any learner (`ask`: its randomness and transcript to a query) under any
    control (`refuses`: a query and a built set); each trie's oracle answers with its own
    randomness `s_j`. Equal answers to every query give equal transcripts and built sets."""
    tr, bs, qs, ans, rnd = (z3.DeclareSort(n) for n in ("Transcript", "Built", "Query",
                                                          "Answer", "Randomness"))
    ask = z3.Function("ask", rnd, tr, qs)
    refuses = z3.Function("refuses", qs, bs, z3.BoolSort())
    answer = [z3.Function(f"answer_T{j}", qs, rnd, ans) for j in (1, 2)]
    extend = z3.Function("extend", tr, qs, ans, tr)
    refused = z3.Function("refused", tr, qs, tr)
    build = z3.Function("build", bs, qs, ans, bs)
    start = z3.Function("start_is_root", qs, z3.BoolSort())
    omega, s1, s2, x, y = z3.Consts("omega s_1 s_2 x y", rnd)
    q = z3.Const("q", qs)
    t1, t2 = z3.Consts("tr_T1 tr_T2", tr)
    b1, b2, empty = z3.Consts("B_T1 B_T2 B_0", bs)
    if not step:
        nil = z3.Const("empty_transcript", tr)
        return [t1 == nil, t2 == nil, b1 == empty, b2 == empty] if not wrong else [
            t1 == nil, b1 == empty], z3.And(t1 == t2, b1 == b2)
    agree = z3.ForAll([q, x, y], answer[0](q, x) == answer[1](q, y))
    if wrong:  # answers agree only at the root
        agree = z3.ForAll([q, x, y], z3.Implies(start(q), answer[0](q, x) == answer[1](q, y)))

    def after(t: z3.ExprRef, b: z3.ExprRef, j: int, s: z3.ExprRef) -> tuple[z3.ExprRef, ...]:
        query = ask(omega, t)
        a = answer[j](query, s)
        return (z3.If(refuses(query, b), refused(t, query), extend(t, query, a)),
                z3.If(refuses(query, b), b, build(b, query, a)))

    (n1, c1), (n2, c2) = after(t1, b1, 0, s1), after(t2, b2, 1, s2)
    return [agree, t1 == t2, b1 == b2], z3.And(n1 == n2, c1 == c2)


def _coin(wrong: bool) -> Z3Formula:
    success, tv = z3.Reals("success TV")
    bound = success < z3.RealVal("1/2") if wrong else success <= z3.RealVal("1/2")
    return [tv == 0, success >= 0, success <= (1 + tv) / 2], bound


def _separate(wrong: bool) -> Z3Formula:
    """Boundaries: `lambda != 1/K` (the report at `(1,)`, or at `(k,)`) and
    `k lambda != (k + 1) lambda` (the second report of a continuation from the root)."""
    k, lam = z3.Reals("K lam")
    tops = z3.Int("k")
    above = k * lam >= 1 if wrong else k * lam > 1
    return ([k >= 3, above, lam <= z3.RealVal("1/2"), tops >= 1, k >= tops + 2],
            z3.And(lam != 1 / k, z3.ToReal(tops) * lam != (z3.ToReal(tops) + 1) * lam))


def _topk_rows(wrong: bool) -> Z3Formula:
    """T1 = closure{a·0^(H-1) : a < k}, T2 = closure{a·0^(H-1) : a <= k}: at every prefix
    of length 1..H-1 not starting with k, the same internal status and leader set."""
    u, n, i = _prefix()
    h, k, top, a, b = z3.Ints("H k K a b")

    def y(first: z3.ArithRef, j: z3.ArithRef) -> z3.ArithRef:
        return z3.If(j == 0, first, 0)

    def match(first: z3.ArithRef) -> z3.BoolRef:
        return z3.ForAll([i], z3.Implies(z3.And(i >= 0, i < n), u(i) == y(first, i)))

    def internal(last: z3.ArithRef) -> z3.BoolRef:
        return z3.Exists([a], z3.And(a >= 0, a <= last, match(a)))

    def leads(last: z3.ArithRef, token: z3.ArithRef) -> z3.BoolRef:
        return z3.Exists([a], z3.And(a >= 0, a <= last, match(a), y(a, n) == token))

    hyps = [h >= 2, k >= 1, top >= k + 2, n >= 1, n <= h - 1]
    if not wrong:
        hyps.append(u(0) != k)
    return hyps, z3.And(internal(k - 1) == internal(k),
                        z3.ForAll([b], leads(k - 1, b) == leads(k, b)))


def _topk_root(wrong: bool) -> Z3Formula:
    """At the root every a < k ranks before every b >= k in both rows (higher probability,
    or equal and lower index), with probability lambda in both; the wrong variant: the
    (k+1)-th entry (token k) is the same in both."""
    k, lam, q1, q2 = z3.Reals("K lam q_T1 q_T2")
    tops, a, b = z3.Ints("k a b")
    theta, gamma = (lam + 1 / k) / 2, (lam - 1 / k) / 2
    hyps = [k >= 3, k * lam > 1, lam <= z3.RealVal("1/2"), tops >= 1, k >= tops + 2,
            q1 <= theta - gamma, q2 <= theta - gamma, a >= 0, a < tops, b >= tops, b < k]
    p1 = z3.If(b < tops, lam, q1)
    p2 = z3.If(b <= tops, lam, q2)
    if wrong:  # token k, listed (k+1)-th: q_T1 under T1, lambda under T2
        return hyps, q1 == lam
    ranks = z3.And(lam > p1, z3.Or(lam > p2, z3.And(lam == p2, a < b)))
    return hyps, ranks


def _topk_answers(wrong: bool) -> Z3Formula:
    """A one-token topk(k) answer at u is the ranking of the row at u (the sampled token is
    not shown): equal at every built prefix, given the three steps before."""
    prefix, row, report = (z3.DeclareSort(n) for n in ("Prefix", "Row", "Report"))
    first = z3.Function("first", prefix, z3.IntSort())
    rows = [z3.Function(f"row_T{j}", prefix, row) for j in (1, 2)]
    ranking = z3.Function("topk", row, report)
    built = z3.Function("built", prefix, z3.BoolSort())
    root = z3.Const("root", prefix)
    tops = z3.Int("k")
    u = z3.Const("u", prefix)
    hyps = [z3.ForAll([u], z3.Implies(z3.And(u != root, first(u) != tops),
                                      rows[0](u) == rows[1](u))),
            ranking(rows[0](root)) == ranking(rows[1](root))]
    if not wrong:
        hyps.append(z3.ForAll([u], z3.Implies(built(u), z3.Or(u == root, first(u) != tops))))
    return hyps, z3.ForAll([u], z3.Implies(built(u), ranking(rows[0](u)) == ranking(
        rows[1](u))))


def _topk_built(step: bool, wrong: bool) -> Z3Formula:
    """A built prefix is the root or does not start with k (`n` its length, `f` its first
    token); a one-token query at a built u builds u·b for b named at u."""
    n, f, tops, b, n2, f2 = z3.Ints("n f k b n_next f_next")
    if not step:
        return ([tops >= 1] + ([n == 0] if not wrong else [n == 1, f == tops]),
                z3.Or(n == 0, f != tops))
    named_at_root = z3.And(b >= 0, b <= tops) if wrong else z3.And(b >= 0, b < tops)
    return ([tops >= 1, n >= 0, z3.Or(n == 0, f != tops), n2 == n + 1,
             z3.Implies(n == 0, z3.And(named_at_root, f2 == b)),
             z3.Implies(n >= 1, f2 == f)], z3.Or(n2 == 0, f2 != tops))


# ---------------------------------------------------------------------------------------------
# The proof
# ---------------------------------------------------------------------------------------------

GAMMA, M = sympy.symbols("gamma m", positive=True)

PROOF = Proof((
    by_definition("LT3.pair", "T1 = closure{0^H}, T2 = closure{0^H, 1·0^(H-1)}, H >= 2",
                  "genaccess.spec.separation.top1_pair"),
    by_claim("LT3.LT1", "LT1: leaders have probability lambda >= theta + gamma, others "
             "<= theta - gamma; rows are uniform outside the trie", "LT1"),
    by_claim("LT3.LR", "LR: refusals depend on the query and the built set; an answered "
             "query builds from its reports only", "LR"),
    by_z3("LT3.zero_leads", "token 0 is a leader at every internal node of T1 and of T2 "
          "(every H >= 2, every prefix length)",
          validity("internal u (some y in Y agrees on 0..n-1) => some such y has y(n) = 0, "
                   "for Y = {0^H} and {0^H, 1·0^(H-1)}", lambda: _zero_leads(False),
                   wrong="T2 built from 1·1·0^(H-2)", build_wrong=lambda: _zero_leads(True)),
          uses=("LT3.pair",)),
    by_definition("LT3.top1", "top1 reports the least index among the most likely tokens",
                  "genaccess.spec.distribution.Distribution.argmax"),
    by_z3("LT3.top1_zero", "token 0 is most likely at every prefix of both tries, so top1 = 0 "
          "everywhere: the two tries' top1 answers agree at every prefix",
          validity("0 leads at internal nodes; leaders lambda, others <= theta - gamma; "
                   "uniform off the trie => p(0) >= p(a)", lambda: _top1_zero(False),
                   wrong="0 not a leader at some internal node",
                   build_wrong=lambda: _top1_zero(True)),
          uses=("LT3.zero_leads", "LT3.LT1", "LT3.top1"),
          tie=Tie("genaccess.spec.distribution.Distribution.argmax",
                  f"both tries of the pairs (K, H, lambda) in {cases_text(SHAPES)}, every prefix",
                  _top1_tie)),
    by_z3("LT3.answers", "a top1 query (u, L) is answered (0, ..., 0) under both tries, "
          "whatever the hidden samples; it builds u and u·0 (the same under both)",
          validity("top1_T1 = top1_T2 = 0 everywhere => report i agrees for every i",
                   lambda: _answers(False), wrong="the report carries the probability too",
                   build_wrong=lambda: _answers(True)),
          uses=("LT3.top1_zero", "LT3.LR")),
    by_induction("LT3.transcripts", "for every learner (adaptive, randomised, any number of "
                 "queries) at every control level, the transcript after n queries is the same "
                 "function of the learner's randomness under T1 and T2, so it has the same "
                 "law (induction on n)", "n",
                 base=validity("empty transcripts, B_0 = {()} under both",
                               lambda: _transcripts(False, False),
                               wrong="T2's start unconstrained",
                               build_wrong=lambda: _transcripts(False, True)),
                 step=validity("equal answers to every query => equal transcripts and built "
                               "sets after one more query", lambda: _transcripts(True, False),
                               wrong="answers agree only at the root",
                               build_wrong=lambda: _transcripts(True, True)),
                 uses=("LT3.answers", "LT3.LR")),
    by_axiom("LT3.le_cam", "with prior 1/2 each, success <= (1 + TV(P_T1, P_T2))/2",
             "le_cam_two_point"),
    by_z3("LT3.root_event", "decide T2 iff token 1's count among m root samples is >= theta m: "
          "token 1 is a non-leader of T1's root and a leader of T2's, so each error is a "
          "deviation >= gamma m",
          validity("K lambda > 1, m >= 1 => [p >= theta+gamma, N < theta m => p m - N >= "
                   "gamma m] and [p <= theta-gamma, N >= theta m => N - p m >= gamma m]",
                   lambda: token_event(False),
                   wrong="deviation >= 2 gamma m", build_wrong=lambda: token_event(True)),
          uses=("LT3.LT1",),
          tie=Tie("genaccess.spec.separation.root_test_errors",
                  f"(K, lambda) in {cases_text(ROOT_PAIRS)}, m in {range_text(ROOT_SAMPLES)}",
                  _root_tie)),
    by_axiom("LT3.hoeffding", "P(N - E N >= t), P(E N - N >= t) <= exp(-2 t^2 / m) for m "
             "independent root samples", "hoeffding"),
    by_sympy("LT3.root_samples", "with t = gamma m each error is <= exp(-2 m gamma^2)",
             identity("2 (gamma m)^2 / m = 2 m gamma^2", 2 * (GAMMA * M)**2 / M,
                      2 * M * GAMMA**2, wrong="2 gamma^2 (t = gamma)",
                      wrong_rhs=2 * GAMMA**2, points={GAMMA: (sympy.Rational(1, 4),),
                                                      M: (2,)}),
             uses=("LT3.root_event", "LT3.hoeffding")),
    by_z3("LT3.full_root", "one root full query: token 1 has q_1 <= theta - gamma < theta "
          "under T1 and lambda >= theta under T2, so 'T2 iff p(1) >= theta' is always right",
          validity("K lambda > 1, lambda >= theta + gamma, q <= theta - gamma => lambda >= "
                   "theta, q < theta, lambda > 0", lambda: full_exact(False),
                   wrong="K lambda >= 1 (gamma = 0 allowed)",
                   build_wrong=lambda: full_exact(True)),
          uses=("LT3.LT1",),
          tie=Tie("genaccess.spec.leader_trie.next_token_distribution",
                  f"root rows of the pairs in {cases_text(SHAPES)}", _rows_tie)),
    by_definition("LT3.topk_pair", "T1 = closure{a·0^(H-1) : a < k}, T2 = closure{a·0^(H-1) "
                  ": a <= k}, K >= k + 2, lambda <= 1/(k+1)",
                  "genaccess.spec.separation.topk_pair"),
    by_z3("LT3.topk_rows", "the top-k pair's rows agree at every prefix except the root and "
          "those starting with k (same internal status and leader set; every H, k, K)",
          validity("n >= 1, u(0) != k => same internal status and leaders",
                   lambda: _topk_rows(False), wrong="u(0) = k allowed",
                   build_wrong=lambda: _topk_rows(True)),
          uses=("LT3.topk_pair",)),
    by_z3("LT3.topk_root", "at the root both topk(k) reports are the tokens 0..k-1 with "
          "probability lambda (token k ties in T2 and loses to the lower indices)",
          validity("a < k <= b: a ranks before b in both rows", lambda: _topk_root(False),
                   wrong="topk(k+1): token k's entry agrees",
                   build_wrong=lambda: _topk_root(True)),
          uses=("LT3.topk_pair", "LT3.LT1")),
    by_induction("LT3.topk_built", "under one-token local-reset topk(k) queries no built "
                 "prefix starts with k (induction on the queries)", "queries",
                 base=validity("B_0 = {()}", lambda: _topk_built(False, False),
                               wrong="(k,) built at the start",
                               build_wrong=lambda: _topk_built(False, True)),
                 step=validity("u root or not starting with k, b named at u => u·b too",
                               lambda: _topk_built(True, False),
                               wrong="the root names token k",
                               build_wrong=lambda: _topk_built(True, True)),
                 uses=("LT3.topk_root", "LT3.LR")),
    by_z3("LT3.topk_answers", "every one-token local-reset topk(k) query the pair admits has "
          "the same answer: at the root by LT3.topk_root, elsewhere the row is the same",
          validity("built u: root or not starting with k; rows agree there => topk(row) "
                   "agrees", lambda: _topk_answers(False),
                   wrong="without the built-set invariant",
                   build_wrong=lambda: _topk_answers(True)),
          uses=("LT3.topk_rows", "LT3.topk_root", "LT3.topk_built")),
    by_z3("LT3.boundaries", "(i) topk(1) at (1,) reports (0, 1/K) under T1, (0, lambda) under "
          "T2, and a root rollout's second report is (0, lambda) with probability lambda vs "
          "2 lambda; (ii) the top-k pair is blind to one-token local-reset queries "
          "(LT3.topk_answers, then LT3.transcripts), but a query at (k,) differs (1/K vs "
          "lambda) and a two-token continuation from the root gives (0, lambda) second with "
          "probability k lambda vs (k+1) lambda",
          validity("K lambda > 1, K >= k + 2 => lambda != 1/K, k lambda != (k+1) lambda",
                   lambda: _separate(False), wrong="K lambda >= 1",
                   build_wrong=lambda: _separate(True)),
          uses=("LT3.top1_zero", "LT3.topk_answers", "LT3.transcripts"),
          tie=Tie("genaccess.spec.separation.query_law",
                  f"H = 2 pairs of {cases_text(SHAPES)} (k = 1); top-k pairs (k, K, lambda) "
                  f"in {cases_text(TOPK_CASES)}, H = 2", _boundary_tie)),
    by_z3("LT3.statement", "LT3: the top1 answers agree at every prefix, so no top1 learner "
          "at any control level tells T1 from T2 better than a coin (TV = 0: success <= "
          "1/2); m root samples err with probability <= exp(-2 m gamma^2), one root full "
          "query never; and the two boundaries",
          validity("TV = 0, success <= (1 + TV)/2 => success <= 1/2", lambda: _coin(False),
                   wrong="success < 1/2", build_wrong=lambda: _coin(True)),
          uses=("LT3.transcripts", "LT3.le_cam", "LT3.root_samples", "LT3.full_root",
                "LT3.boundaries")),
))
"""LT3: top-1 blindness of the pair, what separates it, and the two boundaries."""
