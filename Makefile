# `make run` opens the app, `make test` runs the whole suite headless; both set up .venv first.
# `make bench` runs the benchmark suite (bench/, see BENCHMARKS.md): make bench ARGS="--json FILE"
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
BENCH_STAMP := $(VENV)/.bench-installed

# The app's bytecode, written as an install writes it: where PYTHONDONTWRITEBYTECODE is set
# (this machine), Python never writes it and every start compiled ~100 modules (~0.2-0.3 s);
# a folder it cannot write to only costs that time again (the `-`: make goes on)
BYTECODE := $(PY) -m compileall -q main.py app widgets simulation

.PHONY: run test lint soak bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	touch $(STAMP)

run: $(STAMP)
	-@$(BYTECODE) 2>/dev/null
	$(PY) main.py $(ARGS)

test: $(STAMP)
	-@$(BYTECODE) 2>/dev/null
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q -m "not slow"

soak: $(STAMP)
	-@$(BYTECODE) 2>/dev/null
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q -m slow

# PyTorch and matplotlib, the benchmarks' own dependencies: only `make bench` installs them
$(BENCH_STAMP): $(STAMP)
	$(PY) -m pip install --quiet --disable-pip-version-check -e ".[dev,bench]"
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m bench.run $(ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
