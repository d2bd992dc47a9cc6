package usage

import (
	"bytes"
	"slices"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/formatter"
	"github.com/vektah/gqlparser/v2/parser"
)

var fuzzSeeds = []string{
	`query Cart { p: product(id: "1") { id name price(currency: EUR) { amount } } }`,
	`query Search($text: String!) { search(text: $text) { __typename ... on Product { ...P } ... on User { name } } } fragment P on Product { id related { ...P } }`,
	`query Filter($f: ProductFilter = {price: {min: 1}}, $o: Order) { products(filter: $f, order: $o, first: 2) @cached(ttl: 1) { id } }`,
	`mutation Add($in: ReviewInput!) { addReview(input: $in) { id } }`,
	`query($w: Boolean!) { product(id: 1) { id reviews @include(if: $w) { body } ... @skip(if: $w) { name } } }`,
	`{ __typename __schema { types { name } } node(id: 1) { ... on Review { rating } } }`,
	`query A { a } query B { b(x: [1, 2], y: {z: """s"""}) }`,
}

// FuzzCoordinates describes arbitrary documents: no panic, and a sorted, duplicate-free result.
func FuzzCoordinates(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	schema := testSchema(f)
	f.Fuzz(func(t *testing.T, query string) {
		doc, err := parser.ParseQuery(&ast.Source{Input: query})
		if err != nil {
			return
		}
		for _, op := range append(doc.Operations, &ast.OperationDefinition{}) {
			got, err := Coordinates(schema, doc, op.Name)
			if err != nil {
				continue
			}
			if !slices.IsSorted(got) || len(slices.Compact(slices.Clone(got))) != len(got) {
				t.Fatalf("not sorted and unique: %v", got)
			}
		}
	})
}

// FuzzSignature signs arbitrary documents: no panic; the signature does not change when the
// document is printed and parsed again, and signing the signature gives it back.
func FuzzSignature(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, query string) {
		doc, err := parser.ParseQuery(&ast.Source{Input: query})
		if err != nil {
			return
		}
		var buf bytes.Buffer
		formatter.NewFormatter(&buf).FormatQueryDocument(doc)
		reprinted, reErr := parser.ParseQuery(&ast.Source{Input: buf.String()})
		for _, op := range doc.Operations {
			sig, hash, err := Signature(doc, op.Name)
			if err != nil {
				continue
			}
			if len(hash) != 64 {
				t.Fatalf("hash %q", hash)
			}
			if reErr == nil {
				if again, _, err := Signature(reprinted, op.Name); err != nil || again != sig {
					t.Fatalf("reprinting changed the signature:\n%s\n%s (%v)\nreprinted:\n%s", sig, again, err, buf.String())
				}
			}
			sigDoc, err := parser.ParseQuery(&ast.Source{Input: sig})
			if err != nil {
				t.Fatalf("signature %q does not parse: %v", sig, err)
			}
			if again, _, err := Signature(sigDoc, op.Name); err != nil || again != sig {
				t.Fatalf("signing the signature changed it:\n%s\n%s (%v)", sig, again, err)
			}
		}
	})
}
