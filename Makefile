# Every target sets up what it needs: a .venv, the package with the right
# extras, and Graphviz's `dot` program (through apt-get when we are root).
# `make test` also installs Chromium for its browser tests, saying so first.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALL := bash scripts/install.sh $(PY)
# Extra arguments for benchmarks/run.py, e.g. `make bench BENCH_ARGS=--quick`.
BENCH_ARGS ?=
# One BLAS thread: on a shared 2-core machine a second thread stalls whenever
# a neighbour is busy, which makes timings noisy and tests slower.
export OPENBLAS_NUM_THREADS := 1
export OMP_NUM_THREADS := 1
export MKL_NUM_THREADS := 1

.PHONY: demo test test-fast bench tutorials lint graphviz chromium clean

demo: $(VENV)/.demo graphviz
	$(PY) demo.py

# Standard input from /dev/null: CI runs with none, and a closed stdin makes
# the notebook kernels' sockets take file descriptor 0.
test: $(VENV)/.test graphviz chromium
	$(PY) -m pytest < /dev/null

# For quick edits: everything but the notebooks and the browser (the markers
# are set in tests/test_tutorials.py and tests/visualize/conftest.py).
test-fast: $(VENV)/.test graphviz
	$(PY) -m pytest -m "not notebook and not browser" < /dev/null

bench: $(VENV)/.bench
	$(PY) benchmarks/run.py $(BENCH_ARGS)

tutorials: $(VENV)/.test
	@bash scripts/tutorials.sh $(VENV)

lint: $(VENV)/.lint
	$(PY) -m ruff check .

$(VENV)/bin/python:
	PYTHON=$(PYTHON) bash scripts/ensure_venv.sh $(VENV)

$(VENV)/.demo: $(VENV)/bin/python setup.cfg
	@$(INSTALL) data,live
	@touch $@

$(VENV)/.test: $(VENV)/bin/python setup.cfg
	@$(INSTALL) data,test,tutorials
	@$(PY) -m ipykernel install --sys-prefix --name python3 >/dev/null
	@touch $@

# PyTorch is not in the bench extra: scripts/ensure_torch.sh installs a CPU build.
$(VENV)/.bench: $(VENV)/bin/python setup.cfg scripts/ensure_torch.sh
	@$(INSTALL) data,bench
	@bash scripts/ensure_torch.sh $(PY)
	@touch $@

$(VENV)/.lint: $(VENV)/bin/python setup.cfg
	@$(INSTALL) lint
	@touch $@

graphviz:
	@bash scripts/ensure_graphviz.sh

chromium:
	@bash scripts/ensure_chromium.sh

clean:
	rm -rf $(VENV) out .pytest_cache .ruff_cache *.egg-info
