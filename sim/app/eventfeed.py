"""Read a model's event log incrementally, for a page that redraws after every step.

``EventLog.frame()`` rebuilds one DataFrame of the whole run; with endogenous policies
that is thousands of rows and ~200 ms at 40 states, too slow to call on every step.
The log is append-only, so an :class:`EventFeed` remembers how far it has read and only
converts what is new.  It reads the log's row list and array chunks; if those ever
change shape, it falls back to ``frame()``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from sim.results import is_support

ORIGIN_RANK = {"scenario": 0, "instructor": 1, "policy": 2}


@dataclass(frozen=True)
class Entry:
    """One applied action as the page shows it."""

    step: int
    date: dt.date
    kind: str
    actor: str
    recipients: str
    participants: str
    target: str
    magnitude: float
    unit: str
    origin: str
    source: str
    name: str
    note: str
    warning: str


def _date(value) -> dt.date:
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, dt.datetime):
        return value.date()
    return value


class EventFeed:
    """Everything a model's :class:`~sim.eventlog.EventLog` holds, read a step at a time."""

    def __init__(self, log):
        self.log = log
        self.entries: list[Entry] = []
        self._cursor = (0, 0)

    def update(self) -> list[Entry]:
        """Read what was logged since the last call; returns the new entries."""
        records, self._cursor = self.log.since(self._cursor)
        new = [Entry(int(r["step"]), _date(r["date"]), r["kind"], r["actor"], r["recipients"],
                     r["participants"], r["target"], float(r["magnitude"]), r["unit"],
                     r["origin"], r["source"], r["name"], r["note"], r["warning"])
               for r in records]
        new.sort(key=lambda e: (e.step, ORIGIN_RANK.get(e.origin, 3)))
        self.entries.extend(new)
        return new

    def count(self, origins: frozenset[str] | None = None) -> int:
        """How many entries (of the given origins) have been read."""
        if origins is None:
            return len(self.entries)
        return sum(e.origin in origins for e in self.entries)

    def newest(self, origins: frozenset[str], limit: int) -> list[Entry]:
        """The newest ``limit`` entries of the given origins, newest first."""
        out = []
        for e in reversed(self.entries):
            if e.origin in origins:
                out.append(e)
                if len(out) >= limit:
                    break
        return out

    def cumulative_support(self, spec, steps: list[int]) -> dict[str, list[float]]:
        """Cumulative support (EUR bn) per donor at each of ``steps``, counted as ``Results.support`` does.

        ``spec`` is the scenario's support block (recipient, window, kinds).
        """
        per_step: dict[str, dict[int, float]] = {}
        for e in self.entries:
            if e.magnitude > 0 and is_support(spec, e.kind, e.recipients, e.date):
                per_step.setdefault(e.actor, {}).setdefault(e.step, 0.0)
                per_step[e.actor][e.step] += e.magnitude
        out = {}
        for donor, amounts in per_step.items():
            pending = sorted(amounts.items())
            total, k, series = 0.0, 0, []
            for s in steps:
                while k < len(pending) and pending[k][0] <= s:
                    total += pending[k][1]
                    k += 1
                series.append(total)
            out[donor] = series
        return out
