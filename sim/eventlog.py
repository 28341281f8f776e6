"""The event log: every applied action with date, parties, magnitude, origin and source.

Scenario and instructor actions are stored as rows; endogenous actions, which
can number thousands per run, are stored as array chunks and joined only when
a DataFrame is asked for.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from sim.world import Action, Applied

COLUMNS = ["step", "date", "kind", "actor", "recipients", "participants", "target",
           "magnitude", "unit", "weight", "origin", "id", "name", "source", "note", "warning"]


class EventLog:
    """Append-only record of applied actions."""

    def __init__(self, codes: list[str]):
        self.codes = codes
        self._rows: list[dict] = []
        self._chunks: list[tuple[int, dt.date, str, np.ndarray, np.ndarray, np.ndarray,
                                 np.ndarray]] = []

    def add(self, step: int, date: dt.date, action: Action, applied: Applied) -> None:
        """Record one action applied from a scenario event or by an instructor."""
        c = self.codes
        m = action.meta
        self._rows.append({
            "step": step, "date": m.get("date") or date, "kind": action.kind,
            "actor": c[action.actor] if action.actor is not None else "",
            "recipients": " ".join(c[i] for i in action.recipients),
            "participants": " ".join(c[i] for i in action.participants),
            "target": c[action.target] if action.target is not None else "",
            "magnitude": action.magnitude, "unit": m.get("unit") or "",
            "weight": applied.weight, "origin": action.origin, "id": m.get("id") or "",
            "name": m.get("name") or "", "source": m.get("source") or "",
            "note": m.get("note") or "", "warning": "; ".join(applied.warnings)})

    def add_batch(self, step: int, date: dt.date, kinds: np.ndarray, actors: np.ndarray,
                  recipients: np.ndarray, magnitudes: np.ndarray, weights: np.ndarray) -> None:
        """Record many endogenous actions (kind names per action) taken in one step."""
        self._chunks.append((step, date, kinds, actors, recipients,
                             np.asarray(magnitudes, dtype=float), weights))

    def __len__(self) -> int:
        return len(self._rows) + sum(ch[3].size for ch in self._chunks)

    def frame(self) -> pd.DataFrame:
        """All actions as one DataFrame, ordered by step (scenario rows first in a step)."""
        parts = [pd.DataFrame(self._rows, columns=COLUMNS)] if self._rows else []
        codes = np.array(self.codes, dtype=object)
        for step, date, kinds, actors, recips, mags, weights in self._chunks:
            n = actors.size
            parts.append(pd.DataFrame({
                "step": np.full(n, step), "date": [date] * n, "kind": kinds,
                "actor": codes[actors], "recipients": codes[recips], "participants": "",
                "target": "", "magnitude": mags,
                "unit": np.where(kinds == "military_aid", "EUR_bn", ""),
                "weight": weights, "origin": "policy", "id": "", "name": "", "source": "model",
                "note": "", "warning": ""}))
        if not parts:
            return pd.DataFrame(columns=COLUMNS)
        df = pd.concat(parts, ignore_index=True)
        order = df["origin"].map({"scenario": 0, "instructor": 1, "policy": 2})
        df = df.assign(_o=order).sort_values(["step", "_o"], kind="stable").drop(columns="_o")
        df["date"] = pd.to_datetime(df["date"])
        return df.reset_index(drop=True)
