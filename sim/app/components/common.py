"""Small pieces every dashboard component uses: refresh after a change, messages, raw HTML."""

from __future__ import annotations

import solara
from mesa.visualization.utils import force_update, update_counter

from sim.app.svg import esc


def use_version(model) -> int:
    """Subscribe to Mesa's per-session redraw counter and return the model's change counter.

    Mesa's controller bumps the counter after every Step/Play step; our own controls
    call :func:`refresh`.  Components key their expensive drawings on the returned value.
    """
    update_counter.get()
    return getattr(model, "version", model.steps)


def refresh() -> None:
    """Ask every component of this session to redraw (after a change made outside Mesa's controls)."""
    force_update()


@solara.component
def Message(text: str, kind: str = "error"):
    """An error, warning, info or success box that keeps line breaks (for multi-line errors)."""
    box = {"error": solara.Error, "warning": solara.Warning, "info": solara.Info,
           "success": solara.Success}[kind]
    with box(dense=True):
        solara.HTML(tag="div", unsafe_innerHTML=esc(text), style="white-space: pre-wrap; font-size: 0.85em")


@solara.component
def Svg(markup: str, testid: str = "", step: int | None = None):
    """Raw SVG (or HTML) markup in a div; ``data-step`` tells tests which step it shows."""
    attributes = {}
    if testid:
        attributes["data-testid"] = testid
    if step is not None:
        attributes["data-step"] = str(step)
    solara.HTML(tag="div", unsafe_innerHTML=markup, attributes=attributes, style="width: 100%")


@solara.component
def Note(text: str, size: str = "0.8em", colour: str = "#555", weight: str = "normal", testid: str = ""):
    """A short paragraph of plain text (escaped), as its own line."""
    attributes = {"data-testid": testid} if testid else {}
    solara.HTML(tag="div", unsafe_innerHTML=esc(text), attributes=attributes,
                style=f"font-size: {size}; color: {colour}; font-weight: {weight}; margin: 2px 0")
