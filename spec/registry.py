"""The claim registry: one frozen record per theorem ID, with its predicate and its checks.

A `Claim` carries what a reviewer needs to trace a statement to code: its ID and title,
its source (the paper's claim or the project's formalisation), the statement in the
notation of docs/theory.md, the IDs it uses, its predicates (the functions that decide it on
an instance), the reference code that realises it (dotted paths, resolved when the blueprint
is built), and its checks. Status is never stored: it is derived by running the checks.

The layers, and the one direction imports go (enforced by tests/test_layers.py):

1. core spec (`genaccess.spec.*` but `claims`): definitions and every `is_*`/`compute_*`
   predicate, one topic per module; imports nothing above it;
2. proofs (`genaccess.proofs`) and reference learners (`genaccess.reference.*`): z3/sympy
   proofs and the algorithms, written against the oracle; they import only the core;
3. claims (`genaccess.spec.claims.<id>`): a statement, its checks and its `CLAIM` record;
   checks run the real learners and proofs, so claims import layers 1 and 2 at module top;
4. front (`genaccess.reference.cli`, `.commands`, `.blueprint`, `genaccess.spec.verify`):
   the command line, the generated blueprint and `pytest spec/`, reading the registry.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable, Iterator
from enum import Enum
from typing import Any

import attrs

from genaccess.spec.axioms import AXIOM_IDS
from genaccess.spec.proof import Method, Proof


class Source(Enum):
    PAPER = "paper claim"
    FORMALISATION = "project formalisation"


class CheckKind(Enum):
    EXHAUSTIVE = "exhaustive"  # every instance of a stated finite domain, exact arithmetic
    SYMBOLIC = "symbolic"  # a sympy derivation for all parameters in a range
    SOLVER = "solver"  # a z3 proof (only "proved" passes) or counterexample search
    FUZZ = "fuzz"  # hypothesis on random instances against the predicate
    POWER = "power"  # the check fails on a deliberately broken implementation


@attrs.frozen
class CheckOutcome:
    """What a passing check reports: how many instances it decided, and any detail."""

    instances: int
    detail: str = ""


@attrs.frozen
class Check:
    """A check of one claim. `run` raises `AssertionError` on failure."""

    name: str
    kind: CheckKind
    domain: str
    run: Callable[[], CheckOutcome] = attrs.field(eq=False, repr=False)
    slow: bool = False
    """Cost tier: a slow check (seconds, not milliseconds) is left out of the quick tier
    (`pytest -m "not slow"`); CI and `pytest spec/` run every check."""

    @property
    def code(self) -> Callable[..., Any]:
        return self.run


def _nonempty(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not value:
        raise ValueError(f"{attribute.name}: must not be empty")


@attrs.frozen
class Claim:
    """A registered theorem: statement, source, uses, predicates, reference code, checks."""

    id: str = attrs.field(validator=_nonempty)
    title: str = attrs.field(validator=_nonempty)
    source: Source
    statement: str = attrs.field(validator=_nonempty)
    uses: tuple[str, ...]
    predicates: tuple[Callable[..., Any], ...] = attrs.field(eq=False, repr=False)
    checks: tuple[Check, ...] = attrs.field(eq=False, repr=False)
    reference: tuple[str, ...] = ()
    proof: Proof | None = attrs.field(default=None, eq=False, repr=False)
    """The claim's proof as steps (`genaccess.spec.proof`); `None` while it is only stated.
    A claim with a proof registers the check `<ID>_proof` that discharges it."""


def resolve(dotted: str) -> Any:
    """The object at ``package.module.attr`` (raises `ImportError`/`AttributeError`)."""
    module_name, _, attribute = dotted.rpartition(".")
    while module_name:
        try:
            obj: Any = importlib.import_module(module_name)
        except ModuleNotFoundError:
            module_name, _, head = module_name.rpartition(".")
            attribute = f"{head}.{attribute}"
            continue
        for part in attribute.split("."):
            obj = getattr(obj, part)
        return obj
    raise ImportError(f"cannot resolve {dotted!r}")


@attrs.frozen
class Registry:
    """An ordered, validated set of claims: unique IDs, known `uses`, no cycles."""

    claims: tuple[Claim, ...]

    def __attrs_post_init__(self) -> None:
        problems = registry_problems(self.claims, resolve_reference=False)
        if problems:
            raise ValueError("invalid claim registry: " + "; ".join(problems))

    def __iter__(self) -> Iterator[Claim]:
        return iter(self.claims)

    def __len__(self) -> int:
        return len(self.claims)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.claims)

    def __getitem__(self, claim_id: str) -> Claim:
        for claim in self.claims:
            if claim.id == claim_id:
                return claim
        raise KeyError(claim_id)


def registry_problems(claims: tuple[Claim, ...], resolve_reference: bool = True) -> list[str]:
    """Everything wrong with a set of claims ("checkdecls"); empty when it is sound."""
    problems: list[str] = []
    ids = [c.id for c in claims]
    for claim_id in sorted({i for i in ids if ids.count(i) > 1}):
        problems.append(f"{claim_id}: registered more than once")
    known = set(ids)
    for claim in claims:
        if not claim.checks:
            problems.append(f"{claim.id}: has no check")
        if not claim.predicates:
            problems.append(f"{claim.id}: has no predicate")
        for used in claim.uses:
            if used not in known:
                problems.append(f"{claim.id}: uses unknown claim {used}")
        for predicate in claim.predicates:
            doc = (predicate.__doc__ or "").lstrip()
            if not doc.startswith(f"{claim.id}"):
                problems.append(
                    f"{claim.id}: predicate {predicate.__qualname__} docstring must begin "
                    f"with {claim.id}"
                )
        if resolve_reference:
            for dotted in claim.reference:
                try:
                    resolve(dotted)
                except (ImportError, AttributeError) as err:
                    problems.append(f"{claim.id}: reference {dotted} does not resolve ({err})")
        names = [c.name for c in claim.checks]
        for name in sorted({n for n in names if names.count(n) > 1}):
            problems.append(f"{claim.id}: two checks named {name}")
        if claim.proof is not None:
            problems += _proof_problems(claim, names)
    cycle = _find_cycle({c.id: c.uses for c in claims})
    if cycle:
        problems.append("uses graph has a cycle: " + " -> ".join(cycle))
    return problems


def _proof_problems(claim: Claim, check_names: list[str]) -> list[str]:
    """A proof is discharged by a registered check, cites only known axioms, and uses only
    the claims its claim declares in `uses`."""
    assert claim.proof is not None
    problems = []
    if f"{claim.id}_proof" not in check_names:
        problems.append(f"{claim.id}: has a proof but no check {claim.id}_proof discharging it")
    for step in claim.proof.steps:
        if step.method is Method.AXIOM and step.target not in AXIOM_IDS:
            problems.append(f"{claim.id}: step {step.id} cites unknown axiom {step.target!r}")
        if step.method is Method.CLAIM and step.target not in claim.uses:
            problems.append(f"{claim.id}: step {step.id} uses claim {step.target}, which is "
                            f"not in {claim.id}'s uses")
    return problems


def _find_cycle(graph: dict[str, tuple[str, ...]]) -> list[str] | None:
    colour: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        colour[node] = 1
        stack.append(node)
        for nxt in graph.get(node, ()):
            if colour.get(nxt) == 1:
                return [*stack[stack.index(nxt):], nxt]
            if colour.get(nxt) is None and nxt in graph:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        colour[node] = 2
        return None

    for node in graph:
        if node not in colour:
            found = visit(node)
            if found:
                return found
    return None


class Status(Enum):
    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"


@attrs.frozen
class CheckResult:
    claim_id: str
    check: Check
    status: Status
    seconds: float
    outcome: CheckOutcome | None
    message: str = ""


def run_check(claim_id: str, check: Check) -> CheckResult:
    """Run one check; failures and crashes become results, never exceptions."""
    start = time.perf_counter()
    try:
        outcome = check.run()
    except AssertionError as err:
        return CheckResult(claim_id, check, Status.FAILED, time.perf_counter() - start, None,
                           str(err) or "assertion failed")
    except Exception as err:  # a crash is reported, never counted as a pass
        return CheckResult(claim_id, check, Status.ERROR, time.perf_counter() - start, None,
                           f"{type(err).__name__}: {err}")
    if outcome.instances < 1:  # a check that decided nothing proves nothing
        return CheckResult(claim_id, check, Status.FAILED, time.perf_counter() - start, outcome,
                           f"ran no instance (reported {outcome.instances})")
    return CheckResult(claim_id, check, Status.PASSED, time.perf_counter() - start, outcome)
