"""The Mesa model: runs, reproducible, drivable by batch_run, outputs on disk."""

import subprocess
import sys
import warnings

import numpy as np
import pandas as pd
import pytest

from sim.model import DefenceDiplomacyModel

HASH_SCRIPT = """
import hashlib, sys
from sim.model import DefenceDiplomacyModel
m = DefenceDiplomacyModel(None, rng=int(sys.argv[1]), default_policy="mixed").run()
h = hashlib.sha256()
for step, t, u in m.snapshots:
    h.update(t.tobytes()); h.update(u.tobytes())
h.update(m.log.frame().to_csv().encode())
print(h.hexdigest())
"""


def _hash_in_subprocess(seed):
    out = subprocess.run([sys.executable, "-c", HASH_SCRIPT, str(seed)], capture_output=True,
                         text=True, check=True)
    return out.stdout.strip()


def test_same_seed_bit_identical_in_separate_processes():
    a, b = _hash_in_subprocess(7), _hash_in_subprocess(7)
    assert a == b
    assert _hash_in_subprocess(8) != a      # endogenous choices do depend on the seed


def test_model_runs_the_calendar_and_stops():
    m = DefenceDiplomacyModel(rng=1)
    m.run()
    assert m.steps == m.n_steps == 36 and not m.running
    assert str(m.date) == "2022-12-31"      # the state at the end of the last period
    assert len(m.snapshots) == 37


def test_keyword_parameters_change_the_model():
    slow = DefenceDiplomacyModel(rng=1, lam=0.999).run()
    fast = DefenceDiplomacyModel(rng=1, lam=0.9).run()
    assert slow.trust_between("XBB", "XAA") != fast.trust_between("XBB", "XAA")
    weighted = DefenceDiplomacyModel(rng=1, **{"invasion.forward": -20.0}).run()
    assert weighted.trust_between("XBB", "XCC") < slow.trust_between("XBB", "XCC")


def test_endogenous_policies_take_actions():
    m = DefenceDiplomacyModel(rng=3, default_policy="mixed").run()
    ev = m.log.frame()
    assert (ev["origin"] == "policy").sum() > 5
    assert set(ev.loc[ev["origin"] == "policy", "kind"]) <= {
        k for k, v in m.world.catalogue.items() if v.endogenous} | {"military_aid"}


@pytest.mark.parametrize("policy", ["reciprocal", "balancing", "mixed"])
def test_each_policy_runs(policy):
    m = DefenceDiplomacyModel(rng=2, default_policy=policy).run()
    assert np.all(np.isfinite(m.trust))


def test_apply_action_by_hand():
    m = DefenceDiplomacyModel(rng=1)
    m.step()
    before = m.trust_between("XBB", "XDD")
    m.apply_action("military_aid", actor="XDD", recipient="XBB", magnitude=1, unit="EUR_bn")
    assert m.trust_between("XBB", "XDD") > before
    ev = m.log.frame()
    assert (ev["origin"] == "instructor").sum() == 1
    from sim.scenario.errors import ScenarioError
    with pytest.raises(ScenarioError):
        m.apply_action("military_aid", actor="XXX", recipient="XBB")


def test_results_frames_and_files(tmp_path):
    res = DefenceDiplomacyModel(rng=1).run().results()
    written = res.save(tmp_path)
    names = {p.name for p in written}
    assert {"model.parquet", "model.csv", "trust.parquet", "events.csv", "support.csv",
            "heatmap.png", "pairs.png", "groups.png"} <= names
    trust = pd.read_parquet(tmp_path / "trust.parquet")
    assert set(trust.columns) >= {"date", "truster", "trusted", "trust", "uncertainty"}
    assert len(trust) == 37 * 4 * 3
    sup = pd.read_csv(tmp_path / "support.csv")
    assert list(sup.columns) == ["iso3", "support_eur", "support_pct_gdp"]
    assert sup.loc[sup.iso3 == "XAA", "support_eur"].item() == pytest.approx(2e9)
    assert res.model_frame()["date"].is_monotonic_increasing


def test_results_lookups_explain_unknown_names_and_read_dates_as_scenarios_do():
    import datetime as dt
    res = DefenceDiplomacyModel(rng=1).run().results()
    with pytest.raises(KeyError, match=r"'XZZ' is not a state of this scenario \(XAA, XBB"):
        res.trust_pair("XZZ", "XAA")
    with pytest.raises(KeyError, match=r"'nato' is not a group or state .*states: XAA"):
        res.group_mean("nato", "XAA")
    # the demo's one support event is dated 2022-02-01
    assert res.support(until="2022-01").empty
    assert res.support(until="2022-02-28").equals(res.support(until=dt.date(2022, 2, 28)))
    assert res.support(until="2022-02-28")["support_eur"].sum() == pytest.approx(2e9)
    with pytest.raises(ValueError, match="write YYYY-MM-DD or YYYY-MM"):
        res.support(until="2022/02")


def test_mesa_batch_run_drives_the_model_unchanged():
    from mesa.batchrunner import batch_run
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rows = batch_run(DefenceDiplomacyModel,
                         parameters={"lam": [0.95, 0.99], "default_policy": "mixed"},
                         rng=[1, 2], max_steps=40, number_processes=1,
                         display_progress=False)
    df = pd.DataFrame(rows)
    assert len(df[df["Step"] == 36]) >= 4
    assert set(df["lam"]) == {0.95, 0.99}
    assert df["mean_trust"].between(0, 1).all()


def test_cli_run_prints_a_summary_and_writes(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "sim.cli", "run", "--out", str(tmp_path)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "Largest trust changes" in proc.stdout and "Focal pairs" in proc.stdout
    assert (tmp_path / "trust.parquet").exists() and (tmp_path / "heatmap.png").exists()


def test_cli_schema_list_actions_and_params():
    import json
    out = subprocess.run([sys.executable, "-m", "sim.cli", "schema"], capture_output=True,
                         text=True, check=True).stdout
    schema = json.loads(out)
    assert "events" in schema["properties"] and "states" in schema["required"]
    acts = subprocess.run([sys.executable, "-m", "sim.cli", "list-actions"],
                          capture_output=True, text=True, check=True,
                          env={"COLUMNS": "250", **__import__("os").environ}).stdout
    assert "intelligence_sharing" in acts and "joint_military_commission" in acts
    params = subprocess.run([sys.executable, "-m", "sim.cli", "list-params"],
                            capture_output=True, text=True, check=True,
                            env={"COLUMNS": "250", **__import__("os").environ}).stdout
    assert "neg_memory" in params


@pytest.mark.parametrize("columns", ["80", "200"])
def test_cli_lists_show_every_name_and_reason_whole_at_any_width(columns):
    import os
    import re

    from sim.catalogue import CATALOGUE
    from sim.parameters import Parameters

    def listing(command):
        env = {**os.environ, "COLUMNS": columns}
        out = subprocess.run([sys.executable, "-m", "sim.cli", command], capture_output=True,
                             text=True, check=True, env=env).stdout
        assert "…" not in out, f"{command} cut a value at {columns} columns"
        return out

    acts = listing("list-actions")
    words = set(re.findall(r"[\w.]+", acts))
    assert set(CATALOGUE) <= words
    assert {s for k in CATALOGUE.values() for s in k.sources} <= words   # sources too
    params = listing("list-params")
    flat = " ".join(re.sub(r"[│ ]+", " ", params).split())
    for row in Parameters.describe():
        assert row["name"] in params.split() or f" {row['name']} " in f" {flat} "
        if columns == "80":                    # one block per parameter: reasons whole
            assert " ".join(row["reason"].split()) in flat, row["name"]


def test_cli_check_passes_the_builtin_scenario():
    proc = subprocess.run([sys.executable, "-m", "sim.cli", "check", "sim/data/demo.yaml"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "pass" in proc.stdout


def test_event_log_reads_incrementally_and_in_canonical_units(tmp_path):
    m = DefenceDiplomacyModel(rng=1, default_policy="mixed")
    records, cursor = m.log.since()
    assert records == [] and cursor == (0, 0)
    for _ in range(26):
        m.step()
    first, cursor = m.log.since()
    m.step()
    more, cursor2 = m.log.since(cursor)
    assert len(first) + len(more) == len(m.log) == len(m.log.frame())
    again, _ = m.log.since(cursor2)
    assert again == []
    ev = m.log.frame()
    humanitarian = ev[(ev["kind"] == "humanitarian_assistance") & (ev["origin"] == "scenario")]
    assert humanitarian["unit"].eq("EUR_bn").all()          # written as EUR_m in the file
    assert humanitarian["magnitude"].iloc[0] == pytest.approx(0.05)
