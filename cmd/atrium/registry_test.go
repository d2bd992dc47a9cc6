package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atrium-gateway/atrium/demo/accounts"
	"github.com/atrium-gateway/atrium/demo/inventory"
	"github.com/atrium-gateway/atrium/demo/products"
	"github.com/atrium-gateway/atrium/demo/reviews"
	"github.com/atrium-gateway/atrium/registry"
	"github.com/atrium-gateway/atrium/registry/client"
	"github.com/atrium-gateway/atrium/registry/store"
	"github.com/atrium-gateway/atrium/registry/store/storetest"
	"github.com/atrium-gateway/atrium/resolvers"
)

const testAdminToken = "cli-test-admin-token"

// startRegistry serves the registry API over a fresh SQLite store and returns its
// endpoint and the store.
func startRegistry(t *testing.T) (string, *store.Store) {
	t.Helper()
	st := storetest.Open(t, storetest.SQLite(t))
	h, err := resolvers.Handler(registry.New(st), resolvers.Options{AdminToken: testAdminToken})
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL + resolvers.Path, st
}

// startDemoSubgraphs serves the four demo subgraphs and returns their URLs by name.
func startDemoSubgraphs(t *testing.T) map[string]string {
	t.Helper()
	urls := map[string]string{}
	for name, h := range map[string]http.Handler{"accounts": accounts.Handler(), "products": products.Handler(), "reviews": reviews.Handler(), "inventory": inventory.Handler()} {
		srv := httptest.NewServer(h)
		t.Cleanup(srv.Close)
		urls[name] = srv.URL + "/graphql"
	}
	return urls
}

// runWithInput runs the CLI like run, with stdin as its standard input.
func runWithInput(t *testing.T, ctx context.Context, stdin string, args ...string) (string, error) {
	t.Helper()
	cmd := rootCommand()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetIn(strings.NewReader(stdin))
	cmd.SetArgs(args)
	err := cmd.ExecuteContext(ctx)
	return out.String(), err
}

func lastLine(out string) string {
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	return lines[len(lines)-1]
}

// freeEndpoint returns a registry URL on a port nothing listens on.
func freeEndpoint(t *testing.T) string {
	t.Helper()
	return "http://" + freeAddr(t) + resolvers.Path
}

// TestRegistryCommands publishes the demo subgraphs through the CLI, reads them back,
// checks changes with and without usage, and deletes one: the workflow of a backend team
// and of its CI pipeline.
func TestRegistryCommands(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	endpoint, st := startRegistry(t)
	urls := startDemoSubgraphs(t)
	api := []string{"--endpoint", endpoint, "--token", testAdminToken}
	cli := func(args ...string) (string, error) {
		t.Helper()
		return run(t, ctx, append(args, api...)...)
	}

	_, err := cli("supergraph", "fetch")
	require.ErrorContains(t, err, "no supergraph yet")
	out, err := cli("subgraph", "list")
	require.NoError(t, err)
	assert.Contains(t, out, "no subgraphs yet")

	// accounts from a file, products from the running subgraph's _service { sdl },
	// reviews from standard input, inventory from a file with --json.
	out, err = cli("subgraph", "publish", "--name", "accounts", "--url", urls["accounts"],
		"--schema", "../../demo/accounts/schema.graphqls", "--owner", "team-accounts", "--message", "first")
	require.NoError(t, err)
	assert.Regexp(t, `^published version 1 of the supergraph \(\d+ changes\)\n  SAFE      TYPE_ADDED `, out)

	out, err = cli("subgraph", "publish", "--name", "products", "--url", urls["products"], "--owner", "team-products")
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(out, "published version 2 of the supergraph ("), out)
	assert.Contains(t, out, "FIELD_ADDED Query.topProducts")
	fromService, err := st.Subgraph(ctx, "products")
	require.NoError(t, err)
	assert.Contains(t, fromService.SDL, "topProducts", "read from the running subgraph")

	out, err = runWithInput(t, ctx, demoSchema(t, "reviews"), append([]string{"subgraph", "publish", "--name", "reviews", "--url", urls["reviews"], "--schema", "-"}, api...)...)
	require.NoError(t, err)
	assert.Contains(t, out, "published version 3 of the supergraph")

	out, err = cli("subgraph", "publish", "--name", "inventory", "--url", urls["inventory"], "--schema", "../../demo/inventory/schema.graphqls", "--json")
	require.NoError(t, err)
	var published struct {
		Published, Unchanged bool
		Version              struct{ ID int64 }
		Errors               []any
		Changes              []registry.Change
	}
	require.NoError(t, json.Unmarshal([]byte(out), &published), out)
	assert.True(t, published.Published)
	assert.EqualValues(t, 4, published.Version.ID)
	assert.NotNil(t, published.Errors, "empty lists print as []")
	assert.NotEmpty(t, published.Changes)

	out, err = cli("subgraph", "publish", "--name", "inventory", "--url", urls["inventory"], "--schema", "../../demo/inventory/schema.graphqls")
	require.NoError(t, err)
	assert.Equal(t, "unchanged: version 4 is current\n", out)

	out, err = cli("subgraph", "list")
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.Len(t, lines, 5, out)
	assert.Regexp(t, `^NAME\s+URL\s+OWNER\s+UPDATED$`, lines[0])
	assert.Regexp(t, `^accounts\s+`+urls["accounts"]+`\s+team-accounts\s+\d{4}-\d\d-\d\dT`, lines[1])
	assert.Regexp(t, `^reviews\s+`+urls["reviews"]+`\s+-\s+`, lines[4])
	out, err = cli("subgraph", "list", "--json")
	require.NoError(t, err)
	var subs []client.Subgraph
	require.NoError(t, json.Unmarshal([]byte(out), &subs), out)
	require.Len(t, subs, 4)
	assert.Equal(t, "inventory", subs[1].Name)
	assert.Equal(t, urls["inventory"], subs[1].URL)

	// fetch prints exactly the stored SDL, or replaces a file with it.
	current, err := st.Current(ctx)
	require.NoError(t, err)
	out, err = cli("supergraph", "fetch")
	require.NoError(t, err)
	assert.Equal(t, current.SDL, out)
	path := filepath.Join(t.TempDir(), "supergraph.graphql")
	require.NoError(t, os.WriteFile(path, []byte("old"), 0o644))
	out, err = cli("supergraph", "fetch", "--output", path)
	require.NoError(t, err)
	assert.Equal(t, "wrote version 4 of the supergraph to "+path+"\n", out)
	written, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, current.SDL, string(written))
	second, err := st.Version(ctx, 2)
	require.NoError(t, err)
	out, err = cli("supergraph", "fetch", "--version", "2")
	require.NoError(t, err)
	assert.Equal(t, second.SDL, out)
	_, err = cli("supergraph", "fetch", "--version", "99")
	require.ErrorContains(t, err, "no version 99")
	out, err = cli("supergraph", "fetch", "--json")
	require.NoError(t, err)
	var version struct {
		ID        int64
		SDL       string
		Subgraphs []struct{ Name, URL, SDLHash string }
		Publisher string
	}
	require.NoError(t, json.Unmarshal([]byte(out), &version), out)
	assert.EqualValues(t, 4, version.ID)
	assert.Equal(t, current.SDL, version.SDL)
	require.Len(t, version.Subgraphs, 4)
	assert.Equal(t, "accounts", version.Subgraphs[0].Name)
	assert.Len(t, version.Subgraphs[0].SDLHash, 64)
	assert.Contains(t, out, `"sdlHash"`, "the API's field names")
	assert.Equal(t, "admin", version.Publisher)

	// Removing Query.product is breaking; it passes while no client uses the field.
	withoutProduct := writeFile(t, "products.graphql", strings.Replace(demoSchema(t, "products"), "  product(upc: String!): Product\n", "", 1))
	out, err = cli("subgraph", "check", "--name", "products", "--schema", withoutProduct)
	require.NoError(t, err, out)
	assert.Contains(t, out, "BREAKING  FIELD_REMOVED Query.product: ")
	assert.Contains(t, out, "not used by any operation in the window")
	assert.Equal(t, "PASS: 1 change, none breaks an operation in use", lastLine(out))
	out, err = cli("subgraph", "check", "--name", "products", "--schema", withoutProduct, "--json")
	require.NoError(t, err, out)
	assert.Contains(t, out, `"inUse": false,`, "every field of the API, zero or not")
	assert.Contains(t, out, `"operationNames": []`)

	require.NoError(t, st.RecordUsage(ctx, []store.UsageRecord{{
		Hash: "product-page", Name: "ProductPage", Document: "query ProductPage { product(upc: \"1\") { name } }",
		Coordinates: []string{"Query", "Query.product", "Product", "Product.name"}, Client: "web", Count: 3,
	}}))
	out, err = cli("subgraph", "check", "--name", "products", "--schema", withoutProduct, "--window", "24h")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "check failed: 1 breaking change used by operations of the last 24h")
	assert.Contains(t, out, "in use: 1 operation, 3 requests (ProductPage)")
	assert.Equal(t, "FAIL: 1 breaking change used by operations of the last 24h", lastLine(out))
	out, err = cli("subgraph", "check", "--name", "products", "--schema", withoutProduct, "--json")
	require.ErrorContains(t, err, "check failed")
	var check client.Check
	require.NoError(t, json.Unmarshal([]byte(out), &check), out)
	assert.False(t, check.Passed)
	assert.EqualValues(t, 4, check.BaseVersion)
	require.Len(t, check.Changes, 1)
	assert.Equal(t, []string{"ProductPage"}, check.Changes[0].OperationNames)
	assert.Contains(t, out, `"inUse": true`)

	// The running subgraph's own schema changes nothing; a schema that does not compose fails.
	out, err = cli("subgraph", "check", "--name", "products", "--url", urls["products"])
	require.NoError(t, err, out)
	assert.Equal(t, "PASS: nothing changes for clients", lastLine(out))
	bad := writeFile(t, "bad.graphql", "type Query { x: Nope }\n")
	out, err = cli("subgraph", "check", "--name", "products", "--schema", bad)
	require.ErrorContains(t, err, "check failed: products does not compose")
	assert.Contains(t, out, "INVALID_GRAPHQL [products@1:")
	assert.True(t, strings.HasPrefix(lastLine(out), "FAIL: "), out)
	_, err = cli("subgraph", "check", "--name", "products")
	require.ErrorContains(t, err, "--schema")
	_, err = cli("subgraph", "check", "--name", "products", "--schema", bad, "--delete")
	require.ErrorContains(t, err, "--delete")
	_, err = cli("subgraph", "check", "--name", "products", "--schema", bad, "--window", "90m")
	require.ErrorContains(t, err, "whole number of hours")

	// A publish that does not compose prints why and changes nothing.
	out, err = cli("subgraph", "publish", "--name", "products", "--url", urls["products"], "--schema", bad)
	require.ErrorContains(t, err, "composition failed: the registry keeps version 4")
	assert.Contains(t, out, "INVALID_GRAPHQL [products@1:")
	after, err := st.Current(ctx)
	require.NoError(t, err)
	assert.Equal(t, current.ID, after.ID)
	kept, err := st.Subgraph(ctx, "products")
	require.NoError(t, err)
	assert.Equal(t, fromService.SDL, kept.SDL)
	_, err = cli("subgraph", "publish", "--name", "products", "--url", "ftp://x", "--schema", bad)
	require.ErrorContains(t, err, "the registry answered: ")
	_, err = cli("subgraph", "publish", "--name", "products", "--url", urls["products"], "--schema", "missing.graphql")
	require.ErrorContains(t, err, "reading the schema")

	// Removing inventory breaks nobody; deleting it publishes version 5.
	out, err = cli("subgraph", "check", "--name", "inventory", "--delete")
	require.NoError(t, err, out)
	assert.Contains(t, out, "FIELD_REMOVED Product.inStock")
	out, err = cli("subgraph", "delete", "--name", "inventory", "--message", "retired")
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(out, "deleted inventory: published version 5 of the supergraph ("), out)
	assert.Contains(t, out, "FIELD_REMOVED Product.inStock")
	out, err = cli("subgraph", "list")
	require.NoError(t, err)
	assert.NotContains(t, out, "inventory")
	_, err = cli("subgraph", "delete", "--name", "nobody")
	require.ErrorContains(t, err, `no subgraph named "nobody"`)
}

// The endpoint and token come from ATRIUM_ENDPOINT and ATRIUM_TOKEN; flags win over them.
func TestRegistryCommandsReadTheEnvironment(t *testing.T) {
	endpoint, _ := startRegistry(t)
	t.Chdir(t.TempDir()) // no .atrium/admin-token here
	t.Setenv(registryEndpointEnv, endpoint)
	t.Setenv(registryTokenEnv, testAdminToken)
	out, err := run(t, t.Context(), "subgraph", "list")
	require.NoError(t, err)
	assert.Contains(t, out, "no subgraphs yet")

	t.Setenv(registryTokenEnv, "wrong-env-token")
	_, err = run(t, t.Context(), "subgraph", "list", "--token", testAdminToken)
	require.NoError(t, err, "--token wins over the environment")
	_, err = run(t, t.Context(), "subgraph", "list")
	require.ErrorContains(t, err, "refused the token from $ATRIUM_TOKEN")
	assert.NotContains(t, err.Error(), "wrong-env-token")

	t.Setenv(registryEndpointEnv, freeEndpoint(t))
	_, err = run(t, t.Context(), "supergraph", "fetch", "--endpoint", endpoint, "--token", testAdminToken)
	require.ErrorContains(t, err, "no supergraph yet", "--endpoint wins over the environment")
}

// Without --token or ATRIUM_TOKEN, the token is the one `atrium serve` wrote to
// .atrium/admin-token in the current folder.
func TestRegistryCommandsReadTheServedTokenFile(t *testing.T) {
	endpoint, _ := startRegistry(t)
	t.Setenv(registryTokenEnv, "")
	t.Setenv(registryEndpointEnv, "")
	dir := t.TempDir()
	t.Chdir(dir)

	_, err := run(t, t.Context(), "subgraph", "list", "--endpoint", endpoint)
	require.ErrorContains(t, err, "needs its admin token, and none was given")
	assert.Contains(t, err.Error(), ".atrium/admin-token")

	require.NoError(t, os.MkdirAll(filepath.Join(dir, ".atrium"), 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(dir, ".atrium", "admin-token"), []byte(testAdminToken+"\n"), 0o600))
	out, err := run(t, t.Context(), "subgraph", "list", "--endpoint", endpoint)
	require.NoError(t, err)
	assert.Contains(t, out, "no subgraphs yet")

	require.NoError(t, os.WriteFile(filepath.Join(dir, ".atrium", "admin-token"), []byte("stale-token\n"), 0o600))
	_, err = run(t, t.Context(), "subgraph", "list", "--endpoint", endpoint)
	require.ErrorContains(t, err, "refused the token from ./.atrium/admin-token")
	assert.NotContains(t, err.Error(), "stale-token")
}

func TestRegistryCommandsExplainFailures(t *testing.T) {
	t.Parallel()
	endpoint, _ := startRegistry(t)
	ctx := t.Context()

	out, err := run(t, ctx, "subgraph", "list", "--endpoint", endpoint, "--token", "not-the-token")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "refused the token from --token")
	assert.NotContains(t, err.Error()+out, "not-the-token", "the token is never printed")

	down := freeEndpoint(t)
	_, err = run(t, ctx, "supergraph", "fetch", "--endpoint", down, "--token", testAdminToken)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "cannot reach the registry at "+down+": connection refused")
	assert.Contains(t, err.Error(), "atrium serve")

	notAPI := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(notAPI.Close)
	_, err = run(t, ctx, "subgraph", "list", "--endpoint", notAPI.URL+"/graphql", "--token", testAdminToken)
	require.ErrorContains(t, err, "answered 404 Not Found: is it the registry API?")

	// A bare server address means its registry API.
	out, err = run(t, ctx, "subgraph", "list", "--endpoint", strings.TrimSuffix(endpoint, resolvers.Path), "--token", testAdminToken)
	require.NoError(t, err)
	assert.Contains(t, out, "no subgraphs yet")
	_, err = run(t, ctx, "subgraph", "list", "--endpoint", "127.0.0.1:4000", "--token", testAdminToken)
	require.ErrorContains(t, err, "not an http(s) URL")

	_, err = run(t, ctx, "subgraph", "publish", "--name", "products", "--url", freeEndpoint(t), "--endpoint", endpoint, "--token", testAdminToken)
	require.ErrorContains(t, err, "for its SDL")
	assert.Contains(t, err.Error(), "--schema")
	_, err = run(t, ctx, "subgraph", "publish", "--name", "products")
	require.ErrorContains(t, err, `"url" not set`)
	_, err = run(t, ctx, "subgraph", "nope")
	require.ErrorContains(t, err, "unknown command")
}
