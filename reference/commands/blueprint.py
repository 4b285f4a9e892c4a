"""`genaccess blueprint [--check]`: regenerate `docs/blueprint.md` from the claim registry and
one fresh run of every check; with `--check`, write nothing and exit 1 if the registry is
inconsistent, a check fails, or the committed blueprint differs from what would be generated.

The repository is --root, else the genaccess checkout holding the working directory, else
the checkout an editable install runs from; with none of them (`pip install .` run outside
the checkout) the command stops at once, before running any check."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from genaccess.reference.commands.arguments import UsageError, usage_error

BLUEPRINT_PATH = "docs/blueprint.md"


def register(sub: Any) -> None:
    parser = sub.add_parser("blueprint", help="regenerate (or --check) docs/blueprint.md",
                            description=__doc__)
    parser.add_argument("--check", action="store_true",
                        help="verify instead of writing; exit 1 on any problem")
    parser.add_argument("--root", type=Path, default=None, metavar="DIR",
                        help="the genaccess checkout (default: the one holding the working "
                        "directory)")
    parser.add_argument("--output", type=Path, default=None,
                        help=f"where to write (default: <repository>/{BLUEPRINT_PATH})")
    parser.add_argument("--profile", default="ci",
                        help="hypothesis profile for the run: ci (default: derandomised, so "
                        "the file is reproducible), dev or thorough")
    parser.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    parser.set_defaults(run=run)


def checkout(root: Path | None) -> Path:
    """The repository the blueprint belongs to (see the module docstring), or `UsageError`."""
    from genaccess.reference.blueprint import find_checkout, is_checkout, repository_root

    if root is not None:
        if not is_checkout(root):
            raise usage_error("--root", "must be a genaccess checkout (a pyproject.toml "
                              "naming genaccess, and docs/)", str(root))
        return root.resolve()
    found = find_checkout(Path.cwd())
    if found is not None:
        return found
    installed = repository_root()
    if is_checkout(installed):
        return installed
    raise UsageError(f"no genaccess checkout in {Path.cwd()} or above, and the package is not "
                     "an editable install: run inside the repository or pass --root DIR")


def run(args: argparse.Namespace) -> int:
    from genaccess.reference.commands.check import profile_option

    profile_option(args.profile)
    root = checkout(args.root)

    from genaccess.reference.blueprint import (
        BLUEPRINT,
        blueprint_problems,
        count_links,
        generate,
        run_checks,
        structural_problems,
    )
    from genaccess.spec.claims import REGISTRY

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
