"""R1's proof: every root-start view is a garbling of the canonical experiment.

R1: for each root-start observation type `o` among `sample`, `logprob`, `topk(k)` and
`top1` there is a fixed map `g_o`, applied step by step, such that for every generator the
law of a root-start `o` answer is the image under `g_o` of the law of the canonical
(`root-start/full`) answer; so `T` queries of type `o` are worth at most `T` canonical ones.

Structure: (1) at one step, `g_o` applied to the full report `(a, p)` is the report `o`
makes from `(p, a)` (`R1.pointwise`: definitions for `sample`, `logprob`, `full`; for
`top1` an induction over the garbling's scan; for `topk` stability of the sort and a strict
total order on the ranking key); (2) driven by the same chooser answers, the `o` oracle and
the full oracle visit the same prefixes and draw the same tokens, and the `o` report is `g_o`
of the full one at every step of every query (`R1.coupling`, induction on the step index,
z3 over uninterpreted functions); (3) so the `o` law is the pushforward of the canonical law,
and a canonical learner simulates an `o` learner (data processing).
"""

from __future__ import annotations

from typing import Any

import z3

from genaccess.proofs.discharge import validity
from genaccess.spec.distribution import Distribution
from genaccess.spec.garbling import (
    garble,
    is_R1_garbling,
    root_start_law,
    root_start_types,
)
from genaccess.spec.grids import Grid, describe
from genaccess.spec.observation import Full, FullReport
from genaccess.spec.proof import (
    Proof,
    Tie,
    by_axiom,
    by_claim,
    by_definition,
    by_induction,
    by_z3,
)

Formula = tuple[list[Any], Any]

# ---------------------------------------------------------------------------------------
# top1: the garbling scans `a = 0..K-1` and keeps `a` only on a strict improvement.


def _key_le(p: Any, b: Any, i: Any) -> Any:
    """`(-p[b], b) <= (-p[i], i)` lexicographically: the ranking key of `Distribution`."""
    return z3.Or(p[b] > p[i], z3.And(p[b] == p[i], b <= i))


def _scan_base(wrong: bool) -> Formula:
    p = z3.Array("p", z3.IntSort(), z3.RealSort())
    best = z3.Int("best_0")
    return [best == (1 if wrong else 0)], z3.And(best == 0, _key_le(p, best, z3.IntVal(0)))


def _scan_invariant(p: Any, best: Any, j: Any) -> Any:
    i = z3.Int("i")
    return z3.And(best >= 0, best <= j,
                  z3.ForAll([i], z3.Implies(z3.And(i >= 0, i <= j), _key_le(p, best, i))))


def _scan_step(wrong: bool) -> Formula:
    """After scanning `0..j`, `best` is the key-minimum of `p[0..j]`; scanning `j+1` keeps
    it. Wrong: `>=` (ties go to the higher index, the power check's mutant)."""
    p = z3.Array("p", z3.IntSort(), z3.RealSort())
    best, best1, j = z3.Ints("best_j best_next j")
    better = p[j + 1] >= p[best] if wrong else p[j + 1] > p[best]
    return ([j >= 0, _scan_invariant(p, best, j), best1 == z3.If(better, j + 1, best)],
            _scan_invariant(p, best1, j + 1))


def _key_total(wrong: bool) -> Formula:
    """The ranking key is a strict total order on distinct tokens (so the sorted order, and
    with it every top-k list, is unique). Wrong: the key without the index."""
    p = z3.Array("p", z3.IntSort(), z3.RealSort())
    a, b, c = z3.Ints("a b c")

    def less(x: Any, y: Any) -> Any:
        if wrong:
            return p[x] > p[y]
        return z3.Or(p[x] > p[y], z3.And(p[x] == p[y], x < y))

    return ([a != b], z3.And(z3.Or(less(a, b), less(b, a)), z3.Not(z3.And(less(a, b), less(b, a))),
                             z3.Implies(z3.And(less(a, b), less(b, c)), less(a, c))))


ROWS = ((1, 0, 0), (0, 1, 0), (0, 0, 1), ("1/2", "1/2", 0), (0, "1/2", "1/2"), ("1/3",) * 3,
        ("1/4", "1/4", "1/2"), ("1/2", "1/4", "1/4"), ("1/5", "2/5", "2/5"), (0, "1/3", "2/3"))
"""Rows of K=3 with zeros and every kind of tie, for the pointwise tie."""
POINTWISE_DOMAIN = ("K=3 rows " + ", ".join("(" + ", ".join(map(str, r)) + ")" for r in ROWS)
                    + "; every type of R1 (all k), every token of positive probability")


def _pointwise_tie() -> int:
    """`garble(o, (FullReport(a, p),)) == (o.report(p, a),)` on every row and type."""
    compared = 0
    for row in ROWS:
        dist = Distribution(row)
        for observation in root_start_types(len(row)):
            for a in sorted(dist.support()):
                assert garble(observation, (FullReport(a, dist),)) == (
                    observation.report(dist, a),), (observation.name, row, a)
                compared += 1
    return compared


# ---------------------------------------------------------------------------------------
# The coupling: the o oracle and the full oracle driven by the same chooser answers.


def _coupling_sorts() -> dict[str, Any]:
    prefix, dist = z3.DeclareSort("Prefix"), z3.DeclareSort("Dist")
    full, report = z3.DeclareSort("FullReport"), z3.DeclareSort("Report_o")
    ints = z3.IntSort()
    return {
        "prefix": prefix, "dist": dist,
        "row": z3.Function("row", prefix, dist),  # pi(.|v)
        "draw": z3.Function("draw", dist, ints, ints),  # the token of chooser answer c at p
        "ext": z3.Function("ext", prefix, ints, prefix),  # v·a
        "o": z3.Function("report_o", dist, ints, report),  # o.report(p, a)
        "full": z3.Function("full_report", ints, dist, full),  # FullReport(a, p)
        "g": z3.Function("g_o", full, report),  # the garbling of one step
    }


def _pointwise(f: dict[str, Any]) -> Any:
    p, a = z3.Const("p", f["dist"]), z3.Int("a")
    return z3.ForAll([p, a], f["g"](f["full"](a, p)) == f["o"](p, a))


def _coupling_base(wrong: bool) -> Formula:
    """Each root-start query starts both oracles at `()`. Wrong: the `o` oracle resumes
    where its previous query ended."""
    f = _coupling_sorts()
    root, v_o, v_f, last = (z3.Const(n, f["prefix"]) for n in ("root", "v_o", "v_f", "last"))
    a = z3.Int("a")
    return ([v_f == root, v_o == (f["ext"](last, a) if wrong else root)], v_o == v_f)


def _coupling_step(wrong: bool) -> Formula:
    """Same prefix and same chooser answer `c` => same token, same next prefix, and the `o`
    report is `g_o` of the full report. Wrong: the `o` oracle reads its own answer `c'`."""
    f = _coupling_sorts()
    v_o, v_f = z3.Const("v_o", f["prefix"]), z3.Const("v_f", f["prefix"])
    c, c2, a_o, a_f = z3.Ints("c c_other a_o a_f")
    hyps = [_pointwise(f), v_o == v_f,
            a_o == f["draw"](f["row"](v_o), c2 if wrong else c),
            a_f == f["draw"](f["row"](v_f), c)]
    return hyps, z3.And(f["ext"](v_o, a_o) == f["ext"](v_f, a_f),
                        f["o"](f["row"](v_o), a_o) == f["g"](f["full"](a_f, f["row"](v_f))))


COUPLING_GRIDS = ((Grid(2, 2), (1, 2)), (Grid(3, 1), (1, 2)), (Grid(3, 2, "depth-last"), (1,)))
COUPLING_DOMAIN = "; ".join(f"{describe((grid,))}, T in {set(T)}" for grid, T in COUPLING_GRIDS) \
    + "; every type of R1 (all k)"


def _coupling_tie() -> int:
    """The oracle's law of `T` root-start `o` answers is the canonical law pushed through
    `garble` (`is_R1_garbling`), on every generator of the grids."""
    compared = 0
    for grid, queries in COUPLING_GRIDS:
        for g in grid:
            for T in queries:
                canonical = root_start_law(g, Full(), T)
                for observation in root_start_types(grid.vocab_size):
                    assert is_R1_garbling(g, observation, T, canonical=canonical), (  # type: ignore[arg-type]
                        observation.name, T, g.table())
                    compared += 1
    return compared


# ---------------------------------------------------------------------------------------
# The proof.

PROOF = Proof((
    by_claim("R1.g1", "pi is a distribution on V^H, so the laws of root-start answers are "
             "probability laws", "G1"),
    by_definition("R1.canonical", "a root-start full answer is y ~ pi with pi(.|y_<t) shown at "
                  "every t: the canonical experiment", "genaccess.spec.observation.Full.report"),
    by_definition("R1.same_draw", "every deterministic type draws the step's token as "
                  "chooser.choose(p) and reports o.report(p, a)",
                  "genaccess.spec.observation.ObservationType.step"),
    by_definition("R1.plain_maps", "g_sample(a, p) = a, g_logprob(a, p) = (a, p(a)), "
                  "g_full = identity: the reports Sample, Logprob and Full build from (p, a)",
                  "genaccess.spec.garbling.STEP_GARBLINGS"),
    by_induction("R1.top1_scan", "g_top1 (keep a only on a strict improvement) returns the "
                 "key-minimum of (-p(a), a) over 0..K-1, i.e. ranking()[0] = Top1's argmax "
                 "(ties to the lower index), by induction on the scanned index j", "j",
                 base=validity("best_0 = 0 is the key-minimum of p[0..0]",
                               lambda: _scan_base(False), wrong="best_0 = 1",
                               build_wrong=lambda: _scan_base(True)),
                 step=validity("best key-minimum of p[0..j], best' = j+1 if p[j+1] > p[best] "
                               "else best => best' key-minimum of p[0..j+1]",
                               lambda: _scan_step(False),
                               wrong="p[j+1] >= p[best] (ties to the higher index)",
                               build_wrong=lambda: _scan_step(True)),
                 uses=("R1.plain_maps",),
                 tie=Tie("genaccess.spec.garbling.garble", POINTWISE_DOMAIN, _pointwise_tie)),
    by_z3("R1.key_total", "the ranking key (-p(a), a) is a strict total order on distinct "
          "tokens, so the order sorted() produces by it is unique",
          validity("a != b => exactly one of key(a) < key(b), key(b) < key(a); transitive",
                   lambda: _key_total(False), wrong="the key -p(a) alone (ties not ordered)",
                   build_wrong=lambda: _key_total(True))),
    by_definition("R1.topk_stable", "sorted() is stable, so g_topk's sort of enumerate(p) by "
                  "-p(a) orders equal probabilities by index: it is the sort by (-p(a), a) of "
                  "Distribution.ranking, and its first k entries are TopK's report",
                  "builtins.sorted", uses=("R1.key_total",)),
    by_definition("R1.pointwise", "for every type o of R1 and every step, g_o(FullReport(a, p)) "
                  "= o.report(p, a)", "genaccess.spec.garbling.garble",
                  uses=("R1.plain_maps", "R1.top1_scan", "R1.topk_stable")),
    by_induction("R1.coupling", "driven by the same chooser answers, the o oracle and the full "
                 "oracle visit the same prefixes, draw the same tokens, and the o report is "
                 "g_o(full report) at every step of every root-start query, by induction on "
                 "the step index n (uninterpreted rows, draws and reports)", "n",
                 base=validity("each query starts both at (): v^o_0 = v^f_0 = ()",
                               lambda: _coupling_base(False),
                               wrong="the o oracle resumes at its last prefix",
                               build_wrong=lambda: _coupling_base(True)),
                 step=validity("v^o_n = v^f_n, same chooser answer, g_o(full(a, p)) = "
                               "o(p, a) => v^o_{n+1} = v^f_{n+1}, report_o = g_o(report_full)",
                               lambda: _coupling_step(False),
                               wrong="the o oracle draws from its own chooser answer",
                               build_wrong=lambda: _coupling_step(True)),
                 uses=("R1.canonical", "R1.same_draw", "R1.pointwise"),
                 tie=Tie("genaccess.spec.garbling.is_R1_garbling", COUPLING_DOMAIN,
                         _coupling_tie)),
    by_definition("R1.pushforward", "the o answer is g_o of the canonical answer on every "
                  "branch of the chooser, so its law is the canonical law's image under g_o",
                  "genaccess.spec.garbling.pushforward", uses=("R1.g1", "R1.coupling")),
    by_axiom("R1.simulation", "R1: the law of T root-start o answers is the image under g_o "
             "(step by step) of the canonical law, so whatever a learner achieves with T "
             "root-start o queries, a learner with T canonical queries achieves (it applies "
             "g_o to its answers)", "data_processing", uses=("R1.pushforward",)),
))
"""R1: `g_o` matches each type at one step, the oracles couple step by step, hence the `o`
law is the canonical law's image and data processing gives the simulation."""
