"""Batch parameter sweeps: run a model function over a design, store, analyse.

The sweep subsystem knows nothing about the model. It runs "a model function
with parameters and a seed" (given by import path, default
``sim.experiment:evaluate``) and stores the outcomes it returns as Parquet;
analysis reads only the stored results.

Public API (imported lazily, so worker processes start fast)::

    from sim.sweep import load_sweep, run_sweep, analyze
    folder = run_sweep("sweeps/trust.yaml")           # local process pool
    folder = run_sweep("sweeps/trust.yaml", scheduler="tcp://head:8786")
    result = analyze(folder)

See ``docs/sweeps.md``.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "load_sweep": "spec", "sweep_from_dict": "spec", "SweepSpec": "spec", "ParameterSpec": "spec",
    "DesignSpec": "spec", "OutcomeSpec": "spec", "METHODS": "spec",
    "build_design": "design", "Design": "design", "run_seed": "design",
    "run_sweep": "runner",
    "analyze": "analyze", "print_analysis": "analyze", "read_runs": "analyze",
    "Issue": "errors", "SweepError": "errors", "SweepFileError": "errors",
    "SweepStateError": "errors", "SweepRuntimeError": "errors",
    "Backend": "backends", "make_backend": "backends",
    "sweep_command": "cli", "analyze_command": "cli",
}

__all__ = sorted(_EXPORTS)  # noqa: PLE0605 - the lazy exports, listed once


def __getattr__(name: str) -> Any:
    """Import public names on first use (PEP 562)."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'sim.sweep' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
