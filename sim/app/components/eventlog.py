"""The event log so far, newest first: what happened, who did it, and the source."""

from __future__ import annotations

import solara

from sim.app.components.common import Note
from sim.app.eventfeed import Entry, EventFeed
from sim.app.state import SessionModel
from sim.app.svg import esc

SHOWN = 40
ORIGIN_LABEL = {"scenario": "scenario", "instructor": "INSTRUCTOR", "policy": "model"}


def amount(e: Entry) -> str:
    """The magnitude with its unit, money in EUR (the log keeps EUR bn)."""
    if e.unit in ("EUR_bn", "EUR_m"):
        return f"EUR {e.magnitude:g} bn" if e.magnitude >= 1 else f"EUR {e.magnitude * 1000:g} m"
    if e.unit == "personnel":
        return f"{e.magnitude:g} personnel"
    return "" if e.magnitude == 1 else f"× {e.magnitude:g}"


def who(e: Entry) -> str:
    """'A → B, C', or the participants of a joint action."""
    if e.participants:
        return e.participants.replace(" ", ", ")
    text = f"{e.actor} → {e.recipients.replace(' ', ', ')}" if e.recipients else e.actor
    return f"{text} (aimed at {e.target})" if e.target else text


def log_table(entries: list[Entry], sources: dict[str, str]) -> str:
    """An HTML table of ``entries`` (newest first); the newest month's rows highlighted, instructor rows marked.

    Three columns so it stays readable in a narrow card: date; what happened (kind, name,
    note cut to three lines, the full note on hover); who, how much, and where it comes from.
    Depends only on the entries, so the table is rebuilt (and resent) only when something was logged.
    """
    current_step = max((e.step for e in entries), default=-1)
    head = "".join(f"<th style='text-align:left;padding:2px 6px'>{h}</th>" for h in ("Date", "What", "Who, source"))
    clamp = "display:-webkit-box;-webkit-line-clamp:3;-webkit-box-orient:vertical;overflow:hidden"
    rows = []
    for e in entries:
        bg = "#e3f2fd" if e.origin == "instructor" else ("#fff8e1" if e.step == current_step else "")
        what = f"<b>{esc(e.kind.replace('_', ' '))}</b>"
        if e.name:
            what += f" <i>{esc(e.name)}</i>"
        if e.note:
            what += f"<div style='color:#666;{clamp}' title='{esc(e.note)}'>{esc(e.note)}</div>"
        if e.warning:
            what += f"<div style='color:#b26a00'>⚠ {esc(e.warning)}</div>"
        cite = sources.get(e.source, "")
        src = (f"<span title='{esc(cite)}' style='border-bottom:1px dotted #999'>{esc(e.source)}</span>" if cite
               else esc(e.source))
        size = amount(e)
        detail = (f"<div style='white-space:nowrap'>{esc(who(e))}</div>"
                  + (f"<div>{esc(size)}</div>" if size else "")
                  + f"<div style='color:#666'>{ORIGIN_LABEL.get(e.origin, esc(e.origin))} · {src}</div>")
        rows.append(f"<tr style='background:{bg};border-top:1px solid #eee;vertical-align:top' "
                    f"data-origin='{esc(e.origin)}'>"
                    f"<td style='padding:2px 6px;white-space:nowrap'>{e.date:%Y-%m-%d}</td>"
                    f"<td style='padding:2px 6px'>{what}</td><td style='padding:2px 6px'>{detail}</td></tr>")
    return (f"<table style='border-collapse:collapse;width:100%;font-size:0.8em'><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


@solara.component
def EventLogCard(model: SessionModel, version: int, feed: EventFeed):
    """Events applied so far (scenario and instructor; the states' own choices on request)."""
    with_policy = solara.use_reactive(False)
    origins = frozenset({"scenario", "instructor", "policy"} if with_policy.value else {"scenario", "instructor"})
    sources = solara.use_memo(
        lambda: {k: s.citation for k, s in model.loaded.scenario.meta.sources.items()}, [id(model)])
    entries = feed.newest(origins, SHOWN)
    total = feed.count(origins)
    chosen = feed.count(frozenset({"policy"}))
    markup = solara.use_memo(lambda: log_table(entries, sources), [id(model), len(feed.entries), with_policy.value])
    with solara.Card("Event log (newest first)", margin=0, classes=["ddsim-eventlog"]):
        solara.Checkbox(label=f"Also show actions the states chose themselves ({chosen} so far)",
                        value=with_policy)
        if not entries:
            Note("Nothing has happened yet: press Step or Play.", colour="#777")
        else:
            solara.HTML(tag="div", unsafe_innerHTML=markup, attributes={"data-testid": "event-log"},
                        style="max-height: 420px; overflow-y: auto; contain: content")
            if total > len(entries):
                Note(f"Showing the newest {len(entries)} of {total}; export the full log as CSV below.",
                     colour="#777")
