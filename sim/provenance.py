"""Where results came from: package versions, input files with their hashes, settings.

A run's results folder gets a ``run.json`` (:func:`run_record`) so that a folder
found months later says which scenario file (and which version of it), variant,
seed, parameters and code made it, and the command that makes it again. Sweeps
keep the same facts in their manifest. No clock time is recorded: the same
scenario and seed give bit-identical files, this one included.
"""

from __future__ import annotations

import hashlib
import platform
import shlex
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sim.model import DefenceDiplomacyModel
    from sim.results import Results

LIBRARIES = ("mesa", "numpy", "pandas", "pyarrow")
"""Libraries whose versions can change a run's numbers or files."""


def package_version(name: str = "ddsim") -> str:
    """Installed version of ``name``, or ``"unknown"`` when not installed."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "unknown"


def versions(libraries: tuple[str, ...] = LIBRARIES) -> dict[str, str]:
    """ddsim's, Python's and the installed ``libraries``' versions."""
    out = {"ddsim": package_version("ddsim"), "python": platform.python_version()}
    for name in libraries:
        v = package_version(name)
        if v != "unknown":
            out[name] = v
    return out


def file_sha256(path: str | Path) -> str | None:
    """sha256 of a file's bytes, or ``None`` if it cannot be read."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return None


def changed_weights(catalogue: dict) -> dict[str, float]:
    """The ``kind.field`` action weights of ``catalogue`` that differ from the defaults."""
    # imported here: the sweep runner uses this module's helpers and knows no model
    from sim.catalogue import CATALOGUE, WEIGHT_FIELDS

    return {f"{name}.{f}": getattr(kind, f) for name, kind in catalogue.items()
            for f in WEIGHT_FIELDS
            if name in CATALOGUE and getattr(kind, f) != getattr(CATALOGUE[name], f)}


def input_records(files: list[Path]) -> list[dict[str, Any]]:
    """The files a scenario was read from (bases first, the scenario file last), each
    with its role and sha256."""
    return [{"role": "base" if n < len(files) - 1 else "scenario", "file": str(f),
             "sha256": file_sha256(f)} for n, f in enumerate(files)]


def run_record(res: Results, files: list[str] | None = None) -> dict[str, Any]:
    """How a run's results were made, as plain data for ``run.json``.

    ``files``: the names of the files written next to it.
    """
    model = res.model
    loaded = model.loaded
    origins = res.events()["origin"].value_counts()
    record: dict[str, Any] = {
        "title": model.inputs.title,
        "inputs": input_records(loaded.files),
        "variant": model.variant,
        "seed": model.seed,
        "steps": model.steps,
        "period": [str(model.calendar.period_start(1)), str(model.date)],
        "overrides": {k: plain(v) for k, v in model.overrides.items()},
        "parameters": model.params.model_dump(),
        "action_weights_changed": changed_weights(model.inputs.catalogue),
        "actions": {"scenario": int(origins.get("scenario", 0)),
                    "endogenous": int(origins.get("policy", 0)),
                    "instructor": int(origins.get("instructor", 0))},
        "warnings": list(model.warnings),
        "versions": versions(),
        "reproduce": reproduce_command(model, instructed=bool(origins.get("instructor", 0))),
    }
    if files is not None:
        record["files"] = sorted(files)
    return record


def reproduce_command(model: DefenceDiplomacyModel, instructed: bool = False) -> str | None:
    """The ``ddsim run`` command that makes the same results (keyword arguments as
    ``--set``), or None when the run had what a command cannot give: a random seed, a
    value that is not a number or a word, or actions an instructor added in the
    dashboard (``instructed``)."""
    options = set_options(model.overrides)
    if model.seed is None or instructed or options is None:
        return None
    parts = ["ddsim", "run", str(model.loaded.path)]
    if model.variant:
        parts += ["--variant", model.variant]
    parts += ["--seed", str(model.seed)]
    if model.steps != model.calendar.n_steps:
        parts += ["--steps", str(model.steps)]
    return shlex.join(parts + options)


def set_options(settings: dict[str, Any]) -> list[str] | None:
    """``settings`` as ``--set NAME=VALUE`` options, or None if a value has no exact text."""
    texts = {k: setting_text(v) for k, v in settings.items()}
    if None in texts.values():
        return None
    return [part for k, text in texts.items() for part in ("--set", f"{k}={text}")]


def setting_text(value: Any) -> str | None:
    """A value as ``--set`` reads it back exactly (repr keeps every float digit), or None."""
    value = plain(value)
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str) and value.strip() == value and value:
        return value
    return None


def plain(value: Any) -> Any:
    """numpy numbers as Python numbers, for JSON."""
    return value.item() if hasattr(value, "item") else value
