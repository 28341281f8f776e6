"""Sweep files: valid files load into typed objects; bad ones are rejected with
every problem named by file, line, field, what is wrong and how to fix it."""

from __future__ import annotations

import pytest

from sim.sweep.cli import sweep_command
from sim.sweep.errors import SweepFileError
from sim.sweep.spec import load_sweep, sweep_from_dict

from .conftest import TOY, TOY_KNOWN, TOY_OUTCOMES

GOOD = """
# a comment
scenario: scenario.yaml
variant: calm
parameters:
  a: {low: 1, high: 2}
  x: {low: 0.01, high: 1, log: true, unit: km}
  policy: {values: [reciprocal, balancing]}
  noise: 0.2
design: {method: lhs, samples: 10, seed: 4}
replicates: 3
outcomes:
  - y
  - {name: y2, unit: "y units", window: [2020, 2022]}
"""


def _load(path, **kw):
    kw.setdefault("known_parameters", TOY_KNOWN)
    kw.setdefault("validate_outcomes", TOY_OUTCOMES)
    return load_sweep(path, **kw)


def test_good_file_loads_into_typed_objects(write_sweep, tmp_path):
    spec = _load(write_sweep(GOOD))
    assert spec.design.method == "lhs" and spec.design.samples == 10 and spec.design.seed == 4
    assert spec.replicates == 3 and spec.variant == "calm"
    assert [p.name for p in spec.varied] == ["a", "x", "policy"]
    assert spec.parameters["x"].log and spec.parameters["x"].kind == "range"
    assert spec.parameters["policy"].kind == "values" and spec.parameters["policy"].value_type == "str"
    assert spec.parameters["noise"].kind == "fixed" and spec.parameters["noise"].value == 0.2
    # outcome specs pass through to the model untouched
    assert spec.outcome_dicts() == [{"name": "y"}, {"name": "y2", "unit": "y units", "window": [2020, 2022]}]
    assert spec.output_path == (tmp_path / "sweep_results").resolve()
    assert spec.scenario_path == (tmp_path / "scenario.yaml").resolve()
    assert len(spec.sha256) == 64 and spec.text.startswith("# a comment")


def _issues(write_sweep, text, **kw):
    path = write_sweep(text)
    with pytest.raises(SweepFileError) as info:
        _load(path, **kw)
    return path, info.value


BAD_CASES = {
    "unknown method": (
        """
        scenario: scenario.yaml
        parameters: {x: {low: 0, high: 1}}
        design:
          method: lhd
          samples: 10
        outcomes: [y]
        """,
        4, "design.method", "unknown design method 'lhd'", "grid, random, lhs, sobol, morris"),
    "low >= high": (
        """
        scenario: scenario.yaml
        parameters:
          a: {low: 1, high: 2}
          x: {low: 0.9, high: 0.1}
        design: {method: lhs, samples: 10}
        outcomes: [y]
        """,
        4, "parameters.x.low", "low (0.9) must be less than high (0.1)", "swap"),
    "missing scenario": (
        """
        parameters: {x: {low: 0, high: 1}}
        design: {method: lhs, samples: 10}
        outcomes: [y]
        """,
        1, "scenario", "required field is missing", "scenario: path/to/scenario.yaml"),
    "bad YAML type": (
        """
        scenario: scenario.yaml
        parameters: {x: {low: 0, high: 1}}
        design: {method: lhs, samples: 10}
        replicates: three
        outcomes: [y]
        """,
        4, "replicates", "valid integer, got 'three'", "replicates: 5"),
    "parameters not a mapping": (
        """
        scenario: scenario.yaml
        parameters:
          - x
        design: {method: grid}
        outcomes: [y]
        """,
        2, "parameters", "expected a mapping", "write a mapping"),
    "unknown parameter": (
        """
        scenario: scenario.yaml
        parameters:
          x: {low: 0, high: 1}
          nosie: {low: 0, high: 1}
        design: {method: lhs, samples: 10}
        outcomes: [y]
        """,
        4, "parameters.nosie", "unknown parameter 'nosie'", "did you mean 'noise'"),
    "outside the model's range": (
        """
        scenario: scenario.yaml
        parameters:
          x: {low: -9, high: 1}
        design: {method: lhs, samples: 10}
        outcomes: [y]
        """,
        3, "parameters.x.low", "outside the model's allowed range [-5, 5]", "within"),
    "unknown outcome": (
        """
        scenario: scenario.yaml
        parameters: {x: {low: 0, high: 1}}
        design: {method: lhs, samples: 10}
        outcomes:
          - y
          - name: mean_trsut
        """,
        6, "outcomes[1]", "unknown outcome 'mean_trsut'", ""),
    "sobol samples not a power of 2": (
        """
        scenario: scenario.yaml
        parameters: {x: {low: 0, high: 1}, a: {low: 1, high: 2}}
        design:
          method: sobol
          samples: 100
        outcomes: [y]
        """,
        5, "design.samples", "power of 2, got 100", "use 64 or 128"),
    "scenario file not found": (
        """
        scenario: nope.yaml
        parameters: {x: {low: 0, high: 1}}
        design: {method: lhs, samples: 10}
        outcomes: [y]
        """,
        1, "scenario", "scenario file not found", "relative to the sweep file"),
    "unknown key with suggestion": (
        """
        scenario: scenario.yaml
        parameters: {x: {low: 0, hihg: 1}}
        design: {method: lhs, samples: 10}
        outcomes: [y]
        """,
        2, "parameters.x.hihg", "unknown key 'hihg'", "did you mean 'high'"),
    "YAML syntax error": (
        """
        scenario: scenario.yaml
        parameters: {x: {low: 0, high: 1}
        design: {method: lhs, samples: 10}
        outcomes: [y]
        """,
        None, "", "YAML syntax", "check indentation"),
    "tab indentation": (
        """
        scenario: scenario.yaml
        parameters:
        \tx: {low: 0, high: 1}
        design: {method: lhs, samples: 10}
        outcomes: [y]
        """,
        3, "", "YAML syntax", "not tabs"),
    "code-running tag refused": (
        """
        scenario: scenario.yaml
        parameters: {x: {low: 0, high: 1}}
        design: !!python/object/apply:os.system ["echo pwned"]
        outcomes: [y]
        """,
        3, "design", "YAML tag '!!python/object/apply:os.system' is not allowed", "remove the tag"),
    "grid with samples": (
        """
        scenario: scenario.yaml
        parameters: {x: {low: 0, high: 1}}
        design: {method: grid, samples: 10}
        outcomes: [y]
        """,
        3, "design.samples", "grid designs do not use samples", "levels"),
}


@pytest.mark.parametrize("case", list(BAD_CASES), ids=list(BAD_CASES))
def test_bad_file_names_line_field_problem_and_fix(write_sweep, case):
    text, line, field, message, hint = BAD_CASES[case]
    path, err = _issues(write_sweep, text)
    matching = [i for i in err.issues if message in i.message]
    assert matching, f"no issue contains {message!r}: {err}"
    issue = matching[0]
    assert issue.file == str(path)
    assert issue.field == field
    if line is not None:
        assert issue.line == line, str(issue)
    else:
        assert issue.line is not None and issue.line >= 2
    assert hint in issue.hint
    # the readable form names file, line, field, problem and fix
    text_form = str(err)
    assert str(path) in text_form and message in text_form and "fix:" in text_form


def test_all_problems_reported_at_once(write_sweep):
    _, err = _issues(write_sweep, """
        parameters:
          x: {low: 2, high: 1}
          nosie: 3
        design: {method: lhd, samples: 10}
        replicates: 0
        outcomes: [y]
        """)
    fields = {i.field for i in err.issues}
    assert {"scenario", "parameters.x.low", "parameters.nosie", "design.method", "replicates"} <= fields
    assert str(err).startswith(f"{err.file}: {len(err.issues)} problems")


def test_missing_hooks_mean_no_parameter_check(write_sweep):
    path = write_sweep("""
        scenario: scenario.yaml
        parameters: {anything_goes: {low: 0, high: 1}}
        design: {method: lhs, samples: 4}
        outcomes: [whatever]
        """)
    spec = load_sweep(path, known_parameters="no.such.module:known_parameters",
                      validate_outcomes="no.such.module:validate_outcomes")
    assert spec.parameters["anything_goes"].high == 1


def test_missing_file_is_an_issue_not_a_traceback(tmp_path):
    with pytest.raises(SweepFileError) as info:
        load_sweep(tmp_path / "absent.yaml")
    assert "sweep file not found" in str(info.value)


def test_sweep_from_dict(tmp_path):
    (tmp_path / "scenario.yaml").write_text("x: 1\n")
    spec = sweep_from_dict({"scenario": "scenario.yaml", "parameters": {"x": {"low": 0, "high": 1}},
                            "design": {"method": "random", "samples": 3}, "outcomes": ["y"]},
                           base_dir=tmp_path, name="quick", known_parameters=TOY_KNOWN,
                           validate_outcomes=TOY_OUTCOMES)
    assert spec.output_path == (tmp_path / "quick_results").resolve()
    assert "scenario: scenario.yaml" in spec.text


def test_cli_prints_issues_and_exits_2(write_sweep, capsys):
    path = write_sweep("""
        scenario: scenario.yaml
        parameters: {x: {low: 1, high: 0}}
        design: {method: sobol, samples: 8}
        outcomes: [y]
        """)
    code = sweep_command(path, evaluate=TOY, known_parameters=TOY_KNOWN, validate_outcomes=TOY_OUTCOMES)
    captured = capsys.readouterr()
    assert code == 2
    assert "Traceback" not in captured.err + captured.out
    assert "line 2" in captured.err and "parameters.x.low" in captured.err and "fix:" in captured.err
