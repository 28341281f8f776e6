"""The event log: every applied action with date, parties, magnitude, origin and source.

Scenario and instructor actions are stored as rows; endogenous actions, which
can number thousands per run, are stored as array chunks and joined only when
a DataFrame is asked for.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from sim.catalogue import CATALOGUE
from sim.world import Action, Applied


def canonical_unit(kind: str) -> str:
    """The unit magnitudes of ``kind`` are stored in (EUR_bn, personnel), '' for counts."""
    unit = CATALOGUE[kind].unit if kind in CATALOGUE else "count"
    return "" if unit == "count" else unit

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
            "magnitude": action.magnitude, "unit": canonical_unit(action.kind),
            "weight": applied.weight, "origin": action.origin, "id": m.get("id") or "",
            "name": m.get("name") or "", "source": m.get("source") or "",
            "note": m.get("note") or "", "warning": "; ".join(applied.warnings)})

    def add_batch(self, step: int, date: dt.date, kinds: np.ndarray, actors: np.ndarray,
                  recipients: np.ndarray, magnitudes: np.ndarray, weights: np.ndarray) -> None:
        """Record many endogenous actions (kind names per action) taken in one step."""
        self._chunks.append((step, date, kinds, actors, recipients,
                             np.asarray(magnitudes, dtype=float), weights))

    def since(self, cursor: tuple[int, int] = (0, 0)) -> tuple[list[dict], tuple[int, int]]:
        """Records added after ``cursor`` (from the previous call; start with (0, 0)) as
        dicts with the ``COLUMNS`` keys, and the new cursor. Cheap: no DataFrame, so a
        dashboard can read the log every step."""
        rows_seen, chunks_seen = cursor
        out = [dict(r) for r in self._rows[rows_seen:]]
        codes = self.codes
        for step, date, kinds, actors, recips, mags, weights in self._chunks[chunks_seen:]:
            for k, a, r, m, w in zip(kinds.tolist(), actors.tolist(), recips.tolist(),
                                     mags.tolist(), weights.tolist()):
                out.append({"step": step, "date": date, "kind": k, "actor": codes[a],
                            "recipients": codes[r], "participants": "", "target": "",
                            "magnitude": m, "unit": canonical_unit(k), "weight": w,
                            "origin": "policy", "id": "", "name": "", "source": "model",
                            "note": "", "warning": ""})
        return out, (len(self._rows), len(self._chunks))

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
                "unit": [canonical_unit(k) for k in kinds],
                "weight": weights, "origin": "policy", "id": "", "name": "", "source": "model",
                "note": "", "warning": ""}))
        if not parts:
            return pd.DataFrame(columns=COLUMNS)
        df = pd.concat(parts, ignore_index=True)
        order = df["origin"].map({"scenario": 0, "instructor": 1, "policy": 2})
        df = df.assign(_o=order).sort_values(["step", "_o"], kind="stable").drop(columns="_o")
        df["date"] = pd.to_datetime(df["date"])
        return df.reset_index(drop=True)
