package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestConfigValidate(t *testing.T) {
	out, err := run(t, t.Context(), "config", "validate", "../../demo/atrium.yaml")
	require.NoError(t, err)
	assert.Contains(t, out, "demo/atrium.yaml: valid")

	bad := writeFile(t, "atrium.yaml", "limits:\n  max_depth: -1\nvariants:\n  Sandbox: {}\nportal:\n  roles:\n    admin: [\"two words\"]\n")
	_, err = run(t, t.Context(), "config", "validate", bad)
	require.Error(t, err)
	for _, want := range []string{"limits.max_depth: -1 is negative", "variants.Sandbox: a variant name is", "portal.roles.admin[0]"} {
		assert.Contains(t, err.Error(), want, "every problem, with its path")
	}
	_, err = run(t, t.Context(), "config", "validate", writeFile(t, "x.yaml", "nope: [\n"))
	assert.Error(t, err)
	_, err = run(t, t.Context(), "config", "validate", "/does/not/exist.yaml")
	assert.ErrorContains(t, err, "no such file")
}
