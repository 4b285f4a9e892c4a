"""`genaccess axioms [ID ...] [--json]`: per claim, whether its proof holds for every
parameter, the axioms it rests on (through the claims it uses) and its open steps.

The status is derived from the proofs' structure (`genaccess.spec.proof.proof_status`);
that every step's goals are actually discharged is what `genaccess check ID` (the
`<ID>_proof` check) verifies."""

from __future__ import annotations

import argparse
import json
from typing import Any

from genaccess.reference.commands.arguments import usage_error
from genaccess.reference.commands.check import registry
from genaccess.spec.axioms import AXIOM_IDS
from genaccess.spec.proof import ClaimProofState, proof_status


def register(sub: Any) -> None:
    parser = sub.add_parser("axioms", help="what each claim's proof rests on",
                            description=__doc__)
    parser.add_argument("ids", nargs="*", metavar="ID",
                        help="claim IDs, any case (default: all)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.set_defaults(run=run)


def states(ids: list[str] | None = None) -> list[ClaimProofState]:
    """The derived proof state of the given claims (default: all), in registry order."""
    REGISTRY = registry()
    proofs = {c.id: c.proof for c in REGISTRY}
    chosen = ids if ids else list(REGISTRY.ids)
    return [proof_status(i, proofs) for i in chosen]


def run(args: argparse.Namespace) -> int:
    known = registry().ids
    by_upper = {i.upper(): i for i in known}
    unknown = [i for i in args.ids if i.upper() not in by_upper]
    if unknown:
        raise usage_error("ID", f"must be claim IDs (any case) among {', '.join(known)}",
                          " ".join(unknown))
    found = states(list(dict.fromkeys(by_upper[i.upper()] for i in args.ids)))
    if args.json:
        print(json.dumps({"claims": [_entry(s) for s in found]}, indent=2))
        return 0
    for s in found:
        print(f"{s.claim_id:<9} {s.status.value:<8} axioms: {', '.join(s.axioms) or '-'}")
        for o in s.open_steps:
            where = f" on {o.domain}" if o.domain else ""
            print(f"          open {o.claim_id}:{o.step_id}{where}: {o.reason}")
    used = sorted({a for s in found for a in s.axioms})
    if used:
        print("\naxioms used:")
        for a in used:
            print(f"  {a}: {AXIOM_IDS[a].statement}")
    return 0


def _entry(state: ClaimProofState) -> dict[str, Any]:
    return {"id": state.claim_id, "status": state.status.value, "axioms": list(state.axioms),
            "open_steps": [{"id": f"{o.claim_id}:{o.step_id}", "domain": o.domain,
                            "reason": o.reason} for o in state.open_steps]}
