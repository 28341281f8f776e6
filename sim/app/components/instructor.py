"""Instructor actions: apply any catalogue action now, e.g. 'GBR shares intelligence with UKR'."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import solara

from sim.app.components.common import Message, Note, guarded, refresh
from sim.app.state import SessionModel, period_label
from sim.catalogue import CATALOGUE
from sim.scenario.errors import InputError

NONE = "(none)"
UNIT_LABEL = {"count": "times", "personnel": "personnel", "EUR_bn": "EUR bn"}
DEFAULT_KIND = "intelligence_sharing"


@dataclass(frozen=True)
class Request:
    """What the instructor asked for, as picked in the form."""

    kind: str
    actor: str | None
    recipient: str | None
    participants: tuple[str, ...]
    target: str | None
    magnitude: float | None
    note: str = ""


def problem_with(req: Request) -> str | None:
    """A readable reason why ``req`` cannot be applied, before asking the model (None if fine)."""
    kind = CATALOGUE.get(req.kind)
    if kind is None:
        return "Pick an action kind."
    if req.magnitude is None or not np.isfinite(req.magnitude) or req.magnitude <= 0:
        return "The magnitude must be a positive number."
    if kind.is_joint:
        if len(req.participants) < 2:
            return f"{req.kind.replace('_', ' ')} is done together: pick at least two participants."
    else:
        if not req.actor:
            return "Pick the state that acts (actor)."
        if not req.recipient and req.kind != "disclosure":
            return "Pick the state the action is aimed at (recipient)."
    return None


def _mean_trust(model: SessionModel, codes: list[str]) -> float:
    idx = [model.codes.index(c) for c in codes]
    t = model.trust[np.ix_(idx, idx)]
    return float((t.sum() - np.trace(t)) / max(len(idx) * (len(idx) - 1), 1))


def apply(model: SessionModel, req: Request) -> tuple[str, str]:
    """Apply ``req`` to ``model`` now; returns (kind, message) with the trust it changed."""
    problem = problem_with(req)
    if problem:
        return "error", problem
    kind = CATALOGUE[req.kind]
    if kind.is_joint:
        def measure() -> float:
            return _mean_trust(model, list(req.participants))
        what = f"mean trust among {', '.join(req.participants)}"
    else:
        rec = req.recipient or req.actor

        def measure() -> float:
            return model.trust_between(rec, req.actor)
        what = f"{rec}'s trust in {req.actor}"
    before, n_warnings = measure(), len(model.warnings)
    try:
        model.apply_action(req.kind, actor=None if kind.is_joint else req.actor,
                           recipient=None if kind.is_joint or not req.recipient else req.recipient,
                           participants=list(req.participants) if kind.is_joint else None,
                           target=req.target, magnitude=req.magnitude, note=req.note or "set by the instructor")
    except InputError as exc:
        return "error", f"The model refused this action:\n{exc}"
    except Exception as exc:  # noqa: BLE001 - show any refusal, never crash the page
        return "error", f"The model refused this action: {type(exc).__name__}: {exc}"
    after = measure()
    parties = ", ".join(req.participants) if kind.is_joint else f"{req.actor} → {req.recipient}"
    text = (f"Applied {req.kind.replace('_', ' ')} ({parties}) in {period_label(model)}. "
            f"{what}: {before:.2f} → {after:.2f}. It is in the event log as INSTRUCTOR; step on to see "
            "what follows.")
    extra = model.warnings[n_warnings:]
    if extra:
        return "warning", text + "\nNote: " + "; ".join(extra)
    return "success", text


@solara.component
def InstructorCard(model: SessionModel):
    """A form for one action: kind, parties, magnitude, note; 'Apply now' changes the model at once."""
    kind_name = solara.use_reactive(DEFAULT_KIND)
    actor = solara.use_reactive(NONE)
    recipient = solara.use_reactive(NONE)
    participants = solara.use_reactive([])
    target = solara.use_reactive(NONE)
    magnitude = solara.use_reactive(1.0)
    note = solara.use_reactive("")
    result = solara.use_reactive(("", "", -1))
    kind = CATALOGUE.get(kind_name.value)
    codes = [NONE, *sorted(model.codes)]

    def pick(value: str) -> str | None:
        return None if value in (None, NONE) or value not in model.codes else value

    def go():
        req = Request(kind_name.value, pick(actor.value), pick(recipient.value),
                      tuple(p for p in participants.value if p in model.codes), pick(target.value),
                      magnitude.value, note.value)
        kind_, text = apply(model, req)
        result.set((kind_, text, model.version))
        refresh()

    with solara.Card("Instructor action", margin=0, classes=["ddsim-instructor"]):
        Note("Happens at once, in the month shown at the top, on top of the scenario.", size="0.85em")
        solara.Select(label="Action", values=list(CATALOGUE), value=kind_name)
        if kind is not None:
            Note(kind.doc, size="0.75em", colour="#666")
            if kind.is_joint:
                solara.SelectMultiple("Participants (done together)", values=participants,
                                      all_values=sorted(model.codes))
            else:
                with solara.Row():
                    solara.Select(label="Actor (who acts)", values=codes, value=actor)
                    solara.Select(label="Recipient", values=codes, value=recipient)
            if kind.target_threat:
                solara.Select(label="Aimed at (optional)", values=codes, value=target)
            solara.InputFloat(f"Magnitude ({UNIT_LABEL.get(kind.unit, kind.unit)})", value=magnitude)
        solara.InputText("Note for the log (optional)", value=note)
        solara.Button("Apply now", color="primary",
                      on_click=guarded(go, lambda text: result.set(("error", text, model.version))))
        kind_, text, _ = result.value
        if text:  # the last action's outcome stays until the next one (it names its month)
            Message(text, kind=kind_)
