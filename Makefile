# Holdline: two commands on a fresh machine.
#   make run   serve the embedded demo on http://127.0.0.1:8080
#   make test  run the whole test suite (installs what it needs)
#   make sim   run the simulator's whole benchmark (docs/simulator.md)
#   make bench measure the PTK's throughput against ceilings (docs/benchmarks.md)
#   make bench-scale  measure Holdline with 1,000,000 pending callbacks (docs/benchmarks.md)

# The unit target reads a piped command's status with bash's PIPESTATUS.
SHELL := /bin/bash
export PATH := /usr/local/go/bin:$(HOME)/go/bin:$(PATH)
GO      ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)

.PHONY: run test build deps check-fmt vet lint unit unit-postgres fuzz fuzz-short sim bench bench-scale clean

# The envelope decoder's fuzz target (internal/ptk/decode_test.go), and the
# whole PTK endpoint on a running platform (internal/ptk/fuzz_handler_test.go:
# no panic, no code a method's table does not list).
FUZZ := $(GO) test ./internal/ptk -run '^$$' -fuzz '^FuzzDecodeEnvelope$$'
FUZZ_HANDLER := $(GO) test ./internal/ptk -run '^$$' -fuzz '^FuzzHandler$$'
# The decoder's namespaces against encoding/xml's (internal/ptk/names_test.go).
FUZZ_NAMES := $(GO) test ./internal/ptk -run '^$$' -fuzz '^FuzzNamesMatchEncodingXML$$'
# The answers' escaping against encoding/xml's (internal/ptk/escape_test.go).
FUZZ_ESCAPE := $(GO) test ./internal/ptk -run '^$$' -fuzz '^FuzzEscapeMatchesEncodingXML$$'

run:
	$(GO) run -ldflags "$(LDFLAGS)" ./cmd/holdline serve

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o bin/holdline ./cmd/holdline

# make test installs the test tools first (scripts/test-deps: xmllint, zeep,
# node-soap), so that a missing one fails the tests instead of skipping them.
test: export HOLDLINE_REQUIRE_TOOLS := 1
test: deps check-fmt vet lint unit fuzz-short

deps:
	@scripts/test-deps

check-fmt:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

# golangci-lint (.golangci.yaml: depguard keeps the domain free of SQL, HTTP
# and XML, forbidigo keeps wall-clock time out of it), built from the
# separate tools module so its dependencies stay out of go.mod.
bin/golangci-lint: tools/go.mod tools/go.sum
	$(GO) build -modfile=tools/go.mod -o $@ github.com/golangci/golangci-lint/v2/cmd/golangci-lint

lint: bin/golangci-lint
	bin/golangci-lint run ./...

# Every package, and beside them, on PostgreSQL, the suites that run the
# platform (those that import internal/platformtest): a throwaway cluster
# that internal/pgtest starts (issue #12).
PLATFORM_SUITES = $$($(GO) list -f '{{.ImportPath}} {{join .TestImports " "}} {{join .XTestImports " "}}' ./... | \
	awk '/internal\/platformtest( |$$)/ && $$1 !~ /platformtest$$/ {print $$1}')
unit:
	@$(GO) test -count=1 -timeout 20m ./... & all=$$!; \
	HOLDLINE_TEST_ENGINE=postgres $(GO) test -count=1 -timeout 20m $(PLATFORM_SUITES) | sed 's/^/postgres: /'; pg=$${PIPESTATUS[0]}; \
	wait $$all; sqlite=$$?; test $$sqlite -eq 0 -a $$pg -eq 0

unit-postgres:
	HOLDLINE_TEST_ENGINE=postgres $(GO) test -count=1 -timeout 20m $(PLATFORM_SUITES)

# A bounded fuzz run, part of make test (issue #3, acceptance 5).
fuzz-short:
	$(FUZZ) -fuzztime 20s -fuzzminimizetime 5s
	$(FUZZ_HANDLER) -fuzztime 10s -fuzzminimizetime 5s
	$(FUZZ_NAMES) -fuzztime 10s -fuzzminimizetime 5s
	$(FUZZ_ESCAPE) -fuzztime 5s -fuzzminimizetime 5s

fuzz:
	$(FUZZ) -fuzztime 60s
	$(FUZZ_HANDLER) -fuzztime 60s
	$(FUZZ_NAMES) -fuzztime 60s
	$(FUZZ_ESCAPE) -fuzztime 60s

# The simulator's full acceptance run (issue #5, docs/benchmarks.md): every
# scenario on the real platform, the table on the terminal, the JSON in
# bin/sim.json and the charts in bin/sim-plots. Minutes, so not part of make test.
sim:
	@mkdir -p bin
	$(GO) run -ldflags "$(LDFLAGS)" ./cmd/holdline sim --json bin/sim.json --plot bin/sim-plots

# The throughput benchmark (issue #11, docs/benchmarks.md "Throughput"): the
# real server and the ceilings built in the same run, alternately; the table
# on the terminal, the JSON in bin/bench.json. About 4 minutes with the
# defaults, so not part of make test; BENCH_FLAGS passes options
# (e.g. BENCH_FLAGS="--duration 5s --reps 1").
bench: build
	bin/holdline bench --json bin/bench.json $(BENCH_FLAGS)

# The scale benchmark (issue #11, docs/benchmarks.md "Scale"): 1,000,000
# pending callbacks loaded into a fresh data folder through the platform's
# own registration code, then the server's RSS, restart after SIGKILL, idle
# CPU and GetSegmentState throughput against their bounds; the table on the
# terminal, the JSON in bin/bench-scale.json. About 15 minutes, most of it
# the load; BENCH_SCALE_FLAGS passes options (e.g. "--dir bin/scale" keeps
# the loaded folder, and a second run with it skips the load).
bench-scale: build
	bin/holdline bench scale --json bin/bench-scale.json $(BENCH_SCALE_FLAGS)

clean:
	rm -rf bin holdline-data
