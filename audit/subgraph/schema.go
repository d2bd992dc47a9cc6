package subgraph

import (
	"fmt"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"
)

// federationDefs declares what a Federation 1 or 2 subgraph SDL may use without defining it.
// Locations are generous: the SDLs were already accepted by Apollo's composition, so this
// schema only has to load them.
const federationDefs = `
scalar _Any
scalar FieldSet
scalar _FieldSet
scalar federation__FieldSet
scalar link__Import
enum link__Purpose { SECURITY EXECUTION }
directive @key(fields: FieldSet!, resolvable: Boolean = true) repeatable on OBJECT | INTERFACE
directive @external(reason: String) on OBJECT | FIELD_DEFINITION
directive @requires(fields: FieldSet!) on FIELD_DEFINITION
directive @provides(fields: FieldSet!) on FIELD_DEFINITION
directive @shareable repeatable on OBJECT | FIELD_DEFINITION
directive @inaccessible on FIELD_DEFINITION | OBJECT | INTERFACE | UNION | ARGUMENT_DEFINITION | SCALAR | ENUM | ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION
directive @override(from: String!, label: String) on FIELD_DEFINITION
directive @interfaceObject on OBJECT
directive @tag(name: String!) repeatable on FIELD_DEFINITION | OBJECT | INTERFACE | UNION | ARGUMENT_DEFINITION | SCALAR | ENUM | ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION | SCHEMA
directive @extends on OBJECT | INTERFACE
directive @composeDirective(name: String!) repeatable on SCHEMA
directive @link(url: String, as: String, import: [link__Import], for: link__Purpose) repeatable on SCHEMA
directive @authenticated on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM
directive @requiresScopes(scopes: [[String!]!]!) on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM
directive @policy(policies: [[String!]!]!) on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM
directive @cost(weight: Int!) on ARGUMENT_DEFINITION | ENUM | FIELD_DEFINITION | INPUT_FIELD_DEFINITION | OBJECT | SCALAR
directive @listSize(assumedSize: Int, slicingArguments: [String!], sizedFields: [String!], requireOneSlicingArgument: Boolean = true) on FIELD_DEFINITION
directive @context(name: String!) repeatable on INTERFACE | OBJECT | UNION
directive @fromContext(field: String) on ARGUMENT_DEFINITION
type _Service { sdl: String }
`

// buildSchema loads a subgraph SDL the way @apollo/subgraph's buildSubgraphSchema sees it:
// federation directives declared, `schema`/`extend schema` blocks dropped (roots are found
// by name), extensions of types defined nowhere turned into definitions, and Query given
// _service and, when some object type has @key, _entities.
func buildSchema(sdl string) (*ast.Schema, error) {
	user, err := parser.ParseSchema(&ast.Source{Name: "subgraph.graphql", Input: sdl})
	if err != nil {
		return nil, fmt.Errorf("parse subgraph SDL: %w", err)
	}
	var entities []string
	seen := map[string]bool{}
	collect := func(defs ast.DefinitionList) {
		for _, d := range defs {
			if d.Kind == ast.Object && d.Directives.ForName("key") != nil && !seen[d.Name] {
				seen[d.Name] = true
				entities = append(entities, d.Name)
			}
		}
	}
	collect(user.Definitions)
	collect(user.Extensions)

	extra := "extend type Query { _service: _Service! }\n"
	if len(entities) > 0 {
		extra += "union _Entity = " + strings.Join(entities, " | ") + "\n"
		extra += "extend type Query { _entities(representations: [_Any!]!): [_Entity]! }\n"
	}
	doc, err := parser.ParseSchemas(
		validator.Prelude,
		&ast.Source{Name: "federation.graphql", Input: federationDefs, BuiltIn: true},
		&ast.Source{Name: "subgraph.graphql", Input: sdl},
		&ast.Source{Name: "service.graphql", Input: extra, BuiltIn: true},
	)
	if err != nil {
		return nil, fmt.Errorf("parse subgraph SDL: %w", err)
	}
	doc.Schema = nil
	doc.SchemaExtension = nil
	// Federation 1 subgraphs spell entities owned elsewhere as `extend type X`, possibly
	// with nothing else defining X. Keep a definition first so that gqlparser merges any
	// real extension into it in order.
	defined := map[string]bool{}
	for _, d := range doc.Definitions {
		defined[d.Name] = true
	}
	var exts ast.DefinitionList
	for _, e := range doc.Extensions {
		if !defined[e.Name] {
			defined[e.Name] = true
			doc.Definitions = append(doc.Definitions, e)
			continue
		}
		exts = append(exts, e)
	}
	doc.Extensions = exts
	schema, err := validator.ValidateSchemaDocument(doc)
	if err != nil {
		return nil, fmt.Errorf("load subgraph SDL: %w", err)
	}
	return schema, nil
}
