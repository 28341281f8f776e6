"""Scenario input errors (the shared machinery is in :mod:`sim.issues`)."""

from __future__ import annotations

from sim.issues import InputError, Issue, display_path, field_path, line_of

__all__ = ["InputError", "Issue", "ScenarioError", "display_path", "field_path", "line_of"]


class ScenarioError(InputError):
    """A scenario file (or variant file) is invalid."""
