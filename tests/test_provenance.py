"""run.json: a results folder says how it was made, and its command makes it again."""

import json
import shlex
import subprocess
import sys
from pathlib import Path

from sim.model import DefenceDiplomacyModel
from sim.provenance import changed_weights, file_sha256

ROOT = Path(__file__).resolve().parents[1]
ETH = "scenarios/ethiopia_eritrea_2018.yaml"


def _ddsim(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sim.cli", *args], capture_output=True, text=True,
                          cwd=ROOT)


def test_run_json_records_inputs_settings_and_the_command_that_remakes_the_files(tmp_path):
    first = tmp_path / "first"
    done = _ddsim("run", ETH, "-v", "no_commission", "--seed", "4", "--steps", "60",
                  "--out", str(first))
    assert done.returncode == 0, done.stderr
    record = json.loads((first / "run.json").read_text())
    assert record["inputs"] == [{"role": "scenario", "file": ETH,
                                 "sha256": file_sha256(ROOT / ETH)}]
    assert (record["variant"], record["seed"], record["steps"]) == ("no_commission", 4, 60)
    assert record["period"] == ["2016-01-01", "2020-12-31"]
    assert record["parameters"]["lam"] == DefenceDiplomacyModel(ETH).params.lam
    assert record["actions"]["scenario"] > 0 and record["versions"]["mesa"].startswith("3.5")
    assert set(record["files"]) == {p.name for p in first.iterdir()} and "heatmap.png" in record["files"]
    command = shlex.split(record["reproduce"])
    assert command[:2] == ["ddsim", "run"] and "--steps" in command
    again = tmp_path / "again"
    done = _ddsim(*command[1:], "--out", str(again))
    assert done.returncode == 0, done.stderr
    for name in record["files"]:        # every file bit-identical, run.json included
        assert (again / name).read_bytes() == (first / name).read_bytes(), name


def test_run_json_records_keyword_overrides_and_changed_weights(tmp_path):
    model = DefenceDiplomacyModel(ETH, rng=2, steps=12, lam=0.9,
                                  **{"joint_exercise.forward": 0.7}).run()
    model.results().save(tmp_path, plots=False)
    record = json.loads((tmp_path / "run.json").read_text())
    assert record["overrides"] == {"lam": 0.9, "joint_exercise.forward": 0.7}
    assert record["parameters"]["lam"] == 0.9
    assert record["action_weights_changed"] == {"joint_exercise.forward": 0.7}
    assert changed_weights(DefenceDiplomacyModel(ETH).inputs.catalogue) == {}
    # keyword arguments become --set options, and the command remakes the same tables
    command = shlex.split(record["reproduce"])
    assert command[-4:] == ["--set", "lam=0.9", "--set", "joint_exercise.forward=0.7"]
    done = _ddsim(*command[1:], "--no-plots", "--out", str(tmp_path / "again"))
    assert done.returncode == 0, done.stderr
    for name in ("trust.csv", "events.csv", "model.parquet"):
        assert (tmp_path / "again" / name).read_bytes() == (tmp_path / name).read_bytes(), name


def test_set_options_are_checked_and_all_reported(tmp_path):
    done = _ddsim("run", "--set", "lamda=0.9", "--set", "kappa=-1", "--set", "oops",
                  "--out", str(tmp_path))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    err = " ".join(done.stderr.split())
    assert "--set: oops: expected NAME=VALUE" in err
    assert "--set: lamda: unknown parameter 'lamda'" in err and "did you mean 'lam'" in err
    assert "--set: kappa:" in err and "greater than 0" in err
    assert not (tmp_path / "run.json").exists()


def test_a_second_run_into_the_same_folder_leaves_no_files_of_the_first(tmp_path):
    ukraine = DefenceDiplomacyModel("scenarios/ukraine_2014_2023.yaml", rng=1, steps=3).run()
    ukraine.results().save(tmp_path, plots=False)
    assert (tmp_path / "support.csv").exists()
    (tmp_path / "notes.txt").write_text("mine")
    DefenceDiplomacyModel(ETH, rng=1, steps=3).run().results().save(tmp_path, plots=False)
    assert not (tmp_path / "support.csv").exists()      # Ethiopia-Eritrea has no support block
    assert (tmp_path / "notes.txt").read_text() == "mine"    # only files a run wrote are removed
    record = json.loads((tmp_path / "run.json").read_text())
    assert set(record["files"]) == {p.name for p in tmp_path.iterdir()} - {"notes.txt"}


def test_a_variant_file_records_its_base_file_too(tmp_path):
    import shutil
    base = tmp_path / "eth.yaml"
    shutil.copy(ROOT / ETH, base)
    ext = tmp_path / "what_if.yaml"
    ext.write_text("extends: eth.yaml\nvariants:\n  no_jeddah: {drop: [{kinds: [defence_agreement]}]}\n")
    model = DefenceDiplomacyModel(ext, variant="no_jeddah", rng=0, steps=6).run()
    model.results().save(tmp_path / "out", plots=False)
    record = json.loads((tmp_path / "out" / "run.json").read_text())
    assert [(i["role"], Path(i["file"]).name) for i in record["inputs"]] == [
        ("base", "eth.yaml"), ("scenario", "what_if.yaml")]
    assert record["inputs"][0]["sha256"] == file_sha256(ROOT / ETH)
    assert shlex.split(record["reproduce"])[2:4] == [str(ext), "--variant"]


def test_compare_with_set_records_it_and_its_command_remakes_the_tables(tmp_path):
    rivals = "scenarios/classroom_rivals.yaml"
    done = _ddsim("compare", rivals, "-v", "no_commission", "-n", "2", "--set", "lam=0.95",
                  "--workers", "1", "-o", str(tmp_path / "a"))
    assert done.returncode == 0, done.stderr
    record = json.loads((tmp_path / "a" / "compare.json").read_text())
    assert record["overrides"] == {"lam": 0.95}
    command = shlex.split(record["reproduce"])
    assert command[-2:] == ["--set", "lam=0.95"]
    done = _ddsim(*command[1:], "--workers", "1", "-o", str(tmp_path / "b"))
    assert done.returncode == 0, done.stderr
    for name in ("compare_difference.csv", "compare_runs.csv"):
        assert (tmp_path / "b" / name).read_bytes() == (tmp_path / "a" / name).read_bytes()
    plain = _ddsim("compare", rivals, "-v", "no_commission", "-n", "2", "--workers", "1",
                   "-o", str(tmp_path / "c"))
    assert plain.returncode == 0, plain.stderr    # and the setting made a difference
    assert (tmp_path / "c" / "compare_runs.csv").read_bytes() != (
        tmp_path / "a" / "compare_runs.csv").read_bytes()
    bad = _ddsim("compare", rivals, "-v", "no_commission", "--set", "lamda=0.9",
                 "-o", str(tmp_path / "d"))
    assert bad.returncode == 2 and "--set: lamda: unknown parameter" in " ".join(bad.stderr.split())
    assert not (tmp_path / "d").exists()
