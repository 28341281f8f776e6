"""PNG figures of the current run for download (matplotlib, drawn only when asked for).

Uses the project's own figures (:mod:`sim.plots`) where they exist, and draws the
network the way the page shows it.  Each figure is a fresh ``matplotlib.figure.Figure``
(no pyplot state), so downloads from several sessions at once do not interfere.
"""

from __future__ import annotations

import io

import numpy as np  # noqa: E402
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure

from sim import plots  # noqa: E402
from sim.app.layout import node_positions  # noqa: E402
from sim.app.state import group_order, period_label, state_groups  # noqa: E402
from sim.app.svg import GROUP_PALETTE  # noqa: E402

DPI = 120


def _png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buf, format="png", dpi=DPI)
    return buf.getvalue()


def heatmap_png(model) -> bytes:
    """The trust matrix now, sorted by group."""
    res = model.results()
    n = len(model.codes)
    size = max(4.0, 0.22 * n + 2)
    fig = Figure(figsize=(size + 1, size))
    plots.heatmap(res, ax=fig.subplots(), order=group_order(model),
                  title=f"Trust in {period_label(model)} ({model.inputs.title})")
    return _png(fig)


def pairs_png(model, pairs: list[tuple[str, str]]) -> bytes:
    """Trust of the given pairs over time, with hostile events marked."""
    fig = Figure(figsize=(9, 4.5))
    plots.pairs_over_time(model.results(), pairs, ax=fig.subplots())
    return _png(fig)


def groups_png(model, groups: list[str]) -> bytes:
    """Mean trust within and between groups over time."""
    fig = Figure(figsize=(9, 4.5))
    plots.group_means(model.results(), groups, ax=fig.subplots())
    return _png(fig)


def network_png(model) -> bytes:
    """The trust network as on the page: fixed circle, edge colour trust, width confidence."""
    codes = model.codes
    n = len(codes)
    p = node_positions(model)
    t = model.trust
    conf = 1.0 - model.world.uncertainty
    rows, cols = np.nonzero(~np.eye(n, dtype=bool))
    d = p[cols] - p[rows]
    normal = np.stack([d[:, 1], -d[:, 0]], axis=1) * 0.06
    segs = [[p[i], (p[i] + p[j]) / 2 + nv, p[j]] for i, j, nv in zip(rows, cols, normal)]
    fig = Figure(figsize=(7.5, 7))
    ax = fig.subplots()
    thin = n > 15   # many states: thinner, fainter lines, or the circle fills up
    widths = (0.15 + 1.0 * conf[rows, cols]) if thin else (0.4 + 2.5 * conf[rows, cols])
    lc = LineCollection(segs, cmap="RdYlGn", linewidths=widths, alpha=0.35 if thin else 0.6)
    lc.set_array(t[rows, cols])
    lc.set_clim(0, 1)
    ax.add_collection(lc)
    groups = state_groups(model)
    names = list(dict.fromkeys(groups[c] for c in codes))
    colour = [GROUP_PALETTE[names.index(groups[c]) % len(GROUP_PALETTE)] for c in codes]
    ax.scatter(p[:, 0], p[:, 1], s=120 if n <= 30 else 50, c=colour, edgecolors="#333", zorder=3)
    for (x, y), c in zip(p, codes):
        ax.text(x * 1.12, y * 1.12, c, ha="center", va="center", fontsize=8 if n <= 30 else 6)
    ax.set_xlim(-1.25, 1.25)
    ax.set_ylim(-1.25, 1.25)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(f"Trust network, {period_label(model)} (edge A→B: A's trust in B; width: confidence)",
                 fontsize=9)
    fig.colorbar(lc, ax=ax, shrink=0.6, label="expected trust T (0-1)")
    return _png(fig)
