# Two entry points (see README "Quick start"): `make run` and `make test`.
# Both create .venv with Python 3.12 (from .python-version) on first use.
PY ?= python3
VENV := .venv
STAMP := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)
SCENARIO ?= scenarios/ukraine_2014_2023.yaml
OUT ?= results/$(or $(basename $(notdir $(SCENARIO))),demo)

.PHONY: run test setup clean

$(STAMP): pyproject.toml
	$(PY) -c 'import sys; assert sys.version_info >= (3, 12), "Python 3.12+ needed (pyenv: see .python-version)"'
	test -d $(VENV) || $(PY) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-* && touch $@

setup: $(STAMP)

run: $(STAMP)
	$(VENV)/bin/ddsim run $(SCENARIO) --out $(OUT)

test: $(STAMP)
	$(VENV)/bin/python -m pytest

clean:
	rm -rf $(VENV) results test-artefacts
