"""Two top-1 probes of the LT3 pair (realise LT3's negative side beside `top1_trie`): they
ask where the two tries differ, or roll out from the root, and still learn nothing, since
every `top1` answer has the same law under both tries."""

from __future__ import annotations

from genaccess.spec.oracle import Oracle


def two_rollouts(oracle: Oracle) -> None:
    """LT3: two root-start rollouts of length `H` (root-start control); the transcript is
    the whole output."""
    oracle.rollout()
    oracle.rollout()


def probe_extra_branch(oracle: Oracle) -> None:
    """LT3: under arbitrary-prefix control, ask exactly where `T2` adds its branch: one
    query at `1·0^(j-1)` continuing to the horizon, for every depth `j` in `1..H-1`."""
    H = oracle.horizon
    for depth in range(1, H):
        oracle.query((1,) + (0,) * (depth - 1), H - depth)
