# Atrium — the two commands that matter: `make run` and `make test`.
SHELL := /bin/bash
GO ?= go
BIN := bin
LISTEN ?= 127.0.0.1:4000
CONFORMANCE := server/transport/conformance
PLAYGROUND_WEB := server/playground/web
PORTAL_WEB := portal/web
PORTAL_SOURCES := $(shell find $(PORTAL_WEB)/src -type f 2>/dev/null) $(addprefix $(PORTAL_WEB)/,index.html package-lock.json vite.config.ts tsconfig.json)
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
PROTOC_GEN_GO := google.golang.org/protobuf/cmd/protoc-gen-go@v1.36.12
PROTOC_GEN_GO_GRPC := google.golang.org/grpc/cmd/protoc-gen-go-grpc@v1.6.2

.PHONY: all build run test deps bench lint generate proto fuzz audit audit-http clean portal

all: build

build: portal/dist/index.html
	$(GO) build -o $(BIN)/atrium ./cmd/atrium
	$(GO) build -o $(BIN)/demo-subgraphs ./demo/cmd/demo-subgraphs

# Starts the four demo subgraphs (ports 4001-4004) and Atrium on $(LISTEN): the gateway and
# the schema registry (SQLite in ./.atrium). The demo subgraphs are published to the registry,
# which composes the supergraph the gateway then serves; publishing again changes nothing.
# The dev IdP on 127.0.0.1:4010 signs users in as demo / atrium (an administrator of the
# portal) or dev / atrium (a developer) (docs/dev-idp.md); the gateway accepts its tokens
# (demo/atrium.yaml). The developer portal is at /portal/ (docs/portal.md).
run: build
	@$(BIN)/demo-subgraphs & demo=$$!; \
	$(BIN)/atrium dev-idp --user demo:atrium:demo@atrium.local:staff --user dev:atrium:dev@atrium.local:developers & idp=$$!; \
	trap 'kill $$demo $$idp $$gw 2>/dev/null; wait' EXIT INT TERM; \
	for i in $$(seq 1 50); do (echo > /dev/tcp/127.0.0.1/4005) 2>/dev/null && break; sleep 0.1; done; \
	for i in $$(seq 1 50); do (echo > /dev/tcp/127.0.0.1/4010) 2>/dev/null && break; sleep 0.1; done; \
	$(BIN)/atrium serve --listen $(LISTEN) --debug --config demo/atrium.yaml & gw=$$!; \
	l=$(LISTEN); for i in $$(seq 1 100); do (echo > /dev/tcp/$${l%:*}/$${l##*:}) 2>/dev/null && break; sleep 0.1; done; \
	for s in accounts:4001 products:4002 reviews:4003 inventory:4004; do \
		$(BIN)/atrium subgraph publish --endpoint http://$(LISTEN)/api/graphql \
			--name $${s%%:*} --url http://127.0.0.1:$${s##*:}/graphql --message "make run" || exit 1; \
	done; \
	$(BIN)/atrium subgraph publish --endpoint http://$(LISTEN)/api/graphql --name shipping \
		--url http://127.0.0.1:4005/v1 --schema demo/shipping/schema.graphql --message "make run: REST connectors" || exit 1; \
	$(BIN)/atrium subgraph publish --endpoint http://$(LISTEN)/api/graphql --name pricing \
		--url http://127.0.0.1:4006 --schema demo/pricing/schema.graphql --message "make run: gRPC connectors" || exit 1; \
	for s in accounts:4001 products:4002 reviews:4003 inventory:4004; do \
		$(BIN)/atrium subgraph publish --endpoint http://$(LISTEN)/api/graphql --variant sandbox \
			--name $${s%%:*} --url http://127.0.0.1:$${s##*:}/graphql --message "make run: sandbox" >/dev/null || exit 1; \
	done; \
	$(BIN)/atrium client create atrium-cli --public --redirect-uri http://127.0.0.1/callback \
		--grant-type authorization_code --grant-type refresh_token \
		--grant-type urn:ietf:params:oauth:grant-type:token-exchange --endpoint http://$(LISTEN)/api/graphql >/dev/null 2>&1 || true; \
	echo "Atrium: the portal at http://$(LISTEN)/portal/ (sign in as demo / atrium, an administrator, or dev / atrium), GraphQL and playground at http://$(LISTEN)/graphql, registry API at http://$(LISTEN)/api/graphql (token in .atrium/admin-token), health at http://$(LISTEN)/health, dev sign-in at http://127.0.0.1:4010 (demo / atrium)"; \
	wait -n $$demo $$idp $$gw

# The developer portal's web app (portal/web → portal/dist, embedded in the binary): rebuilt
# when its sources change. dist/ is checked in, so Go builds need no Node.
portal: portal/dist/index.html
# Without npm the checked-in build serves (a fresh clone's file times say nothing of which
# is newer).
portal/dist/index.html: $(PORTAL_SOURCES)
	@if command -v npm >/dev/null; then \
		npm --prefix $(PORTAL_WEB) ci --no-audit --no-fund && npm --prefix $(PORTAL_WEB) run build; \
	else echo "portal: no npm, serving the checked-in portal/dist (Node 20 rebuilds it)"; fi
	@touch $@

# Node packages the tests run (the graphql-http conformance audit, axe-core for the browser tests).
deps:
	@if [ ! -d $(CONFORMANCE)/node_modules/graphql-http ]; then \
		npm --prefix $(CONFORMANCE) ci --no-audit --no-fund; fi
	@if [ ! -d internal/browsertest/node_modules/axe-core ]; then \
		npm --prefix internal/browsertest ci --no-audit --no-fund; fi

test: deps
	$(GO) vet ./...
	$(GO) test -race -count=1 -p 2 ./...

# The federated benchmark (bench/README.md): the floor, Atrium with deduplication off and
# on, and GATEWAY='cmd' if given (it gets SUPERGRAPH and PORT), each under wrk at 50
# connections on 127.0.0.1; prints one table and appends it to bench/RESULTS.md.
# GATEWAY_NAME names GATEWAY's row; BENCH_FLAGS passes runner flags, e.g.
# BENCH_FLAGS='-duration 5s -warmup 2s'.
bench: bench-micro
	@command -v wrk >/dev/null || { echo "installing wrk"; \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq wrk; \
		else sudo apt-get update -qq && sudo apt-get install -y -qq wrk; fi; }
	$(GO) build -o $(BIN)/atrium ./cmd/atrium
	$(GO) build -o $(BIN)/bench-subgraphs ./bench/cmd/bench-subgraphs
	$(GO) build -o $(BIN)/bench-floor ./bench/cmd/bench-floor
	$(GO) build -o $(BIN)/bench-runner ./bench/cmd/runner
	$(BIN)/bench-runner -bin $(BIN) $(BENCH_FLAGS) \
		$(if $(GATEWAY),-gateway '$(subst ','"'"',$(value GATEWAY))' -gateway-name '$(or $(GATEWAY_NAME),gateway)')

# The request path's Go micro-benchmarks, briefly.
.PHONY: bench-micro
bench-micro:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 200ms \
		./planner ./gateway ./gateway/products ./bench ./executor/... ./auth

lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (gofmt -l $$(git ls-files '*.go'); exit 1)
	$(GO) vet ./...
	# gqlgen's generated packages (graph/, demo/*/graph) are not ours to lint.
	$(GO) run $(STATICCHECK) $$($(GO) list ./... | grep -v '/graph$$')

# Regenerates the registry API (gqlgen.yml → graph/), the demo subgraphs (gqlgen), the
# playground bundle and the portal (npm).
generate:
	$(GO) tool gqlgen generate --config gqlgen.yml
	$(GO) generate ./demo/...
	npm --prefix $(PLAYGROUND_WEB) ci --no-audit --no-fund
	npm --prefix $(PLAYGROUND_WEB) run build
	npm --prefix $(PORTAL_WEB) ci --no-audit --no-fund
	npm --prefix $(PORTAL_WEB) run build

# Regenerates the demo's gRPC code (demo/pricing/pricing.proto → pricingpb/) and the
# descriptorSet in demo/pricing/schema.graphql. Needs protoc (Debian: protobuf-compiler); the
# plugins are installed, pinned, into $(BIN). Not part of test or run: the output is checked in.
proto:
	@command -v protoc >/dev/null || { echo "proto: needs protoc (apt-get install protobuf-compiler)"; exit 1; }
	GOBIN=$(abspath $(BIN)) $(GO) install $(PROTOC_GEN_GO)
	GOBIN=$(abspath $(BIN)) $(GO) install $(PROTOC_GEN_GO_GRPC)
	protoc --proto_path=. \
		--plugin=protoc-gen-go=$(BIN)/protoc-gen-go --go_out=. --go_opt=module=github.com/atrium-gateway/atrium \
		--plugin=protoc-gen-go-grpc=$(BIN)/protoc-gen-go-grpc --go-grpc_out=. --go-grpc_opt=module=github.com/atrium-gateway/atrium \
		demo/pricing/pricing.proto
	$(GO) test ./demo/pricing -run '^TestDescriptorSet$$' -update

# Runs every fuzz target for FUZZTIME each (new corpus entries land in testdata/fuzz).
FUZZTIME ?= 60s
fuzz:
	$(GO) test ./server/transport -run '^$$' -fuzz FuzzDecodeRequest -fuzztime $(FUZZTIME)
	$(GO) test ./planner -run '^$$' -fuzz FuzzPlan -fuzztime $(FUZZTIME)
	$(GO) test ./federation -run '^$$' -fuzz FuzzParse -fuzztime $(FUZZTIME)
	$(GO) test ./executor/introspect -run '^$$' -fuzz FuzzField -fuzztime $(FUZZTIME)
	$(GO) test ./federation/compose -run '^$$' -fuzz FuzzCompose -fuzztime $(FUZZTIME)
	$(GO) test ./federation/contract -run '^$$' -fuzz FuzzBuild -fuzztime $(FUZZTIME) -fuzzminimizetime 5s
	$(GO) test ./federation/schemadiff -run '^$$' -fuzz FuzzDiff -fuzztime $(FUZZTIME)
	$(GO) test ./federation/usage -run '^$$' -fuzz FuzzCoordinates -fuzztime $(FUZZTIME)
	$(GO) test ./federation/usage -run '^$$' -fuzz FuzzSignature -fuzztime $(FUZZTIME)
	$(GO) test ./jsonenc -run '^$$' -fuzz FuzzAppendString -fuzztime $(FUZZTIME)
	$(GO) test ./connectors/mapping -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME)
	$(GO) test ./connectors/mapping -run '^$$' -fuzz FuzzApply -fuzztime $(FUZZTIME)
	$(GO) test ./connectors/mapping -run '^$$' -fuzz FuzzTemplate -fuzztime $(FUZZTIME)
	$(GO) test ./connectors/grpc -run '^$$' -fuzz FuzzDecodeSet -fuzztime $(FUZZTIME)
	$(GO) test ./connectors/grpc/importer -run '^$$' -fuzz FuzzImport -fuzztime $(FUZZTIME)
	$(GO) test ./connectors/openapi -run '^$$' -fuzz FuzzImport -fuzztime $(FUZZTIME)
	$(GO) test ./auth -run '^$$' -fuzz FuzzAuthorize -fuzztime $(FUZZTIME)
	$(GO) test ./auth/issuer -run '^$$' -fuzz FuzzTokenEndpoint -fuzztime $(FUZZTIME)
	$(GO) test ./markdown -run '^$$' -fuzz FuzzNothingUnsafeComesOut -fuzztime $(FUZZTIME)

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
