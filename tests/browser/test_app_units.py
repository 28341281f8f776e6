"""Fast checks of the dashboard's Python parts (no browser, no server).

The page itself is tested in ``test_dashboard.py``; these pin down what it relies on:
the session model, reading the event log incrementally, the date box, instructor
actions, downloads and the ``ddsim app`` command's checks.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from pathlib import Path

import numpy as np
import pytest
from dashboard_helpers import ETHIOPIA, SCENARIOS

from sim.app import state
from sim.app.cli import app_command
from sim.app.components.clock import parse_month, run_to
from sim.app.components.export import run_zip
from sim.app.components.instructor import Request, apply
from sim.app.eventfeed import EventFeed

CLASSROOM = SCENARIOS / "classroom_rivals.yaml"


@pytest.fixture
def model() -> state.SessionModel:
    return state.build_model(CLASSROOM, seed=1)


def test_scenario_list_is_the_folder(tmp_path):
    (tmp_path / "b.yaml").write_text("x")
    (tmp_path / "a.yml").write_text("x")
    (tmp_path / "notes.txt").write_text("x")
    assert [p.name for p in state.list_scenarios(tmp_path)] == ["a.yml", "b.yaml"]
    assert state.list_scenarios(tmp_path / "missing") == []


def test_initial_model_skips_broken_files(tmp_path):
    (tmp_path / "aaa.yaml").write_text("meta: [broken\n")
    (tmp_path / ETHIOPIA.name).write_bytes(ETHIOPIA.read_bytes())
    start = state.initial_model(state.list_scenarios(tmp_path))
    assert start.model.loaded.path.name == ETHIOPIA.name
    assert any("aaa.yaml could not be loaded" in m for m in start.messages)
    empty = state.initial_model([])
    assert empty.model.codes and "built-in demo" in empty.messages[0]


def test_unchanged_sliders_are_not_overrides(model):
    base = state.effective_parameters(model.loaded, "no_commission")
    same = state.build_model(model.loaded, variant="no_commission", seed=1, **base)
    assert same.overrides == {}
    changed = state.build_model(model.loaded, variant="no_commission", seed=1, **{**base, "lam": 0.9})
    assert changed.overrides == {"lam": 0.9}
    assert changed.params.lam == pytest.approx(0.9)


def test_mesa_reset_keeps_the_scenario(model):
    """Mesa's Reset passes its own Scenario object as `scenario`; the file comes from `scenario_file`."""
    from mesa.experimental.scenarios import Scenario

    params = state.viz_params(model)
    kwargs = {k: (v["value"] if isinstance(v, dict) else v) for k, v in params.items()}
    again = type(model)(**kwargs, scenario=Scenario(rng=None))
    assert again.codes == model.codes and again.variant == model.variant and again.seed == model.seed


def test_steps_are_counted_and_stop_at_the_end(model):
    v = model.version
    model.step()
    assert model.version == v + 1
    model.run_until(dt.date(2040, 1, 1))
    assert model.steps == model.n_steps and not model.running
    model.step()  # past the end: nothing happens
    assert model.shown_step == model.n_steps


def test_period_label(model):
    assert state.period_label(model) == "Before January 2030"
    model.step()
    assert state.period_label(model) == "January 2030"


def test_run_to_messages(model):
    assert run_to(model, "2030-13")[0] == "error"
    assert run_to(model, "soon")[0] == "error"
    assert run_to(model, "1999-01")[0] == "warning"
    kind, text = run_to(model, "2031-06")
    assert kind == "success" and "June 2031" in text
    assert state.period_label(model) == "June 2031"
    assert run_to(model, "2030-02")[0] == "warning"
    assert parse_month("2031-06-15") == dt.date(2031, 6, 15)


def test_event_feed_matches_the_log():
    m = state.build_model(CLASSROOM, variant="endogenous", seed=3)
    feed = EventFeed(m.log)
    for _ in range(30):
        m.step()
        feed.update()
    frame = m.log.frame()
    assert len(feed.entries) == len(frame)
    assert sorted(zip(frame["step"], frame["kind"], frame["actor"])) == \
        sorted((e.step, e.kind, e.actor) for e in feed.entries)
    newest = feed.newest(frozenset({"scenario"}), 3)
    assert [e.step for e in newest] == sorted((e.step for e in newest), reverse=True)


def test_instructor_action(model):
    model.run_until(dt.date(2031, 1, 1))
    kind, text = apply(model, Request("intelligence_sharing", "XCY", None, (), None, 1.0))
    assert kind == "error" and "recipient" in text
    kind, text = apply(model, Request("high_level_visit", "XRA", "XRA", (), None, 1.0))
    assert kind == "error" and "own recipient" in text
    kind, text = apply(model, Request("joint_exercise", None, None, ("XRA",), None, 1.0))
    assert kind == "error" and "two participants" in text
    kind, text = apply(model, Request("high_level_visit", "XCY", "XBL", (), None, -1.0))
    assert kind == "error" and "positive" in text
    before = model.trust_between("XBL", "XCY")
    kind, text = apply(model, Request("high_level_visit", "XCY", "XBL", (), None, 1.0, "test"))
    assert kind in ("success", "warning") and "XBL's trust in XCY" in text
    assert model.trust_between("XBL", "XCY") > before
    log = model.log.frame()
    row = log[log["origin"] == "instructor"].iloc[-1]
    assert (row["kind"], row["actor"], row["recipients"]) == ("high_level_visit", "XCY", "XBL")


def test_run_zip_has_csv_png_and_run_json(model):
    model.run_until(dt.date(2030, 6, 1))
    apply(model, Request("high_level_visit", "XCY", "XBL", (), None, 1.0, "test"))
    archive = zipfile.ZipFile(io.BytesIO(run_zip(model)))
    names = archive.namelist()
    assert any(n.endswith("events.csv") for n in names)
    assert any(n.endswith("network.png") for n in names)
    assert not any(n.endswith(".parquet") for n in names)
    record = json.loads(archive.read(next(n for n in names if n.endswith("run.json"))))
    assert record["actions"]["instructor"] == 1 and record["seed"] == model.seed
    assert record["reproduce"] is None      # a hand-added action: no command remakes it


def test_canvas_matrix_encoding():
    from sim.app.components.canvas import flat

    assert flat(np.array([[0.5, np.nan], [0.1234, 1.0]])) == "500,,123,1000"


def test_app_command_refuses_bad_arguments(tmp_path, capsys):
    assert app_command("127.0.0.1", 8765, tmp_path / "missing", False) == 2
    assert "does not exist" in capsys.readouterr().err
    (tmp_path / "one.yaml").write_text("meta: {title: t}\n")
    assert app_command("127.0.0.1", 8765, tmp_path / "one.yaml", False) == 2
    assert "is a file, not a folder" in capsys.readouterr().err
    assert app_command("127.0.0.1", 0, Path(SCENARIOS), False) == 2
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        assert app_command("127.0.0.1", busy.getsockname()[1], Path(SCENARIOS), False) == 2
    assert "pass another --port" in capsys.readouterr().err
