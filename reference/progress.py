"""A small progress bar on stderr for long simulations (hand-written, no dependency)."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """Draws ``label [#####.....] done/total`` on `stream`, at most every `interval` seconds,
    once `delay` seconds have passed; silent when disabled."""

    def __init__(self, total: int, label: str, *, enabled: bool, stream: TextIO | None = None,
                 delay: float = 1.0, interval: float = 0.2, width: int = 30) -> None:
        self.total = total
        self.label = label
        self.enabled = enabled
        self.stream = stream if stream is not None else sys.stderr
        self.width = width
        self._start = time.monotonic()
        self._delay = delay
        self._interval = interval
        self._last = 0.0
        self._drawn = False

    @classmethod
    def for_terminal(cls, total: int, label: str, quiet: bool) -> Progress:
        """Enabled only when stderr is a terminal and the output is not machine-readable."""
        return cls(total, label, enabled=not quiet and sys.stderr.isatty())

    def update(self, done: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self._start < self._delay or (now - self._last < self._interval
                                               and done < self.total):
            return
        self._last = now
        filled = self.width * done // max(self.total, 1)
        bar = "#" * filled + "." * (self.width - filled)
        self.stream.write(f"\r{self.label} [{bar}] {done}/{self.total}")
        self.stream.flush()
        self._drawn = True

    def close(self) -> None:
        if self._drawn:
            self.stream.write("\r" + " " * (len(self.label) + self.width + 30) + "\r")
            self.stream.flush()
