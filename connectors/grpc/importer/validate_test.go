package importer

import (
	"fmt"
	"slices"
	"strings"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/atrium-gateway/atrium/connectors/mapping"
)

// prelude defines what an imported subgraph uses without declaring: the federation
// directives and types, and the connectors spec's @grpcSource and @grpc (as the contract
// writes them).
const prelude = `
scalar FieldSet
scalar link__Import
enum link__Purpose { SECURITY EXECUTION }
directive @link(url: String!, as: String, for: link__Purpose, import: [link__Import]) repeatable on SCHEMA
directive @key(fields: FieldSet!, resolvable: Boolean = true) repeatable on OBJECT | INTERFACE
directive @shareable repeatable on OBJECT | FIELD_DEFINITION
directive @external(reason: String) on OBJECT | FIELD_DEFINITION
directive @requires(fields: FieldSet!) on FIELD_DEFINITION
directive @provides(fields: FieldSet!) on FIELD_DEFINITION
directive @inaccessible on FIELD_DEFINITION | OBJECT | INTERFACE | UNION | ARGUMENT_DEFINITION | SCALAR | ENUM | ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION
directive @override(from: String!, label: String) on FIELD_DEFINITION
directive @tag(name: String!) repeatable on FIELD_DEFINITION | OBJECT | INTERFACE | UNION | ARGUMENT_DEFINITION | SCALAR | ENUM | ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION

scalar atrium__JSONSelection
input atrium__GRPCMetadata { name: String! from: String value: String }
input atrium__GRPCBatch { maxSize: Int }
directive @grpcSource(name: String!, service: String!, address: String!, descriptorSet: String!, metadata: [atrium__GRPCMetadata!]) repeatable on SCHEMA
directive @grpc(source: String!, method: String!, request: atrium__JSONSelection, selection: atrium__JSONSelection!, batch: atrium__GRPCBatch, entity: Boolean = false) repeatable on FIELD_DEFINITION | OBJECT
`

// validateSDL loads sdl with the prelude (so gqlparser validates it as GraphQL), then checks
// every @grpc: its source is a @grpcSource, its request and selection parse in the mapping
// language, the request reads only the field's arguments (or the type's key), and the
// selection's keys are fields of the type, every field at the top.
func validateSDL(sdl string) error {
	s, gqlErr := gqlparser.LoadSchema(
		&ast.Source{Name: "prelude.graphql", Input: prelude, BuiltIn: true},
		&ast.Source{Name: "schema.graphql", Input: sdl},
	)
	if gqlErr != nil {
		return gqlErr
	}
	sources := map[string]bool{}
	for _, d := range s.SchemaDirectives.ForNames("grpcSource") {
		sources[d.Arguments.ForName("name").Value.Raw] = true
	}
	if len(sources) == 0 {
		return fmt.Errorf("no @grpcSource")
	}
	for _, root := range []*ast.Definition{s.Query, s.Mutation} {
		if root == nil {
			continue
		}
		for _, f := range root.Fields {
			if strings.HasPrefix(f.Name, "__") {
				continue
			}
			d := f.Directives.ForName("grpc")
			if d == nil {
				return fmt.Errorf("%s.%s: no @grpc", root.Name, f.Name)
			}
			var args []string
			for _, a := range f.Arguments {
				args = append(args, a.Name)
			}
			if err := checkGRPC(s, d, sources, s.Types[f.Type.Name()], "$args", args); err != nil {
				return fmt.Errorf("%s.%s: %w", root.Name, f.Name, err)
			}
		}
	}
	for _, t := range s.Types {
		d := t.Directives.ForName("grpc")
		if d == nil || t.BuiltIn {
			continue
		}
		key := t.Directives.ForName("key")
		if key == nil {
			return fmt.Errorf("%s: @grpc without @key", t.Name)
		}
		k := key.Arguments.ForName("fields").Value.Raw
		if t.Fields.ForName(k) == nil {
			return fmt.Errorf("%s: @key(fields: %q) is not a field", t.Name, k)
		}
		variable := "$this"
		if d.Arguments.ForName("batch") != nil {
			variable = "$batch"
		}
		if err := checkGRPC(s, d, sources, t, variable, []string{k}); err != nil {
			return fmt.Errorf("%s: %w", t.Name, err)
		}
	}
	return nil
}

func checkGRPC(s *ast.Schema, d *ast.Directive, sources map[string]bool, t *ast.Definition, variable string, allowed []string) error {
	if src := d.Arguments.ForName("source").Value.Raw; !sources[src] {
		return fmt.Errorf("source %q is not a @grpcSource", src)
	}
	if r := d.Arguments.ForName("request"); r != nil {
		req, err := mapping.Parse(r.Value.Raw)
		if err != nil {
			return fmt.Errorf("request %q: %v", r.Value.Raw, err)
		}
		for _, vp := range req.VarPaths() {
			if vp.Var != variable || len(vp.Path) == 0 || !slices.Contains(allowed, vp.Path[0]) {
				return fmt.Errorf("request reads %s.%s, want %s.%v", vp.Var, strings.Join(vp.Path, "."), variable, allowed)
			}
		}
	}
	text := d.Arguments.ForName("selection").Value.Raw
	sel, err := mapping.Parse(text)
	if err != nil {
		return fmt.Errorf("selection %q: %v", text, err)
	}
	if vps := sel.VarPaths(); len(vps) > 0 {
		return fmt.Errorf("selection reads %s", vps[0].Var)
	}
	shape := sel.Shape()
	if shape == nil || t == nil || t.Kind != ast.Object {
		return nil
	}
	for _, f := range t.Fields {
		if !strings.HasPrefix(f.Name, "__") && shape.Field(f.Name) == nil {
			return fmt.Errorf("selection leaves out %s.%s", t.Name, f.Name)
		}
	}
	return checkShape(s, t, shape, t.Name)
}

// checkShape checks that the keys of a selection are fields of t, with blocks for object
// fields only.
func checkShape(s *ast.Schema, t *ast.Definition, sh *mapping.Shape, path string) error {
	for _, sf := range sh.Fields {
		fd := t.Fields.ForName(sf.Name)
		if fd == nil {
			return fmt.Errorf("selection at %s: %s has no field %q", path, t.Name, sf.Name)
		}
		ft := s.Types[fd.Type.Name()]
		switch {
		case ft.Kind == ast.Object && sf.Sub == nil:
			return fmt.Errorf("selection at %s.%s: object field without a block", path, sf.Name)
		case ft.Kind != ast.Object && sf.Sub != nil:
			return fmt.Errorf("selection at %s.%s: a block on a %s", path, sf.Name, ft.Name)
		case sf.Sub != nil:
			if err := checkShape(s, ft, sf.Sub, path+"."+sf.Name); err != nil {
				return err
			}
		}
	}
	return nil
}
