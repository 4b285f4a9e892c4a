"""R2's proof: without reset you learn only where the model already goes.

R2: if `pi` and `pi'` agree outside a set of prefixes `D`, then `rho_pi(D) = rho_pi'(D)`,
and the laws of `T` root-start transcripts (any of R1's observation types) are within
`TV <= 1 - (1 - rho(D))^T <= T rho(D)`; with canonical observations and `D` exactly the
difference set, the first inequality is an equality.

Structure: (1) the mass that avoids `D`, `a(u) = rho(u) [no prefix of u in D]`, obeys
`a(u·b) = a(u) pi(b|u) [u not in D]`, which reads only rows outside `D`: by induction on
`|u|` it is the same under `pi` and `pi'`, and `rho(D) = 1 - sum_y a(y)` (G1). (2) Canonical
answers whose responses avoid `D` have the same probability under both; root-start queries
are i.i.d., so `T` canonical answers all avoid `D` with probability `(1 - rho)^T`, and
`TV = sum_x (P(x) - Q(x))^+` is at most the rest, `1 - (1 - rho)^T`; when `D` is the
difference set, `Q(x) = 0` there, which gives equality. (3) `1 - (1 - rho)^T <= T rho` by
induction on `T` (Bernoulli's inequality, `T` symbolic). (4) Any other type is a garbling of
the canonical one (R1), and garbling cannot increase TV (`TV = 2 * best test success - 1`,
MAP rule and data processing).
"""

from __future__ import annotations

import itertools
from fractions import Fraction
from typing import Any

import z3

from genaccess.proofs.discharge import validity
from genaccess.spec.garbling import root_start_types
from genaccess.spec.generator import Generator
from genaccess.spec.grids import Grid, describe, perturbed, subsets
from genaccess.spec.observation import Full
from genaccess.spec.prefix import Prefix, all_prefixes, all_responses
from genaccess.spec.proof import Proof, Tie, by_axiom, by_claim, by_definition, by_induction, by_z3
from genaccess.spec.reach import (
    compute_R2_gap,
    one_query_law,
    product_total_variation,
    reach_bound,
    reach_of_set,
)

Formula = tuple[list[Any], Any]


def _positive(x: Any) -> Any:
    return z3.If(x >= 0, x, 0)


def _abs(x: Any) -> Any:
    return z3.If(x >= 0, x, -x)


# ---------------------------------------------------------------------------------------
# (1) The mass avoiding D is the same under pi and pi'.


def _avoid_base(wrong: bool) -> Formula:
    a, a2 = z3.Reals("a_root a'_root")
    return [a == (0 if wrong else 1), a2 == 1], z3.And(a == 1, a == a2)


def _avoid_step(wrong: bool) -> Formula:
    """`a(u·b) = a(u) pi(b|u) [u not in D]`. Wrong: without `[u not in D]` (the reach
    `rho(u·b)` itself, which reads the rows inside `D`)."""
    a, a2, p, p2, nxt, nxt2 = z3.Reals("a_u a'_u p p' a_ub a'_ub")
    in_D = z3.Bool("u_in_D")
    if wrong:
        steps = [nxt == a * p, nxt2 == a2 * p2]
    else:
        steps = [nxt == z3.If(in_D, 0, a * p), nxt2 == z3.If(in_D, 0, a2 * p2)]
    return [a == a2, z3.Implies(z3.Not(in_D), p == p2), *steps], nxt == nxt2


def _reach_invariant(wrong: bool) -> Formula:
    """`rho(D) = 1 - A` with `A = sum_y a(y)` in `[0, 1]` (G1). Wrong: `rho(D) = A`."""
    A, A2, rho, rho2 = z3.Reals("A A' rho rho'")
    hyps = [A == A2, A >= 0, A <= 1, rho2 == 1 - A2, rho == (A if wrong else 1 - A)]
    return hyps, z3.And(rho == rho2, rho >= 0, rho <= 1)


def _avoid_masses(g: Generator, D: frozenset[Prefix]) -> Fraction:
    """`sum_{y in V^H} a(y)` by the step's recursion, from the rows of `g`."""
    K, H = g.vocab_size, g.horizon
    a: dict[Prefix, Fraction] = {(): Fraction(1)}
    for u in all_prefixes(K, H):  # shortest first, so a(u) is known
        for b, p in enumerate(g.next_token(u).probs):
            a[(*u, b)] = Fraction(0) if u in D else a[u] * p
    return sum((a[y] for y in all_responses(K, H)), Fraction(0))


REACH_GRIDS = (Grid(2, 2, "depth"), Grid(3, 1, "depth"))
REACH_DOMAIN = describe(REACH_GRIDS) + "; every subset D of prefixes; pi' = pi perturbed on D"


def _reach_tie() -> int:
    """`1 - sum_y a(y)`, by the step's recursion, equals `reach_of_set` under `pi` and
    under `pi'` (perturbed at every prefix of `D`, equal elsewhere)."""
    compared = 0
    for grid in REACH_GRIDS:
        for g in grid:
            for D in subsets(list(all_prefixes(g.vocab_size, g.horizon))):
                h = perturbed(g, D)
                assert 1 - _avoid_masses(g, D) == reach_of_set(g, D) == reach_of_set(h, D)
                assert _avoid_masses(g, D) == _avoid_masses(h, D)
                compared += 1
    return compared


# ---------------------------------------------------------------------------------------
# (2) Canonical answers: TV against the mass of transcripts that pass through D.


def _tv_atoms(wrong: bool) -> Formula:
    """Per answer `x` with `p = P(x)`, `q = Q(x)`: `|p - q| = 2 (p - q)^+ - (p - q)` (so
    `TV = sum_x (p - q)^+` as both sum to 1), `(p - q)^+ <= p`, `= p` when `q = 0`, `= 0`
    when `p = q`. Wrong: `(p - q)^+ <= q`."""
    p, q = z3.Reals("p q")
    pos = _positive(p - q)
    bound = pos <= q if wrong else pos <= p
    return [p >= 0, q >= 0], z3.And(_abs(p - q) == 2 * pos - (p - q), bound,
                                    z3.Implies(q == 0, pos == p), z3.Implies(p == q, pos == 0))


def _canonical_bound(wrong: bool) -> Formula:
    """`TV = sum (P - Q)^+` over transcripts avoiding `D` (zero: the laws agree there) plus
    over the others (each term `<= P`, `= P` when `Q = 0`), whose `P`-mass is `1 - x_T`.
    Wrong: `TV <= (1 - x_T) / 2`."""
    tv, pos_in, pos_out, p_out, x = z3.Reals("TV pos_avoid pos_pass P_pass x_T")
    exact = z3.Bool("D_is_the_difference_set")
    hyps = [tv == pos_in + pos_out, pos_in == 0, pos_out >= 0, pos_out <= p_out,
            z3.Implies(exact, pos_out == p_out), p_out == 1 - x, x >= 0, x <= 1]
    limit = (1 - x) / 2 if wrong else 1 - x
    return hyps, z3.And(tv <= limit, z3.Implies(exact, tv == 1 - x))


CANONICAL_GRIDS = (Grid(2, 1, "depth"), Grid(2, 2, "depth"))
CANONICAL_QUERIES = (1, 2)
CANONICAL_DOMAIN = (describe(CANONICAL_GRIDS) + f"; every subset D; T in {set(CANONICAL_QUERIES)}; "
                    "full answers from the oracle")


def _canonical_tie() -> int:
    """On the oracle's full laws: answers whose response avoids `D` have equal probability;
    the others have `Q = 0` where `P > 0` (`D` is the difference set, by `perturbed`); and
    `TV(P^T, Q^T) = reach_bound(rho(D), T)`."""
    compared = 0
    for grid in CANONICAL_GRIDS:
        for g in grid:
            P = one_query_law(g, Full())
            for D in subsets(list(all_prefixes(g.vocab_size, g.horizon))):
                Q = one_query_law(perturbed(g, D), Full())
                for x in P.keys() | Q.keys():
                    y = tuple(r.sampled for r in x)  # type: ignore[attr-defined]
                    passes = any(y[:t] in D for t in range(g.horizon))
                    p, q = P.get(x, Fraction(0)), Q.get(x, Fraction(0))
                    assert (p == q) if not passes else (p == 0 or q == 0), (x, D)
                rho = reach_of_set(g, D)
                for T in CANONICAL_QUERIES:
                    assert product_total_variation(P, Q, T) == reach_bound(rho, T)
                    compared += 1
    return compared


# ---------------------------------------------------------------------------------------
# (3) Bernoulli: x_T = (1 - rho)^T in [0, 1] and x_T >= 1 - T rho, by induction on T.


def _bernoulli_base(wrong: bool) -> Formula:
    x0, rho = z3.Reals("x_0 rho")
    return ([rho >= 0, rho <= 1, x0 == (1 - rho if wrong else 1)],
            z3.And(x0 >= 0, x0 <= 1, x0 >= 1 - 0 * rho, 1 - x0 == 0))


def _bernoulli_step(wrong: bool) -> Formula:
    """`x_{T+1} = (1 - rho) x_T` (the queries are i.i.d.). Wrong: `x_{T+1} >= 1 - T rho`."""
    x, x1, rho = z3.Reals("x_T x_next rho")
    T = z3.Int("T")
    target = 1 - T * rho if wrong else 1 - (T + 1) * rho
    return ([T >= 0, rho >= 0, rho <= 1, x >= 0, x <= 1, x >= 1 - T * rho, x1 == (1 - rho) * x],
            z3.And(x1 >= 0, x1 <= 1, x1 >= target))


RHOS = tuple(Fraction(n, 12) for n in range(13))
QUERIES = range(0, 7)
BERNOULLI_DOMAIN = f"rho in {{0, 1/12, ..., 1}}, T in 0..{QUERIES[-1]}"


def _bernoulli_tie() -> int:
    """`reach_bound(rho, T) = 1 - x_T` with `x_T` from the step's recursion, and `<= T rho`."""
    compared = 0
    for rho in RHOS:
        x = Fraction(1)
        for T in QUERIES:
            assert reach_bound(rho, T) == 1 - x <= T * rho, (rho, T)
            x *= 1 - rho
            compared += 1
    return compared


# ---------------------------------------------------------------------------------------
# (4) Other types: TV = 2 * (best test success with prior 1/2) - 1 cannot grow by garbling.


def _map_success(wrong: bool) -> Formula:
    """`max(p, q) = (p + q + |p - q|) / 2`, so with prior 1/2 the MAP test's success is
    `sum_x max(P(x), Q(x)) / 2 = (1 + TV) / 2`. Wrong: `(p + q - |p - q|) / 2` (the min)."""
    p, q = z3.Reals("p q")
    sign = -1 if wrong else 1
    return [p >= 0, q >= 0], z3.If(p >= q, p, q) == (p + q + sign * _abs(p - q)) / 2


def _contraction(wrong: bool) -> Formula:
    """`s_o <= s_full` (data processing), `s = (1 + TV) / 2` => `TV_o <= TV_full`. Wrong:
    the reverse."""
    s_o, s_f, tv_o, tv_f = z3.Reals("s_o s_full TV_o TV_full")
    hyps = [s_o <= s_f, s_o == (1 + tv_o) / 2, s_f == (1 + tv_f) / 2]
    return hyps, (tv_o >= tv_f) if wrong else (tv_o <= tv_f)


def _statement(wrong: bool) -> Formula:
    tv_o, tv_f, x, rho = z3.Reals("TV_o TV_full x_T rho")
    T = z3.Int("T")
    factor = T - 1 if wrong else T
    hyps = [T >= 1, rho >= 0, rho <= 1, tv_o <= tv_f, tv_f <= 1 - x, x >= 1 - T * rho]
    return hyps, z3.And(tv_o <= 1 - x, 1 - x <= factor * rho)


STATEMENT_CASES = ((Grid(2, 1, "depth"), (1, 2, 3)), (Grid(2, 2, "depth"), (2,)))
STATEMENT_DOMAIN = ("; ".join(f"{describe((grid,))}, T in {set(T)}" for grid, T in STATEMENT_CASES)
                    + "; every subset D; every type of R1 (all k)")


def _statement_tie() -> int:
    """`compute_R2_gap`: `TV <= 1 - (1 - rho)^T <= T rho` for every type of R1."""
    compared = 0
    for grid, queries in STATEMENT_CASES:
        for g in grid:
            for D, observation, T in itertools.product(
                    subsets(list(all_prefixes(g.vocab_size, g.horizon))),
                    root_start_types(g.vocab_size), queries):
                tv, bound = compute_R2_gap(g, perturbed(g, D), D, observation, T)
                assert tv <= bound <= T * reach_of_set(g, D), (observation.name, D, T)
                compared += 1
    return compared


# ---------------------------------------------------------------------------------------
# The proof.

PROOF = Proof((
    by_claim("R2.g1", "sum_y pi(y) = 1 and rho(u) = sum_a rho(u·a)", "G1"),
    by_claim("R2.r1", "each root-start type of R1 is a garbling g_o of the canonical answer, "
             "query by query", "R1"),
    by_induction("R2.avoid", "the mass avoiding D, a(()) = 1, a(u·b) = a(u) pi(b|u) "
                 "[u not in D], is the same under pi and pi' at every prefix, by induction "
                 "on |u| (it reads only rows outside D, where they agree)", "|u|",
                 base=validity("a(()) = a'(()) = 1", lambda: _avoid_base(False),
                               wrong="a(()) = 0", build_wrong=lambda: _avoid_base(True)),
                 step=validity("a(u) = a'(u), (u not in D => p = p') => a(u·b) = a'(u·b)",
                               lambda: _avoid_step(False),
                               wrong="without [u not in D]: rho(u·b)",
                               build_wrong=lambda: _avoid_step(True))),
    by_z3("R2.reach_invariant", "rho(D) = 1 - sum_{y in V^H} a(y), so rho_pi(D) = rho_pi'(D)",
          validity("A = A' in [0, 1], rho = 1 - A, rho' = 1 - A' => rho = rho' in [0, 1]",
                   lambda: _reach_invariant(False), wrong="rho(D) = A",
                   build_wrong=lambda: _reach_invariant(True)),
          uses=("R2.g1", "R2.avoid"),
          tie=Tie("genaccess.spec.reach.reach_of_set", REACH_DOMAIN, _reach_tie)),
    by_definition("R2.same_outside", "a canonical answer is a response with the rows at its "
                  "visited prefixes; its probability is the product of those rows, so an "
                  "answer whose response avoids D has the same probability under pi and pi'",
                  "genaccess.spec.oracle.Oracle.query"),
    by_definition("R2.shown_row", "a canonical answer shows the row at every visited prefix: "
                  "when D is the difference set, an answer passing through D shows at its "
                  "first prefix in D a row pi' never shows there, so Q(x) = 0 where P(x) > 0",
                  "genaccess.spec.observation.FullReport"),
    by_definition("R2.iid", "a root-start oracle answers only ((), H) and draws each answer "
                  "afresh from the chooser, reading no state: root-start answers are i.i.d.",
                  "genaccess.spec.oracle.Oracle.rollout"),
    by_z3("R2.tv_atoms", "per answer x: |P(x) - Q(x)| = 2 (P(x) - Q(x))^+ - (P(x) - Q(x)), "
          "(P - Q)^+ <= P, = P when Q = 0, = 0 when P = Q; so TV = sum_x (P(x) - Q(x))^+",
          validity("p, q >= 0 => |p-q| = 2(p-q)^+ - (p-q), (p-q)^+ <= p, q = 0 => = p, "
                   "p = q => = 0", lambda: _tv_atoms(False), wrong="(p - q)^+ <= q",
                   build_wrong=lambda: _tv_atoms(True)),
          uses=("R2.g1",)),
    by_induction("R2.bernoulli", "x_T = (1 - rho)^T, the chance that T i.i.d. canonical "
                 "answers all avoid D, lies in [0, 1] and x_T >= 1 - T rho, by induction on "
                 "T (symbolic): 1 - (1 - rho)^T <= T rho", "T",
                 base=validity("x_0 = 1", lambda: _bernoulli_base(False),
                               wrong="x_0 = 1 - rho", build_wrong=lambda: _bernoulli_base(True)),
                 step=validity("x_T in [0,1], x_T >= 1 - T rho, x_{T+1} = (1 - rho) x_T => "
                               "x_{T+1} in [0,1], x_{T+1} >= 1 - (T+1) rho",
                               lambda: _bernoulli_step(False),
                               wrong="x_{T+1} >= 1 - T rho",
                               build_wrong=lambda: _bernoulli_step(True)),
                 uses=("R2.iid",),
                 tie=Tie("genaccess.spec.reach.reach_bound", BERNOULLI_DOMAIN, _bernoulli_tie)),
    by_z3("R2.canonical", "for T canonical answers, TV(P^T, Q^T) <= 1 - (1 - rho(D))^T, with "
          "equality when D is the difference set",
          validity("TV = (sum over avoiding, = 0) + (sum over passing, <= P, = P if Q = 0), "
                   "P(passing) = 1 - x_T => TV <= 1 - x_T, = when D is the difference set",
                   lambda: _canonical_bound(False), wrong="TV <= (1 - x_T) / 2",
                   build_wrong=lambda: _canonical_bound(True)),
          uses=("R2.same_outside", "R2.shown_row", "R2.tv_atoms", "R2.bernoulli",
                "R2.reach_invariant"),
          tie=Tie("genaccess.spec.reach.product_total_variation", CANONICAL_DOMAIN,
                  _canonical_tie)),
    by_z3("R2.map_success", "with prior 1/2 the MAP test between P and Q succeeds with "
          "sum_x max(P(x), Q(x)) / 2 = (1 + TV(P, Q)) / 2",
          validity("max(p, q) = (p + q + |p - q|) / 2", lambda: _map_success(False),
                   wrong="(p + q - |p - q|) / 2", build_wrong=lambda: _map_success(True))),
    by_axiom("R2.map_optimal", "the MAP test has the best success, so the best success of a "
             "test between P and Q is (1 + TV(P, Q)) / 2", "map_optimal",
             uses=("R2.map_success",)),
    by_axiom("R2.data_processing", "the best test from g_o of the answers succeeds at most as "
             "often as the best test from the answers", "data_processing",
             uses=("R2.r1",)),
    by_z3("R2.contraction", "TV between the o transcripts <= TV between the canonical ones",
          validity("s_o <= s_full, s = (1 + TV)/2 => TV_o <= TV_full",
                   lambda: _contraction(False), wrong="TV_o >= TV_full",
                   build_wrong=lambda: _contraction(True)),
          uses=("R2.map_optimal", "R2.data_processing")),
    by_z3("R2.bound", "R2: rho_pi(D) = rho_pi'(D), and for T root-start queries of any type "
          "of R1, TV <= 1 - (1 - rho(D))^T <= T rho(D), with equality in the first for "
          "canonical answers and D the difference set",
          validity("TV_o <= TV_full <= 1 - x_T, x_T >= 1 - T rho => TV_o <= 1 - x_T <= T rho",
                   lambda: _statement(False), wrong="1 - x_T <= (T - 1) rho",
                   build_wrong=lambda: _statement(True)),
          uses=("R2.reach_invariant", "R2.canonical", "R2.bernoulli", "R2.contraction"),
          tie=Tie("genaccess.spec.reach.compute_R2_gap", STATEMENT_DOMAIN, _statement_tie)),
))
"""R2: reach invariance by induction on depth, the canonical TV bound from the mass that
passes through `D`, Bernoulli by induction on `T`, and other types by garbling."""
