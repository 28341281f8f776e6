"""Code that runs in the workers: evaluate a batch of runs.

This module imports only the standard library, so that a worker process
starts fast. Everything it receives and returns is plain data (dicts, lists,
numbers, strings): it pickles for local processes and for Dask alike.

A run whose evaluate call raises is reported with status ``"error"`` and the
message; the batch goes on. Only a failure to import the evaluate function is
raised (as :class:`~sim.sweep.errors.EvaluateImportError`), since then no run
can succeed.
"""

from __future__ import annotations

import importlib
import os
import signal
import time
import traceback
from collections.abc import Callable, Mapping
from typing import Any

from .errors import EvaluateImportError

_CACHE: dict[str, Callable[[dict], dict]] = {}
MAX_ERROR_CHARS = 2000


def load_evaluate(path: str) -> Callable[[dict], dict]:
    """Import the evaluate function named ``"pkg.module:function"`` (cached per process)."""
    fn = _CACHE.get(path)
    if fn is not None:
        return fn
    module, sep, attr = path.partition(":")
    if not sep:
        module, _, attr = path.rpartition(".")
    try:
        if not module or not attr:
            raise ValueError("expected the form 'package.module:function'")
        obj: Any = importlib.import_module(module)
        for part in attr.split("."):
            obj = getattr(obj, part)
        if not callable(obj):
            raise TypeError(f"{path} is a {type(obj).__name__}, not a function")
    except Exception as exc:  # noqa: BLE001
        raise EvaluateImportError(path, f"{type(exc).__name__}: {exc}") from None
    _CACHE[path] = obj
    return obj


def init_worker(evaluate_path: str) -> None:
    """Process-pool initializer: ignore Ctrl-C (the main process handles it),
    let SIGTERM end the worker (a forked worker inherits the main process's
    handler, which turns it into an interrupt), and import the model once, up
    front. Never raises: an import failure is reported by the first batch instead."""
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
    except (ValueError, OSError):  # pragma: no cover - not in main thread
        pass
    try:
        load_evaluate(evaluate_path)
    except EvaluateImportError:
        pass


def describe_exception(exc: BaseException) -> str:
    """``"Type: message (at file.py:42 in func)"``, truncated to a sane length."""
    text = f"{type(exc).__name__}: {exc}"
    frames = traceback.extract_tb(exc.__traceback__)
    if frames:
        last = frames[-1]
        text += f" (at {os.path.basename(last.filename)}:{last.lineno} in {last.name})"
    return text if len(text) <= MAX_ERROR_CHARS else text[: MAX_ERROR_CHARS - 3] + "..."


def _extract(result: Any, names: list[str]) -> dict[str, float]:
    """Numbers of one result. Each declared outcome must be there - by its own
    name, or expanded by the model into ``<name>_<suffix>`` keys (one outcome
    spec may yield several columns, e.g. one per state)."""
    if not isinstance(result, Mapping):
        raise TypeError(f"evaluate returned {type(result).__name__}, expected a dict of outcome values")
    values: dict[str, float] = {}
    for key, v in result.items():
        try:
            values[str(key)] = float(v)
        except (TypeError, ValueError):
            raise TypeError(f"outcome {key!r} is not a number: {v!r}") from None
    for name in names:
        if name not in values and not any(k.startswith(name + "_") for k in values):
            got = ", ".join(list(values)[:10]) or "nothing"
            raise KeyError(f"evaluate returned no value for outcome {name!r} (it returned: {got})")
    return values


def run_batch(payload: dict) -> dict:
    """Evaluate every run of a batch.

    ``payload``: ``{"evaluate": "pkg.mod:fn", "scenario": str, "variant": str|None,
    "outcomes": [spec dicts], "outcome_names": [str], "runs": [(run_id, seed, parameters), ...]}``.

    Returns columns: ``{"run_id": [...], "status": [...], "error": [...],
    "duration_s": [...], "values": [{outcome column: float} or None, ...]}``
    (``None`` for failed runs).
    """
    fn = load_evaluate(payload["evaluate"])
    names: list[str] = list(payload["outcome_names"])
    outcome_specs: list[dict] = payload["outcomes"]
    out: dict[str, Any] = {"run_id": [], "status": [], "error": [], "duration_s": [], "values": []}
    for run_id, seed, params in payload["runs"]:
        task = {
            "scenario": payload["scenario"],
            "variant": payload["variant"],
            "parameters": dict(params),
            "seed": seed,
            "outcomes": [dict(o) for o in outcome_specs],
        }
        t0 = time.perf_counter()
        values: dict[str, float] | None
        try:
            values = _extract(fn(task), names)
            status, error = "ok", None
        except (Exception, SystemExit) as exc:  # noqa: BLE001 - any model failure is recorded
            values, status, error = None, "error", describe_exception(exc)
        out["duration_s"].append(time.perf_counter() - t0)
        out["run_id"].append(run_id)
        out["status"].append(status)
        out["error"].append(error)
        out["values"].append(values)
    return out
