"""Compare two variants of a scenario as ensembles over seeds (``ddsim compare``).

For each seed both variants run with the same seed; the difference A - B of
each chosen metric is taken per seed (paired), then summarised over seeds as a
mean and a 95 % band (2.5th to 97.5th percentile). Runs go to a process pool on
the local cores.
"""

from __future__ import annotations

import json
import os
import shlex
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

import numpy as np
import pandas as pd

from sim.experiment import load_cached, run_model
from sim.issues import is_count
from sim.provenance import input_records, plain, set_options, versions


@dataclass
class Comparison:
    """Per-seed series of both variants and their summarised difference."""

    scenario: str
    variant_a: str
    variant_b: str
    seeds: int
    series: pd.DataFrame          # long: variant, seed, metric, date, value
    difference: pd.DataFrame      # metric, date, mean, low, high (A - B)
    support: pd.DataFrame | None  # iso3, mean A, mean B, difference (EUR bn) if the scenario has support
    pairs: list[tuple[str, str]] = field(default_factory=list)    # the trust pairs compared
    groups: list[tuple[str, str]] = field(default_factory=list)   # the group pairs compared
    parameters: dict = field(default_factory=dict)                # settings given to both variants

    def varies_with_seed(self) -> bool:
        """True if some metric of either variant differs between seeds. False when no
        state made endogenous choices in either variant (the model's only chance): every
        seed then gives the same run and the bands have zero width."""
        spread = self.series.groupby(["variant", "metric", "date"])["value"].agg(["min", "max"])
        return bool((spread["max"] != spread["min"]).any())

    def save(self, out: str | Path) -> list[Path]:
        """Write the tables (CSV), the band plot (PNG) and ``compare.json`` (how they were
        made: :meth:`record`) into ``out``."""
        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        paths = [out / "compare_difference.csv", out / "compare_runs.csv"]
        self.difference.to_csv(paths[0], index=False)
        self.series.to_csv(paths[1], index=False)
        if self.support is not None:
            paths.append(out / "support_difference.csv")
            self.support.to_csv(paths[-1], index=False)
        paths.append(out / "compare.png")
        plot_difference(self, paths[-1])
        paths.append(out / "compare.json")
        paths[-1].write_text(json.dumps(self.record([p.name for p in paths]), indent=2) + "\n",
                             encoding="utf-8")
        return paths

    def record(self, files: list[str] | None = None) -> dict:
        """Scenario file and its sha256, variants, seeds, pairs, groups, versions and the
        ``ddsim compare`` command that makes the same tables again."""
        command = ["ddsim", "compare", self.scenario, "-v", self.variant_a, "-v", self.variant_b,
                   "-n", str(self.seeds)]
        for flag, items in (("-p", self.pairs), ("-g", self.groups)):
            for a, b in items:
                command += [flag, f"{a}:{b}"]
        options = set_options(self.parameters)
        out = {"inputs": input_records(load_cached(self.scenario).files),
               "variants": [self.variant_a, self.variant_b],
               "seeds": list(range(self.seeds)),
               "pairs": [list(p) for p in self.pairs], "groups": [list(g) for g in self.groups],
               "overrides": {k: plain(v) for k, v in self.parameters.items()},
               "versions": versions(),
               "reproduce": None if options is None else shlex.join(command + options)}
        if files is not None:
            out["files"] = sorted(files)
        return out


def check_names(loaded, scenario: str | Path, variants: tuple[str, str],
                pairs: list[tuple[str, str]] | None, groups: list[tuple[str, str]] | None
                ) -> None:
    """Variants, states and groups that the scenario does not define, all reported at
    once as a ScenarioError (before any run starts)."""
    from sim.scenario.checks import Checker, Names, check_ref, check_variant_name
    from sim.scenario.errors import ScenarioError
    ck = Checker(str(scenario), {})
    for v in variants:
        check_variant_name(ck, ("variant",), v, list(loaded.variants))
    names = Names(loaded.scenario)
    for k, pair in enumerate(pairs or []):
        for m, code in enumerate(pair):
            check_ref(ck, names, ("pairs", k, m), code)
    for k, pair in enumerate(groups or []):
        for m, name in enumerate(pair):
            check_ref(ck, names, ("groups", k, m), name, "group or state", groups_ok=True)
    if ck.issues:
        raise ScenarioError(ck.issues)


def _one_run(task: tuple) -> tuple[str, int, dict[str, pd.Series], pd.DataFrame]:
    scenario, variant, seed, pairs, groups, parameters = task
    res = run_model(scenario, variant, parameters, seed=seed).results()
    out = {f"trust {a} in {b}": res.trust_pair(a, b) for a, b in pairs}
    out.update({f"mean {g} in {h}": res.group_mean(g, h) for g, h in groups})
    return variant, seed, out, res.support()


def compare(scenario: str | Path, variant_a: str, variant_b: str, seeds: int = 10,
            pairs: list[tuple[str, str]] | None = None,
            groups: list[tuple[str, str]] | None = None, workers: int | None = None,
            parameters: dict | None = None) -> Comparison:
    """Run both variants for ``seeds`` seeds and summarise A - B per metric and date.

    ``workers``: processes (None: all cores). ValueError if ``seeds`` or ``workers`` is
    not a whole number of at least 1. ``parameters``: model parameters and action
    weights given to both variants (checked first: ScenarioError).
    """
    for name, value in (("seeds", seeds), ("workers", workers)):
        if value is not None and not is_count(value, 1):
            raise ValueError(f"{name} must be a whole number, 1 or more (got {value!r})")
    loaded = load_cached(scenario)
    check_names(loaded, scenario, (variant_a, variant_b), pairs, groups)
    parameters = dict(parameters or {})
    if parameters:
        check_settings(loaded, variant_a, parameters)
    if pairs is None:
        pairs = [tuple(p) for p in loaded.scenario.focal.pairs]
    if groups is None:
        fg = list(loaded.scenario.focal.groups)
        groups = [(g, h) for g in fg for h in fg][:6]
    tasks = [(str(scenario), v, s, pairs, groups, parameters) for s in range(seeds)
             for v in (variant_a, variant_b)]
    workers = workers or os.cpu_count() or 1
    if workers > 1 and len(tasks) > 2:
        with ProcessPoolExecutor(max_workers=min(workers, len(tasks)),
                                 mp_context=get_context("spawn")) as pool:
            results = list(pool.map(_one_run, tasks, chunksize=max(1, len(tasks) // (4 * workers))))
    else:
        results = [_one_run(t) for t in tasks]
    rows = []
    support_rows = []
    for variant, seed, series, sup in results:
        for metric, s in series.items():
            rows.append(pd.DataFrame({"variant": variant, "seed": seed, "metric": metric,
                                      "date": s.index, "value": s.values}))
        if len(sup):
            support_rows.append(sup.assign(variant=variant, seed=seed))
    long = pd.concat(rows, ignore_index=True)
    wide = long.pivot_table(index=["metric", "date", "seed"], columns="variant", values="value")
    diff = (wide[variant_a] - wide[variant_b]).rename("diff").reset_index()
    summary = diff.groupby(["metric", "date"])["diff"].agg(
        mean="mean", low=lambda x: np.percentile(x, 2.5), high=lambda x: np.percentile(x, 97.5)
    ).reset_index()
    support = None
    if loaded.scenario.support is not None:
        sup = (pd.concat(support_rows, ignore_index=True) if support_rows else
               pd.DataFrame(columns=["iso3", "support_eur", "variant", "seed"]))
        per = sup.pivot_table(index=["iso3", "seed"], columns="variant", values="support_eur",
                              fill_value=0.0)
        for v in (variant_a, variant_b):
            if v not in per:
                per[v] = 0.0
        full = per.reindex(pd.MultiIndex.from_product(
            [per.index.get_level_values(0).unique(), range(seeds)], names=["iso3", "seed"]),
            fill_value=0.0) / 1e9
        d = (full[variant_a] - full[variant_b])
        support = pd.DataFrame({
            f"{variant_a}_eur_bn": full[variant_a].groupby("iso3").mean(),
            f"{variant_b}_eur_bn": full[variant_b].groupby("iso3").mean(),
            "difference_eur_bn": d.groupby("iso3").mean(),
            "low": d.groupby("iso3").quantile(0.025),
            "high": d.groupby("iso3").quantile(0.975)}).reset_index()
        support = support.sort_values("difference_eur_bn").reset_index(drop=True)
    return Comparison(str(scenario), variant_a, variant_b, seeds, long, summary, support,
                      [tuple(p) for p in pairs], [tuple(g) for g in groups], parameters)


def check_settings(loaded, variant: str | None, parameters: dict) -> None:
    """Parameters and action weights checked as the model checks keyword arguments
    (unknown names with the closest match, values out of range; ScenarioError)."""
    from sim.scenario.compile import compile_inputs
    compile_inputs(loaded, variant, parameters)


def plot_difference(cmp: Comparison, path: Path) -> None:
    """One panel per metric: mean difference A - B over time with its 95 % band."""
    import matplotlib.pyplot as plt
    metrics = list(dict.fromkeys(cmp.difference["metric"]))
    cols = 2
    rows = max(1, int(np.ceil(len(metrics) / cols)))
    fig, axes = plt.subplots(rows, cols, figsize=(11, 2.8 * rows), squeeze=False, sharex=True)
    for ax, metric in zip(axes.ravel(), metrics):
        d = cmp.difference[cmp.difference["metric"] == metric]
        ax.fill_between(d["date"], d["low"], d["high"], alpha=0.3, label="95 % band over seeds")
        ax.plot(d["date"], d["mean"], lw=1.5, label="mean difference")
        ax.axhline(0, color="black", lw=0.6)
        ax.set_title(metric, fontsize=9)
        ax.set_ylabel("difference in trust")
        ax.grid(alpha=0.3)
    for ax in axes.ravel()[len(metrics):]:
        ax.axis("off")
    for ax in axes[-1]:
        ax.set_xlabel("date")
    axes[0, 0].legend(fontsize=7)
    fig.suptitle(f"{Path(cmp.scenario).stem}: {cmp.variant_a} minus {cmp.variant_b} "
                 f"({cmp.seeds} seeds)", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
