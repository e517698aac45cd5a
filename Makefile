# MiniBatchGD: one place for every way to build, check and run the package.
# `make demo` and `make test` are the two commands a fresh Debian machine needs.

SWIFT      ?= swift
# The toolchain's usr/lib, asked of the compiler (a path through `command -v swift` would be a
# proxy's under swiftly): docc and the static Swift runtime live beside it.
SWIFT_LIB  = $(shell $(SWIFT) -print-target-info | sed -n 's/.*"runtimeResourcePath": "\(.*\)\/swift".*/\1/p')
APT_PKGS   := libopenblas-dev liblapacke-dev pkg-config libopenmpi-dev openmpi-bin zlib1g-dev python3 python3-venv
# Root installs directly; anyone else goes through sudo.
SUDO       := $(shell [ "$$(id -u)" = "0" ] || echo sudo)

.PHONY: setup build test lint docs docs-serve demo example getting-started c-example install python-venv python-test wheel bench compare scaling fuzz fuzz-arguments stress sanitize clean

# Installs OpenBLAS, LAPACKE, zlib (compressed .npz files), Open MPI (for MiniBatchGDMPI and
# mbgd-mpi) and Python's venv (the pytest suite's environment; Debian leaves ensurepip out of
# python3) only when pkg-config cannot already see them all, mpirun is missing, or python3
# cannot make a venv.
setup:
	@if pkg-config --exists openblas lapacke zlib ompi-c 2>/dev/null && command -v mpirun >/dev/null \
	    && python3 -c 'import ensurepip, venv' 2>/dev/null; then \
	  echo "setup: openblas $$(pkg-config --modversion openblas), lapacke $$(pkg-config --modversion lapacke), zlib $$(pkg-config --modversion zlib), open mpi $$(pkg-config --modversion ompi-c) present"; \
	else \
	  echo "setup: installing $(APT_PKGS)"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(APT_PKGS); \
	fi

build: setup
	$(SWIFT) build

test: setup lint
	@echo "Building and running the tests: several minutes the first time."
	$(SWIFT) test --disable-xctest
	$(MAKE) python-test
	$(MAKE) example
	$(MAKE) docs

# The toolchain's swift-format with the repository's .swift-format; any finding fails.
lint:
	$(SWIFT) format lint --strict --recursive --parallel Package.swift Sources Tests Examples/LinkingApp/Sources Examples/GettingStarted/Package.swift Examples/GettingStarted/Sources Benchmarks/Sources Fuzz

# DocC from the toolchain (no package plugin): a symbol graph of the library, every public
# symbol checked for a documentation comment, then the catalog converted with warnings as
# errors into .build-docs/MiniBatchGD.doccarchive, laid out for static hosting: any web server
# serves it from its root (`make docs-serve` starts one).
DOCS_SCRATCH = .build-docs
DOCS_PORT ?= 8000
docs: setup
	@test -n "$(SWIFT_LIB)" || { echo "$@: the toolchain was not found: $(SWIFT) -print-target-info gave no runtimeResourcePath"; exit 1; }
	mkdir -p $(DOCS_SCRATCH)/symbol-graphs
	$(SWIFT) build --target MiniBatchGD --scratch-path $(DOCS_SCRATCH) \
	  -Xswiftc -emit-symbol-graph -Xswiftc -emit-symbol-graph-dir -Xswiftc $(CURDIR)/$(DOCS_SCRATCH)/symbol-graphs \
	  -Xswiftc -symbol-graph-minimum-access-level -Xswiftc public
	python3 Scripts/check_documentation.py $(DOCS_SCRATCH)/symbol-graphs/MiniBatchGD.symbols.json
	$(SWIFT_LIB)/../bin/docc convert Sources/MiniBatchGD/MiniBatchGD.docc \
	  --additional-symbol-graph-dir $(DOCS_SCRATCH)/symbol-graphs \
	  --fallback-display-name MiniBatchGD --fallback-bundle-identifier org.minibatchgd.MiniBatchGD \
	  --transform-for-static-hosting --warnings-as-errors --output-path $(DOCS_SCRATCH)/MiniBatchGD.doccarchive
	@echo "docs: $(DOCS_SCRATCH)/MiniBatchGD.doccarchive is a static site; to read it, serve it and open the page:"
	@echo "  python3 -m http.server --directory $(DOCS_SCRATCH)/MiniBatchGD.doccarchive $(DOCS_PORT)   (or: make docs-serve)"
	@echo "  http://localhost:$(DOCS_PORT)/documentation/minibatchgd"

# The documentation at http://localhost:$(DOCS_PORT)/documentation/minibatchgd until interrupted.
docs-serve: docs
	python3 -m http.server --directory $(DOCS_SCRATCH)/MiniBatchGD.doccarchive $(DOCS_PORT)

# Separate packages that depend on this one by path, as a numeric app would: LinkingApp, and the
# DocC article Getting Started as written.
example: setup
	cd Examples/LinkingApp && $(SWIFT) run --quiet LinkingApp
	$(MAKE) getting-started

# Getting Started as a reader meets it: the article's Swift blocks must be the files of
# Examples/GettingStarted, word for word (Scripts/check_getting_started.py); that package is then
# built and run beside a clone in a folder named MiniBatchGD (a link to this one), as the
# article lays it out, with houses.csv copied in.
GETTING_STARTED = .build-getting-started
getting-started: setup
	python3 Scripts/check_getting_started.py
	mkdir -p $(GETTING_STARTED)/HousePrices
	ln -sfn $(CURDIR) $(GETTING_STARTED)/MiniBatchGD
	rm -rf $(GETTING_STARTED)/HousePrices/Sources
	cp -Rp Examples/GettingStarted/Package.swift Examples/GettingStarted/Sources Examples/data/houses.csv $(GETTING_STARTED)/HousePrices/
	cd $(GETTING_STARTED)/HousePrices && $(SWIFT) run --quiet HousePrices

# The C interface: libminibatchgd.so, libminibatchgd.a, include/minibatchgd.h, minibatchgd.pc and
# minibatchgd-static.pc under $(PREFIX) (lib/, include/, lib/pkgconfig/), built in CONFIGURATION
# (release unless told). The shared library finds the Swift runtime where this toolchain keeps it
# (its run path), and OpenBLAS where the system does; a program linked with the archive
# (`pkg-config --libs minibatchgd-static`) carries the Swift runtime and Foundation in itself,
# taken from this toolchain's static libraries, and needs only OpenBLAS, LAPACKE, zlib and libstdc++.
PREFIX ?= /usr/local
CONFIGURATION ?= release
MBGD_C_VERSION = $(shell sed -n 's/^\#define MBGD_VERSION "\(.*\)"/\1/p' include/minibatchgd.h)
SWIFT_STATIC = $(SWIFT_LIB)/swift_static/linux
install: setup
	@test -n "$(SWIFT_LIB)" || { echo "$@: the toolchain was not found: $(SWIFT) -print-target-info gave no runtimeResourcePath"; exit 1; }
	$(SWIFT) build -c $(CONFIGURATION) --product minibatchgd
	$(SWIFT) build -c $(CONFIGURATION) --product minibatchgd-static
	install -d $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/include
	install -m 755 "$$($(SWIFT) build -c $(CONFIGURATION) --show-bin-path)/libminibatchgd.so" $(DESTDIR)$(PREFIX)/lib/
	install -m 644 "$$($(SWIFT) build -c $(CONFIGURATION) --show-bin-path)/libminibatchgd-static.a" $(DESTDIR)$(PREFIX)/lib/libminibatchgd.a
	install -m 644 include/minibatchgd.h $(DESTDIR)$(PREFIX)/include/
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(MBGD_C_VERSION)|' include/minibatchgd.pc.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/minibatchgd.pc
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(MBGD_C_VERSION)|' -e 's|@SWIFT_STATIC@|$(SWIFT_STATIC)|' -e "s|@ARCH@|$$(uname -m)|" \
	  include/minibatchgd-static.pc.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/minibatchgd-static.pc

# Examples/CApp, plain C11 with every warning an error, built against the library installed (debug,
# as the tests built it) into a scratch prefix through pkg-config, then run: it checks its results
# against the normal equations solved in C, and the error paths. First the header against the
# library (Scripts/check_c_header.py); then the same program linked with the static archive
# (minibatchgd-static.pc), checked to need no Swift shared library, and run.
C_PREFIX = $(CURDIR)/.build-c/prefix
CC ?= cc
c-example: setup
	$(MAKE) install PREFIX=$(C_PREFIX) CONFIGURATION=debug
	python3 Scripts/check_c_header.py include/minibatchgd.h $(C_PREFIX)/lib/libminibatchgd.so Sources/MiniBatchGDC
	$(CC) -std=c11 -Wall -Wextra -Werror -pedantic $$(PKG_CONFIG_PATH=$(C_PREFIX)/lib/pkgconfig pkg-config --cflags minibatchgd) \
	  Examples/CApp/main.c $$(PKG_CONFIG_PATH=$(C_PREFIX)/lib/pkgconfig pkg-config --libs minibatchgd) -lm -o .build-c/capp
	.build-c/capp Examples/data/houses.csv
	$(CC) -std=c11 -Wall -Wextra -Werror -pedantic $$(PKG_CONFIG_PATH=$(C_PREFIX)/lib/pkgconfig pkg-config --cflags minibatchgd-static) \
	  Examples/CApp/main.c $$(PKG_CONFIG_PATH=$(C_PREFIX)/lib/pkgconfig pkg-config --libs minibatchgd-static) -o .build-c/capp-static
	@if ldd .build-c/capp-static | grep -q 'libswift\|libFoundation\|libminibatchgd'; then \
	  echo "c-example: .build-c/capp-static links a shared Swift or minibatchgd library:"; ldd .build-c/capp-static; exit 1; fi
	.build-c/capp-static Examples/data/houses.csv > .build-c/capp-static.out
	@tail -1 .build-c/capp-static.out

# The Python package (python/, import name minibatchgd, ctypes on the C interface): pytest in a
# venv of its own (.build-python/venv, PYTHON_PACKAGES from PyPI, about a minute the first time;
# made again when the list changes) against the library `make c-example` installs and the mbgd
# built beside it. Part of `make test` (after the C example, which it runs first).
PYTHON ?= python3
PYTHON_VENV = .build-python/venv
PYTHON_PACKAGES = numpy scipy scikit-learn statsmodels pandas pyarrow pytest
python-venv:
	@test "$$(cat $(PYTHON_VENV)/packages.txt 2>/dev/null)" = "$(PYTHON_PACKAGES)" || { \
	  echo "python-venv: installing $(PYTHON_PACKAGES) into $(PYTHON_VENV)"; \
	  rm -rf $(PYTHON_VENV) && $(PYTHON) -m venv $(PYTHON_VENV) && \
	  $(PYTHON_VENV)/bin/pip install --quiet --disable-pip-version-check $(PYTHON_PACKAGES) && \
	  echo "$(PYTHON_PACKAGES)" > $(PYTHON_VENV)/packages.txt; }

python-test: c-example python-venv
	$(SWIFT) build --product mbgd
	MINIBATCHGD_LIBRARY=$(C_PREFIX)/lib/libminibatchgd.so MBGD_TOOL="$$($(SWIFT) build --show-bin-path)/mbgd" PYTHONPATH=python \
	  $(PYTHON_VENV)/bin/python -m pytest -q python/tests

# A wheel of the Python package with libminibatchgd inside (built in release by python/setup.py), in dist/.
wheel: setup python-venv
	$(PYTHON_VENV)/bin/pip wheel --no-deps ./python -w dist

# Built in the open (swift run --quiet hid minutes of compiling behind silence), then run.
demo: setup
	@echo "Building mbgd (release): a few minutes the first time."
	$(SWIFT) build -c release --product mbgd
	"$$($(SWIFT) build -c release --show-bin-path)/mbgd" demo

# package-benchmark suites (Benchmarks/, its own package): throughput per batch size against a
# C loop and a read pass, shuffle cost, closed form, CSV loading.
bench: setup
	cd Benchmarks && $(SWIFT) package --disable-sandbox benchmark --target Training --no-progress

# mbgd against our numpy loop on the same shapes, and CSV loading against pandas.read_csv; then
# sparse rows (issue 28's goals) against scikit-learn, Vowpal Wabbit and C loops on an RCV1-shaped
# set of SPARSE_ROWS rows (about 10 minutes at 200000; `make compare SPARSE_ROWS=20000` for a quick
# look); then the exact ridge path against one solve and RidgeCV (issue 32's goals, minutes: RidgeCV
# takes about a minute on 10k × 1000); then issue 30's: a fit through Python against the same fit
# through the tool, and minibatchgd.OLS against statsmodels and numpy.linalg.lstsq, on 1M × 32 (in
# the pytest venv). Writes Benchmarks/results/ (compare.md, throughput.svg, sparse.md,
# ridge-path.md, python.md).
SPARSE_ROWS ?= 200000
compare: setup
	@python3 -c "import numpy, pandas" 2>/dev/null || python3 -m pip install --quiet numpy pandas
	@python3 -c "import scipy, sklearn, vowpalwabbit" 2>/dev/null || python3 -m pip install --quiet scipy scikit-learn 'vowpalwabbit>=9.11'
	$(SWIFT) build -c release --product mbgd
	python3 Benchmarks/compare.py --mbgd .build/release/mbgd
	python3 Benchmarks/Sparse/compare_sparse.py .build/release/mbgd --rows $(SPARSE_ROWS) --markdown Benchmarks/results/sparse.md
	python3 Benchmarks/Paths/compare_ridge.py .build/release/mbgd --markdown Benchmarks/results/ridge-path.md
	python3 Benchmarks/Paths/compare_lasso_cv.py .build/release/mbgd --markdown Benchmarks/results/lasso-cv.md
	python3 Benchmarks/Robust/compare_lasso.py .build/release/mbgd --markdown Benchmarks/results/lasso.md
	python3 Benchmarks/Robust/compare_quantile.py .build/release/mbgd --markdown Benchmarks/results/quantile.md
	$(SWIFT) build -c release --product minibatchgd
	$(MAKE) python-venv
	MINIBATCHGD_LIBRARY="$$($(SWIFT) build -c release --show-bin-path)/libminibatchgd.so" PYTHONPATH=python \
	  $(PYTHON_VENV)/bin/python Benchmarks/Python/compare_python.py .build/release/mbgd --markdown Benchmarks/results/python.md

# mbgd-mpi on 1 and 2 ranks (closed form, full-batch epoch, the per-update sum) and the model for
# larger clusters; writes Benchmarks/results/scaling.md. Minutes (a 0.5 GB file).
scaling: setup
	@python3 -c "import numpy" 2>/dev/null || python3 -m pip install --quiet numpy
	$(SWIFT) build -c release --product mbgd-mpi
	python3 Benchmarks/scaling.py --tool .build/release/mbgd-mpi

# The pytest suite with its 1 GiB read-only memmap fitted in place (python/tests/test_zero_copy.py), then
# the slow part of the hostile-use corpus (limits, signals, special files, huge inputs), 20 fits
# killed at random moments and resumed (and 20 2-rank mbgd-mpi fits stopped by SIGTERM), and 3000 random command lines (seed MBGD_FUZZ_SEED, default the time): minutes, not part of make test.
# Then mbgd-mpi on mismatched node-local files, and (as root with a v1 memory cgroup, else
# skipped) a 3 GB uncompressed .npz solved and fitted in place inside 1 GiB, and 10M CSV rows streamed
# through fit - and solve - inside 64 MiB: minutes, 3.1 GB of disk.
stress: setup
	MBGD_STRESS=1 $(MAKE) python-test
	MBGD_STRESS=1 $(SWIFT) test --disable-xctest --filter 'CorpusToolTests|ArgumentFuzzToolTests|CheckpointToolTests|MPICheckpointToolTests'
	$(SWIFT) build -c release --product mbgd && $(SWIFT) build -c release --product mbgd-mpi
	sh Scripts/stress_mpi_mixed_files.sh
	@python3 -c "import numpy, scipy" 2>/dev/null || python3 -m pip install --quiet numpy scipy
	sh Scripts/stress_sparse_npz_cgroup.sh
	sh Scripts/stress_stream_cgroup.sh

# libFuzzer on the CSV, .npy and model-file readers and on the command line, FUZZ_SECONDS each (new inputs go to .build-fuzz/, the
# seed corpus in Fuzz/*/corpus is read only). A crash leaves its input in .build-fuzz/ and fails.
FUZZ_SECONDS ?= 60
FUZZ_FLAGS = -sanitize=fuzzer,address -parse-as-library -O -I Sources/CBLAS -I Sources/CZlib -I Sources/CKernels/include \
	$(addprefix -Xcc ,$(shell pkg-config --cflags-only-I openblas 2>/dev/null)) .build-fuzz/kernels.o -lopenblas -llapacke -lz
LIBRARY_SOURCES = $(shell find Sources/MiniBatchGD -name '*.swift')
# The fused kernels' C, built once for the fuzzers (swiftc links it as an object).
.build-fuzz/kernels.o: Sources/CKernels/kernels.c Sources/CKernels/fused.h Sources/CKernels/dot2.h Sources/CKernels/include/CKernels.h
	mkdir -p .build-fuzz
	clang -O2 -fsanitize=address -I Sources/CKernels/include -c Sources/CKernels/kernels.c -o $@

fuzz: setup .build-fuzz/kernels.o
	mkdir -p .build-fuzz/csv .build-fuzz/npy .build-fuzz/model .build-fuzz/arguments .build-fuzz/modules
	swiftc $(FUZZ_FLAGS) -module-name FuzzCSV $(LIBRARY_SOURCES) Fuzz/CSV/FuzzCSV.swift -o .build-fuzz/fuzz-csv
	swiftc $(FUZZ_FLAGS) -module-name FuzzNPY $(LIBRARY_SOURCES) Fuzz/NPY/FuzzNPY.swift -o .build-fuzz/fuzz-npy
	swiftc $(FUZZ_FLAGS) -module-name FuzzModelFile $(LIBRARY_SOURCES) Fuzz/ModelFile/FuzzModelFile.swift -o .build-fuzz/fuzz-model
	.build-fuzz/fuzz-csv -max_total_time=$(FUZZ_SECONDS) -max_len=8192 -timeout=10 -artifact_prefix=.build-fuzz/csv- .build-fuzz/csv Fuzz/CSV/corpus
	.build-fuzz/fuzz-npy -max_total_time=$(FUZZ_SECONDS) -max_len=8192 -timeout=10 -artifact_prefix=.build-fuzz/npy- .build-fuzz/npy Fuzz/NPY/corpus
	.build-fuzz/fuzz-model -max_total_time=$(FUZZ_SECONDS) -max_len=8192 -timeout=10 -artifact_prefix=.build-fuzz/model- .build-fuzz/model Fuzz/ModelFile/corpus
	$(MAKE) fuzz-arguments

# The command line: ArgumentParser, the library and the tool's commands (all but its entry point)
# built as modules with coverage, each input an argument vector split at NUL bytes. The dictionary
# is made from the tool's own description of its options.
ARGUMENT_PARSER = .build/checkouts/swift-argument-parser/Sources
FUZZ_MODULE = swiftc -parse-as-library -sanitize=fuzzer,address -O -swift-version 6 -I .build-fuzz/modules -emit-library -static
fuzz-arguments: setup .build-fuzz/kernels.o
	$(SWIFT) build --product mbgd
	mkdir -p .build-fuzz/arguments .build-fuzz/modules
	find $(ARGUMENT_PARSER)/ArgumentParserToolInfo -name '*.swift' -print0 | xargs -0 $(FUZZ_MODULE) -module-name ArgumentParserToolInfo \
	  -emit-module -emit-module-path .build-fuzz/modules/ArgumentParserToolInfo.swiftmodule -o .build-fuzz/libArgumentParserToolInfo.a
	find $(ARGUMENT_PARSER)/ArgumentParser -name '*.swift' -print0 | xargs -0 $(FUZZ_MODULE) -module-name ArgumentParser -suppress-warnings \
	  -emit-module -emit-module-path .build-fuzz/modules/ArgumentParser.swiftmodule -o .build-fuzz/libArgumentParser.a
	$(FUZZ_MODULE) -module-name MiniBatchGD -I Sources/CBLAS -I Sources/CZlib -I Sources/CKernels/include $(addprefix -Xcc ,$(shell pkg-config --cflags-only-I openblas 2>/dev/null)) \
	  -emit-module -emit-module-path .build-fuzz/modules/MiniBatchGD.swiftmodule -o .build-fuzz/libMiniBatchGD.a $(LIBRARY_SOURCES)
	swiftc -parse-as-library -sanitize=fuzzer,address -O -swift-version 6 -I .build-fuzz/modules -I Sources/CBLAS -I Sources/CZlib -I Sources/CKernels/include -module-name FuzzArguments \
	  -package-name MiniBatchGD $(shell find Sources/MBGDCommands -name '*.swift') Fuzz/Arguments/FuzzArguments.swift \
	  -L .build-fuzz -lArgumentParser -lArgumentParserToolInfo -lMiniBatchGD .build-fuzz/kernels.o -lopenblas -llapacke -lz -o .build-fuzz/fuzz-arguments
	.build/debug/mbgd --experimental-dump-help | python3 Scripts/make_argument_dictionary.py > .build-fuzz/arguments.dict
	.build-fuzz/fuzz-arguments -max_total_time=$(FUZZ_SECONDS) -max_len=1024 -timeout=10 -dict=.build-fuzz/arguments.dict \
	  -artifact_prefix=.build-fuzz/arguments- .build-fuzz/arguments Fuzz/Arguments/corpus

# The test suite under AddressSanitizer and ThreadSanitizer (separate build folders).
sanitize: setup
	LSAN_OPTIONS=suppressions=$(CURDIR)/Tests/lsan-suppressions.txt $(SWIFT) test --sanitize=address --scratch-path .build-asan
	$(SWIFT) test --sanitize=thread --scratch-path .build-tsan

clean:
	rm -rf .build .build-fuzz .build-asan .build-tsan .build-docs .build-getting-started .build-c .build-python dist python/build python/*.egg-info Examples/LinkingApp/.build Benchmarks/.build
