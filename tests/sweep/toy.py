"""A toy model with the contract of ``sim.experiment`` (for the sweep tests).

``y = a * x + 0.01 * b + noise``, ``noise ~ Normal(0, noise)`` drawn from the
run's seed; ``y2 = a * x**2``; ``z = b`` (deterministic). Behaviour switches,
all read from ``task["parameters"]``:

* ``fail_above``: raise ValueError when ``x > fail_above``;
* ``sleep``: sleep that many seconds per run (a slow model);
* ``work``: burn about that many seconds of CPU (a CPU-bound model);
* ``die_once_dir`` + ``die_above``: SIGKILL the own process the first time a
  run with ``x > die_above`` executes (a marker file in ``die_once_dir``
  remembers it), to test a killed worker;
* ``die_always_above``: SIGKILL the own process for every run with ``x`` above it.

An outcome spec with ``per: [s1, s2]`` is expanded into columns
``<name>_s1``, ``<name>_s2`` (as the real adapter does for per-state outcomes).
"""

from __future__ import annotations

import os
import signal
import time

import numpy as np

OUTCOMES = {"y": "y units", "y2": "y units", "z": ""}


def evaluate(task: dict) -> dict:
    """Evaluate one run of the toy model."""
    p = task["parameters"]
    a = float(p.get("a", 1.0))
    x = float(p.get("x", 0.0))
    b = float(p.get("b", 0.0))
    if "fail_above" in p and x > float(p["fail_above"]):
        raise ValueError(f"toy failure: x={x:.3f} is above fail_above={p['fail_above']}")
    if "die_always_above" in p and x > float(p["die_always_above"]):
        os.kill(os.getpid(), signal.SIGKILL)
    if "die_once_dir" in p and x > float(p.get("die_above", 0.5)):
        marker = os.path.join(str(p["die_once_dir"]), "died")
        if not os.path.exists(marker):
            with open(marker, "w") as fh:
                fh.write(str(os.getpid()))
            os.kill(os.getpid(), signal.SIGKILL)
    if p.get("sleep"):
        time.sleep(float(p["sleep"]))
    if p.get("work"):
        end = time.perf_counter() + float(p["work"])
        while time.perf_counter() < end:
            pass
    noise = float(p.get("noise", 0.1))
    rng = np.random.default_rng(task["seed"])
    y = a * x + 0.01 * b + rng.normal(0.0, noise)
    out = {"y": y, "y2": a * x * x, "z": b}
    result = {}
    for spec in task["outcomes"]:
        if "per" in spec:  # one outcome spec expanded into several columns, as the real adapter does
            for i, suffix in enumerate(spec["per"]):
                result[f"{spec['name']}_{suffix}"] = y + i
        else:
            result[spec["name"]] = out[spec["name"]]
    return result


def known_parameters() -> dict:
    """Parameters the toy understands, with allowed ranges (None: any)."""
    return {"a": (0.0, 10.0), "x": (-5.0, 5.0), "b": (0.0, 1.0), "noise": (0.0, 5.0),
            "policy": None, "fail_above": None, "sleep": None, "work": None,
            "die_once_dir": None, "die_above": None, "die_always_above": None}


def validate_outcomes(specs: list[dict]) -> list[str]:
    """Errors for outcome names the toy does not produce."""
    return [f"unknown outcome {s.get('name')!r}; the toy model knows {', '.join(OUTCOMES)}"
            for s in specs if s.get("name") not in OUTCOMES and "per" not in s]
