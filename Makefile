# Atrium — the two commands that matter: `make run` and `make test`.
SHELL := /bin/bash
GO ?= go
BIN := bin
LISTEN ?= 127.0.0.1:4000
CONFORMANCE := server/transport/conformance
PLAYGROUND_WEB := server/playground/web
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@2025.1.1

.PHONY: all build run test deps bench lint generate fuzz audit audit-http clean

all: build

build:
	$(GO) build -o $(BIN)/atrium ./cmd/atrium
	$(GO) build -o $(BIN)/demo-subgraphs ./demo/cmd/demo-subgraphs

# Starts the four demo subgraphs (ports 4001-4004) and the gateway on $(LISTEN).
run: build
	@$(BIN)/demo-subgraphs & demo=$$!; \
	trap 'kill $$demo $$gw 2>/dev/null; wait' EXIT INT TERM; \
	for i in $$(seq 1 50); do (echo > /dev/tcp/127.0.0.1/4004) 2>/dev/null && break; sleep 0.1; done; \
	$(BIN)/atrium serve --supergraph demo/supergraph.graphql --listen $(LISTEN) --debug & gw=$$!; \
	echo "Atrium: GraphQL and playground at http://$(LISTEN)/graphql, health at http://$(LISTEN)/health"; \
	wait -n $$demo $$gw

# Node packages the tests run (the graphql-http conformance audit).
deps:
	@if [ ! -d $(CONFORMANCE)/node_modules/graphql-http ]; then \
		npm --prefix $(CONFORMANCE) ci --no-audit --no-fund; fi

test: deps
	$(GO) vet ./...
	$(GO) test -race -count=1 -p 2 ./...

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (gofmt -l $$(git ls-files '*.go'); exit 1)
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...

# Regenerates the demo subgraphs (gqlgen) and the playground bundle (npm).
generate:
	$(GO) generate ./demo/...
	npm --prefix $(PLAYGROUND_WEB) ci --no-audit --no-fund
	npm --prefix $(PLAYGROUND_WEB) run build

# Runs every fuzz target for FUZZTIME each (new corpus entries land in testdata/fuzz).
FUZZTIME ?= 60s
fuzz:
	$(GO) test ./server/transport -run '^$$' -fuzz FuzzDecodeRequest -fuzztime $(FUZZTIME)
	$(GO) test ./planner -run '^$$' -fuzz FuzzPlan -fuzztime $(FUZZTIME)
	$(GO) test ./federation -run '^$$' -fuzz FuzzParse -fuzztime $(FUZZTIME)
	$(GO) test ./executor/introspect -run '^$$' -fuzz FuzzField -fuzztime $(FUZZTIME)

# The federation gateway audit (46 suites, 199 cases) against the ported subgraphs;
# rewrites audit/REPORT.md and audit/testdata/status.txt.
audit:
	$(GO) test -count=1 ./audit -update-status
	@grep Total audit/REPORT.md

# The GraphQL-over-HTTP audit against the gateway in front of the demo subgraphs.
audit-http: deps
	$(GO) test -count=1 -run TestGraphQLHTTPAudit -v ./gateway

clean:
	rm -rf $(BIN)
