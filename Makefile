# Two entry points (see README "Quick start"): `make run` and `make test`.
# Both create .venv with Python 3.12 (from .python-version) on first use, with the
# exact versions of constraints.txt (the lock the tests pass with; `make lock`).
PY ?= python3
VENV := .venv
LOCK := constraints.txt
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml $(LOCK) | sha1sum | cut -c1-12)
SCENARIO ?= scenarios/ukraine_2014_2023.yaml
OUT ?= results/$(or $(basename $(notdir $(SCENARIO))),demo)

.PHONY: run test setup lock clean

$(STAMP): pyproject.toml $(LOCK)
	$(PY) -c 'import sys; assert sys.version_info >= (3, 12), "Python 3.12+ needed (pyenv: see .python-version)"'
	test -d $(VENV) || $(PY) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -c $(LOCK) -e '.[test]'
	rm -f $(VENV)/.installed-* && touch $@

setup: $(STAMP)

run: $(STAMP)
	$(VENV)/bin/ddsim run $(SCENARIO) --out $(OUT)

test: $(STAMP)
	$(VENV)/bin/python -m pytest

# Re-resolve constraints.txt after changing the dependencies in pyproject.toml:
# keeps every pin that still fits; `make lock LOCKFLAGS=--upgrade` takes the newest.
LOCKFLAGS ?=
lock:
	test -d $(VENV) || $(PY) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet uv
	$(VENV)/bin/uv pip compile pyproject.toml --extra test --python-version 3.12 --universal \
		--custom-compile-command "make lock" --quiet $(LOCKFLAGS) -o $(LOCK)

clean:
	rm -rf $(VENV) results test-artefacts
