"""LR, the oracle's meters and limits: a budget of `B` queries answers exactly `B` and
refuses the next, and a query running past `H` is refused; either refusal records nothing.

These checks belong to LR (`spec/claims/lr.py` registers them in its `CLAIM`); they live in
their own module only to keep each module to one part of the claim.
"""

from __future__ import annotations

import functools
import random

from genaccess.spec.access import AccessModel, access_model
from genaccess.spec.chance import Chooser, exact_law
from genaccess.spec.checking import range_text, set_text
from genaccess.spec.errors import BudgetExceeded, InvalidQuery
from genaccess.spec.generator import Generator
from genaccess.spec.local_reset_machine import DRIVEN_H, DRIVEN_K, driven_generator
from genaccess.spec.oracle import Oracle
from genaccess.spec.prefix import all_prefixes
from genaccess.spec.registry import Check, CheckKind, CheckOutcome

BUDGETS = range(0, 4)
BUDGET_MODELS = ("root-start/sample", "local-reset/full", "local-reset/topk(1)",
                 "arbitrary-prefix/logprob", "depth-reset(1)/noisy-sample(0)",
                 "root-or-current/top1")


def check_LR_budget() -> CheckOutcome:
    """`Oracle(..., budget=B)` answers exactly `B` queries: each of them is admitted and
    counted (one query, `H` tokens), and query `B + 1` is not admitted, raises
    `BudgetExceeded` and records nothing (transcript, built set, queries and tokens
    unchanged); every random outcome."""
    g = driven_generator()
    cases = ((access_model(name), budget) for name in BUDGET_MODELS for budget in BUDGETS)
    count = 0
    for access, budget in cases:
        law = exact_law(functools.partial(_spend, g, access, budget))
        assert set(law) == {None}, (access.name, budget, law)
        count += 1
    return CheckOutcome(count)


def check_LR_refuses_overlong() -> CheckOutcome:
    """A query running past `H` (`|u| + L > H`) or of length `L < 1` is refused with
    `InvalidQuery` under arbitrary-prefix control (which refuses nothing else) and records
    nothing; one that fits is answered; a query that names no length asks for one step."""
    g = driven_generator()
    H = g.horizon
    count = 0
    for prefix in all_prefixes(DRIVEN_K, H):
        for length in range(H + 2):
            oracle = Oracle(g, access_model("arbitrary-prefix/sample"), rng=random.Random(0))
            fits = 1 <= length <= H - len(prefix)
            try:
                oracle.query(prefix, length)
            except InvalidQuery:
                assert not fits and oracle.queries_used == 0 and oracle.transcript == (), (
                    prefix, length)
            else:
                assert fits, f"answered ({prefix}, {length}) past H = {H}"
            count += 1
        if len(prefix) < H:  # the default length is one step, for admits as for query
            oracle = Oracle(g, access_model("arbitrary-prefix/sample"), rng=random.Random(0))
            assert oracle.admits(prefix) and len(oracle.query(prefix)) == 1, prefix
            assert oracle.transcript[0].length == 1, prefix
            count += 1
    return CheckOutcome(count)


def _spend(g: Generator, access: AccessModel, budget: int, chooser: Chooser) -> str | None:
    oracle = Oracle(g, access, rng=chooser, budget=budget)
    if oracle.budget != budget:  # a learner plans by the budget the oracle reports
        return f"the oracle reports budget {oracle.budget!r}, not {budget}"
    H = g.horizon
    for i in range(budget):
        if not oracle.admits((), H):
            return f"query {i + 1} of {budget} not admitted"
        oracle.query((), H)
        if (oracle.queries_used, oracle.tokens_generated) != (i + 1, (i + 1) * H):
            return (f"queries_used {oracle.queries_used}, tokens_generated "
                    f"{oracle.tokens_generated} after {i + 1} whole responses")
    before = (oracle.transcript, oracle.built, oracle.queries_used, oracle.tokens_generated)
    if oracle.admits((), H):
        return f"query {budget + 1} admitted"
    try:
        oracle.query((), H)
    except BudgetExceeded:
        pass
    else:
        return f"query {budget + 1} answered"
    after = (oracle.transcript, oracle.built, oracle.queries_used, oracle.tokens_generated)
    return None if after == before else "the refused query changed the oracle's state"


BUDGET_CHECKS: tuple[Check, ...] = (
    Check("LR_budget", CheckKind.EXHAUSTIVE,
          f"budget B in {range_text(BUDGETS)}; access models {set_text(BUDGET_MODELS)}; "
          f"K={DRIVEN_K}, H={DRIVEN_H}, B whole-response queries then one more, every "
          "random outcome", check_LR_budget),
    Check("LR_refuses_overlong", CheckKind.EXHAUSTIVE,
          f"every prefix u and length L in 0..H+1 for K={DRIVEN_K}, H={DRIVEN_H} "
          "(arbitrary-prefix/sample); the default length at every u shorter than H",
          check_LR_refuses_overlong),
)
