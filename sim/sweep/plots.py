"""Plots of a stored sweep (matplotlib; saved as PNG, no display needed).

* :func:`plot_outcome` - an outcome against each varied parameter: every run
  as a faint dot, the mean of the replicates of each design point with its
  95% confidence interval;
* :func:`plot_indices` - sensitivity indices as bars with 95% error bars
  (Sobol' S1/ST, or Morris mu*/sigma plus the mu*-sigma plane).
"""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

MAX_POINTS_DRAWN = 20_000
MAX_ERRORBARS = 300


def _label(name: str, unit: str | None, label: str | None = None) -> str:
    text = label or name
    return f"{text} [{unit}]" if unit else text


def _positions(values: pd.Series, spec: dict) -> tuple[np.ndarray, list | None]:
    """x positions: numbers as they are; categories as 0..k-1 (ticks labelled)."""
    if spec.get("kind") == "values" and not all(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in spec.get("values", [])):
        cats = list(spec["values"])
        index = {c: i for i, c in enumerate(cats)}
        return values.map(index).to_numpy(dtype=float), cats
    return pd.to_numeric(values, errors="coerce").to_numpy(dtype=float), None


def plot_outcome(path: Path, runs: pd.DataFrame, summary: pd.DataFrame, outcome: str, unit: str | None,
                 label: str | None, pspecs: dict, design: dict) -> bool:
    """Scatter ``outcome`` against each varied parameter; save PNG at ``path``.

    Returns False (and writes nothing) when no parameter is varied."""
    varied = [p for p, s in pspecs.items() if s.get("kind") != "fixed"]
    if not varied:
        return False
    ok = runs[runs["status"] == "ok"]
    if len(ok) > MAX_POINTS_DRAWN:
        ok = ok.sample(MAX_POINTS_DRAWN, random_state=0)
    ncols = min(3, len(varied))
    nrows = math.ceil(len(varied) / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.4 * ncols, 3.5 * nrows + 0.7), squeeze=False)
    reps = int(design.get("replicates", 1))
    rng = np.random.default_rng(0)
    ylab = _label(outcome, unit, label)
    for ax, p in zip(axes.flat, varied, strict=False):
        spec = pspecs[p]
        x, cats = _positions(ok[p], spec)
        if cats is not None:
            x = x + rng.uniform(-0.15, 0.15, size=len(x))
        ax.scatter(x, ok[outcome], s=6, alpha=0.25, color="0.45", linewidths=0,
                   label="run" if reps > 1 else "run (one per point)")
        mean_col = f"{outcome}_mean"
        if reps > 1 and mean_col in summary.columns:
            xs, _ = _positions(summary[p], spec)
            if cats is not None:
                xs = xs + rng.uniform(-0.08, 0.08, size=len(xs))
            ys = summary[mean_col].to_numpy(dtype=float)
            if len(summary) <= MAX_ERRORBARS and f"{outcome}_ci_low" in summary.columns:
                lo = ys - summary[f"{outcome}_ci_low"].to_numpy(dtype=float)
                hi = summary[f"{outcome}_ci_high"].to_numpy(dtype=float) - ys
                yerr = np.vstack([np.nan_to_num(lo), np.nan_to_num(hi)])
                ax.errorbar(xs, ys, yerr=yerr, fmt="o", ms=3.5, color="C0", ecolor="C0", elinewidth=0.8,
                            alpha=0.85, label=f"mean of {reps} replicates, 95% CI")
            else:
                ax.scatter(xs, ys, s=12, color="C0", label=f"mean of {reps} replicates")
        if cats is not None:
            ax.set_xticks(range(len(cats)))
            ax.set_xticklabels([str(c) for c in cats], rotation=20)
        elif spec.get("log"):
            ax.set_xscale("log")
        ax.set_xlabel(_label(p, spec.get("unit")))
        ax.set_ylabel(ylab)
        ax.set_title(f"{outcome} vs {p}", fontsize=10)
        ax.grid(alpha=0.3)
    for ax in list(axes.flat)[len(varied):]:
        ax.set_visible(False)
    axes.flat[0].legend(fontsize=7, loc="best")
    fig.suptitle(f"{label or outcome} vs parameters - {design.get('method')} design, "
                 f"{design.get('n_points'):,} points x {reps} replicates", fontsize=11)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


def plot_indices(path: Path, idx: pd.DataFrame, outcome: str, unit: str | None, design: dict) -> None:
    """Bar chart of one outcome's sensitivity indices with 95% error bars."""
    names = list(idx["parameter"])
    x = np.arange(len(names))
    w = 0.38
    if design.get("method") == "sobol":
        fig, ax = plt.subplots(figsize=(max(5.0, 1.1 * len(names) + 2), 4.0))
        ax.bar(x - w / 2, idx["S1"], w, yerr=idx["S1_conf"], capsize=3, label="first order S1", color="C0")
        ax.bar(x + w / 2, idx["ST"], w, yerr=idx["ST_conf"], capsize=3, label="total ST", color="C1")
        ax.axhline(0, color="0.3", lw=0.8)
        ax.set_ylabel("Sobol' index (share of output variance)")
        ax.set_xlabel("parameter")
        ax.set_xticks(x)
        ax.set_xticklabels(names, rotation=20)
        ax.set_title(f"Sobol' sensitivity of {outcome} (N = {design.get('samples')}, "
                     f"{design.get('n_points'):,} points, 95% CI)", fontsize=10)
        ax.legend(fontsize=8)
        ax.grid(axis="y", alpha=0.3)
    else:
        fig, (ax, ax2) = plt.subplots(1, 2, figsize=(max(9.0, 1.2 * len(names) + 5), 4.0))
        sconf = idx["sigma_conf"].fillna(0) if "sigma_conf" in idx else None
        ax.bar(x - w / 2, idx["mu_star"], w, yerr=idx["mu_star_conf"], capsize=3, label="mu* (mean |EE|)",
               color="C0")
        ax.bar(x + w / 2, idx["sigma"], w, yerr=sconf, capsize=3, label="sigma (std of EE)", color="C2")
        per = f"{unit} per parameter range" if unit else "outcome units per parameter range"
        ax.set_ylabel(f"elementary effect ({per})")
        ax.set_xlabel("parameter")
        ax.set_xticks(x)
        ax.set_xticklabels(names, rotation=20)
        ax.set_title(f"Morris screening of {outcome} ({design.get('samples')} trajectories, 95% CI)",
                     fontsize=10)
        ax.legend(fontsize=8)
        ax.grid(axis="y", alpha=0.3)
        ax2.errorbar(idx["mu_star"], idx["sigma"], xerr=idx["mu_star_conf"], yerr=sconf, fmt="o", color="C0")
        for _, r in idx.iterrows():
            ax2.annotate(str(r["parameter"]), (r["mu_star"], r["sigma"]), fontsize=8,
                         xytext=(4, 4), textcoords="offset points")
        ax2.set_xlabel(f"mu* (mean |elementary effect|{', ' + unit if unit else ''})")
        ax2.set_ylabel(f"sigma (std of elementary effects{', ' + unit if unit else ''})")
        ax2.set_title("mu* - sigma plane (high sigma: non-linear or interacting)", fontsize=10)
        ax2.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
