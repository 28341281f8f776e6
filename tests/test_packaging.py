"""The package's metadata agrees with itself: the lock, the licence and the citation."""

import tomllib
from importlib.metadata import version
from pathlib import Path

import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def _direct_requirements() -> list[Requirement]:
    """What pyproject.toml asks for: the dependencies and the test extras."""
    lines = PYPROJECT["dependencies"] + PYPROJECT["optional-dependencies"]["test"]
    return [Requirement(line) for line in lines]


def _locked() -> dict[str, str]:
    """constraints.txt as {normalised name: exact version}, for this platform's lines."""
    pins = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        req = Requirement(line)
        if req.marker is None or req.marker.evaluate():
            (spec,) = req.specifier
            assert spec.operator == "==", f"constraints.txt: {line!r} is not an exact pin"
            pins[canonicalize_name(req.name)] = spec.version
    return pins


def test_the_lock_pins_every_direct_dependency_within_its_range():
    pins = _locked()
    problems = []
    for req in _direct_requirements():
        name = canonicalize_name(req.name)
        if name not in pins:
            problems.append(f"{req.name} is not in constraints.txt")
        elif not req.specifier.contains(pins[name], prereleases=True):
            problems.append(f"{req.name}=={pins[name]} is outside pyproject's {req.specifier}")
    assert not problems, "run `make lock` after changing pyproject.toml:\n" + "\n".join(problems)


def test_the_tests_run_on_the_locked_versions():
    pins = _locked()
    differ = [f"{req.name}: installed {version(req.name)}, locked {pins[canonicalize_name(req.name)]}"
              for req in _direct_requirements()
              if version(req.name) != pins[canonicalize_name(req.name)]]
    assert not differ, "this environment is not the lock's (`make setup` installs it):\n" + \
        "\n".join(differ)


def test_citation_and_licence_agree_with_pyproject():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["version"] == PYPROJECT["version"]
    assert cff["license"] == PYPROJECT["license"] == "MIT"
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
    for key in ("cff-version", "message", "title", "authors"):       # required by CFF 1.2.0
        assert cff.get(key), key
