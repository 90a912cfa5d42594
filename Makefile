# Two-command front end (see README.md):
#   make demo   install missing packages, build, index samples/, run the sample queries
#   make test   install missing packages, build everything, run every test, list skips
# Other targets: deps, build, install (PREFIX, DESTDIR), readme (regenerate the example
# outputs in README.md and docs/GUIDE.md), screenshots (the search page's, for the
# README), sanitize (ASan + UBSan build running the whole suite), fuzz (libFuzzer
# targets, FUZZ_SECONDS each), bench, format, clean.

# Every Debian package the build, tests and benchmarks need. `deps` installs the
# missing ones, so a fresh Debian 12 machine needs nothing else.
PACKAGES := build-essential cmake pkg-config g++ make \
            libxapian-dev xapian-tools libicu-dev zlib1g-dev \
            libtomlplusplus-dev libcli11-dev nlohmann-json3-dev \
            googletest libgtest-dev libgmock-dev libbenchmark-dev \
            libsqlite3-dev sqlite3 xapian-omega clang-format jq python3 \
            libgumbo-dev libpoppler-cpp-dev poppler-utils \
            libcpp-httplib-dev curl chromium libfasttext-dev fasttext

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
BUILD := build/release
DEMO_DB := build/demo-db
PREFIX ?= /usr/local
# What `make demo` runs: the library and the two programs, no tests or benchmarks.
PROGRAMS := indexer searcher server

# libFuzzer needs clang and its runtime; only `make fuzz` installs them.
FUZZ_PACKAGES := clang libclang-rt-14-dev
FUZZ_TARGETS := fuzz_json_lines fuzz_analyzer fuzz_passages fuzz_query_parser fuzz_schema fuzz_query_file \
                fuzz_html fuzz_pdf
FUZZ_SECONDS ?= 60

.PHONY: all deps node-deps configure build programs demo test install readme screenshots sanitize fuzz bench format clean

all: build

deps:
	@missing=""; \
	for p in $(PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	else \
	  echo "All required packages are installed."; \
	fi
	@$(MAKE) --no-print-directory node-deps

# The browser tests (test/browser) run on node with playwright-core from npm. Node's own
# Debian package has npm apart (`npm`); NodeSource's `nodejs` bundles it, and then the
# Debian `npm` package would conflict, so both are installed only when a command is
# missing. `npm ci` runs only when node_modules is missing or older than the lock file.
BROWSER_TESTS := test/browser
NODE_INSTALL = if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then \
	  echo "Installing: nodejs npm"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends nodejs npm; \
	fi
node-deps: $(BROWSER_TESTS)/node_modules/.package-lock.json
	@$(NODE_INSTALL)

$(BROWSER_TESTS)/node_modules/.package-lock.json: $(BROWSER_TESTS)/package-lock.json $(BROWSER_TESTS)/package.json
	@$(NODE_INSTALL)
	cd $(BROWSER_TESTS) && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

configure: deps
	cmake --preset release

build: configure
	cmake --build --preset release -j $(JOBS)

programs: configure
	cmake --build --preset release -j $(JOBS) --target $(PROGRAMS)

demo: programs
	rm -rf $(DEMO_DB)
	$(BUILD)/indexer --db $(DEMO_DB) samples/statements
	@grep -v '^#' samples/queries.txt | grep -v '^[[:space:]]*$$' | while IFS= read -r q; do \
	  echo; echo "================ searcher --db $(DEMO_DB) --limit 3 '$$q'"; \
	  $(BUILD)/searcher --db $(DEMO_DB) --limit 3 -- "$$q" || exit $$?; \
	done

# Runs every test, then lists the skipped ones with their reasons (from ctest's log),
# whether the run passed or not; the status is ctest's.
test: build
	@status=0; ctest --preset release -j $(JOBS) || status=$$?; \
	tools/list-skipped-tests $(BUILD); exit $$status

# Installs the programs, libpolsearch and the schema files under $(DESTDIR)$(PREFIX).
install: programs
	DESTDIR=$(DESTDIR) cmake --install $(BUILD) --prefix $(PREFIX)

# Re-runs every `$ ` example of README.md and docs/GUIDE.md on the samples and writes
# the real outputs back (the readme_examples test checks them).
readme: programs
	tools/doc-examples --update --bin $(BUILD) README.md docs/GUIDE.md

# Screenshots of the search page at 1280 and 375 px wide, for the README: the browser
# tests' screenshot test against this build's server, written to docs/screenshots/.
screenshots: configure
	cmake --build --preset release -j $(JOBS) --target indexer server
	node $(BROWSER_TESTS)/run.mjs --screenshots docs/screenshots

# The asan test preset sets ASAN_OPTIONS new_delete_type_mismatch=0: libxapian's own
# Database::check (behind `indexer --check`) deletes an object with the wrong size,
# inside Xapian, which ASan would report. SANITIZE_EXCLUDE skips tests too slow under
# ASan for CI's time budget (the 50 MB statement takes about 5 minutes there, the
# parallel-build crash test 1.5), and the random bit flips in table files: libxapian
# reads a damaged table past its buffers (a heap overflow inside Xapian's B-tree code,
# which ASan's memcpy interceptor reports and aborts on), where the release build's
# crash guard turns a crash into exit 3; `make test` runs all three.
SANITIZE_EXCLUDE ?= FiftyMegabyte|KilledParallelBuild|RandomBitFlips
sanitize: deps
	cmake --preset asan
	cmake --build --preset asan -j $(JOBS)
	ctest --preset asan -j $(JOBS) -E '$(SANITIZE_EXCLUDE)'


# Builds the libFuzzer targets (fuzz/, preset `fuzz`) and runs each for FUZZ_SECONDS,
# starting from the seeds in fuzz/corpus/<target>; new inputs collect in
# build/fuzz/corpus/<target>, crashes in build/fuzz/artifacts/.
fuzz:
	@$(MAKE) --no-print-directory deps PACKAGES="$(PACKAGES) $(FUZZ_PACKAGES)"
	cmake --preset fuzz
	cmake --build --preset fuzz -j $(JOBS)
	@mkdir -p build/fuzz/artifacts
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p build/fuzz/corpus/$$t; \
	  echo "== $$t: $(FUZZ_SECONDS) s"; \
	  build/fuzz/fuzz/$$t -max_total_time=$(FUZZ_SECONDS) -timeout=20 -rss_limit_mb=2560 \
	    -max_len=65536 -print_final_stats=1 -artifact_prefix=build/fuzz/artifacts/$$t- \
	    build/fuzz/corpus/$$t fuzz/corpus/$$t 2>build/fuzz/$$t.log || { tail -60 build/fuzz/$$t.log; exit 1; }; \
	  grep -E "^stat::(number_of_executed_units|peak_rss_mb)|^Done" build/fuzz/$$t.log; \
	done

bench: build
	$(BUILD)/bench/compare

format:
	clang-format -i $$(git ls-files '*.cc' '*.h')

clean:
	rm -rf build
