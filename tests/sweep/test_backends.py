"""How worker processes start: forked when safe, from a fork server otherwise, and
never holding the results folder's lock after the sweep that forked them is gone."""

from __future__ import annotations

import multiprocessing
import os
import threading

import pytest

from sim.sweep.backends import (
    LOCAL_CLUSTER_CONFIG,
    DaskBackend,
    pool_start_method,
    preload_modules,
)
from sim.sweep.store import ResultStore

from .conftest import TOY


def test_fork_only_while_single_threaded(monkeypatch):
    from sim.sweep import backends
    monkeypatch.setattr(backends.threading, "active_count", lambda: 1)
    assert pool_start_method() == "fork"
    monkeypatch.setattr(backends.threading, "active_count", lambda: 2)
    assert pool_start_method() == "forkserver"


def test_a_real_second_thread_means_no_fork():
    stop = threading.Event()
    helper = threading.Thread(target=stop.wait)
    helper.start()
    try:
        assert pool_start_method() == "forkserver"
    finally:
        stop.set()
        helper.join()


def test_fork_server_preloads_the_worker_code_and_the_model():
    assert preload_modules("sim.experiment:evaluate") == ["sim.sweep.worker", "sim.experiment"]
    assert preload_modules("pkg.mod.evaluate") == ["sim.sweep.worker", "pkg.mod"]
    assert preload_modules("__main__:evaluate") == ["sim.sweep.worker"]


FORKED_POOL = """
import os, sys
from sim.sweep.backends import LocalPoolBackend

def pid_and_model(_):
    return os.getpid(), "tests.sweep.toy" in sys.modules

backend = LocalPoolBackend(2)
backend.start("tests.sweep.toy:evaluate")
# the workers exist before any batch was submitted, and already hold the model
started = len(backend._executor._processes)
pid, loaded = backend._executor.submit(pid_and_model, 0).result()
print(backend.start_method, backend.describe()["start_method"], started, pid != os.getpid(), loaded)
backend.close()
"""


def test_forked_pool_starts_its_workers_with_the_model_loaded():
    import subprocess
    import sys
    from pathlib import Path
    root = Path(__file__).resolve().parents[2]
    res = subprocess.run([sys.executable, "-c", FORKED_POOL], cwd=root, capture_output=True,
                         text=True, timeout=60, check=False)      # a fresh, single-threaded interpreter
    assert res.returncode == 0, res.stderr
    assert res.stdout.split() == ["fork", "fork", "2", "True", "True"]


def _inherited_lock_state(store: ResultStore, lock_inode: int, queue) -> None:
    open_on_lock = []
    for name in os.listdir("/proc/self/fd"):
        try:
            open_on_lock.append(os.fstat(int(name)).st_ino == lock_inode)
        except OSError:
            pass
    queue.put((store._lock_fd, any(open_on_lock)))


@pytest.mark.filterwarnings("ignore:.*use of fork:DeprecationWarning")
def test_a_forked_child_does_not_keep_the_folder_locked(tmp_path):
    store = ResultStore(tmp_path)
    store._lock()
    fd = store._lock_fd
    try:
        ctx = multiprocessing.get_context("fork")
        queue = ctx.Queue()
        child = ctx.Process(target=_inherited_lock_state,
                            args=(store, os.stat(tmp_path / ".lock").st_ino, queue))
        child.start()
        child_fd, child_has_lock_file_open = queue.get(timeout=30)
        child.join(30)
        assert child_fd is None and not child_has_lock_file_open
        assert store._lock_fd == fd  # the parent still holds its lock
    finally:
        store.release()


def test_local_cluster_workers_run_without_the_profiler_and_with_slow_monitors():
    backend = DaskBackend("local", 1)
    backend.start(TOY)
    try:
        for key, value in LOCAL_CLUSTER_CONFIG.items():
            setting = backend.client.run(lambda key=key: __import__("dask").config.get(key))
            assert list(setting.values()) == [value], key
        assert LOCAL_CLUSTER_CONFIG["distributed.worker.profile.enabled"] is False
    finally:
        backend.close()


@pytest.mark.parametrize("workers", [0, -1, 1.5, True])
def test_a_worker_count_that_is_not_one_or_more_is_refused(workers):
    from sim.sweep.backends import make_backend
    for scheduler in (None, "local"):
        with pytest.raises(ValueError, match=r"workers must be a whole number, 1 or more"):
            make_backend(scheduler, workers)
    assert make_backend(None, 1).workers == 1


def test_cli_refuses_zero_workers_before_touching_the_results(tmp_path):
    import subprocess
    import sys
    sweep = tmp_path / "s.yaml"
    sweep.write_text("scenario: x.yaml\nparameters: {lam: [0.9]}\noutcomes: [{name: m, metric: mean_trust}]\n")
    proc = subprocess.run([sys.executable, "-m", "sim.cli", "sweep", str(sweep), "--workers", "0"],
                          capture_output=True, text=True)
    assert proc.returncode == 2 and "--workers" in proc.stderr and "Traceback" not in proc.stderr
    assert not any(p.is_dir() for p in tmp_path.iterdir())      # no results folder started
