# One front door: make test, make lint, make demo, make bench. Each bootstraps .venv on first use.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export SPARK_LOCAL_IP := 127.0.0.1
export GX_ANALYTICS_ENABLED := false
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION := 1
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: venv test lint demo bench clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[spark,aws,dev]'
	@touch $(STAMP)

test: $(STAMP)
	$(PY) -m pytest tests

lint: $(STAMP)
	$(VENV)/bin/ruff check claimlake tests bench tools
	$(VENV)/bin/mypy

demo: $(STAMP)
	$(VENV)/bin/claimlake demo

bench: $(STAMP)
	$(PY) bench/parse.py
	$(PY) bench/generate.py --claims 100000 --members 10000
	$(PY) bench/pipeline.py --claims 100000

clean:
	rm -rf .claimlake build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
