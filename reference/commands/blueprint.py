"""`genaccess blueprint [--check]`: regenerate `docs/blueprint.md` from the claim registry and
one fresh run of every check; with `--check`, write nothing and exit 1 if the registry is
inconsistent, a check fails, or the committed blueprint differs from what would be generated."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from genaccess.reference.blueprint import (
    BLUEPRINT,
    blueprint_problems,
    count_links,
    generate,
    repository_root,
    run_checks,
    structural_problems,
)
from genaccess.spec.claims import REGISTRY
from genaccess.spec.profiles import load_profile


def register(sub: Any) -> None:
    parser = sub.add_parser("blueprint", help="regenerate (or --check) docs/blueprint.md",
                            description=__doc__)
    parser.add_argument("--check", action="store_true",
                        help="verify instead of writing; exit 1 on any problem")
    parser.add_argument("--output", type=Path, default=None,
                        help=f"where to write (default: <repository>/{BLUEPRINT.as_posix()})")
    parser.add_argument("--profile", default="ci",
                        help="hypothesis profile for the run: ci (default: derandomised, so "
                        "the file is reproducible), dev or thorough")
    parser.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from genaccess.reference.cli import UsageError

    try:
        load_profile(args.profile)
    except ValueError as err:
        raise UsageError(str(err)) from None
    root = repository_root()
    claims = REGISTRY.claims

    def progress(line: str) -> None:
        if not args.quiet:
            print(f"  {line}", file=sys.stderr)

    if args.check:
        report = blueprint_problems(claims, root, run=lambda c: run_checks(c, progress),
                                    path=args.output)
        for problem in report.problems:
            print(f"genaccess blueprint --check: {problem}", file=sys.stderr)
        if report.problems:
            return 1
        print(f"{BLUEPRINT.as_posix()} is up to date: {len(claims)} claims, "
              f"{sum(len(c.checks) for c in claims)} checks, all passed")
        return 0
    problems = structural_problems(claims)
    if problems:
        for problem in problems:
            print(f"genaccess blueprint: {problem}", file=sys.stderr)
        return 1
    results = run_checks(claims, progress)
    text = generate(claims, results, root)
    target = args.output or root / BLUEPRINT
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    failed = sum(1 for status in results.values() if status.value != "passed")
    print(f"wrote {target}: {len(claims)} claims, {len(results)} checks "
          f"({failed} not passed), {count_links(text)} links to code")
    return 0 if failed == 0 else 1
