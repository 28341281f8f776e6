"""The engine benchmark measures what it says (its figures are not asserted: see docs/performance.md)."""

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from bench_engine import _CollectOnly, synthetic_scenario, time_fixed_costs

from sim.model import DefenceDiplomacyModel


def test_fixed_cost_run_collects_every_step_and_does_no_model_math():
    loaded = synthetic_scenario(6, 12)
    start = DefenceDiplomacyModel(loaded, rng=0).trust
    m = _CollectOnly(loaded, rng=0)
    m.run()
    assert m.steps == m.n_steps
    assert len(m.datacollector.get_model_vars_dataframe()) == m.n_steps + 1   # initial + each step
    assert np.array_equal(m.trust, start) and len(m.log) == 0                # no events, no decisions
    build, collect = time_fixed_costs(6, 12, repeat=1)
    assert build > 0 and collect > 0
