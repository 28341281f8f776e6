"""Analyse a stored sweep: summaries, sensitivity indices, plots.

Reads only the results folder (``manifest.json``, ``design.parquet``,
``runs/*.parquet``) - never the model, never a live run - so it works on a
copy of the folder, on a sweep that is still running (on what is stored so
far), and years later.

Outputs written into the folder:

* ``summary.csv`` / ``summary.parquet`` - one row per design point: parameters,
  runs, errors and, per outcome, mean, standard deviation, the 95% confidence
  interval of the mean across replicates (``_ci_low``/``_ci_high``, Student t)
  and the 2.5%/97.5% quantiles of the replicates (``_q025``/``_q975``);
* ``indices.csv`` - sobol designs: S1, ST (and confidence half-widths) per
  outcome and parameter (``indices_second_order.csv`` with S2 when sampled);
  morris designs: mu, mu*, sigma with confidence half-widths;
* ``plot_<outcome>.png`` - the outcome against each parameter;
  ``indices_<outcome>.png`` - index bar charts with error bars.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .design import SAMPLE_PREFIX
from .errors import SweepStateError

CONF_LEVEL = 0.95
NUM_RESAMPLES = 1000


def read_manifest(folder: str | Path) -> dict:
    """The manifest of a results folder (raises SweepStateError if absent)."""
    path = Path(folder) / "manifest.json"
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        raise SweepStateError(f"{folder} is not a sweep results folder (no manifest.json)") from None
    except ValueError as exc:
        raise SweepStateError(f"{path} cannot be read: {exc}") from None


def outcome_info(manifest: dict) -> dict[str, dict]:
    """Outcome columns of a sweep, each with the spec it came from (a model may
    expand one outcome spec into several columns named ``<name>_<suffix>``)."""
    specs = manifest.get("outcomes", [])
    columns = manifest.get("outcome_columns") or [o["name"] for o in specs]
    info: dict[str, dict] = {}
    for c in columns:
        spec = next((o for o in specs if o["name"] == c), None) or next(
            (o for o in specs if c.startswith(o["name"] + "_")), {"name": c})
        info[c] = spec
    return info


def read_runs(folder: str | Path, columns: list[str] | None = None) -> pd.DataFrame:
    """All stored runs of a results folder, one row per run, sorted by ``run_id``.

    Same as ``pandas.read_parquet(folder / "runs")`` plus sorting and a guard
    against duplicated run ids (kept once)."""
    runs_dir = Path(folder) / "runs"
    if not runs_dir.exists() or not any(runs_dir.glob("part-*.parquet")):
        return pd.DataFrame(columns=columns or ["run_id"])
    df = pd.read_parquet(runs_dir, columns=columns)
    if "run_id" in df.columns:
        df = df.drop_duplicates("run_id").sort_values("run_id", kind="stable").reset_index(drop=True)
    return df


def _summarize(runs: pd.DataFrame, design: pd.DataFrame, params: list[str], outcomes: list[str]) -> pd.DataFrame:
    from scipy import stats

    base = design[["point_id"] + params].copy()
    counts = runs.groupby("point_id").agg(n_runs=("run_id", "size"),
                                          n_error=("status", lambda s: int((s != "ok").sum())))
    out = base.merge(counts, left_on="point_id", right_index=True, how="left")
    out[["n_runs", "n_error"]] = out[["n_runs", "n_error"]].fillna(0).astype("int64")
    ok = runs[runs["status"] == "ok"]
    g = ok.groupby("point_id")
    for o in outcomes:
        agg = g[o].agg(["count", "mean", "std"])
        q = g[o].quantile([0.025, 0.975]).unstack() if len(ok) else pd.DataFrame(columns=[0.025, 0.975])
        n = agg["count"].astype(float)
        tcrit = pd.Series(stats.t.ppf(0.5 + CONF_LEVEL / 2, np.maximum(n - 1, 1)), index=n.index)
        half = (tcrit * agg["std"] / np.sqrt(n)).where(n >= 2)
        cols = pd.DataFrame({
            f"{o}_n": agg["count"].astype("int64"),
            f"{o}_mean": agg["mean"],
            f"{o}_std": agg["std"],
            f"{o}_ci_low": agg["mean"] - half,
            f"{o}_ci_high": agg["mean"] + half,
            f"{o}_q025": q.get(0.025),
            f"{o}_q975": q.get(0.975),
        })
        out = out.merge(cols, left_on="point_id", right_index=True, how="left")
        out[f"{o}_n"] = out[f"{o}_n"].fillna(0).astype("int64")
    return out.sort_values("point_id").reset_index(drop=True)


def _morris_sigma_conf(problem: dict, X: np.ndarray, Y: np.ndarray, levels: int, seed: int) -> np.ndarray | None:
    """Bootstrap half-width of sigma (SALib reports a CI for mu* only)."""
    try:
        from SALib.analyze.morris import _compute_delta, _compute_elementary_effects
        from scipy.stats import norm

        n_vars = problem["num_vars"]
        n_traj = int(Y.size / (n_vars + 1))
        ee = _compute_elementary_effects(X, Y, int(Y.size / n_traj), _compute_delta(levels))
        rng = np.random.default_rng(seed)
        out = []
        for j in range(n_vars):
            e = ee[j, :]
            idx = rng.integers(len(e), size=(NUM_RESAMPLES, len(e)))
            out.append(norm.ppf(0.5 + CONF_LEVEL / 2) * e[idx].std(axis=1, ddof=1).std(ddof=1))
        return np.asarray(out)
    except Exception:  # noqa: BLE001 - private SALib API changed: no sigma CI
        return None


def _indices(manifest: dict, design: pd.DataFrame, summary: pd.DataFrame, outcomes: list[str],
             warnings: list[str]) -> tuple[pd.DataFrame | None, pd.DataFrame | None]:
    d = manifest["design"]
    method = d["method"]
    if method not in ("sobol", "morris"):
        return None, None
    problem = {"num_vars": d["problem"]["num_vars"], "names": list(d["problem"]["names"]),
               "bounds": [list(b) for b in d["problem"]["bounds"]]}
    rows: list[dict] = []
    s2_rows: list[dict] = []
    for o in outcomes:
        y = summary.sort_values("point_id")[f"{o}_mean"].to_numpy(dtype=float)
        missing = int(np.isnan(y).sum())
        if len(y) != d["n_points"] or missing:
            warnings.append(f"{method} indices for {o!r} skipped: {missing} of {d['n_points']} design points "
                            "have no successful run (finish the sweep, or look at the errors)")
            continue
        if np.allclose(y, y[0]):
            warnings.append(f"{method} indices for {o!r} skipped: the outcome is constant")
            continue
        if method == "sobol":
            from SALib.analyze import sobol

            si = sobol.analyze(problem, y, calc_second_order=bool(d.get("second_order")),
                               num_resamples=NUM_RESAMPLES, conf_level=CONF_LEVEL, seed=d["seed"])
            for j, name in enumerate(problem["names"]):
                rows.append({"method": "sobol", "outcome": o, "parameter": name,
                             "S1": si["S1"][j], "S1_conf": si["S1_conf"][j],
                             "ST": si["ST"][j], "ST_conf": si["ST_conf"][j]})
            if d.get("second_order"):
                for j, a in enumerate(problem["names"]):
                    for k in range(j + 1, problem["num_vars"]):
                        s2_rows.append({"outcome": o, "parameter_1": a, "parameter_2": problem["names"][k],
                                        "S2": si["S2"][j, k], "S2_conf": si["S2_conf"][j, k]})
        else:
            from SALib.analyze import morris

            X = design.sort_values("point_id")[[SAMPLE_PREFIX + n for n in problem["names"]]].to_numpy(float)
            levels = int(d.get("levels") or 4)
            si = morris.analyze(problem, X, y, num_resamples=NUM_RESAMPLES, conf_level=CONF_LEVEL,
                                num_levels=levels, seed=d["seed"])
            sigma_conf = _morris_sigma_conf(problem, X, y, levels, d["seed"])
            for j, name in enumerate(problem["names"]):
                rows.append({"method": "morris", "outcome": o, "parameter": name,
                             "mu": float(si["mu"][j]), "mu_star": float(si["mu_star"][j]),
                             "mu_star_conf": float(si["mu_star_conf"][j]), "sigma": float(si["sigma"][j]),
                             "sigma_conf": float(sigma_conf[j]) if sigma_conf is not None else math.nan})
    indices = pd.DataFrame(rows) if rows else None
    s2 = pd.DataFrame(s2_rows) if s2_rows else None
    return indices, s2


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name)


def analyze(folder: str | Path, plots: bool = True) -> dict[str, Any]:
    """Summarise a results folder and compute sensitivity indices.

    Args:
        folder: the results folder (what :func:`~sim.sweep.runner.run_sweep` returned).
        plots: also draw PNG plots (matplotlib, Agg backend).

    Returns:
        ``{"folder", "manifest", "summary" (DataFrame), "indices" (DataFrame or None),
        "second_order" (DataFrame or None), "errors" (DataFrame: message, count),
        "runs_total", "runs_stored", "runs_ok", "runs_error", "complete",
        "files" ({label: Path}), "warnings" ([str])}``.

    Raises:
        SweepStateError: the folder is not a sweep results folder.
    """
    folder = Path(folder)
    manifest = read_manifest(folder)
    design_path = folder / "design.parquet"
    if not design_path.exists():
        raise SweepStateError(f"{folder} has no design.parquet; run the sweep first")
    design = pd.read_parquet(design_path)
    params = list(manifest["design"]["parameters"])
    info = outcome_info(manifest)
    outcomes = list(info)
    runs = read_runs(folder, ["run_id", "point_id", "status", "error"] + outcomes)
    total = int(manifest["total_runs"])
    warnings: list[str] = []
    if len(runs) < total:
        warnings.append(f"the sweep is incomplete: {len(runs):,} of {total:,} runs stored "
                        "(run the sweep command again to finish it)")
    n_ok = int((runs["status"] == "ok").sum()) if len(runs) else 0
    errors = (runs.loc[runs["status"] != "ok", "error"].fillna("").str.slice(0, 200).value_counts()
              .rename_axis("message").reset_index(name="count")) if len(runs) else pd.DataFrame()
    if len(runs) - n_ok:
        warnings.append(f"{len(runs) - n_ok:,} runs failed (status 'error'); see the 'error' column")
    summary = _summarize(runs, design, params, outcomes) if len(runs) else design[["point_id"] + params]
    files: dict[str, Path] = {}
    files["summary.csv"] = folder / "summary.csv"
    summary.to_csv(files["summary.csv"], index=False)
    files["summary.parquet"] = folder / "summary.parquet"
    summary.to_parquet(files["summary.parquet"], index=False)
    indices, s2 = (None, None)
    if len(runs):
        indices, s2 = _indices(manifest, design, summary, outcomes, warnings)
    if indices is not None:
        files["indices.csv"] = folder / "indices.csv"
        indices.to_csv(files["indices.csv"], index=False)
    if s2 is not None:
        files["indices_second_order.csv"] = folder / "indices_second_order.csv"
        s2.to_csv(files["indices_second_order.csv"], index=False)
    if plots and len(runs):
        from .plots import plot_indices, plot_outcome

        units = {c: spec.get("unit") for c, spec in info.items()}
        labels = {c: (spec.get("label") if spec.get("name") == c else None) for c, spec in info.items()}
        pspecs = manifest["design"]["parameters"]
        full = read_runs(folder, ["run_id", "point_id", "status"] + params + outcomes)
        for o in outcomes:
            path = folder / f"plot_{_safe(o)}.png"
            if plot_outcome(path, full, summary, o, units.get(o), labels.get(o), pspecs, manifest["design"]):
                files[f"plot_{o}"] = path
            if indices is not None and (indices["outcome"] == o).any():
                path = folder / f"indices_{_safe(o)}.png"
                plot_indices(path, indices[indices["outcome"] == o], o, units.get(o), manifest["design"])
                files[f"indices_{o}"] = path
    return {
        "folder": folder, "manifest": manifest, "summary": summary, "indices": indices,
        "second_order": s2, "errors": errors, "runs_total": total, "runs_stored": len(runs),
        "runs_ok": n_ok, "runs_error": int(len(runs) - n_ok), "complete": len(runs) >= total,
        "files": files, "warnings": warnings,
    }


def print_analysis(result: dict[str, Any], console: Any = None, max_rows: int = 15) -> None:
    """Print an :func:`analyze` result with rich: counts, summary, indices, files."""
    from rich.console import Console
    from rich.table import Table

    console = console or Console()
    m = result["manifest"]
    d = m["design"]
    console.print(f"[bold]Sweep[/bold] {result['folder']}")
    console.print(f"  design: {d['method']}, {d['n_points']:,} points x {d['replicates']} replicates "
                  f"= {result['runs_total']:,} runs; stored {result['runs_stored']:,} "
                  f"({result['runs_ok']:,} ok, {result['runs_error']:,} errors)")
    all_outcomes = list(outcome_info(m))
    params = [p for p, spec in d["parameters"].items() if spec.get("kind") != "fixed"]
    # as many outcomes as fit the console (a mean and a ± column, about 18 columns);
    # summary.csv has them all
    room = (console.width - 13 - 9 * len(params)) // 18
    outcomes = all_outcomes[:max(1, min(4, room))]
    summary = result["summary"]
    if outcomes and f"{outcomes[0]}_mean" in summary.columns:
        more = (f"; first {len(outcomes)} of {len(all_outcomes)} outcomes"
                if len(all_outcomes) > len(outcomes) else "")
        t = Table(title=f"Per design point: mean over replicates (first {min(max_rows, len(summary))} "
                        f"of {len(summary):,} points{more}; all in summary.csv)",
                  caption="± : half-width of the 95% confidence interval of the mean")
        t.add_column("point", justify="right")
        for p in params:
            t.add_column(p, justify="right", overflow="fold")
        t.add_column("runs", justify="right")
        for o in outcomes:
            t.add_column(o, justify="right", overflow="fold")
            t.add_column("±", justify="right", no_wrap=True)
        for row in summary.head(max_rows).to_dict("records"):  # records keep ints as ints
            cells = [str(row["point_id"])] + [_short(row[p]) for p in params] + [f"{row['n_runs']}"]
            for o in outcomes:
                mean, lo, hi = row[f"{o}_mean"], row[f"{o}_ci_low"], row[f"{o}_ci_high"]
                cells.append("-" if pd.isna(mean) else _short(mean))
                cells.append("-" if pd.isna(lo) else f"{(hi - lo) / 2:.2g}")
            t.add_row(*cells)
        console.print(t)
    idx = result["indices"]
    if idx is not None:
        sobol = d["method"] == "sobol"
        indexed = list(dict.fromkeys(idx["outcome"]))
        for o in indexed[:4]:                 # one table per outcome keeps names whole
            more = f" (first 4 of {len(indexed)} outcomes; all in indices.csv)" if (
                len(indexed) > 4 and o == indexed[0]) else ""
            t = Table(title=(f"Sobol' indices of {o}: first order S1, total ST" if sobol
                             else f"Morris screening of {o}: mu*, sigma, mu") + more,
                      caption="± : half-width of the 95% confidence interval; "
                              "sigma's interval is in indices.csv" * (not sobol))
            t.add_column("parameter", no_wrap=True)
            cols = (("S1", "S1_conf"), ("ST", "ST_conf")) if sobol else (
                ("mu*", "mu_star_conf"), ("sigma", None), ("mu", None))
            for head, conf in cols:
                t.add_column(head, justify="right", no_wrap=True)
                if conf:
                    t.add_column("±", justify="right", no_wrap=True)
            for _, r in idx[idx["outcome"] == o].iterrows():
                vals = ([r["S1"], r["S1_conf"], r["ST"], r["ST_conf"]] if sobol
                        else [r["mu_star"], r["mu_star_conf"], r["sigma"], r["mu"]])
                t.add_row(str(r["parameter"]), *("-" if pd.isna(v) else f"{v:.3g}" for v in vals))
            console.print(t)
    errors = result["errors"]
    if len(errors):
        t = Table(title="Most frequent errors")
        t.add_column("count", justify="right")
        t.add_column("message")
        for _, r in errors.head(5).iterrows():
            t.add_row(str(r["count"]), str(r["message"]))
        console.print(t)
    for w in result["warnings"]:
        console.print(f"[yellow]warning:[/yellow] {w}")
    console.print("[bold]Files[/bold]")
    for path in result["files"].values():
        console.print(f"  {path}")


def _short(v: Any) -> str:
    """A number in three significant digits (for tables); other values as they are."""
    if isinstance(v, (float, np.floating)):
        return "nan" if math.isnan(v) else f"{v:.3g}"
    return str(v)
