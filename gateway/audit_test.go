package gateway_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/atrium-gateway/atrium/gateway"
)

// TestGraphQLHTTPAudit runs the graphql-http server audits (the GraphQL-over-HTTP
// conformance suite) against the whole gateway in front of the demo subgraphs: every audit,
// MUST, SHOULD and MAY, must be ok.
func TestGraphQLHTTPAudit(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("node is required for the GraphQL-over-HTTP audit")
		}
		t.Skip("node is not on PATH: the GraphQL-over-HTTP audit needs Node 20 or later")
	}
	dir := filepath.Join("..", "server", "transport", "conformance")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "graphql-http")); err != nil {
		t.Fatalf("run `make deps` first: %s has no node_modules", dir)
	}
	s := startStack(t, gateway.Options{Limits: gateway.Limits{MaxDepth: 100}})
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "audit.mjs", s.URL+"/graphql")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	t.Logf("graphql-http audits against the gateway:\n%s", out)
	require.NoError(t, err, "some GraphQL-over-HTTP audits are not ok")
	require.Contains(t, string(out), "audits: 61 ok, 0 not ok")
}
