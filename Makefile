# Holdline: two commands on a fresh machine.
#   make run   serve the embedded demo on http://127.0.0.1:8080
#   make test  run the whole test suite (installs what it needs)

export PATH := /usr/local/go/bin:$(HOME)/go/bin:$(PATH)
GO      ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)

.PHONY: run test build check-fmt vet unit fuzz clean

run:
	$(GO) run -ldflags "$(LDFLAGS)" ./cmd/holdline serve

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o bin/holdline ./cmd/holdline

test: check-fmt vet unit

check-fmt:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

unit:
	$(GO) test -count=1 -timeout 20m ./...

clean:
	rm -rf bin holdline-data
