package compose

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// FuzzCompose mutates pairs of subgraph SDLs (seeded with the audit suites' subgraphs):
// composition must answer with a supergraph or with diagnostics, never panic, and a
// supergraph it writes must load (Compose checks that itself).
func FuzzCompose(f *testing.F) {
	paths, _ := filepath.Glob("../../testdata/federation-audit/*/subgraphs.json")
	for _, p := range paths {
		raw, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		var subs []struct{ Name, SDL string }
		if err := json.Unmarshal(raw, &subs); err != nil {
			f.Fatal(err)
		}
		if len(subs) >= 2 {
			f.Add(subs[0].SDL, subs[1].SDL)
		}
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		start := time.Now()
		defer func() {
			if d := time.Since(start); d > 3*time.Second {
				t.Fatalf("composition took %s", d)
			}
		}()
		r := Compose([]Input{{Name: "a", URL: "http://a/graphql", SDL: a}, {Name: "b", URL: "http://b/graphql", SDL: b}})
		if len(r.Errors) == 0 && !strings.HasPrefix(r.Supergraph, "schema\n") {
			t.Fatalf("no errors and no supergraph")
		}
		if len(r.Errors) > 0 && r.Supergraph != "" {
			t.Fatalf("a failed composition returned a supergraph")
		}
	})
}
