"""The sweep file shipped for analysts stays valid against the real model."""

from pathlib import Path

from sim.sweep import build_design, load_sweep

ROOT = Path(__file__).resolve().parents[1]


def test_shipped_morris_sweep_is_valid_and_sized_as_documented():
    spec = load_sweep(ROOT / "scenarios" / "sweeps" / "ukraine_support_morris.yaml")
    design = build_design(spec)
    assert spec.design.method == "morris"
    assert design.n_points * spec.replicates == 48
