package importer

import (
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

// FuzzImport feeds mutated descriptor sets to LoadDescriptorSet and Import: they must
// return an error or an SDL that parses and validates, and never panic.
func FuzzImport(f *testing.F) {
	for _, name := range []string{"inventory", "recursion", "maps", "clashes", "oneof", "lookups"} {
		d, _ := loadCase(f, name)
		f.Add(descriptorSet(f, d, false))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := LoadDescriptorSet(data)
		if err != nil {
			return
		}
		res, err := Import(d, Options{Name: "fuzz", Address: "localhost:50051"})
		if err != nil {
			return
		}
		if _, err := parser.ParseSchema(&ast.Source{Name: "fuzz.graphql", Input: res.SDL}); err != nil {
			t.Fatalf("%v\n%s", err, res.SDL)
		}
		if err := validateSDL(res.SDL); err != nil {
			t.Fatalf("%v\n%s", err, res.SDL)
		}
		_ = res.Text()
		if _, err := res.JSON(); err != nil {
			t.Fatal(err)
		}
	})
}
