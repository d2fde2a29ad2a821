# RNN Lab. `make run` starts the app, `make test` runs every test, `make check` is the fast tier (lint, format,
# unit and AppTest tests without the `slow` and `e2e` marks, a worker per core: under a minute); all set up .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501

.PHONY: run test capabilities seeds check lint unit e2e bench figures loadtest loadtest-server replicas i18n clean

# The stamps depend on the requirement files: a second install is skipped unless they change.
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed-runtime: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed-runtime
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

run: $(VENV)/.installed-runtime
	$(BIN)/streamlit run streamlit_app.py --server.port $(PORT)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .

unit: $(VENV)/.installed-dev
	$(BIN)/python -m pytest -q --ignore=tests/e2e

e2e: $(VENV)/.installed-dev
	$(BIN)/python -m pytest -q tests/e2e

# PyTorch picks vectorised kernels per CPU, and a seed near a tipping point can end differently on another machine:
# after the whole suite on this CPU's own kernels, `make test` runs everything but the browser tests again under each
# lower capability the CPU can be told to use (ATEN_CPU_CAPABILITY=avx2 and default on an AVX512 machine).
test: lint
	$(BIN)/python -m pytest -q
	$(MAKE) --no-print-directory capabilities

CAPABILITIES_BELOW = $$(env -u ATEN_CPU_CAPABILITY $(BIN)/python -m core.engine.cpu_kernels)
RERUN_MARKS ?= not timing
capabilities: $(VENV)/.installed-dev
	@for cap in $(CAPABILITIES_BELOW); do \
		echo "== the tests ($(RERUN_MARKS)) again under ATEN_CPU_CAPABILITY=$$cap"; \
		ATEN_CPU_CAPABILITY=$$cap $(BIN)/python -m pytest -q -n auto --dist worksteal --ignore=tests/e2e \
			-m "$(RERUN_MARKS)" || exit 1; \
	done

# Only the tests that assert what seeded training reaches, under this CPU's own kernels and each lower one: the quick
# check after changing a default, a preset or a threshold.
seeds: $(VENV)/.installed-dev
	$(BIN)/python -m pytest -q -n auto --dist worksteal --ignore=tests/e2e -m "seeds and not timing"
	$(MAKE) --no-print-directory capabilities RERUN_MARKS="seeds and not timing"

check: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -q -n auto --dist worksteal --ignore=tests/e2e -m "not slow and not e2e"

bench: $(VENV)/.installed-dev
	$(BIN)/python -m benchmarks.run

# The run-time estimate (core/engine/budget.py) against real runs under each CPU capability, and its constants fitted
# again; prints JSON (about 2 minutes on one CPU thread; run it on a quiet machine).
budget-fit: $(VENV)/.installed-dev
	$(BIN)/python -m benchmarks.budget_fit

# Two app processes behind HAProxy on 127.0.0.1 (needs Debian's haproxy): http://127.0.0.1:$(PROXY_PORT)
PROXY_PORT ?= 8500
replicas: $(VENV)/.installed-runtime
	$(BIN)/python -m deploy.replicas --replicas 2 --port $(PROXY_PORT)

# Real browser sessions against a real server on 127.0.0.1; prints JSON (timings reported, never asserted).
loadtest: $(VENV)/.installed-dev
	$(BIN)/python -m benchmarks.loadtest --readme

# The server alone: 50 sessions that speak Streamlit's WebSocket protocol (no browsers; asyncio coroutines of one
# process) against a real server on 127.0.0.1; prints JSON (tick latency, slot waits, memory, CPU; timings reported,
# never asserted) and writes it into the README (under five minutes). Run it on a quiet machine.
loadtest-server: $(VENV)/.installed-runtime
	$(BIN)/python -m benchmarks.ws_loadtest --sessions 50 --readme

# Recomputes every measured figure of the README's defaults and RNN vs LSTM/GRU sections under each CPU capability the
# CPU offers (one child process each, a core each) and rewrites them between their <!-- figures:… --> markers
# (about 2 minutes of computing per capability; three on the 2-core machine: 3.5 minutes of wall time).
figures: $(VENV)/.installed-dev
	$(BIN)/python -m scripts.readme_figures

# The catalogues: every _()/N_()/ngettext/pgettext string of the code, and the lessons' words (babel.cfg maps
# data/lessons/*.toml to core/lessons/extract.py, hence PYTHONPATH), into locales/messages.pot, then into the
# messages.po of each language of core/words/i18n.py's LANGUAGES but English (created if missing; new entries empty,
# removed ones dropped, never a guessed translation); translate, commit.
I18N_SOURCES := streamlit_app.py core pages ui data/lessons
i18n: $(VENV)/.installed-runtime
	PYTHONPATH=. $(BIN)/pybabel --quiet extract -F babel.cfg --add-location=file --sort-by-file --no-wrap \
		--project="RNN Lab" -k ngettext:1,2 -k said_plural:1,2 -k pgettext:1c,2 -o locales/messages.pot $(I18N_SOURCES)
	languages="$$($(BIN)/python -m core.words.i18n)" && for language in $$languages; do \
		$(BIN)/pybabel --quiet update --no-fuzzy-matching --ignore-obsolete --no-wrap -i locales/messages.pot \
			-d locales -l $$language --init-missing || exit 1; \
	done

clean:
	rm -rf $(VENV) artifacts .pytest_cache .ruff_cache
