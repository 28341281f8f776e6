"""The code passes the project's lint rules (``[tool.ruff]`` in pyproject.toml)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_code_passes_the_projects_lint_rules():
    ruff = Path(sys.executable).parent / "ruff"      # installed with the test extras
    assert ruff.exists(), "ruff is missing: `make setup` installs the test extras"
    done = subprocess.run([str(ruff), "check", "--no-cache", "--output-format", "concise", str(ROOT)],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, f"lint problems (fix them, or `ruff check --fix`):\n{done.stdout}"
