"""Small pieces every dashboard component uses: refresh after a change, messages, raw HTML."""

from __future__ import annotations

import logging
from collections.abc import Callable

import solara
from mesa.visualization.utils import force_update, update_counter

from sim.app.svg import esc

logger = logging.getLogger(__name__)


def use_version(model) -> int:
    """Subscribe to Mesa's per-session redraw counter and return the model's change counter.

    Mesa's controller bumps the counter after every Step/Play step; our own controls
    call :func:`refresh`.  Components key their expensive drawings on the returned value.
    """
    update_counter.get()
    return getattr(model, "version", model.steps)


def guarded(handler: Callable[[], None], report: Callable[[str], None]) -> Callable[[], None]:
    """``handler`` for a button, but an unexpected exception is reported in the page, not raised.

    Solara replaces the whole page with a traceback when an event handler raises; a
    classroom page must keep working, so the message goes to ``report`` instead.
    """
    def run() -> None:
        try:
            handler()
        except Exception as exc:  # noqa: BLE001 - shown to the user, logged for the instructor
            logger.exception("dashboard action failed")
            report(f"Something went wrong: {type(exc).__name__}: {exc}")
    return run


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
def Svg(markup: str, testid: str = "", step: int | None = None,
        style: str = "width: 100%; background: white; contain: content"):
    """Raw SVG (or HTML) markup in a div; ``data-step`` tells tests which step it shows.

    The background stays white so the dark text of the figures reads in the dark theme too;
    ``contain: content`` keeps a redrawn figure from making the browser lay out the whole page.
    """
    attributes = {}
    if testid:
        attributes["data-testid"] = testid
    if step is not None:
        attributes["data-step"] = str(step)
    solara.HTML(tag="div", unsafe_innerHTML=markup, attributes=attributes, style=style)


@solara.component
def Note(text: str, size: str = "0.8em", colour: str = "#555", weight: str = "normal", testid: str = ""):
    """A short paragraph of plain text (escaped), as its own line."""
    attributes = {"data-testid": testid} if testid else {}
    solara.HTML(tag="div", unsafe_innerHTML=esc(text), attributes=attributes,
                style=f"font-size: {size}; color: {colour}; font-weight: {weight}; margin: 2px 0")
