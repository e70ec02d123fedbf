# eCabinet — build, test and package. GNU make.
#
#   make build          deps (build), then bin/ecabinet
#   make hub            bin/ecabinet-hub: the headless commands only, no Fyne, no cgo
#                       (a static Linux binary for servers; see deploy/)
#   make run ARGS=...   build, then start the desktop app (needs a display)
#   make test           what CI runs: deps, gofmt, vet, staticcheck, go test -race,
#                       smoke (real window under Xvfb), Windows cross-build
#   make smoke          scripts/smoke.sh only (SMOKE_RACE=1: app built with -race)
#   make cross-windows  bin/ecabinet.exe (PE32+ GUI) with mingw-w64
#   make bench          benchmarks, -count 5, into build/bench.txt
#   make fuzz           every Fuzz* target for FUZZTIME (20s) each
#   make deps           install what test needs (Debian packages, staticcheck,
#                       PostgreSQL and versitygw for the scaled-out hub's tests)
#   make clean

SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -ec
.DEFAULT_GOAL := build

GO       ?= go
TAGS     ?= migrated_fynedo
GOTAGS    = -tags $(TAGS)
ARGS     ?=
FUZZTIME ?= 20s
TEST_TIMEOUT ?= 30m

# Installed by scripts/deps.sh into the first GOPATH entry's bin (need not be on PATH).
STATICCHECK ?= $(firstword $(subst :, ,$(shell $(GO) env GOPATH)))/bin/staticcheck

.PHONY: all build hub run test deps fmt-check vet staticcheck unit smoke cross-windows \
	bench fuzz clean help

all: build

help:
	@sed -n '1,/^$$/p' Makefile | sed 's/^# \{0,1\}//'

deps:
	bash scripts/deps.sh all

build:
	bash scripts/deps.sh build
	$(GO) build $(GOTAGS) -o bin/ecabinet .

# The server build needs no Debian packages: no cgo, no graphics libraries.
# (make test builds it too, in e2e's TestMain, with CGO_ENABLED=0.)
hub:
	CGO_ENABLED=0 $(GO) build $(GOTAGS) -trimpath -o bin/ecabinet-hub ./cmd/ecabinet-hub

run: build
	bash scripts/run-app.sh $(ARGS)

# Each step stops `make test` on failure; they run in this order even under -j.
test:
	bash scripts/deps.sh test
	$(MAKE) --no-print-directory fmt-check
	$(MAKE) --no-print-directory vet
	$(MAKE) --no-print-directory staticcheck
	$(MAKE) --no-print-directory unit
	$(MAKE) --no-print-directory smoke
	$(MAKE) --no-print-directory cross-windows
	@echo "make test: all steps passed"

fmt-check:
	bash scripts/gofmt-check.sh

vet:
	$(GO) vet $(GOTAGS) ./...

staticcheck:
	@test -x "$(STATICCHECK)" || bash scripts/deps.sh test
	$(STATICCHECK) $(GOTAGS) ./...

# One throwaway PostgreSQL and one versitygw for every package (scripts/test-servers.sh),
# stopped after; their tests fail, never skip, when they cannot be reached.
unit:
	bash scripts/test-servers.sh run -- $(GO) test -race $(GOTAGS) -timeout $(TEST_TIMEOUT) ./...

smoke:
	bash scripts/deps.sh test
	bash scripts/smoke.sh

cross-windows:
	bash scripts/deps.sh test
	CGO_ENABLED=1 GOOS=windows GOARCH=amd64 CC=x86_64-w64-mingw32-gcc \
		$(GO) build $(GOTAGS) -ldflags "-H=windowsgui" -o bin/ecabinet.exe .
	bash scripts/check-pe.sh bin/ecabinet.exe

bench:
	@mkdir -p build
	$(GO) test $(GOTAGS) -run '^$$' -bench . -benchmem -count 5 ./... | tee build/bench.txt
	@if command -v benchstat >/dev/null 2>&1; then benchstat build/bench.txt; \
	else echo "bench: results in build/bench.txt (go install golang.org/x/perf/cmd/benchstat@latest to summarise)"; fi

fuzz:
	FUZZTIME=$(FUZZTIME) TAGS=$(TAGS) bash scripts/fuzz.sh

clean:
	rm -rf bin build
	find . -path ./.git -prune -o -type d -path '*/testdata/failed' -prune -exec rm -rf {} +
