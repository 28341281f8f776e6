"""The trust network: states on a fixed circle, directed edges coloured by trust, width by confidence."""

from __future__ import annotations

import numpy as np
import solara

from sim.app.components.canvas import NetworkCanvas, flat, lut
from sim.app.components.common import Note
from sim.app.layout import node_positions
from sim.app.state import SessionModel, display_names, state_groups
from sim.app.svg import GROUP_PALETTE, colour_table

NONE = "(none)"
SIZE = 600


def network_props(model: SessionModel, focal: str | None) -> dict:
    """What a :class:`NetworkCanvas` needs: trust, confidence, fixed positions, colours and hover texts."""
    codes = model.codes
    n = len(codes)
    t = model.trust
    names = display_names(model)
    groups = state_groups(model)
    group_names = list(dict.fromkeys(groups[c] for c in codes))
    gcol = {g: GROUP_PALETTE[k % len(GROUP_PALETTE)] for k, g in enumerate(group_names)}
    trust_out = (t.sum(axis=1) - np.diag(t)) / max(n - 1, 1)
    trust_in = (t.sum(axis=0) - np.diag(t)) / max(n - 1, 1)
    tips = [f"{c} {names.get(c) or ''} ({groups[c]}): mean trust in others {trust_out[i]:.2f}, "
            f"from others {trust_in[i]:.2f}" for i, c in enumerate(codes)]
    return dict(
        values=flat(t), second=flat(np.clip(1.0 - model.world.uncertainty, 0, 1)), labels=list(codes),
        lut=lut(colour_table("RdYlGn")), positions=np.round(node_positions(model), 4).tolist(),
        node_colours=[gcol[groups[c]] for c in codes], node_tips=tips,
        legend=[[g, gcol[g]] for g in group_names[:8]], focal=codes.index(focal) if focal in codes else -1,
        step=model.shown_step, testid="network", design_width=float(SIZE), design_height=float(SIZE + 28))


def focal_summary(model: SessionModel, focal: str, k: int = 3) -> tuple[str, str]:
    """Whom ``focal`` trusts most and least, and who trusts it most and least (top ``k``)."""
    i = model.codes.index(focal)
    t = model.trust
    others = [j for j in range(len(model.codes)) if j != i]

    def fmt(values: dict[int, float]) -> str:
        order = sorted(values, key=values.get, reverse=True)
        best = ", ".join(f"{model.codes[j]} {values[j]:.2f}" for j in order[:k])
        worst = ", ".join(f"{model.codes[j]} {values[j]:.2f}" for j in order[::-1][:k])
        return f"most: {best}; least: {worst}"

    out = {j: float(t[i, j]) for j in others}
    inn = {j: float(t[j, i]) for j in others}
    return f"{focal} trusts {fmt(out)}", f"{focal} is trusted {fmt(inn)}"


@solara.component
def NetworkCard(model: SessionModel, version: int, focal: solara.Reactive[str]):
    """The network with a focal-state selector that highlights its trust in and from others."""
    chosen = focal.value if focal.value in model.codes else None
    props = solara.use_memo(lambda: network_props(model, chosen), [id(model), version, chosen])
    with solara.Card("Trust network", margin=0, classes=["ddsim-network"]):
        solara.Select(label="Focal state", values=[NONE, *sorted(model.codes)], value=chosen or NONE,
                      on_value=lambda v: focal.set("" if v in (None, NONE) else v))
        Note("An arrow from A to B shows how much A trusts B (red low, green high); thicker means more "
             "confident. Hover a state for its numbers; pick a focal state to see its own arrows.")
        NetworkCanvas.element(**props)
        if chosen:
            out, inn = focal_summary(model, chosen)
            Note(out, size="0.85em")
            Note(inn, size="0.85em")
