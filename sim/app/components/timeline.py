"""The scenario's scheduled events on a strip over the whole calendar, with the current month marked."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import solara

from sim.app.components.common import Note, Svg
from sim.app.state import SessionModel, period_label
from sim.app.svg import esc, svg, text, year_ticks
from sim.catalogue import CATALOGUE

ROWS = (("hostile", "#c62828", "hostile acts"), ("joint", "#1565c0", "done together"),
        ("directed", "#2e7d32", "one state to others"))


@dataclass(frozen=True)
class Scheduled:
    """One event of the scenario's script (for the variant being run)."""

    step: int
    date: dt.date
    kind: str
    who: str
    label: str
    row: str


def _who(model: SessionModel, action) -> str:
    c = model.codes
    if action.participants:
        return ", ".join(c[i] for i in action.participants)
    rec = ", ".join(c[i] for i in action.recipients)
    actor = c[action.actor] if action.actor is not None else "?"
    return f"{actor} → {rec}" if rec else actor


def scheduled_events(model: SessionModel) -> list[Scheduled]:
    """The variant's scripted events in calendar order (what will happen, not what has)."""
    out = []
    for step, actions in enumerate(model.inputs.actions_by_step):
        for a in actions:
            kind = CATALOGUE.get(a.kind)
            row = "hostile" if kind and kind.hostile else ("joint" if kind and kind.is_joint else "directed")
            meta = a.meta or {}
            date = meta.get("date") or model.calendar.label(step)
            label = meta.get("name") or a.kind.replace("_", " ")
            out.append(Scheduled(step, date, a.kind, _who(model, a), str(label), row))
    return out


def timeline_svg(model: SessionModel, events: list[Scheduled], width: int = 1000) -> str:
    """The strip without the 'now' marker: one tick per event, one row per kind of event."""
    start, end = model.calendar.dates[0], model.calendar.dates[-1]
    left, right, top, row_h = 130, 12, 8, 16
    pw = width - left - right
    t0, t1 = start.toordinal(), end.toordinal()

    def xs(d: dt.date) -> float:
        return left + pw * (d.toordinal() - t0) / max(t1 - t0, 1)

    parts = []
    for k, (_, colour, title) in enumerate(ROWS):
        y = top + k * row_h + row_h / 2
        parts.append(text(left - 6, y, title, size=10, anchor="end", colour=colour))
        parts.append(f"<line x1='{left}' x2='{left + pw}' y1='{y:.1f}' y2='{y:.1f}' stroke='#eee'/>")
    rows = {name: k for k, (name, _, _) in enumerate(ROWS)}
    colour = {name: c for name, c, _ in ROWS}
    for e in events:
        x = xs(max(min(e.date, end), start))
        y = top + rows[e.row] * row_h
        tip = f"{e.date:%Y-%m-%d} {e.label} ({e.kind.replace('_', ' ')}): {e.who}"
        parts.append(f"<rect x='{x - 1.5:.1f}' y='{y + 2:.1f}' width='3' height='{row_h - 4}' "
                     f"fill='{colour[e.row]}' opacity='0.8'><title>{esc(tip)}</title></rect>")
    axis_y = top + len(ROWS) * row_h + 2
    for d in year_ticks(start, end, max_ticks=16):
        x = xs(d)
        parts.append(f"<line x1='{x:.1f}' x2='{x:.1f}' y1='{top}' y2='{axis_y}' stroke='#ccc'/>")
        parts.append(text(x, axis_y + 8, d.year if d.month == 1 else f"{d:%b %Y}", size=10, anchor="middle",
                          colour="#555"))
    return "".join(parts)


def now_marker(model: SessionModel, width: int = 1000) -> str:
    """Shade the months already simulated and mark the current one."""
    start, end = model.calendar.dates[0], model.calendar.dates[-1]
    left, right, top, height = 130, 12, 8, 3 * 16 + 2
    pw = width - left - right
    t0, t1 = start.toordinal(), end.toordinal()
    step = model.shown_step
    if step == 0:
        return ""
    lo = model.calendar.dates[step - 1].toordinal()
    hi = model.calendar.dates[step].toordinal()
    x0 = left + pw * (lo - t0) / max(t1 - t0, 1)
    x1 = left + pw * (hi - t0) / max(t1 - t0, 1)
    return (f"<rect x='{left}' y='{top}' width='{x0 - left:.1f}' height='{height}' fill='#000' opacity='0.04'/>"
            f"<rect x='{x0:.1f}' y='{top - 2}' width='{max(x1 - x0, 2):.1f}' height='{height + 4}' fill='#c62828' "
            f"opacity='0.35'><title>{esc(period_label(model))}</title></rect>")


@solara.component
def Timeline(model: SessionModel, version: int):
    """The event strip plus the events of this month and the next few coming up."""
    events = solara.use_memo(lambda: scheduled_events(model), [id(model)])
    static = solara.use_memo(lambda: timeline_svg(model, events), [id(model)])
    step = model.shown_step
    height = 8 + 3 * 16 + 22
    # the strip never changes during a run; only the small marker layer on top is resent each step
    strip = solara.use_memo(lambda: svg(1000, height, static, testid="timeline"), [id(model)])
    marker = svg(1000, height, now_marker(model))
    this_month = [e for e in events if e.step == step and step > 0]
    coming = [e for e in events if e.step > step][:3]
    with solara.Card("Timeline of the scenario's events", margin=0, classes=["ddsim-timeline"]):
        with solara.Div(style="position: relative"):
            Svg(strip)
            Svg(marker, step=step, style="position: absolute; top: 0; left: 0; width: 100%; pointer-events: none")
        with solara.Row(style="flex-wrap: wrap; gap: 24px; font-size: 0.85em"):
            with solara.Column(gap="2px"):
                Note(f"This month ({period_label(model)}):", weight="500")
                if not this_month:
                    Note("no scripted event", colour="#777")
                for e in this_month[:6]:
                    Note(f"{e.date:%d %b}: {e.label} — {e.who}")
                if len(this_month) > 6:
                    Note(f"... and {len(this_month) - 6} more (see the event log)", colour="#777")
            with solara.Column(gap="2px"):
                Note("Coming next:", weight="500")
                if not coming:
                    Note("nothing more is scripted", colour="#777")
                for e in coming:
                    Note(f"{e.date:%d %b %Y}: {e.label} — {e.who}")
