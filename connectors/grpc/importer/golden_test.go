package importer

import (
	"context"
	"encoding/json"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden schema.graphql and report.txt files")

// caseFiles lists the .proto files of a golden case, relative paths under dir, sorted.
func caseFiles(t testing.TB, dir string) []string {
	t.Helper()
	var files []string
	require.NoError(t, filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".proto") {
			files = append(files, path)
		}
		return err
	}))
	require.NotEmpty(t, files, dir)
	return files
}

// caseOptions are the options of a golden case: options.json beside its files, Name
// defaulting to the case name and Address to localhost:50051.
func caseOptions(t testing.TB, dir string) Options {
	t.Helper()
	opts := Options{Name: strings.ReplaceAll(filepath.Base(dir), "_", "-"), Address: "localhost:50051"}
	if b, err := os.ReadFile(filepath.Join(dir, "options.json")); err == nil {
		require.NoError(t, json.Unmarshal(b, &opts))
	}
	return opts
}

// Golden cases: testdata/<case>/**/*.proto compiled with the case folder as import path,
// imported with options.json's options, give schema.graphql and report.txt.
func TestGolden(t *testing.T) {
	dirs, err := filepath.Glob("testdata/*")
	require.NoError(t, err)
	n := 0
	for _, dir := range dirs {
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() || filepath.Base(dir) == "fuzz" {
			continue
		}
		n++
		t.Run(filepath.Base(dir), func(t *testing.T) {
			t.Parallel()
			d, err := LoadProto(context.Background(), caseFiles(t, dir), []string{dir})
			require.NoError(t, err)
			opts := caseOptions(t, dir)
			res, err := Import(d, opts)
			require.NoError(t, err)
			again, err := Import(d, opts)
			require.NoError(t, err)
			require.Equal(t, res.SDL, again.SDL, "the SDL must be the same on every run")
			require.Equal(t, res.Text(), again.Text(), "the report must be the same on every run")
			require.NoError(t, validateSDL(res.SDL), res.SDL)
			_, err = res.JSON()
			require.NoError(t, err)

			golden(t, filepath.Join(dir, "schema.graphql"), res.SDL)
			golden(t, filepath.Join(dir, "report.txt"), res.Text())
		})
	}
	require.NotZero(t, n)
}

func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./connectors/grpc/importer -update to write it")
	assert.Equal(t, string(want), got, "%s differs: run go test ./connectors/grpc/importer -update and review the diff", path)
}
