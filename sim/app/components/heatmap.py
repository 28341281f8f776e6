"""The trust matrix as a heatmap, country codes on both axes, sortable by group."""

from __future__ import annotations

import numpy as np
import solara

from sim.app.components.canvas import MatrixCanvas, flat, lut, matrix_size
from sim.app.components.common import Note
from sim.app.layout import WIDE_FROM
from sim.app.state import SessionModel, group_order, state_groups
from sim.app.svg import colour_table

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


def matrix_props(model: SessionModel, order: str, focal: str | None, values: np.ndarray | None = None, *,
                 cmap: str = "RdYlGn", vmin: float = 0.0, vmax: float = 1.0, bar_label: str = "trust",
                 testid: str = "heatmap") -> dict:
    """What a :class:`MatrixCanvas` needs to draw ``values`` (default: current trust), rows trusting columns."""
    codes = ordered_codes(model, order)
    idx = np.array([model.codes.index(c) for c in codes])
    block = np.ix_(idx, idx)
    data = (model.trust if values is None else values)[block]
    target = 760.0 if len(codes) >= WIDE_FROM else 520.0   # full width from WIDE_FROM states
    width, height = matrix_size(codes, target)
    return dict(
        values=flat(data), labels=codes, lut=lut(colour_table(cmap)), vmin=vmin, vmax=vmax,
        second=flat((1.0 - model.world.uncertainty)[block]) if values is None else "",
        highlight=codes.index(focal) if focal in codes else -1,
        separators=group_breaks(model, codes) if order == "by group" else [],
        row_title="trusting state (row)", col_title="trusted state (column)", bar_label=bar_label,
        value_name="trust" if values is None else "difference", step=model.shown_step, testid=testid,
        design_width=width, design_height=height, target=target)


@solara.component
def HeatmapCard(model: SessionModel, version: int, focal: str):
    """The trust matrix with an order selector; the focal state's row and column are outlined."""
    order = solara.use_reactive(ORDERS[0])
    props = solara.use_memo(lambda: matrix_props(model, order.value, focal), [id(model), version, order.value, focal])
    with solara.Card("Trust matrix", margin=0, classes=["ddsim-heatmap"]):
        solara.Select(label="Order of states", values=list(ORDERS), value=order)
        Note("Row A, column B: how much A trusts B. Lines separate groups. Hover a cell for its value.")
        MatrixCanvas.element(**props)
