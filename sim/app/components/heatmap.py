"""The trust matrix as a heatmap, country codes on both axes, sortable by group."""

from __future__ import annotations

import numpy as np
import solara

from sim.app.components.common import Note, Svg
from sim.app.state import SessionModel, group_order, state_groups
from sim.app.svg import matrix

ORDERS = ("by group", "as in the file", "alphabetical")


def ordered_codes(model: SessionModel, order: str) -> list[str]:
    """The state codes in the chosen order."""
    if order == "by group":
        return group_order(model)
    if order == "alphabetical":
        return sorted(model.codes)
    return list(model.codes)


def group_breaks(model: SessionModel, codes: list[str]) -> list[int]:
    """Positions where the group changes along ``codes`` (for separator lines)."""
    groups = state_groups(model)
    return [k for k in range(1, len(codes)) if groups[codes[k]] != groups[codes[k - 1]]]


def heatmap_svg(model: SessionModel, order: str, focal: str | None, values: np.ndarray | None = None,
                *, cmap: str = "RdYlGn", vmin: float = 0.0, vmax: float = 1.0, bar_label: str = "trust",
                what: str = "trusts", testid: str = "heatmap-svg") -> str:
    """Heatmap of ``values`` (default: current trust) with rows trusting columns."""
    codes = ordered_codes(model, order)
    idx = [model.codes.index(c) for c in codes]
    data = (model.trust if values is None else values)[np.ix_(idx, idx)].astype(float).copy()
    np.fill_diagonal(data, np.nan)
    conf = (1.0 - model.world.uncertainty)[np.ix_(idx, idx)]

    def tooltip(i: int, j: int) -> str:
        if i == j:
            return codes[i]
        extra = f" (confidence {conf[i, j]:.2f})" if values is None else ""
        return f"{codes[i]} {what} {codes[j]}: {data[i, j]:+.3f}{extra}" if vmin < 0 else \
            f"{codes[i]} {what} {codes[j]}: {data[i, j]:.2f}{extra}"

    breaks = group_breaks(model, codes) if order == "by group" else []
    return matrix(data, codes, cmap=cmap, vmin=vmin, vmax=vmax, tooltip=tooltip,
                  highlight=codes.index(focal) if focal in codes else None, separators=breaks,
                  row_title="trusting state (row)", col_title="trusted state (column)", bar_label=bar_label,
                  testid=testid)


@solara.component
def HeatmapCard(model: SessionModel, version: int, focal: str):
    """The trust matrix with an order selector; the focal state's row and column are outlined."""
    order = solara.use_reactive(ORDERS[0])
    markup = solara.use_memo(lambda: heatmap_svg(model, order.value, focal),
                             [id(model), version, order.value, focal])
    with solara.Card("Trust matrix", margin=0, classes=["ddsim-heatmap"]):
        solara.Select(label="Order of states", values=list(ORDERS), value=order)
        Note("Row A, column B: how much A trusts B. Lines separate groups.", size="0.8em", colour="#555")
        Svg(markup, step=model.shown_step)
