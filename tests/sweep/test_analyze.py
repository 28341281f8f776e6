"""Analysis of stored results: summaries, Sobol'/Morris indices, plots, readers."""

from __future__ import annotations

import shutil

import duckdb
import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sim.sweep.analyze import analyze, read_runs
from sim.sweep.cli import analyze_command
from sim.sweep.runner import run_sweep

from .conftest import TOY

SA_SWEEP = """
scenario: scenario.yaml
parameters:
  a: {{low: 1, high: 2}}
  x: {{low: 0.1, high: 1, unit: km}}
  b: {{low: 0, high: 1}}
  noise: 0.01
design: {{method: {method}, samples: {samples}, seed: 3}}
replicates: 2
outcomes: [{{name: y, unit: "y units", label: "toy output"}}]
"""


@pytest.fixture(scope="module")
def sobol_folder(tmp_path_factory):
    d = tmp_path_factory.mktemp("sobol")
    (d / "scenario.yaml").write_text("x: 1\n")
    (d / "sweep.yaml").write_text(SA_SWEEP.format(method="sobol", samples=64))
    return run_sweep(d / "sweep.yaml", scheduler="serial", progress=False, evaluate=TOY)


def _is_png(path):
    return path.exists() and path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 5000


def test_sobol_end_to_end_with_indices(sobol_folder):
    res = analyze(sobol_folder)
    assert res["complete"] and res["runs_stored"] == 64 * 5 * 2 and res["runs_error"] == 0
    idx = res["indices"].set_index("parameter")
    assert list(idx.columns) == ["method", "outcome", "S1", "S1_conf", "ST", "ST_conf"]
    # y = a*x + 0.01*b + small noise: x and a matter, b hardly
    assert idx.loc["x", "ST"] > 0.5 and idx.loc["x", "ST"] > idx.loc["a", "ST"] > idx.loc["b", "ST"]
    assert idx.loc["b", "ST"] < 0.05
    written = pd.read_csv(sobol_folder / "indices.csv")
    assert set(written["parameter"]) == {"a", "x", "b"}
    for name in ("summary.csv", "summary.parquet", "indices.csv"):
        assert (sobol_folder / name).exists()
    assert _is_png(res["files"]["plot_y"]) and _is_png(res["files"]["indices_y"])


def test_summary_mean_and_interval_across_replicates(sobol_folder):
    res = analyze(sobol_folder, plots=False)
    summary = res["summary"]
    runs = read_runs(sobol_folder)
    row = summary.iloc[7]
    ys = runs.loc[runs["point_id"] == row["point_id"], "y"].to_numpy()
    half = stats.t.ppf(0.975, len(ys) - 1) * ys.std(ddof=1) / np.sqrt(len(ys))
    assert row["y_mean"] == pytest.approx(ys.mean())
    assert row["y_ci_low"] == pytest.approx(ys.mean() - half)
    assert row["y_ci_high"] == pytest.approx(ys.mean() + half)
    assert row["y_n"] == 2 and row["n_runs"] == 2 and row["n_error"] == 0
    assert {"a", "x", "b", "noise", "y_q025", "y_q975", "y_std"} <= set(summary.columns)
    assert len(pd.read_csv(sobol_folder / "summary.csv")) == len(summary) == 64 * 5


def test_morris_end_to_end(tmp_path):
    (tmp_path / "scenario.yaml").write_text("x: 1\n")
    (tmp_path / "sweep.yaml").write_text(SA_SWEEP.format(method="morris", samples=10))
    folder = run_sweep(tmp_path / "sweep.yaml", scheduler="serial", progress=False, evaluate=TOY)
    res = analyze(folder)
    idx = res["indices"].set_index("parameter")
    assert {"mu", "mu_star", "mu_star_conf", "sigma", "sigma_conf"} <= set(idx.columns)
    assert idx.loc["x", "mu_star"] > idx.loc["b", "mu_star"] and idx.loc["a", "mu_star"] > idx.loc["b", "mu_star"]
    assert (idx["mu_star_conf"] >= 0).all() and (idx["sigma_conf"] >= 0).all()
    assert _is_png(res["files"]["indices_y"])


def test_analysis_needs_only_the_folder(sobol_folder, tmp_path):
    copy = tmp_path / "elsewhere"
    shutil.copytree(sobol_folder, copy)  # no sweep file, no scenario, no model next to it
    res = analyze(copy, plots=False)
    assert res["indices"] is not None and res["runs_stored"] == 640


def test_incomplete_sweep_is_analysed_with_a_warning(sobol_folder, tmp_path):
    copy = tmp_path / "partial"
    shutil.copytree(sobol_folder, copy)
    parts = sorted((copy / "runs").glob("part-*.parquet"))
    parts[0].unlink()
    res = analyze(copy, plots=False)
    assert not res["complete"]
    assert any("incomplete" in w for w in res["warnings"])
    assert any("indices for 'y' skipped" in w for w in res["warnings"])


def test_results_are_readable_by_pandas_and_duckdb_despite_temporaries(sobol_folder, tmp_path):
    copy = tmp_path / "withtmp"
    shutil.copytree(sobol_folder, copy)
    (copy / "runs" / ".part-00999.parquet.42.tmp").write_bytes(b"PAR1 broken half-written file")
    df = pd.read_parquet(copy / "runs")
    assert len(df) == 640 and df["run_id"].is_unique
    rel = duckdb.sql(f"SELECT point_id, avg(y) AS y FROM '{copy}/runs/*.parquet' GROUP BY point_id")
    assert len(rel.fetchall()) == 320


def test_analyze_command(sobol_folder, tmp_path, capsys):
    assert analyze_command(sobol_folder) == 0
    out = capsys.readouterr().out
    assert "Sobol' indices" in out and "summary.csv" in out
    # a design point is one line: its mean and the CI's half-width in columns of their own
    first = pd.read_csv(sobol_folder / "summary.csv").iloc[0]
    cells = next(line for line in out.splitlines() if line.startswith("│")
                 and line.split("│")[1].strip() == "0").split("│")
    assert f"{first['y_mean']:.3g}" in [c.strip() for c in cells]
    assert f"{(first['y_ci_high'] - first['y_ci_low']) / 2:.2g}" == cells[-2].strip()
    assert analyze_command(tmp_path / "nothing") == 2
    (tmp_path / "empty").mkdir()
    assert analyze_command(tmp_path / "empty") == 2
    assert "not a sweep results folder" in capsys.readouterr().err
