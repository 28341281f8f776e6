"""The classroom dashboard: a Solara page on Mesa's SolaraViz, one model per browser session.

Serve it with ``ddsim app`` (offline, see :mod:`sim.app.cli`), or by hand with
``solara run sim.app.dashboard``.  The folder of scenarios comes from
``$DDSIM_SCENARIOS_DIR`` (default: ``./scenarios``).

Layout: the sidebar has our scenario and variant pickers, then SolaraViz's own cards
(Reset / Play / Step, play interval, the seed and key-parameter sliders, Information).
The main area has the date, the timeline, the network, the matrix, the time series,
the event log, instructor actions, the comparison and the downloads.

Per-session state: :func:`Page` builds the first model inside ``solara.use_memo`` and
keeps it in ``solara.use_reactive``; nothing model-related lives at module level, so
each browser tab (and each student) steps its own model.  SolaraViz is handed that
reactive, so its Reset replaces this session's model only.
"""

from __future__ import annotations

import solara
from mesa.visualization import SolaraViz

from sim.app import state
from sim.app.components.clock import DateHeader
from sim.app.components.common import use_version
from sim.app.components.compare import CompareCard
from sim.app.components.eventlog import EventLogCard
from sim.app.components.export import ExportCard
from sim.app.components.heatmap import HeatmapCard
from sim.app.components.instructor import InstructorCard
from sim.app.components.network import NetworkCard
from sim.app.components.scenario import ScenarioCard
from sim.app.components.series import SeriesCard
from sim.app.components.timeline import Timeline
from sim.app.eventfeed import EventFeed
from sim.app.layout import WIDE_FROM

TITLE = "Defence diplomacy and trust"
#: Cards below the fold are skipped by the browser's layout and paint until scrolled to
#: (`content-visibility`), so a step costs the browser only what is on screen.
PAGE_CSS = """
.v-application .v-card { margin-bottom: 12px; }
.ddsim-heatmap, .ddsim-series, .ddsim-eventlog, .ddsim-instructor, .ddsim-compare, .ddsim-export {
  content-visibility: auto; contain-intrinsic-size: auto 600px;
}
"""
#: Milliseconds between steps when playing (SolaraViz's slider can change it).
PLAY_INTERVAL_MS = 150


@solara.component
def Dashboard(model: state.SessionModel):
    """The main area for one model; redrawn after every step (Mesa's update counter)."""
    version = use_version(model)
    feed = solara.use_memo(lambda: EventFeed(model.log), [id(model)])
    with model.lock:
        feed.update()
    focal = solara.use_reactive("")
    DateHeader(model, version)
    Timeline(model, version)
    # side by side for a classroom case; one above the other when there are many states
    with solara.Columns([1, 1]) if len(model.codes) < WIDE_FROM else solara.Column():
        NetworkCard(model, version, focal)
        HeatmapCard(model, version, focal.value)
    SeriesCard(model, version, focal.value, feed)
    with solara.Columns([3, 2]):
        EventLogCard(model, version, feed)
        InstructorCard(model)
    CompareCard(model, version, feed)
    ExportCard(model)


@solara.component
def Page():
    """One browser session: its own scenario list (read now), its own model, SolaraViz around it."""
    directory = state.scenarios_dir()
    files = solara.use_memo(lambda: state.list_scenarios(directory), [])
    session_class = solara.use_memo(state.session_class, [])
    start = solara.use_memo(lambda: state.initial_model(files, cls=session_class), [])
    loaded = solara.use_reactive(start.model)   # the model the last scenario/variant choice built
    swaps = solara.use_reactive(0)
    # SolaraViz gets a reactive of its own for each loaded model; its Reset replaces the model
    # in it.  A Play loop still running from before a scenario change steps only the model it
    # started with, which `retire()` has stopped.
    viz_model = solara.use_memo(lambda: solara.reactive(loaded.value), [loaded.value])
    current = viz_model.value

    def load(new: state.SessionModel) -> None:
        current.retire()
        loaded.set(new)
        swaps.set(swaps.value + 1)

    solara.Title(TITLE)
    solara.Style(PAGE_CSS)
    with solara.Sidebar():
        ScenarioCard(current, load, files, directory, start.messages)
        # SolaraViz's sidebar cards (controls, parameter sliders) are rendered through the
        # sidebar portal at a position, not under SolaraViz's key, so they would keep their
        # state (playing, the parameters Reset uses) when another scenario is loaded.  An
        # empty element before them on every other swap moves them one position, which
        # makes Solara mount them afresh for the new model.
        if swaps.value % 2:
            solara.HTML(tag="span", attributes={"aria-hidden": "true"})
    SolaraViz(viz_model, components=[], model_params=state.viz_params(current), name=TITLE,
              play_interval=PLAY_INTERVAL_MS).key(f"viz:{swaps.value}")
    Dashboard(current).key(f"main:{state.scenario_key(current)}")
