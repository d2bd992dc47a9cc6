package main

import (
	"context"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atrium-gateway/atrium/demo/accounts"
	"github.com/atrium-gateway/atrium/demo/inventory"
	"github.com/atrium-gateway/atrium/demo/products"
	"github.com/atrium-gateway/atrium/demo/reviews"
)

// The demo's supergraph.graphql is what Apollo's composition writes for the four demo
// subgraphs; composing demo/supergraph.yaml must give the same bytes.
func TestComposeDemoConfig(t *testing.T) {
	want, err := os.ReadFile("../../demo/supergraph.graphql")
	require.NoError(t, err)
	out, err := run(t, context.Background(), "compose", "--config", "../../demo/supergraph.yaml", "--quiet")
	require.NoError(t, err)
	require.Equal(t, strings.TrimSpace(string(want)), strings.TrimSpace(out))

	path := t.TempDir() + "/supergraph.graphql"
	_, err = run(t, context.Background(), "compose", "--config", "../../demo/supergraph.yaml", "--quiet", "--output", path)
	require.NoError(t, err)
	written, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, strings.TrimSpace(string(want)), strings.TrimSpace(string(written)))
}

// subgraph_url: the SDL comes from the running subgraphs' _service { sdl }.
func TestComposeFromRunningSubgraphs(t *testing.T) {
	var cfg strings.Builder
	cfg.WriteString("subgraphs:\n")
	for _, s := range []struct {
		name string
		srv  *httptest.Server
	}{
		{"accounts", httptest.NewServer(accounts.Handler())},
		{"products", httptest.NewServer(products.Handler())},
		{"reviews", httptest.NewServer(reviews.Handler())},
		{"inventory", httptest.NewServer(inventory.Handler())},
	} {
		t.Cleanup(s.srv.Close)
		cfg.WriteString("  " + s.name + ":\n    schema:\n      subgraph_url: " + s.srv.URL + "/graphql\n")
	}
	out, err := run(t, context.Background(), "compose", "--config", writeFile(t, "supergraph.yaml", cfg.String()), "--quiet")
	require.NoError(t, err)
	assert.Contains(t, out, "@join__graph(name: \"reviews\", url: \"http://127.0.0.1:")
	assert.Contains(t, out, "shippingEstimate: Int @join__field(graph: INVENTORY, requires: \"price weight\")")
}

func TestComposeBadInput(t *testing.T) {
	for _, c := range []struct{ name, config, want string }{
		{"not yaml", "subgraphs: [", "supergraph config"},
		{"unknown key", "subgraph:\n  a: {}\n", "field subgraph not found"},
		{"no subgraphs", "federation_version: =2.3.2\n", "at least one subgraph"},
		{"two sources", "subgraphs:\n  a:\n    routing_url: http://a/graphql\n    schema:\n      file: a.graphql\n      sdl: 'type Query { a: Int }'\n", "subgraphs.a.schema: give exactly one"},
		{"no routing url", "subgraphs:\n  a:\n    schema:\n      sdl: 'type Query { a: Int }'\n", "subgraphs.a.routing_url: required"},
		{"bad routing url", "subgraphs:\n  a:\n    routing_url: not a url\n    schema:\n      sdl: 'type Query { a: Int }'\n", "not an absolute http(s) URL"},
		{"missing file", "subgraphs:\n  a:\n    routing_url: http://a/graphql\n    schema:\n      file: nope.graphql\n", "subgraph a:"},
		{"unreachable subgraph", "subgraphs:\n  a:\n    schema:\n      subgraph_url: http://127.0.0.1:1/graphql\n", "asking http://127.0.0.1:1/graphql for its SDL"},
		{"composition error", "subgraphs:\n  a:\n    routing_url: http://a/graphql\n    schema:\n      sdl: 'type Query { a: Nope }'\n", "INVALID_GRAPHQL [a@1:17] [a] Undefined type Nope"},
	} {
		t.Run(c.name, func(t *testing.T) {
			out, err := run(t, context.Background(), "compose", "--config", writeFile(t, "supergraph.yaml", c.config))
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
			assert.NotContains(t, out, "schema\n  @link", "nothing is written on failure")
		})
	}
}
