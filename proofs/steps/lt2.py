"""LT2's proof: given `S >= |internal nodes|`, BFS with `m` one-token samples per processed
prefix (a token is a leader when its count is `>= theta m`) makes at most `S*m` queries,
satisfies LR, and with `m >= ln(2SK/delta) / (2 gamma^2)` returns `T` with probability
`>= 1 - delta/2` (each node misclassified with probability `<= delta/(2S)`); with `full`
answers it returns `T` with certainty in exactly `|internal nodes|` queries.

Structure: the query count and LR from the learner's code (a called token was sampled, so
LR built its child); per token, misclassification is a deviation of `gamma m` from the mean
(LT1's margin), which Hoeffding bounds by `exp(-2 m gamma^2)`; a union over the `K` tokens
and the choice of `m` give `delta/(2S)` per node; if every processed node is classified
right, BFS finds exactly `T` (induction on the depth); a union over the `<= S` internal
nodes gives `delta/2`.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterator
from fractions import Fraction
from typing import cast

import sympy
import z3

from genaccess.proofs.discharge import identity, validity
from genaccess.spec.checking import set_text
from genaccess.spec.leader_classification import (
    bfs_success_probability,
    compute_samples_per_node,
    node_correct_probability,
)
from genaccess.spec.leader_trie import (
    LeaderTrie,
    internal_nodes,
    max_leaders,
    non_leader_probability,
)
from genaccess.spec.proof import (
    Goal,
    Outcome,
    Proof,
    Tie,
    Verdict,
    by_axiom,
    by_claim,
    by_definition,
    by_induction,
    by_sympy,
    by_z3,
)

Z3Formula = tuple[list[z3.BoolRef], z3.BoolRef]

# ---------------------------------------------------------------------------------------------
# Symbols and ties
# ---------------------------------------------------------------------------------------------

K, S, M = sympy.symbols("K S m", positive=True)
LAM, DELTA, GAMMA = sympy.symbols("lambda delta gamma", positive=True)
THETA_M = sympy.ceiling((LAM + 1 / K) / 2 * M)
"""The count a leader needs: `ceil(theta m)`."""
M0 = sympy.log(2 * S * K / DELTA) / (2 * GAMMA**2)
"""The least `m` allowed: `ln(2SK/delta) / (2 gamma^2)`."""

THRESHOLD_CASES: tuple[tuple[int, Fraction, tuple[int, ...]], ...] = (
    (3, Fraction(1, 2), (1, 2, 3, 4, 5, 6)), (3, Fraction(2, 5), (1, 2, 3, 4, 5)),
    (4, Fraction(1, 3), (1, 2, 3, 4)), (4, Fraction(5, 12), (3, 6)), (3, Fraction(7, 15), (5,)),
)
"""(K, lambda, m values); `theta m` is an integer for (4, 5/12, 3 and 6) and (3, 7/15, 5)."""


def _compositions(total: int, parts: int) -> Iterator[tuple[int, ...]]:
    for cuts in itertools.combinations(range(total + parts - 1), parts - 1):
        edges = (-1, *cuts, total + parts - 1)
        yield tuple(b - a - 1 for a, b in itertools.pairwise(edges))


def _threshold_tie() -> int:
    """`node_correct_probability` against the multinomial law of the counts summed over
    the count vectors where every leader has `>= ceil(theta m)` (THETA_M, lambdified) and
    every other token fewer, at every admissible leader count."""
    threshold = cast(Callable[..., int], sympy.lambdify([K, LAM, M], THETA_M, modules="math"))
    compared = 0
    for k, lam, ms in THRESHOLD_CASES:
        for m in ms:
            # the symbolic ceiling on exact rationals (lambdify's `ceil` sees only a float)
            c = int(THETA_M.subs({K: k, LAM: sympy.Rational(lam.numerator, lam.denominator),
                                  M: m}))
            assert threshold(k, float(lam), m) == c, (k, lam, m)
            for leaders in range(1, max_leaders(lam) + 1):
                probs = [lam] * leaders + [non_leader_probability(k, lam, leaders)] * (
                    k - leaders)
                total = Fraction(0)
                for counts in _compositions(m, k):
                    if all((n >= c) == (a < leaders) for a, n in enumerate(counts)):
                        weight = Fraction(math.factorial(m))
                        for n, p in zip(counts, probs, strict=True):
                            weight *= p**n / math.factorial(n)
                        total += weight
                assert total == node_correct_probability(k, lam, leaders, m), (k, lam, m)
                compared += 1
    return compared


CHOICE_CASES = tuple((k, lam, cap, delta) for k, lam in ((3, Fraction(1, 2)), (4, Fraction(1, 3)),
                                                         (5, Fraction(2, 5)), (6, Fraction(1, 2)))
                     for cap in (1, 2, 8) for delta in (Fraction(1, 10), Fraction(1, 2)))


def _choice_tie() -> int:
    """`compute_samples_per_node` is `max(1, ceil(M0))` with `gamma = (lambda - 1/K)/2`, M0
    evaluated to 60 digits (it is irrational, so never within 1e-40 of an integer)."""
    compared = 0
    for k, lam, cap, delta in CHOICE_CASES:
        gamma = (sympy.Rational(lam.numerator, lam.denominator) - sympy.Rational(1, k)) / 2
        value = M0.subs({K: k, S: cap, DELTA: sympy.Rational(delta.numerator,
                                                             delta.denominator), GAMMA: gamma})
        numeric = sympy.N(value, 60)
        assert abs(numeric - sympy.floor(numeric)) > sympy.Float("1e-40", 60), value
        assert compute_samples_per_node(k, lam, cap, delta) == max(1, int(sympy.ceiling(
            numeric))), (k, lam, cap, delta)
        compared += 1
    return compared


SUCCESS_TRIES = ((3, 2, Fraction(1, 2), ((0, 0), (1, 1))), (4, 1, Fraction(1, 2), ((0,), (2,))),
                 (4, 2, Fraction(1, 2), ((0, 1),)))
SUCCESS_CAPS = (0, 2)
"""Tries (K, H, lambda, Y); S = |internal nodes| + extra for each extra in SUCCESS_CAPS."""


def _success_tie() -> int:
    """`bfs_success_probability` with `m = compute_samples_per_node` is `>= 1 - delta/2`."""
    compared = 0
    for k, h, lam, ys in SUCCESS_TRIES:
        trie = LeaderTrie(k, h, lam, ys)
        for extra in SUCCESS_CAPS:
            cap = len(internal_nodes(trie)) + extra
            for delta in (Fraction(1, 10), Fraction(1, 2)):
                m = compute_samples_per_node(k, lam, cap, delta)
                assert bfs_success_probability(trie, m, cap) >= 1 - delta / 2, (ys, cap)
                compared += 1
    return compared


# ---------------------------------------------------------------------------------------------
# z3 formulas
# ---------------------------------------------------------------------------------------------

def _queries(wrong: bool) -> Z3Formula:
    processed, cap, m, queries = z3.Ints("processed S m queries")
    limit = cap + 1 if wrong else cap  # wrong: the cap tested after popping one more
    return ([m >= 1, cap >= 1, processed >= 0, processed <= limit, queries == processed * m],
            queries <= cap * m)


def _called_was_sampled(wrong: bool) -> Z3Formula:
    count, m = z3.Ints("N m")
    k, lam = z3.Reals("K lam")
    theta = (lam + 1 / k) / 2
    called = count > theta * m - 1 if wrong else count >= theta * m
    return [k >= 3, k * lam > 1, m >= 1, count >= 0, called], count >= 1


def _lr_base(wrong: bool) -> Z3Formula:
    root_built, first_is_root = z3.Bools("root_in_B0 first_queried_is_root")
    return ([first_is_root] + ([] if wrong else [root_built]),
            z3.Implies(first_is_root, root_built))


def _lr_step(wrong: bool) -> Z3Formula:
    parent_built, child_built, called, sampled = z3.Bools(
        "u_built u_a_built a_called a_sampled")
    count = z3.Int("N_a")
    hyps = [parent_built, z3.Implies(called, count >= 1), sampled == (count >= 1)]
    # LR: a sample query at a built u shows the sampled a and builds u·a
    hyps.append(z3.Implies(sampled, child_built) if not wrong
                else z3.Implies(z3.And(sampled, count >= 2), child_built))
    return hyps, z3.Implies(called, child_built)


def _ceiling(wrong: bool) -> Z3Formula:
    count, c = z3.Ints("N c")
    x = z3.Real("theta_m")
    rounded = z3.And(c <= x, x < c + 1) if wrong else z3.And(c - 1 < x, x <= c)
    return [rounded], (count >= x) == (count >= c)


def token_event(wrong: bool) -> Z3Formula:
    """LT2 (and LT3's root test): a misclassified token's count `N` of `m` deviates from
    its mean `p m` by at least `gamma m`, given LT1's margin (`wrong`: `2 gamma m`)."""
    k, lam, p, m, count = z3.Reals("K lam p m N")
    theta, gamma = (lam + 1 / k) / 2, (lam - 1 / k) / 2
    dev = 2 * gamma * m if wrong else gamma * m
    hyps = [k >= 3, k * lam > 1, lam <= z3.RealVal("1/2"), m >= 1, p >= 0, p <= 1]
    leader = z3.Implies(z3.And(p >= theta + gamma, count < theta * m), p * m - count >= dev)
    other = z3.Implies(z3.And(p <= theta - gamma, count >= theta * m), count - p * m >= dev)
    return hyps, z3.And(leader, other)


def _node_bound(wrong: bool) -> Z3Formula:
    error, bound, x, delta, cap = z3.Reals("P_node B x delta S")
    target = delta / (4 * cap) if wrong else delta / (2 * cap)
    return ([delta > 0, delta < 1, cap >= 1, error <= bound, bound == delta / (2 * cap) * x,
             x > 0, x <= 1], error <= target)


def _bfs(step: bool, wrong: bool) -> Z3Formula:
    """BFS finds, at depth `d`, exactly the trie's nodes of depth `d` when every processed
    node is classified right: `found(v) = found(parent v) and called(parent v, v)`, and at
    a processed node `called(u, v) = in_T(v)` for its children."""
    prefix = z3.DeclareSort("Prefix")
    depth = z3.Function("depth", prefix, z3.IntSort())
    parent = z3.Function("parent", prefix, prefix)
    in_t = z3.Function("in_T", prefix, z3.BoolSort())
    found = z3.Function("found", prefix, z3.BoolSort())
    called = z3.Function("called", prefix, prefix, z3.BoolSort())
    root = z3.Const("root", prefix)
    d, h = z3.Ints("d H")
    u, v = z3.Consts("u v", prefix)
    if not step:
        hyps = [z3.ForAll([u], (depth(u) == 0) == (u == root)), found(root)]
        if not wrong:  # the root is in every trie (the prefix of every response)
            hyps.append(in_t(root))
        return hyps, z3.ForAll([u], z3.Implies(depth(u) == 0, found(u) == in_t(u)))
    hyps = [
        z3.ForAll([v], z3.Implies(depth(v) >= 1, depth(parent(v)) == depth(v) - 1)),
        z3.ForAll([v], z3.Implies(depth(v) >= 1, found(v) == z3.And(
            found(parent(v)), depth(parent(v)) < h, called(parent(v), v)))),
        z3.ForAll([v], z3.Implies(z3.And(depth(v) >= 1, depth(v) <= h, found(parent(v))),
                                  called(parent(v), v) == in_t(v))),
        z3.ForAll([u], z3.Implies(depth(u) == d, found(u) == in_t(u))),
        d >= 0, d + 1 <= h,
    ]
    if not wrong:  # a trie is prefix-closed
        hyps.append(z3.ForAll([v], z3.Implies(z3.And(depth(v) >= 1, in_t(v)),
                                              in_t(parent(v)))))
    return hyps, z3.ForAll([v], z3.Implies(depth(v) == d + 1, found(v) == in_t(v)))


def full_exact(wrong: bool) -> Z3Formula:
    """LT2 (and LT3's root full query): the test `p >= theta` calls every leader and no
    other token, given LT1's margin (`wrong`: `K lambda >= 1`, so `gamma = 0` allowed)."""
    k, lam, q = z3.Reals("K lam q")
    theta, gamma = (lam + 1 / k) / 2, (lam - 1 / k) / 2
    above = k * lam >= 1 if wrong else k * lam > 1
    return ([k >= 3, above, lam >= theta + gamma, q <= theta - gamma],
            z3.And(lam >= theta, q < theta, lam > 0))


def _success(wrong: bool) -> Z3Formula:
    nodes, cap = z3.Ints("internal S")
    per, fail, delta = z3.Reals("per_node fail delta")
    per_bound = delta / cap if wrong else delta / (2 * cap)
    return ([nodes >= 1, cap >= nodes, delta > 0, delta < 1, per >= 0, per <= per_bound,
             fail >= 0, fail <= nodes * per],
            z3.And(fail <= delta / 2, nodes <= cap))


# ---------------------------------------------------------------------------------------------
# exp is decreasing: sympy's inequality solver
# ---------------------------------------------------------------------------------------------

_S = sympy.Symbol("s", real=True)


def _solution_set(relation: sympy.Basic) -> sympy.Set:
    return cast(sympy.Set, sympy.solve_univariate_inequality(relation, _S, relational=False))


def _exp_decreasing() -> Goal:
    """`exp(-s) <= 1` holds exactly on `s >= 0` (sympy solves the inequality over the reals);
    the wrong variant `exp(-s) < 1 for all s >= 0` fails at `s = 0`."""
    wanted = sympy.Interval(0, sympy.oo)

    def proved() -> Outcome:
        found = _solution_set(sympy.exp(-_S) <= 1)
        if found == wanted:
            return Outcome(Verdict.PROVED, "sympy: {s : exp(-s) <= 1} = [0, oo)")
        return Outcome(Verdict.UNKNOWN, f"sympy: {found}")

    def refuted() -> Outcome:
        missed = sympy.Complement(wanted, _solution_set(sympy.exp(-_S) < 1))
        if isinstance(missed, sympy.FiniteSet) and missed:
            point = min(missed)
            return Outcome(Verdict.REFUTED, "exp(-s) < 1 fails", {
                "s": str(point), "lhs": str(sympy.exp(-point)), "rhs": "1"})
        return Outcome(Verdict.UNKNOWN, f"no point found in {missed}")

    return Goal("exp(-s) <= 1 for every s >= 0", "exp(-s) < 1 for every s >= 0", proved,
                refuted)


# ---------------------------------------------------------------------------------------------
# The proof
# ---------------------------------------------------------------------------------------------

_CHOICE_POINTS = {K: (3,), S: (1, 2), DELTA: (sympy.Rational(1, 2),),
                  GAMMA: (sympy.Rational(1, 12),), M: (1,)}

PROOF = Proof((
    by_definition("LT2.bfs", "BFS from the root: at a popped u (|u| < H) m one-token sample "
                  "queries; a is called when its count N_a >= theta m; u·a is added, and "
                  "enqueued when |u·a| < H; before processing an (S+1)-th prefix it stops "
                  "and reports failure", "genaccess.reference.bfs_trie.bfs_trie"),
    by_z3("LT2.queries", "at most S prefixes are processed, m queries each: queries <= S m",
          validity("processed <= S, queries = processed m => queries <= S m",
                   lambda: _queries(False), wrong="processed <= S + 1 (cap tested late)",
                   build_wrong=lambda: _queries(True)),
          uses=("LT2.bfs",)),
    by_z3("LT2.sampled", "a called token was sampled: N_a >= theta m > 0 gives N_a >= 1",
          validity("K lambda > 1, m >= 1, N >= theta m => N >= 1", lambda: _called_was_sampled(
              False), wrong="N > theta m - 1 => N >= 1",
              build_wrong=lambda: _called_was_sampled(True)),
          uses=("LT2.bfs",)),
    by_claim("LT2.LR", "LR: the built set starts {()}; a sample query at a built u builds u·a "
             "for the sampled token a", "LR"),
    by_induction("LT2.local_reset", "every prefix BFS queries was built before: the root is "
                 "in B_0; u·a is enqueued only when a was called, so sampled, at the built u, "
                 "and LR built u·a (induction on the processed prefixes)", "processed",
                 base=validity("() in B_0 and the first query is at ()",
                               lambda: _lr_base(False), wrong="B_0 empty",
                               build_wrong=lambda: _lr_base(True)),
                 step=validity("u built, a called => N_a >= 1 => u·a built",
                               lambda: _lr_step(False),
                               wrong="LR builds u·a only after two samples of a",
                               build_wrong=lambda: _lr_step(True)),
                 uses=("LT2.sampled", "LT2.LR")),
    by_z3("LT2.threshold", "for an integer count, N >= theta m iff N >= ceil(theta m), the "
          "threshold of node_correct_probability",
          validity("c - 1 < theta m <= c => (N >= theta m) = (N >= c)", lambda: _ceiling(False),
                   wrong="c = floor(theta m)", build_wrong=lambda: _ceiling(True)),
          uses=("LT2.bfs",),
          tie=Tie("genaccess.spec.leader_classification.node_correct_probability",
                  "(K, lambda, m) in " + "; ".join(f"({k}, {lam}, {set_text(ms)})"
                                                   for k, lam, ms in THRESHOLD_CASES)
                  + "; every admissible leader count; multinomial law of the counts",
                  _threshold_tie)),
    by_claim("LT2.LT1", "LT1: leaders have probability >= theta + gamma, others "
             "<= theta - gamma", "LT1"),
    by_z3("LT2.token_event", "a token is misclassified only if its count deviates from its "
          "mean p m by >= gamma m: a leader with N < theta m has p m - N >= gamma m, a "
          "non-leader with N >= theta m has N - p m >= gamma m",
          validity("K lambda > 1, m >= 1 => [p >= theta+gamma, N < theta m => p m - N >= "
                   "gamma m] and [p <= theta-gamma, N >= theta m => N - p m >= gamma m]",
                   lambda: token_event(False), wrong="deviation >= 2 gamma m",
                   build_wrong=lambda: token_event(True)),
          uses=("LT2.LT1", "LT2.bfs")),
    by_definition("LT2.fresh", "each query's sample is a fresh draw from pi(.|u), "
                  "independent of all others: the m samples at a node are i.i.d.",
                  "genaccess.spec.oracle.Oracle.query"),
    by_axiom("LT2.hoeffding", "for N a sum of m independent indicators, P(N - E N >= t) and "
             "P(E N - N >= t) are <= exp(-2 t^2 / m)", "hoeffding", uses=("LT2.fresh",)),
    by_sympy("LT2.exponent", "with t = gamma m the exponent is 2 t^2 / m = 2 m gamma^2: each "
             "token is misclassified with probability <= exp(-2 m gamma^2)",
             identity("2 (gamma m)^2 / m = 2 m gamma^2", 2 * (GAMMA * M)**2 / M,
                      2 * M * GAMMA**2, wrong="t = gamma: 2 gamma^2 / m",
                      wrong_rhs=2 * GAMMA**2 / M, points={GAMMA: (sympy.Rational(1, 4),),
                                                          M: (2,)}),
             uses=("LT2.token_event", "LT2.hoeffding")),
    by_axiom("LT2.union_tokens", "a node is misclassified only if one of its K tokens is: "
             "probability <= K exp(-2 m gamma^2)", "union_bound", uses=("LT2.exponent",)),
    by_sympy("LT2.choice", "K exp(-2 m gamma^2) = (delta/(2S)) exp(-2 gamma^2 (m - m0)) with "
             "m0 = ln(2SK/delta)/(2 gamma^2), compute_samples_per_node = max(1, ceil(m0))",
             identity("K exp(-2 m gamma^2) = delta/(2S) exp(-2 gamma^2 (m - m0))",
                      K * sympy.exp(-2 * M * GAMMA**2),
                      DELTA / (2 * S) * sympy.exp(-2 * GAMMA**2 * (M - M0)),
                      wrong="delta/S exp(-2 gamma^2 (m - m0)) (the 2 of delta/2 lost)",
                      wrong_rhs=DELTA / S * sympy.exp(-2 * GAMMA**2 * (M - M0)),
                      points=_CHOICE_POINTS),
             tie=Tie("genaccess.spec.leader_classification.compute_samples_per_node",
                     "(K, lambda) in {(3, 1/2), (4, 1/3), (5, 2/5), (6, 1/2)}, S in {1, 2, 8}, "
                     "delta in {1/10, 1/2}", _choice_tie)),
    by_sympy("LT2.exp_decreasing", "exp(-s) <= 1 exactly when s >= 0 (here s = 2 gamma^2 "
             "(m - m0) >= 0 for m >= m0)", _exp_decreasing()),
    by_z3("LT2.node_bound", "with m >= m0 each processed node is misclassified with "
          "probability <= delta/(2S)",
          validity("P <= B = delta/(2S) x, 0 < x <= 1 => P <= delta/(2S)",
                   lambda: _node_bound(False), wrong="P <= delta/(4S)",
                   build_wrong=lambda: _node_bound(True)),
          uses=("LT2.union_tokens", "LT2.choice", "LT2.exp_decreasing")),
    by_induction("LT2.bfs_exact", "if every processed node is classified right, BFS finds at "
                 "depth d exactly T's nodes of depth d, so it processes exactly the internal "
                 "nodes (induction on d, H symbolic)", "d",
                 base=validity("depth 0 is the root, found and in T",
                               lambda: _bfs(False, False), wrong="the root not in T",
                               build_wrong=lambda: _bfs(False, True)),
                 step=validity("found = in_T at depth d => found = in_T at depth d + 1",
                               lambda: _bfs(True, False), wrong="T not prefix-closed",
                               build_wrong=lambda: _bfs(True, True)),
                 uses=("LT2.bfs",)),
    by_z3("LT2.full", "with full answers a token is called iff p >= theta: leaders (lambda >= "
          "theta + gamma) are, others (<= theta - gamma < theta) are not, and leaders have "
          "p > 0 so LR builds them: by LT2.bfs_exact, T with certainty in |internal| queries",
          validity("K lambda > 1, lambda >= theta + gamma, q <= theta - gamma => lambda >= "
                   "theta, q < theta, lambda > 0", lambda: full_exact(False),
                   wrong="K lambda >= 1 (gamma = 0 allowed)",
                   build_wrong=lambda: full_exact(True)),
          uses=("LT2.LT1", "LT2.bfs_exact", "LT2.LR")),
    by_axiom("LT2.union_nodes", "BFS fails only if one of the |internal| <= S internal nodes "
             "is misclassified (before that it processes only internal nodes): probability "
             "<= sum over them", "union_bound", uses=("LT2.bfs_exact", "LT2.fresh")),
    by_z3("LT2.success", "with S >= |internal| and m >= ln(2SK/delta)/(2 gamma^2): at most "
          "S m queries, LR, and T returned with probability >= 1 - delta/2",
          validity("|I| <= S, per node <= delta/(2S), fail <= |I| per node => fail <= "
                   "delta/2", lambda: _success(False), wrong="per node <= delta/S",
                   build_wrong=lambda: _success(True)),
          uses=("LT2.queries", "LT2.local_reset", "LT2.threshold", "LT2.node_bound",
                "LT2.union_nodes", "LT2.full"),
          tie=Tie("genaccess.spec.leader_classification.bfs_success_probability",
                  "tries (K, H, lambda, Y) in " + "; ".join(
                      f"({k}, {h}, {lam}, {set_text(ys)})" for k, h, lam, ys in SUCCESS_TRIES)
                  + f"; S = |I| + {set_text(SUCCESS_CAPS)}; delta in {{1/10, 1/2}}; m from "
                  "compute_samples_per_node", _success_tie)),
))
"""LT2: `<= S m` queries, LR, and `T` with probability `>= 1 - delta/2`."""
