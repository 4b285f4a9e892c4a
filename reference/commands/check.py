"""`genaccess check [ID ...] [--json]`: run the registered checks of every (or the given)
claim; one line per claim; exit 0 only if every check passes."""

from __future__ import annotations

import argparse
import json
import os
from typing import Any

from genaccess.reference.commands.arguments import usage_error
from genaccess.spec.registry import CheckKind, CheckResult, Registry, Status, run_check


def register(sub: Any) -> None:
    parser = sub.add_parser("check", help="run the claim checks (all, or the given IDs)",
                            description=__doc__)
    parser.add_argument("ids", nargs="*", metavar="ID",
                        help="claim IDs, any case, e.g. G1 lr (default: all)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--profile", default=None,
                        help="hypothesis profile: ci, dev or thorough "
                        "(default: $HYPOTHESIS_PROFILE, else dev)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    profile = profile_option(args.profile)
    REGISTRY = registry()
    by_upper = {i.upper(): i for i in REGISTRY.ids}  # `hp1` names HP1
    unknown = [i for i in args.ids if i.upper() not in by_upper]
    if unknown:
        raise usage_error("ID", f"must be claim IDs (any case) among {', '.join(REGISTRY.ids)}",
                          " ".join(unknown))
    ids = [by_upper[i.upper()] for i in args.ids]
    chosen = [REGISTRY[i] for i in dict.fromkeys(ids)] if ids else list(REGISTRY)
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


def profile_option(name: str | None, option: str = "--profile") -> str:
    """Load the hypothesis profile `name` (else $HYPOTHESIS_PROFILE, else dev); a bad value is
    blamed on what the user set: the flag, or the environment variable."""
    from genaccess.spec.profiles import PROFILES, load_profile

    source, chosen = (option, name) if name is not None else (
        "HYPOTHESIS_PROFILE", os.environ.get("HYPOTHESIS_PROFILE", "dev"))
    if chosen not in PROFILES:
        raise usage_error(source, f"must be one of {', '.join(PROFILES)}", chosen)
    return load_profile(chosen)


def registry() -> Registry:
    """The claim registry, imported here, not at start-up: it pulls in hypothesis, sympy and
    z3, which `genaccess --help` and every other command would otherwise pay for."""
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
