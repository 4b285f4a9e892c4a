"""Transcripts: the record of an oracle's answered queries."""

from __future__ import annotations

import attrs

from genaccess.spec.observation import Report
from genaccess.spec.prefix import Prefix


@attrs.frozen
class QueryRecord:
    """One answered query: start `prefix`, continuation `length`, one report per step."""

    prefix: Prefix
    length: int
    reports: tuple[Report, ...]

    def visible_continuation(self) -> tuple[int, ...]:
        """The continuation tokens the reports show, up to the first hidden one."""
        shown: list[int] = []
        for report in self.reports:
            if report.token is None:
                break
            shown.append(report.token)
        return tuple(shown)


Transcript = tuple[QueryRecord, ...]
