"""Design points and seeds: counts per method, bounds, determinism."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.sweep.design import build_design, run_id_of, run_seed
from sim.sweep.spec import sweep_from_dict


def _spec(tmp_path, parameters, design, replicates=1):
    (tmp_path / "scenario.yaml").write_text("x: 1\n")
    return sweep_from_dict({"scenario": "scenario.yaml", "parameters": parameters, "design": design,
                            "replicates": replicates, "outcomes": ["y"]},
                           base_dir=tmp_path, known_parameters=None, validate_outcomes=None)


PARAMS = {"a": {"low": 1, "high": 2}, "x": {"low": 0.01, "high": 1, "log": True},
          "n": {"low": 1, "high": 3, "integer": True}, "policy": {"values": ["p1", "p2"]}, "fixed": 7}


def test_grid_is_the_full_product(tmp_path):
    d = build_design(_spec(tmp_path, PARAMS, {"method": "grid", "levels": 3}))
    # a: 3 levels, x: 3 log levels, n: {1, 2, 3}, policy: 2 -> 54 points
    assert d.n_points == 3 * 3 * 3 * 2
    assert sorted(set(d.table["x"].round(6))) == [0.01, 0.1, 1.0]
    assert set(d.table["n"]) == {1, 2, 3} and set(d.table["policy"]) == {"p1", "p2"}
    assert (d.table["fixed"] == 7).all()
    assert d.table.drop(columns="point_id").drop_duplicates().shape[0] == d.n_points


def test_sample_counts_per_method(tmp_path):
    varied = 4
    counts = {
        ("random", None): 20, ("lhs", None): 20,
        ("sobol", False): 16 * (varied + 2), ("sobol", True): 16 * (2 * varied + 2),
        ("morris", None): 5 * (varied + 1),
    }
    for (method, second), expected in counts.items():
        design = {"method": method, "samples": 16 if method == "sobol" else (5 if method == "morris" else 20)}
        if second is not None:
            design["second_order"] = second
        d = build_design(_spec(tmp_path, PARAMS, design))
        assert d.n_points == expected, method
        assert d.sample_matrix().shape == (expected, varied)
        assert d.problem["names"] == ["a", "x", "n", "policy"]


def test_design_is_deterministic_given_the_seed(tmp_path):
    one = build_design(_spec(tmp_path, PARAMS, {"method": "lhs", "samples": 30, "seed": 5})).table
    two = build_design(_spec(tmp_path, PARAMS, {"method": "lhs", "samples": 30, "seed": 5})).table
    other = build_design(_spec(tmp_path, PARAMS, {"method": "lhs", "samples": 30, "seed": 6})).table
    assert one.equals(two)
    assert not one.equals(other)


@settings(max_examples=25, deadline=None)
@given(low=st.floats(-1e3, 1e3), width=st.floats(1e-3, 1e3), method=st.sampled_from(["random", "lhs", "sobol"]),
       seed=st.integers(0, 2**31))
def test_values_stay_within_bounds(tmp_path_factory, low, width, method, seed):
    tmp = tmp_path_factory.mktemp("d")
    params = {"u": {"low": low, "high": low + width}, "k": {"low": -2, "high": 2, "integer": True},
              "c": {"values": [True, False]}}
    d = build_design(_spec(tmp, params, {"method": method, "samples": 8, "seed": seed}))
    assert d.table["u"].between(low, low + width).all()
    assert d.table["k"].between(-2, 2).all() and d.table["k"].dtype.kind == "i"
    assert set(d.table["c"]) <= {True, False}


def test_run_seeds_are_deterministic_distinct_and_fit_int64():
    seeds = {run_seed(0, p, r) for p in range(200) for r in range(5)}
    assert len(seeds) == 1000
    assert run_seed(3, 10, 2) == run_seed(3, 10, 2) != run_seed(4, 10, 2)
    assert all(0 <= s < 2**63 for s in seeds)
    assert run_id_of(7, 2, 5) == 37


def test_parameters_of_returns_plain_python(tmp_path):
    d = build_design(_spec(tmp_path, PARAMS, {"method": "random", "samples": 3}))
    params = d.parameters_of(1)
    assert set(params) == {"a", "x", "n", "policy", "fixed"}
    assert all(type(v) in (int, float, str, bool) for v in params.values())
    assert not any(isinstance(v, np.generic) for v in params.values())
