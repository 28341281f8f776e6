"""The sweep adapter's outcomes: model series read straight from Mesa's DataCollector
must equal the same series read from the results frame."""

import pytest

from sim.experiment import MODEL_SERIES, _value_at, outcomes_of, run_model

DEMO = "sim/data/demo.yaml"


@pytest.mark.parametrize("at", [None, "1990-01", "2020-01", "2021-06", "2021-06-30",
                                "2022-12-31", "2030-01"])
def test_model_series_at_a_date_equal_the_results_frame(at):
    model = run_model(DEMO, seed=3)
    frame = model.results().model_frame().set_index("date")
    specs = [{"name": m, "metric": m, **({"at": at} if at else {})} for m in MODEL_SERIES]
    got = outcomes_of(model, specs)
    for m in MODEL_SERIES:
        assert got[m] == _value_at(frame[m], at), m
    assert len(set(got.values())) > 1      # real, different measures


ETH = "scenarios/ethiopia_eritrea_2018.yaml"


def _sweep_text(root, variant, outcomes):
    return (f"scenario: {root / ETH}\n" + (f"variant: {variant}\n" if variant else "")
            + "parameters:\n  lam: {low: 0.9, high: 0.99}\n"
            "design: {method: random, samples: 2, seed: 1}\n"
            "outcomes:\n" + "".join(f"  - {o}\n" for o in outcomes))


def test_sweep_file_is_checked_against_its_scenario_before_any_run(tmp_path):
    from pathlib import Path

    from sim.sweep.errors import SweepFileError
    from sim.sweep.spec import load_sweep
    root = Path(__file__).resolve().parents[1]
    path = tmp_path / "bad.yaml"
    path.write_text(_sweep_text(root, "no_comission", [
        "{name: t, metric: {trust: [ERI, ETX]}, at: 2020-01}",
        "{name: g, metric: {group_mean: [horn, nowhere]}}",
        "{name: s, metric: {support: USA}}",
        "{name: late, metric: mean_trust, at: 2031-01}"]))
    with pytest.raises(SweepFileError) as info:
        load_sweep(path)
    issues = {i.field: i for i in info.value.issues}
    assert set(issues) == {"variant", "outcomes[0].metric.trust[1]",
                           "outcomes[1].metric.group_mean[1]", "outcomes[2].metric.support",
                           "outcomes[3].at"}
    assert issues["variant"].line == 2 and "did you mean 'no_commission'" in issues["variant"].hint
    assert issues["outcomes[0].metric.trust[1]"].line == 7 and "'ETH'" in issues[
        "outcomes[0].metric.trust[1]"].hint
    assert "would always be 0" in issues["outcomes[2].metric.support"].message
    assert "outside the calendar" in issues["outcomes[3].at"].message
    path.write_text(_sweep_text(root, "no_commission", [
        "{name: t, metric: {trust: [ERI, ETH]}, at: 2020-01}",
        "{name: g, metric: {group_mean: [horn, ETH]}}"]))
    assert load_sweep(path).variant == "no_commission"


def test_sweep_on_a_broken_scenario_points_at_ddsim_check(tmp_path):
    from sim.sweep.errors import SweepFileError
    from sim.sweep.spec import load_sweep
    scenario = tmp_path / "broken.yaml"
    scenario.write_text("meta: {title: t}\n")                   # no calendar, no states
    path = tmp_path / "s.yaml"
    path.write_text("scenario: broken.yaml\nparameters:\n  lam: [0.9, 0.95]\n"
                    "design: {method: grid}\noutcomes:\n  - {name: m, metric: mean_trust}\n")
    with pytest.raises(SweepFileError) as info:
        load_sweep(path)
    (issue,) = info.value.issues
    assert issue.field == "scenario" and issue.line == 1 and "ddsim check" in issue.hint


def test_outcome_metric_defaults_to_its_name_and_bad_metrics_are_located(tmp_path):
    from pathlib import Path

    from sim.sweep.errors import SweepFileError
    from sim.sweep.runner import run_sweep
    from sim.sweep.spec import load_sweep
    root = Path(__file__).resolve().parents[1]
    path = tmp_path / "s.yaml"
    path.write_text(_sweep_text(root, None, [
        "{name: a, metric: mean_trst}", "{name: b, metric: {trsut: [ERI, ETH]}}",
        "{name: c, metric: mean_trust, at: 2020-13}", "{name: d, metric: [1, 2]}",
        "polarisaton"]))
    with pytest.raises(SweepFileError) as info:
        load_sweep(path)
    issues = {i.field: i for i in info.value.issues}
    assert set(issues) == {"outcomes[0].metric", "outcomes[1].metric.trsut", "outcomes[2].at",
                           "outcomes[3].metric", "outcomes[4].name"}
    assert issues["outcomes[0].metric"].line == 6
    assert "did you mean 'mean_trust'" in issues["outcomes[0].metric"].hint
    assert "did you mean 'trust'" in issues["outcomes[1].metric.trsut"].hint
    assert "month" in issues["outcomes[2].at"].message and "YYYY-MM" in issues["outcomes[2].at"].hint
    assert "not one metric" in issues["outcomes[3].metric"].message
    assert "has no `metric`" in issues["outcomes[4].name"].message
    assert "did you mean 'polarisation'" in issues["outcomes[4].name"].hint
    # a metric's name alone is an outcome: `- polarisation`, `{name: mean_trust}`
    path.write_text(_sweep_text(root, None, ["polarisation", "{name: mean_trust, at: 2019-06}"])
                    + f"output: {tmp_path / 'out'}\n")
    folder = run_sweep(path, scheduler="serial", progress=False)
    import pandas as pd
    runs = pd.read_parquet(folder / "runs")
    assert (runs["status"] == "ok").all() and len(runs) == 2
    model = run_model(ETH, seed=int(runs["seed"].iloc[0]),
                      parameters={"lam": float(runs["lam"].iloc[0])})
    row = runs.iloc[0]
    want = outcomes_of(model, [{"name": "polarisation", "metric": "polarisation"},
                               {"name": "mean_trust", "metric": "mean_trust", "at": "2019-06"}])
    assert row["polarisation"] == want["polarisation"] and row["mean_trust"] == want["mean_trust"]


def test_a_sweep_does_not_resume_after_the_base_of_its_variant_file_changed(tmp_path):
    import shutil
    from pathlib import Path

    from sim.experiment import input_files
    from sim.sweep.errors import SweepStateError
    from sim.sweep.runner import run_sweep
    root = Path(__file__).resolve().parents[1]
    base = tmp_path / "eth.yaml"
    shutil.copy(root / ETH, base)
    ext = tmp_path / "what_if.yaml"
    ext.write_text("extends: eth.yaml\nvariants:\n  no_jeddah: {drop: [{kinds: [defence_agreement]}]}\n")
    assert input_files(ext) == [base.resolve(), ext]
    sweep = tmp_path / "s.yaml"
    sweep.write_text("scenario: what_if.yaml\nvariant: no_jeddah\n"
                     "parameters:\n  lam: {low: 0.9, high: 0.99}\n"
                     "design: {method: random, samples: 2, seed: 1}\noutcomes: [mean_trust]\n")
    run_sweep(sweep, scheduler="serial", progress=False)
    run_sweep(sweep, scheduler="serial", progress=False)          # unchanged: resumes (nothing to do)
    base.write_text(base.read_text() + "\n# edited\n")
    with pytest.raises(SweepStateError, match=r"what_if.yaml \(or a file it extends\) has changed"):
        run_sweep(sweep, scheduler="serial", progress=False)
