#!/usr/bin/env python
"""Benchmark of the sweep runner (sim.sweep).

    .venv/bin/python benchmarks/bench_sweep.py            # full run (~2-3 minutes on 2 cores)
    .venv/bin/python benchmarks/bench_sweep.py --runs 300 --tiny-runs 5000   # quicker
    .venv/bin/python benchmarks/bench_sweep.py --toy      # the toy model even if the real one exists

Case 1 - throughput: ``--runs`` short runs (default 1,000) with 1 and 2 local
worker processes and a 2-worker Dask LocalCluster. Uses the real model
(``sim.experiment:evaluate`` on the built-in demo or ``--scenario``, varying its first
parameter with a known range) when it exists; otherwise (or with ``--toy``)
the toy model of the tests (``tests.sweep.toy``, burning ``--work`` seconds of
CPU per run), with a notice. Prints runs per second, the 2-worker speed-up, the per-run overhead
over a bare in-process call of evaluate, and peak memory.

Case 2 - memory: ``--tiny-runs`` (default 20,000) tiny toy runs against a
tenth as many, each in a fresh process, to show that the runner's memory does
not grow with the number of runs (results stream to Parquet).

Targets: speed-up >= 1.8x; overhead < 5 ms per run; Dask within 20% of the
local pool; memory independent of the run count.

Every sweep runs in a fresh subprocess so that its peak memory (getrusage of
the process and of its finished children) is its own.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ["PYTHONPATH"] = os.pathsep.join([str(ROOT)] + [p for p in os.environ.get("PYTHONPATH", "").split(
    os.pathsep) if p])

TOY = "tests.sweep.toy:evaluate"
REAL = "sim.experiment:evaluate"
TARGET_SPEEDUP, TARGET_OVERHEAD_MS, TARGET_DASK = 1.8, 5.0, 0.20


# ----------------------------------------------------------------------------- model choice
def choose_model(work: float, toy: bool = False, scenario_path: str | None = None) -> dict:
    """The real model's evaluate if it can be benchmarked, else the toy (with a notice)."""
    if toy:
        print(f"NOTICE: --toy given: benchmarking the toy model {TOY}.\n")
        return _toy(work)
    try:
        import sim.experiment as exp  # noqa: F401
    except Exception as exc:  # noqa: BLE001
        print(f"NOTICE: {REAL} is not available ({type(exc).__name__}: {exc});\n"
              f"        benchmarking the toy model {TOY} (about {work * 1000:.0f} ms of CPU per run) instead.\n")
        return _toy(work)
    outcomes = None
    for attr in ("BENCHMARK_OUTCOMES", "DEFAULT_OUTCOMES"):
        outcomes = outcomes or getattr(exp, attr, None)
    if outcomes is None and callable(getattr(exp, "default_outcomes", None)):
        outcomes = exp.default_outcomes()
    if outcomes is None and getattr(exp, "MODEL_SERIES", None):  # the adapter's whole-model series
        outcomes = [{"name": exp.MODEL_SERIES[0], "metric": exp.MODEL_SERIES[0]}]
    if outcomes and callable(getattr(exp, "validate_outcomes", None)):
        outcomes = [o if isinstance(o, dict) else {"name": o} for o in outcomes]
        if exp.validate_outcomes(outcomes):
            outcomes = None
    known = exp.known_parameters() if callable(getattr(exp, "known_parameters", None)) else {}
    ranged = [(k, v) for k, v in known.items() if v and len(v) == 2]
    scenario = Path(scenario_path) if scenario_path else ROOT / "sim" / "data" / "demo.yaml"
    if not scenario.is_absolute():
        scenario = ROOT / scenario
    if not outcomes or not ranged or not scenario.exists():
        print("NOTICE: sim.experiment exists but the benchmark cannot build a sweep for it (needs "
              "known_parameters() with a range, BENCHMARK_OUTCOMES/default_outcomes(), sim/data/demo.yaml);\n"
              f"        benchmarking the toy model {TOY} instead.\n")
        return _toy(work)
    name, (lo, hi) = ranged[0]
    lo, hi = float(lo) + 0.25 * (float(hi) - float(lo)), float(lo) + 0.75 * (float(hi) - float(lo))
    return {"label": f"real model ({REAL}), scenario {scenario.name}, varying {name} in [{lo:g}, {hi:g}]",
            "evaluate": REAL, "scenario": str(scenario),
            "parameters": {name: {"low": lo, "high": hi}},
            "outcomes": [o if isinstance(o, dict) else {"name": o} for o in outcomes]}


def _toy(work: float) -> dict:
    return {"label": f"toy model ({TOY}, {work * 1000:.0f} ms CPU per run)", "evaluate": TOY, "scenario": None,
            "parameters": {"a": {"low": 1.0, "high": 2.0}, "x": {"low": 0.0, "high": 1.0}, "work": work},
            "outcomes": [{"name": "y"}]}


def write_sweep(folder: Path, model: dict, points: int, replicates: int) -> Path:
    """A random-design sweep file for ``model`` in ``folder``."""
    from ruamel.yaml import YAML

    folder.mkdir(parents=True, exist_ok=True)
    scenario = model["scenario"]
    if scenario is None:
        scenario = str(folder / "scenario.yaml")
        Path(scenario).write_text("meta: {title: benchmark}\n")
    doc = {"scenario": scenario, "parameters": model["parameters"],
           "design": {"method": "random", "samples": points, "seed": 1},
           "replicates": replicates, "outcomes": model["outcomes"], "output": "results"}
    path = folder / "sweep.yaml"
    with open(path, "w") as fh:
        YAML(typ="safe", pure=True).dump(doc, fh)
    return path


# ----------------------------------------------------------------------------- child process
def child(spec: dict) -> dict:
    """Run one sweep in this (fresh) process; return timings and peak memory."""
    import tracemalloc

    from sim.sweep.runner import run_sweep

    path = Path(spec["path"])
    out: dict = {}
    if spec.get("trace"):
        tracemalloc.start()
    t0 = time.perf_counter()
    folder = run_sweep(path, scheduler=spec["scheduler"], workers=spec["workers"], progress=False,
                       evaluate=spec["evaluate"])
    out["wall_s"] = time.perf_counter() - t0
    if spec.get("trace"):
        out["traced_peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    import pyarrow.dataset as ds

    runs = ds.dataset(folder / "runs")
    out["runs_stored"] = runs.count_rows()
    out["eval_s_total"] = float(runs.to_table(columns=["duration_s"]).column("duration_s").to_numpy().sum())
    out["parts"] = len(list((folder / "runs").glob("part-*.parquet")))
    out["rss_self_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out["rss_children_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return out


def in_child(**spec) -> dict:
    """Run :func:`child` in a fresh interpreter."""
    res = subprocess.run([sys.executable, __file__, "--child", json.dumps(spec)], capture_output=True,
                         text=True, cwd=ROOT)
    if res.returncode != 0:
        raise SystemExit(f"benchmark child failed:\n{res.stderr[-3000:]}")
    return json.loads(res.stdout.strip().splitlines()[-1])


_EVAL: dict = {}


def _bare_calls(calls: int) -> float:
    """Wall time of ``calls`` bare evaluate calls (the model chosen by :func:`host_scaling`)."""
    fn, task = _EVAL["fn"], _EVAL["task"]
    t0 = time.perf_counter()
    for i in range(calls):
        fn(dict(task, seed=i))
    return time.perf_counter() - t0


def host_scaling(model: dict, calls: int = 500) -> float:
    """The ceiling of any 2-worker speed-up right now: how much faster two independent
    processes make two sets of ``calls`` bare evaluate calls than one process makes one
    set, with no sweep runner at all (2.0 would be perfect; this VM's two vCPUs vary).

    ``calls`` should be half the sweep's runs, so that the ceiling is measured over
    as long a stretch of work as the sweep itself: over a second or so this host
    often scales better than over ten (shared caches, neighbours on the host)."""
    import multiprocessing as mp

    from sim.sweep.hooks import import_object

    params = {k: (v["low"] + v["high"]) / 2 if isinstance(v, dict) else v for k, v in model["parameters"].items()}
    _EVAL["fn"] = import_object(model["evaluate"])
    _EVAL["task"] = {"scenario": model["scenario"] or "", "variant": None, "parameters": params, "seed": 1,
                     "outcomes": model["outcomes"]}
    with mp.get_context("fork").Pool(2) as pool:
        pool.map(_bare_calls, [2, 2])  # warm both workers
        one = pool.apply(_bare_calls, (calls,))
        two = max(pool.map(_bare_calls, [calls, calls]))
    return 2 * one / two


def bare_call_seconds(model: dict, calls: int) -> float:
    """Mean seconds of a bare in-process call of evaluate (no runner at all)."""
    from sim.sweep.hooks import import_object

    fn = import_object(model["evaluate"])
    params = {k: (v["low"] + v["high"]) / 2 if isinstance(v, dict) else v for k, v in model["parameters"].items()}
    task = {"scenario": model["scenario"] or "", "variant": None, "parameters": params, "seed": 1,
            "outcomes": model["outcomes"]}
    fn(dict(task))  # warm-up (imports, caches)
    t0 = time.perf_counter()
    for i in range(calls):
        fn(dict(task, seed=i))
    return (time.perf_counter() - t0) / calls


# ----------------------------------------------------------------------------- main
def main() -> int:
    """Run the benchmark and print the figures."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=1000, help="runs of the throughput case (default 1000)")
    ap.add_argument("--work", type=float, default=0.01, help="toy CPU seconds per run (default 0.01)")
    ap.add_argument("--tiny-runs", type=int, default=20000, help="runs of the memory case (default 20000)")
    ap.add_argument("--repeat", type=int, default=2, help="repeats of each throughput case; best is kept")
    ap.add_argument("--toy", action="store_true", help="benchmark the toy model even if the real one exists")
    ap.add_argument("--scenario", default="sim/data/demo.yaml",
                    help="scenario of the real-model runs (default: the built-in demo; "
                         "scenarios/classroom_rivals.yaml is the other short case)")
    ap.add_argument("--skip-dask", action="store_true")
    ap.add_argument("--skip-memory", action="store_true")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(json.loads(args.child))))
        return 0

    from sim.provenance import package_version

    print(f"sweep benchmark - {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"SALib {package_version('SALib')}, dask {package_version('distributed')}")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"load average before starting: {load:.2f}" + ("  (other processes are busy: figures will be noisy)"
                                                          if load > 0.5 else ""))
    model = choose_model(args.work, args.toy, args.scenario)
    print(f"model: {model['label']}\n")
    ok = True
    with tempfile.TemporaryDirectory(prefix="bench_sweep_") as tmp:
        tmp = Path(tmp)
        t_bare = bare_call_seconds(model, max(20, min(300, int(2.0 / max(args.work, 1e-4)))))
        print(f"bare in-process evaluate call: {t_bare * 1000:.3f} ms per run")
        cases = [("local pool, 1 worker", None, 1), ("local pool, 2 workers", None, 2)]
        if not args.skip_dask:
            cases.append(("dask LocalCluster, 2 workers", "local", 2))
        rows = {}
        tries: dict[str, list[dict]] = {label: [] for label, _, _ in cases}
        host: list[float] = []
        # repeats outermost, so every case and the host yardstick see the same spells of
        # host load (this VM's two vCPUs scale from 1.5x to 2.2x from minute to minute)
        for rep in range(args.repeat):
            host.append(host_scaling(model, max(20, args.runs // 2)))
            for i, (label, scheduler, workers) in enumerate(cases):
                path = write_sweep(tmp / f"case{i}_{rep}", model, args.runs, 1)  # fresh: nothing to resume
                probe = write_sweep(tmp / f"probe{i}_{rep}", model, workers, 1)
                # each sweep in a fresh process, as from the command line: the main sweep's
                # wall time includes starting its workers; a sweep of one run per worker,
                # also in a fresh process, measures that start-up alone
                run = in_child(path=str(path), scheduler=scheduler, workers=workers,
                               evaluate=model["evaluate"])
                run["startup_s"] = in_child(path=str(probe), scheduler=scheduler, workers=workers,
                                            evaluate=model["evaluate"])["wall_s"]
                tries[label].append(run)
        for label, _scheduler, workers in cases:
            r = min(tries[label], key=lambda t: t["wall_s"])  # best of the repeats: least disturbed by other load
            assert r["runs_stored"] == args.runs, r
            r["rate"] = args.runs / r["wall_s"]
            steady = max(r["wall_s"] - r["startup_s"], 1e-9)
            r["steady_rate"] = args.runs / steady
            # overhead per run: wall time x workers beyond the bare calls, spread over the runs
            r["overhead_ms"] = (r["wall_s"] * workers - args.runs * t_bare) / args.runs * 1000
            r["steady_overhead_ms"] = (steady * workers - args.runs * t_bare) / args.runs * 1000
            # the same, against the evaluate time measured inside the workers for these very runs
            r["insitu_overhead_ms"] = (r["wall_s"] * workers - r["eval_s_total"]) / args.runs * 1000
            rows[label] = r
        print(f"\nCase 1: {args.runs:,} runs")
        print(f"{'backend':<30}{'wall s':>8}{'start s':>9}{'runs/s':>9}{'runs/s*':>9}{'ovh ms':>8}"
              f"{'ovh* ms':>9}{'ovh~ ms':>9}{'parts':>7}{'RSS main':>10}{'RSS wkr':>9}")
        for label, r in rows.items():
            print(f"{label:<30}{r['wall_s']:>8.2f}{r['startup_s']:>9.2f}{r['rate']:>9.1f}{r['steady_rate']:>9.1f}"
                  f"{r['overhead_ms']:>8.2f}{r['steady_overhead_ms']:>9.2f}{r['insitu_overhead_ms']:>9.2f}"
                  f"{r['parts']:>7}{r['rss_self_mb']:>8.0f}MB{r['rss_children_mb']:>7.0f}MB")
        print("  ovh  = (wall x workers - runs x bare in-process call) / runs, start-up included")
        print("  *    = excluding backend start-up (pool spawn / cluster start, measured separately)")
        print("  ovh~ = (wall x workers - evaluate time measured inside the workers) / runs, start-up included")
        print(f"  best of {args.repeat} repeats; RSS = peak resident memory of the main process / of a worker")
        one, two = rows["local pool, 1 worker"], rows["local pool, 2 workers"]
        speedup = one["wall_s"] / two["wall_s"]
        speedup_steady = two["steady_rate"] / one["steady_rate"]
        overhead = one["insitu_overhead_ms"]  # robust to load: same runs, same moment
        print(f"\n  ceiling: two processes making {max(20, args.runs // 2):,} bare evaluate calls each side "
              f"by side (no runner) go {max(host):.2f}x as fast as one making them "
              f"(best of {len(host)}: {', '.join(f'{h:.2f}' for h in host)})")
        print(f"  2-worker speed-up: {speedup:.2f}x (excluding start-up {speedup_steady:.2f}x)"
              f"   target >= {TARGET_SPEEDUP}x  {'OK' if speedup >= TARGET_SPEEDUP else 'MISSED'}")
        print(f"  overhead per run (1 worker, incl. start-up): {one['overhead_ms']:.2f} ms vs a bare call, "
              f"{one['insitu_overhead_ms']:.2f} ms vs in-worker evaluate time "
              f"(steady state {one['steady_overhead_ms']:.2f} ms)   target < {TARGET_OVERHEAD_MS} ms  "
              f"{'OK' if overhead < TARGET_OVERHEAD_MS else 'MISSED'}")
        ok &= speedup >= TARGET_SPEEDUP and overhead < TARGET_OVERHEAD_MS
        if "dask LocalCluster, 2 workers" in rows:
            dk = rows["dask LocalCluster, 2 workers"]
            slower = dk["wall_s"] / two["wall_s"] - 1
            slower_steady = two["steady_rate"] / dk["steady_rate"] - 1
            print(f"  Dask vs local pool (2 workers): {slower * 100:+.1f}% wall time "
                  f"(excluding start-up {slower_steady * 100:+.1f}%)   target within {TARGET_DASK * 100:.0f}%  "
                  f"{'OK' if slower <= TARGET_DASK else 'MISSED'}")
            ok &= slower <= TARGET_DASK

        if not args.skip_memory:
            tiny = _toy(0.0)
            small = max(1, args.tiny_runs // 10)
            print("\nCase 2: memory, tiny toy runs, local pool with 2 workers (each sweep in a fresh process)")
            print(f"{'sweep':<42}{'wall s':>8}{'runs/s':>9}{'parts':>7}{'RSS main':>10}{'traced peak':>13}")
            mem = {}
            for label, points, reps in [(f"{small:,} runs (200 points x {small // 200})", 200, small // 200),
                                        (f"{args.tiny_runs:,} runs (200 points x {args.tiny_runs // 200})", 200,
                                         args.tiny_runs // 200),
                                        (f"{args.tiny_runs:,} runs ({args.tiny_runs:,} points x 1)",
                                         args.tiny_runs, 1)]:
                path = write_sweep(tmp / f"mem{points}_{reps}", tiny, points, reps)
                r = in_child(path=str(path), scheduler=None, workers=2, evaluate=TOY, trace=True)
                mem[label] = r
                print(f"{label:<42}{r['wall_s']:>8.2f}{r['runs_stored'] / r['wall_s']:>9.0f}{r['parts']:>7}"
                      f"{r['rss_self_mb']:>8.0f}MB{r['traced_peak_mb']:>11.1f}MB")
            vals = list(mem.values())
            growth_rss = vals[1]["rss_self_mb"] - vals[0]["rss_self_mb"]
            growth_traced = vals[1]["traced_peak_mb"] - vals[0]["traced_peak_mb"]
            flat = abs(growth_rss) < 25 and growth_traced < 10
            print(f"  10x more runs (same design): main-process peak RSS {growth_rss:+.1f} MB, "
                  f"traced Python peak {growth_traced:+.1f} MB   target: flat  {'OK' if flat else 'MISSED'}")
            print(f"  10x more design points: peak RSS {vals[2]['rss_self_mb'] - vals[0]['rss_self_mb']:+.1f} MB "
                  "(the design table is held once; run results are never held)")
            ok &= flat
    print("\nall targets met" if ok else "\nsome targets missed (see above)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
