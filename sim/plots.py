"""Matplotlib figures of a run: trust heatmap, trust over time, group means.

Every figure has a title, axis labels with units, codes or names, and dates on
time axes, so it reads on its own in a paper or a slide.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import numpy as np

if TYPE_CHECKING:
    from sim.results import Results


def heatmap(res: Results, ax=None, order: list[str] | None = None, title: str | None = None):
    """The final trust matrix: row trusts column, codes on both axes, sorted by group."""
    codes = order or res.codes
    idx = [res.codes.index(c) for c in codes]
    t = res.trust_cube[-1][np.ix_(idx, idx)].copy()
    np.fill_diagonal(t, np.nan)
    if ax is None:
        size = max(4.0, 0.22 * len(codes) + 2)
        _, ax = plt.subplots(figsize=(size + 1, size))
    im = ax.imshow(t, vmin=0, vmax=1, cmap="RdYlGn")
    ax.set_xticks(range(len(codes)), codes, rotation=90, fontsize=7)
    ax.set_yticks(range(len(codes)), codes, fontsize=7)
    ax.set_xlabel("trusted state")
    ax.set_ylabel("trusting state")
    ax.set_title(title or f"Trust at {res.dates[-1]:%Y-%m} ({res.model.inputs.title})",
                 fontsize=9)
    ax.figure.colorbar(im, ax=ax, label="expected trust T (0-1)")
    return ax


def pairs_over_time(res: Results, pairs: list[tuple[str, str]], ax=None, events: bool = True):
    """Trust of each pair over time, with hostile and scenario events marked."""
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 4.5))
    for a, b in pairs:
        s = res.trust_pair(a, b)
        ax.plot(s.index, s.values, label=f"trust of {a} in {b}")
    if events:
        ev = res.events()
        hostile = ev[ev["kind"].isin(["invasion", "annexation", "peace_agreement"])]
        for _, row in hostile.iterrows():
            ax.axvline(row["date"], color="grey", lw=0.8, ls=":")
            ax.text(row["date"], 0.98, row["kind"].replace("_", " "), rotation=90,
                    fontsize=6, va="top", ha="right", color="grey",
                    transform=ax.get_xaxis_transform())
    ax.set_ylim(0, 1)
    ax.set_xlabel("date")
    ax.set_ylabel("expected trust T (0-1)")
    ax.set_title("Trust over time for selected pairs")
    ax.legend(fontsize=7, loc="lower left")
    ax.grid(alpha=0.3)
    return ax


def group_means(res: Results, groups: list[str], ax=None):
    """Mean trust within and between groups over time."""
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 4.5))
    for g in groups:
        for h in groups:
            s = res.group_mean(g, h)
            if s.notna().any():
                ax.plot(s.index, s.values, label=f"{g} in {h}")
    ax.set_ylim(0, 1)
    ax.set_xlabel("date")
    ax.set_ylabel("mean trust (0-1)")
    ax.set_title("Mean trust within and between groups")
    ax.legend(fontsize=7, loc="lower left")
    ax.grid(alpha=0.3)
    return ax


def _default_pairs(res: Results) -> list[tuple[str, str]]:
    pairs = list(res.model.inputs.focal_pairs)
    if pairs:
        return pairs
    c = res.codes
    return [(c[0], c[1]), (c[1], c[0])]


def _default_groups(res: Results) -> list[str]:
    groups = list(res.model.inputs.focal_groups)
    return groups or sorted(res.model.inputs.groups)[:3]


def save_all(res: Results, out: Path) -> list[Path]:
    """Write heatmap.png, pairs.png and groups.png into ``out``."""
    paths = []
    for name, draw in (("heatmap", lambda ax: heatmap(res, ax=ax)),
                       ("pairs", lambda ax: pairs_over_time(res, _default_pairs(res), ax=ax)),
                       ("groups", lambda ax: group_means(res, _default_groups(res), ax=ax))):
        n = len(res.codes)
        size = (max(5.0, 0.22 * n + 3), max(4.0, 0.22 * n + 2)) if name == "heatmap" else (9, 4.5)
        fig, ax = plt.subplots(figsize=size)
        draw(ax)
        fig.tight_layout()
        path = out / f"{name}.png"
        fig.savefig(path, dpi=120)
        plt.close(fig)
        paths.append(path)
    return paths
