"""The documentation states what the code does: generated tables are current, links resolve."""

import re
from pathlib import Path

from sim import docs
from sim.catalogue import CATALOGUE
from sim.parameters import Parameters

ROOT = Path(__file__).resolve().parents[1]


def test_model_md_tables_match_the_code():
    text = docs.MODEL_MD.read_text(encoding="utf-8")
    assert docs.render(text) == text, "run `python -m sim.docs` to regenerate the tables"


def test_every_parameter_and_kind_is_documented():
    text = docs.MODEL_MD.read_text(encoding="utf-8")
    for name in Parameters.names():
        assert f"`{name}`" in text
    for kind in CATALOGUE:
        assert f"`{kind}`" in text


def test_readme_quick_start_has_two_commands_and_docs_links_exist():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Quick start", 1)[1].split("```", 2)[1]
    commands = [line for line in block.splitlines()[1:] if line.strip() and not line.startswith("#")]
    assert len(commands) == 2
    for link in re.findall(r"\]\((docs/[^)#]+)", readme):
        assert (ROOT / link).exists(), link


def test_readme_python_example_runs_as_written(tmp_path, monkeypatch):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    code = readme.split("From Python", 1)[1].split("```python", 1)[1].split("```", 1)[0]
    (tmp_path / "scenarios").symlink_to(ROOT / "scenarios")
    monkeypatch.chdir(tmp_path)
    scope: dict = {}
    exec(compile(code, "README.md", "exec"), scope)        # noqa: S102 - our own README
    assert scope["res"].trust_pair("XBL", "XRA").between(0, 1).all()
    assert (tmp_path / "results" / "classroom" / "trust.parquet").exists()
