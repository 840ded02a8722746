# `make run` and `make test` create the virtual environment on first use (and refresh it when
# pyproject.toml changes), so a fresh clone needs nothing but Python 3.11+.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run shell test test-clocks lint unit bench install clean screenshots

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed (found %s)" % sys.version.split()[0] if sys.version_info < (3, 11) else 0)'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

# A ward's service runs `python -OO` (deploy/): the docstrings, some 7 MB of the bot's memory,
# are left out. Its bytecode is compiled here, since the service may not write any: the bot's,
# its libraries', and the standard library's where this user may write there (root, on a
# ward's server: Debian's python3 comes with plain bytecode only).
STDLIB = $(shell $(PY) -c 'import sysconfig; print(sysconfig.get_path("stdlib"))')
BYTECODE := $(VENV)/.bytecode
$(BYTECODE): $(STAMP) $(shell find bot -name '*.py')
	$(PY) -OO -m compileall -q -j 0 $(VENV)/lib bot
	-$(PY) -OO -m compileall -qq -j 0 \
		-x '/(test|tests|idle_test|idlelib|lib2to3|tkinter|turtledemo|site-packages)/' $(STDLIB)
	@touch $(BYTECODE)

install: $(BYTECODE)

run: $(STAMP)
	$(PY) -m bot run

shell: $(STAMP)
	$(PY) -m bot shell

lint: $(STAMP)
	$(PY) -m ruff check bot tests bench
	$(PY) -m ruff format --check bot tests bench
	$(PY) -m mypy

# The browser tests (tests/browser.py) drive Debian's Chromium: a browser that Playwright would
# download cannot be fetched here. A fresh machine (CI's) has none, so it is installed once.
CHROMIUM := /usr/bin/chromium
$(CHROMIUM):
	@if [ "$$(id -u)" = 0 ]; then sudo=; elif command -v sudo >/dev/null; then sudo=sudo; \
	else echo "$(CHROMIUM) is missing: install Debian's package chromium as root" \
		"(apt-get install --no-install-recommends chromium), then run make again" >&2; exit 1; fi; \
	$$sudo apt-get update -qq && $$sudo env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq --no-install-recommends chromium \
	&& test -x $(CHROMIUM) \
	|| { echo "$(CHROMIUM) could not be installed: install Debian's package chromium" \
		"(apt-get install --no-install-recommends chromium), then run make again" >&2; exit 1; }

unit: $(STAMP) $(CHROMIUM)
	$(PY) -m pytest

test: lint unit

# Every benchmark runs even if one before it fails; the target fails if any did.
bench: $(BYTECODE)
	@failed=""; \
	for b in memory e2e complaints stall notifications figures_scale search_speed search_quality; do \
		echo "== bench/$$b.py"; \
		$(PY) bench/$$b.py || failed="$$failed $$b"; \
		echo; \
	done; \
	if [ -n "$$failed" ]; then echo "benchmarks that failed or missed a bar:$$failed"; exit 1; fi

# The web admin's main pages on a desktop and a phone, for the README (docs/screenshots). The
# buttons' emoji need a colour emoji font, which a server's Debian may lack.
screenshots: $(STAMP) $(CHROMIUM)
	@fc-list 2>/dev/null | grep -q "Noto Color Emoji" || \
		apt-get install -y -qq --no-install-recommends fonts-noto-color-emoji || \
		echo "no colour emoji font: the buttons' emoji show as boxes (fonts-noto-color-emoji)" >&2
	$(PY) -m pytest -q tests/test_web_screens.py --screenshots docs/screenshots

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

# The suite again with every clock of the bot set to a night, a Sunday and Tết: a decision
# that reads another clock than bot.clock shows up here.
test-clocks: $(STAMP) $(CHROMIUM)
	$(PY) -m pytest --clock-at 2026-12-02T02:00:00+07:00
	$(PY) -m pytest --clock-at 2026-12-06T12:00:00+07:00
	$(PY) -m pytest --clock-at 2027-02-06T23:30:00+07:00
