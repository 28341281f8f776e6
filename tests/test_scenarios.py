"""The shipped scenarios: load, run, keep their own promises, and are fully sourced."""

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from sim.expectations import check_expectations
from sim.experiment import run_model
from sim.scenario.loader import load_scenario

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
HISTORICAL = [ROOT / "scenarios" / "ukraine_2014_2023.yaml",
              ROOT / "scenarios" / "ethiopia_eritrea_2018.yaml"]


def test_the_three_cases_are_shipped():
    names = {p.name for p in SCENARIOS}
    assert {"ukraine_2014_2023.yaml", "ethiopia_eritrea_2018.yaml",
            "classroom_rivals.yaml"} <= names


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_scenario_passes_its_expectations(path):
    loaded = load_scenario(path)
    assert loaded.scenario.expectations, "every shipped scenario makes claims about itself"
    outcomes = check_expectations(loaded)
    failed = [f"{o.id} [{o.variant}]: {o.detail}" for o in outcomes if not o.passed]
    assert not failed, failed


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_every_variant_runs(path):
    loaded = load_scenario(path)
    for variant in loaded.variants:
        model = run_model(loaded, variant, seed=1)
        assert model.steps == model.n_steps


@pytest.mark.parametrize("path", HISTORICAL, ids=lambda p: p.stem)
def test_every_historical_event_has_a_known_source(path):
    loaded = load_scenario(path)
    sc = loaded.scenario
    templates = list(sc.events) + list(sc.recurring)
    for var in sc.variants.values():
        templates += list(var.add)
    assert all(ev.source for ev in templates)
    assert not [w for w in loaded.warnings if "source" in w.message]
    cited = {ev.source for ev in templates}
    assert cited <= set(sc.meta.sources), cited - set(sc.meta.sources)
    for key, src in sc.meta.sources.items():
        assert len(src.citation) > 20, key


def test_ukraine_case_size():
    sc = load_scenario(HISTORICAL[0]).scenario
    assert len(sc.states) >= 30
    from sim.scenario.compile import resolve_events
    assert len(resolve_events(sc, "historical")) >= 80
    assert {"historical", "endogenous_support", "no_peacetime_training",
            "no_intelligence_sharing"} <= set(sc.variants)


def test_ukraine_support_csv_has_a_row_per_supporter(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "sim.cli", "run", str(HISTORICAL[0]),
                           "--variant", "endogenous_support", "--out", str(tmp_path),
                           "--no-plots"], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    sup = pd.read_csv(tmp_path / "support.csv")
    assert list(sup.columns) == ["iso3", "support_eur", "support_pct_gdp"]
    assert sup["iso3"].is_unique and (sup["support_eur"] > 0).all()
    assert "UKR" not in set(sup["iso3"]) and "RUS" not in set(sup["iso3"])
    assert len(sup) >= 10                 # endogenous: many donors, not just the six
    west = set(load_scenario(HISTORICAL[0]).scenario.groups["west"])
    assert set(sup["iso3"]) <= west


def test_groundwork_less_support_without_peacetime_training():
    """Stylised fact 6: donors give more after more pre-crisis engagement."""
    def total(variant):
        return sum(run_model(HISTORICAL[0], variant, seed=s).results().support()["support_eur"]
                   .sum() for s in range(2))
    assert total("no_peacetime_training") < total("endogenous_support")


def test_commission_sustains_trust():
    """Stylised fact 7: without the commission, the new peace's trust decays."""
    def trust(variant):
        res = run_model(HISTORICAL[1], variant, seed=0).results()
        return res.trust_pair("ERI", "ETH")["2020-06"].iloc[-1]
    assert trust("historical") > trust("no_commission")


def test_compare_writes_bands_and_support_difference(tmp_path):
    from sim.compare import compare
    cmp = compare(HISTORICAL[0], "endogenous_support", "no_peacetime_training", seeds=2,
                  pairs=[("UKR", "USA")], groups=[("west", "russia_bloc")], workers=2)
    paths = {p.name for p in cmp.save(tmp_path)}
    assert {"compare_difference.csv", "compare.png", "support_difference.csv"} <= paths
    d = cmp.difference
    assert set(d["metric"]) == {"trust UKR in USA", "mean west in russia_bloc"}
    assert (d["low"] <= d["mean"]).all() and (d["mean"] <= d["high"]).all()
    assert cmp.support["difference_eur_bn"].sum() > 0    # groundwork: more support with it
    assert cmp.varies_with_seed()                         # donors decide for themselves
    import json
    import shlex

    from typer.testing import CliRunner

    from sim.cli import app
    record = json.loads((tmp_path / "compare.json").read_text())
    assert record["variants"] == ["endogenous_support", "no_peacetime_training"]
    assert record["seeds"] == [0, 1] and record["pairs"] == [["UKR", "USA"]]
    assert set(record["files"]) == paths and len(record["inputs"][0]["sha256"]) == 64
    # its command remakes the same tables
    again = tmp_path / "again"
    args = shlex.split(record["reproduce"])[1:] + ["-o", str(again), "--workers", "2"]
    assert CliRunner().invoke(app, args).exit_code == 0
    for name in ("compare_difference.csv", "compare_runs.csv", "support_difference.csv"):
        assert (again / name).read_bytes() == (tmp_path / name).read_bytes(), name


def test_compare_of_scripted_variants_says_the_seeds_do_not_matter(tmp_path):
    from typer.testing import CliRunner

    from sim.cli import app
    args = ["compare", str(HISTORICAL[1]), "-v", "historical", "-v", "no_commission",
            "-n", "2", "--workers", "2", "-o", str(tmp_path)]
    done = CliRunner().invoke(app, args, terminal_width=200)
    assert done.exit_code == 0, done.output
    assert "every seed gave the same runs" in done.output and "-n 1" in done.output
    runs = pd.read_csv(tmp_path / "compare_runs.csv")
    by_seed = runs.pivot_table(index=["variant", "metric", "date"], columns="seed", values="value")
    assert (by_seed[0] == by_seed[1]).all()


@pytest.mark.parametrize("bad", [{"seeds": 0}, {"workers": 0}, {"workers": -2}])
def test_compare_refuses_counts_below_one(bad):
    from sim.compare import compare
    with pytest.raises(ValueError, match=f"{next(iter(bad))} must be a whole number, 1 or more"):
        compare(HISTORICAL[1], "historical", "no_commission", **bad)


def test_support_rule_is_the_same_per_action_and_per_table():
    """The dashboard's incremental count and support.csv apply one rule."""
    from sim.results import is_support
    res = run_model(HISTORICAL[0], "endogenous_support", seed=0).results()
    spec = res.model.inputs.support
    ev = res.events()
    per_action = [is_support(spec, k, r, d.date())
                  for k, r, d in zip(ev["kind"], ev["recipients"], ev["date"])]
    table = res.support_events()
    assert sum(per_action) == len(table) > 100
    assert ev.index[per_action].equals(table.index)


def test_compare_reports_every_unknown_name_before_running(tmp_path):
    from sim.compare import compare
    from sim.scenario.errors import ScenarioError
    with pytest.raises(ScenarioError) as info:
        compare(HISTORICAL[1], "historical", "no_comission", seeds=1,
                pairs=[("ERI", "ETX")], groups=[("horn", "nowhere")])
    issues = {i.field: i for i in info.value.issues}
    assert set(issues) == {"variant", "pairs[0][1]", "groups[0][1]"}
    assert "did you mean 'no_commission'" in issues["variant"].hint
    assert "did you mean 'ETH'" in issues["pairs[0][1]"].hint
    assert "'nowhere' is not a group or state" in issues["groups[0][1]"].message
    out = tmp_path / "cmp"
    proc = subprocess.run([sys.executable, "-m", "sim.cli", "compare", str(HISTORICAL[1]),
                           "-v", "historical", "-v", "no_commission", "-g", "horn:nowhere",
                           "-n", "1", "-o", str(out)], capture_output=True, text=True)
    assert proc.returncode == 2 and "groups[0][1]" in proc.stderr and "Traceback" not in proc.stderr
    assert not out.exists()                                   # nothing started, nothing written
