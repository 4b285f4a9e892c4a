"""Proofs as data: a claim's argument as an ordered list of steps, each discharged by a
machine, by a named axiom, by a definition, by another claim, or left open on a bounded
domain.

A step says what it claims (in the notation of docs/theory.md), what it uses (earlier steps,
axioms, claims) and how it is discharged:

- `Method.SYMPY` / `Method.Z3`: one `Goal`, an identity or validity over symbolic
  parameters with their ranges. A goal carries its deliberately wrong variant, which the
  machine must refute with a counterexample (the power of the step);
- `Method.INDUCTION`: a base goal and a step goal in the induction variable, both symbolic;
- `Method.AXIOM`: a textbook fact from the one list in `genaccess.spec.axioms`;
- `Method.DEFINITION`: holds by the construction it names (a dotted path to the code);
- `Method.CLAIM`: another registered claim's statement (it must be in the claim's `uses`);
- `Method.BOUNDED`: checked only on a finite domain; the step is *open*, with its domain and
  the reason no symbolic proof is given.

A step about a quantity the spec computes carries a `Tie`: the step's expression evaluated
against that function on every instance of a small domain, so proof and code cannot drift.

Status is derived, never stored (`proof_status`): a claim is *proved* when its proof has no
open step and every claim it uses is proved, *bounded* when it has a proof with an open step
somewhere below it, *stated* when it has no proof. Discharging the goals is the job of the
claim's `<ID>_proof` check (`genaccess.proofs.discharge`), which `pytest spec/` runs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import Enum
from typing import Any

import attrs


class Method(Enum):
    SYMPY = "sympy identity"
    Z3 = "z3 validity"
    INDUCTION = "induction"
    AXIOM = "axiom"
    DEFINITION = "definition"
    CLAIM = "claim"
    BOUNDED = "bounded check (open)"


class Verdict(Enum):
    PROVED = "proved"
    REFUTED = "refuted"
    UNKNOWN = "unknown"


@attrs.frozen
class Outcome:
    """A machine's verdict on one goal (or its wrong variant), with a counterexample when
    it refutes."""

    verdict: Verdict
    detail: str = ""
    counterexample: Mapping[str, str] | None = None


@attrs.frozen
class Goal:
    """A symbolic obligation: `prove()` must return PROVED; `refute()` decides the stated
    wrong variant and must return REFUTED with a counterexample."""

    formula: str
    wrong: str
    prove: Callable[[], Outcome] = attrs.field(eq=False, repr=False)
    refute: Callable[[], Outcome] = attrs.field(eq=False, repr=False)


@attrs.frozen
class Axiom:
    """A textbook fact the proofs rest on, stated exactly, with where to read its proof."""

    id: str
    name: str
    statement: str
    reference: str


@attrs.frozen
class Tie:
    """A step's expression against the spec function computing the same quantity: `run()`
    compares them on every instance of `domain` and returns how many it compared."""

    code: str  # dotted path of the spec function
    domain: str
    run: Callable[[], int] = attrs.field(eq=False, repr=False)


def _step_id(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not value or any(c.isspace() for c in value):
        raise ValueError(f"{attribute.name}: a step ID is one word, got {value!r}")


@attrs.frozen
class Step:
    """One step of a proof. Build it with `by_sympy`, `by_z3`, `by_induction`, `by_axiom`,
    `by_definition`, `by_claim` or `bounded`."""

    id: str = attrs.field(validator=_step_id)
    statement: str
    method: Method
    uses: tuple[str, ...] = ()
    goals: tuple[Goal, ...] = ()
    variable: str = ""  # INDUCTION: the induction variable
    target: str = ""  # AXIOM: axiom ID; DEFINITION: dotted path; CLAIM: claim ID
    domain: str = ""  # BOUNDED: the finite domain checked
    reason: str = ""  # BOUNDED: why no symbolic proof is given
    check: Callable[[], int] | None = attrs.field(default=None, eq=False, repr=False)
    tie: Tie | None = None

    @property
    def is_open(self) -> bool:
        return self.method is Method.BOUNDED


def by_sympy(id: str, statement: str, goal: Goal, *, uses: tuple[str, ...] = (),
             tie: Tie | None = None) -> Step:
    return Step(id, statement, Method.SYMPY, uses, (goal,), tie=tie)


def by_z3(id: str, statement: str, goal: Goal, *, uses: tuple[str, ...] = (),
          tie: Tie | None = None) -> Step:
    return Step(id, statement, Method.Z3, uses, (goal,), tie=tie)


def by_induction(id: str, statement: str, variable: str, base: Goal, step: Goal, *,
                 uses: tuple[str, ...] = (), tie: Tie | None = None) -> Step:
    """Induction on `variable`: `base` at its least value, `step` from `n` to `n + 1`."""
    return Step(id, statement, Method.INDUCTION, uses, (base, step), variable=variable, tie=tie)


def by_axiom(id: str, statement: str, axiom: str, *, uses: tuple[str, ...] = ()) -> Step:
    return Step(id, statement, Method.AXIOM, uses, target=axiom)


def by_definition(id: str, statement: str, code: str, *, uses: tuple[str, ...] = ()) -> Step:
    return Step(id, statement, Method.DEFINITION, uses, target=code)


def by_claim(id: str, statement: str, claim_id: str) -> Step:
    return Step(id, statement, Method.CLAIM, target=claim_id)


def bounded(id: str, statement: str, *, domain: str, reason: str, check: Callable[[], int],
            uses: tuple[str, ...] = ()) -> Step:
    """An open step: checked on `domain` only, for `reason`."""
    return Step(id, statement, Method.BOUNDED, uses, domain=domain, reason=reason,
                check=check)


def _well_formed(instance: Proof, attribute: attrs.Attribute[Any],
                 steps: tuple[Step, ...]) -> None:
    if not steps:
        raise ValueError("steps: a proof has at least one step")
    seen: set[str] = set()
    for step in steps:
        if step.id in seen:
            raise ValueError(f"steps: {step.id} appears twice")
        for used in step.uses:
            if used not in seen:
                raise ValueError(f"steps: {step.id} uses {used}, not an earlier step "
                                 "(axioms and claims enter through their own steps)")
        seen.add(step.id)


@attrs.frozen
class Proof:
    """A claim's proof: ordered steps; a step uses only steps before it. The last step is
    the claim's statement."""

    steps: tuple[Step, ...] = attrs.field(validator=_well_formed)

    def axioms(self) -> tuple[str, ...]:
        """The axiom IDs its steps rest on directly."""
        return tuple(dict.fromkeys(s.target for s in self.steps if s.method is Method.AXIOM))

    def claims(self) -> tuple[str, ...]:
        """The claim IDs its steps use."""
        return tuple(dict.fromkeys(s.target for s in self.steps if s.method is Method.CLAIM))

    def open_steps(self) -> tuple[Step, ...]:
        return tuple(s for s in self.steps if s.is_open)


class ProofStatus(Enum):
    PROVED = "proved"
    BOUNDED = "bounded"
    STATED = "stated"


@attrs.frozen
class OpenStep:
    """A step that keeps a claim from being proved for all parameters."""

    claim_id: str
    step_id: str
    domain: str
    reason: str


@attrs.frozen
class ClaimProofState:
    """What a claim's proof rests on, through the claims it uses."""

    claim_id: str
    status: ProofStatus
    axioms: tuple[str, ...]  # transitively, sorted
    open_steps: tuple[OpenStep, ...]  # its own, then those of the claims it uses


def proof_status(claim_id: str, proofs: Mapping[str, Proof | None],
                 failed: frozenset[str] = frozenset()) -> ClaimProofState:
    """Derive a claim's status: *proved* (no open step, every used claim proved),
    *bounded* (a proof, with an open step in it or in a claim below it, or a used claim
    without a proof), *stated* (no proof, or a proof whose `<ID>_proof` check did not pass
    in a run: the IDs in `failed`)."""
    proof = proofs[claim_id]
    if proof is None or claim_id in failed:
        return ClaimProofState(claim_id, ProofStatus.STATED, (), ())
    axioms = set(proof.axioms())
    opened = [OpenStep(claim_id, s.id, s.domain, s.reason) for s in proof.open_steps()]
    for step in proof.steps:
        if step.method is not Method.CLAIM:
            continue
        below = proof_status(step.target, proofs, failed)
        axioms |= set(below.axioms)
        if below.status is ProofStatus.STATED:
            opened.append(OpenStep(claim_id, step.id, "",
                                   f"uses {step.target}, which has no proof yet"))
        opened += [o for o in below.open_steps if o not in opened]
    status = ProofStatus.BOUNDED if opened else ProofStatus.PROVED
    return ClaimProofState(claim_id, status, tuple(sorted(axioms)), tuple(opened))
