# Every target sets up what it needs: a .venv, the package with the right
# extras, and Graphviz's `dot` program (through apt-get when we are root).

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# One BLAS thread: on a shared 2-core machine a second thread stalls whenever
# a neighbour is busy, which makes timings noisy and tests slower.
export OPENBLAS_NUM_THREADS := 1
export OMP_NUM_THREADS := 1
export MKL_NUM_THREADS := 1

.PHONY: demo test bench tutorials graphviz clean

demo: $(VENV)/.demo graphviz
	$(PY) -m tinygraph.demo

# Standard input from /dev/null: CI runs with none, and a closed stdin makes
# the notebook kernels' sockets take file descriptor 0.
test: $(VENV)/.test graphviz
	$(PY) -m pytest < /dev/null

bench: $(VENV)/.bench
	$(PY) benchmarks/run.py

tutorials: $(VENV)/.test
	$(VENV)/bin/jupyter lab tutorials/

$(VENV)/bin/python:
	PYTHON=$(PYTHON) bash scripts/ensure_venv.sh $(VENV)

$(VENV)/.demo: $(VENV)/bin/python setup.cfg
	$(PY) -m pip install --quiet -e ".[data]"
	touch $@

$(VENV)/.test: $(VENV)/bin/python setup.cfg
	$(PY) -m pip install --quiet -e ".[data,test,tutorials]"
	$(PY) -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $@

$(VENV)/.bench: $(VENV)/bin/python setup.cfg
	$(PY) -m pip install --quiet -e ".[data,bench]"
	touch $@

graphviz:
	@bash scripts/ensure_graphviz.sh

clean:
	rm -rf $(VENV) out .pytest_cache *.egg-info
