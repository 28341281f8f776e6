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
