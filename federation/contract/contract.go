// Package contract builds contracts (Apollo's contract variants): a supergraph whose API is
// filtered by @tag. The contract is the same supergraph with @inaccessible on every element
// the filter removes, so it is served by the gateway's normal pipeline (federation.Parse
// derives the API schema without those elements) while query planning still sees every
// field that keys, @requires and @provides need. The rules are in docs/contracts.md.
package contract

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/formatter"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/atrium-gateway/atrium/federation"
)

// Filter says which elements a contract keeps.
type Filter struct {
	Include []string // keep only elements tagged with one of these (empty: keep everything not excluded)
	Exclude []string // drop elements tagged with one of these; exclusion wins over inclusion
	// HideUnreachableTypes drops types no longer reachable from the root types.
	HideUnreachableTypes bool
}

// Error is a contract Build refuses to produce: every problem found, one line each, each
// naming the elements and what to change.
type Error struct {
	Problems []string
}

func (e *Error) Error() string {
	if len(e.Problems) == 1 {
		return e.Problems[0]
	}
	return fmt.Sprintf("the contract has %d problems:\n  - %s", len(e.Problems), strings.Join(e.Problems, "\n  - "))
}

// Names the supergraphs carry in error messages.
const (
	sourceName   = "supergraph"
	contractName = "contract supergraph"
)

// Build returns the contract supergraph of supergraphSDL: the same supergraph with
// @inaccessible on every element the filter removes, so that the gateway's normal
// pipeline (federation.Parse → API schema without @inaccessible elements) serves exactly
// the contract's API, and query planning still sees every field it needs for keys and
// @requires.
//
// When the filter removes nothing, Build returns supergraphSDL unchanged; otherwise the
// supergraph is printed again (gqlparser's formatter) with the inaccessible spec linked.
// Build is idempotent: building a contract of a contract with the same filter returns it
// unchanged. A filter that leaves an invalid API (Query without fields, a required argument
// removed from a kept field, …) returns an *Error listing every problem.
func Build(supergraphSDL string, f Filter) (string, error) {
	if err := f.validate(); err != nil {
		return "", err
	}
	if _, err := federation.Parse(sourceName, supergraphSDL); err != nil {
		return "", fmt.Errorf("contract: the source supergraph does not load: %w", err)
	}
	doc, perr := parser.ParseSchema(&ast.Source{Name: sourceName, Input: supergraphSDL})
	if perr != nil {
		return "", fmt.Errorf("contract: the source supergraph does not load: %w", perr)
	}
	g, err := read(doc)
	if err != nil {
		return "", err
	}
	c := newCut(g, f)
	c.run()
	if problems := c.check(); len(problems) > 0 {
		return "", &Error{Problems: problems}
	}
	if c.mark() == 0 {
		return supergraphSDL, nil
	}
	g.linkInaccessible()
	out := printSDL(doc)
	if _, err := federation.Parse(contractName, out); err != nil {
		return "", fmt.Errorf("contract: the contract supergraph does not load: %w", err)
	}
	return out, nil
}

func (f Filter) validate() error {
	var problems []string
	for _, list := range []struct {
		name string
		tags []string
	}{{"Include", f.Include}, {"Exclude", f.Exclude}} {
		for i, tag := range list.tags {
			if strings.TrimSpace(tag) == "" {
				problems = append(problems, fmt.Sprintf("filter.%s[%d]: empty tag name", list.name, i))
			}
		}
	}
	if len(problems) > 0 {
		return &Error{Problems: problems}
	}
	return nil
}

// printSDL writes the supergraph with gqlparser's formatter, one definition at a time so that
// a blank line separates them as in a composed supergraph.
func printSDL(doc *ast.SchemaDocument) string {
	var parts []string
	one := func(d *ast.SchemaDocument) {
		var buf bytes.Buffer
		formatter.NewFormatter(&buf, formatter.WithIndent("  ")).FormatSchemaDocument(d)
		parts = append(parts, strings.TrimRight(buf.String(), "\n"))
	}
	if len(doc.Schema) > 0 {
		one(&ast.SchemaDocument{Schema: doc.Schema})
	}
	if len(doc.SchemaExtension) > 0 {
		one(&ast.SchemaDocument{SchemaExtension: doc.SchemaExtension})
	}
	for _, d := range doc.Directives {
		one(&ast.SchemaDocument{Directives: ast.DirectiveDefinitionList{d}})
	}
	for _, d := range doc.Definitions {
		one(&ast.SchemaDocument{Definitions: ast.DefinitionList{d}})
	}
	for _, d := range doc.Extensions {
		one(&ast.SchemaDocument{Extensions: ast.DefinitionList{d}})
	}
	for _, d := range doc.DirectiveExtensions {
		one(&ast.SchemaDocument{DirectiveExtensions: ast.DirectiveDefinitionList{d}})
	}
	return strings.Join(parts, "\n\n") + "\n"
}
