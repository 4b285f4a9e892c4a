"""Torch's intra-op thread count for the adapter's forward passes: one thread by default.

The oracle runs the model on one new position at a time (a batch of one token against the
cached past), so each forward pass is a string of small matrix products. Splitting those
across threads costs more in synchronisation than it saves, and when the cores are busy
with other work each split waits for the slowest thread. Measured with
`genaccess simulate planted --learners root-start` (tiny GPT-2, 2,965 forward tokens) on a
2-core machine with load average 1.7-3.7: 12.6 s with one thread, 49 s with torch's default
(2 here), 78 s with 2 set explicitly. docs/transformers.md has the numbers for a GPT-2-small
shape (`benchmarks/bench_planted_scale.py --threads N`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from genaccess.spec.errors import InvalidDefinition

DEFAULT_THREADS = 1
"""The thread count commands that run a transformer set unless told otherwise (`--threads`)."""


def check_threads(threads: object) -> int:
    """A thread count: an integer >= 1."""
    if isinstance(threads, bool) or not isinstance(threads, int) or threads < 1:
        raise InvalidDefinition("threads", "must be an integer >= 1", threads)
    return threads


def use_threads(threads: int = DEFAULT_THREADS) -> None:
    """Set torch's intra-op thread count for this process (it is process-wide)."""
    import torch

    torch.set_num_threads(check_threads(threads))


@contextmanager
def using_threads(threads: int = DEFAULT_THREADS) -> Iterator[None]:
    """`use_threads(threads)` for the duration of a block, then torch's previous count (for
    tests and benchmarks that share a process)."""
    import torch

    previous = torch.get_num_threads()
    use_threads(threads)
    try:
        yield
    finally:
        torch.set_num_threads(previous)
