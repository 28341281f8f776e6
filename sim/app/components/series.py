"""Time series: trust for chosen pairs, mean trust between groups, cumulative support per donor."""

from __future__ import annotations

import numpy as np
import solara

from sim import metrics
from sim.app.components.common import Message, Note, Svg
from sim.app.eventfeed import EventFeed
from sim.app.state import SessionModel
from sim.app.svg import PALETTE, Series, line_chart

ARROW = " → "
MAX_DONORS = 8


def pair_label(a: str, b: str) -> str:
    """'A → B' (A's trust in B)."""
    return f"{a}{ARROW}{b}"


def default_pairs(model: SessionModel) -> list[str]:
    """The scenario's focal pairs, else the first two states both ways."""
    pairs = list(model.inputs.focal_pairs) or [(model.codes[0], model.codes[1]), (model.codes[1], model.codes[0])]
    return [pair_label(a, b) for a, b in pairs]


def candidate_pairs(model: SessionModel, focal: str | None, chosen: list[str]) -> list[str]:
    """Pairs offered: the focal pairs, those of the focal state both ways, and whatever is chosen."""
    out = default_pairs(model)
    if focal in model.codes:
        for c in model.codes:
            if c != focal:
                out += [pair_label(focal, c), pair_label(c, focal)]
    return list(dict.fromkeys([*out, *chosen]))


def default_groups(model: SessionModel) -> list[str]:
    """The scenario's focal groups, else its first three named groups."""
    return list(model.inputs.focal_groups) or list(model.loaded.scenario.groups)[:3]


def _span(model: SessionModel):
    return model.calendar.dates[0], model.calendar.label(model.n_steps)


def _now(model: SessionModel):
    return model.date if model.steps else None


def snapshot_dates(model: SessionModel) -> list:
    """Dates of the stored trust snapshots (as the model's results date them)."""
    return [model.calendar.label(step) for step, _, _ in model.snapshots]


def group_mean_series(model: SessionModel, g: str, h: str) -> list[float]:
    """``metrics.group_mean`` of g in h at every snapshot, computed once per snapshot (cached)."""
    cache = model.app_cache.setdefault(("group_mean", g, h), [])
    if len(cache) < len(model.snapshots):
        groups = model.inputs.groups
        index = {c: i for i, c in enumerate(model.codes)}
        rows = groups[g] if g in groups else np.array([index[g]], dtype=np.intp)
        cols = groups[h] if h in groups else np.array([index[h]], dtype=np.intp)
        for _, t, _ in model.snapshots[len(cache):]:
            cache.append(metrics.group_mean(t, rows, cols))
    return cache


def pairs_chart(model: SessionModel, pairs: list[str]) -> str:
    """Trust over time of each chosen pair."""
    dates = snapshot_dates(model)
    start, end = _span(model)
    series = []
    for k, label in enumerate(pairs):
        a, _, b = label.partition(ARROW)
        i, j = model.index_of(a), model.index_of(b)
        series.append(Series(f"{a} in {b}", dates, [float(t[i, j]) for _, t, _ in model.snapshots],
                             PALETTE[k % len(PALETTE)]))
    return line_chart(series, start=start, end=end, now=_now(model),
                      title="Trust of A in B", ylabel="expected trust (0-1)", testid="pairs-chart")


def groups_chart(model: SessionModel, groups: list[str]) -> str:
    """Mean trust of each focal group in each other (and itself) over time."""
    dates = snapshot_dates(model)
    start, end = _span(model)
    series = []
    for g in groups:
        for h in groups:
            values = group_mean_series(model, g, h)
            if any(np.isfinite(values)):
                series.append(Series(f"{g} in {h}", dates, list(values),
                                     PALETTE[len(series) % len(PALETTE)], dashed=g != h))
    return line_chart(series, start=start, end=end, now=_now(model),
                      title="Mean trust between groups (dashed: between different groups)",
                      ylabel="mean trust (0-1)", testid="groups-chart")


def support_chart(model: SessionModel, feed: EventFeed) -> str:
    """Cumulative support to the scenario's supported state, per donor (largest donors first)."""
    spec = model.inputs.support
    steps = [s for s, _, _ in model.snapshots]
    dates = snapshot_dates(model)
    per_donor = feed.cumulative_support(spec, steps)
    ranked = sorted(per_donor, key=lambda d: per_donor[d][-1], reverse=True)
    series = [Series(d, dates, per_donor[d], PALETTE[k % len(PALETTE)]) for k, d in enumerate(ranked[:MAX_DONORS])]
    rest = ranked[MAX_DONORS:]
    if rest:
        total = [sum(per_donor[d][k] for d in rest) for k in range(len(steps))]
        series.append(Series(f"{len(rest)} others", dates, total, "#999999", dashed=True))
    start, end = _span(model)
    return line_chart(series, start=start, end=end, now=_now(model), ymax=None,
                      title=f"Cumulative support to {spec.recipient} ({spec.from_:%Y-%m} to {spec.until:%Y-%m})",
                      ylabel="EUR bn", testid="support-chart", value_format=lambda v: f"{v:.2f}")


@solara.component
def SeriesCard(model: SessionModel, version: int, focal: str, feed: EventFeed):
    """Charts over the whole calendar, growing as the run goes on; pick the pairs to follow."""
    pairs = solara.use_reactive(default_pairs(model))
    chosen = [p for p in pairs.value if p.partition(ARROW)[0] in model.codes and p.partition(ARROW)[2] in model.codes]
    groups = default_groups(model)
    pair_svg = solara.use_memo(lambda: pairs_chart(model, chosen) if chosen else "",
                               [id(model), version, tuple(chosen)])
    group_svg = solara.use_memo(lambda: groups_chart(model, groups) if groups else "", [id(model), version])
    support_svg = solara.use_memo(lambda: support_chart(model, feed) if model.inputs.support else "",
                                  [id(model), version, len(feed.entries)])
    with solara.Card("Trust over time", margin=0, classes=["ddsim-series"]):
        solara.SelectMultiple("Pairs to follow", values=pairs, all_values=candidate_pairs(model, focal, pairs.value))
        Note("A → B is A's trust in B. Pick a focal state above the network to offer all its pairs.")
        if not chosen:
            Message("No pair selected: pick at least one pair to see its trust over time.", kind="warning")
        else:
            Svg(pair_svg, testid="pairs", step=model.shown_step)
        if group_svg:
            Svg(group_svg, testid="groups", step=model.shown_step)
        if support_svg:
            Svg(support_svg, testid="support", step=model.shown_step)
