# The two commands of the README: `make serve` (the demo store) and `make test`.
# Both create .venv on first use with the pinned versions in constraints.txt.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: serve test lint bench eval clean lock

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $(STAMP)

serve: $(STAMP)
	$(BIN)/danggol serve

test: lint
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check bot skills tests bench
	$(BIN)/mypy bot skills

bench: $(STAMP)
	$(BIN)/python bench/retrieval.py

eval: $(STAMP)
	$(BIN)/python ../shared/eval/score.py --set ../shared/eval/cafe --cmd "$(BIN)/danggol" -v

clean:
	rm -rf $(VENV) var

lock:
	rm -rf /tmp/danggol-lock && $(PYTHON) -m venv /tmp/danggol-lock
	/tmp/danggol-lock/bin/pip install --quiet -e '.[dev]'
	{ echo '# Pinned versions for `pip install -c constraints.txt -e ".[dev]"` (Python 3.11). Regenerate with `make lock`.'; \
	  /tmp/danggol-lock/bin/pip freeze --exclude-editable; } > constraints.txt
