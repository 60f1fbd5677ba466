# Loupe: build, demo and test. Works on a fresh Debian machine with Swift installed:
# the system libraries are installed with apt-get when missing (with sudo unless root).

SWIFT    ?= swift
PACKAGES := liblz4-dev libstemmer-dev libicu-dev zlib1g-dev pkg-config
SUDO     := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
LOUPE    := .build/release/loupe
INDEX    := ./Index
DEMO     := .build/demo

# Installs, with apt-get, those of the Debian packages $(1) that are not installed.
define install_missing
missing=""; \
for p in $(1); do \
  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
done; \
if [ -n "$$missing" ]; then \
  echo "Installing$$missing"; \
  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -q && \
  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing; \
fi
endef

.PHONY: all deps build demo test browser-deps browser-test api-deps api-test clean

all: build

# Install the system libraries Loupe links against, if any is missing.
deps:
	@$(call install_missing,$(PACKAGES))

# The optimized `loupe` binary, in .build/release/loupe. The Swift runtime is linked in
# statically: the binary runs without a Swift toolchain and maps ~5 MB less at run time.
build: deps
	$(SWIFT) build -c release --product loupe --static-swift-stdlib

# A fresh index of the samples (the demo schema: the news fields, topic and places; the sample
# synonyms), then searches: phrases, ranking, explain, a count, facets and a date histogram, a
# filtered browse by date, collapsing, a synonym (vietnam finds Việt Nam); related articles; then
# forgiving search: an ignored '&', "did you mean" for a misspelt query, a fuzzy term, completions;
# serving: a search with a timeout, a snapshot, and two shards of the samples searched as one.
demo: build
	$(LOUPE) init --index $(INDEX) --force --schema samples/schema.json --synonyms samples/synonyms.txt
	$(LOUPE) add --index $(INDEX) samples/reuters-sample.jsonl samples/seeds/
	$(LOUPE) search --index $(INDEX) '"war legacy"'
	$(LOUPE) search --index $(INDEX) 'crude oil prices' --limit 3
	$(LOUPE) search --index $(INDEX) '+"crude oil" -opec' --explain --limit 1
	$(LOUPE) search --index $(INDEX) 'oil' --count --limit 0
	$(LOUPE) search --index $(INDEX) oil --facet topic --facet date:month --limit 3
	$(LOUPE) search --index $(INDEX) '' --filter topic:crude --sort date:desc --limit 3
	$(LOUPE) search --index $(INDEX) oil --collapse topic --limit 3
	$(LOUPE) search --index $(INDEX) vietnam --limit 2
	$(LOUPE) similar --index $(INDEX) reuters-44 --limit 3 --terms
	$(LOUPE) search --index $(INDEX) 'oil & gas' --limit 2
	$(LOUPE) search --index $(INDEX) 'vietnm legasy'
	$(LOUPE) search --index $(INDEX) 'legasy~ war' --limit 2
	$(LOUPE) suggest --index $(INDEX) 'war leg'
	$(LOUPE) search --index $(INDEX) 'oil OR gas' --timeout 250ms --limit 2
	rm -rf $(DEMO)
	$(LOUPE) snapshot --index $(INDEX) $(DEMO)/snapshot
	$(LOUPE) init --index $(DEMO)/shard-a --schema samples/schema.json --synonyms samples/synonyms.txt
	$(LOUPE) init --index $(DEMO)/shard-b --schema samples/schema.json --synonyms samples/synonyms.txt
	$(LOUPE) add --index $(DEMO)/shard-a --quiet samples/reuters-sample.jsonl
	$(LOUPE) add --index $(DEMO)/shard-b --quiet samples/seeds/
	$(LOUPE) search --index $(DEMO)/shard-a --index $(DEMO)/shard-b 'vietnam OR oil' --limit 3

# Builds the debug `loupe` first: the CLI tests run that binary.
test: deps
	$(SWIFT) build
	$(SWIFT) test

# What the browser test needs: Debian's Chromium, its chromedriver, and Selenium for the
# system Python (/usr/bin/python3), installed with apt-get when missing.
BROWSER_PACKAGES := chromium chromium-driver python3-selenium
PYTHON ?= /usr/bin/python3

browser-deps:
	@$(call install_missing,$(BROWSER_PACKAGES))

# The search page in headless Chromium (Tests/Browser): a temporary index of the samples
# served by the debug `loupe` on a free loopback port.
browser-test: deps browser-deps
	$(SWIFT) build --product loupe
	$(PYTHON) Tests/Browser/test_search_page.py --loupe .build/debug/loupe

# openapi.yaml against the live server (Tests/API): schemathesis, pinned, in a virtual
# environment under .build (python3-venv from apt when missing), run over every operation
# with a bounded number of examples (API_TEST_EXAMPLES, default 60); any finding fails.
SCHEMATHESIS_VERSION := 4.32.5
API_VENV := .build/api-venv

api-deps:
	@$(call install_missing,python3-venv)
	@[ -x $(API_VENV)/bin/schemathesis ] && $(API_VENV)/bin/schemathesis --version | grep -q "$(SCHEMATHESIS_VERSION)" || { \
	  python3 -m venv $(API_VENV) && \
	  $(API_VENV)/bin/pip install --quiet --disable-pip-version-check schemathesis==$(SCHEMATHESIS_VERSION); }

api-test: deps api-deps
	$(SWIFT) build --product loupe
	python3 Tests/API/test_openapi.py --loupe .build/debug/loupe --schemathesis $(API_VENV)/bin/schemathesis
# Coverage-guided fuzzers (libFuzzer; Tests/Fuzz, a package of its own so `swift build` and
# `swift test` never compile them): segment files read with checksums bypassed, query text,
# and the `loupe add` input readers. Built in release with coverage into .build/fuzz (lld
# links them: gold fails on the instrumented objects), apart from the normal .build.
# FUZZ_ASAN=1 adds AddressSanitizer (reads and writes outside heap buffers, not only traps),
# built apart in .build/fuzz-asan; it runs at about half the speed.
FUZZ_SECONDS ?= 60
FUZZ_ASAN    ?=
FUZZ_BUILD   := .build/fuzz$(if $(FUZZ_ASAN),-asan)
comma        := ,
FUZZ_SAN     := $(if $(FUZZ_ASAN),$(comma)address)
FUZZ_FLAGS   := -Xswiftc -sanitize=fuzzer$(FUZZ_SAN) -Xcc -fsanitize=fuzzer-no-link$(FUZZ_SAN)

.PHONY: fuzz-build fuzz fuzz-corpus torture

fuzz-build: deps
	$(SWIFT) build -c release --package-path Tests/Fuzz --scratch-path $(FUZZ_BUILD) \
	  $(FUZZ_FLAGS) -Xswiftc -Xclang-linker -Xswiftc -fuse-ld=lld

# Each target for FUZZ_SECONDS over its corpus (Tests/Fuzz/Corpus/<target>, left as committed);
# fails on a crash or hang, saving the input in Tests/Fuzz/Artifacts.
fuzz: fuzz-build
	$(PYTHON) Tests/Fuzz/fuzz.py --seconds $(FUZZ_SECONDS) --build $(FUZZ_BUILD)

# Fuzzes, then merges what was found into the committed corpora, minimized (-merge=1).
fuzz-corpus: fuzz-build
	$(PYTHON) Tests/Fuzz/fuzz.py --seconds $(FUZZ_SECONDS) --build $(FUZZ_BUILD) --keep

# The crash-safety and hostile-file campaigns against the debug `loupe` on a generated corpus
# (Tests/Torture/torture.py): kill -9 during add, merge and delete --query; EIO or a kill
# injected at each fsync, rename and unlink (strace); corrupted committed files; then the
# fuzzers for TORTURE_FUZZ_SECONDS each. Prints trials, crashes, hangs and data lost, all zero.
TORTURE_SECONDS      ?= 180
TORTURE_FUZZ_SECONDS ?= 30

torture: deps fuzz-build
	@$(call install_missing,strace)
	$(SWIFT) build --product loupe
	$(PYTHON) Tests/Torture/torture.py --loupe .build/debug/loupe --seconds $(TORTURE_SECONDS) \
	  --fuzz-seconds $(TORTURE_FUZZ_SECONDS) --fuzz-build $(FUZZ_BUILD)

clean:
	$(SWIFT) package clean
	[ ! -d $(INDEX) ] || find $(INDEX) -mindepth 1 ! -name '*.md' -delete
