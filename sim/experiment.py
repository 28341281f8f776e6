"""The model as a function of parameters and a seed: what the sweep runner calls.

The sweep runner (:mod:`sim.sweep`) knows nothing about trust; it calls
:func:`evaluate` with a task and stores the outcomes it returns. Outcome specs,
as written in a sweep file::

    outcomes:
      - {name: ukr_trust_rus, metric: {trust: [UKR, RUS]}, at: 2019-12}
      - {name: west_in_russia, metric: {group_mean: [west, russia_bloc]}}   # final value
      - {name: usa_support, metric: {support: USA}}                         # EUR bn, window
      - {name: polar, metric: polarisation, at: 2022-06}
      - {name: support_all, metric: support}      # one outcome per donor: support_<ISO3>
"""

from __future__ import annotations

import bisect
import functools
import os
from pathlib import Path
from typing import Any

import pandas as pd

from sim.catalogue import CATALOGUE, WEIGHT_FIELDS
from sim.expectations import metric_series

# imported here, not when the first run starts: a sweep's fork server or forking
# process then imports Mesa once for all its workers, ahead of their first run
from sim.model import DefenceDiplomacyModel
from sim.parameters import Parameters, closest
from sim.scenario.checks import (
    METRICS,
    Checker,
    Names,
    check_date,
    check_metric,
    check_support_block,
    check_variant_name,
)
from sim.scenario.errors import ScenarioError
from sim.scenario.loader import LoadedScenario, load_scenario
from sim.scenario.schema import parse_date

MODEL_SERIES = ("mean_trust", "polarisation", "density", "mean_interop", "aid_total_eur_bn")


@functools.lru_cache(maxsize=16)
def _load(path: str, mtime: float) -> LoadedScenario:
    return load_scenario(path)


def load_cached(path: str | Path) -> LoadedScenario:
    """Load a scenario once per process (re-read if the file changed)."""
    p = str(Path(path).resolve())
    return _load(p, os.path.getmtime(p))


def input_files(scenario: str | Path) -> list[Path]:
    """The files a scenario is read from (a variant file's bases first): the sweep
    runner hashes them all, so that editing a base refuses to resume into old results."""
    try:
        return load_cached(scenario).files
    except ScenarioError:
        return [Path(scenario)]      # the sweep file's own check reports the problem


def known_parameters() -> dict[str, tuple[float, float] | None]:
    """Every sweepable name with its valid (low, high) range where one is known."""
    out: dict[str, tuple[float, float] | None] = {}
    for name, field in Parameters.model_fields.items():
        lo = hi = None
        for m in field.metadata:
            lo = getattr(m, "ge", getattr(m, "gt", lo)) if lo is None else lo
            hi = getattr(m, "le", getattr(m, "lt", hi)) if hi is None else hi
        out[name] = (lo, hi) if lo is not None and hi is not None else None
    for k in CATALOGUE:
        for f in WEIGHT_FIELDS:
            out[f"{k}.{f}"] = (0.0, 1.0) if f == "visibility" else None
    return out


def validate_outcomes(specs: list[dict], scenario: str | Path | None = None,
                      variant: str | None = None) -> list:
    """Problems with outcome specs (empty if all are valid).

    Each problem is ``(location in the sweep file, message, fix)``. Given the sweep's
    ``scenario`` file and ``variant``, it also checks the specs against the scenario
    (which must load), its variants, states, groups, calendar and ``support:`` block:
    a typo there would otherwise make every run of the sweep fail, or measure nothing.
    """
    errors: list = []
    series = MODEL_SERIES + ("support",)
    every = series + tuple(m for m in METRICS if m not in series)
    for n, spec in enumerate(specs):
        metric = metric_of(spec)
        if isinstance(metric, str):
            if metric not in series:
                named = "metric" not in spec
                errors.append((("outcomes", n, "name" if named else "metric"),
                               f"outcome '{metric}' has no `metric` and its name is not one"
                               if named else f"unknown metric '{metric}'",
                               ("add `metric: ...` or use a metric as the name; "
                                if named else "") + _metric_hint(metric, every)))
        elif isinstance(metric, dict) and len(metric) == 1:
            key = next(iter(metric))
            if key not in METRICS:
                errors.append((("outcomes", n, "metric", key), f"unknown metric '{key}'",
                               _metric_hint(str(key), tuple(METRICS))))
        elif metric is not None:   # (None: no name and no metric, which the file's schema reports)
            errors.append((("outcomes", n, "metric"),
                           (f"metric {metric!r} is not one metric: give a metric name or a "
                           "one-key mapping"),
                           (f"e.g. `metric: mean_trust` or `metric: {{trust: [UKR, RUS]}}`; "
                           f"names: {', '.join(series)}; mappings: {', '.join(METRICS)}")))
        if "at" in spec:
            try:
                parse_date(spec["at"])
            except ValueError as exc:
                errors.append((("outcomes", n, "at"), str(exc),
                               "write a date as YYYY-MM or YYYY-MM-DD, e.g. 2019-12"))
    if scenario is not None and not errors:
        errors += _against_scenario(specs, scenario, variant)
    return errors


def metric_of(spec: dict) -> Any:
    """An outcome's metric: its ``metric``, else its name (``{name: mean_trust}``)."""
    return spec.get("metric", spec.get("name"))


def _metric_hint(name: str, choices: tuple[str, ...]) -> str:
    """'did you mean' (if a name is close) and the valid metrics."""
    near = closest(name, choices)
    return (f"did you mean '{near}'? " if near else "") + (
        f"metrics: {', '.join(choices)} (docs/sweeps.md, section 1)")


def _against_scenario(specs: list[dict], scenario: str | Path, variant: str | None
                      ) -> list[tuple[tuple, str, str]]:
    """The scenario-dependent checks of :func:`validate_outcomes`."""
    try:
        loaded = load_cached(scenario)
    except ScenarioError as exc:
        first = f"the scenario file has {len(exc.issues)} problem(s), the first: {exc.issues[0]}"
        return [(("scenario",), first, f"run `ddsim check {scenario}` to see them all")]
    ck = Checker(str(scenario), {})
    if variant is not None:
        check_variant_name(ck, ("variant",), variant, list(loaded.variants))
    names = Names(loaded.scenario)
    for n, spec in enumerate(specs):
        metric = metric_of(spec)
        if isinstance(metric, dict):
            check_metric(ck, names, ("outcomes", n, "metric"), metric)
        elif metric == "support":
            check_support_block(ck, names, ("outcomes", n, "metric"))
        if "at" in spec:
            check_date(ck, names, ("outcomes", n, "at"), parse_date(spec["at"]))
    return ck.located


def _value_at(series: pd.Series, at: Any) -> float:
    if at is None:
        return float(series.iloc[-1])
    d = pd.Timestamp(parse_date(at))
    before = series[series.index <= d]
    return float(before.iloc[-1] if len(before) else series.iloc[0])


def _collected_at(model, metric: str, at: Any) -> float:
    """A model series' value on date ``at`` (its last value on or before it, else its
    first; the last value if ``at`` is None), read from Mesa's DataCollector lists:
    the same as :func:`_value_at` on the model frame, without building the frame."""
    collected = model.datacollector.model_vars
    values = collected[metric]
    if at is None:
        return float(values[-1])
    k = bisect.bisect_right(collected["date"], parse_date(at))   # dates increase by step
    return float(values[k - 1] if k else values[0])


def outcomes_of(model, specs: list[dict]) -> dict[str, float]:
    """Evaluate outcome specs on a finished model."""
    res = None
    out: dict[str, float] = {}
    for spec in specs:
        metric, at = metric_of(spec), spec.get("at")
        if isinstance(metric, str) and metric != "support":
            out[spec["name"]] = _collected_at(model, metric, at)
            continue
        res = res or model.results()
        if metric == "support":
            sup = res.support(until=parse_date(at) if at else None)
            codes = [c for c in model.codes if model.inputs.support is None
                     or c != model.inputs.support.recipient]
            got = dict(zip(sup["iso3"], sup["support_eur"] / 1e9))
            for c in codes:
                out[f"{spec['name']}_{c}"] = float(got.get(c, 0.0))
        else:
            out[spec["name"]] = _value_at(metric_series(res, metric), at)
    return out


def run_model(scenario: str | Path | LoadedScenario, variant: str | None = None,
              parameters: dict[str, Any] | None = None, seed: int = 0):
    """Build and run a model to the end of its calendar."""
    loaded = scenario if isinstance(scenario, LoadedScenario) else load_cached(scenario)
    return DefenceDiplomacyModel(loaded, variant=variant, rng=seed, **(parameters or {})).run()


def evaluate(task: dict) -> dict[str, float]:
    """Run one task ``{scenario, variant, parameters, seed, outcomes}``; return its outcomes."""
    model = run_model(task["scenario"], task.get("variant"), task.get("parameters"),
                      int(task["seed"]))
    return outcomes_of(model, task["outcomes"])

