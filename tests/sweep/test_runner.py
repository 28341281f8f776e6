"""Running sweeps: storage, failures, resumption (also after a real SIGKILL),
killed workers, interchangeable backends, spawn safety in scripts/notebooks."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from sim.sweep.errors import SweepStateError
from sim.sweep.runner import run_sweep
from sim.sweep.spec import load_sweep
from sim.sweep.store import ResultStore

from . import toy
from .conftest import ROOT, TOY, TOY_KNOWN

PY = sys.executable


def grid_sweep(extra_params: str = "", replicates: int = 2, output: str | None = None,
               batch: int | None = None, levels: int = 4) -> str:
    """A small grid sweep text over a and x (plus extra fixed parameters, one per line)."""
    lines = ["scenario: scenario.yaml", "parameters:", "  a: {low: 1, high: 2}", "  x: {low: 0, high: 1}"]
    lines += ["  " + line.strip() for line in extra_params.strip().splitlines() if line.strip()]
    lines += [f"design: {{method: grid, levels: {levels}}}", f"replicates: {replicates}",
              'outcomes: [y, {name: y2, unit: "y units"}]']
    if output:
        lines.append(f"output: {output}")
    if batch:
        lines.append(f"batch_size: {batch}")
    return "\n".join(lines) + "\n"


def stored(folder: Path) -> pd.DataFrame:
    """Every stored row, as written (no de-duplication), sorted by run_id."""
    df = pd.read_parquet(folder / "runs")
    return df.sort_values("run_id", kind="stable").reset_index(drop=True)


def frame(folder: Path) -> pd.DataFrame:
    """Stored runs without the timing column (the only run-dependent one)."""
    return stored(folder).drop(columns=["duration_s"])


def test_grid_end_to_end_on_the_local_pool(write_sweep):
    path = write_sweep(grid_sweep("noise: 0.3"))
    folder = run_sweep(path, workers=2, progress=False, evaluate=TOY, known_parameters=TOY_KNOWN)
    assert folder == path.parent / "sweep_results"
    df = stored(folder)
    assert len(df) == 16 * 2 and df["run_id"].tolist() == list(range(32))
    assert list(df.columns) == ["run_id", "point_id", "replicate", "seed", "a", "x", "noise", "y", "y2",
                                "status", "error", "duration_s"]
    assert (df["status"] == "ok").all() and df["error"].isna().all() and (df["duration_s"] >= 0).all()
    # the stored numbers are exactly what the model returns for that parameter set and seed
    for row in df.sample(5, random_state=1).itertuples():
        expect = toy.evaluate({"scenario": "", "variant": None, "seed": row.seed,
                               "parameters": {"a": row.a, "x": row.x, "noise": 0.3},
                               "outcomes": [{"name": "y"}, {"name": "y2"}]})
        assert row.y == expect["y"] and row.y2 == expect["y2"]
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["status"] == "complete" and manifest["total_runs"] == 32
    assert manifest["sweep_text"] == path.read_text() and len(manifest["sweep_sha256"]) == 64
    assert manifest["design"]["method"] == "grid" and manifest["backend"]["name"] == "local"
    assert manifest["started"] and manifest["finished"] and manifest["versions"]["ddsim"]
    assert pd.read_parquet(folder / "design.parquet").shape[0] == 16
    # DuckDB reads the same folder
    n = duckdb.sql(f"SELECT count(*) FROM '{folder}/runs/*.parquet'").fetchall()[0][0]
    assert n == 32


def test_lhs_serial_and_failing_runs_are_recorded(write_sweep):
    path = write_sweep("""
        scenario: scenario.yaml
        parameters:
          a: {low: 1, high: 2}
          x: {low: 0, high: 1}
          fail_above: 0.7
        design: {method: lhs, samples: 30, seed: 2}
        replicates: 2
        outcomes: [y]
        """)
    folder = run_sweep(path, scheduler="serial", progress=False, evaluate=TOY)
    df = stored(folder)
    assert len(df) == 60
    failed = df[df["status"] == "error"]
    assert len(failed) > 0 and (df.loc[df["x"] > 0.7, "status"] == "error").all()
    assert (df.loc[df["x"] <= 0.7, "status"] == "ok").all()
    assert failed["y"].isna().all()
    assert failed["error"].str.contains("ValueError: toy failure").all()
    assert failed["error"].str.contains(r"toy\.py:\d+ in evaluate").all()
    assert json.loads((folder / "manifest.json").read_text())["runs_error"] == len(failed)


def test_resume_skips_finished_runs_and_ignores_temporaries(write_sweep, tmp_path):
    path = write_sweep(grid_sweep(batch=3))
    folder = run_sweep(path, scheduler="serial", progress=False, evaluate=TOY)
    reference = frame(folder)
    parts = sorted((folder / "runs").glob("part-*.parquet"))
    for p in parts[1::2]:  # lose every other part, as if the sweep had stopped
        p.unlink()
    (folder / "runs" / ".part-00099.parquet.123.tmp").write_bytes(b"half a file")
    partial = len(stored(folder))
    assert 0 < partial < 32
    run_sweep(path, scheduler="serial", progress=False, evaluate=TOY)
    after = frame(folder)
    assert after["run_id"].is_unique and len(after) == 32
    pd.testing.assert_frame_equal(after, reference)
    assert not list((folder / "runs").glob(".*.tmp"))
    manifest = json.loads((folder / "manifest.json").read_text())
    assert [s["runs_before"] for s in manifest["sessions"]] == [0, partial]


def test_changed_sweep_file_is_refused_unless_force_new(write_sweep):
    path = write_sweep(grid_sweep(levels=2))
    folder = run_sweep(path, scheduler="serial", progress=False, evaluate=TOY)
    path.write_text(path.read_text().replace("replicates: 2", "replicates: 3"))
    with pytest.raises(SweepStateError, match=r"(?s)sweep file has changed.*--force-new"):
        run_sweep(path, scheduler="serial", progress=False, evaluate=TOY)
    run_sweep(path, scheduler="serial", progress=False, evaluate=TOY, force_new=True)
    assert len(stored(folder)) == 4 * 3
    moved = list(folder.parent.glob("sweep_results.replaced-*"))
    assert len(moved) == 1 and len(stored(moved[0])) == 4 * 2


def test_a_folder_in_use_is_refused(write_sweep):
    spec = load_sweep(write_sweep(grid_sweep(levels=2)), known_parameters=None, validate_outcomes=None)
    store, _ = ResultStore.open(spec)
    try:
        with pytest.raises(SweepStateError, match="another sweep"):
            ResultStore.open(spec)
    finally:
        store.release()


def test_killed_worker_restarts_the_pool_and_loses_nothing(write_sweep, tmp_path):
    marker_dir = tmp_path / "markers"
    marker_dir.mkdir()
    path = write_sweep(grid_sweep(f"die_once_dir: '{marker_dir}'\ndie_above: 0.5", batch=4))
    folder = run_sweep(path, workers=2, progress=False, evaluate=TOY)
    assert (marker_dir / "died").exists()  # a worker really was SIGKILLed
    df = stored(folder)
    assert len(df) == 32 and df["run_id"].is_unique and (df["status"] == "ok").all()


def test_a_run_that_always_kills_its_worker_is_recorded_as_error(write_sweep):
    path = write_sweep(grid_sweep("die_always_above: 0.9", replicates=1, batch=4))
    folder = run_sweep(path, workers=2, progress=False, evaluate=TOY)
    df = stored(folder)
    assert len(df) == 16 and df["run_id"].is_unique
    poison = df["x"] > 0.9
    assert poison.sum() == 4
    assert (df.loc[poison, "status"] == "error").all()
    assert df.loc[poison, "error"].str.contains("worker process died").all()
    assert (df.loc[~poison, "status"] == "ok").all()


def _start_sweep_process(path: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen([PY, "-m", "sim.sweep", "run", str(path), "--evaluate", TOY, "--workers", "2",
                             *extra], cwd=ROOT, start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_for_parts(folder: Path, n: int, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        runs = folder / "runs"
        if runs.exists() and len(list(runs.glob("part-*.parquet"))) >= n:
            return
        if proc.poll() is not None:
            raise AssertionError(f"sweep ended early: {proc.communicate()}")
        time.sleep(0.02)
    raise AssertionError("no part files appeared")


def test_resume_after_sigkill_of_the_whole_process_group(write_sweep, tmp_path):
    text = grid_sweep("sleep: 0.04", replicates=3, batch=3, levels=5)  # 75 runs, ~1.5 s per worker
    path = write_sweep(text)
    proc = _start_sweep_process(path, "--no-progress")
    folder = path.parent / "sweep_results"
    _wait_for_parts(folder, 3, proc)
    os.killpg(proc.pid, signal.SIGKILL)  # main process and its workers, no chance to clean up
    proc.wait(timeout=10)
    n_stored = len(stored(folder))
    assert 0 < n_stored < 75, n_stored
    run_sweep(path, workers=2, progress=False, evaluate=TOY)
    raw = pd.read_parquet(folder / "runs")  # as stored: no de-duplication by the reader
    assert sorted(raw["run_id"]) == list(range(75))  # every run exactly once
    resumed = frame(folder)
    reference_path = write_sweep(text, folder=tmp_path / "reference")
    reference = frame(run_sweep(reference_path, workers=2, progress=False, evaluate=TOY))
    pd.testing.assert_frame_equal(resumed, reference)


def test_ctrl_c_stops_cleanly_and_the_same_command_resumes(write_sweep):
    path = write_sweep(grid_sweep("sleep: 0.04", replicates=3, batch=3, levels=5))
    folder = path.parent / "sweep_results"
    proc = _start_sweep_process(path)
    _wait_for_parts(folder, 2, proc)
    proc.send_signal(signal.SIGINT)  # what Ctrl-C sends to the main process (SIGTERM is handled alike)
    _, err = proc.communicate(timeout=30)
    err = " ".join(err.split())
    assert proc.returncode == 130, err
    assert "Interrupted" in err and "run the same command again" in err and "Traceback" not in err
    assert json.loads((folder / "manifest.json").read_text())["status"] == "interrupted"
    proc = _start_sweep_process(path, "--no-progress")
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    df = pd.read_parquet(folder / "runs")
    assert sorted(df["run_id"]) == list(range(75)) and (df["status"] == "ok").all()


def test_sigterm_is_handled_like_ctrl_c(write_sweep):
    path = write_sweep(grid_sweep("sleep: 0.04", replicates=3, batch=3, levels=5))
    folder = path.parent / "sweep_results"
    proc = _start_sweep_process(path, "--no-progress")
    _wait_for_parts(folder, 2, proc)
    proc.terminate()  # SIGTERM, as a batch system sends at its time limit
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert json.loads((folder / "manifest.json").read_text())["status"] == "interrupted"


def test_local_pool_and_dask_give_identical_results(write_sweep, tmp_path):
    text = grid_sweep("noise: 0.5", replicates=3)
    pool = frame(run_sweep(write_sweep(text, folder=tmp_path / "pool"), workers=2, progress=False,
                           evaluate=TOY))
    dask_local = frame(run_sweep(write_sweep(text, folder=tmp_path / "dask"), scheduler="local", workers=2,
                                 progress=False, evaluate=TOY))
    pd.testing.assert_frame_equal(pool, dask_local)
    # an already running scheduler, reached by address (as on a cluster)
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None) as cluster:
        remote_folder = run_sweep(write_sweep(text, folder=tmp_path / "tcp"),
                                  scheduler=cluster.scheduler_address, progress=False, evaluate=TOY)
        with Client(cluster) as client:  # a Client made by the caller (e.g. around a SLURMCluster)
            client_folder = run_sweep(write_sweep(text, folder=tmp_path / "client"), scheduler=client,
                                      progress=False, evaluate=TOY)
            assert client.status == "running"  # the caller's client is left open
    pd.testing.assert_frame_equal(pool, frame(remote_folder))
    pd.testing.assert_frame_equal(pool, frame(client_folder))
    manifest = json.loads((remote_folder / "manifest.json").read_text())
    assert manifest["backend"]["name"] == "dask-remote"


SCRIPT = """
from sim.sweep import run_sweep
from sim.sweep.analyze import read_runs
folder = run_sweep({path!r}, workers=2, evaluate={toy!r})
print("DONE", len(read_runs(folder)))
"""


def run_unguarded(template: str, path: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    """Run ``template`` (a script without a main guard) as a file; check it swept once."""
    script = tmp_path / "unguarded.py"
    script.write_text(template.format(path=str(path), toy=TOY))
    res = subprocess.run([PY, str(script)], cwd=tmp_path, capture_output=True, text=True, timeout=90)
    assert res.returncode == 0, res.stderr
    assert res.stdout.count("DONE") == 1 and "DONE 18" in res.stdout
    return res


def test_unguarded_script_and_python_c_do_not_respawn_the_sweep(write_sweep, tmp_path):
    """No ``if __name__ == "__main__"`` guard: starting workers must not re-run the caller."""
    path = write_sweep(grid_sweep(levels=3))
    res = run_unguarded(SCRIPT, path, tmp_path)
    assert "sweep: 18/18 runs" in res.stderr  # plain progress lines when not on a terminal
    manifest = json.loads((path.parent / "sweep_results" / "manifest.json").read_text())
    assert manifest["backend"]["start_method"] == "fork"  # a single-threaded script forks
    shutil.rmtree(path.parent / "sweep_results")
    res = subprocess.run([PY, "-c", SCRIPT.format(path=str(path), toy=TOY)], cwd=tmp_path,
                         capture_output=True, text=True, timeout=90)
    assert res.returncode == 0, res.stderr
    assert res.stdout.count("DONE") == 1


THREADED_SCRIPT = """
import json, threading
stop = threading.Event()
threading.Thread(target=stop.wait, daemon=True).start()  # a second thread: no fork
""" + SCRIPT + """
print("METHOD", json.loads((folder / "manifest.json").read_text())["backend"]["start_method"])
stop.set()
"""


def test_unguarded_threaded_script_uses_the_fork_server_and_does_not_respawn(write_sweep, tmp_path):
    """With another thread running the pool must not fork; the fork server's workers
    must not re-run the unguarded script either."""
    res = run_unguarded(THREADED_SCRIPT, write_sweep(grid_sweep(levels=3)), tmp_path)
    assert "METHOD forkserver" in res.stdout


def test_runs_inside_a_jupyter_notebook(write_sweep, tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    path = write_sweep(grid_sweep(levels=3))
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(SCRIPT.format(path=str(path), toy=TOY))]
    client = nbclient.NotebookClient(nb, timeout=90, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    text = "".join(o.get("text", "") for o in nb.cells[0].outputs if o.get("output_type") == "stream")
    assert "DONE 18" in text
    manifest = json.loads((path.parent / "sweep_results" / "manifest.json").read_text())
    assert manifest["backend"]["start_method"] == "forkserver"  # a kernel runs threads: no fork


def test_an_outcome_expanded_into_several_columns(write_sweep):
    path = write_sweep("""
        scenario: scenario.yaml
        parameters: {a: {low: 1, high: 2}, x: {low: 0, high: 1}, fail_above: 0.8}
        design: {method: grid, levels: 3}
        outcomes:
          - y
          - {name: per_state, per: [USA, GBR], unit: EUR bn}
        batch_size: 1
        """)
    folder = run_sweep(path, scheduler="serial", progress=False, evaluate=TOY)
    df = stored(folder)
    assert [c for c in df.columns if c.startswith("per_state")] == ["per_state_USA", "per_state_GBR"]
    ok = df[df["status"] == "ok"]
    assert (ok["per_state_GBR"] - ok["per_state_USA"]).round(12).eq(1).all()
    assert json.loads((folder / "manifest.json").read_text())["outcome_columns"] == [
        "y", "per_state_USA", "per_state_GBR"]
    from sim.sweep.analyze import analyze

    res = analyze(folder, plots=False)
    assert {"per_state_USA_mean", "per_state_GBR_ci_low"} <= set(res["summary"].columns)


def test_with_the_real_model_adapter(write_sweep, tmp_path):
    """The real sim.experiment (when present): a tiny sweep on the built-in demo scenario."""
    experiment = pytest.importorskip("sim.experiment")
    demo = ROOT / "sim" / "data" / "demo.yaml"
    known = experiment.known_parameters()
    ranged = [k for k, v in known.items() if v]
    if not demo.exists() or not ranged:
        pytest.skip("no demo scenario or no parameter with a known range")
    name = ranged[0]
    lo, hi = known[name]
    sweep = tmp_path / "real.yaml"
    sweep.write_text(textwrap.dedent(f"""
        scenario: {demo}
        parameters:
          {name}: {{low: {lo + (hi - lo) * 0.25}, high: {lo + (hi - lo) * 0.75}}}
        design: {{method: grid, levels: 2}}
        replicates: 2
        outcomes:
          - {{name: mean_trust, metric: mean_trust}}
        """))
    folder = run_sweep(sweep, scheduler="serial", progress=False)  # default evaluate: sim.experiment:evaluate
    df = stored(folder)
    assert len(df) == 4 and (df["status"] == "ok").all(), df["error"].tolist()
    assert df["mean_trust"].between(0, 1).all()
