# The two commands: `make run` (build the demo knowledge base and serve it) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
DEMO_HOME ?= $(CURDIR)/var/demo

.PHONY: install run test bench clean

$(BIN)/policekb: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(BIN)/policekb

run: install
	$(BIN)/policekb --home "$(DEMO_HOME)" demo --host $(HOST) --port $(PORT)

test: install
	$(BIN)/python -m pytest -q

bench: install
	$(BIN)/python bench/extraction.py

clean:
	rm -rf $(VENV) var *.egg-info
