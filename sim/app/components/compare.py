"""Side by side: this run against another variant of the same scenario, stepped together."""

from __future__ import annotations

import numpy as np
import solara

from sim.app.components.canvas import MatrixCanvas
from sim.app.components.common import Message, Note, Svg
from sim.app.components.heatmap import matrix_props
from sim.app.components.series import ARROW, default_pairs
from sim.app.eventfeed import EventFeed
from sim.app.state import SessionModel, build_model
from sim.app.svg import PALETTE, Series, line_chart
from sim.scenario.errors import InputError


def make_baseline(model: SessionModel, variant: str | None) -> SessionModel:
    """A second model of the same scenario: ``variant``, same seed, same parameter changes.

    It does not get the instructor's actions, so the difference shows what the variant
    and those actions changed.
    """
    return build_model(model.loaded, variant=variant, seed=model.seed or 0, **model.overrides)


def catch_up(baseline: SessionModel, model: SessionModel) -> None:
    """Step ``baseline`` until it has simulated as many periods as ``model``."""
    with baseline.lock:
        while baseline.running and baseline.steps < model.shown_step:
            baseline.step()


def difference_chart(model: SessionModel, baseline: SessionModel) -> str:
    """The focal pairs in both runs: solid this run, dashed the comparison."""
    mine, theirs = model.results(), baseline.results()
    series = []
    for k, label in enumerate(default_pairs(model)[:5]):
        a, _, b = label.partition(ARROW)
        colour = PALETTE[k % len(PALETTE)]
        for res, dashed, who in ((mine, False, "this run"), (theirs, True, "comparison")):
            s = res.trust_pair(a, b)
            series.append(Series(f"{a} in {b} ({who})", [d.date() for d in s.index], s.values.tolist(),
                                 colour, dashed))
    start, end = model.calendar.dates[0], model.calendar.label(model.n_steps)
    return line_chart(series, start=start, end=end, now=model.date if model.steps else None,
                      title="Focal pairs: this run (solid) and the comparison (dashed)",
                      ylabel="expected trust (0-1)", testid="compare-chart")


def largest_differences(model: SessionModel, diff: np.ndarray, k: int = 5) -> str:
    """The ``k`` pairs whose trust differs most between the runs, as text."""
    d = diff.copy()
    np.fill_diagonal(d, 0.0)
    flat = np.argsort(-np.abs(d), axis=None)[:k]
    parts = []
    for f in flat:
        i, j = np.unravel_index(f, d.shape)
        if abs(d[i, j]) < 5e-4:
            break
        parts.append(f"{model.codes[i]} in {model.codes[j]} {d[i, j]:+.2f}")
    return ", ".join(parts) if parts else "none yet: the two runs agree so far"


@solara.component
def CompareCard(model: SessionModel, version: int, feed: EventFeed):
    """Off by default; when on, a second model follows this one step by step."""
    enabled = solara.use_reactive(False)
    variants = model.loaded.variants
    default = variants[0] if variants else None
    other = solara.use_reactive(default)
    chosen = other.value if other.value in variants else default

    def build():
        if not enabled.value:
            return None, ""
        try:
            return make_baseline(model, chosen), ""
        except InputError as exc:
            return None, str(exc)

    baseline, problem = solara.use_memo(build, [id(model), chosen, enabled.value])
    if baseline is not None:
        catch_up(baseline, model)
    diff = model.trust - baseline.trust if baseline is not None else None
    vmax = max(0.05, float(np.nanmax(np.abs(diff)))) if diff is not None else 1.0
    heat = solara.use_memo(
        lambda: None if diff is None else matrix_props(
            model, "by group", None, values=diff, cmap="RdBu", vmin=-round(vmax, 3), vmax=round(vmax, 3),
            bar_label="this run − comparison", testid="compare-heatmap"),
        [id(model), version, chosen, baseline is None])
    chart = solara.use_memo(lambda: "" if baseline is None else difference_chart(model, baseline),
                            [id(model), version, chosen, baseline is None])
    with solara.Card("Compare with another variant", margin=0, classes=["ddsim-compare"]):
        solara.Switch(label="Compare this run with a second run", value=enabled)
        if not enabled.value:
            Note("Runs the chosen variant (same seed and parameters, no instructor actions) alongside "
                 "this one and shows the difference.")
        else:
            if variants:
                solara.Select(label="Compare with variant", values=variants, value=other)
            if problem:
                Message(problem)
            if baseline is not None:
                if chosen == model.variant and not feed.count(frozenset({"instructor"})):
                    Message(f"This run is variant '{model.variant}' too: pick another variant (or apply an "
                            "instructor action) to see a difference.", kind="info")
                Note(f"This run: variant '{model.variant or 'as written'}'. Comparison: '{chosen}', "
                     f"at {baseline.shown_step} of {baseline.n_steps} steps.", size="0.85em")
                Note(f"Largest differences (trust of A in B): {largest_differences(model, diff)}", size="0.85em")
                with solara.Columns([1, 1]):
                    if heat:
                        MatrixCanvas.element(**heat)
                    Svg(chart, testid="compare-series", step=model.shown_step)
