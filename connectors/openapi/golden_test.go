package openapi

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden schema.graphql and report.txt files")

// Golden cases: testdata/<case>/openapi.yaml (or .json), imported with the options of its
// first line when that line is "# options: {json}", or of options.json beside it (Name
// defaults to the case name), gives schema.graphql and report.txt.
func TestGolden(t *testing.T) {
	specs, err := filepath.Glob("testdata/*/openapi.*")
	require.NoError(t, err)
	require.NotEmpty(t, specs)
	for _, spec := range specs {
		dir := filepath.Dir(spec)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			t.Parallel()
			b, err := os.ReadFile(spec)
			require.NoError(t, err)
			opts := Options{Name: strings.ReplaceAll(filepath.Base(dir), "_", "-")}
			if line, ok := strings.CutPrefix(string(b), "# options: "); ok {
				line, _, _ = strings.Cut(line, "\n")
				require.NoError(t, json.Unmarshal([]byte(line), &opts))
			} else if o, err := os.ReadFile(filepath.Join(dir, "options.json")); err == nil {
				require.NoError(t, json.Unmarshal(o, &opts))
			}
			res, err := Import(b, opts)
			require.NoError(t, err)
			again, err := Import(b, opts)
			require.NoError(t, err)
			require.Equal(t, res.SDL, again.SDL, "the SDL must be the same on every run")
			require.Equal(t, res.Text(), again.Text(), "the report must be the same on every run")
			require.NoError(t, validateSDL(res.SDL), res.SDL)

			golden(t, filepath.Join(dir, "schema.graphql"), res.SDL)
			golden(t, filepath.Join(dir, "report.txt"), res.Text())
		})
	}
}

func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./connectors/openapi -update to write it")
	assert.Equal(t, string(want), got, "%s differs: run go test ./connectors/openapi -update and review the diff", path)
}
