"""The probe on any generator: score fixed targets exactly, then predict what each access
model pays to reach them (the predictions are `genaccess.spec.probe`'s).

`score_target(generator, z)` asks the generator for `pi(.|z_<t)` at each depth (through its
rule: for a transformer, the adapter's exact softmax after the prompt and `z_<t`, the
target's token IDs fed back as given, never re-tokenised) and keeps each depth's
`DepthProfile`. `probe(generator, targets, delta, top_k)` adds every predicted cost, per
target and for the set (a reward accepting any target).
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import attrs

from genaccess.spec.errors import InvalidDefinition
from genaccess.spec.generator import Generator
from genaccess.spec.numbers import check_open_unit
from genaccess.spec.probe import (
    PluralityCost,
    TargetProfile,
    TopCost,
    UnseenGap,
    WalkCost,
    compute_access_ratio,
    compute_adaptive_cost,
    compute_cps_cost,
    compute_least_rollouts,
    compute_set_reach,
    compute_top_cost,
    compute_unseen_gap,
    compute_walk_cost,
    depth_profile,
    minimal_targets,
)


def check_target(target: object, vocab_size: int, horizon: int) -> tuple[int, ...]:
    """A target: 1 to `H` token IDs of `0..K-1`."""
    if isinstance(target, str | bytes) or not isinstance(target, Sequence):
        raise InvalidDefinition("target", "must be a sequence of token IDs", target)
    tokens = tuple(target)
    if not tokens:
        raise InvalidDefinition("target", "must hold at least one token ID", [])
    if len(tokens) > horizon:
        raise InvalidDefinition("target", f"must have at most H = {horizon} tokens",
                                f"{len(tokens)} tokens")
    for i, a in enumerate(tokens):
        if isinstance(a, bool) or not isinstance(a, int) or not 0 <= a < vocab_size:
            raise InvalidDefinition("target", f"token {i} must be a token ID 0..{vocab_size - 1}",
                                    a)
    return tokens


def score_target(generator: Generator, target: Sequence[int]) -> TargetProfile:
    """The exact profile of `target` under `generator`: one next-token law per depth."""
    z = check_target(target, generator.vocab_size, generator.horizon)
    depths = tuple(depth_profile(generator.next_token(z[:t]), z[t]) for t in range(len(z)))
    return TargetProfile(z, generator.vocab_size, depths)


@attrs.frozen
class TargetCosts:
    """Every prediction for one target (see `genaccess.spec.probe` for each formula)."""

    profile: TargetProfile
    root_start: int | None
    unseen: UnseenGap | None
    walk: WalkCost
    cps: PluralityCost
    adaptive: PluralityCost
    logits: TopCost
    top: dict[int, TopCost]
    """`topk(k)` for each requested `k`, and `1` (top-1) always."""

    @property
    def ratio(self) -> Fraction | None:
        """Root-start rollouts over the sample walk's queries (same `delta`)."""
        return compute_access_ratio(self.root_start, self.walk.queries)


@attrs.frozen
class SetCosts:
    """The set of targets as one reward accepting any of them."""

    minimal: tuple[int, ...]
    """Indices of the targets that decide the reward (`minimal_targets`)."""
    reach: Fraction
    root_start: int | None
    unseen: UnseenGap | None
    cheapest: int | None
    """Index of the target whose sample walk is cheapest (a learner that knows the set
    walks towards it)."""
    walk_queries: int | None

    @property
    def ratio(self) -> Fraction | None:
        return compute_access_ratio(self.root_start, self.walk_queries)


@attrs.frozen
class Probe:
    delta: Fraction
    top_k: tuple[int, ...]
    targets: tuple[TargetCosts, ...]
    union: SetCosts


def target_costs(profile: TargetProfile, delta: Fraction, top_k: Sequence[int]
                 ) -> TargetCosts:
    """Every predicted cost of one scored target."""
    return TargetCosts(
        profile=profile,
        root_start=compute_least_rollouts(profile.rho, delta),
        unseen=compute_unseen_gap(profile.rho),
        walk=compute_walk_cost(profile, delta),
        cps=compute_cps_cost(profile, delta),
        adaptive=compute_adaptive_cost(profile, delta),
        logits=compute_top_cost(profile, None),
        top={k: compute_top_cost(profile, k) for k in sorted({1, *top_k})},
    )


def probe(generator: Generator, targets: Sequence[Sequence[int]], delta: object,
          top_k: Sequence[int] = (5, 20)) -> Probe:
    """Score every target on `generator` and predict every cost, per target and for the
    set. `delta` in `(0, 1)` is the failure probability every prediction is made for."""
    d = check_open_unit(delta, "delta")
    if not targets:
        raise InvalidDefinition("targets", "must hold at least one target", [])
    for k in top_k:
        if isinstance(k, bool) or not isinstance(k, int) or k < 1:
            raise InvalidDefinition("top_k", "must be integers >= 1", k)
    profiles = [score_target(generator, z) for z in targets]
    costs = tuple(target_costs(p, d, top_k) for p in profiles)
    minimal = minimal_targets([p.tokens for p in profiles])
    indices = tuple(next(i for i, p in enumerate(profiles) if p.tokens == z) for z in minimal)
    reach = compute_set_reach(profiles)
    walks = [(c.walk.queries, i) for i, c in enumerate(costs) if c.walk.queries is not None]
    cheapest = min(walks) if walks else None
    union = SetCosts(indices, reach, compute_least_rollouts(reach, d), compute_unseen_gap(reach),
                     None if cheapest is None else cheapest[1],
                     None if cheapest is None else cheapest[0])
    return Probe(d, tuple(top_k), costs, union)
