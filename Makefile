# Mosaic: `make book` builds and publishes the book, `make test` runs every test.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
ARGS ?=
# ARGS reaches the book's commands as one string, never split, globbed or expanded by the shell;
# mosaic splits it into options itself, so a value may hold spaces:
#   make book ARGS="--param economy.x=a b --as-of 2024-06-30"
# (`make test` hands ARGS to pytest as shell words, as usual: ARGS="-k 'budget and not browser'").
export ARGS

.PHONY: book test release serve bench validate clean

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

book: $(VENV)/.installed
	PYTHONPATH=scripts $(PY) -m mosaic build --make-args="$$ARGS"

# Build, then release a new version of each chapter whose content changed (see README).
release: $(VENV)/.installed
	PYTHONPATH=scripts $(PY) -m mosaic release $(ARGS)

validate: $(VENV)/.installed
	PYTHONPATH=scripts $(PY) -m mosaic validate

test: $(VENV)/.installed
	PYTHONPATH=scripts $(PY) -m pytest $(ARGS)

# The live mode: build, serve on http://127.0.0.1:8000/, rebuild and reload the page on every save.
serve: $(VENV)/.installed
	PYTHONPATH=scripts $(PY) -m mosaic serve --make-args="$$ARGS"

# Both modes against their budgets, medians of 5 runs (ARGS="--runs 7", "--before REV", "--only archive").
bench: $(VENV)/.installed
	PYTHONPATH=scripts $(PY) -m mosaic bench --make-args="$$ARGS"

clean:
	rm -rf _build
