package federation

import (
	"fmt"
	"sort"
	"strings"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"
)

// Error is a supergraph that cannot be served: it names the file, line and reason.
type Error struct {
	File    string
	Line    int
	Column  int
	Message string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Column, e.Message)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Message)
}

func errAt(file string, pos *ast.Position, format string, args ...any) *Error {
	e := &Error{File: file, Message: fmt.Sprintf(format, args...)}
	if pos != nil {
		e.Line, e.Column = pos.Line, pos.Column
	}
	return e
}

// specs names the feature directives as this supergraph spells them (@link can rename them).
type specs struct {
	join         string // prefix, "join" → @join__type
	joinVersion  string // "v0.3"
	inaccessible string // directive name without @; "" when the supergraph does not link it
	linkName     string // "link" or "core"
	// authenticated, requiresScopes and policy name the authorization directives ("" when
	// the supergraph does not link their spec).
	authenticated, requiresScopes, policy string
	// features are the names every linked spec (custom ones too) owns in this schema.
	features []featureNames
}

// featureNames are a linked spec's names in a schema: its alias (@alias, alias__X) and its
// imports (directives with their "@").
type featureNames struct {
	alias   string
	imports map[string]bool
}

// owns reports whether the directive (name starting with "@") or type belongs to a linked
// spec: the API schema drops such elements, as Apollo's does.
func (sp *specs) owns(name string) bool {
	bare := strings.TrimPrefix(name, "@")
	for _, f := range sp.features {
		if f.imports[name] || strings.HasPrefix(bare, f.alias+"__") || strings.HasPrefix(name, "@") && bare == f.alias {
			return true
		}
	}
	return false
}

const (
	specJoin         = "https://specs.apollo.dev/join/"
	specInaccessible = "https://specs.apollo.dev/inaccessible/"
	specTag          = "https://specs.apollo.dev/tag/"
	specLink         = "https://specs.apollo.dev/link/"
	specCore         = "https://specs.apollo.dev/core/"
)

var supportedJoin = map[string]int{"v0.1": 1, "v0.2": 2, "v0.3": 2, "v0.4": 2, "v0.5": 2}

// Parse reads a supergraph SDL. name is used in error messages (usually the file path).
// A malformed or unsupported supergraph returns an *Error naming the line and the reason.
func Parse(name, sdl string) (*Supergraph, error) {
	src := &ast.Source{Name: name, Input: sdl}
	doc, perr := parser.ParseSchema(src)
	if perr != nil {
		return nil, fromGQLError(name, perr)
	}
	sp, err := readSpecs(name, doc)
	if err != nil {
		return nil, err
	}
	schema, lerr := gqlparser.LoadSchema(src)
	if lerr != nil {
		return nil, fromGQLError(name, lerr)
	}
	sg := &Supergraph{Schema: schema, Types: map[string]*Type{}, FedVersion: supportedJoin[sp.joinVersion]}
	if err := sg.readGraphs(name, sp); err != nil {
		return nil, err
	}
	if err := sg.readTypes(name, sp); err != nil {
		return nil, err
	}
	if err := sg.readJoinDirectives(name, sp, doc); err != nil {
		return nil, err
	}
	if err := sg.readAuthorization(name, sp); err != nil {
		return nil, err
	}
	api, err := apiSchema(name, doc, sp)
	if err != nil {
		return nil, err
	}
	sg.API = api
	return sg, nil
}

func fromGQLError(file string, err error) error {
	var list gqlerror.List
	switch e := err.(type) {
	case *gqlerror.Error:
		list = gqlerror.List{e}
	case gqlerror.List:
		list = e
	default:
		return &Error{File: file, Message: err.Error()}
	}
	if len(list) == 0 {
		return &Error{File: file, Message: "invalid schema"}
	}
	first := list[0]
	out := &Error{File: file, Message: first.Message}
	if len(first.Locations) > 0 {
		out.Line, out.Column = first.Locations[0].Line, first.Locations[0].Column
	}
	return out
}

func readSpecs(file string, doc *ast.SchemaDocument) (*specs, error) {
	sp := &specs{}
	var schemaDirs ast.DirectiveList
	for _, s := range doc.Schema {
		schemaDirs = append(schemaDirs, s.Directives...)
	}
	for _, s := range doc.SchemaExtension {
		schemaDirs = append(schemaDirs, s.Directives...)
	}
	var pos *ast.Position
	for _, d := range schemaDirs {
		var url string
		switch d.Name {
		case "link":
			url = ArgString(d, "url")
		case "core":
			url = ArgString(d, "feature")
		default:
			continue
		}
		pos = d.Position
		trimmed := strings.TrimPrefix(strings.TrimPrefix(url, "https://"), "http://")
		base, version := trimmed, ""
		if i := strings.LastIndex(trimmed, "/v"); i >= 0 {
			base, version = trimmed[:i], trimmed[i+2:]
		}
		base = "https://" + base + "/"
		version = "v" + version
		as := ArgString(d, "as")
		sp.features = append(sp.features, linkedNames(d, base, as))
		switch base {
		case specJoin:
			if _, ok := supportedJoin[version]; !ok {
				return nil, errAt(file, d.Position, "unsupported join spec version %s (supported: v0.1 to v0.5)", version)
			}
			sp.join, sp.joinVersion = "join", version
			if as != "" {
				sp.join = as
			}
		case specInaccessible:
			sp.inaccessible = "inaccessible"
			if as != "" {
				sp.inaccessible = as
			}
			sp.inaccessible = ImportedName(d, "@inaccessible", sp.inaccessible)
		case specConnect:
			if !supportedConnect[version] {
				return nil, errAt(file, d.Position, "unsupported connect spec version %s (supported: v0.1 to v0.3)", version)
			}
		case specAtriumConnectors:
			if !supportedAtriumConnectors[version] {
				return nil, errAt(file, d.Position, "unsupported Atrium connectors spec version %s (supported: v0.1)", version)
			}
		case specApollo + "authenticated/", specApollo + "requiresScopes/", specApollo + "policy/":
			spec := strings.TrimSuffix(strings.TrimPrefix(base, specApollo), "/")
			if version != authSpecVersion[spec] {
				return nil, errAt(file, d.Position, "unsupported %s spec version %s (supported: %s)", spec, version, authSpecVersion[spec])
			}
			alias := spec
			if as != "" {
				alias = as
			}
			name := ImportedName(d, "@"+spec, alias)
			switch spec {
			case "authenticated":
				sp.authenticated = name
			case "requiresScopes":
				sp.requiresScopes = name
			default:
				sp.policy = name
			}
		case specLink:
			sp.linkName = "link"
		case specCore:
			sp.linkName = "core"
		default:
			if ArgString(d, "for") == "EXECUTION" || ArgString(d, "for") == "SECURITY" {
				return nil, errAt(file, d.Position, "unsupported feature %s required for %s", url, ArgString(d, "for"))
			}
		}
	}
	if sp.join == "" {
		if pos == nil && len(doc.Schema) > 0 {
			pos = doc.Schema[0].Position
		}
		return nil, errAt(file, pos, "not a supergraph: the schema does not @link the join spec (https://specs.apollo.dev/join/v0.x); compose the subgraphs into a supergraph first")
	}
	return sp, nil
}

// linkedNames reads the names a @link gives its spec: the alias (`as:`, else the spec's
// name, the last path segment before the version) and the imports.
func linkedNames(d *ast.Directive, base, as string) featureNames {
	f := featureNames{alias: as, imports: map[string]bool{}}
	if f.alias == "" {
		parts := strings.Split(strings.TrimSuffix(base, "/"), "/")
		f.alias = parts[len(parts)-1]
	}
	if imp := d.Arguments.ForName("import"); imp != nil && imp.Value != nil {
		for _, c := range imp.Value.Children {
			v := c.Value
			switch v.Kind {
			case ast.StringValue:
				f.imports[v.Raw] = true
			case ast.ObjectValue:
				name, as := "", ""
				for _, field := range v.Children {
					switch field.Name {
					case "name":
						name = field.Value.Raw
					case "as":
						as = field.Value.Raw
					}
				}
				if as == "" {
					as = name
				}
				f.imports[as] = true
			}
		}
	}
	return f
}

// ImportedName finds `import: [{name: "@x", as: "@y"}]` renames.
func ImportedName(d *ast.Directive, name, def string) string {
	imp := d.Arguments.ForName("import")
	if imp == nil || imp.Value == nil {
		return def
	}
	for _, c := range imp.Value.Children {
		v := c.Value
		if v != nil && v.Kind == ast.ObjectValue {
			n, a := "", ""
			for _, f := range v.Children {
				if f.Value == nil {
					continue
				}
				switch f.Name {
				case "name":
					n = f.Value.Raw
				case "as":
					a = f.Value.Raw
				}
			}
			if n == name && a != "" {
				return strings.TrimPrefix(a, "@")
			}
		}
	}
	return def
}

// ArgString is a directive argument's raw value; "" when absent.
func ArgString(d *ast.Directive, name string) string {
	a := d.Arguments.ForName(name)
	if a == nil || a.Value == nil {
		return ""
	}
	return a.Value.Raw
}

func argBool(d *ast.Directive, name string) bool {
	a := d.Arguments.ForName(name)
	return a != nil && a.Value != nil && a.Value.Raw == "true"
}

func argBoolDefault(d *ast.Directive, name string, def bool) bool {
	a := d.Arguments.ForName(name)
	if a == nil || a.Value == nil {
		return def
	}
	return a.Value.Raw == "true"
}

func (sg *Supergraph) readGraphs(file string, sp *specs) error {
	enum := sg.Schema.Types[sp.join+"__Graph"]
	if enum == nil || enum.Kind != ast.Enum {
		return &Error{File: file, Message: "not a supergraph: enum " + sp.join + "__Graph is missing"}
	}
	seen := map[string]bool{}
	for _, v := range enum.EnumValues {
		d := v.Directives.ForName(sp.join + "__graph")
		if d == nil {
			return errAt(file, v.Position, "enum value %s has no @%s__graph(name:, url:)", v.Name, sp.join)
		}
		name := ArgString(d, "name")
		if name == "" {
			return errAt(file, d.Position, "@%s__graph on %s has no name", sp.join, v.Name)
		}
		if seen[name] {
			return errAt(file, d.Position, "subgraph name %q is used twice", name)
		}
		seen[name] = true
		sg.Subgraphs = append(sg.Subgraphs, &Subgraph{ID: len(sg.Subgraphs), Name: name, Enum: v.Name, URL: ArgString(d, "url")})
	}
	if len(sg.Subgraphs) == 0 {
		return errAt(file, enum.Position, "the supergraph has no subgraphs (%s__Graph is empty)", sp.join)
	}
	return nil
}

func (sg *Supergraph) graphOf(file string, sp *specs, d *ast.Directive) (SubgraphID, error) {
	g := ArgString(d, "graph")
	for _, s := range sg.Subgraphs {
		if s.Enum == g {
			return s.ID, nil
		}
	}
	return -1, errAt(file, d.Position, "@%s names unknown graph %q", d.Name, g)
}

// isMachinery reports whether a type belongs to the link/join specs rather than the API.
func (sp *specs) isMachinery(name string) bool {
	return strings.HasPrefix(name, sp.join+"__") || strings.HasPrefix(name, "link__") || strings.HasPrefix(name, "core__")
}

func (sg *Supergraph) readTypes(file string, sp *specs) error {
	n := len(sg.Subgraphs)
	names := make([]string, 0, len(sg.Schema.Types))
	for name := range sg.Schema.Types {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		def := sg.Schema.Types[name]
		if def.BuiltIn || sp.isMachinery(name) {
			continue
		}
		t := &Type{Name: name, Kind: def.Kind, Def: def, In: make([]*TypeIn, n), Fields: map[string]*Field{}, Owner: -1}
		sg.Types[name] = t
		for _, d := range def.Directives {
			switch d.Name {
			case sp.join + "__type":
				sub, err := sg.graphOf(file, sp, d)
				if err != nil {
					return err
				}
				in := t.In[sub]
				if in == nil {
					in = &TypeIn{Sub: sub}
					t.In[sub] = in
				}
				if argBool(d, "extension") {
					in.Extension = true
				}
				if argBool(d, "isInterfaceObject") {
					in.InterfaceObject = true
				}
				if raw := ArgString(d, "key"); raw != "" {
					in.Keys = append(in.Keys, &Key{Raw: raw, Resolvable: argBoolDefault(d, "resolvable", true)})
				}
			case sp.join + "__owner":
				sub, err := sg.graphOf(file, sp, d)
				if err != nil {
					return err
				}
				t.Owner = sub
			}
		}
		present := false
		for _, in := range t.In {
			present = present || in != nil
		}
		if !present {
			// Federation 1 value types and types only the supergraph knows (built-in-like
			// scalars): every subgraph may hold them.
			for i := range t.In {
				t.In[i] = &TypeIn{Sub: i, Implicit: true}
			}
		}
		for _, d := range def.Directives {
			switch d.Name {
			case sp.join + "__implements":
				sub, err := sg.graphOf(file, sp, d)
				if err != nil {
					return err
				}
				if t.In[sub] != nil {
					t.In[sub].Implements = append(t.In[sub].Implements, ArgString(d, "interface"))
				}
			case sp.join + "__unionMember":
				sub, err := sg.graphOf(file, sp, d)
				if err != nil {
					return err
				}
				if t.In[sub] != nil {
					t.In[sub].Members = append(t.In[sub].Members, ArgString(d, "member"))
				}
			}
		}
		if sp.joinVersion == "v0.1" || sp.joinVersion == "v0.2" {
			// Before join v0.3 membership was not recorded per subgraph.
			for _, in := range t.In {
				if in == nil {
					continue
				}
				if len(in.Implements) == 0 {
					in.Implements = append(in.Implements, def.Interfaces...)
				}
				if len(in.Members) == 0 && def.Kind == ast.Union {
					in.Members = append(in.Members, def.Types...)
				}
			}
		}
		for _, fd := range def.Fields {
			if strings.HasPrefix(fd.Name, "__") {
				continue
			}
			f, err := sg.readField(file, sp, t, fd)
			if err != nil {
				return err
			}
			t.Fields[fd.Name] = f
		}
	}
	// Field sets are parsed once all types are known.
	for _, name := range names {
		t := sg.Types[name]
		if t == nil {
			continue
		}
		for _, in := range t.In {
			if in == nil {
				continue
			}
			for _, k := range in.Keys {
				set, err := sg.parseFieldSet(t.Name, k.Raw)
				if err != nil {
					return errAt(file, t.Def.Position, "type %s: key %q: %v", t.Name, k.Raw, err)
				}
				k.Fields = set
			}
		}
		for _, f := range t.Fields {
			for _, in := range f.In {
				if in == nil {
					continue
				}
				var err error
				if in.RequiresRaw != "" {
					if in.Requires, err = sg.parseFieldSet(t.Name, in.RequiresRaw); err != nil {
						return errAt(file, f.Def.Position, "field %s.%s: requires %q: %v", t.Name, f.Name, in.RequiresRaw, err)
					}
				}
				if in.ProvidesRaw != "" {
					if in.Provides, err = sg.parseFieldSet(f.Def.Type.Name(), in.ProvidesRaw); err != nil {
						return errAt(file, f.Def.Position, "field %s.%s: provides %q: %v", t.Name, f.Name, in.ProvidesRaw, err)
					}
				}
			}
		}
	}
	return nil
}

func (sg *Supergraph) readField(file string, sp *specs, t *Type, fd *ast.FieldDefinition) (*Field, error) {
	n := len(sg.Subgraphs)
	f := &Field{Name: fd.Name, Parent: t, Def: fd, In: make([]*FieldIn, n)}
	joined := false
	for _, d := range fd.Directives {
		if d.Name != sp.join+"__field" {
			continue
		}
		joined = true
		if d.Arguments.ForName("graph") == nil {
			// A bare @join__field: no subgraph resolves the field itself (it comes from an
			// @interfaceObject elsewhere).
			continue
		}
		sub, err := sg.graphOf(file, sp, d)
		if err != nil {
			return nil, err
		}
		in := &FieldIn{
			Sub:            sub,
			External:       argBool(d, "external"),
			RequiresRaw:    ArgString(d, "requires"),
			ProvidesRaw:    ArgString(d, "provides"),
			Type:           ArgString(d, "type"),
			Override:       ArgString(d, "override"),
			OverrideLabel:  ArgString(d, "overrideLabel"),
			UsedOverridden: argBool(d, "usedOverridden"),
		}
		if prev := f.In[sub]; prev != nil {
			// Several @join__field for one graph: keep the resolving one.
			if !prev.External {
				continue
			}
		}
		f.In[sub] = in
	}
	if !joined {
		for i, in := range t.In {
			if in == nil {
				continue
			}
			if t.Owner >= 0 && i != t.Owner && !in.Implicit {
				continue // Federation 1: fields without @join__field belong to the owner.
			}
			f.In[i] = &FieldIn{Sub: i}
		}
	}
	// An override from a subgraph that exists removes the loser's copy for clients. A
	// progressive one (with a label) does so only while its label is active: until then the
	// overriding copy is the one set aside (see WithOverrides). An override from a subgraph
	// that is gone is plain: the overriding subgraph is the only one left to ask.
	for _, in := range f.In {
		if in == nil || in.Override == "" {
			continue
		}
		loser := sg.SubgraphByName(in.Override)
		if loser == nil || f.In[loser.ID] == nil || loser.ID == in.Sub {
			continue
		}
		if in.OverrideLabel == "" {
			f.In[loser.ID].UsedOverridden = true
			continue
		}
		in.UsedOverridden = true
		sg.progressive = append(sg.progressive, progressiveOverride{typ: t.Name, field: f.Name, label: in.OverrideLabel, winner: in.Sub, loser: loser.ID})
	}
	return f, nil
}

// parseFieldSet parses a join__FieldSet ("id organization { id }") against type typ and fills
// in field definitions so the planner can read types from it.
func (sg *Supergraph) parseFieldSet(typ, raw string) (ast.SelectionSet, error) {
	doc, err := parser.ParseQuery(&ast.Source{Input: "{" + raw + "}"})
	if err != nil {
		return nil, fmt.Errorf("%s", strings.TrimPrefix(err.Error(), "input:"))
	}
	if len(doc.Operations) != 1 || len(doc.Fragments) != 0 {
		return nil, fmt.Errorf("not a field set")
	}
	set := doc.Operations[0].SelectionSet
	if err := sg.annotate(typ, set); err != nil {
		return nil, err
	}
	return set, nil
}

func (sg *Supergraph) annotate(typ string, set ast.SelectionSet) error {
	def := sg.Schema.Types[typ]
	if def == nil {
		return fmt.Errorf("unknown type %s", typ)
	}
	for _, s := range set {
		switch s := s.(type) {
		case *ast.Field:
			s.ObjectDefinition = def
			if s.Name == "__typename" {
				s.Definition = &ast.FieldDefinition{Name: "__typename", Type: ast.NonNullNamedType("String", nil)}
				continue
			}
			fd := def.Fields.ForName(s.Name)
			if fd == nil {
				return fmt.Errorf("type %s has no field %s", typ, s.Name)
			}
			s.Definition = fd
			if s.Alias == "" {
				s.Alias = s.Name
			}
			if err := sg.annotate(fd.Type.Name(), s.SelectionSet); err != nil {
				return err
			}
		case *ast.InlineFragment:
			cond := s.TypeCondition
			if cond == "" {
				cond = typ
			}
			s.TypeCondition = cond
			s.ObjectDefinition = sg.Schema.Types[cond]
			if s.ObjectDefinition == nil {
				return fmt.Errorf("unknown type %s", cond)
			}
			if err := sg.annotate(cond, s.SelectionSet); err != nil {
				return err
			}
		default:
			return fmt.Errorf("fragment spreads are not allowed in a field set")
		}
	}
	return nil
}
