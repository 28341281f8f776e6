"""Resolve ``"package.module:function"`` strings to objects.

The sweep runner never receives function objects for the model: it receives
their import path, so that worker processes (local or on a cluster) can import
them by name and everything sent to them stays plain, picklable data.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

DEFAULT_EVALUATE = "sim.experiment:evaluate"
DEFAULT_KNOWN_PARAMETERS = "sim.experiment:known_parameters"
DEFAULT_VALIDATE_OUTCOMES = "sim.experiment:validate_outcomes"
SAME_MODULE = "<module of evaluate>"
"""Default of the hook arguments of ``run_sweep``/``sweep_command``: look for the
hook next to the evaluate function (``pkg.mod:evaluate`` -> ``pkg.mod:known_parameters``)."""


def split_path(path: str) -> tuple[str, str]:
    """Split ``"pkg.mod:attr"`` (or ``"pkg.mod.attr"``) into module and attribute."""
    if ":" in path:
        module, _, attr = path.partition(":")
    else:
        module, _, attr = path.rpartition(".")
    if not module or not attr:
        raise ValueError(f"{path!r} is not of the form 'package.module:function'")
    return module, attr


def import_object(path: str) -> Any:
    """Import and return the object named by ``path`` (``"pkg.mod:attr"``).

    Raises ImportError/AttributeError/ValueError when it cannot be found."""
    module, attr = split_path(path)
    obj: Any = importlib.import_module(module)
    for part in attr.split("."):
        obj = getattr(obj, part)
    return obj


def optional_hook(path: str | None) -> Callable[..., Any] | None:
    """Import an optional model hook; return ``None`` if it is not available.

    Used for ``known_parameters`` and ``validate_outcomes``: when the model
    adapter is missing or does not provide the hook, the check is skipped."""
    if not path:
        return None
    try:
        obj = import_object(path)
    except Exception:  # noqa: BLE001 - any failure means "no check"
        return None
    return obj if callable(obj) else None


def hook_for(evaluate: str, hook: str | None, name: str) -> str | None:
    """Resolve a hook argument: :data:`SAME_MODULE` means ``name`` in the module of ``evaluate``."""
    if hook != SAME_MODULE:
        return hook
    try:
        module, _ = split_path(evaluate)
    except ValueError:
        return None
    return f"{module}:{name}"
