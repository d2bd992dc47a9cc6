package transport_test

import (
	"context"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestGraphQLHTTPAudit runs graphql-http's server audits (the GraphQL over
// HTTP conformance suite, conformance/audit.mjs) against the transport and
// requires every one of them, MUST, SHOULD and MAY alike, to be ok.
func TestGraphQLHTTPAudit(t *testing.T) {
	node, errNode := exec.LookPath("node")
	npm, errNPM := exec.LookPath("npm")
	if errNode != nil || errNPM != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("node and npm are required for the GraphQL over HTTP audit (Node 20 or later); install them on the CI machine")
		}
		t.Skip("skipping the GraphQL over HTTP audit: node or npm is not on PATH (install Node 20 or later to run it)")
	}

	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()

	dir := "conformance"
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "graphql-http")); err != nil {
		cmd := exec.CommandContext(ctx, npm, "ci", "--no-audit", "--no-fund")
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "npm ci in %s:\n%s", dir, out)
	}

	srv := httptest.NewServer(newTestServer(0))
	defer srv.Close()

	cmd := exec.CommandContext(ctx, node, "audit.mjs", srv.URL+"/graphql")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	t.Logf("graphql-http audits:\n%s", out)
	require.NoError(t, err, "some GraphQL over HTTP audits are not ok (see the list above)")
}
