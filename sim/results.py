"""A run's outputs: pandas DataFrames, Parquet and CSV files, PNG plots (DESIGN section 8)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sim import metrics
from sim.provenance import run_record
from sim.scenario.schema import parse_date

if TYPE_CHECKING:
    from sim.model import DefenceDiplomacyModel


def is_support(spec, kind: str, recipient: str, date: dt.date) -> bool:
    """Whether one action counts toward the scenario's ``support`` block: a listed kind,
    to the support recipient, dated inside the window. :meth:`Results.support_events`
    is the same rule over a whole event table."""
    return kind in spec.kinds and recipient == spec.recipient and spec.from_ <= date <= spec.until


class Results:
    """Read-only view of a finished (or paused) run."""

    def __init__(self, model: DefenceDiplomacyModel):
        self.model = model
        self.codes = model.codes
        self._index = {c: i for i, c in enumerate(self.codes)}
        self.dates = [model.calendar.label(step) for step, _, _ in model.snapshots]
        self.trust_cube = np.stack([t for _, t, _ in model.snapshots])        # (S, N, N)
        self._events: pd.DataFrame | None = None

    # --- tables --------------------------------------------------------------------------
    def model_frame(self) -> pd.DataFrame:
        """Per-step network measures and focal pairs/groups (Mesa DataCollector)."""
        df = self.model.datacollector.get_model_vars_dataframe().copy()
        df["date"] = pd.to_datetime(df["date"])
        return df.reset_index(drop=True)

    def agent_frame(self) -> pd.DataFrame:
        """Per-state measures at every snapshot: policy, mean trust out and in, aid given."""
        m = self.model
        ev = self.events()
        aid = ev[ev["kind"] == "military_aid"]
        frames = []
        for (step, t, _), date in zip(m.snapshots, self.dates):
            given = aid[aid["step"] <= step].groupby("actor")["magnitude"].sum()
            policy = m.inputs.policy_by_step[min(step, m.calendar.n_steps)]
            frames.append(pd.DataFrame({
                "step": step, "date": pd.Timestamp(date), "iso3": self.codes,
                "policy": list(policy), "trust_out": metrics.row_means(t),
                "trust_in": metrics.col_means(t),
                "aid_given_eur_bn": given.reindex(self.codes).fillna(0.0).values}))
        return pd.concat(frames, ignore_index=True)

    def trust_frame(self) -> pd.DataFrame:
        """Trust and uncertainty of every directed pair at every snapshot (long format)."""
        n = len(self.codes)
        rows, cols = np.nonzero(~np.eye(n, dtype=bool))
        frames = []
        for (step, t, u), date in zip(self.model.snapshots, self.dates):
            frames.append(pd.DataFrame({
                "step": step, "date": pd.Timestamp(date),
                "truster": np.array(self.codes)[rows], "trusted": np.array(self.codes)[cols],
                "trust": t[rows, cols], "uncertainty": u[rows, cols].astype(float)}))
        return pd.concat(frames, ignore_index=True)

    def events(self) -> pd.DataFrame:
        """The event log: every applied action with its source (built once per Results)."""
        if self._events is None:
            self._events = self.model.log.frame()
        return self._events

    def final_trust(self) -> pd.DataFrame:
        """The last trust matrix with ISO codes as labels (rows trust columns)."""
        return pd.DataFrame(self.trust_cube[-1], index=self.codes, columns=self.codes)

    def trust_pair(self, a: str, b: str) -> pd.Series:
        """Trust of ``a`` in ``b`` over time, indexed by date."""
        s = self.trust_cube[:, self.model.index_of(a), self.model.index_of(b)]
        return pd.Series(s, index=pd.to_datetime(self.dates), name=f"{a}->{b}")

    def group_mean(self, g: str, h: str) -> pd.Series:
        """Mean trust of members of ``g`` in members of ``h`` over time (groups or codes)."""
        rows, cols = self._members(g), self._members(h)
        vals = [metrics.group_mean(t, rows, cols) for t in self.trust_cube]
        return pd.Series(vals, index=pd.to_datetime(self.dates), name=f"{g}->{h}")

    def _members(self, name: str) -> np.ndarray:
        groups = self.model.inputs.groups
        if name in groups:
            return groups[name]
        if name not in self._index:
            raise KeyError(f"'{name}' is not a group or state of this scenario (groups: "
                           f"{', '.join(groups) or 'none'}; states: {', '.join(self.codes)})")
        return np.array([self._index[name]], dtype=np.intp)

    def support(self, until: dt.date | str | None = None) -> pd.DataFrame:
        """Support per supporting state in the scenario's ``support`` window (support.csv).

        Columns ``iso3, support_eur, support_pct_gdp``: EUR (not billions) and percent
        of the donor's GDP; one row per state that gave anything, largest first.
        ``until``: a date, ``YYYY-MM-DD`` or ``YYYY-MM`` (as in scenario files).
        """
        if self.model.inputs.support is None:
            return pd.DataFrame(columns=["iso3", "support_eur", "support_pct_gdp"])
        eur_bn = self.support_events(until).groupby("actor")["magnitude"].sum()
        eur_bn = eur_bn[eur_bn > 0]
        gdp = pd.Series(self.model.inputs.gdp, index=self.codes)
        out = pd.DataFrame({"iso3": eur_bn.index,
                            "support_eur": (eur_bn.values * 1e9).round(0),
                            "support_pct_gdp": (100 * eur_bn / gdp[eur_bn.index]).values})
        return out.sort_values(["support_eur", "iso3"], ascending=[False, True]
                               ).reset_index(drop=True)

    def support_events(self, until: dt.date | str | None = None) -> pd.DataFrame:
        """The applied actions that count as support (:func:`is_support`), up to ``until``
        (a date, ``YYYY-MM-DD`` or ``YYYY-MM``)."""
        spec = self.model.inputs.support
        ev = self.events()
        if spec is None:
            return ev.iloc[0:0]
        end = min(spec.until, parse_date(until)) if until else spec.until
        return ev[ev["kind"].isin(spec.kinds) & (ev["recipients"] == spec.recipient)
                  & (ev["date"] >= pd.Timestamp(spec.from_)) & (ev["date"] <= pd.Timestamp(end))]

    # --- files ---------------------------------------------------------------------------
    def save(self, out: str | Path, plots: bool = True) -> list[Path]:
        """Write Parquet and CSV tables (and PNG plots) into ``out``, and ``run.json``
        (how they were made: :func:`sim.provenance.run_record`); returns the paths."""
        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        written: list[Path] = []
        tables = {"model": self.model_frame(), "agents": self.agent_frame(),
                  "trust": self.trust_frame(), "events": self.events()}
        for name, df in tables.items():
            df.to_parquet(out / f"{name}.parquet", index=False)
            df.to_csv(out / f"{name}.csv", index=False)
            written += [out / f"{name}.parquet", out / f"{name}.csv"]
        if self.model.inputs.support is not None:
            self.support().to_csv(out / "support.csv", index=False)
            written.append(out / "support.csv")
        if plots:
            from sim import plots as P
            written += P.save_all(self, out)
        record = out / "run.json"
        names = [p.name for p in written] + [record.name]
        for stale in set(_files_of_earlier_run(record)) - set(names):
            (out / stale).unlink(missing_ok=True)
        record.write_text(json.dumps(run_record(self, names), indent=2, default=str) + "\n",
                          encoding="utf-8")
        return written + [record]


def _files_of_earlier_run(record: Path) -> list[str]:
    """Files an earlier run listed in its ``run.json`` in this folder (plain names only):
    those the new run does not write again are removed, so that the folder holds one
    run's results, not a mix (a ``support.csv`` left from another scenario, say)."""
    try:
        files = json.loads(record.read_text(encoding="utf-8")).get("files", [])
    except (OSError, ValueError, AttributeError):
        return []
    return [f for f in files if isinstance(f, str) and f == Path(f).name and f != record.name]
