"""The trust network: states on a fixed circle, directed edges coloured by trust, width by confidence."""

from __future__ import annotations

import numpy as np
import solara

from sim.app.components.common import Note, Svg
from sim.app.layout import node_positions
from sim.app.state import SessionModel, display_names, state_groups
from sim.app.svg import GROUP_PALETTE, colour_bar, colours, esc, svg, text

NONE = "(none)"
SIZE = 600


def _edge_paths(p: np.ndarray, rows: np.ndarray, cols: np.ndarray, node_r: float) -> list[str]:
    """Quadratic curves i -> j bending to the right of travel, so i->j and j->i do not overlap."""
    a, b = p[rows], p[cols]
    d = b - a
    length = np.linalg.norm(d, axis=1, keepdims=True)
    unit = d / np.where(length == 0, 1, length)
    normal = np.stack([unit[:, 1], -unit[:, 0]], axis=1)
    a2 = a + unit * node_r
    b2 = b - unit * (node_r + 2)
    ctrl = (a + b) / 2 + normal * (0.12 * length)
    xy = np.rint(np.hstack([a2, ctrl, b2])).astype(int).tolist()
    return [f"M{x0},{y0}Q{cx},{cy} {x1},{y1}" for x0, y0, cx, cy, x1, y1 in xy]


def network_svg(model: SessionModel, focal: str | None) -> str:
    """The whole drawing for the model's current trust and uncertainty."""
    codes = model.codes
    n = len(codes)
    t = model.trust
    conf = 1.0 - model.world.uncertainty
    names = display_names(model)
    groups = state_groups(model)
    group_names = list(dict.fromkeys(groups[c] for c in codes))
    gcol = {g: GROUP_PALETTE[k % len(GROUP_PALETTE)] for k, g in enumerate(group_names)}

    margin = 70
    radius = SIZE / 2 - margin
    centre = SIZE / 2
    p = centre + radius * node_positions(model)
    node_r = max(6.0, min(14.0, 200.0 / max(n, 1)))
    f = codes.index(focal) if focal in codes else None

    rows, cols = np.nonzero(~np.eye(n, dtype=bool))
    paths = _edge_paths(p, rows, cols, node_r)
    edge_col = colours(t[rows, cols])
    width = 0.6 + 4.0 * np.clip(conf[rows, cols], 0, 1)
    parts = []
    # arrow heads for highlighted edges, one marker per colour used
    marker_ids: dict[str, str] = {}
    is_focal = (rows == f) | (cols == f) if f is not None else np.zeros(rows.size, dtype=bool)
    focal_edges = np.flatnonzero(is_focal).tolist()
    widths = [f"{w:.1f}" for w in width.tolist()]
    # one group for the background edges: shared attributes are written once
    parts.append(f"<g fill='none' opacity='{0.07 if f is not None else 0.55}'>")
    parts.extend(f"<path d='{paths[k]}' stroke='{edge_col[k]}' stroke-width='{widths[k]}'/>"
                 for k in np.flatnonzero(~is_focal).tolist())
    parts.append("</g>")
    defs = []
    for k in focal_edges:
        i, j = rows[k], cols[k]
        colour = edge_col[k]
        mid = marker_ids.setdefault(colour, f"ddsim-arrow-{len(marker_ids)}")
        tip = f"{codes[i]} trusts {codes[j]}: {t[i, j]:.2f} (confidence {conf[i, j]:.2f})"
        parts.append(f"<path d='{paths[k]}' fill='none' stroke='{colour}' stroke-width='{width[k] + 0.8:.2f}' "
                     f"opacity='0.95' marker-end='url(#{mid})'><title>{esc(tip)}</title></path>")
    for colour, mid in marker_ids.items():
        defs.append(f"<marker id='{mid}' viewBox='0 0 10 10' refX='9' refY='5' markerWidth='5' markerHeight='5' "
                    f"orient='auto-start-reverse'><path d='M0,0 L10,5 L0,10 z' fill='{colour}'/></marker>")
    trust_out = (t.sum(axis=1) - np.diag(t)) / max(n - 1, 1)
    trust_in = (t.sum(axis=0) - np.diag(t)) / max(n - 1, 1)
    for i, c in enumerate(codes):
        x, y = p[i]
        stroke, sw = ("#000", 3) if i == f else ("#333", 1)
        tip = (f"{c} {names.get(c) or ''} ({groups[c]}): mean trust in others {trust_out[i]:.2f}, "
               f"from others {trust_in[i]:.2f}")
        parts.append(f"<circle cx='{x:.1f}' cy='{y:.1f}' r='{node_r:.1f}' fill='{gcol[groups[c]]}' "
                     f"stroke='{stroke}' stroke-width='{sw}'><title>{esc(tip)}</title></circle>")
        dx, dy = (x - centre), (y - centre)
        norm = np.hypot(dx, dy) or 1.0
        lx, ly = x + dx / norm * (node_r + 12), y + dy / norm * (node_r + 10)
        anchor = "start" if dx > 5 else ("end" if dx < -5 else "middle")
        parts.append(text(lx, ly, c, size=16 if n <= 12 else (13 if n <= 30 else 11), anchor=anchor,
                          weight="bold" if i == f else "normal"))
    legend = [colour_bar(12, SIZE + 6, 200, 9, label="trust (row trusts column)")]
    x = 240
    for g in group_names[:8]:
        legend.append(f"<circle cx='{x}' cy='{SIZE + 10}' r='5' fill='{gcol[g]}' stroke='#333'/>")
        legend.append(text(x + 8, SIZE + 10, g, size=10))
        x += 16 + 6.2 * len(g)
        if x > SIZE - 40:
            break
    body = f"<defs>{''.join(defs)}</defs>" + "".join(parts) + "".join(legend)
    return svg(SIZE, SIZE + 28, body, testid="network-svg")


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
    markup = solara.use_memo(lambda: network_svg(model, chosen), [id(model), version, chosen])
    with solara.Card("Trust network", margin=0, classes=["ddsim-network"]):
        solara.Select(label="Focal state", values=[NONE, *sorted(model.codes)], value=chosen or NONE,
                      on_value=lambda v: focal.set("" if v in (None, NONE) else v))
        Note("An arrow from A to B shows how much A trusts B (red low, green high); thicker means "
                    "more confident. Hover an edge or a state for numbers.", size="0.8em", colour="#555")
        Svg(markup, step=model.shown_step)
        if chosen:
            out, inn = focal_summary(model, chosen)
            Note(out, size="0.85em")
            Note(inn, size="0.85em")
