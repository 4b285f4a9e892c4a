"""Discharging proof steps by machine: sympy identities and z3 validities over symbolic
parameters, each with a deliberately wrong variant the machine must refute.

`identity(...)` and `validity(...)` build the `Goal`s of `genaccess.spec.proof`;
`proof_check(claim_id, proof)` is the registered check that discharges a whole proof: every
goal proved, every wrong variant refuted with a counterexample, every axiom known, every
definition resolving to code, every tie to the spec's code holding on its domain, and every
open step's bounded check passing.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import sympy

from genaccess.proofs.result import ProofStatus, prove
from genaccess.spec.axioms import AXIOM_IDS
from genaccess.spec.proof import Goal, Method, Outcome, Proof, Verdict
from genaccess.spec.registry import Check, CheckKind, CheckOutcome, resolve

Points = Mapping[sympy.Symbol, Sequence[Any]]
"""For refutation: the values each symbol ranges over (inside its stated range)."""


def _is_zero(expr: sympy.Expr) -> bool:
    """Whether sympy decides `expr == 0` identically (no numeric guess)."""
    simplified = sympy.simplify(sympy.expand(expr.doit()))
    return bool(simplified == 0)


def _evaluate(expr: sympy.Expr, at: Mapping[Any, Any]) -> sympy.Expr:
    """`expr` at a point: symbols first (so sums get their bounds), then functions
    (undefined functions mapped to `Lambda`s), exactly."""
    functions = {f: v for f, v in at.items() if isinstance(v, sympy.Lambda)}
    values = {s: v for s, v in at.items() if s not in functions}
    out = expr.subs(values).doit()
    for f, v in functions.items():
        out = out.subs(f, v).doit()
    return sympy.simplify(out)


def _counterexample(lhs: sympy.Expr, rhs: sympy.Expr, points: Points
                    ) -> dict[str, str] | None:
    """The first point of `points` where `lhs != rhs`, evaluated exactly."""
    symbols = list(points)
    for values in itertools.product(*(points[s] for s in symbols)):
        at = dict(zip(symbols, values, strict=True))
        left, right = _evaluate(lhs, at), _evaluate(rhs, at)
        if sympy.simplify(left - right) != 0:
            return {**{str(s): str(v) for s, v in at.items()},
                    "lhs": str(left), "rhs": str(right)}
    return None


def identity(formula: str, lhs: sympy.Expr, rhs: sympy.Expr, *, wrong: str,
             wrong_rhs: sympy.Expr, points: Points) -> Goal:
    """`lhs == rhs` for every value of its symbols (sympy simplifies `lhs - rhs` to 0);
    the wrong variant `lhs == wrong_rhs` is refuted at a point of `points`."""

    def proved() -> Outcome:
        if _is_zero(lhs - rhs):
            return Outcome(Verdict.PROVED, "sympy simplifies lhs - rhs to 0")
        return Outcome(Verdict.UNKNOWN, f"sympy leaves {sympy.simplify(lhs - rhs)}")

    def refuted() -> Outcome:
        witness = _counterexample(lhs, wrong_rhs, points)
        if witness is None:
            return Outcome(Verdict.UNKNOWN, "no counterexample among the points")
        return Outcome(Verdict.REFUTED, "lhs != wrong rhs", witness)

    return Goal(formula, wrong, proved, refuted)


Formula = Callable[[], tuple[Iterable[Any], Any]]
"""Builds `(hypotheses, conclusion)` as z3 terms (fresh at each call)."""


def _z3(formula: Formula, label: str) -> Outcome:
    hypotheses, conclusion = formula()
    result = prove(label, label, conclusion, hypotheses=tuple(hypotheses))
    verdict = {ProofStatus.PROVED: Verdict.PROVED, ProofStatus.REFUTED: Verdict.REFUTED,
               ProofStatus.UNKNOWN: Verdict.UNKNOWN}[result.status]
    return Outcome(verdict, result.reason or f"z3 in {result.seconds:.2f}s",
                   result.counterexample)


def validity(formula: str, build: Formula, *, wrong: str, build_wrong: Formula) -> Goal:
    """`hypotheses => conclusion` is valid (z3 refutes its negation over the symbols'
    stated ranges); the wrong variant has a z3 counterexample."""
    return Goal(formula, wrong, lambda: _z3(build, formula), lambda: _z3(build_wrong, wrong))


def discharge(proof: Proof) -> tuple[int, list[str]]:
    """Every obligation of `proof`: how many were decided, and what failed."""
    decided = 0
    failures: list[str] = []
    for step in proof.steps:
        for goal in step.goals:
            outcome = goal.prove()
            if outcome.verdict is not Verdict.PROVED:
                failures.append(f"{step.id}: {goal.formula}: {outcome.verdict.value} "
                                f"({outcome.detail})")
            wrong = goal.refute()
            if wrong.verdict is not Verdict.REFUTED or wrong.counterexample is None:
                failures.append(f"{step.id}: the wrong variant {goal.wrong} was not refuted "
                                f"({wrong.verdict.value}: {wrong.detail})")
            decided += 2
        if step.method is Method.AXIOM and step.target not in AXIOM_IDS:
            failures.append(f"{step.id}: unknown axiom {step.target!r}")
        if step.method is Method.DEFINITION:
            try:
                resolve(step.target)
            except (ImportError, AttributeError) as err:
                failures.append(f"{step.id}: definition {step.target} does not resolve ({err})")
        if step.method in (Method.SYMPY, Method.Z3) and len(step.goals) != 1:
            failures.append(f"{step.id}: a {step.method.value} step has one goal")
        if step.method is Method.INDUCTION and len(step.goals) != 2:
            failures.append(f"{step.id}: an induction has a base and a step")
        for extra, what in ((step.tie.run if step.tie else None, "tie to the code"),
                            (step.check, "bounded check")):
            if extra is None:
                continue
            compared = extra()
            if compared < 1:
                failures.append(f"{step.id}: its {what} decided no instance")
            decided += compared
    return decided, failures


def proof_check(claim_id: str, proof: Proof) -> Check:
    """The check `<ID>_proof`: discharge every step (see `discharge`)."""

    def run() -> CheckOutcome:
        decided, failures = discharge(proof)
        assert not failures, "; ".join(failures)
        goals = sum(len(s.goals) for s in proof.steps)
        return CheckOutcome(decided, f"{len(proof.steps)} steps, {goals} symbolic goals "
                            "proved and their wrong variants refuted")

    methods = sorted({s.method.value for s in proof.steps})
    return Check(f"{claim_id}_proof", CheckKind.SYMBOLIC,
                 f"{len(proof.steps)} proof steps ({', '.join(methods)}); symbolic "
                 "parameters over their stated ranges; each symbolic goal's wrong variant "
                 "refuted", run)
