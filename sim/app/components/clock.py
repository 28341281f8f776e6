"""The current calendar date (never a bare step number) and 'run to a month'."""

from __future__ import annotations

import datetime as dt
import re

import solara

from sim.app.components.common import Message, Note, guarded, refresh
from sim.app.state import SessionModel, period_label
from sim.app.svg import esc

_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})(?:-(\d{1,2}))?\s*$")


def parse_month(text: str) -> dt.date:
    """'2016-03' or '2016-03-15' -> a date; ValueError with a readable message otherwise."""
    m = _MONTH.match(text or "")
    if not m:
        raise ValueError(f"'{text}' is not a month: write it as YYYY-MM, e.g. 2016-03")
    year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3) or 1)
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"'{text}' is not a real date (month 1-12, a day the month has)") from None


def run_to(model: SessionModel, text: str) -> tuple[str, str]:
    """Step ``model`` to the month in ``text``; returns (kind, message) for the page."""
    try:
        target = parse_month(text)
    except ValueError as exc:
        return "error", str(exc)
    first, last = model.calendar.dates[0], model.calendar.dates[-1]
    if target < first or target >= last:
        return "warning", (f"{target:%Y-%m} is outside this scenario's calendar "
                           f"({first:%Y-%m} to {model.calendar.label(model.n_steps):%Y-%m}).")
    if model.calendar.step_of(target) <= model.steps:
        return "warning", f"{target:%B %Y} has already been simulated; press Reset to start again."
    taken = model.run_until(target)
    return "success", f"Ran {taken} step{'s' if taken != 1 else ''} to {period_label(model)}."


@solara.component
def DateHeader(model: SessionModel, version: int):
    """Scenario title, the date of the period last simulated, progress, and a 'run to' box."""
    target = solara.use_reactive("")
    message = solara.use_reactive(("", "", -1))

    def go():
        kind, text = run_to(model, target.value)
        message.set((kind, text, model.version))
        refresh()

    label = period_label(model)
    step = model.shown_step
    with solara.Card(margin=0, classes=["ddsim-clock"]):
        with solara.Row(style="align-items: center; flex-wrap: wrap; gap: 18px"):
            with solara.Column(gap="0px"):
                solara.HTML(tag="div", unsafe_innerHTML=esc(label),
                            attributes={"data-testid": "current-date", "data-step": str(step)},
                            style="font-size: 1.7em; font-weight: 500; line-height: 1.2")
                Note(f"{model.loaded.scenario.meta.title} — variant: {model.variant or 'as written'}"
                     f" — month {step} of {model.n_steps}" + ("" if model.running else " (end of the calendar)"),
                     size="0.85em")
            with solara.Row(style="align-items: center; margin-left: auto"):
                solara.InputText("Run to month (YYYY-MM)", value=target, continuous_update=True,
                                 style="max-width: 190px")
                solara.Button("Run to", color="primary", outlined=True,
                              on_click=guarded(go, lambda text: message.set(("error", text, model.version))))
        kind, text, shown_at = message.value
        if text and shown_at == version:  # a message about the last action, until the next step
            Message(text, kind=kind)
