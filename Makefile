# The two commands of the README: `make serve` (the demo store) and `make test`.
# Both create .venv on first use with the pinned versions in constraints.txt.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: serve test lint bench eval clean lock postgres browser

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev,llm]'
	touch $(STAMP)

serve: $(STAMP)
	$(BIN)/danggol serve

# Twice: on SQLite, then on PostgreSQL (a fresh database per test; tests/conftest.py leaves out
# the tests that never open a database or already cover both).
# Two workers (whole files each): most tests wait on a real server, so this halves the time on two cores.
test: lint postgres browser
	$(BIN)/python -m pytest -n 2 --dist loadfile
	DANGGOL_TEST_DB=postgres $(BIN)/python -m pytest -n 2 --dist loadfile

# The console's browser tests drive Debian's Chromium (Playwright never downloads a browser here).
browser:
	@{ command -v chromium >/dev/null && fc-list :lang=ko | grep -q . ; } || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-nanum >/dev/null; } \
	  || { echo "make test: Debian's chromium and a Korean font (fonts-nanum) are needed for the console's browser tests and could not be installed" >&2; exit 1; }

# The PostgreSQL tests use the server at 127.0.0.1:5432 (trust auth); start it when it is down.
postgres:
	@pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null || { \
	  command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ] && \
	  pg_ctlcluster --skip-systemctl-redirect "$$(ls /etc/postgresql | head -n 1)" main start; \
	  for i in $$(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done; }; \
	pg_isready -q -h 127.0.0.1 -p 5432 || { echo "make test: PostgreSQL is not answering at 127.0.0.1:5432 and could not be started" >&2; exit 1; }

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
	/tmp/danggol-lock/bin/pip install --quiet -e '.[dev,llm,train]'
	{ echo '# Pinned versions for `pip install -c constraints.txt -e ".[dev,llm,train]"` (Python 3.11). Regenerate with `make lock`.'; \
	  /tmp/danggol-lock/bin/pip freeze --exclude-editable; } > constraints.txt
