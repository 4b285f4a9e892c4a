"""`genaccess check [ID ...] [--json]`: run the registered checks of every (or the given)
claim; one line per claim; exit 0 only if every check passes."""

from __future__ import annotations

import argparse
import json
from typing import Any

from genaccess.spec.registry import CheckKind, CheckResult, Registry, Status, run_check


def register(sub: Any) -> None:
    parser = sub.add_parser("check", help="run the claim checks (all, or the given IDs)",
                            description=__doc__)
    parser.add_argument("ids", nargs="*", metavar="ID", help="claim IDs, e.g. G1 LR (default: all)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--profile", default=None,
                        help="hypothesis profile: ci, dev or thorough "
                        "(default: $HYPOTHESIS_PROFILE, else dev)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from genaccess.reference.cli import UsageError
    from genaccess.spec.profiles import load_profile

    # Imported here, not at module level: the registry pulls in hypothesis, sympy and z3,
    # which every other command would otherwise pay for at start-up.
    REGISTRY = registry()

    unknown = [i for i in args.ids if i not in REGISTRY.ids]
    if unknown:
        raise UsageError(f"unknown claim ID(s) {', '.join(unknown)}; known: "
                         f"{', '.join(REGISTRY.ids)}")
    try:
        profile = load_profile(args.profile)
    except ValueError as err:
        raise UsageError(str(err)) from None
    chosen = [REGISTRY[i] for i in dict.fromkeys(args.ids)] if args.ids else list(REGISTRY)
    report: list[dict[str, Any]] = []
    for claim in chosen:
        results = [run_check(claim.id, check) for check in claim.checks]
        entry = _claim_entry(claim.id, claim.title, results)
        report.append(entry)
        if not args.json:
            _print_line(entry, results)
    ok = all(e["status"] == "passed" for e in report)
    if args.json:
        print(json.dumps({"profile": profile, "passed": ok, "claims": report}, indent=2))
    return 0 if ok else 1


def registry() -> Registry:
    """The claim registry (imported lazily)."""
    from genaccess.spec.claims import REGISTRY

    return REGISTRY


def _claim_entry(claim_id: str, title: str, results: list[CheckResult]) -> dict[str, Any]:
    status = "passed" if all(r.status is Status.PASSED for r in results) else "failed"
    return {
        "id": claim_id,
        "title": title,
        "status": status,
        "seconds": round(sum(r.seconds for r in results), 3),
        "exhaustive_domain": [r.check.domain for r in results
                              if r.check.kind is CheckKind.EXHAUSTIVE],
        "checks": [
            {
                "name": r.check.name,
                "kind": r.check.kind.value,
                "domain": r.check.domain,
                "status": r.status.value,
                "seconds": round(r.seconds, 3),
                "instances": None if r.outcome is None else r.outcome.instances,
                "detail": r.message if r.outcome is None else r.outcome.detail,
            }
            for r in results
        ],
    }


def _print_line(entry: dict[str, Any], results: list[CheckResult]) -> None:
    domain = " | ".join(entry["exhaustive_domain"]) or "-"
    print(f"{entry['id']:<8} {entry['status'].upper():<7} {entry['seconds']:>7.2f}s  "
          f"{entry['title']}")
    print(f"         exhaustive: {domain}")
    for r in results:
        if r.status is not Status.PASSED:
            print(f"         {r.check.name}: {r.status.value}: {r.message}")
