package main

import (
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atrium-gateway/atrium/registry/store/storetest"
)

// TestVariantsAreSeparateGraphs: a sandbox variant has its own subgraphs, URLs and
// versions, served at /variants/sandbox/graphql, and publishing to it leaves the main
// graph alone.
func TestVariantsAreSeparateGraphs(t *testing.T) {
	urls := startDemoSubgraphs(t)
	cfg := writeFile(t, "atrium.yaml", "variants:\n  sandbox: {}\n")
	db := storetest.SQLite(t)
	base := liveServe(t, "--database", db, "--admin-token", liveToken, "--poll", "100ms", "--config", cfg)
	ctx := t.Context()
	api := []string{"--endpoint", base, "--token", liveToken}

	out, err := run(t, ctx, append([]string{"subgraph", "publish", "--variant", "sandbox", "--name", "accounts", "--url", urls["accounts"],
		"--schema", "../../demo/accounts/schema.graphqls"}, api...)...)
	require.NoError(t, err, out)
	sandbox := func() (int, string, error) {
		return query(http.DefaultClient, base+"/variants/sandbox", `{ me { name } }`)
	}
	require.Eventually(t, func() bool {
		status, body, _ := sandbox()
		return status == 200 && strings.Contains(body, "Ada Lovelace")
	}, 5*time.Second, 50*time.Millisecond)
	status, body, err := query(http.DefaultClient, base, `{ me { name } }`)
	require.NoError(t, err)
	assert.Equal(t, http.StatusServiceUnavailable, status, "the main graph has nothing published: %s", body)

	out, err = run(t, ctx, append([]string{"subgraph", "list", "--variant", "sandbox"}, api...)...)
	require.NoError(t, err)
	assert.Contains(t, out, "accounts")
	out, err = run(t, ctx, append([]string{"subgraph", "list"}, api...)...)
	require.NoError(t, err)
	assert.NotContains(t, out, "accounts", "the main registry has no subgraph")

	// The variant's registry is its own database, beside the main one.
	assert.FileExists(t, strings.TrimSuffix(strings.TrimPrefix(db, "sqlite:"), filepath.Ext(db))+"-sandbox.db")

	_, err = run(t, ctx, append([]string{"subgraph", "list", "--variant", "nope"}, api...)...)
	assert.Error(t, err, "an unknown variant has no registry API")
	_, err = run(t, ctx, "subgraph", "list", "--variant", "sandbox", "--endpoint", base+"/api/other", "--token", liveToken)
	assert.ErrorContains(t, err, "--variant needs the server's main registry API")
}

func TestServeRefusesBadVariants(t *testing.T) {
	for yaml, want := range map[string]string{
		"variants:\n  Sandbox: {}\n":    "variants.Sandbox: a variant name is",
		"variants:\n  production: {}\n": "variants.production: a variant name is",
	} {
		cfg := writeFile(t, "atrium.yaml", yaml)
		_, err := run(t, t.Context(), "serve", "--listen", freeAddr(t), "--database", storetest.SQLite(t), "--config", cfg)
		assert.ErrorContains(t, err, want, yaml)
	}
	cfg := writeFile(t, "atrium.yaml", "variants:\n  sandbox: {}\n")
	_, err := run(t, t.Context(), "serve", "--listen", freeAddr(t), "--database", storetest.Postgres(t), "--config", cfg)
	assert.ErrorContains(t, err, "variants.sandbox.database: the main registry is on PostgreSQL")
}
