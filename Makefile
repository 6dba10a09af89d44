# Incident Response for Mattermost — build, test, bundle.
# `make dist` builds the installable bundle; `make test` runs every test; see README.md.

SHELL := /bin/bash
CARGO ?= cargo
GO ?= go
NPM ?= npm

ID := $(shell python3 -c 'import json;print(json.load(open("plugin.json"))["id"])')
VERSION := $(shell python3 -c 'import json;print(json.load(open("plugin.json"))["version"])')
BUNDLE := dist/$(ID)-$(VERSION).tar.gz
GUEST := target/wasm32-wasip2/wasm/incident_guest.wasm
FAULTY_GUEST := target/wasm32-wasip2/wasm/faulty_guest.wasm
GUEST_CWASM := $(GUEST:.wasm=.cwasm)
# The same precompiled for the linux-arm64 host (GUEST_CWASM is this machine's, linux-amd64).
GUEST_CWASM_ARM64 := $(GUEST:.wasm=-linux-arm64.cwasm)
ARM64 := aarch64-unknown-linux-gnu
FAULTY_GUEST_CWASM := $(FAULTY_GUEST:.wasm=.cwasm)

.PHONY: all dist host guest webapp lint test test-rust test-webapp test-conformance test-versions e2e-servers api-fuzz e2e run setup-e2e bench fuzz deploy setup clean

all: dist

## Toolchain parts a fresh machine lacks (idempotent): Debian chromium, the wasm32-wasip2
## Rust target, webapp npm packages, Go modules.
setup:
	./build/setup.sh

## The plugin host for linux-amd64 (this machine) and linux-arm64, cross-compiled with Debian's
## gcc-aarch64-linux-gnu (.cargo/config.toml; build/setup.sh installs it and the Rust target).
host: setup
	$(CARGO) build --release -p plugin-host
	$(CARGO) build --release -p plugin-host --target $(ARM64)

## The plugin logic (and the sandbox tests' fault fixture) as wasm components, then each
## compiled ahead of time with the host's own wasmtime configuration (precompile-guest): the
## shipped host loads the .cwasm and has no compiler. The plugin logic once more for the
## linux-arm64 host (the same configuration, aarch64 code).
guest: setup
	$(CARGO) build --profile wasm --target wasm32-wasip2 -p incident-guest -p faulty-guest
	$(CARGO) run --quiet --release -p wasm-host --features compiler --bin precompile-guest -- \
		$(GUEST) $(GUEST_CWASM) $(FAULTY_GUEST) $(FAULTY_GUEST_CWASM)
	$(CARGO) run --quiet --release -p wasm-host --features compiler --bin precompile-guest -- \
		--target linux-arm64 $(GUEST) $(GUEST_CWASM_ARM64)

webapp: setup
	cd webapp && $(NPM) run build

dist: host guest webapp
	./build/bundle.sh

## Every test: the lint first, then Rust unit and protocol tests, webapp in Chromium, the Go
## conformance suite driving the bundle through Mattermost's own plugin host code, then end to
## end on a real Mattermost server.
test: setup lint test-rust dist test-webapp test-conformance api-fuzz e2e

## The style, checked: rustfmt (rustfmt.toml), clippy with the workspace's lints as errors
## (natively and for the wasm guests), the webapp's TypeScript and ESLint, go vet on the Go
## tests and tools, and every Rust and npm dependency's licence against build/licences-allowed.txt
## (with NOTICE up to date).
lint: setup
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets --exclude faulty-guest --features host-store/pg-tests -- -D warnings
	$(CARGO) clippy -p wasm-host --features compiler --all-targets -- -D warnings
	$(CARGO) clippy -p incident-guest -p faulty-guest --target wasm32-wasip2 -- -D warnings
	cd webapp && $(NPM) run lint
	cd tests/conformance && $(GO) vet ./...
	cd tests/conformance && $(GO) vet -modfile=versions/go.$$(../../build/conformance-versions.sh oldest).mod ./...
	cd tests/conformance && $(GO) vet -modfile=versions/go.$$(../../build/conformance-versions.sh newest).mod ./...
	cd tests/e2e && $(GO) vet ./...
	cd tests/gobaseline && $(GO) vet ./...
	python3 build/check-licences.py

## Rust tests beside a private PostgreSQL (build/with-postgres.sh): the shared-database store's
## own tests, the sandbox as shipped (no compiler) and as a developer host (--features compiler),
## then the plugin logic's tests once on SQLite and once on PostgreSQL.
test-rust: guest
	./build/with-postgres.sh $(CARGO) test --workspace --exclude faulty-guest --features host-store/pg-tests
	$(CARGO) test -p wasm-host --features compiler --test sandbox
	INCIDENT_TEST_BACKEND=postgres ./build/with-postgres.sh $(CARGO) test -p incident-guest

## The webapp's Chromium tests drive the real plugin (tests/conformance/cmd/devserver).
test-webapp: dist
	cd webapp && BUNDLE_TGZ=$(CURDIR)/$(BUNDLE) $(NPM) test

## The conformance suite against the oldest and the newest release of Mattermost's plugin host
## code we support (server/public; build/conformance-versions.sh, docs/compatibility.md), both
## at once (CONFORMANCE_JOBS=1 for one after the other).
CONFORMANCE_ENV = BUNDLE_TGZ=$(CURDIR)/$(BUNDLE) FAULTY_GUEST_CWASM=$(CURDIR)/$(FAULTY_GUEST_CWASM) GO=$(GO)
test-conformance: dist guest
	$(CONFORMANCE_ENV) ./build/conformance-versions.sh ends -count=1 -timeout 20m

## The same against every release the Go module proxy serves (about 4 minutes each); releases
## below plugin.json's min_server_version only check that Mattermost refuses the plugin.
test-versions: dist guest
	./build/conformance-versions.sh download
	$(CONFORMANCE_ENV) ./build/conformance-versions.sh all -count=1 -timeout 20m

## schemathesis (pinned by build/setup.sh) against docs/openapi.yaml on the real plugin behind
## tests/conformance/cmd/devserver, as a team member, a user of another team, a guest and a
## system admin: no answer may be a 5xx.
## API_FUZZ_EXAMPLES per operation (default 30).
api-fuzz: dist
	./build/api-fuzz.sh $(BUNDLE)

## End to end on a real Mattermost server (tests/e2e): builds the server from its Go module
## (minutes the first time; then Go's build cache), a private PostgreSQL on loopback, the bundle
## uploaded and enabled, the incident lifecycle by several users, restart, disable/enable,
## upgrade, and the webapp in Chromium against it; run twice, once per storage backend (the
## plugin's SQLite file, then its schema in the server's PostgreSQL).
e2e: setup-e2e dist
	cd tests/e2e && BUNDLE_TGZ=$(CURDIR)/$(BUNDLE) $(GO) test -count=1 -timeout 30m ./...
	cd tests/e2e && E2E_STORAGE_BACKEND=database BUNDLE_TGZ=$(CURDIR)/$(BUNDLE) $(GO) test -count=1 -timeout 30m -skip TestHA ./...

## The end-to-end suite, both backends, against each other server build the proxy serves
## (tests/e2e/servers/go.<server/v8 version>.mod; docs/compatibility.md).
e2e-servers: setup-e2e dist
	set -e; for mod in tests/e2e/servers/go.*.mod; do \
	  echo "== e2e against $$mod"; \
	  (cd tests/e2e && GOFLAGS="$$($(GO) env GOFLAGS) -modfile=servers/$$(basename $$mod)" BUNDLE_TGZ=$(CURDIR)/$(BUNDLE) $(GO) test -count=1 -timeout 30m ./...); \
	  (cd tests/e2e && GOFLAGS="$$($(GO) env GOFLAGS) -modfile=servers/$$(basename $$mod)" E2E_STORAGE_BACKEND=database BUNDLE_TGZ=$(CURDIR)/$(BUNDLE) $(GO) test -count=1 -timeout 30m -skip TestHA ./...); \
	done

## A local Mattermost with the plugin installed, a demo team and users; prints the URL and
## logins; Ctrl-C stops it (MM_RUN_PORT, default 8065).
run: setup-e2e dist
	./build/run.sh $(BUNDLE)

setup-e2e:
	./build/setup.sh e2e

## Figures: sizes, one hook's cost inside the host (wasm-host's hook_cost example), ours next to
## a Go baseline plugin (tests/gobaseline), then 10,000 incidents under 8 clients for 60 s
## (about 4 minutes in all; exits 1 if any request fails). A quick run:
##   make bench BENCH_FLAGS="-load-seconds 5 -stored 1000"
BENCH_FLAGS ?=
bench: dist
	@echo "webapp_main_js_bytes: $$(stat -c %s webapp/dist/main.js)"
	@echo "guest_wasm_bytes: $$(stat -c %s $(GUEST))"
	@echo "bundle_bytes: $$(stat -c %s $(BUNDLE))"
	@echo "guest_cwasm_bytes: $$(stat -c %s $(GUEST_CWASM))"
	@echo "host_bytes: $$(stat -c %s target/release/plugin-host)"
	$(CARGO) run --quiet --release -p wasm-host --example hook_cost -- $(GUEST_CWASM)
	cd tests/conformance && BUNDLE_TGZ=$(CURDIR)/$(BUNDLE) $(GO) run ./cmd/bench -go $(GO) $(BENCH_FLAGS)

fuzz:
	./build/fuzz.sh

## Upload and enable the bundle on a running server:
##   MM_SERVICESETTINGS_SITEURL=https://chat.example.com MM_ADMIN_TOKEN=... make deploy
deploy: dist
	./build/deploy.sh $(BUNDLE) $(ID)

clean:
	$(CARGO) clean
	rm -rf dist webapp/dist
