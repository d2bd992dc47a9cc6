package federation

import (
	"github.com/vektah/gqlparser/v2/ast"
)

// JoinDirective is one @join__directive application: a subgraph's directive of a spec
// linked for execution (Apollo Connectors' @source and @connect) that the supergraph
// carries to the gateway.
type JoinDirective struct {
	// Graphs are the subgraphs that applied it.
	Graphs []SubgraphID
	// Name is the directive's name in its spec, without "@": "link", "source", "connect".
	Name string
	// Args is the directive's arguments as an object value (nil: none).
	Args *ast.Value
	// Type and Field say where it was applied: both empty on the schema, Field empty on a
	// type.
	Type, Field string
	Pos         *ast.Position
}

const specConnect = "https://specs.apollo.dev/connect/"

// supportedConnect are the Apollo Connectors spec versions the gateway serves.
var supportedConnect = map[string]bool{"v0.1": true, "v0.2": true, "v0.3": true}

// specAtriumConnectors is Atrium's connectors spec (@grpcSource, @grpc: gRPC services).
const specAtriumConnectors = "https://specs.atrium.dev/connectors/"

var supportedAtriumConnectors = map[string]bool{"v0.1": true}

// readJoinDirectives collects every @join__directive of the schema, its types and fields,
// in schema order.
func (sg *Supergraph) readJoinDirectives(file string, sp *specs, doc *ast.SchemaDocument) error {
	name := sp.join + "__directive"
	read := func(dirs ast.DirectiveList, typ, field string) error {
		for _, d := range dirs {
			if d.Name != name {
				continue
			}
			jd := &JoinDirective{Name: ArgString(d, "name"), Type: typ, Field: field, Pos: d.Position}
			if a := d.Arguments.ForName("args"); a != nil && a.Value != nil && a.Value.Kind == ast.ObjectValue {
				jd.Args = a.Value
			}
			if a := d.Arguments.ForName("graphs"); a != nil && a.Value != nil {
				for _, c := range a.Value.Children {
					id := -1
					for _, s := range sg.Subgraphs {
						if s.Enum == c.Value.Raw {
							id = s.ID
						}
					}
					if id < 0 {
						return errAt(file, d.Position, "@%s names unknown graph %q", name, c.Value.Raw)
					}
					jd.Graphs = append(jd.Graphs, id)
				}
			}
			sg.JoinDirectives = append(sg.JoinDirectives, jd)
		}
		return nil
	}
	for _, list := range []ast.SchemaDefinitionList{doc.Schema, doc.SchemaExtension} {
		for _, s := range list {
			if err := read(s.Directives, "", ""); err != nil {
				return err
			}
		}
	}
	for _, list := range []ast.DefinitionList{doc.Definitions, doc.Extensions} {
		for _, def := range list {
			if err := read(def.Directives, def.Name, ""); err != nil {
				return err
			}
			for _, f := range def.Fields {
				if err := read(f.Directives, def.Name, f.Name); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// JoinDirectivesOf returns the join directives of one subgraph named name ("connect", …).
func (sg *Supergraph) JoinDirectivesOf(sub SubgraphID, name string) []*JoinDirective {
	var out []*JoinDirective
	for _, d := range sg.JoinDirectives {
		if d.Name != name {
			continue
		}
		for _, g := range d.Graphs {
			if g == sub {
				out = append(out, d)
				break
			}
		}
	}
	return out
}
