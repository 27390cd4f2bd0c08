# The two commands: `make run` starts Kalan with its own PostgreSQL and demo data;
# `make test` runs the whole test suite. Both install what is missing first.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Debian packages Kalan needs to build and run (make run), and those the tests add (make test).
RUN_PACKAGES := pkg-config libpq-dev postgresql postgresql-contrib libcairo2-dev libqrencode-dev zlib1g-dev libxml2 \
	fonts-dejavu-core curl
TEST_PACKAGES := python3 python3-venv poppler-utils qpdf zbar-tools chromium chromium-driver nginx openssl kannel kannel-extras
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
KALAN := .build/debug/kalan
# The tests' Python tools live in the project's own virtual environment (Debian's Python refuses
# `pip install` outside one, PEP 668); make test puts it first on the PATH.
VENV := .venv
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)

.PHONY: help deps test-deps build lint format run test bench clean

help:
	@echo "make run    start Kalan (embedded PostgreSQL, demo data) on http://127.0.0.1:8080"
	@echo "make test   run the whole test suite against a throwaway PostgreSQL"
	@echo "make bench  run the benchmarks (release build)"
	@echo "make lint   check the style (.swift-format); make format fixes the layout"

# Installs missing Debian packages once ($(1): the list); does nothing when all are present.
define apt_install
	@missing=""; for p in $(1); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing </dev/null; \
	fi
endef

# What running needs: no Python at all.
deps:
	$(call apt_install,$(RUN_PACKAGES))

# What the tests add: Debian packages, then Tests/requirements.txt in .venv, made with the first
# python3 on the PATH (Debian's own on a stock machine; .ci/run makes sure CI uses that one too).
# The venv is remade when the requirements change or the Python it was made from is gone.
test-deps: deps
	$(call apt_install,$(TEST_PACKAGES))
	@if ! $(VENV)/bin/python3 -c '' 2>/dev/null; then \
	  rm -rf $(VENV); echo "Creating $(VENV) with $$(command -v python3)"; python3 -m venv $(VENV); \
	fi
	@cmp -s Tests/requirements.txt $(VENV)/requirements.installed || { \
	  $(VENV)/bin/python3 -m pip install -q --disable-pip-version-check -r Tests/requirements.txt </dev/null && \
	  cp Tests/requirements.txt $(VENV)/requirements.installed; }

build: deps
	swift build

run: build
	$(KALAN) db seed --demo --if-empty --log-level warning
	$(KALAN) serve

# The style check (.swift-format: 4-space indents, lines within 200 columns, the layout
# `swift format format -i FILE` gives, a few rules the code already keeps).
LINT_FILES = $(shell find Package.swift Sources Tests sql -name '*.swift' | sort)
lint:
	@swift format lint --strict --parallel $(LINT_FILES) || (echo "make format fixes the layout findings"; exit 1)

# Lays out every checked file as make lint wants it.
format:
	swift format format --in-place --parallel $(LINT_FILES)

test: test-deps lint
	swift build --build-tests
	# A strict cooperative pool (one thread a core): work that blocks it shows up in the tests.
	LIBDISPATCH_COOPERATIVE_POOL_STRICT=1 swift test --skip "DisconnectTests|StatementCancellationTests"
	# Alone: in the whole suite's parallel run they failed (see the README's Tests).
	LIBDISPATCH_COOPERATIVE_POOL_STRICT=1 swift test --skip-build --filter "DisconnectTests|StatementCancellationTests"
	scripts/contract-test.sh
	scripts/proxy-test.sh
	scripts/browser-test.sh
	scripts/reliability.sh
	scripts/notices-test.sh
	scripts/wallet-test.sh

# Release build, then bench/run.sh: every measure beside its anchor (wrk, pgbench, TCPDF, a raw cairo
# program) on 100,000 synthetic staff and 1,000,000 enrolments; one table printed and written to bench-results/.
BENCH_PACKAGES := wrk php-cli php-tcpdf postgresql-contrib gcc pkg-config
bench: test-deps
	$(call apt_install,$(BENCH_PACKAGES))
	swift build -c release
	bench/run.sh
	bench/soak.py --kalan "$$(swift build -c release --show-bin-path)/kalan"

clean:
	rm -rf .build
