# MiniBatchGD: one place for every way to build, check and run the package.
# `make demo` and `make test` are the two commands a fresh Debian machine needs.

SWIFT      ?= swift
APT_PKGS   := libopenblas-dev liblapacke-dev pkg-config
# Root installs directly; anyone else goes through sudo.
SUDO       := $(shell [ "$$(id -u)" = "0" ] || echo sudo)

.PHONY: setup build test demo example bench compare clean

# Installs OpenBLAS and LAPACKE only when pkg-config cannot already see both.
setup:
	@if pkg-config --exists openblas lapacke 2>/dev/null; then \
	  echo "setup: openblas $$(pkg-config --modversion openblas), lapacke $$(pkg-config --modversion lapacke) present"; \
	else \
	  echo "setup: installing $(APT_PKGS)"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(APT_PKGS); \
	fi

build: setup
	$(SWIFT) build

test: setup
	$(SWIFT) test
	$(MAKE) example

# A separate package that depends on this one by path, as a numeric app would.
example: setup
	cd Examples/LinkingApp && $(SWIFT) run --quiet LinkingApp

demo: setup
	$(SWIFT) run --quiet -c release mbgd demo

# package-benchmark suites (Benchmarks/, its own package): throughput per batch size against a
# C loop and a read pass, shuffle cost, closed form, CSV loading.
bench: setup
	cd Benchmarks && $(SWIFT) package --disable-sandbox benchmark --target Training --no-progress

# mbgd against our numpy loop on the same shapes; writes Benchmarks/results/ (table and plot).
compare: setup
	@python3 -c "import numpy" 2>/dev/null || python3 -m pip install --quiet numpy
	$(SWIFT) build -c release --product mbgd
	python3 Benchmarks/compare.py --mbgd .build/release/mbgd

clean:
	rm -rf .build Examples/LinkingApp/.build Benchmarks/.build
