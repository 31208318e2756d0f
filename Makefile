# Mosaic: `make book` builds and publishes the book, `make test` runs every test.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
ARGS ?=

.PHONY: book test release serve bench validate clean

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

book: $(VENV)/.installed
	PYTHONPATH=scripts $(PY) -m mosaic build $(ARGS)

# Build, then release a new version of each chapter whose content changed (see README).
release: $(VENV)/.installed
	PYTHONPATH=scripts $(PY) -m mosaic release $(ARGS)

validate: $(VENV)/.installed
	PYTHONPATH=scripts $(PY) -m mosaic validate

test: $(VENV)/.installed
	PYTHONPATH=scripts $(PY) -m pytest $(ARGS)

serve: $(VENV)/.installed
	PYTHONPATH=scripts $(PY) -m mosaic serve

bench: $(VENV)/.installed
	PYTHONPATH=scripts $(PY) -m mosaic bench $(ARGS)

clean:
	rm -rf _build
