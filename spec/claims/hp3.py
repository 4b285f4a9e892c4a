"""HP3: full distributions (or top-1) at chosen prefixes recover the hidden path in exactly `H`
queries, and under LR no learner does better with fewer one-step queries."""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from genaccess.proofs.discharge import proof_check
from genaccess.proofs.steps.hp3 import PROOF
from genaccess.reference.learners import HIDDEN_PATH, learner
from genaccess.reference.logits_learner import logits_path, top1_path
from genaccess.spec.access import AccessModel
from genaccess.spec.belief_search import compute_best_chosen_prefix_success, is_HP3_lower_bound
from genaccess.spec.chance import Chooser, exact_law
from genaccess.spec.checking import cases_text, for_all, range_text, set_text
from genaccess.spec.control import ArbitraryPrefix, Control, LocalReset
from genaccess.spec.hidden_path import (
    ALPHA_GRID_STEPS,
    ALPHA_GRID_TEXT,
    HiddenPathFamily,
    grid_alpha,
)
from genaccess.spec.local_reset import is_local_reset
from genaccess.spec.observation import Full, Top1
from genaccess.spec.oracle import Oracle
from genaccess.spec.prefix import Response
from genaccess.spec.registry import Check, CheckKind, CheckOutcome, Claim, Source

LOGITS_ACCESS = learner(HIDDEN_PATH, "logits").access_model
TOP1_ACCESS = learner(HIDDEN_PATH, "top1").access_model
LEARNERS: tuple[tuple[AccessModel, Callable[[Oracle], Response]], ...] = (
    (LOGITS_ACCESS, logits_path), (TOP1_ACCESS, top1_path))
LEARNER_HORIZONS = range(1, 4)
ALPHAS = {2: ("3/5", "3/4"), 3: ("2/5", "2/3")}
LEARNER_DOMAIN = ("; ".join(f"K={K}, alpha in {set_text(alphas)}" for K, alphas in ALPHAS.items())
                  + f"; H in {range_text(LEARNER_HORIZONS)}; every z, every random outcome; "
                  f"{LOGITS_ACCESS.name} and {TOP1_ACCESS.name}")


def check_HP3_learners_exact() -> CheckOutcome:
    """The logits and top-1 learners, through a local-reset oracle, output `z` with
    probability 1 for every `z`, in exactly `H` queries, with an LR transcript."""
    count = 0
    for K, alphas in ALPHAS.items():
        for H, alpha in itertools.product(LEARNER_HORIZONS, alphas):
            family = HiddenPathFamily(K, H, alpha)
            for access, path_learner in LEARNERS:
                for z in family.paths():
                    g = family.generator(z)

                    def run(chooser: Chooser, g: object = g, learner: object = path_learner,
                            access: object = access, H: int = H) -> tuple[Response, int, bool]:
                        oracle = Oracle(g, access, rng=chooser)  # type: ignore[arg-type]
                        guess = learner(oracle)  # type: ignore[operator]
                        return guess, oracle.queries_used, is_local_reset(oracle.transcript, H)

                    law = exact_law(run)
                    assert law == {(z, H, True): Fraction(1)}, (access.name, K, H, alpha, z, law)
                    count += 1
    return CheckOutcome(count)


SEARCH_CASES = ((2, 1, "3/4"), (2, 2, "3/5"), (2, 2, "3/4"), (2, 3, "3/5"), (2, 3, "3/4"),
                (2, 4, "3/4"), (3, 2, "1/2"), (3, 3, "1/2"), (3, 3, "2/3"))
SEARCH_DOMAIN = ("every adaptive learner (exhaustive search over belief states) with T < H "
                 "one-step queries under local-reset, (K,H,alpha) in "
                 + cases_text(SEARCH_CASES)
                 + "; observations full and top1")


def check_HP3_lower_bound_search(control: Control | None = None) -> CheckOutcome:
    """Under LR the best success of any learner with `T < H` one-step `full` (or `top1`)
    queries is exactly `K^-(H-T)`: the bound holds and the logits learner attains it."""
    control = control if control is not None else LocalReset()
    count = 0
    for K, H, alpha in SEARCH_CASES:
        family = HiddenPathFamily(K, H, alpha)
        for T in range(H):
            for observation in (Full(), Top1()):
                best = compute_best_chosen_prefix_success(family, observation, control, T)
                bound = Fraction(1, K ** (H - T))
                assert best <= bound, (f"HP3 bound fails under {control.name}/"
                                       f"{observation.name}: K={K}, H={H}, alpha={alpha}, "
                                       f"T={T}: {best} > {bound}")
                assert best == bound, (K, H, alpha, T, observation.name, best)
                count += 1
    assert is_HP3_lower_bound(HiddenPathFamily(2, 2, "3/4"), Full(), control, 1)
    return CheckOutcome(count)


NO_LR_ALPHAS = ("3/5", "3/4", "9/10")


def check_HP3_fails_without_LR() -> CheckOutcome:
    """Without LR the bound fails: with arbitrary-prefix control and one `full` query,
    `K=2, H=2` (any alpha) reaches 3/4 > 1/2 (query the unbuilt `(0,)`: on the path it
    shows `z_2`, off the path it shows `z_1 = 1`)."""
    return for_all(NO_LR_ALPHAS, _arbitrary_prefix_reaches_three_quarters,
                   f"arbitrary-prefix value 3/4 > 1/2 for alpha in {set_text(NO_LR_ALPHAS)}")


def _arbitrary_prefix_reaches_three_quarters(alpha: str) -> bool:
    family = HiddenPathFamily(2, 2, alpha)
    best = compute_best_chosen_prefix_success(family, Full(), ArbitraryPrefix(), 1)
    return best == Fraction(3, 4) and not is_HP3_lower_bound(family, Full(), ArbitraryPrefix(), 1)


def check_HP3_catches_arbitrary_prefix() -> CheckOutcome:
    """Power: the lower-bound search, run with arbitrary-prefix control, fails."""
    try:
        check_HP3_lower_bound_search(ArbitraryPrefix())
    except AssertionError as err:
        assert "HP3 bound fails under arbitrary-prefix" in str(err), err
        return CheckOutcome(1, f"caught: {err}")
    raise AssertionError("the HP3 search passed arbitrary-prefix control")


ONE_STEP_ALPHAS = ("3/5", "3/4")


def check_HP3_needs_one_step_queries() -> CheckOutcome:
    """Boundary: the bound counts one-step queries. If a local-reset query may continue two
    tokens (`K=2, H=2, T=1`: a whole rollout with full observations), the best success is
    `(1+alpha)/2 > 1/2`, exactly root-start's `S_1`."""
    return for_all(ONE_STEP_ALPHAS, _two_step_query_reaches_S_1)


def _two_step_query_reaches_S_1(alpha: str) -> bool:
    family = HiddenPathFamily(2, 2, alpha)
    best = compute_best_chosen_prefix_success(family, Full(), LocalReset(), 1, max_length=2)
    return best == (1 + family.alpha) / 2 > Fraction(1, 2)


FUZZ_VOCABS = range(2, 7)
FUZZ_HORIZONS = range(1, 13)


def check_HP3_fuzz_learners() -> CheckOutcome:
    """Random instances: both learners return `z` in exactly `H` queries with LR."""
    seen = [0]

    @given(st.sampled_from(FUZZ_VOCABS), st.sampled_from(FUZZ_HORIZONS),
           st.sampled_from(ALPHA_GRID_STEPS), st.booleans(),
           st.integers(0, 2**32 - 1), st.data())
    def learners_are_exact(K: int, H: int, j: int, use_top1: bool, seed: int,
                           data: st.DataObject) -> None:
        seen[0] += 1
        family = HiddenPathFamily(K, H, grid_alpha(K, j))
        z = tuple(data.draw(st.lists(st.integers(0, K - 1), min_size=H, max_size=H)))
        access, path_learner = LEARNERS[use_top1]
        oracle = Oracle(family.generator(z), access, rng=random.Random(seed))
        assert path_learner(oracle) == z
        assert oracle.queries_used == H and is_local_reset(oracle.transcript, H)

    learners_are_exact()
    return CheckOutcome(seen[0])


CLAIM = Claim(
    id="HP3",
    title="Full distributions at chosen prefixes: H queries, optimal under LR",
    source=Source.FORMALISATION,
    statement="Querying zhat_<t once per stage with full observations recovers z with "
    "certainty in exactly H queries (top1 too, on this family). Under LR any learner with "
    "T < H one-step such queries succeeds with probability at most K^-(H-T); without LR this "
    "fails (K=2, H=2, T=1: 3/4 > 1/2).",
    uses=("LR",),
    predicates=(is_HP3_lower_bound, compute_best_chosen_prefix_success),
    checks=(
        proof_check("HP3", PROOF),
        Check("HP3_learners_exact", CheckKind.EXHAUSTIVE, LEARNER_DOMAIN,
              check_HP3_learners_exact),
        Check("HP3_lower_bound_search", CheckKind.EXHAUSTIVE, SEARCH_DOMAIN,
              check_HP3_lower_bound_search),
        Check("HP3_fails_without_LR", CheckKind.EXHAUSTIVE,
              "K=2, H=2, T=1, arbitrary-prefix/full, every adaptive learner, "
              f"alpha in {set_text(NO_LR_ALPHAS)}", check_HP3_fails_without_LR),
        Check("HP3_needs_one_step_queries", CheckKind.EXHAUSTIVE,
              "K=2, H=2, T=1, local-reset/full with continuations of length <= 2, every "
              f"adaptive learner, alpha in {set_text(ONE_STEP_ALPHAS)}",
              check_HP3_needs_one_step_queries),
        Check("HP3_fuzz_learners", CheckKind.FUZZ,
              f"random K in {range_text(FUZZ_VOCABS)}, H in {range_text(FUZZ_HORIZONS)}, "
              f"{ALPHA_GRID_TEXT}, z, seed", check_HP3_fuzz_learners),
        Check("HP3_catches_arbitrary_prefix", CheckKind.POWER,
              "lower-bound search run with arbitrary-prefix control",
              check_HP3_catches_arbitrary_prefix),
    ),
    reference=("genaccess.reference.logits_learner.logits_path",
               "genaccess.reference.logits_learner.top1_path"),
    proof=PROOF,
)
