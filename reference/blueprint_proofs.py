"""The blueprint's proof sections: each claim's steps with their method, and the trust base
as the axioms each claim rests on (derived by `genaccess.spec.proof.proof_status`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from genaccess.spec.axioms import AXIOM_IDS
from genaccess.spec.proof import Method, ProofStatus, Step, proof_status
from genaccess.spec.registry import Claim


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _how(step: Step) -> str:
    if step.method is Method.AXIOM:
        return f"axiom `{step.target}`"
    if step.method is Method.DEFINITION:
        return f"definition `{step.target}`"
    if step.method is Method.CLAIM:
        return f"claim {step.target}"
    if step.method is Method.BOUNDED:
        return f"open: checked on {step.domain} ({step.reason})"
    goals = "; ".join(f"`{g.formula}` (wrong variant refuted: {g.wrong})" for g in step.goals)
    induction = f" on `{step.variable}`" if step.method is Method.INDUCTION else ""
    return f"{step.method.value}{induction}: {goals}"


def proof_lines(claim: Claim, claims: Sequence[Claim], failed: frozenset[str] = frozenset()
                ) -> list[str]:
    """A claim's proof as a table of steps, with its derived status and axioms (`failed`:
    the claims whose `<ID>_proof` check did not pass in this run)."""
    if claim.proof is None:
        return ["", "- Proof: none yet (status: stated); see the checks above"]
    state = proof_status(claim.id, {c.id: c.proof for c in claims}, failed)
    if claim.id in failed:
        return ["", f"- Proof: **stated**: its check {claim.id}_proof did not pass in this run"]
    lines = ["", f"- Proof: **{state.status.value}**; rests on "
             f"{', '.join(f'`{a}`' for a in state.axioms) or 'no axiom'}",
             "", "| Step | Statement | Uses | Discharged by | Tied to code |",
             "|---|---|---|---|---|"]
    for step in claim.proof.steps:
        tie = f"`{step.tie.code}` on {_cell(step.tie.domain)}" if step.tie else ""
        lines.append(f"| {step.id} | {_cell(step.statement)} | {', '.join(step.uses)} | "
                     f"{_cell(_how(step))} | {tie} |")
    return lines


def trust_base_lines(claims: Sequence[Claim], anchor: Callable[[Claim], str],
                     failed: frozenset[str] = frozenset()) -> list[str]:
    """Per status, the claims and what they rest on; then every axiom used, stated."""
    proofs = {c.id: c.proof for c in claims}
    states = {c.id: proof_status(c.id, proofs, failed) for c in claims}
    out = ["### Proofs", "",
           "A claim is *proved for all parameters* when every step of its proof is discharged "
           "symbolically (sympy, z3, induction), by a listed axiom or by a definition, and "
           "every claim it uses is proved; *proved to a bound* when a step is only checked "
           "on a finite domain; *stated* when it has no proof yet. `genaccess axioms` prints "
           "the same.", ""]
    for status in ProofStatus:
        chosen = [c for c in claims if states[c.id].status is status]
        out.append(f"- {status.value} ({len(chosen)}): " + (", ".join(
            f"[{c.id}](#{anchor(c)})" for c in chosen) or "none"))
    out += ["", "Open steps:", ""]
    opened = [o for s in states.values() for o in s.open_steps if o.claim_id == s.claim_id]
    out += [f"- {o.claim_id} `{o.step_id}`: {o.domain or '-'}: {o.reason}" for o in opened] \
        or ["- none"]
    used = sorted({a for s in states.values() for a in s.axioms})
    out += ["", "### Axioms", "",
            "The textbook facts the proofs rest on (`genaccess.spec.axioms`), and the claims "
            "resting on each:", ""]
    for axiom_id in used:
        axiom = AXIOM_IDS[axiom_id]
        users = ", ".join(c.id for c in claims if axiom_id in states[c.id].axioms)
        out.append(f"- `{axiom_id}` ({axiom.name}): {axiom.statement} Reference: "
                   f"{axiom.reference}. Used by: {users}.")
    if not used:
        out.append("- none used yet")
    return out
