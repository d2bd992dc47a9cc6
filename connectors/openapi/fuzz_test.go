package openapi

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzImport feeds mutated documents to Import: it must return an error or an SDL that
// validates, and never panic. Import turns panics into errors naming where they happened:
// one in the importer fails here; one in libopenapi is its bug, reported as an error.
func FuzzImport(f *testing.F) {
	specs, _ := filepath.Glob("testdata/*/openapi.*")
	for _, s := range specs {
		if strings.Contains(s, "large") {
			continue
		}
		if b, err := os.ReadFile(s); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(minimal))
	f.Add([]byte(`{"openapi":"3.1.0","info":{"title":"t","version":"1"},"paths":{"/a/{b}":{"post":{"parameters":[{"name":"b","in":"path","schema":{"enum":["x}","y"]}}],"requestBody":{"content":{"application/json":{"schema":{"type":"object","properties":{"a b":{"type":["string","null"]}}}}}},"responses":{"200":{"description":"","content":{"application/json":{"schema":{"oneOf":[{"$ref":"#/components/schemas/A"},{"type":"null"}]}}}}}}}},"components":{"schemas":{"A":{"type":"object","properties":{"self":{"$ref":"#/components/schemas/A"}}}}}}`))
	f.Fuzz(func(t *testing.T, spec []byte) {
		res, err := Import(spec, Options{Name: "fuzz", Entities: true})
		if err != nil {
			if strings.Contains(err.Error(), "internal error in the importer") {
				t.Fatal(err)
			}
			return
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
