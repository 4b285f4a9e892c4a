"""PARTIAL1's proof: partial control costs exponentially in the depth it cannot reach.

PARTIAL1: `depth-reset(d)` and `root-or-current` answer only at built prefixes, so their
transcripts satisfy LR. On HP(K, H, alpha) with `full` observations and `T` queries of any
length, the best success under `depth-reset(d)` lies between `max_{j <= d} S_{T-j}(K, H-j,
alpha)` and `S_T(K, H-d, alpha)`, so the least `T` reaching `3/4` lies between `T*` and
`T* + d` (`T*`: HP1's root-start cost at horizon `H - d`). Under `root-or-current`, no
`sample` or `logprob` learner beats root-start's `S_T`, while `full` recovers `z` in `H`
queries.

Proved for all parameters: the refinement of LR, the lower end of the sandwich (descend `j`
levels as in HP3, then HP1's optimum on the subtree), greedy descent under
`root-or-current`, and the cost window as a consequence of the sandwich. Open (bounded):
the upper end of the sandwich and the `root-or-current` bound for `sample`/`logprob`, both
bounds over every adaptive learner decided by exhaustive belief-state search on small
instances only; so the claim is bounded.
"""

from __future__ import annotations

import itertools
from fractions import Fraction
from typing import Any

import sympy
import z3

from genaccess.proofs.discharge import validity
from genaccess.proofs.hidden_path_symbolic import symbolic_closed_form
from genaccess.spec.belief_search import compute_best_chosen_prefix_success
from genaccess.spec.hidden_path import HiddenPathFamily
from genaccess.spec.observation import Full, Logprob, Sample
from genaccess.spec.partial_control import DepthLimitedReset, RootOrCurrent
from genaccess.spec.partial_control_cost import (
    compute_PARTIAL1_cost,
    compute_PARTIAL1_lower,
    compute_PARTIAL1_upper,
    is_PARTIAL1_depth_sandwich,
    is_PARTIAL1_root_or_current_bound,
)
from genaccess.spec.prefix import all_prefixes
from genaccess.spec.proof import (
    Proof,
    Tie,
    bounded,
    by_claim,
    by_definition,
    by_induction,
    by_z3,
)

Formula = tuple[list[Any], Any]

# ---------------------------------------------------------------------------------------
# Both controls refine local reset.


def _refines(wrong: bool) -> Formula:
    """`() in B`; depth-reset admits `q` iff `q in B` and `|q| <= d`; root-or-current iff
    `q = ()` or (`q in B` and `q` current) => an admitted `q` is in `B`. Wrong: a
    root-or-current that admits any prefix without a built child, built or not."""
    prefix = z3.DeclareSort("Prefix")
    B = z3.Const("B_i", z3.SetSort(prefix))
    q, root = z3.Const("q", prefix), z3.Const("root", prefix)
    length, d = z3.Ints("|q| d")
    current = z3.Bool("no_child_of_q_built")
    depth = z3.And(z3.IsMember(q, B), length <= d)
    continued = current if wrong else z3.And(z3.IsMember(q, B), current)
    roc = z3.Or(q == root, continued)
    return [z3.IsMember(root, B)], z3.And(z3.Implies(depth, z3.IsMember(q, B)),
                                         z3.Implies(roc, z3.IsMember(q, B)))


REFINE_SHAPE = (2, 3)
REFINE_DOMAIN = (f"K={REFINE_SHAPE[0]}, H={REFINE_SHAPE[1]}: every built set containing (), "
                 "every prefix and length; depth-reset(d) for d in 0..H-1 and root-or-current")


def _refines_tie() -> int:
    """Each control's `refusal` admits only built prefixes (and depth-reset only short ones)."""
    K, H = REFINE_SHAPE
    prefixes = list(all_prefixes(K, H))
    others = [u for u in prefixes if u != ()]
    controls = [*(DepthLimitedReset(d) for d in range(H)), RootOrCurrent()]
    compared = 0
    for size in range(len(others) + 1):
        for chosen in itertools.combinations(others, size):
            built = frozenset({(), *chosen})
            for control, u in itertools.product(controls, prefixes):
                admitted = control.refusal(u, 1, H, built) is None
                assert not admitted or u in built, (control, u, sorted(built))
                if isinstance(control, DepthLimitedReset):
                    assert admitted is (u in built and len(u) <= control.depth)
                compared += 1
    return compared


# ---------------------------------------------------------------------------------------
# The lower end: descend j <= d levels (HP3), then roll out below z_<=j (HP1).


def _descend(wrong: bool) -> Formula:
    """The descent queries `z_<s` (`s <= j`) have length `s - 1 <= d`, and the rollouts
    start at `z_<=j`, of length `j <= d`: all admissible. Wrong: `j <= d + 1`."""
    j, d, s = z3.Ints("j d s")
    top = d + 1 if wrong else d
    hyps = [d >= 0, j >= 0, j <= top, s >= 1, s <= j]
    return hyps, z3.And(s - 1 <= d, j <= d)


def _lower(wrong: bool) -> Formula:
    """For every admissible `j` the plain strategy gives `best >= S(T-j, H-j)`; the maximum
    is one of them => `best >= max`. Wrong: the maximum taken one level deeper than `d`."""
    best, low = z3.Reals("best L")
    d, T, H, j0 = z3.Ints("d T H j_0")
    S = z3.Function("S", z3.IntSort(), z3.IntSort(), z3.RealSort())
    j = z3.Int("j")
    reach = d + 1 if wrong else d
    hyps = [d >= 0, T >= 1, H >= 1, d <= H - 1,
            z3.ForAll([j], z3.Implies(z3.And(j >= 0, j <= d, j <= T - 1),
                                      best >= S(T - j, H - j))),
            j0 >= 0, j0 <= reach, j0 <= T - 1, low == S(T - j0, H - j0)]
    return hyps, best >= low


def _plain_value(K: int, H: int, alpha: Fraction, d: int, T: int) -> Fraction:
    """`max_j S_{T-j}(K, H-j)` from HP1's symbolic closed form (and `K^-(H-T)` when every
    query descends)."""
    a = sympy.Rational(alpha.numerator, alpha.denominator)
    best = Fraction(1, K**H)
    for j in range(min(d, H - 1, T - 1) + 1):
        value = symbolic_closed_form(K, H - j, T - j, a)
        best = max(best, Fraction(int(sympy.numer(value)), int(sympy.denom(value))))
    if min(d + 1, H) >= T:
        best = max(best, Fraction(1, K ** (H - T)))
    return best


SANDWICH_CASES = ((2, 3, "3/4", 3), (3, 2, "1/2", 2))
SANDWICH_DOMAIN = ("(K, H, alpha, max T) in " + ", ".join(map(str, SANDWICH_CASES))
                   + "; every d in 0..H-1, T in 1..max T; full, every adaptive learner")


def _lower_tie() -> int:
    """`compute_PARTIAL1_lower` equals the plain strategy's value from the symbolic closed
    form, and the exhaustive optimum is at least it."""
    compared = 0
    for K, H, alpha, max_T in SANDWICH_CASES:
        family = HiddenPathFamily(K, H, alpha)
        for d, T in itertools.product(range(H), range(1, max_T + 1)):
            low = compute_PARTIAL1_lower(family, d, T)
            assert low == _plain_value(K, H, family.alpha, d, T), (K, H, alpha, d, T)
            best = compute_best_chosen_prefix_success(family, Full(), DepthLimitedReset(d), T,
                                                      max_length=H)
            assert low <= best, (K, H, alpha, d, T)
            compared += 1
    return compared


def _sandwich_check() -> int:
    compared = 0
    for K, H, alpha, max_T in SANDWICH_CASES:
        family = HiddenPathFamily(K, H, alpha)
        for d, T in itertools.product(range(H), range(1, max_T + 1)):
            assert is_PARTIAL1_depth_sandwich(family, d, T), (K, H, alpha, d, T)
            compared += 1
    return compared


# ---------------------------------------------------------------------------------------
# The cost window from the sandwich.


def _cost(wrong: bool) -> Formula:
    """The sandwich at the two points the argument needs: `best(T_min) <= S(T_min)` (upper
    end, `S = S_T(K, H-d)`), `best(T* + d) >= S(T*)` (lower end at `j = d`, `T* >= 1`);
    `S < 3/4` before `T*`, `best < 3/4` before `T_min` => `T* <= T_min <= T* + d`. Wrong:
    `T_min <= T* + d - 1`."""
    best = z3.Function("best", z3.IntSort(), z3.RealSort())
    S = z3.Function("S", z3.IntSort(), z3.RealSort())
    d, t_star, t_min = z3.Ints("d T* T_min")
    goal = z3.RealVal(Fraction(3, 4))
    hyps = [d >= 0, t_star >= 1, t_min >= 0,
            best(t_min) <= S(t_min), best(t_star + d) >= S(t_star),
            z3.Implies(t_min < t_star, S(t_min) < goal), S(t_star) >= goal,
            best(t_min) >= goal, z3.Implies(t_star + d < t_min, best(t_star + d) < goal)]
    top = t_star + d - 1 if wrong else t_star + d
    return hyps, z3.And(t_star <= t_min, t_min <= top)


COST_FAMILIES = ((2, 4, "3/4"), (3, 3, "1/2"), (3, 6, "1/2"))
COST_TARGET = Fraction(3, 4)
COST_DOMAIN = ("HP" + ", HP".join(map(str, COST_FAMILIES)) + f", target {COST_TARGET}, every d "
               "in 0..H-1")


def _cost_tie() -> int:
    """`compute_PARTIAL1_cost = (T*, T* + d)`: `T*` is the least `T` with the upper end
    `>= 3/4`, and the lower end reaches `3/4` at `T* + d`."""
    compared = 0
    for K, H, alpha in COST_FAMILIES:
        family = HiddenPathFamily(K, H, alpha)
        for d in range(H):
            low, high = compute_PARTIAL1_cost(family, d, COST_TARGET)
            assert high == low + d
            assert compute_PARTIAL1_upper(family, d, low) >= COST_TARGET
            assert low == 1 or compute_PARTIAL1_upper(family, d, low - 1) < COST_TARGET
            assert compute_PARTIAL1_lower(family, d, high) >= COST_TARGET
            compared += 1
    return compared


# ---------------------------------------------------------------------------------------
# root-or-current: greedy descent with full observations.


def _current(queried: Any, t: Any) -> Any:
    s = z3.Int("s")
    return z3.ForAll([s], z3.Implies(s >= 0, queried(s) == (s < t)))


def _greedy_base(wrong: bool) -> Formula:
    queried = z3.Function("queried_0", z3.IntSort(), z3.BoolSort())
    s = z3.Int("s")
    hyps = [z3.ForAll([s], queried(s) == (wrong and s == 0))]
    return hyps, z3.And(_current(queried, z3.IntVal(0)), z3.Not(queried(z3.IntVal(0))))


def _greedy_step(wrong: bool) -> Formula:
    """The queried prefixes are `zhat_<1..zhat_<t` (depths `< t`); a child of `zhat_<=t` is
    built only by a query at `zhat_<=t`, so `zhat_<=t` is current and the query at it is
    admitted; afterwards the queried depths are `< t+1`. Wrong: the learner re-asks
    `zhat_<t` ("regenerate"), whose child is built."""
    queried = z3.Function("queried_t", z3.IntSort(), z3.BoolSort())
    queried1 = z3.Function("queried_next", z3.IntSort(), z3.BoolSort())
    t, s = z3.Ints("t s")
    at = t - 1 if wrong else t
    child_built = queried(at)
    hyps = [t >= 1, _current(queried, t),
            z3.ForAll([s], queried1(s) == z3.Or(queried(s), s == at))]
    return hyps, z3.And(z3.Not(child_built), _current(queried1, t + 1))


GREEDY_CASES = ((2, 2, "3/4"), (2, 3, "3/5"), (3, 2, "1/2"))
GREEDY_DOMAIN = ("every adaptive learner, H queries of any length, root-or-current/full, "
                 "(K, H, alpha) in " + ", ".join(map(str, GREEDY_CASES)))


def _greedy_tie() -> int:
    for K, H, alpha in GREEDY_CASES:
        family = HiddenPathFamily(K, H, alpha)
        assert compute_best_chosen_prefix_success(family, Full(), RootOrCurrent(), H,
                                                  max_length=H) == 1, (K, H, alpha)
    return len(GREEDY_CASES)


ROC_CASES = ((2, 2, "3/4", 4), (2, 3, "3/5", 3), (3, 2, "1/2", 3))
ROC_DOMAIN = ("every adaptive learner (belief-state search), sample and logprob, "
              "root-or-current, T in 1..max T: (K, H, alpha, max T) in "
              + ", ".join(map(str, ROC_CASES)))


def _roc_check() -> int:
    compared = 0
    for K, H, alpha, max_T in ROC_CASES:
        family = HiddenPathFamily(K, H, alpha)
        for observation, T in itertools.product((Sample(), Logprob()), range(1, max_T + 1)):
            assert is_PARTIAL1_root_or_current_bound(family, observation, T), (K, H, alpha, T)
            compared += 1
    return compared


# ---------------------------------------------------------------------------------------
# The proof.

PROOF = Proof((
    by_claim("PARTIAL1.lr", "a control that answers only at built prefixes makes LR "
             "transcripts (the built set is the transcript's, LR.invariant)", "LR"),
    by_claim("PARTIAL1.hp1", "HP1: S_T(K, H, alpha) is the best success of T canonical "
             "root-start rollouts with z uniform, and the least T reaching 3/4 grows like "
             "alpha^-(H-1)", "HP1"),
    by_claim("PARTIAL1.hp3", "HP3: one-step full queries at zhat_<t read z_t off with "
             "certainty", "HP3"),
    by_definition("PARTIAL1.depth_control", "depth-reset(d) admits q iff q is built and "
                  "|q| <= d", "genaccess.spec.partial_control.DepthLimitedReset.refusal"),
    by_definition("PARTIAL1.roc_control", "root-or-current admits the root and every built "
                  "prefix none of whose one-token extensions is built",
                  "genaccess.spec.partial_control.RootOrCurrent.refusal"),
    by_z3("PARTIAL1.refines", "both controls answer only at built prefixes, so their "
          "transcripts satisfy LR",
          validity("() in B; admitted by depth-reset(d) or root-or-current => q in B",
                   lambda: _refines(False), wrong="root-or-current admits an unbuilt prefix",
                   build_wrong=lambda: _refines(True)),
          uses=("PARTIAL1.lr", "PARTIAL1.depth_control", "PARTIAL1.roc_control"),
          tie=Tie("genaccess.spec.partial_control.DepthLimitedReset.refusal", REFINE_DOMAIN,
                  _refines_tie)),
    by_definition("PARTIAL1.subtree", "below z_<=j, pi_z is the hidden-path generator of "
                  "HP(K, H-j, alpha) with the path z_{>j} (the rule reads only whether the "
                  "prefix follows the path)", "genaccess.spec.hidden_path.HiddenPathRule"),
    by_z3("PARTIAL1.descend", "under depth-reset(d), j <= d one-step full queries at z_<1 .. "
          "z_<j (HP3) learn z_<=j with certainty and build it; rollouts from z_<=j are "
          "admissible", validity("1 <= s <= j <= d => s - 1 <= d, j <= d",
                                 lambda: _descend(False), wrong="j <= d + 1",
                                 build_wrong=lambda: _descend(True)),
          uses=("PARTIAL1.hp3", "PARTIAL1.depth_control")),
    by_z3("PARTIAL1.lower", "the best success under depth-reset(d) is at least max_{j <= d} "
          "S_{T-j}(K, H-j, alpha) (descend j, then T-j rollouts of the subtree, HP1's "
          "optimum there; K^-(H-T) when every query descends)",
          validity("best >= S(T-j, H-j) for every admissible j, L = S(T-j_0, H-j_0) with "
                   "j_0 admissible => best >= L", lambda: _lower(False),
                   wrong="j_0 <= d + 1", build_wrong=lambda: _lower(True)),
          uses=("PARTIAL1.descend", "PARTIAL1.subtree", "PARTIAL1.hp1"),
          tie=Tie("genaccess.spec.partial_control_cost.compute_PARTIAL1_lower",
                  SANDWICH_DOMAIN, _lower_tie)),
    bounded("PARTIAL1.upper", "every adaptive depth-reset(d) learner with T full queries of "
            "any length succeeds with at most S_T(K, H-d, alpha)", domain=SANDWICH_DOMAIN,
            reason="a bound over every adaptive learner: handed z_<=d, each query from a "
            "prefix of length <= d is a garbling of one canonical rollout of the subtree "
            "(truncated, or stopped where it leaves the path), which with data processing "
            "and HP1 would give S_T(K, H-d); that per-query garbling is argued, not "
            "discharged symbolically, so the bound is decided by exhaustive belief-state "
            "search on small instances", check=_sandwich_check,
            uses=("PARTIAL1.subtree", "PARTIAL1.hp1")),
    by_induction("PARTIAL1.greedy", "under root-or-current with full observations, greedy "
                 "descent queries zhat_<t+1 when it is current (built, no child built), by "
                 "induction on t; with HP3 it recovers z in exactly H queries", "t",
                 base=validity("nothing queried; () is current",
                               lambda: _greedy_base(False), wrong="() already queried",
                               build_wrong=lambda: _greedy_base(True)),
                 step=validity("queried depths < t => zhat_<=t has no built child; queried "
                               "depths < t+1 after", lambda: _greedy_step(False),
                               wrong="regenerate: re-ask zhat_<t",
                               build_wrong=lambda: _greedy_step(True)),
                 uses=("PARTIAL1.hp3", "PARTIAL1.roc_control"),
                 tie=Tie("genaccess.spec.belief_search.compute_best_chosen_prefix_success",
                         GREEDY_DOMAIN, _greedy_tie)),
    bounded("PARTIAL1.roc_sample", "under root-or-current no sample or logprob learner with T "
            "queries beats root-start's S_T", domain=ROC_DOMAIN,
            reason="a bound over every adaptive learner that re-asks no continued prefix; no "
            "symbolic proof that such transcripts are worth at most T canonical rollouts is "
            "given, so it is decided by exhaustive belief-state search on small instances",
            check=_roc_check, uses=("PARTIAL1.roc_control", "PARTIAL1.hp1")),
    by_z3("PARTIAL1.cost", "PARTIAL1: both controls refine LR; under depth-reset(d) the best "
          "success lies between max_{j<=d} S_{T-j}(K, H-j) and S_T(K, H-d), so the least T "
          "reaching 3/4 lies between T* and T* + d (T* HP1's cost at horizon H-d, growing "
          "like alpha^-(H-d-1)); under root-or-current sample and logprob are worth no more "
          "than root-start, full recovers z in H queries",
          validity("best(T_min) <= S(T_min), best(T* + d) >= S(T*), T* and T_min least => "
                   "T* <= T_min <= T* + d", lambda: _cost(False), wrong="T_min <= T* + d - 1",
                   build_wrong=lambda: _cost(True)),
          uses=("PARTIAL1.refines", "PARTIAL1.lower", "PARTIAL1.upper", "PARTIAL1.hp1",
                "PARTIAL1.greedy", "PARTIAL1.roc_sample"),
          tie=Tie("genaccess.spec.partial_control_cost.compute_PARTIAL1_cost", COST_DOMAIN,
                  _cost_tie)),
))
"""PARTIAL1: LR refinement, the lower end and the cost window, greedy descent, proved; the
upper end and the root-or-current sample bound open (bounded search)."""
