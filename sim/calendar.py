"""The model calendar: which period each step covers and which step a date falls in."""

from __future__ import annotations

import bisect
import datetime as dt
import re

STEP_MONTHS = {"month": 1, "quarter": 3}


def add_months(d: dt.date, months: int) -> dt.date:
    """``d`` moved by whole months, keeping the day where the month has it (else its last day)."""
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    for day in (d.day, 30, 29, 28):
        try:
            return dt.date(year, month, day)
        except ValueError:
            continue
    raise ValueError(d)


def parse_every(every: str) -> int:
    """Months between occurrences of a recurring event: year, quarter, month or 'N months'."""
    text = str(every).strip().lower()
    named = {"year": 12, "yearly": 12, "annual": 12, "quarter": 3, "month": 1, "monthly": 1}
    if text in named:
        return named[text]
    m = re.fullmatch(r"(\d+)\s*months?", text)
    if m and int(m.group(1)) > 0:
        return int(m.group(1))
    raise ValueError(f"'{every}' is not a repetition")


class Calendar:
    """Periods from ``start`` to ``end`` (inclusive) of one month, quarter or week each.

    Step k (1-based, as Mesa counts) covers ``[dates[k-1], dates[k])``; an event
    is applied in the step whose period contains its date.
    """

    def __init__(self, start: dt.date, end: dt.date, step: str = "month"):
        self.step = step
        if step == "week":
            first = start - dt.timedelta(days=start.weekday())
            n = (end - first).days // 7 + 1
            self.dates = [first + dt.timedelta(weeks=k) for k in range(n + 1)]
        else:
            months = STEP_MONTHS[step]
            first = dt.date(start.year, start.month, 1)
            if step == "quarter":
                first = dt.date(start.year, 3 * ((start.month - 1) // 3) + 1, 1)
            self.dates = [first]
            while self.dates[-1] <= end:
                self.dates.append(add_months(self.dates[-1], months))
        self.n_steps = len(self.dates) - 1
        self._labels = [d - dt.timedelta(days=1) for d in self.dates]

    def step_of(self, d: dt.date) -> int:
        """The 1-based step whose period contains ``d`` (0 before the start)."""
        return bisect.bisect_right(self.dates, d)

    def label(self, step: int) -> dt.date:
        """The date a state after ``step`` steps describes: the last day of period ``step``.

        Step 0, the initial state, is the day before the first period. Snapshots
        are therefore dated at the end of their period, so a series read "at"
        a date includes every event dated up to it.
        """
        return self._labels[max(step, 0)]

    def period_start(self, step: int) -> dt.date:
        """The first day of period ``step`` (1-based; clipped to the calendar)."""
        return self.dates[min(max(step, 1), self.n_steps) - 1]

    @property
    def months_per_step(self) -> float:
        """Length of one step in months (parameters are stated per month)."""
        return {"month": 1.0, "quarter": 3.0, "week": 12.0 / 52.0}[self.step]
