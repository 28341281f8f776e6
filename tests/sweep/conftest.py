"""Shared fixtures of the sweep tests: a repo root on sys.path (workers
import ``tests.sweep.toy`` by name) and helpers to write sweep files."""

from __future__ import annotations

import os
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ["PYTHONPATH"] = os.pathsep.join(
    [str(ROOT)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p])

TOY = "tests.sweep.toy:evaluate"
TOY_KNOWN = "tests.sweep.toy:known_parameters"
TOY_OUTCOMES = "tests.sweep.toy:validate_outcomes"


@pytest.fixture
def write_sweep(tmp_path: Path):
    """Write a sweep file (and an empty scenario file) into tmp_path; return its path."""

    def _write(text: str, name: str = "sweep.yaml", folder: Path | None = None) -> Path:
        d = folder or tmp_path
        d.mkdir(parents=True, exist_ok=True)
        (d / "scenario.yaml").write_text("meta: {title: toy}\n")
        path = d / name
        path.write_text(textwrap.dedent(text).lstrip())
        return path

    return _write
