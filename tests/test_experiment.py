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
