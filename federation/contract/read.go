package contract

import (
	"fmt"
	"sort"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/atrium-gateway/atrium/federation"
)

const (
	specTag          = "https://specs.apollo.dev/tag/"
	specInaccessible = "https://specs.apollo.dev/inaccessible/"
	specLink         = "https://specs.apollo.dev/link/"
	specCore         = "https://specs.apollo.dev/core/"
)

// inaccessibleLocations are the locations of @inaccessible v0.2, the ones a contract marks.
var inaccessibleLocations = []ast.DirectiveLocation{
	ast.LocationFieldDefinition, ast.LocationObject, ast.LocationInterface, ast.LocationUnion,
	ast.LocationArgumentDefinition, ast.LocationScalar, ast.LocationEnum, ast.LocationEnumValue,
	ast.LocationInputObject, ast.LocationInputFieldDefinition,
}

// graph is a supergraph document indexed for filtering. Its definitions are the document's
// own: marking one edits the document Build prints.
type graph struct {
	doc   *ast.SchemaDocument
	types map[string]*typ
	names []string // the API's type names (not the linked specs' machinery), sorted
	roots map[ast.Operation]string
	// tag and inaccessible are the directives' names in this supergraph; tag is "" when the
	// tag spec is not linked (nothing is tagged then).
	tag, inaccessible string
	// needsLink is set when the supergraph does not link the inaccessible spec yet.
	needsLink bool
	linkName  string   // "link" or "core": the directive that links specs
	owned     []string // name prefixes of the linked specs' types ("join__")
	// execArgTypes are the types the arguments of executable directives use: the API keeps
	// those directives, so their types stay reachable.
	execArgTypes []string
}

// typ is one named type: its definition, then its extensions.
type typ struct {
	name string
	kind ast.DefinitionKind
	defs []*ast.Definition
}

func (t *typ) fields() ast.FieldList {
	var out ast.FieldList
	for _, d := range t.defs {
		out = append(out, d.Fields...)
	}
	return out
}

func (t *typ) field(name string) *ast.FieldDefinition {
	for _, d := range t.defs {
		if f := d.Fields.ForName(name); f != nil {
			return f
		}
	}
	return nil
}

func (t *typ) values() ast.EnumValueList {
	var out ast.EnumValueList
	for _, d := range t.defs {
		out = append(out, d.EnumValues...)
	}
	return out
}

func (t *typ) value(name string) *ast.EnumValueDefinition {
	for _, d := range t.defs {
		if v := d.EnumValues.ForName(name); v != nil {
			return v
		}
	}
	return nil
}

// members are a union's member types; interfaces are the interfaces a type implements.
func (t *typ) members() []string {
	var out []string
	for _, d := range t.defs {
		out = append(out, d.Types...)
	}
	return out
}

func (t *typ) interfaces() []string {
	var out []string
	for _, d := range t.defs {
		out = append(out, d.Interfaces...)
	}
	return out
}

func (t *typ) directives() ast.DirectiveList {
	var out ast.DirectiveList
	for _, d := range t.defs {
		out = append(out, d.Directives...)
	}
	return out
}

// read indexes a supergraph that federation.Parse accepted.
func read(doc *ast.SchemaDocument) (*graph, error) {
	g := &graph{doc: doc, types: map[string]*typ{}, roots: map[ast.Operation]string{},
		owned: []string{"join__", "link__", "core__"}}
	var schemaDirs ast.DirectiveList
	for _, s := range doc.Schema {
		schemaDirs = append(schemaDirs, s.Directives...)
		for _, op := range s.OperationTypes {
			g.roots[op.Operation] = op.Type
		}
	}
	for _, s := range doc.SchemaExtension {
		schemaDirs = append(schemaDirs, s.Directives...)
		for _, op := range s.OperationTypes {
			g.roots[op.Operation] = op.Type
		}
	}
	specDirectives := map[string]bool{}
	for _, d := range schemaDirs {
		var url string
		switch d.Name {
		case "link":
			url = federation.ArgString(d, "url")
		case "core":
			url = federation.ArgString(d, "feature")
		default:
			continue
		}
		trimmed := strings.TrimPrefix(strings.TrimPrefix(url, "https://"), "http://")
		base := trimmed
		if i := strings.LastIndex(trimmed, "/v"); i >= 0 {
			base = trimmed[:i]
		}
		base = "https://" + base + "/"
		alias := federation.ArgString(d, "as")
		if alias == "" {
			parts := strings.Split(strings.TrimSuffix(base, "/"), "/")
			alias = parts[len(parts)-1]
		}
		g.owned = append(g.owned, alias+"__")
		specDirectives[alias] = true
		switch base {
		case specTag:
			g.tag = federation.ImportedName(d, "@tag", alias)
			specDirectives[g.tag] = true
		case specInaccessible:
			g.inaccessible = federation.ImportedName(d, "@inaccessible", alias)
			specDirectives[g.inaccessible] = true
		case specLink, specCore:
			g.linkName = d.Name
		}
	}
	if g.inaccessible == "" {
		for _, d := range doc.Directives {
			if d.Name == "inaccessible" {
				return nil, &Error{Problems: []string{"the supergraph defines @inaccessible without linking " +
					specInaccessible + "v0.2; compose the supergraph again"}}
			}
		}
		g.inaccessible, g.needsLink = "inaccessible", true
	}
	for _, list := range []ast.DefinitionList{doc.Definitions, doc.Extensions} {
		for _, def := range list {
			if g.isOwned(def.Name) {
				continue
			}
			t := g.types[def.Name]
			if t == nil {
				t = &typ{name: def.Name, kind: def.Kind}
				g.types[def.Name] = t
				g.names = append(g.names, def.Name)
			}
			t.defs = append(t.defs, def)
		}
	}
	sort.Strings(g.names)
	if len(g.roots) == 0 {
		for op, name := range map[ast.Operation]string{ast.Query: "Query", ast.Mutation: "Mutation", ast.Subscription: "Subscription"} {
			if g.types[name] != nil {
				g.roots[op] = name
			}
		}
	}
	for _, d := range doc.Directives {
		if specDirectives[d.Name] || g.isOwned(d.Name) || !federation.Executable(d) {
			continue
		}
		for _, a := range d.Arguments {
			g.execArgTypes = append(g.execArgTypes, a.Type.Name())
		}
	}
	return g, nil
}

// isOwned reports whether a type or directive belongs to a linked spec (join__Graph).
func (g *graph) isOwned(name string) bool {
	for _, p := range g.owned {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// isRoot reports whether name is a root operation type.
func (g *graph) isRoot(name string) bool {
	for _, r := range g.roots {
		if r == name {
			return true
		}
	}
	return false
}

// tags lists the @tag names of an element.
func (g *graph) tags(dirs ast.DirectiveList) []string {
	if g.tag == "" {
		return nil
	}
	var out []string
	for _, d := range dirs {
		if d.Name == g.tag {
			out = append(out, federation.ArgString(d, "name"))
		}
	}
	return out
}

// hidden reports whether an element is @inaccessible already.
func (g *graph) hidden(dirs ast.DirectiveList) bool {
	return !g.needsLink && dirs.ForName(g.inaccessible) != nil
}

// linkInaccessible links the inaccessible spec when the supergraph does not yet, and makes
// sure its definition allows every location a contract marks (@inaccessible v0.1 knew
// fewer; Apollo's contracts augment the definition the same way).
func (g *graph) linkInaccessible() {
	doc := g.doc
	if g.needsLink {
		var schema *ast.SchemaDefinition
		switch {
		case len(doc.Schema) > 0:
			schema = doc.Schema[0]
		case len(doc.SchemaExtension) > 0:
			schema = doc.SchemaExtension[0]
		default:
			schema = &ast.SchemaDefinition{}
			doc.Schema = append(doc.Schema, schema)
		}
		link := &ast.Directive{Name: "link"}
		urlArg := "url"
		url := specInaccessible + "v0.2"
		if g.linkName == "core" {
			link.Name, urlArg, url = "core", "feature", specInaccessible+"v0.1"
		}
		link.Arguments = ast.ArgumentList{{Name: urlArg, Value: &ast.Value{Kind: ast.StringValue, Raw: url}}}
		if def := doc.Directives.ForName(link.Name); def != nil && def.Arguments.ForName("for") != nil {
			link.Arguments = append(link.Arguments, &ast.Argument{Name: "for", Value: &ast.Value{Kind: ast.EnumValue, Raw: "SECURITY"}})
		}
		schema.Directives = append(schema.Directives, link)
	}
	def := doc.Directives.ForName(g.inaccessible)
	if def == nil {
		def = &ast.DirectiveDefinition{Name: g.inaccessible}
		at := len(doc.Directives)
		for i, d := range doc.Directives {
			if strings.ToLower(d.Name) > strings.ToLower(def.Name) {
				at = i
				break
			}
		}
		doc.Directives = append(doc.Directives[:at], append(ast.DirectiveDefinitionList{def}, doc.Directives[at:]...)...)
	}
	for _, loc := range inaccessibleLocations {
		found := false
		for _, l := range def.Locations {
			found = found || l == loc
		}
		if !found {
			def.Locations = append(def.Locations, loc)
		}
	}
}

// coordinate names a field (T.f), an argument (T.f(a:)) or an enum value (E.V).
func coordinate(t string, f *ast.FieldDefinition, a *ast.ArgumentDefinition) string {
	if a != nil {
		return fmt.Sprintf("%s.%s(%s:)", t, f.Name, a.Name)
	}
	return t + "." + f.Name
}
