"""The proof machinery (`genaccess.spec.proof`, `genaccess.proofs.discharge`): discharging
catches a false goal, a wrong variant that is not wrong, an unknown axiom, a dangling
definition and an idle tie; status is derived through the claims a proof uses; the
registry refuses a proof nobody discharges; `genaccess axioms` reports it all."""

from __future__ import annotations

import json
import re

import attrs
import pytest
import sympy
import z3

from genaccess.proofs.discharge import discharge, identity, proof_check, validity
from genaccess.reference import blueprint as bp
from genaccess.reference.cli import main
from genaccess.spec.axioms import AXIOM_IDS, AXIOMS, axiom
from genaccess.spec.claims import REGISTRY
from genaccess.spec.proof import (
    Proof,
    ProofStatus,
    Tie,
    bounded,
    by_axiom,
    by_claim,
    by_definition,
    by_induction,
    by_sympy,
    by_z3,
    proof_status,
)
from genaccess.spec.registry import (
    Check,
    CheckKind,
    CheckOutcome,
    Claim,
    Source,
    Status,
    registry_problems,
)

N = sympy.Symbol("n", integer=True, positive=True)
IDX = sympy.Symbol("i", integer=True)

GAUSS = identity("sum_{i=1}^n i = n(n+1)/2", sympy.Sum(IDX, (IDX, 1, N)), N * (N + 1) / 2,
                 wrong="n(n-1)/2", wrong_rhs=N * (N - 1) / 2, points={N: (1, 2, 3)})


def _positive(strict: bool) -> tuple[list[z3.BoolRef], z3.BoolRef]:
    x = z3.Real("x")
    return [x >= 0], (x * x > 0) if strict else (x * x >= 0)


SQUARE = validity("x >= 0 => x^2 >= 0", lambda: _positive(False), wrong="x^2 > 0",
                  build_wrong=lambda: _positive(True))


def test_a_sound_proof_discharges() -> None:
    proof = Proof((by_sympy("gauss", "Gauss's sum", GAUSS),
                   by_z3("square", "squares are nonnegative", SQUARE, uses=("gauss",)),
                   by_axiom("ub", "union bound", "union_bound")))
    decided, failures = discharge(proof)
    assert failures == [] and decided == 4


def test_a_false_identity_fails() -> None:
    false = identity("sum = n^2", sympy.Sum(IDX, (IDX, 1, N)), N**2, wrong="n(n-1)/2",
                     wrong_rhs=N * (N - 1) / 2, points={N: (1, 2)})
    _, failures = discharge(Proof((by_sympy("bad", "not Gauss", false),)))
    assert len(failures) == 1 and "bad: sum = n^2: unknown" in failures[0]


def test_a_wrong_variant_that_holds_fails() -> None:
    # The "wrong" variant is the same true identity: it has no counterexample, so the step
    # shows no power and the discharge says so.
    weak = identity("gauss", sympy.Sum(IDX, (IDX, 1, N)), N * (N + 1) / 2, wrong="same",
                    wrong_rhs=N * (N + 1) / 2, points={N: (1, 2, 3)})
    _, failures = discharge(Proof((by_sympy("weak", "no power", weak),)))
    assert failures and "was not refuted" in failures[0]
    weak_z3 = validity("x^2 >= 0", lambda: _positive(False), wrong="same",
                       build_wrong=lambda: _positive(False))
    _, failures = discharge(Proof((by_z3("weak", "no power", weak_z3),)))
    assert failures and "was not refuted" in failures[0]


def test_the_z3_wrong_variant_has_a_counterexample() -> None:
    outcome = SQUARE.refute()
    assert outcome.verdict.value == "refuted" and outcome.counterexample == {"x": "0"}


def test_unknown_axiom_dangling_definition_idle_tie_and_failing_bound() -> None:
    tie = Tie("genaccess.spec.generator.reach_probability", "nothing", lambda: 0)
    proof = Proof((by_axiom("a", "made up", "folklore"),
                   by_definition("d", "no such code", "genaccess.spec.generator.no_such"),
                   by_sympy("t", "tied to nothing", GAUSS, tie=tie),
                   bounded("b", "open", domain="n <= 3", reason="r", check=lambda: 0)))
    _, failures = discharge(proof)
    text = "; ".join(failures)
    assert "unknown axiom 'folklore'" in text and "does not resolve" in text
    assert "t: its tie to the code decided no instance" in text
    assert "b: its bounded check decided no instance" in text


def test_a_tie_that_disagrees_fails() -> None:
    def disagree() -> int:
        raise AssertionError("code says 3, step says 4")

    check = proof_check("X", Proof((by_sympy("t", "tied", GAUSS,
                                              tie=Tie("m.f", "d", disagree)),)))
    with pytest.raises(AssertionError, match="code says 3"):
        check.run()


def test_steps_use_only_earlier_steps() -> None:
    with pytest.raises(ValueError, match="b uses a, not an earlier step"):
        Proof((by_sympy("b", "s", GAUSS, uses=("a",)), by_sympy("a", "s", GAUSS)))
    with pytest.raises(ValueError, match="a appears twice"):
        Proof((by_sympy("a", "s", GAUSS), by_sympy("a", "s", GAUSS)))
    with pytest.raises(ValueError, match="one word"):
        by_sympy("two words", "s", GAUSS)


def test_status_is_derived_through_used_claims() -> None:
    closed = Proof((by_axiom("h", "Hoeffding", "hoeffding"),))
    opened = Proof((bounded("o", "searched", domain="K <= 3", reason="all learners",
                            check=lambda: 1), by_axiom("u", "union", "union_bound")))
    above = Proof((by_claim("a", "A holds", "A"), by_claim("b", "B holds", "B")))
    proofs: dict[str, Proof | None] = {"A": closed, "B": opened, "C": above, "S": None,
                                       "D": Proof((by_claim("s", "S holds", "S"),))}
    a, c, d, s = (proof_status(i, proofs) for i in "ACDS")
    assert a.status is ProofStatus.PROVED and a.axioms == ("hoeffding",)
    assert c.status is ProofStatus.BOUNDED and c.axioms == ("hoeffding", "union_bound")
    assert [(o.claim_id, o.step_id, o.domain) for o in c.open_steps] == [("B", "o", "K <= 3")]
    assert d.status is ProofStatus.BOUNDED and "S, which has no proof" in d.open_steps[0].reason
    assert s.status is ProofStatus.STATED
    # an induction is proved like any symbolic step
    ind = Proof((by_induction("i", "by induction", "n", GAUSS, GAUSS),))
    assert proof_status("I", {"I": ind}).status is ProofStatus.PROVED


def _claim(proof: Proof, checks: tuple[Check, ...], uses: tuple[str, ...] = ()) -> Claim:
    def is_X() -> bool:
        """X: a predicate."""
        return True

    return Claim("X", "t", Source.FORMALISATION, "s", uses, (is_X,), checks, proof=proof)


def test_the_registry_refuses_an_undischarged_or_ill_cited_proof() -> None:
    plain = (Check("c", CheckKind.EXHAUSTIVE, "d", lambda: CheckOutcome(1)),)
    proof = Proof((by_claim("g", "G1 holds", "G1"), by_axiom("f", "folk", "folklore")))
    problems = registry_problems((_claim(proof, plain),), resolve_reference=False)
    assert "X: has a proof but no check X_proof discharging it" in problems
    assert "X: step g uses claim G1, which is not in X's uses" in problems
    assert "X: step f cites unknown axiom 'folklore'" in problems
    sound = _claim(Proof((by_axiom("u", "union", "union_bound"),)),
                   (proof_check("X", Proof((by_axiom("u", "union", "union_bound"),))),))
    assert registry_problems((sound,), resolve_reference=False) == []


def test_every_axiom_is_stated_once_with_a_reference() -> None:
    assert len(AXIOM_IDS) == len(AXIOMS)
    for a in AXIOMS:
        assert a.statement.endswith(".") and a.reference and axiom(a.id) is a
    with pytest.raises(KeyError, match="unknown axiom 'folk'; known: union_bound"):
        axiom("folk")


def test_every_registered_proof_has_its_check() -> None:
    for claim in REGISTRY:
        if claim.proof is not None:
            assert f"{claim.id}_proof" in [c.name for c in claim.checks]


def test_axioms_cli(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["axioms", "g1", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    (g1,) = report["claims"]
    assert g1 == {"id": "G1", "status": "proved", "axioms": [], "open_steps": []}
    assert main(["axioms"]) == 0
    lines = [ln for ln in capsys.readouterr().out.splitlines() if ln and ln[0] != " "]
    assert [ln.split()[0] for ln in lines[:len(REGISTRY)]] == list(REGISTRY.ids)
    assert main(["axioms", "G1", "Q9"]) == 2
    assert "ID: must be claim IDs" in capsys.readouterr().err


def test_g1_proof_catches_an_off_by_one() -> None:
    # G1's own proof, with the additivity step's right side off by one token, fails.
    from genaccess.proofs.steps import g1

    step = g1.PROOF.steps[2]
    goal = step.goals[0]
    broken = attrs.evolve(goal, prove=goal.refute)
    proof = attrs.evolve(g1.PROOF, steps=(*g1.PROOF.steps[:2],
                                          attrs.evolve(step, goals=(broken,)),
                                          *g1.PROOF.steps[3:]))
    _, failures = discharge(proof)
    assert failures and failures[0].startswith("G1.additive")


def _all_passed() -> dict[tuple[str, str], Status]:
    return {(c.id, k.name): Status.PASSED for c in REGISTRY for k in c.checks}


def _blueprint_statuses(text: str) -> dict[str, tuple[str, list[str]]]:
    """Per claim section of a blueprint: the proof status and axioms it prints."""
    found: dict[str, tuple[str, list[str]]] = {}
    claim = None
    for line in text.splitlines():
        heading = re.match(r"### (\S+) ", line)
        if heading:
            claim = heading.group(1)
        proof = re.match(r"- Proof: \*\*(\w+)\*\*(?:; rests on (.*))?", line)
        if proof and claim:
            axioms = re.findall(r"`(\w+)`", proof.group(2) or "")
            found[claim] = (proof.group(1), axioms)
        elif line.startswith("- Proof: none yet") and claim:
            found[claim] = ("stated", [])
    return found


def test_axioms_json_agrees_with_the_blueprint(capsys: pytest.CaptureFixture[str]) -> None:
    text = bp.generate(list(REGISTRY), _all_passed(), bp.repository_root())
    printed = _blueprint_statuses(text)
    assert main(["axioms", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)["claims"]
    assert {c["id"]: (c["status"], c["axioms"]) for c in report} == printed


def test_a_failed_proof_check_drops_the_status() -> None:
    # G1's proof check did not pass: G1 is only stated, and KL3, which uses G1, is bounded.
    results = {**_all_passed(), ("G1", "G1_proof"): Status.FAILED}
    printed = _blueprint_statuses(bp.generate(list(REGISTRY), results, bp.repository_root()))
    assert printed["G1"][0] == "stated" and printed["KL3"][0] == "bounded"
    proofs = {c.id: c.proof for c in REGISTRY}
    kl3 = proof_status("KL3", proofs, frozenset({"G1"}))
    assert any("G1, which has no proof" in o.reason for o in kl3.open_steps)


def test_blueprint_check_refuses_an_unknown_axiom() -> None:
    g1 = REGISTRY["G1"]
    assert g1.proof is not None
    bad = attrs.evolve(g1, proof=Proof((*g1.proof.steps,
                                        by_axiom("G1.folk", "folklore", "folklore"))))
    claims = [bad if c.id == "G1" else c for c in REGISTRY]
    report = bp.blueprint_problems(claims, bp.repository_root(), results=_all_passed())
    assert "G1: step G1.folk cites unknown axiom 'folklore'" in report.problems
