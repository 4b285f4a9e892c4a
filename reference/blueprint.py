"""The blueprint: `docs/blueprint.md`, generated from the claim registry and one run of its
checks, and the consistency rules `genaccess blueprint --check` enforces.

What a section of the blueprint holds, per claim: its ID and title, its source (the paper's
claim or the project's formalisation), its statement, the claims it uses, its predicates and
reference code as links to file and line, the tests that name it, and every check with its
kind, its stated domain and its status in this run. Then a status table, a dependency graph
coloured by derived status (stated / checked / checked with every ancestor, as in Lean
blueprints), and the trust base: which claims have a part proved for every parameter
(symbolic or solver checks) and which are checked only up to a stated bound.

Nothing in the generated file depends on the machine or on timing (links are relative, no
durations, no instance counts, which vary with the hypothesis profile), so regenerating from
the same registry with the same results gives the same bytes and `--check` is stable.
"""

from __future__ import annotations

import ast
import inspect
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from enum import Enum
from pathlib import Path
from typing import Any

import attrs

from genaccess.reference.blueprint_proofs import proof_lines, trust_base_lines
from genaccess.spec.registry import (
    CheckKind,
    Claim,
    Status,
    registry_problems,
    resolve,
    run_check,
)

BLUEPRINT = Path("docs") / "blueprint.md"
"""Where the blueprint lives, relative to the repository root."""

Results = Mapping[tuple[str, str], Status]
"""`(claim ID, check name) -> status` of one run of the checks."""

ID_PREFIX = re.compile(r"[A-Z][A-Z0-9]*")


PACKAGE_FOLDERS = {"genaccess.spec": "spec", "genaccess.reference": "reference",
                   "genaccess.proofs": "proofs"}
"""Where each installed package lives in a checkout (pyproject.toml's `package-dir`)."""

_PROJECT_NAME = re.compile(r'^name\s*=\s*"genaccess"\s*$', re.MULTILINE)


def is_checkout(folder: Path) -> bool:
    """`folder` is a genaccess checkout: a pyproject.toml naming genaccess, and docs/."""
    pyproject = folder / "pyproject.toml"
    if not (pyproject.is_file() and (folder / "docs").is_dir()):
        return False
    try:
        return bool(_PROJECT_NAME.search(pyproject.read_text(encoding="utf-8")))
    except OSError:
        return False


def find_checkout(start: Path) -> Path | None:
    """The innermost genaccess checkout holding `start` (`start` itself or an ancestor)."""
    here = start.resolve()
    for folder in (here, *here.parents):
        if is_checkout(folder):
            return folder
    return None


def repository_root() -> Path:
    """The checkout the installed package runs from under an editable install (`spec/` and
    `reference/` live there); under `pip install .` this is site-packages, not a checkout:
    use `find_checkout` and `is_checkout` to tell."""
    import genaccess.spec

    return Path(inspect.getsourcefile(genaccess.spec) or "").resolve().parent.parent


class DerivedStatus(Enum):
    """A claim's status, derived from this run, never written by hand."""

    STATED = "stated"  # registered, but some check of its own did not pass
    CHECKED = "checked"  # every check of its own passed
    FULLY_CHECKED = "checked with all ancestors"  # and so did every check of every ancestor


@attrs.frozen
class Link:
    """A named piece of code and where it is: a path relative to the root, and a line."""

    name: str
    path: str
    line: int

    def markdown(self, base: str = "..") -> str:
        return f"[`{self.name}`]({base}/{self.path}#L{self.line})"


def locate(obj: Any, root: Path, name: str | None = None) -> Link:
    """The file and first line of `obj`'s source, relative to `root`."""
    target = inspect.unwrap(obj)
    source = inspect.getsourcefile(target)
    if source is None:
        raise ValueError(f"{name or obj!r}: no source file")
    _, line = inspect.getsourcelines(target)
    resolved = Path(source).resolve()
    if resolved.is_relative_to(root.resolve()):
        path = resolved.relative_to(root.resolve()).as_posix()
    else:
        # A non-editable install runs the code from site-packages: name the file where it
        # lives in the checkout instead (the installed copy of the same source).
        path = _checkout_path(target.__module__, resolved)
    label = name or f"{target.__module__}.{target.__qualname__}"
    return Link(label, path, max(line, 1))


def _checkout_path(module: str, source: Path) -> str:
    for package, folder in PACKAGE_FOLDERS.items():
        if module == package or module.startswith(package + "."):
            inner = module[len(package):].lstrip(".").split(".")
            parts = [folder, *inner[:-1]] if inner != [""] else [folder]
            if source.stem == "__init__" and inner != [""]:
                parts = [folder, *inner]
            return "/".join([*parts, source.name])
    raise ValueError(f"{module}: not part of the genaccess packages")


def find_tests(claim_ids: Sequence[str], root: Path) -> dict[str, list[Link]]:
    """Test functions under `tests/` whose names carry a claim ID as a word
    (`test_HP2_query_count`, `test_noisy_NOISY1_...`), per ID."""
    found: dict[str, list[Link]] = {i: [] for i in claim_ids}
    words = {i: re.compile(rf"(^|_){re.escape(i)}(_|$)") for i in claim_ids}
    for path in sorted((root / "tests").glob("test_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and \
                    node.name.startswith("test_"):
                for claim_id, word in words.items():
                    if word.search(node.name):
                        found[claim_id].append(Link(node.name,
                                                    path.relative_to(root).as_posix(),
                                                    node.lineno))
    for links in found.values():
        links.sort(key=lambda link: (link.path, link.line))
    return found


# ---------------------------------------------------------------------------------------
# Consistency rules ("checkdecls" plus the blueprint's own)


def check_name_problems(claims: Sequence[Claim]) -> list[str]:
    """A check's name begins with the ID it is about: its claim's or another registered one."""
    known = {c.id for c in claims}
    problems = []
    for claim in claims:
        for check in claim.checks:
            prefix = check.name.split("_", 1)[0]
            if prefix not in known:
                what = "an unknown ID" if ID_PREFIX.fullmatch(prefix) else "no claim ID"
                problems.append(f"{claim.id}: check {check.name} names {what} ({prefix!r}); "
                                f"check names begin with a registered claim ID")
    return problems


def structural_problems(claims: Sequence[Claim]) -> list[str]:
    """Everything wrong with the registry that needs no run: paths that do not resolve,
    claims without checks, unknown IDs in `uses` or in check names, cycles, predicate
    docstrings that do not begin with their ID."""
    return [*registry_problems(tuple(claims), resolve_reference=True),
            *check_name_problems(claims)]


def run_checks(claims: Iterable[Claim],
               progress: Callable[[str], None] | None = None) -> dict[tuple[str, str], Status]:
    """One run of every check of every claim (failures and crashes become statuses)."""
    results: dict[tuple[str, str], Status] = {}
    for claim in claims:
        for check in claim.checks:
            result = run_check(claim.id, check)
            results[(claim.id, check.name)] = result.status
            if progress is not None:
                progress(f"{claim.id}::{check.name} {result.status.value}")
    return results


def derive_statuses(claims: Sequence[Claim], results: Results) -> dict[str, DerivedStatus]:
    """Stated / checked / checked with all ancestors, from one run's results."""
    own = {c.id: all(results.get((c.id, k.name)) is Status.PASSED for k in c.checks)
           and bool(c.checks) for c in claims}
    uses = {c.id: c.uses for c in claims}

    def ancestors(claim_id: str) -> set[str]:
        seen: set[str] = set()
        stack = list(uses.get(claim_id, ()))
        while stack:
            nxt = stack.pop()
            if nxt not in seen:
                seen.add(nxt)
                stack.extend(uses.get(nxt, ()))
        return seen

    derived = {}
    for claim in claims:
        if not own[claim.id]:
            derived[claim.id] = DerivedStatus.STATED
        elif all(own.get(a, False) for a in ancestors(claim.id)):
            derived[claim.id] = DerivedStatus.FULLY_CHECKED
        else:
            derived[claim.id] = DerivedStatus.CHECKED
    return derived


# ---------------------------------------------------------------------------------------
# Generation

_ANCHOR = re.compile(r"[^a-z0-9 _-]")


def id_anchor(claim_id: str) -> str:
    """The stable anchor of a claim's section (independent of its title): other pages link
    to ``blueprint.md#claim-<ID>``."""
    return f"claim-{claim_id}"


def anchor(claim: Claim) -> str:
    """The GitHub-style anchor of a claim's heading."""
    heading = f"{claim.id} {claim.title}".lower()
    return _ANCHOR.sub("", heading).replace(" ", "-")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _graph(claims: Sequence[Claim], derived: Mapping[str, DerivedStatus]) -> list[str]:
    lines = ["```mermaid", "graph BT"]
    for claim in claims:
        lines.append(f'  {claim.id}["{claim.id}"]:::{derived[claim.id].name.lower()}')
    for claim in claims:
        for used in claim.uses:
            lines.append(f"  {used} --> {claim.id}")
    lines += [
        "  classDef stated fill:#ffffff,stroke:#1f6feb,stroke-width:2px",
        "  classDef checked fill:#d2f4d3,stroke:#1a7f37",
        "  classDef fully_checked fill:#1a7f37,stroke:#0b3d1a,color:#ffffff",
        "```",
    ]
    return lines


def _trust_base(claims: Sequence[Claim], results: Results) -> list[str]:
    proved: list[str] = []
    bounded: list[str] = []
    for claim in claims:
        general = [k for k in claim.checks if k.kind in (CheckKind.SYMBOLIC, CheckKind.SOLVER)
                   and results.get((claim.id, k.name)) is Status.PASSED]
        bounds = [k for k in claim.checks if k.kind is CheckKind.EXHAUSTIVE]
        fuzz = [k for k in claim.checks if k.kind is CheckKind.FUZZ]
        if general:
            parts = "; ".join(f"`{k.name}` ({k.kind.value}: {_cell(k.domain)})" for k in general)
            proved.append(f"- [{claim.id}](#{anchor(claim)}): {parts}")
        else:
            listed = "; ".join(f"`{k.name}`: {_cell(k.domain)}" for k in bounds) or \
                "no exhaustive check"
            extra = f" (and fuzzed: {', '.join(f'`{k.name}`' for k in fuzz)})" if fuzz else ""
            bounded.append(f"- [{claim.id}](#{anchor(claim)}): {listed}{extra}")
    return [
        "## Trust base",
        "",
        "What the checks establish, and what is still assumed. A symbolic (sympy) or solver "
        "(z3) check proves its statement for every parameter in its stated range; an "
        "exhaustive check decides every instance of its stated finite domain in exact "
        "arithmetic and says nothing beyond it; a fuzz check samples random instances.",
        "",
        "### Claims with a part proved for all parameters",
        "",
        "The rest of each such claim is checked up to the bounds in its section.",
        "",
        *(proved or ["- none"]),
        "",
        "### Claims checked only up to a stated bound",
        "",
        *(bounded or ["- none"]),
        "",
        "Assumed throughout: the Python interpreter, `fractions`, sympy's simplifier, z3, "
        "mpmath's interval arithmetic (for enclosures of `exp` and `ln`), and hypothesis's "
        "generators; and that each predicate states its claim faithfully — which is what a "
        "reader checks against the statement above it.",
    ]


def generate(claims: Sequence[Claim], results: Results, root: Path) -> str:
    """The blueprint's markdown for `claims` and one run's `results`."""
    derived = derive_statuses(claims, results)
    failed = frozenset(c.id for c in claims if c.proof is not None
                       and results.get((c.id, f"{c.id}_proof")) is not Status.PASSED)
    tests = find_tests([c.id for c in claims], root)
    n_checks = sum(len(c.checks) for c in claims)
    out: list[str] = [
        "# Blueprint: from each claim to its code, its checks and its tests",
        "",
        "Generated by `genaccess blueprint` from the claim registry "
        "(`genaccess.spec.claims.REGISTRY`) and one run of its checks; never edit by hand. "
        "`genaccess blueprint --check` fails when this file is out of date. Statements use "
        "the notation of [theory.md](theory.md), which explains each claim in plain words.",
        "",
        f"{len(claims)} claims, {n_checks} checks.",
        "",
        "## Status",
        "",
        "| ID | Title | Source | Checks passed | Status |",
        "|---|---|---|---|---|",
    ]
    for claim in claims:
        passed = sum(results.get((claim.id, k.name)) is Status.PASSED for k in claim.checks)
        out.append(f"| [{claim.id}](#{anchor(claim)}) | {_cell(claim.title)} | "
                   f"{claim.source.value} | {passed}/{len(claim.checks)} | "
                   f"{derived[claim.id].value} |")
    out += [
        "",
        "## Dependency graph",
        "",
        "An arrow `A --> B` means B uses A. White: stated (some check of its own did not "
        "pass); light green: checked; dark green: checked together with every claim it "
        "depends on.",
        "",
        *_graph(claims, derived),
        "",
        "## Claims",
    ]
    for claim in claims:
        out += ["", f'<a id="{id_anchor(claim.id)}"></a>', "",
                f"### {claim.id} {claim.title}", ""]
        out.append(f"- Source: {claim.source.value}")
        out.append(f"- Status: {derived[claim.id].value}")
        uses = ", ".join(f"[{u}](#{anchor(_by_id(claims, u))})" for u in claim.uses)
        out.append(f"- Uses: {uses or 'nothing'}")
        out += ["", f"> {claim.statement}", ""]
        predicates = ", ".join(locate(p, root, p.__qualname__).markdown()
                               for p in claim.predicates)
        out.append(f"- Predicates: {predicates}")
        if claim.reference:
            refs = ", ".join(locate(resolve(d), root, d.rsplit('.', 1)[-1]).markdown()
                             for d in claim.reference)
            out.append(f"- Reference code: {refs}")
        claim_tests = tests.get(claim.id, [])
        out.append("- Tests: " + (", ".join(t.markdown() for t in claim_tests) or
                                  "run through `pytest spec/` (one test per check)"))
        out += ["", "| Check | Kind | Domain | Status |", "|---|---|---|---|"]
        for check in claim.checks:
            status = results.get((claim.id, check.name))
            link = locate(check.run, root, check.name).markdown()
            out.append(f"| {link} | {check.kind.value} | {_cell(check.domain)} | "
                       f"{status.value if status else 'not run'} |")
        out += proof_lines(claim, claims, failed)
    out += ["", *_trust_base(claims, results), "", *trust_base_lines(claims, anchor, failed),
            ""]
    return "\n".join(out)


def _by_id(claims: Sequence[Claim], claim_id: str) -> Claim:
    for claim in claims:
        if claim.id == claim_id:
            return claim
    raise KeyError(claim_id)


def count_links(text: str) -> int:
    """Number of links to code (`file#Lline`) in a generated blueprint."""
    return len(re.findall(r"\]\(\.\./[^)]+#L\d+\)", text))


# ---------------------------------------------------------------------------------------
# The --check logic


@attrs.frozen
class BlueprintReport:
    """What `--check` found: problems (empty when all is well) and the generated text."""

    problems: tuple[str, ...]
    text: str | None


def blueprint_problems(claims: Sequence[Claim], root: Path, results: Results | None = None,
                       run: Callable[[Sequence[Claim]], Results] | None = None,
                       path: Path | None = None) -> BlueprintReport:
    """Every reason `--check` fails: structural problems (then nothing is generated),
    checks that did not pass, and a committed blueprint that differs from the generated one.

    `results` reuses a run; otherwise `run` (default: `run_checks`) makes one.
    """
    problems = structural_problems(claims)
    if problems:
        return BlueprintReport(tuple(problems), None)
    if results is None:
        results = (run or run_checks)(claims)
    for claim in claims:
        for check in claim.checks:
            status = results.get((claim.id, check.name))
            if status is not Status.PASSED:
                problems.append(f"{claim.id}: check {check.name} "
                                f"{status.value if status else 'was not run'}")
    text = generate(claims, results, root)
    target = path or root / BLUEPRINT
    if not target.is_file():
        problems.append(f"{target.relative_to(root) if target.is_relative_to(root) else target}"
                        " is missing; run `genaccess blueprint`")
    elif target.read_text(encoding="utf-8") != text:
        problems.append(f"{BLUEPRINT.as_posix()} is out of date (it differs from what the "
                        "registry and this run generate); run `genaccess blueprint`")
    return BlueprintReport(tuple(problems), text)
