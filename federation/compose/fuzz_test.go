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
	// A pair composing a custom directive (@composeDirective), which no audit suite has.
	f.Add(`extend schema
  @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@composeDirective", "@tag"])
  @link(url: "https://myspecs.dev/meta/v1.0", import: ["@meta"])
  @composeDirective(name: "@meta")
  @meta(level: 1)
directive @meta(level: Int = 0, ids: [ID!], range: Range) repeatable on SCHEMA | OBJECT | FIELD_DEFINITION | ARGUMENT_DEFINITION | ENUM_VALUE
input Range { min: Float max: Float = 2.5 }
enum Color { RED @meta(level: 2) GREEN }
type Query { t(id: ID @meta(ids: ["1"])): T @meta(range: {min: 1}) @tag(name: "q") c: Color }
type T @key(fields: "id") @meta { id: ID! }`, `extend schema
  @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@composeDirective"])
  @link(url: "https://myspecs.dev/meta/v1.0", import: ["@meta"])
  @composeDirective(name: "@meta")
directive @meta(level: Int = 0, ids: [ID!], range: Range) repeatable on SCHEMA | OBJECT | FIELD_DEFINITION | ARGUMENT_DEFINITION | ENUM_VALUE
input Range { min: Float max: Float = 2.5 }
type T @key(fields: "id") @meta(level: 3) { id: ID! x: Int @meta }`)
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
