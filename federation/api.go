package federation

import (
	"bytes"
	"strings"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/formatter"
)

// keptDirectives are the type-system directives that survive into the API schema.
var keptDirectives = map[string]bool{"deprecated": true, "specifiedBy": true, "oneOf": true}

// apiSchema derives the client-facing schema: the supergraph without link/join machinery,
// without @inaccessible elements, without the elements of any linked spec (those of
// directives composed with @composeDirective too, even executable ones, as Apollo's API
// schema drops them) and without type-system directives other than the built-in ones.
func apiSchema(file string, doc *ast.SchemaDocument, sp *specs) (*ast.Schema, error) {
	hidden := func(dirs ast.DirectiveList) bool {
		return sp.inaccessible != "" && dirs.ForName(sp.inaccessible) != nil
	}
	clean := func(dirs ast.DirectiveList) ast.DirectiveList {
		var out ast.DirectiveList
		for _, d := range dirs {
			if keptDirectives[d.Name] {
				out = append(out, d)
			}
		}
		return out
	}
	gone := map[string]bool{}
	all := append(append(ast.DefinitionList{}, doc.Definitions...), doc.Extensions...)
	for _, def := range all {
		if sp.isMachinery(def.Name) || sp.owns(def.Name) || hidden(def.Directives) {
			gone[def.Name] = true
		}
	}
	out := &ast.SchemaDocument{}
	for _, s := range doc.Schema {
		// An @inaccessible mutation or subscription type leaves the API schema without that
		// operation, as in Apollo's API schema (a contract can remove every mutation).
		var ops ast.OperationTypeDefinitionList
		for _, op := range s.OperationTypes {
			if !gone[op.Type] {
				ops = append(ops, op)
			}
		}
		out.Schema = append(out.Schema, &ast.SchemaDefinition{OperationTypes: ops, Position: s.Position})
	}
	for _, d := range doc.Directives {
		// Only executable directives defined by the supergraph itself reach clients; type-system
		// directives and every linked spec's (join, link, tag, inaccessible, composed ones)
		// stay behind the gateway.
		if d.Name == sp.linkName || strings.HasPrefix(d.Name, sp.join+"__") || sp.owns("@"+d.Name) || !Executable(d) {
			continue
		}
		out.Directives = append(out.Directives, d)
	}
	filter := func(def *ast.Definition) *ast.Definition {
		c := *def
		c.Directives = clean(def.Directives)
		c.Fields = nil
		for _, f := range def.Fields {
			if hidden(f.Directives) || gone[f.Type.Name()] {
				continue
			}
			fc := *f
			fc.Directives = clean(f.Directives)
			fc.Arguments = nil
			for _, a := range f.Arguments {
				if hidden(a.Directives) || gone[a.Type.Name()] {
					continue
				}
				ac := *a
				ac.Directives = clean(a.Directives)
				fc.Arguments = append(fc.Arguments, &ac)
			}
			c.Fields = append(c.Fields, &fc)
		}
		c.EnumValues = nil
		for _, v := range def.EnumValues {
			if hidden(v.Directives) {
				continue
			}
			vc := *v
			vc.Directives = clean(v.Directives)
			c.EnumValues = append(c.EnumValues, &vc)
		}
		c.Interfaces = nil
		for _, i := range def.Interfaces {
			if !gone[i] {
				c.Interfaces = append(c.Interfaces, i)
			}
		}
		c.Types = nil
		for _, m := range def.Types {
			if !gone[m] {
				c.Types = append(c.Types, m)
			}
		}
		return &c
	}
	for _, def := range doc.Definitions {
		if !gone[def.Name] {
			out.Definitions = append(out.Definitions, filter(def))
		}
	}
	for _, def := range doc.Extensions {
		if !gone[def.Name] {
			out.Extensions = append(out.Extensions, filter(def))
		}
	}
	var buf bytes.Buffer
	formatter.NewFormatter(&buf).FormatSchemaDocument(out)
	api, err := gqlparser.LoadSchema(&ast.Source{Name: file + " (API schema)", Input: buf.String()})
	if err != nil {
		return nil, fromGQLError(file+" (API schema)", err)
	}
	return api, nil
}

// APISDL prints the API schema as SDL, what introspection of the gateway shows: directive
// definitions and types sorted by name, descriptions and @deprecated kept, built-in
// scalars and directives left out.
func (s *Supergraph) APISDL() string {
	var buf bytes.Buffer
	formatter.NewFormatter(&buf, formatter.WithIndent("  ")).FormatSchema(s.API)
	return buf.String()
}

// Executable tells a directive usable in operations (the API schema keeps those) from a
// type-system one.
func Executable(d *ast.DirectiveDefinition) bool {
	for _, l := range d.Locations {
		switch l {
		case ast.LocationQuery, ast.LocationMutation, ast.LocationSubscription, ast.LocationField,
			ast.LocationFragmentDefinition, ast.LocationFragmentSpread, ast.LocationInlineFragment,
			ast.LocationVariableDefinition:
			return true
		}
	}
	return false
}
