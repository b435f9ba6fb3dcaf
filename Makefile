# The two commands of the README: `make run` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
PYTEST_ARGS ?=

.PHONY: run test lint bench fuzz package screenshots clean

$(VENV)/.run-installed: pyproject.toml packaging/bootstrap.sh
	bash packaging/bootstrap.sh $(VENV) run
	touch $@

$(VENV)/.test-installed: pyproject.toml packaging/bootstrap.sh
	bash packaging/bootstrap.sh $(VENV) test
	touch $@ $(VENV)/.run-installed

# Install, then open the desktop app on the last case or the bundled demo case.
run: $(VENV)/.run-installed
	$(VENV)/bin/evidence-desk

# Install, then check lint and the layer contracts, then run the whole test suite (Qt offscreen).
test: lint
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -n 2 $(PYTEST_ARGS)

# ruff, and the import contracts in pyproject.toml (cli/app -> gui -> core; inside core,
# operations -> packet -> report -> case -> store; no Qt under core).
lint: $(VENV)/.test-installed
	$(VENV)/bin/ruff check evidence_desk tests bench docs tools
	$(VENV)/bin/lint-imports

bench: $(VENV)/.test-installed
	$(PY) bench/intake.py --size 1G

# Over 1,000 malformed files (tests/fuzz/generate.py) through intake and every viewer, offscreen, in two
# worker processes; prints files, crashes, hangs over 5 s and peak RSS; fails on any crash or hang or 1 GB.
fuzz: $(VENV)/.test-installed
	QT_QPA_PLATFORM=offscreen PYTHONPATH=. $(PY) tests/fuzz/run.py --workers 2

# Install (with PyInstaller, the extra "package"), build the one-folder app in dist/ with
# packaging/evidence_desk.spec, smoke-test it and print its size and start-up times
# (docs/packaging.md); fails if the build or the smoke test fails.
package: $(VENV)/.run-installed
	$(PY) -m pip install -q -e '.[package]'
	$(PY) packaging/build.py

clean:
	rm -rf build dist .pytest_cache
