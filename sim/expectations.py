"""Check a scenario's expectations (claims about its own results) by running it.

Each expectation names a metric, a comparator and a period; it is checked for
each of its variants, averaged over ``seeds`` runs. Runs are shared between
expectations that need the same variant and seed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.metrics import spearman
from sim.results import Results
from sim.scenario.loader import LoadedScenario
from sim.scenario.schema import Expectation


@dataclass
class Outcome:
    """The verdict on one expectation for one variant."""

    id: str
    claim: str
    variant: str | None
    passed: bool
    detail: str


def metric_series(res: Results, metric: dict) -> pd.Series:
    """The expectation metric over time for one run."""
    key, val = next(iter(metric.items()))
    idx = pd.to_datetime(res.dates)
    if key == "trust":
        return res.trust_pair(str(val[0]), str(val[1]))
    if key == "uncertainty":
        i, j = res._index[str(val[0])], res._index[str(val[1])]
        return pd.Series([u[i, j] for _, _, u in res.model.snapshots], index=idx, dtype=float)
    if key == "interop":
        i, j = res._index[str(val[0])], res._index[str(val[1])]
        return pd.Series([a[i, j] for a in res.model.interop_snapshots], index=idx, dtype=float)
    if key == "group_mean":
        return res.group_mean(str(val[0]), str(val[1]))
    if key == "support":
        return _support_series(res, idx).get(str(val), pd.Series(0.0, index=idx))
    if key == "support_rank_corr":
        table = _support_series(res, idx)
        codes = [str(c) for c in val]
        figures = np.array([float(val[c]) for c in val])
        out = []
        for d in idx:
            modelled = np.array([table[c].loc[d] if c in table else 0.0 for c in codes])
            out.append(spearman(modelled, figures) if np.ptp(modelled) > 0 else 0.0)
        return pd.Series(out, index=idx)
    raise ValueError(f"unknown metric {key}")


def _support_series(res: Results, idx: pd.DatetimeIndex) -> dict[str, pd.Series]:
    """Cumulative support (EUR bn) per donor at each snapshot date, inside the support window."""
    out = {}
    for donor, rows in res.support_events().groupby("actor"):
        monthly = rows.groupby("date")["magnitude"].sum().cumsum()
        out[str(donor)] = monthly.reindex(idx.union(monthly.index)).ffill().fillna(0.0).reindex(idx)
    return out


def _window(series: pd.Series, ex: Expectation) -> pd.Series:
    if ex.at is not None:
        before = series[series.index <= pd.Timestamp(ex.at)]
        return before.iloc[-1:] if len(before) else series.iloc[:1]
    sel = series
    if ex.from_ is not None:
        sel = sel[sel.index >= pd.Timestamp(ex.from_)]
    if ex.until is not None:
        sel = sel[sel.index <= pd.Timestamp(ex.until)]
    if ex.from_ is None and ex.until is None:
        sel = series.iloc[-1:]
    return sel


class Runner:
    """Runs (and caches) the model for (variant, seed)."""

    def __init__(self, loaded: LoadedScenario, base_seed: int = 0):
        self.loaded = loaded
        self.base_seed = base_seed
        self._cache: dict[tuple, Results] = {}

    def results(self, variant: str | None, seed: int) -> Results:
        """Results of one run, computed once."""
        key = (variant, seed)
        if key not in self._cache:
            from sim.model import DefenceDiplomacyModel
            m = DefenceDiplomacyModel(self.loaded, variant=variant, rng=self.base_seed + seed)
            self._cache[key] = m.run().results()
        return self._cache[key]

    def mean_series(self, variant: str | None, metric: dict, seeds: int) -> pd.Series:
        """The metric averaged over ``seeds`` runs."""
        series = [metric_series(self.results(variant, s), metric) for s in range(seeds)]
        return pd.concat(series, axis=1).mean(axis=1)


def check_expectations(loaded: LoadedScenario, runner: Runner | None = None) -> list[Outcome]:
    """Evaluate every expectation of a scenario; one outcome per (expectation, variant)."""
    runner = runner or Runner(loaded)
    sc = loaded.scenario
    outcomes = []
    for ex in sc.expectations:
        for variant in ex.variants or [sc.default_variant]:
            mine = _window(runner.mean_series(variant, ex.metric, ex.seeds), ex)
            if ex.below is not None or ex.above is not None:
                bound = ex.below if ex.below is not None else ex.above
                ok = bool((mine < bound).all() if ex.below is not None else (mine > bound).all())
                worst = mine.max() if ex.below is not None else mine.min()
                word = "below" if ex.below is not None else "above"
                detail = f"{word} {bound:g}: worst {worst:.3f}"
            else:
                other_name = ex.below_variant or ex.above_variant
                other = _window(runner.mean_series(other_name, ex.metric, ex.seeds), ex)
                diff = (mine - other.reindex(mine.index)).dropna()
                ok = bool((diff < 0).all() if ex.below_variant else (diff > 0).all()) and len(diff)
                word = "below" if ex.below_variant else "above"
                detail = (f"{word} variant {other_name}: difference "
                          f"{diff.min():+.3f} to {diff.max():+.3f}" if len(diff) else "no dates")
            outcomes.append(Outcome(ex.id, ex.claim, variant, bool(ok), detail))
    return outcomes
