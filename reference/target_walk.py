"""The known-target sample walk the probe prices (`genaccess.spec.probe.compute_walk_cost`).

A learner that knows its target `z` walks towards it with chosen-prefix sampling: at the
built prefix `z_<t` it draws one-token samples until `z_t` appears (which builds `z_<=t`,
so LR allows the next query there), then moves on. With `samples[t]` draws allowed at depth
`t` it gives up when they run out.
"""

from __future__ import annotations

from collections.abc import Sequence

from genaccess.reference.cps_path import check_chosen_prefix_sampling, sample_once
from genaccess.spec.errors import InvalidDefinition
from genaccess.spec.oracle import Oracle


def target_walk(oracle: Oracle, target: Sequence[int],
                samples: Sequence[int | None] | None = None) -> bool:
    """LR: walk to `target` by sampling each depth until its token appears; `True` if the
    whole target was built. `samples[t]` caps the draws at depth `t` (`None`: no cap).

    Preconditions: chosen-prefix control and an observation that shows the sampled token;
    `target` no longer than the horizon."""
    check_chosen_prefix_sampling(oracle, "target_walk")
    z = tuple(target)
    if not z or len(z) > oracle.horizon:
        raise InvalidDefinition("target", f"must have 1 to H = {oracle.horizon} tokens", z)
    caps = [None] * len(z) if samples is None else list(samples)
    if len(caps) != len(z):
        raise InvalidDefinition("samples", "must give one cap per depth", len(caps))
    for t, cap in enumerate(caps):
        prefix, drawn = z[:t], 0
        while cap is None or drawn < cap:
            drawn += 1
            if sample_once(oracle, prefix) == z[t]:
                break
        else:
            return False
    return True
