package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atrium-gateway/atrium/demo/accounts"
	"github.com/atrium-gateway/atrium/demo/inventory"
	"github.com/atrium-gateway/atrium/demo/products"
	"github.com/atrium-gateway/atrium/demo/reviews"
)

func run(t *testing.T, ctx context.Context, args ...string) (string, error) {
	t.Helper()
	cmd := rootCommand()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs(args)
	err := cmd.ExecuteContext(ctx)
	return out.String(), err
}

func writeFile(t *testing.T, name, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(p, []byte(text), 0o644))
	return p
}

func TestPlanCommand(t *testing.T) {
	q := writeFile(t, "q.graphql", `{ me { reviews { product { shippingEstimate } } } }`)
	out, err := run(t, context.Background(), "plan", "--supergraph", "../../demo/supergraph.graphql", "--query", q)
	require.NoError(t, err)
	for _, want := range []string{`Fetch(service: "accounts")`, `Flatten(path: "me.reviews.@.product")`, `Fetch(service: "inventory")`, "shippingEstimate"} {
		assert.Contains(t, out, want)
	}
	out, err = run(t, context.Background(), "plan", "--supergraph", "../../demo/supergraph.graphql", "--query", q, "--json")
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(out, `{`))
	assert.Contains(t, out, `"kind": "QueryPlan"`)
	assert.Contains(t, out, `"serviceName": "inventory"`)
}

func TestPlanCommandErrors(t *testing.T) {
	bad := writeFile(t, "bad.graphql", `{ me { nope } }`)
	_, err := run(t, context.Background(), "plan", "--supergraph", "../../demo/supergraph.graphql", "--query", bad)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `Cannot query field "nope" on type "User"`)
	two := writeFile(t, "two.graphql", `query A { me { id } } query B { me { id } }`)
	_, err = run(t, context.Background(), "plan", "--supergraph", "../../demo/supergraph.graphql", "--query", two)
	require.ErrorContains(t, err, "--operation")
	_, err = run(t, context.Background(), "plan", "--supergraph", "../../demo/supergraph.graphql")
	require.ErrorContains(t, err, "query")
}

func TestServeRefusesABadSupergraph(t *testing.T) {
	sub := writeFile(t, "subgraph.graphql", "type Query {\n  me: String\n}\n")
	_, err := run(t, context.Background(), "serve", "--supergraph", sub, "--listen", "127.0.0.1:0")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "subgraph.graphql:")
	assert.Contains(t, err.Error(), "not a supergraph")
	_, err = run(t, context.Background(), "serve", "--supergraph", filepath.Join(t.TempDir(), "missing.graphql"))
	require.ErrorContains(t, err, "reading the supergraph")
}

func TestEveryCommandHasHelp(t *testing.T) {
	for _, c := range [][]string{
		{"--help"}, {"serve", "--help"}, {"plan", "--help"}, {"version", "--help"},
		{"subgraph", "--help"}, {"subgraph", "publish", "--help"}, {"subgraph", "check", "--help"},
		{"subgraph", "list", "--help"}, {"subgraph", "delete", "--help"},
		{"supergraph", "--help"}, {"supergraph", "fetch", "--help"},
	} {
		out, err := run(t, context.Background(), c...)
		require.NoError(t, err)
		assert.Contains(t, out, "Usage:")
	}
	out, err := run(t, context.Background(), "version")
	require.NoError(t, err)
	assert.Contains(t, out, "atrium ")
}

// TestServeEndToEnd runs `atrium serve` in front of the demo subgraphs and queries it.
func TestServeEndToEnd(t *testing.T) {
	sdl, err := os.ReadFile("../../demo/supergraph.graphql")
	require.NoError(t, err)
	text := string(sdl)
	for port, h := range map[string]http.Handler{"4001": accounts.Handler(), "4002": products.Handler(), "4003": reviews.Handler(), "4004": inventory.Handler()} {
		srv := httptest.NewServer(h)
		t.Cleanup(srv.Close)
		text = strings.ReplaceAll(text, "http://127.0.0.1:"+port+"/graphql", srv.URL)
	}
	path := writeFile(t, "supergraph.graphql", text)
	addr := freeAddr(t)

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := run(t, ctx, "serve", "--supergraph", path, "--listen", addr)
		done <- err
	}()
	var body string
	require.Eventually(t, func() bool {
		resp, err := http.Post("http://"+addr+"/graphql", "application/json", strings.NewReader(`{"query":"{ me { name reviews { product { name inStock } } } }"}`))
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		body = string(b)
		return resp.StatusCode == http.StatusOK
	}, 10*time.Second, 50*time.Millisecond)
	assert.JSONEq(t, `{"data":{"me":{"name":"Ada Lovelace","reviews":[{"product":{"name":"Table","inStock":true}},{"product":{"name":"Couch","inStock":false}},{"product":{"name":"Table","inStock":true}}]}}}`, body)
	cancel()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop")
	}
}
