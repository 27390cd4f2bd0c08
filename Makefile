# The two commands: `make run` starts Kalan with its own PostgreSQL and demo data;
# `make test` runs the whole test suite. Both install what is missing first.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Debian packages Kalan needs to build, run and test.
APT_PACKAGES := libpq-dev postgresql postgresql-contrib python3 python3-pip curl libcairo2-dev libqrencode-dev zlib1g-dev \
	fonts-dejavu-core poppler-utils qpdf zbar-tools
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
KALAN := .build/debug/kalan

.PHONY: help deps build lint format run test bench clean

help:
	@echo "make run    start Kalan (embedded PostgreSQL, demo data) on http://127.0.0.1:8080"
	@echo "make test   run the whole test suite against a throwaway PostgreSQL"
	@echo "make bench  run the benchmarks (release build)"
	@echo "make lint   check the style (.swift-format); make format fixes the layout"

# Installs missing Debian packages once; does nothing when all are present.
deps:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi
	@python3 -c 'import jsonschema, yaml, openpyxl, pyld' 2>/dev/null || python3 -m pip install -q jsonschema pyyaml openpyxl pyld

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

test: deps lint
	swift build --build-tests
	# A strict cooperative pool (one thread a core): work that blocks it shows up in the tests.
	LIBDISPATCH_COOPERATIVE_POOL_STRICT=1 swift test
	scripts/contract-test.sh
	scripts/browser-test.sh
	scripts/reliability.sh

# Release build, then bench/run.sh: every measure beside its anchor (wrk, pgbench, TCPDF, a raw cairo
# program) on 100,000 synthetic staff and 1,000,000 enrolments; one table printed and written to bench-results/.
BENCH_PACKAGES := wrk php-cli php-tcpdf postgresql-contrib gcc pkg-config
bench: deps
	@missing=""; for p in $(BENCH_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi
	swift build -c release
	bench/run.sh

clean:
	rm -rf .build
