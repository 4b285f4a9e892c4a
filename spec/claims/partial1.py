"""PARTIAL1 (project formalisation): partial prefix control — what depth-limited reset and
root-or-current control cost on the hidden path.

The control levels are `genaccess.spec.partial_control.DepthLimitedReset` and
`RootOrCurrent`, the predicates `genaccess.spec.partial_control_cost`, and greedy descent is
`genaccess.reference.greedy_descent`; this module holds the claim's checks.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Set as AbstractSet
from fractions import Fraction

from genaccess.proofs.discharge import proof_check
from genaccess.proofs.steps.partial1 import PROOF
from genaccess.reference.greedy_descent import greedy_descent
from genaccess.spec.access import (
    CONTROL_LEVELS,
    OBSERVATION_TYPES,
    AccessModel,
    access_model,
    registered_access_models,
)
from genaccess.spec.belief_search import compute_best_chosen_prefix_success
from genaccess.spec.chance import Chooser, exact_law
from genaccess.spec.checking import cases_text
from genaccess.spec.control import Control, LocalReset
from genaccess.spec.errors import AccessError, ForbiddenStart
from genaccess.spec.generator import Generator
from genaccess.spec.hidden_path import HiddenPathFamily
from genaccess.spec.local_reset import is_local_reset
from genaccess.spec.local_reset_machine import generator_rows, model_built_by
from genaccess.spec.observation import Full, Logprob, Sample
from genaccess.spec.oracle import Oracle
from genaccess.spec.partial_control import DepthLimitedReset, RootOrCurrent
from genaccess.spec.partial_control_cost import (
    compute_PARTIAL1_cost,
    compute_PARTIAL1_lower,
    compute_PARTIAL1_upper,
    is_PARTIAL1_depth_sandwich,
    is_PARTIAL1_root_or_current_bound,
)
from genaccess.spec.prefix import Prefix, Response, all_prefixes
from genaccess.spec.registry import Check, CheckKind, CheckOutcome, Claim, Source
from genaccess.spec.root_start_success import (
    compute_HP1_success,
    compute_root_start_queries_needed,
)

# ---------------------------------------------------------------------------------------
# Checks: the oracle under every registered built-set control


def _reset_controls(horizon: int) -> list[Control]:
    """Every registered control instance that decides from the built set, except
    `local-reset` itself (LR's acceptance check covers it)."""
    return [c for cls in CONTROL_LEVELS for c in cls.instances(horizon)
            if c.uses_built_set and type(c) is not LocalReset]


ROUND_TRIP_SHAPES = ((2, 2), (3, 3))
"""(K, H) of the registered access models whose names must parse back."""


def _reads_built_set(control: Control, horizon: int, vocab_size: int) -> bool:
    """Whether `refusal` ever answers differently for two built sets: the definition of a
    control that reads the built set, decided on every query of a small tree."""
    prefixes = list(all_prefixes(vocab_size, horizon))
    everything = frozenset(prefixes)
    for prefix in prefixes:
        for length in range(1, horizon - len(prefix) + 1):
            alone = control.refusal(prefix, length, horizon, frozenset({()}))
            full = control.refusal(prefix, length, horizon, everything)
            if (alone is None) != (full is None):
                return True
    return False


def check_PARTIAL1_controls_declare_what_they_read() -> CheckOutcome:
    """Every registered control instance whose refusal depends on the built set declares
    `uses_built_set` (which decides the controls PARTIAL1's oracle check covers), and every
    registered access model's name parses back to an equal model."""
    count = 0
    for K, H in ROUND_TRIP_SHAPES:
        for control in (c for cls in CONTROL_LEVELS for c in cls.instances(H)):
            # (depth-reset(0) declares True without reading it: only the root, always built)
            assert control.uses_built_set or not _reads_built_set(control, H, K), (control, H)
            count += 1
        for model in registered_access_models(K, H):
            assert access_model(model.name) == model, model.name
            count += 1
    return CheckOutcome(count)


def _admits_by_definition(control: Control, prefix: Prefix, built: AbstractSet[Prefix],
                          vocab_size: int) -> bool | None:
    """The rule of each registered built-set control, restated from docs/theory.md apart
    from its `refusal` (None for a control with no statement here):
    `depth-reset(d)`: the prefix is built and has length at most `d`; `root-or-current`:
    the root, or a built prefix none of whose one-token extensions is built."""
    if isinstance(control, DepthLimitedReset):
        return prefix in built and len(prefix) <= control.depth
    if isinstance(control, RootOrCurrent):
        return prefix == () or (prefix in built and all(
            (*prefix, a) not in built for a in range(vocab_size)))
    return None


def _drive(g: Generator, access: AccessModel, sequence: tuple[tuple[Prefix, int], ...],
           chooser: Chooser) -> str | None:
    """Run `sequence`; the first way the oracle departs from the control's rule (stated in
    `_admits_by_definition`, on the built set of LR's model `model_built_by`) or from LR."""
    oracle = Oracle(g, access, rng=chooser)
    K, H = g.vocab_size, g.horizon
    built: set[Prefix] = {()}
    rewritten = False
    for prefix, length in sequence:
        before = (oracle.transcript, oracle.built, oracle.queries_used, oracle.tokens_generated)
        admitted = _admits_by_definition(access.control, prefix, built, K)
        if admitted is None:  # a control added later: its own word, LR still checked below
            admitted = access.control.refusal(prefix, length, H, oracle.built) is None
        try:
            reports = oracle.query(prefix, length)
        except AccessError:
            after = (oracle.transcript, oracle.built, oracle.queries_used,
                     oracle.tokens_generated)
            if admitted:
                return f"refused the admissible {prefix} after {before[0]}"
            if after != before:
                return f"refusal of {prefix} changed the oracle's state"
            continue
        if not admitted:
            return f"answered the inadmissible {prefix} after {before[0]}"
        if prefix not in built:
            return f"answered unbuilt {prefix}"
        built |= model_built_by(generator_rows(g), H, access.observation, prefix, reports)
        # While the oracle only appends records, the transcript is LR because it was LR
        # before and the new prefix was built by the records before it (just checked); once
        # it has rewritten a record, decide LR afresh.
        transcript = oracle.transcript
        rewritten = rewritten or len(transcript) != len(before[0]) + 1 or any(
            a is not b for a, b in zip(transcript[:-1], before[0], strict=True))
        if rewritten and not is_local_reset(transcript, H):
            return f"transcript breaks LR: {transcript}"
        if oracle.queries_used != len(before[0]) + 1 or \
                oracle.tokens_generated != before[3] + length:
            return "query or token count off"
    return None


ORACLE_DOMAIN = ("K=2, H=3; every registered built-set control but local-reset (depth-reset(d) "
                 "for d in {0, 1}, root-or-current, and any added later) x every registered "
                 "observation type; every sequence of 3 one-token queries and every sequence of 2 "
                 "queries of any length; every random outcome")


def check_PARTIAL1_oracle(controls: tuple[Control, ...] = ()) -> CheckOutcome:
    """Under every registered built-set control the oracle answers exactly the queries the
    control's rule admits (restated in `_admits_by_definition`, on the built set of LR's
    model), only at built prefixes (so LR holds), counts one query and `L` tokens per
    answer, and records nothing on a refusal. `controls` replaces the registered ones (for
    the power check)."""
    K, H = 2, 3
    g = Generator.from_table(K, H, {(): ("1/3", "2/3"), (1,): ("1", "0")},
                             default=("1/2", "1/2"))
    prefixes = list(all_prefixes(K, H))
    short = [(u, 1) for u in prefixes]
    anylen = [(u, L) for u in prefixes for L in range(1, H - len(u) + 1)]
    sequences = [*itertools.product(short, repeat=3), *itertools.product(anylen, repeat=2)]
    count = 0
    for control in controls or _reset_controls(H):
        for cls in OBSERVATION_TYPES:
            for observation in cls.instances(K):
                access = AccessModel(control, observation)
                for sequence in sequences:
                    law = exact_law(functools.partial(_drive, g, access, sequence))
                    bad = [o for o in law if o is not None]
                    assert not bad, f"{access.name}, {sequence}: {bad[0]}"
                    count += len(law)
    return CheckOutcome(count)


class _MutantRootOrCurrent(RootOrCurrent):
    """A deliberately broken control: admits a continued prefix ("regenerate")."""

    def refusal(self, prefix: Prefix, length: int, horizon: int, built: AbstractSet[Prefix]
                ) -> None:
        return None if prefix in built else super().refusal(  # type: ignore[return-value]
            prefix, length, horizon, built)


class _MutantDepthReset(DepthLimitedReset):
    """A deliberately broken control: `depth-reset(d)` that admits built prefixes of length
    `d + 1` too."""

    def refusal(self, prefix: Prefix, length: int, horizon: int, built: AbstractSet[Prefix]
                ) -> ForbiddenStart | None:
        if prefix in built and len(prefix) == self.depth + 1:
            return None
        return super().refusal(prefix, length, horizon, built)


def check_PARTIAL1_oracle_catches_broken_controls() -> CheckOutcome:
    """Power: the oracle check fails on a root-or-current that admits "regenerate" and on a
    depth-reset(0) that admits built prefixes of length 1."""
    for broken, expected in ((_MutantRootOrCurrent(), "answered the inadmissible"),
                             (_MutantDepthReset(0), "answered the inadmissible")):
        try:
            check_PARTIAL1_oracle((broken,))
        except AssertionError as err:
            assert expected in str(err), err
            continue
        raise AssertionError(f"the PARTIAL1 oracle check passed {type(broken).__name__}")
    return CheckOutcome(2, "regenerate and depth d+1 caught")


def check_PARTIAL1_catches_regenerate() -> CheckOutcome:
    """Power: on a control that admits re-asking a continued prefix ("regenerate"), the
    root-or-current bound fails: `sample` learners then beat root-start ones."""
    family = HiddenPathFamily(2, 3, "3/5")
    T = 2
    leaky = compute_best_chosen_prefix_success(family, Logprob(), _MutantRootOrCurrent(), T,
                                               max_length=3)
    bound = compute_HP1_success(family, T)
    assert leaky > bound, (leaky, bound)
    assert is_PARTIAL1_root_or_current_bound(family, Logprob(), T)
    return CheckOutcome(1, f"regenerate reaches {leaky} > S_T = {bound}")


# ---------------------------------------------------------------------------------------
# Checks: the hidden path

DEPTH_CASES = ((2, 3, "3/4", 3), (3, 2, "1/2", 2), (2, 4, "3/4", 2))
"""(K, H, alpha, max T): every `d` in `0..H-1`, every `T` in `1..max T`."""


def check_PARTIAL1_depth_sandwich() -> CheckOutcome:
    """The exact optimum over every adaptive `depth-reset(d)` learner with `full`
    observations lies between the plain strategy and `S_T(K, H-d, alpha)`, and grows with
    `d` (`d = 0` is HP1's `S_T`)."""
    count = 0
    for K, H, alpha, max_T in DEPTH_CASES:
        family = HiddenPathFamily(K, H, alpha)
        for T in range(1, max_T + 1):
            previous = Fraction(0)
            for d in range(H):
                best = compute_best_chosen_prefix_success(
                    family, Full(), DepthLimitedReset(d), T, max_length=H)
                low = compute_PARTIAL1_lower(family, d, T)
                high = compute_PARTIAL1_upper(family, d, T)
                assert low <= best <= high, (K, H, alpha, d, T, low, best, high)
                assert best >= previous, (K, H, alpha, d, T)
                if d == 0:
                    assert best == compute_HP1_success(family, T), (K, H, alpha, T)
                previous = best
                count += 1
    return CheckOutcome(count)


ROC_CASES = ((2, 2, "3/4", 4), (2, 3, "3/5", 3), (3, 2, "1/2", 3))


def check_PARTIAL1_root_or_current() -> CheckOutcome:
    """`root-or-current`: with `sample` or `logprob` the exact optimum is at most the
    canonical root-start optimum `S_T`; with `full`, greedy descent recovers `z` with
    certainty in exactly `H` queries (exact law through the oracle, every `z`)."""
    count = 0
    for K, H, alpha, max_T in ROC_CASES:
        family = HiddenPathFamily(K, H, alpha)
        for observation in (Sample(), Logprob()):
            for T in range(1, max_T + 1):
                assert is_PARTIAL1_root_or_current_bound(family, observation, T), (
                    K, H, alpha, observation.name, T)
                count += 1
        access = AccessModel(RootOrCurrent(), Full())
        for z in family.paths():
            g = family.generator(z)

            def run(chooser: Chooser, g: Generator = g, access: AccessModel = access
                    ) -> tuple[Response, int]:
                oracle = Oracle(g, access, rng=chooser)
                return greedy_descent(oracle), oracle.queries_used

            law = exact_law(run)
            assert set(law) == {(z, H)}, (K, H, alpha, z, law)
            count += 1
    return CheckOutcome(count)


COST_FAMILY = (3, 12, "1/2")
COST_TARGET = Fraction(3, 4)


def check_PARTIAL1_cost_table() -> CheckOutcome:
    """The query cost for success 3/4 on HP(3, 12, 1/2) at every reset depth: the lower end
    decreases with `d`, the two ends differ by exactly `d`, and `d = 0` is HP1's cost."""
    family = HiddenPathFamily(*COST_FAMILY)
    target = COST_TARGET
    rows = [compute_PARTIAL1_cost(family, d, target) for d in range(family.horizon)]
    assert rows[0][0] == compute_root_start_queries_needed(family, target)
    for d, (low, high) in enumerate(rows):
        assert high - low == d
        if d:
            assert low <= rows[d - 1][0]
    assert rows[-1] == (1, family.horizon), rows[-1]
    return CheckOutcome(len(rows), "; ".join(f"d={d}: {lo}..{hi}"
                                             for d, (lo, hi) in enumerate(rows)))


CLAIM = Claim(
    id="PARTIAL1",
    title="Partial prefix control: the cost on the hidden path is exponential in H - d",
    source=Source.FORMALISATION,
    statement="depth-reset(d) (reset only to built prefixes of length <= d) and root-or-current "
    "(restart, or continue a built prefix that has not been continued) refine local reset: "
    "the oracle answers only built prefixes, so LR holds. On HP(K,H,alpha) with full "
    "observations the best success of T queries under depth-reset(d) lies between "
    "max_j<=d S_{T-j}(K,H-j,alpha) and S_T(K,H-d,alpha) (HP1's closed form), so success 3/4 "
    "needs between T* and T*+d queries, T* growing like alpha^-(H-d-1). Under root-or-current, "
    "sample and logprob learners are no better than root-start (S_T), while full recovers z in "
    "H queries.",
    uses=("LR", "HP1", "HP3"),
    predicates=(is_PARTIAL1_depth_sandwich, is_PARTIAL1_root_or_current_bound),
    checks=(
        proof_check("PARTIAL1", PROOF),
        Check("PARTIAL1_oracle", CheckKind.EXHAUSTIVE, ORACLE_DOMAIN, check_PARTIAL1_oracle),
        Check("PARTIAL1_controls_declare_what_they_read", CheckKind.EXHAUSTIVE,
              "every registered control instance and access model for (K, H) in "
              f"{cases_text(ROUND_TRIP_SHAPES)}: a refusal that depends on the "
              "built set (every query) declares it; every name parses back to an equal model",
              check_PARTIAL1_controls_declare_what_they_read),
        Check("PARTIAL1_depth_sandwich", CheckKind.EXHAUSTIVE,
              "every adaptive learner (belief-state search), full observations, every d in "
              f"0..H-1, every T in 1..max T: (K, H, alpha, max T) in {cases_text(DEPTH_CASES)}",
              check_PARTIAL1_depth_sandwich),
        Check("PARTIAL1_root_or_current", CheckKind.EXHAUSTIVE,
              "every adaptive learner, sample and logprob, every T in 1..max T: (K, H, alpha, "
              f"max T) in {cases_text(ROC_CASES)}; full: greedy descent, every z, every branch",
              check_PARTIAL1_root_or_current),
        Check("PARTIAL1_cost_table", CheckKind.EXHAUSTIVE,
              f"HP{cases_text([COST_FAMILY])}, target {COST_TARGET}, every d in "
              f"0..{COST_FAMILY[1] - 1}", check_PARTIAL1_cost_table),
        Check("PARTIAL1_oracle_catches_broken_controls", CheckKind.POWER,
              "oracle check against root-or-current admitting regenerate and depth-reset(0) "
              "admitting built prefixes of length 1",
              check_PARTIAL1_oracle_catches_broken_controls),
        Check("PARTIAL1_catches_regenerate", CheckKind.POWER,
              "root-or-current that admits re-asking a continued prefix, HP(2,3,3/5), "
              "logprob, T=2",
              check_PARTIAL1_catches_regenerate),
    ),
    reference=("genaccess.spec.partial_control.DepthLimitedReset",
               "genaccess.spec.partial_control.RootOrCurrent",
               "genaccess.reference.greedy_descent.greedy_descent"),
    proof=PROOF,
)
