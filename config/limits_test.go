package config_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atrium-gateway/atrium/config"
	"github.com/atrium-gateway/atrium/gateway"
)

func TestLimits(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "atrium.yaml")
	require.NoError(t, os.WriteFile(path, []byte("limits:\n  max_aliases: 30\n  max_tokens: 5000\n"), 0o600))
	c, err := config.Load(path)
	require.NoError(t, err)
	assert.Equal(t, gateway.Limits{MaxDepth: 100, MaxAliases: 30, MaxTokens: 5000}, c.Limits.Apply(gateway.Limits{MaxDepth: 100}),
		"max_depth left out keeps the flag's")

	require.NoError(t, os.WriteFile(path, []byte("limits:\n  max_depth: -1\n  max_tokens: -2\n"), 0o600))
	_, err = config.Load(path)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "limits.max_depth: -1 is negative")
	assert.Contains(t, err.Error(), "limits.max_tokens: -2 is negative")
	require.NoError(t, os.WriteFile(path, []byte("limits:\n  max_alias: 3\n"), 0o600))
	_, err = config.Load(path)
	assert.ErrorContains(t, err, "max_alias", "an unknown key is an error, not ignored")
}
