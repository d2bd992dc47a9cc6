package contract_test

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/atrium-gateway/atrium/federation"
	"github.com/atrium-gateway/atrium/federation/contract"
)

// FuzzBuild mutates supergraphs and filters (tags separated by commas): Build must answer
// with a contract or an error, never panic; a contract it returns must load, and building it
// again with the same filter must return it unchanged.
func FuzzBuild(f *testing.F) {
	f.Add(source(f), "public", "internal", false)
	f.Add(source(f), "", "internal", true)
	for _, path := range []string{"../../demo/supergraph.graphql", "../../testdata/inaccessible/supergraph.graphql"} {
		b, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b), "", "", true)
	}
	f.Add(composeOne(f, `interface Named { name: String } type User implements Named @key(fields: "id") { id: ID! name: String @tag(name: "b") }
enum Color { RED GREEN @tag(name: "b") } union U @tag(name: "a") = User
input In { a: Int! @tag(name: "b") c: Color = GREEN } type Query { u: U @tag(name: "a") q(x: ID! @tag(name: "b"), in: In): Named }`), "a", "b", true)
	f.Fuzz(func(t *testing.T, sdl, include, exclude string, hide bool) {
		filter := contract.Filter{Include: tags(include), Exclude: tags(exclude), HideUnreachableTypes: hide}
		start := time.Now()
		out, err := contract.Build(sdl, filter)
		if d := time.Since(start); d > 3*time.Second {
			t.Fatalf("Build took %s", d)
		}
		if err != nil {
			if out != "" {
				t.Fatalf("an error and a contract")
			}
			return
		}
		if _, err := federation.Parse("contract", out); err != nil {
			t.Fatalf("the contract does not load: %v", err)
		}
		again, err := contract.Build(out, filter)
		if err != nil {
			t.Fatalf("building the contract again: %v", err)
		}
		if again != out {
			t.Fatalf("building the contract again changed it:\n%s\n----\n%s", out, again)
		}
	})
}

func tags(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}
