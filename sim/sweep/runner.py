"""Run a sweep: every design point x replicate, through a backend, into Parquet.

The runner knows nothing about the model: it calls an evaluate function
(given by import path) with ``{"scenario", "variant", "parameters", "seed",
"outcomes"}`` and stores the numbers it returns. It is resumable at any
moment: finished runs are read back from the part files and skipped.
"""

from __future__ import annotations

import contextlib
import itertools
import math
import signal
import threading
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.provenance import LIBRARIES, versions

from .backends import Backend, make_backend
from .design import Design, build_design, run_id_of, run_seed
from .errors import EvaluateImportError, SweepRuntimeError, SweepStateError
from .hooks import DEFAULT_EVALUATE, SAME_MODULE, hook_for, optional_hook
from .progress import SweepProgress
from .spec import SweepSpec, load_sweep, sweep_from_dict
from .store import (
    FORMAT,
    ResultStore,
    batch_table,
    now_iso,
    outcome_columns,
    results_schema,
    scenario_sha256,
    stored_outcome_columns,
)
from .worker import load_evaluate

RunInfo = tuple[int, int, int, int]  # run_id, point_id, replicate, seed


@dataclass
class _Batch:
    runs: list[RunInfo]
    attempts: int = 0
    solo: bool = False
    generation: int = 0


@dataclass
class BatchSizer:
    """Chooses how many runs go into the next batch.

    With a fixed size, that size. Otherwise ("auto"): the first batches are
    small, to measure how long a run takes; then batches aim at
    ``target_s`` seconds of work (longer with many workers, so that at most
    about ``max_parts_per_s`` part files are written per second), at least
    ``min_s`` so process overhead stays small, shrinking toward the end of
    the sweep (guided self-scheduling: ``remaining / (4 * parallelism)``) so
    all workers finish together. Batch boundaries never change results."""

    fixed: int | None = None
    target_s: float = 0.5
    min_s: float = 0.05
    hard_cap: int = 1000
    probe: int = 4
    max_parts_per_s: float = 20.0  # with many workers, batches grow so the main process keeps up
    mean_s: float | None = None

    def observe(self, durations: list[float | None]) -> None:
        """Update the running estimate of seconds per run (median of the
        batch, so a first run that loads data or warms caches does not
        shrink the batches that follow)."""
        known = sorted(d for d in durations if d is not None)
        if not known:
            return
        m = known[len(known) // 2]
        self.mean_s = m if self.mean_s is None else 0.7 * self.mean_s + 0.3 * m

    def next_size(self, remaining: int, parallelism: int) -> int:
        """Size of the next batch, given unsubmitted runs and parallelism."""
        if self.fixed:
            return self.fixed
        guided = math.ceil(remaining / (4 * max(1, parallelism)))
        if self.mean_s is None:
            return max(1, min(guided, self.probe))
        per = max(self.mean_s, 1e-7)
        # each batch becomes one part file written by this process: with many workers,
        # longer batches keep that (and the number of files) within bounds
        target = max(self.target_s, parallelism / self.max_parts_per_s)
        hi = max(1, int(target / per))
        lo = max(1, int(self.min_s / per))
        return max(1, min(hi, max(lo, guided), self.hard_cap))


@dataclass
class _Loop:
    backend: Backend
    store: ResultStore
    spec: SweepSpec
    design: Design
    done: set[int]
    evaluate: str
    sizer: BatchSizer
    progress: SweepProgress
    in_flight: dict = field(default_factory=dict)
    retry: deque = field(default_factory=deque)
    quarantine: deque = field(default_factory=deque)
    deaths: int = 0
    losses_in_a_row: int = 0
    columns: list[str] | None = None  # outcome columns; None until the first successful run
    on_columns: Any = None  # called once the outcome columns are known
    buffer: list = field(default_factory=list)

    MAX_BUFFERED = 20  # batches kept while no run has succeeded yet

    def __post_init__(self) -> None:
        self.schema = results_schema(self.spec, self.columns) if self.columns is not None else None
        self.unsubmitted = self.design.total_runs - len(self.done)
        self._runs = self._pending()
        self._outcomes = self.spec.outcome_dicts()
        self._scenario = str(self.spec.scenario_path)
        self.max_deaths = max(10, self.design.total_runs // 100)

    def _pending(self) -> Iterator[RunInfo]:
        reps, seed = self.design.replicates, self.design.seed
        for point in range(self.design.n_points):
            for rep in range(reps):
                rid = run_id_of(point, rep, reps)
                if rid not in self.done:
                    yield rid, point, rep, run_seed(seed, point, rep)

    def _payload(self, batch: _Batch) -> dict:
        return {
            "evaluate": self.evaluate,
            "scenario": self._scenario,
            "variant": self.spec.variant,
            "outcomes": self._outcomes,
            "outcome_names": self.spec.outcome_names,
            "runs": [(rid, seed, self.design.parameters_of(point)) for rid, point, _, seed in batch.runs],
        }

    def _submit(self, batch: _Batch) -> None:
        handle = self.backend.submit(self._payload(batch))
        batch.generation = self.backend.generation  # after: submit may have rebuilt a broken pool
        self.in_flight[handle] = batch

    def _fill(self) -> None:
        slots = 2 * self.backend.parallelism
        while len(self.in_flight) < slots:
            if self.retry:
                self._submit(self.retry.popleft())
                continue
            size = self.sizer.next_size(self.unsubmitted, self.backend.parallelism)
            runs = list(itertools.islice(self._runs, size))
            if not runs:
                return
            self.unsubmitted -= len(runs)
            self._submit(_Batch(runs))

    def run(self) -> None:
        """Submit, collect and store until every run is stored."""
        while True:
            self._fill()
            if not self.in_flight:
                if not self.quarantine:
                    self.flush()
                    return
                # a run suspected of killing its worker runs alone, so a new death is its own
                self._submit(self.quarantine.popleft())
            for handle in self.backend.wait(list(self.in_flight), timeout=0.5):
                self._collect(handle)

    def _collect(self, handle: Any) -> None:
        batch = self.in_flight.pop(handle)
        try:
            result = self.backend.result(handle)
        except EvaluateImportError as exc:
            raise SweepRuntimeError(
                f"the workers cannot import the model: {exc}.\n"
                "Check that the model package is installed where the workers run."
            ) from None
        except Exception as exc:  # noqa: BLE001 - the worker was lost (killed, crashed, cancelled)
            self.backend.recover(batch.generation)
            self._lost(batch, exc)
            return
        self._store(result, batch.runs)
        self.sizer.observe(result["duration_s"])

    def _store(self, result: dict, runs: list[RunInfo]) -> None:
        if self.columns is None:
            # the outcome columns are known once a run succeeds (a model may expand one
            # outcome spec into several columns); until then finished batches wait here
            self.buffer.append((result, runs))
            first_ok = next((v for v in result["values"] if v is not None), None)
            if first_ok is not None:
                self._set_columns(outcome_columns(self.spec.outcome_names, list(first_ok)))
            elif len(self.buffer) >= self.MAX_BUFFERED:
                self._set_columns(self.spec.outcome_names)
            return
        table = batch_table(result, runs, self.design, self.spec, self.schema, self.columns)
        self.store.write_part(table)
        self.losses_in_a_row = 0
        errors = table.column("status").to_pylist().count("error")
        self.progress.advance(table.num_rows, errors)

    def _set_columns(self, columns: list[str]) -> None:
        taken = set(self.spec.parameters) | {"run_id", "point_id", "replicate", "seed", "status", "error",
                                             "duration_s"}
        clash = [c for c in columns if c in taken]
        if clash:
            raise SweepRuntimeError(f"the model returned outcome {clash[0]!r}, which is also a parameter or "
                                    "a results column; rename the outcome in the sweep file")
        self.columns = columns
        self.schema = results_schema(self.spec, columns)
        if self.on_columns is not None:
            self.on_columns(columns)
        pending, self.buffer = self.buffer, []
        for result, runs in pending:
            self._store(result, runs)

    def flush(self) -> None:
        """Store batches still waiting for the outcome columns (every run so far failed)."""
        if self.buffer:
            self._set_columns(self.spec.outcome_names)

    def _lost(self, batch: _Batch, exc: BaseException) -> None:
        self.losses_in_a_row += 1
        if self.losses_in_a_row > 4 * 2 * self.backend.parallelism + 10:
            raise SweepRuntimeError(
                f"worker processes keep dying before finishing any batch (last: {type(exc).__name__}: {exc}). "
                "Stopping; the runs stored so far are kept. Check that the model imports and runs in a fresh "
                "Python process, and that the workers have enough memory."
            )
        batch.attempts += 1
        if not batch.solo:
            if batch.attempts < 2:
                self.retry.append(batch)  # most losses are collateral: the batch shared a pool with a crash
            elif len(batch.runs) > 1:
                # lost twice: split it, so a run that kills its worker is narrowed down
                # while the other runs go on in parallel
                half = len(batch.runs) // 2
                self.retry.append(_Batch(batch.runs[:half], attempts=1))
                self.retry.append(_Batch(batch.runs[half:], attempts=1))
            else:
                # one run, lost twice: confirm by running it alone at the end, so that
                # a death is unambiguously its own and no innocent run is marked failed
                self.quarantine.append(_Batch(batch.runs, solo=True))
            return
        self.deaths += 1
        if self.deaths > self.max_deaths:
            raise SweepRuntimeError(
                f"{self.deaths} runs have killed their worker process (last: {type(exc).__name__}: {exc}). "
                "Stopping; the runs stored so far are kept. Check memory use and the model for crashes."
            )
        rid = batch.runs[0][0]
        message = (f"worker process died while running this run (three times, the last time running "
                   f"alone): {type(exc).__name__}: {str(exc)[:300]}")
        result = {"run_id": [rid], "status": ["error"], "error": [message], "duration_s": [None],
                  "values": [None]}
        self._store(result, batch.runs)

    def salvage(self) -> None:
        """After an interrupt: store batches that already finished, cancel the rest."""
        for handle in list(self.in_flight):
            try:
                finished = handle.done() and not handle.cancelled()
            except Exception:  # noqa: BLE001
                finished = False
            if finished:
                try:
                    self._store(self.backend.result(handle), self.in_flight[handle].runs)
                except Exception:  # noqa: BLE001 - lost; it will run again next time
                    pass
        self.backend.cancel(list(self.in_flight))
        self.in_flight.clear()
        self.flush()


@contextlib.contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """Treat SIGTERM (a batch system's time limit, ``kill``) like Ctrl-C while
    the sweep runs, so finished batches are stored and the manifest says
    'interrupted'. Only possible in the main thread."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except (ValueError, OSError):  # pragma: no cover - not allowed here
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _as_spec(path_or_spec: Any, known_parameters: str | None, validate_outcomes: str | None) -> SweepSpec:
    if isinstance(path_or_spec, SweepSpec):
        return path_or_spec
    if isinstance(path_or_spec, dict):
        return sweep_from_dict(path_or_spec, known_parameters=known_parameters,
                               validate_outcomes=validate_outcomes)
    return load_sweep(path_or_spec, known_parameters=known_parameters, validate_outcomes=validate_outcomes)


def _check_evaluate(evaluate: str) -> None:
    if evaluate.split(":")[0] in ("__main__", "__mp_main__"):
        raise SweepStateError(
            f"evaluate {evaluate!r} lives in the main script; workers import it by name, "
            "so put it in an importable module (e.g. mypkg/model.py -> 'mypkg.model:evaluate')")
    try:
        load_evaluate(evaluate)
    except EvaluateImportError as exc:
        hint = (" The model adapter (sim/experiment.py) is not there yet or does not import."
                if evaluate == DEFAULT_EVALUATE else "")
        raise SweepStateError(f"{exc}.{hint} Pass another function with --evaluate "
                              "'package.module:function'.") from None


def _manifest(old: dict, spec: SweepSpec, design: Design, evaluate: str,
              scenario_hash: str | None) -> dict:
    d = spec.design
    return {
        "format": FORMAT,
        "sweep_file": str(Path(spec.source_file).resolve()) if spec.source_file != "<dict>" else None,
        "sweep_sha256": spec.sha256,
        "sweep_text": spec.text,
        "scenario": str(spec.scenario_path),
        "scenario_sha256": scenario_hash,
        "variant": spec.variant,
        "evaluate": evaluate,
        "versions": versions(LIBRARIES + ("SALib", "distributed")),
        "design": {
            "method": d.method, "samples": d.samples, "levels": d.effective_levels, "seed": d.seed,
            "second_order": d.second_order, "n_points": design.n_points, "replicates": design.replicates,
            "total_runs": design.total_runs, "problem": design.problem,
            "parameters": {p.name: p.model_dump(exclude_none=True, exclude={"name"}) | {"kind": p.kind}
                           for p in spec.parameters.values()},
        },
        "outcomes": spec.outcome_dicts(),
        "outcome_columns": old.get("outcome_columns"),
        "total_runs": design.total_runs,
        "started": old.get("started") or now_iso(),
        "finished": None,
        "status": "running",
        "backend": old.get("backend"),
        "runs_stored": old.get("runs_stored", 0),
        "runs_error": old.get("runs_error", 0),
        "sessions": list(old.get("sessions", [])),
    }


def run_sweep(path_or_spec: str | Path | SweepSpec | dict, scheduler: Any = None, workers: int | None = None,
              progress: bool = True, evaluate: str = DEFAULT_EVALUATE, *, force_new: bool = False,
              known_parameters: str | None = SAME_MODULE,
              validate_outcomes: str | None = SAME_MODULE,
              batch_size: int | None = None, progress_interval: float = 30.0) -> Path:
    """Run (or resume) a sweep and return its results folder.

    Args:
        path_or_spec: sweep file path, a :class:`SweepSpec`, or a dict with the file's keys.
        scheduler: ``None`` - local process pool (default); ``"serial"`` - in this
            process; ``"local"`` / ``"local-threads"`` - a Dask LocalCluster;
            ``"tcp://host:port"`` - an existing Dask scheduler; or a
            ``distributed.Client`` / :class:`~sim.sweep.backends.Backend`.
        workers: worker processes (local pool, Dask LocalCluster); default all cores.
        progress: show progress (a bar on a terminal, periodic lines elsewhere).
        evaluate: import path of the model function ``evaluate(task) -> {outcome: float}``.
        force_new: if the results folder holds another version of the sweep,
            move it aside and start over instead of refusing.
        known_parameters, validate_outcomes: import paths of the model's
            optional validation hooks (skipped when they do not import); by
            default ``known_parameters``/``validate_outcomes`` in the module
            of ``evaluate``. ``None`` skips the check.
        batch_size: runs per task; overrides the file's ``batch_size``
            (default: automatic).
        progress_interval: seconds between progress lines when not on a terminal.

    Returns:
        The results folder (``runs/*.parquet``, ``design.parquet``, ``manifest.json``).

    Raises:
        SweepFileError: the sweep file is invalid.
        SweepStateError: the folder belongs to another version of the sweep, is
            in use, or the evaluate function does not import.
        SweepRuntimeError: the sweep cannot go on (rerun to resume).
        KeyboardInterrupt: after storing what had finished; rerun to resume.
    """
    try:
        chosen = make_backend(scheduler, workers)  # only checks the argument; starts nothing
    except ValueError as exc:
        raise SweepStateError(str(exc)) from None
    chosen.prepare(evaluate)
    spec = _as_spec(path_or_spec, hook_for(evaluate, known_parameters, "known_parameters"),
                    hook_for(evaluate, validate_outcomes, "validate_outcomes"))
    _check_evaluate(evaluate)
    design = build_design(spec)
    # the model's `input_files` hook names the files a scenario is read from (a variant
    # file and its base): a change to any of them means a different sweep
    scenario_hash = scenario_sha256(
        spec.scenario_path, optional_hook(hook_for(evaluate, SAME_MODULE, "input_files")))
    store, moved_to = ResultStore.open(spec, force_new=force_new, scenario_sha256=scenario_hash)
    try:
        done, n_errors = store.finished()
        manifest = _manifest(store.read_manifest(), spec, design, evaluate, scenario_hash)
        if moved_to:
            manifest["replaced_folder_moved_to"] = moved_to
        store.write_design(design, spec)
        session: dict[str, Any] = {"started": now_iso(), "runs_before": len(done)}
        manifest["sessions"].append(session)
        manifest["runs_stored"], manifest["runs_error"] = len(done), n_errors
        store.write_manifest(manifest)
        fixed = batch_size or (spec.batch_size if isinstance(spec.batch_size, int) else None)
        status = "failed"
        backend: Backend | None = None
        prog = SweepProgress(design.total_runs, len(done), n_errors, enabled=progress,
                             interval=progress_interval)
        loop: _Loop | None = None
        try:
            if len(done) < design.total_runs:
                backend = chosen  # closed in `finally`, even if it fails to start
                try:
                    backend.start(evaluate)
                except (ValueError, OSError, TimeoutError, ImportError) as exc:
                    raise SweepStateError(f"cannot start the backend {scheduler!r}: "
                                          f"{type(exc).__name__}: {exc}") from None
                session["backend"] = manifest["backend"] = backend.describe()
                store.write_manifest(manifest)

                def record_columns(columns: list[str]) -> None:
                    manifest["outcome_columns"] = columns
                    store.write_manifest(manifest)

                with prog, _sigterm_as_interrupt():
                    loop = _Loop(backend, store, spec, design, done, evaluate, BatchSizer(fixed), prog,
                                 columns=stored_outcome_columns(store, spec), on_columns=record_columns)
                    loop.run()
            status = "complete"
        except KeyboardInterrupt:
            status = "interrupted"
            if loop is not None:
                try:
                    loop.salvage()
                except BaseException:  # noqa: BLE001 - a second Ctrl-C: just stop
                    pass
            raise
        finally:
            if backend is not None:
                try:
                    backend.close(abort=status != "complete")
                except BaseException:  # noqa: BLE001
                    pass
            stored, errors = prog.done, prog.errors
            session.update({"finished": now_iso(), "status": status, "runs_after": stored})
            manifest.update({"status": status, "runs_stored": stored, "runs_error": errors,
                             "finished": now_iso() if status == "complete" else None})
            store.write_manifest(manifest)
    finally:
        store.release()
    return store.folder
