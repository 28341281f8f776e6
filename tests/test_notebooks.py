"""Run every notebook in notebooks/ top to bottom and check what it produces.

Each notebook is executed with nbclient in a fresh kernel ("python3", which
jupyter_client starts with the Python running this test, i.e. the venv's when
run as ``.venv/bin/python -m pytest``), from the repository root, with
``MPLBACKEND=Agg``. A cell that raises fails the test. After the last cell a
probe cell (not stored in the notebook) reports the figures still open and a
few values the notebook computed, and the test checks them:

* figures were drawn, and each has a title and labelled axes;
* the numbers the notebook's text relies on (tables, effects, signs) are there.

The variable names read by the probes (``effect``, ``fit``, ``mu_star``, ...)
are part of each notebook's contract with this test. Notebooks are stored
without outputs, which is checked too. See docs/notebooks.md.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = ROOT / "notebooks"
CELL_TIMEOUT_S = 240
TIME_LIMIT_S = 240   # the target is 2 minutes per notebook; 2x headroom for a loaded machine

# expressions evaluated in the kernel after the last cell, per notebook (JSON-serialisable)
PROBES = {
    "01_quickstart": {
        "effect_now": "float(effect.loc['XBL->XRA', 'change'])",
        "effect_end": "float(visit_effect.iloc[-1])",
        "instructor_actions": "int((log['origin'] == 'instructor').sum())",
        "final": "{k: float(v) for k, v in final.items()}",
        "matrix_shape": "list(res.final_trust().shape)",
    },
    "02_ukraine_case": {
        "fit_codes": "list(fit['iso3'])",
        "rho": "float(rho)",
        "seeds": "int(cmp_training.seeds)",
        "metrics": "sorted(cmp_training.difference['metric'].unique())",
        "out_of_sample": "list(out_of_sample['iso3'])",
        "training_total_change": "float(totals.loc[0, 'change (EUR bn)'])",
        "usa_change_without_intel": (
            "float(cmp_intel.support.set_index('iso3').loc['USA', 'difference_eur_bn'])"),
        "turning_points": "list(turning['label'])",
    },
    "03_ethiopia_eritrea": {
        "deterministic": "deterministic",
        "commission_effect_2020_06": "float(commission_effect.loc['2020-06'])",
        "commission_table_rows": "list(commission_table.index)",
        "closure_cost_2019_05": "float(closure_cost.loc['2019-05-31'])",
        "dropped_kinds": "sorted(dropped['kind'].unique())",
    },
    "04_sensitivity": {
        "total_runs": "int(design.total_runs)",
        "runs_ok": "int(result['runs_ok'])",
        "parquet_rows": "len(runs)",
        "duckdb_rows": "int(by_weight['runs'].sum())",
        "parameters": "list(mu_star.index)",
        "outcomes": "list(mu_star.columns)",
        "top_for_commission_outcome": "str(mu_star['blue_in_red_2034'].idxmax())",
        "commission_on_2032_outcome": (
            "float(mu_star.loc['joint_military_commission.forward', 'red_in_cyania_2032'])"),
        "temp_folder_removed": "not WORK.exists()",
    },
}

MIN_FIGURES = {"01_quickstart": 4, "02_ukraine_case": 7, "03_ethiopia_eritrea": 5,
               "04_sensitivity": 2}

PROBE_TEMPLATE = '''
import json as _json, sys as _sys
import matplotlib.pyplot as _plt

def _axes(ax):
    return {"title": ax.get_title(), "xlabel": ax.get_xlabel(), "ylabel": ax.get_ylabel(),
            "on": bool(ax.axison), "colorbar": ax.get_label() == "<colorbar>",
            "data": bool(ax.lines or ax.collections or ax.patches or ax.images)}

_figures = []
for _n in _plt.get_fignums():
    _f = _plt.figure(_n)
    _figures.append({"suptitle": _f._suptitle.get_text() if _f._suptitle else "",
                     "axes": [_axes(a) for a in _f.axes]})
_values = {__VALUES__}
print("PROBE" + _json.dumps({"executable": _sys.executable, "backend": _plt.get_backend(),
                             "figures": _figures, "values": _values}, default=str))
'''


def notebooks() -> list[str]:
    return sorted(p.stem for p in NOTEBOOK_DIR.glob("*.ipynb"))


def run_notebook(name: str) -> tuple[dict, float, nbformat.NotebookNode]:
    """Execute a notebook plus the probe cell; return the probe's report and the time taken."""
    nb = nbformat.read(NOTEBOOK_DIR / f"{name}.ipynb", as_version=4)
    values = ", ".join(f"{k!r}: {v}" for k, v in PROBES.get(name, {}).items())
    nb.cells.append(nbformat.v4.new_code_cell(PROBE_TEMPLATE.replace("__VALUES__", values)))
    client = nbclient.NotebookClient(nb, timeout=CELL_TIMEOUT_S, kernel_name="python3",
                                     resources={"metadata": {"path": str(ROOT)}})
    start = time.perf_counter()
    client.execute()
    elapsed = time.perf_counter() - start
    text = "".join(o.get("text", "") for o in nb.cells[-1].outputs if o.output_type == "stream")
    line = next(ln for ln in text.splitlines() if ln.startswith("PROBE"))
    return json.loads(line[len("PROBE"):]), elapsed, nb


def check_figures(name: str, report: dict) -> None:
    figures = report["figures"]
    assert len(figures) >= MIN_FIGURES.get(name, 1), (
        f"{name}: expected at least {MIN_FIGURES.get(name, 1)} figures, got {len(figures)}")
    for i, fig in enumerate(figures):
        axes = [a for a in fig["axes"] if a["on"] and not a["colorbar"] and a["data"]]
        assert axes, f"{name}: figure {i} has no axes with data"
        assert fig["suptitle"] or any(a["title"] for a in axes), f"{name}: figure {i} has no title"
        for a in axes:
            assert a["ylabel"], f"{name}: figure {i}, axes '{a['title']}' has no y-axis label"
        assert any(a["xlabel"] for a in axes), f"{name}: figure {i} has no x-axis label"


def check_values(name: str, v: dict) -> None:
    if name == "01_quickstart":
        assert v["matrix_shape"] == [7, 7]
        assert v["instructor_actions"] == 1
        assert v["effect_now"] > 0, "a visit must raise the recipient's trust in the visitor"
        assert 0 < v["effect_end"] < v["effect_now"], "the visit's effect should persist and fade"
        assert v["final"]["no_commission (variant)"] < v["final"]["baseline"]
    elif name == "02_ukraine_case":
        assert v["fit_codes"] == ["USA", "DEU", "GBR", "NOR", "DNK", "POL"]
        assert v["rho"] > 0.5, "expectation figure3-ranking"
        assert v["seeds"] >= 4
        assert len(v["metrics"]) == 5
        oos = set(v["out_of_sample"])
        assert {"JPN", "TUR", "HUN", "LTU", "FRA"} <= oos
        assert not oos & {"USA", "DEU", "GBR", "NOR", "DNK", "POL"}
        assert v["training_total_change"] < 0, "groundwork: less support without training"
        assert v["usa_change_without_intel"] < 0, "expectation intelligence-groundwork"
        assert "full-scale invasion" in v["turning_points"]
    elif name == "03_ethiopia_eritrea":
        assert v["deterministic"] is True
        assert v["commission_effect_2020_06"] > 0, "expectation commission-sustains-trust"
        assert v["commission_table_rows"] == ["2018-08", "2019-06", "2020-06", "2020-10",
                                              "2021-12", "2023-12"]
        assert v["closure_cost_2019_05"] > 0, "expectation closure-costs-trust"
        assert "joint_military_commission" in v["dropped_kinds"]
    elif name == "04_sensitivity":
        assert v["total_runs"] == v["runs_ok"] == v["parquet_rows"] == v["duckdb_rows"] == 36
        assert v["parameters"] == ["lam", "neg_memory", "observer_weight", "cost_scale_gdp",
                                   "joint_military_commission.forward"]
        assert v["outcomes"] == ["blue_in_red_2034", "red_in_cyania_2032",
                                 "blue_in_azuria_2034", "polarisation_2034"]
        assert v["top_for_commission_outcome"] == "joint_military_commission.forward"
        # the commission first meets in 2033: it cannot affect an outcome dated July 2032
        assert v["commission_on_2032_outcome"] == 0.0
        assert v["temp_folder_removed"]


def test_notebooks_present():
    assert set(notebooks()) >= set(PROBES), "a notebook named in PROBES is missing"


@pytest.mark.parametrize("name", notebooks())
def test_notebook_stored_without_outputs(name):
    nb = nbformat.read(NOTEBOOK_DIR / f"{name}.ipynb", as_version=4)
    nbformat.validate(nb)
    dirty = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"
             and (c.get("outputs") or c.get("execution_count") is not None)]
    assert not dirty, (f"{name}: cells {dirty} have stored outputs; strip them "
                       "(see docs/notebooks.md)")


@pytest.mark.slow
@pytest.mark.parametrize("name", notebooks())
def test_notebook_runs(name, monkeypatch, record_property):
    monkeypatch.setenv("MPLBACKEND", "Agg")
    report, elapsed, _ = run_notebook(name)
    record_property("seconds", round(elapsed, 1))
    print(f"{name}: {elapsed:.1f} s")
    assert Path(report["executable"]).resolve() == Path(sys.executable).resolve(), (
        f"the kernel ran {report['executable']}, not this Python ({sys.executable}); "
        "a 'python3' kernelspec elsewhere takes precedence")
    assert report["backend"].lower() == "agg"
    check_figures(name, report)
    check_values(name, report["values"])
    assert elapsed < TIME_LIMIT_S, f"{name} took {elapsed:.0f} s (target: under 120 s)"
