"""Evaluators: where batches of runs execute.

All backends share one small interface (:class:`Backend`), so the runner does
not care whether batches run in this process, in a local process pool, or on
a Dask cluster:

* ``"serial"`` - in this process, one batch at a time (debugging, tiny sweeps);
* ``None`` (default) - a local :class:`~concurrent.futures.ProcessPoolExecutor`
  (one process per core; see :func:`pool_start_method`);
* ``"local"`` - a :class:`distributed.LocalCluster` of worker processes;
  ``"local-threads"`` - a LocalCluster of threads in this process;
* ``"tcp://host:port"`` - a Client connected to a running Dask scheduler
  (e.g. one started by dask-jobqueue's SLURMCluster);
* a :class:`distributed.Client` or a :class:`Backend` instance (from Python).

Workers receive only plain data and the evaluate function's import path.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import logging
import multiprocessing
import os
import sys
import threading
import time
import types
import uuid
import warnings
from abc import ABC, abstractmethod
from collections.abc import Iterator
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from sim.issues import is_count

from .worker import init_worker, run_batch


def default_workers() -> int:
    """Cores available to this process."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def pool_start_method() -> str:
    """How the local pool starts its workers: ``"fork"`` when that is safe, else
    ``"forkserver"`` (else ``"spawn"`` where neither exists).

    A forked worker inherits the already imported model, so it is ready in
    milliseconds instead of re-importing numpy, pandas and Mesa (about a second
    per worker). Forking is only safe while this process runs a single thread
    (a lock held by another thread at fork time would stay locked in the child
    for ever), which holds for the command line but not in a notebook kernel or
    after the progress bar has started; there the fork server is used, a
    single-threaded helper process that imports the model once and forks every
    worker from itself.
    """
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return "fork"
    return "forkserver" if "forkserver" in methods else "spawn"


def preload_modules(evaluate: str) -> list[str]:
    """Modules a fork server imports once for all its workers: the worker code and the model."""
    module = evaluate.partition(":")[0] if ":" in evaluate else evaluate.rpartition(".")[0]
    return ["sim.sweep.worker"] + ([module] if module and module not in ("__main__", "__mp_main__") else [])


@contextlib.contextmanager
def spawn_safe_main() -> Iterator[None]:
    """Hide the caller's ``__main__`` from child processes while they start.

    With the spawn and forkserver start methods a child re-imports the parent's main script;
    a script (or notebook export) that calls ``run_sweep`` without an
    ``if __name__ == "__main__":`` guard would then start the sweep again in
    every worker. Workers need nothing from ``__main__`` - they import the
    evaluate function by name - so a bare stand-in is shown instead."""
    main = sys.modules.get("__main__")
    if main is None or (getattr(main, "__file__", None) is None and getattr(main, "__spec__", None) is None):
        yield
        return
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = main


SINGLE_THREAD_ENV = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
                     "NUMEXPR_NUM_THREADS": "1", "VECLIB_MAXIMUM_THREADS": "1"}


@contextlib.contextmanager
def single_threaded_children() -> Iterator[None]:
    """Let worker processes started now use one BLAS/OpenMP thread each.

    The sweep is parallel over processes already; numerical libraries that
    also start a thread per core would oversubscribe the machine. Variables
    the user has set are respected. (Dask's nanny does the same for its
    workers.)"""
    added = {k: v for k, v in SINGLE_THREAD_ENV.items() if k not in os.environ}
    os.environ.update(added)
    try:
        yield
    finally:
        for k in added:
            os.environ.pop(k, None)


class Backend(ABC):
    """Interface of an evaluator. The runner calls, in order: :meth:`start`,
    then :meth:`submit` / :meth:`wait` / :meth:`result` as long as there is
    work (and :meth:`recover` after a lost worker), then :meth:`close`."""

    name: str = "backend"
    generation: int = 0  # bumped each time the backend is rebuilt after a worker loss

    @abstractmethod
    def start(self, evaluate: str) -> None:
        """Acquire the workers; ``evaluate`` is the model's import path."""

    @property
    @abstractmethod
    def parallelism(self) -> int:
        """How many batches can execute at the same time."""

    @abstractmethod
    def submit(self, payload: dict) -> Any:
        """Start one batch (see :func:`sim.sweep.worker.run_batch`); return a handle."""

    @abstractmethod
    def wait(self, handles: list, timeout: float) -> list:
        """Return the handles (a subset of ``handles``) that have finished,
        waiting up to ``timeout`` seconds for at least one."""

    @abstractmethod
    def result(self, handle: Any) -> dict:
        """The batch's result columns; raises if the batch failed."""

    def prepare(self, evaluate: str) -> None:  # noqa: B027 - optional hook, nothing to do by default
        """Called first thing in a sweep, before the sweep file and the model are loaded:
        start anything slow that can run meanwhile. Must not fail."""

    def recover(self, generation: int) -> None:  # noqa: B027 - optional hook, nothing to do by default
        """Called when a batch of ``generation`` was lost with its worker."""

    def cancel(self, handles: list) -> None:  # noqa: B027 - optional hook, nothing to do by default
        """Give up on unfinished batches (interrupt)."""

    @abstractmethod
    def close(self, abort: bool = False) -> None:
        """Release the workers; ``abort`` stops running batches at once."""

    def describe(self) -> dict:
        """What the manifest records about this backend."""
        return {"name": self.name, "parallelism": self.parallelism}


class SerialBackend(Backend):
    """Runs each batch in this process when it is submitted."""

    name = "serial"

    def start(self, evaluate: str) -> None:
        """Nothing to start."""

    @property
    def parallelism(self) -> int:
        """One batch at a time."""
        return 1

    def submit(self, payload: dict) -> cf.Future:
        """Run the batch now; return an already finished future."""
        fut: cf.Future = cf.Future()
        try:
            fut.set_result(run_batch(payload))
        except Exception as exc:  # noqa: BLE001
            fut.set_exception(exc)
        return fut

    def wait(self, handles: list, timeout: float) -> list:
        """All handles are already done."""
        return list(handles)

    def result(self, handle: cf.Future) -> dict:
        """The batch's result."""
        return handle.result()

    def close(self, abort: bool = False) -> None:
        """Nothing to release."""


class LocalPoolBackend(Backend):
    """A pool of worker processes on this machine (started as
    :func:`pool_start_method` says).

    A worker that dies (killed, out of memory, segfault) breaks the pool; the
    runner then calls :meth:`recover`, which builds a fresh pool."""

    name = "local"

    def __init__(self, workers: int | None = None):
        self.workers = int(workers or default_workers())
        self._executor: cf.ProcessPoolExecutor | None = None
        self._evaluate = ""
        self.start_method = ""

    def _new_executor(self) -> cf.ProcessPoolExecutor:
        self.start_method = pool_start_method()
        context = multiprocessing.get_context(self.start_method)
        if self.start_method == "forkserver":
            context.set_forkserver_preload(preload_modules(self._evaluate))
        executor = cf.ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=context,
            initializer=init_worker,
            initargs=(self._evaluate,),
        )
        if self.start_method == "fork":
            # a forking pool starts all its workers at the first submission: do it now,
            # while this process is still single-threaded (before the progress bar)
            # Python warns about forking with any OS thread alive; the only ones here are
            # OpenBLAS's and jemalloc's (pyarrow) idle helpers, which prepare for fork themselves
            with spawn_safe_main(), single_threaded_children(), warnings.catch_warnings():
                warnings.filterwarnings("ignore", message=".*use of fork\\(\\) may lead to deadlocks",
                                        category=DeprecationWarning)
                executor.submit(int).result()
        return executor

    def start(self, evaluate: str) -> None:
        """Create the pool (forked workers start now, others with the first batches)."""
        self._evaluate = evaluate
        self._executor = self._new_executor()

    @property
    def parallelism(self) -> int:
        """Number of worker processes."""
        return self.workers

    def submit(self, payload: dict) -> cf.Future:
        """Queue a batch on the pool."""
        assert self._executor is not None
        with spawn_safe_main(), single_threaded_children():
            try:
                return self._executor.submit(run_batch, payload)
            except BrokenProcessPool:  # a worker died before its failed batch was collected
                self.recover(self.generation)
                assert self._executor is not None
                return self._executor.submit(run_batch, payload)

    def wait(self, handles: list, timeout: float) -> list:
        """Wait for the first finished batch."""
        done, _ = cf.wait(handles, timeout=timeout, return_when=cf.FIRST_COMPLETED)
        return list(done)

    def result(self, handle: cf.Future) -> dict:
        """The batch's result (raises BrokenProcessPool if its worker died)."""
        return handle.result()

    def recover(self, generation: int) -> None:
        """Replace a broken pool (once per breakage)."""
        if generation != self.generation:
            return
        self._shutdown(abort=True)
        self.generation += 1
        self._executor = self._new_executor()

    def cancel(self, handles: list) -> None:
        """Cancel queued batches."""
        for h in handles:
            h.cancel()

    def _shutdown(self, abort: bool) -> None:
        ex = self._executor
        if ex is None:
            return
        self._executor = None
        if not abort:
            ex.shutdown(wait=True)
            return
        processes = list(getattr(ex, "_processes", {}).values())
        ex.shutdown(wait=False, cancel_futures=True)
        for p in processes:
            with contextlib.suppress(Exception):
                p.terminate()
        for p in processes:
            with contextlib.suppress(Exception):
                p.join(timeout=5)

    def close(self, abort: bool = False) -> None:
        """Shut the pool down (terminating workers when aborting)."""
        self._shutdown(abort)

    def describe(self) -> dict:
        """Backend name and worker count."""
        return {"name": self.name, "workers": self.workers, "start_method": self.start_method}


LOCAL_CLUSTER_CONFIG = {
    # the statistical profiler samples every worker's stack 100 times a second, holding
    # the GIL; useful on a dashboard, pure cost to a sweep that has none
    "distributed.worker.profile.enabled": False,
    # the event loop's latency tick (20 ms), system monitor (500 ms) and memory monitor
    # (100 ms) each take the GIL from the running task; measured 10-15 % of a short run
    "distributed.admin.tick.interval": "500ms",
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.worker.memory.monitor-interval": "1s",
    # workers forked from a server that has imported the model once, instead of each
    # spawned worker importing Dask, numpy, pandas and Mesa itself
    "distributed.worker.multiprocessing-method": "forkserver",
}
"""Dask settings of a LocalCluster this backend starts (a cluster the user starts is left alone)."""


def _start_fork_server(evaluate: str) -> None:
    """Start the fork server that Dask's nannies will use, preloading Dask and the model.

    Started before this process imports Dask and starts the scheduler, so that
    the two happen at the same time. (If a fork server already runs in this
    process, it is reused as it is.)"""
    from multiprocessing import forkserver

    multiprocessing.get_context("forkserver").set_forkserver_preload(
        ["distributed"] + preload_modules(evaluate))
    forkserver.ensure_running()


class DaskBackend(Backend):
    """Batches as Dask futures on a distributed cluster.

    ``target`` is ``"local"`` (a LocalCluster of ``workers`` processes),
    ``"local-threads"`` (a LocalCluster of threads in this process), a scheduler
    address (``"tcp://host:8786"``) or an existing :class:`distributed.Client`.
    A lost worker is handled by Dask itself (it reruns the task elsewhere, and
    gives up with KilledWorker after a few losses; the runner then retries)."""

    def __init__(self, target: Any = "local", workers: int | None = None):
        self.target = target
        self.workers = workers
        self.client: Any = None
        self._cluster: Any = None
        self._own_client = False
        self._token = uuid.uuid4().hex[:8]
        self._count = 0
        self._par = 1
        self._par_checked = 0.0
        self.name = "dask"

    def prepare(self, evaluate: str) -> None:
        """For a LocalCluster of processes: start its fork server now, so that it imports
        Dask and the model while this process loads the sweep file and the model."""
        if self.target == "local" and "forkserver" in multiprocessing.get_all_start_methods():
            with contextlib.suppress(Exception), spawn_safe_main():
                _start_fork_server(evaluate)

    def start(self, evaluate: str) -> None:
        """Start or connect to the cluster."""
        self.prepare(evaluate)  # no-op if already running
        import dask
        from distributed import Client, LocalCluster

        quiet = {"dashboard_address": None, "silence_logs": logging.ERROR}
        if isinstance(self.target, Client):
            self.client = self.target
            self.name = "dask-client"
        elif self.target in ("local", "local-threads"):
            threads = self.target == "local-threads"
            n = int(self.workers or default_workers())
            with spawn_safe_main(), dask.config.set(LOCAL_CLUSTER_CONFIG):
                if threads:
                    self._cluster = LocalCluster(n_workers=1, threads_per_worker=n, processes=False, **quiet)
                else:
                    self._cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, **quiet)
            self.client = Client(self._cluster)
            self._own_client = True
            self.name = "dask-" + self.target
        else:
            self.client = Client(str(self.target), timeout="30s")
            self._own_client = True
            self.name = "dask-remote"
        self._refresh(force=True)

    def _refresh(self, force: bool = False) -> None:
        now = time.monotonic()
        if force or now - self._par_checked > 5.0:
            self._par_checked = now
            try:
                self._par = max(1, sum(self.client.nthreads().values()))
            except Exception:  # noqa: BLE001 - keep the last known value
                pass

    @property
    def parallelism(self) -> int:
        """Total worker threads in the cluster (re-read every few seconds, so
        workers that join an adaptive cluster are used)."""
        self._refresh()
        return self._par

    def submit(self, payload: dict) -> Any:
        """Submit a batch as one Dask task."""
        self._count += 1
        return self.client.submit(run_batch, payload, pure=False,
                                  key=f"ddsim-sweep-{self._token}-{self._count}")

    def wait(self, handles: list, timeout: float) -> list:
        """Wait for the first finished batch."""
        from distributed import wait

        try:
            done, _ = wait(handles, timeout=timeout, return_when="FIRST_COMPLETED")
        except TimeoutError:
            return []
        return list(done)

    def result(self, handle: Any) -> dict:
        """Gather the batch's result (raises the task's exception)."""
        try:
            return handle.result()
        finally:
            with contextlib.suppress(Exception):
                handle.release()

    def cancel(self, handles: list) -> None:
        """Cancel unfinished tasks."""
        with contextlib.suppress(Exception):
            self.client.cancel(handles)

    def close(self, abort: bool = False) -> None:
        """Disconnect; shut down a cluster this backend started."""
        if self._own_client and self.client is not None:
            with contextlib.suppress(Exception):
                self.client.close()
        if self._cluster is not None:
            with contextlib.suppress(Exception):
                self._cluster.close()
        self.client = self._cluster = None

    def describe(self) -> dict:
        """Backend name, scheduler address and threads."""
        info: dict[str, Any] = {"name": self.name, "parallelism": self._par}
        with contextlib.suppress(Exception):
            info["scheduler"] = self.client.scheduler.address
        return info


def make_backend(scheduler: Any = None, workers: int | None = None) -> Backend:
    """Pick the backend for a ``scheduler`` argument (see the module docstring)."""
    if isinstance(scheduler, Backend):
        return scheduler
    if workers is not None and not is_count(workers, 1):
        raise ValueError(f"workers must be a whole number, 1 or more (got {workers!r}); "
                         f"leave it out to use all cores ({default_workers()} here)")
    if scheduler is None or scheduler == "processes":
        return LocalPoolBackend(workers)
    if scheduler == "serial":
        return SerialBackend()
    if isinstance(scheduler, str) and scheduler not in ("local", "local-threads") and "://" not in scheduler:
        raise ValueError(
            f"unknown scheduler {scheduler!r}: use 'local', 'local-threads', 'serial', "
            "or a Dask scheduler address like 'tcp://host:8786'"
        )
    return DaskBackend(scheduler, workers)
