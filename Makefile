# Tandem: `make chat` runs the assistant, `make test` runs the tests.
# uv is used from PATH when present; otherwise a pinned uv is installed
# into .tools/ (git-ignored) with the system python3.

UV_VERSION := 0.13.9
PYTHON ?= python3
UV := $(shell command -v uv 2>/dev/null)
ifeq ($(UV),)
UV := .tools/uv/bin/uv
endif
VENV := .venv
BIN := $(VENV)/bin
export ORT_DISABLE_TELEMETRY := 1
export UV_PYTHON_DOWNLOADS := never

.PHONY: install chat test lint bench lock format clean

.tools/uv/bin/uv:
	$(PYTHON) -m pip install --quiet --disable-pip-version-check \
		--target .tools/uv "uv==$(UV_VERSION)"

$(VENV)/.installed: requirements.lock pyproject.toml | $(UV)
	$(UV) venv --quiet --allow-existing --python $(PYTHON) $(VENV)
	$(UV) pip sync --quiet --python $(BIN)/python requirements.lock
	$(UV) pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $@

install: $(VENV)/.installed

chat: install
	$(BIN)/tandem chat

test: install
	$(BIN)/python -m pytest -q

lint: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install
	$(BIN)/python bench/router_report.py
	$(BIN)/python bench/import.py
	test -f var/bench/org.db || $(BIN)/python bench/org.py
	$(BIN)/python bench/skills.py
	$(BIN)/python bench/embeddings.py

lock: | $(UV)
	$(UV) pip compile --quiet --universal --generate-hashes --python-version 3.11 \
		--extra dev --no-header --output-file requirements.lock pyproject.toml

clean:
	rm -rf $(VENV) .tools .pytest_cache .mypy_cache .ruff_cache
