"""Bad scenario input: every message names the file, the line and the field, with a fix."""

import subprocess
import sys

import pytest
from helpers import SCENARIO_HEAD

from sim.scenario.errors import ScenarioError
from sim.scenario.loader import load_scenario


def _errors(tmp_path, text):
    p = tmp_path / "bad.yaml"
    p.write_text(text)
    with pytest.raises(ScenarioError) as info:
        load_scenario(p)
    return info.value.issues


def _line_of(text, needle):
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def test_unknown_country_code_suggests_the_closest(tmp_path):
    text = SCENARIO_HEAD + "  - {iso3: UKY, gdp_eur_bn: 1, capability: 0.1}\n"
    issues = _errors(tmp_path, text)
    i = next(i for i in issues if "UKY" in i.message)
    assert i.line == _line_of(text, "UKY") and i.field == "states[3].iso3"
    assert "UKR" in i.hint or "UZB" in i.hint or "did you mean" in i.hint


def test_country_name_instead_of_code_suggests_the_code(tmp_path):
    text = SCENARIO_HEAD + "  - {iso3: Germany, gdp_eur_bn: 1, capability: 0.1}\n"
    issues = _errors(tmp_path, text)
    assert any("DEU" in i.hint for i in issues)


def test_unknown_action_kind_lists_the_catalogue(tmp_path):
    text = SCENARIO_HEAD + ("events:\n"
                            "  - {date: 2020-03, kind: joint_exercize, participants: [UKR, POL],"
                            " source: t}\n")
    (i,) = _errors(tmp_path, text)
    assert i.line == _line_of(text, "joint_exercize") and i.field == "events[0].kind"
    assert "joint_exercise" in i.hint and "military_aid" in i.hint


def test_date_out_of_range(tmp_path):
    text = SCENARIO_HEAD + ("events:\n"
                            "  - {date: 2021-03-01, kind: high_level_visit, actor: POL,"
                            " recipient: UKR, source: t}\n")
    (i,) = _errors(tmp_path, text)
    assert i.field == "events[0].date" and i.line == _line_of(text, "2021-03-01")
    assert "outside the calendar" in i.message


def test_actor_not_a_state(tmp_path):
    text = SCENARIO_HEAD + ("events:\n"
                            "  - date: 2020-03-01\n"
                            "    kind: military_aid\n"
                            "    actor: USA\n"
                            "    recipient: UKR\n"
                            "    source: t\n")
    (i,) = _errors(tmp_path, text)
    assert i.field == "events[0].actor" and i.line == _line_of(text, "actor: USA")
    assert "not a state of this scenario" in i.message


def test_negative_amount(tmp_path):
    text = SCENARIO_HEAD + ("events:\n"
                            "  - date: 2020-03-01\n"
                            "    kind: military_aid\n"
                            "    actor: POL\n"
                            "    recipient: UKR\n"
                            "    magnitude: -3\n"
                            "    source: t\n")
    (i,) = _errors(tmp_path, text)
    assert i.field == "events[0].magnitude" and i.line == _line_of(text, "magnitude: -3")
    assert "negative" in i.message and "never negative" in i.hint


def test_unknown_variant_in_expectation_and_default(tmp_path):
    text = SCENARIO_HEAD + ("variants:\n  base: {}\n"
                            "default_variant: basee\n"
                            "expectations:\n"
                            "  - {id: x, metric: {trust: [UKR, RUS]}, above_variant: nope}\n")
    issues = _errors(tmp_path, text)
    fields = {i.field for i in issues}
    assert "default_variant" in fields and "expectations[0].above_variant" in fields
    assert all(i.line for i in issues)


def test_unknown_variant_at_run_time(tmp_path):
    from sim.model import DefenceDiplomacyModel
    p = tmp_path / "ok.yaml"
    p.write_text(SCENARIO_HEAD + "variants:\n  baseline: {}\n")
    with pytest.raises(ScenarioError) as info:
        DefenceDiplomacyModel(p, variant="baselin")
    assert "did you mean 'baseline'" in str(info.value)


def test_errors_are_collected_not_stopped_at_the_first(tmp_path):
    text = SCENARIO_HEAD + ("events:\n"
                            "  - {date: 2020-03, kind: visit, actor: POL, recipient: UKR, source: t}\n"
                            "  - {date: 2020-04, kind: high_level_visit, actor: XYZ, recipient: UKR,"
                            " source: t}\n"
                            "  - {date: 2020-05, kind: military_aid, actor: POL, recipient: UKR,"
                            " magnitude: -1, source: t}\n")
    # shape errors (negative) are reported first; fix them and the rest appear together
    issues = _errors(tmp_path, text)
    assert len(issues) >= 1
    text2 = text.replace("magnitude: -1", "magnitude: 1")
    issues2 = _errors(tmp_path, text2)
    assert {i.field for i in issues2} >= {"events[0].kind", "events[1].actor"}


def test_unknown_field_suggests_the_right_name(tmp_path):
    text = SCENARIO_HEAD.replace("gdp_eur_bn: 150", "gdp_eur: 150")
    issues = _errors(tmp_path, text)
    assert any(i.field == "states[0].gdp_eur" and "gdp_eur_bn" in i.hint for i in issues)


def test_unknown_parameter_suggests_the_closest(tmp_path):
    text = SCENARIO_HEAD + "parameters: {lamda: 0.9, military_aid.forwrd: 1}\n"
    issues = _errors(tmp_path, text)
    hints = " ".join(i.hint for i in issues)
    assert "lam" in hints and "military_aid.forward" in hints


def test_yaml_syntax_error_has_a_line(tmp_path):
    text = SCENARIO_HEAD + "events:\n  - {date: 2020-03, kind: [unclosed\n"
    (i,) = _errors(tmp_path, text)
    assert i.line is not None and "YAML" in i.message


@pytest.mark.parametrize("slip, hint", [
    ("events:\n\t- {date: 2020-03, kind: high_level_visit}\n", "not tabs"),
    ("calendar: {start: 2020-01}\n", "appear once"),
])
def test_yaml_slips_get_their_own_fix(tmp_path, slip, hint):
    text = SCENARIO_HEAD + slip
    (i,) = _errors(tmp_path, text)
    assert i.line == len(text.splitlines())                 # the slip's own line, the last
    assert i.message.startswith("YAML syntax") and hint in i.hint


def test_yaml_cannot_run_code(tmp_path):
    marker = tmp_path / "pwned"
    text = SCENARIO_HEAD + (f"extra: !!python/object/apply:os.system ['touch {marker}']\n")
    issues = _errors(tmp_path, text)
    assert not marker.exists()
    assert issues


def test_missing_file():
    with pytest.raises(ScenarioError) as info:
        load_scenario("no/such/file.yaml")
    assert "not found" in str(info.value)


def test_cli_check_exits_2_with_line_and_field_and_no_traceback(tmp_path):
    text = SCENARIO_HEAD + ("events:\n"
                            "  - {date: 2020-03, kind: joint_exercize, participants: [UKR, POL],"
                            " source: t}\n")
    p = tmp_path / "broken.yaml"
    p.write_text(text)
    proc = subprocess.run([sys.executable, "-m", "sim.cli", "check", str(p)],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    out = proc.stdout + proc.stderr
    assert f"broken.yaml:{_line_of(text, 'joint_exercize')}" in out
    assert "events[0].kind" in out and "Traceback" not in out


def test_cli_run_bad_variant_exits_2(tmp_path):
    p = tmp_path / "ok.yaml"
    p.write_text(SCENARIO_HEAD)
    proc = subprocess.run([sys.executable, "-m", "sim.cli", "run", str(p), "-v", "nope",
                           "--out", str(tmp_path / "o")], capture_output=True, text=True)
    assert proc.returncode == 2 and "unknown variant" in proc.stderr + proc.stdout
    assert "Traceback" not in proc.stderr


def test_bad_model_arguments_name_the_argument_and_the_fix():
    from sim.model import DefenceDiplomacyModel
    with pytest.raises(ScenarioError) as info:
        DefenceDiplomacyModel(lamda=0.9, lam=5, **{"military_aid.forwrd": 1})
    issues = {i.field: i for i in info.value.issues}                  # collected, not the first
    assert set(issues) == {"lamda", "lam", "military_aid.forwrd"}
    assert all("(model arguments)" in i.file for i in issues.values())
    assert "'lam'" in issues["lamda"].hint and "got 5" in issues["lam"].message
    assert "military_aid.forward" in issues["military_aid.forwrd"].hint
    assert "Traceback" not in str(info.value) and "pydantic.dev" not in str(info.value)


def test_steps_must_be_a_count_and_past_the_calendar_is_a_warning():
    import numpy as np

    from sim.model import DefenceDiplomacyModel
    for bad in (-1, 2.5, "12"):
        with pytest.raises(ScenarioError) as info:
            DefenceDiplomacyModel(steps=bad)
        (issue,) = info.value.issues
        assert issue.field == "steps" and repr(bad) in issue.message and "give 0 to" in issue.hint
    m = DefenceDiplomacyModel(steps=np.int64(10_000))
    assert m.n_steps == m.calendar.n_steps
    assert any("past the end of the calendar" in w for w in m.warnings)
    assert not any("past the end" in w for w in DefenceDiplomacyModel(steps=3).warnings)


def test_cli_run_refuses_a_step_count_below_one(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "sim.cli", "run", "--steps", "0",
                           "--out", str(tmp_path / "o")], capture_output=True, text=True)
    assert proc.returncode == 2 and "--steps" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "o").exists()


def _cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "sim.cli", *args], capture_output=True,
                          text=True, cwd=cwd)


def test_cli_run_refuses_an_output_folder_it_cannot_write_before_running(tmp_path):
    taken = tmp_path / "a_file"
    taken.write_text("not a folder")
    proc = _cli("run", "--out", str(taken))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "--out" in proc.stderr and "choose another folder" in proc.stderr
    assert "simulating" not in proc.stderr and "Wrote" not in proc.stdout


def test_cli_schema_to_a_missing_folder_exits_2_without_traceback(tmp_path):
    proc = _cli("schema", "--out", str(tmp_path / "no" / "such" / "schema.json"))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "--out" in proc.stderr and "cannot write the schema" in proc.stderr


def test_a_folder_given_as_a_scenario_or_sweep_file_says_so(tmp_path):
    for args in (("check", str(tmp_path)), ("run", str(tmp_path)), ("sweep", str(tmp_path))):
        proc = _cli(*args)
        out = proc.stdout + proc.stderr
        assert proc.returncode == 2 and "is a folder" in out and "Traceback" not in out, args


def test_cli_list_actions_unknown_kind_suggests_or_lists():
    near = _cli("list-actions", "joint_exercize")
    assert near.returncode == 2 and "did you mean 'joint_exercise'" in near.stderr
    far = _cli("list-actions", "zzzz")
    assert far.returncode == 2 and "None" not in far.stderr and "military_aid" in far.stderr


def test_a_negative_seed_is_refused_with_its_fix():
    from sim.model import DefenceDiplomacyModel
    with pytest.raises(ScenarioError) as info:
        DefenceDiplomacyModel(rng=-1)
    (issue,) = info.value.issues
    assert issue.field == "rng" and "0 or more" in issue.message
    proc = _cli("run", "--seed", "-5")
    assert proc.returncode == 2 and "--seed" in proc.stderr and "Traceback" not in proc.stderr


DROP_BASE = SCENARIO_HEAD + """\
events:
  - {id: visit1, date: 2020-03, kind: high_level_visit, actor: POL, recipient: UKR, source: t,
     tags: [diplomacy]}
recurring:
  - {id: drill, every: year, from: 2020-03, until: 2020-12, kind: joint_exercise,
     participants: [POL, UKR], source: t}
"""


def test_a_drop_filter_naming_no_event_is_an_error_with_the_closest_name(tmp_path):
    text = DROP_BASE + ("variants:\n"
                        "  typo:\n"
                        "    drop:\n"
                        "      - {ids: [visit1, vist2]}\n"           # one good, one misspelt
                        "      - {tags: [diplomcy]}\n"
                        "      - {kinds: [joint_exercise], actors: [RUS]}\n")  # matches nothing
    issues = {i.field: i for i in _errors(tmp_path, text)}
    assert set(issues) == {"variants.typo.drop[0].ids[1]", "variants.typo.drop[1].tags[0]",
                           "variants.typo.drop[2]"}
    assert "did you mean 'visit1'" in issues["variants.typo.drop[0].ids[1]"].hint
    assert "did you mean 'diplomacy'" in issues["variants.typo.drop[1].tags[0]"].hint
    assert "drops nothing" in issues["variants.typo.drop[2]"].message
    assert issues["variants.typo.drop[0].ids[1]"].line == _line_of(text, "vist2")


def test_drop_by_template_or_occurrence_id_is_accepted_and_drops(tmp_path):
    from sim.scenario.compile import resolve_events
    p = tmp_path / "ok.yaml"
    p.write_text(DROP_BASE + "variants:\n  a: {drop: [{ids: [drill]}]}\n"
                 "  b: {drop: [{ids: [drill-2020]}, {tags: [diplomacy]}]}\n")
    sc = load_scenario(p).scenario
    assert len(resolve_events(sc, None)) == 2
    assert [e.event.id for e in resolve_events(sc, "a")] == ["visit1"]
    assert resolve_events(sc, "b") == []


def test_variant_file_extends_a_base_and_is_checked_against_its_events(tmp_path):
    from sim.model import DefenceDiplomacyModel
    (tmp_path / "base.yaml").write_text(DROP_BASE + "variants:\n  baseline: {}\n")
    ext = tmp_path / "whatif.yaml"
    ext.write_text("extends: base.yaml\n"
                   "variants:\n"
                   "  no_visit: {drop: [{ids: [visit1]}]}\n")
    loaded = load_scenario(ext)
    assert set(loaded.variants) == {"baseline", "no_visit"}
    runs = {v: DefenceDiplomacyModel(loaded, variant=v, rng=0).run() for v in loaded.variants}
    assert len(runs["no_visit"].log) < len(runs["baseline"].log)
    text = ("extends: base.yaml\n"
            "variants:\n"
            "  baseline: {}\n"                                        # clashes with the base
            "  no_visit: {drop: [{ids: [visit]}]}\n")
    ext.write_text(text)
    with pytest.raises(ScenarioError) as info:
        load_scenario(ext)
    issues = {i.field: i for i in info.value.issues}
    assert "already defined in base.yaml" in issues["variants.baseline"].message
    assert issues["variants.baseline"].file.endswith("whatif.yaml")
    text = "extends: base.yaml\nvariants:\n  no_visit: {drop: [{ids: [visit]}]}\n"
    ext.write_text(text)
    with pytest.raises(ScenarioError) as info:
        load_scenario(ext)
    (issue,) = info.value.issues                      # the base's ids, the variant file's line
    assert issue.file.endswith("whatif.yaml") and issue.line == 3
    assert issue.field == "variants.no_visit.drop[0].ids[0]" and "'visit1'" in issue.hint


def test_a_support_expectation_needs_a_support_block(tmp_path):
    text = SCENARIO_HEAD + ("expectations:\n"
                            "  - {id: e, metric: {support: POL}, at: 2020-06, above: 1}\n")
    (issue,) = _errors(tmp_path, text)
    assert issue.field == "expectations[0].metric.support" and "support:" in issue.hint
    ok = text.replace("expectations:", "support: {recipient: UKR, from: 2020-01, until: 2020-12,"
                                       " kinds: [military_aid]}\nexpectations:")
    p = tmp_path / "ok.yaml"
    p.write_text(ok)
    assert load_scenario(p).scenario.support.recipient == "UKR"
