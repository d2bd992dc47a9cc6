package compose

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestComposeAuditSuites composes the subgraphs of every federation-audit suite and
// requires the exact bytes of the supergraph Apollo's composition (2.14) wrote for them.
func TestComposeAuditSuites(t *testing.T) {
	t.Parallel()
	dirs, err := filepath.Glob("../../testdata/federation-audit/*/subgraphs.json")
	require.NoError(t, err)
	require.Len(t, dirs, 46)
	for _, path := range dirs {
		dir := filepath.Dir(path)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			t.Parallel()
			inputs := readAuditSubgraphs(t, path)
			want, err := os.ReadFile(filepath.Join(dir, "supergraph.graphql"))
			require.NoError(t, err)
			r := Compose(inputs)
			require.Empty(t, r.Errors)
			require.Equal(t, string(want), r.Supergraph)
			// The order of the inputs does not matter.
			reversed := make([]Input, len(inputs))
			for i, in := range inputs {
				reversed[len(inputs)-1-i] = in
			}
			require.Equal(t, r.Supergraph, Compose(reversed).Supergraph)
		})
	}
}

func readAuditSubgraphs(t *testing.T, path string) []Input {
	t.Helper()
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	var subs []struct{ Name, URL, SDL string }
	require.NoError(t, json.Unmarshal(raw, &subs))
	out := make([]Input, len(subs))
	for i, s := range subs {
		out[i] = Input{Name: s.Name, URL: s.URL, SDL: s.SDL}
	}
	return out
}
