package compose

import (
	"fmt"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/atrium-gateway/atrium/federation"
)

// merger builds the supergraph from the subgraphs, type by type.
type merger struct {
	subs   []*subgraph
	types  map[string]*mtype
	order  []string
	errors []Diagnostic
	hints  []Diagnostic
	// joinVersion is the join spec the output links: v0.3, or v0.4 for override labels.
	joinVersion string
	// tagName and inaccessibleName name those directives in the supergraph ("" when no
	// subgraph uses them); custom holds what @composeDirective adds; links are the @link
	// lines after join's.
	tagName, inaccessibleName string
	// authNames name the authorization directives in the supergraph, by spec name (absent
	// when no subgraph uses one).
	authNames   map[string]string
	custom      *customDirectives
	links       []*supergraphLink
	schemaExtra []string
	// schemaJoins are the schema's @join__directive applications (connectors).
	schemaJoins []string
}

// mtype is a supergraph type with, per subgraph, its definition there (nil where absent).
type mtype struct {
	name         string
	kind         ast.DefinitionKind
	src          []*stype
	description  string
	interfaces   []string
	fields       []*mfield
	values       []*mvalue
	members      []string
	inaccessible bool
	tags         []string
	usedAsInput  bool
	usedAsOutput bool
	// extra are the directives printed after the join ones (@tag, @deprecated, composed).
	extra []string
	// auth is what the type requires of a request (see mergeAuth).
	auth *federation.Requirements
}

type mfield struct {
	name         string
	typ          *ast.Type
	args         []*marg
	src          []*sfield
	description  string
	defaultValue *ast.Value
	inaccessible bool
	tags         []string
	deprecated   *ast.Directive
	// fromInterfaceObject: the field is the interface's, added to an implementation by an
	// @interfaceObject subgraph; it is printed with a graph-less @join__field.
	fromInterfaceObject bool
	// copiedFrom is the interface's field a fromInterfaceObject field copies.
	copiedFrom *mfield
	extra      []string
	auth       *federation.Requirements
}

type marg struct {
	name         string
	typ          *ast.Type
	defaultValue *ast.Value
	description  string
	inaccessible bool
	tags         []string
	deprecated   *ast.Directive
	// dirs and has are the argument's directives in each subgraph defining it.
	dirs  []ast.DirectiveList
	has   []bool
	extra []string
}

type mvalue struct {
	name         string
	src          []bool
	vals         []*svalue
	description  string
	inaccessible bool
	tags         []string
	deprecated   *ast.Directive
	extra        []string
}

func newMerger(subs []*subgraph) *merger {
	m := &merger{subs: subs, types: map[string]*mtype{}, joinVersion: "v0.3"}
	for _, sg := range m.subs {
		if sg.version >= 7 {
			for _, st := range sg.types {
				for _, f := range st.fields {
					if f.overrideLabel != "" {
						m.joinVersion = "v0.4"
					}
				}
			}
		}
	}
	return m
}

func (m *merger) errorAt(code string, locs []Loc, format string, args ...any) {
	m.errors = append(m.errors, Diagnostic{Code: code, Message: fmt.Sprintf(format, args...), Locations: locs})
}

func (m *merger) hint(code string, format string, args ...any) {
	m.hints = append(m.hints, Diagnostic{Code: code, Message: fmt.Sprintf(format, args...)})
}

func (m *merger) merge() {
	for i, sg := range m.subs {
		for _, name := range sg.order {
			st := sg.types[name]
			t := m.types[name]
			if t == nil {
				t = &mtype{name: name, kind: st.kind, src: make([]*stype, len(m.subs))}
				if st.interfaceObject {
					t.kind = ast.Interface
				}
				m.types[name] = t
				m.order = append(m.order, name)
			}
			t.src[i] = st
		}
	}
	for _, name := range m.order {
		m.mergeKind(m.types[name])
	}
	if len(m.errors) > 0 {
		return
	}
	for _, name := range m.order {
		t := m.types[name]
		t.description = m.description(t)
		for _, st := range t.src {
			if st == nil {
				continue
			}
			t.inaccessible = t.inaccessible || st.inaccessible
			t.tags = appendUnique(t.tags, st.tags...)
			if t.kind != ast.Union {
				t.interfaces = appendUnique(t.interfaces, st.interfaces...)
			}
			t.members = appendUnique(t.members, st.members...)
		}
		switch t.kind {
		case ast.Object, ast.Interface:
			m.mergeFields(t)
		case ast.InputObject:
			m.mergeInputFields(t)
		}
	}
	m.resolveComposedDefinitions()
	m.addInterfaceObjectFields()
	m.markEnumUsage()
	m.mergeAuth()
	for _, name := range m.order {
		if t := m.types[name]; t.kind == ast.Enum {
			m.mergeEnum(t)
		}
	}
	if len(m.errors) == 0 {
		m.mergeAppliedDirectives()
	}
	m.checkExtensions()
	m.checkOverrides()
	m.checkSharing()
	m.checkInterfaces()
	if m.types["Query"] == nil || len(m.types["Query"].fields) == 0 {
		m.errorAt("NO_QUERIES", nil, "No queries found in any subgraph: a supergraph must have a query root type.")
	}
}

func (m *merger) locs(t *mtype) []Loc {
	var out []Loc
	for i, st := range t.src {
		if st != nil {
			out = append(out, Loc{Subgraph: m.subs[i].name, Line: st.pos.line, Column: st.pos.column})
		}
	}
	return out
}

func (m *merger) mergeKind(t *mtype) {
	var kinds []string
	mismatch := false
	for i, st := range t.src {
		if st == nil {
			continue
		}
		k := st.kind
		if st.interfaceObject {
			k = ast.Interface
		}
		if k != t.kind {
			mismatch = true
		}
		kinds = append(kinds, fmt.Sprintf("%s in subgraph \"%s\"", kindName(k), m.subs[i].name))
	}
	if mismatch {
		m.errorAt("TYPE_KIND_MISMATCH", m.locs(t), "Type \"%s\" has mismatched kind: it is defined as %s", t.name, joinWith(kinds, " but "))
		return
	}
	if t.kind == ast.Interface {
		onlyObjects := true
		for _, st := range t.src {
			if st != nil && !st.interfaceObject {
				onlyObjects = false
			}
		}
		if onlyObjects {
			m.errorAt("INTERFACE_OBJECT_USAGE_ERROR", m.locs(t), "Type \"%s\" is declared with @interfaceObject in all the subgraphs in which is is defined (it must be an interface with @key in at least one subgraph)", t.name)
		}
	}
}

func kindName(k ast.DefinitionKind) string {
	switch k {
	case ast.Object:
		return "an Object Type"
	case ast.Interface:
		return "an Interface Type"
	case ast.Union:
		return "a Union Type"
	case ast.Enum:
		return "an Enum Type"
	case ast.InputObject:
		return "an Input Object Type"
	case ast.Scalar:
		return "a Scalar Type"
	}
	return string(k)
}

// joinAnd lists items as Apollo's messages do: "a", "a and b", "a, b and c".
func joinAnd(items []string) string { return joinWith(items, " and ") }

func joinWith(items []string, last string) string {
	if len(items) <= 1 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + last + items[len(items)-1]
}

// description picks the most frequent non-empty description (ties: the first subgraph's).
func (m *merger) description(t *mtype) string {
	var descs []string
	for _, st := range t.src {
		if st != nil {
			descs = append(descs, st.description)
		}
	}
	return mostFrequent(descs)
}

func mostFrequent(items []string) string {
	count := map[string]int{}
	best, bestN := "", 0
	for _, d := range items {
		if d == "" {
			continue
		}
		count[d]++
	}
	for _, d := range items {
		if d != "" && count[d] > bestN {
			best, bestN = d, count[d]
		}
	}
	return best
}

// mergeFields takes the union of the fields of an object or interface type, in order of
// first appearance over the subgraphs.
func (m *merger) mergeFields(t *mtype) {
	for i, st := range t.src {
		if st == nil {
			continue
		}
		for _, sf := range st.fields {
			f := t.field(sf.name)
			if f == nil {
				f = &mfield{name: sf.name, src: make([]*sfield, len(m.subs))}
				t.fields = append(t.fields, f)
			}
			f.src[i] = sf
		}
	}
	for _, f := range t.fields {
		m.mergeField(t, f)
	}
}

func (t *mtype) field(name string) *mfield {
	for _, f := range t.fields {
		if f.name == name {
			return f
		}
	}
	return nil
}

func (t *mtype) value(name string) *mvalue {
	for _, v := range t.values {
		if v.name == name {
			return v
		}
	}
	return nil
}

func (m *merger) mergeField(t *mtype, f *mfield) {
	coord := t.name + "." + f.name
	var descs []string
	var types []*ast.Type
	var locs []Loc
	for i, sf := range f.src {
		if sf == nil {
			continue
		}
		descs = append(descs, sf.description)
		types = append(types, sf.typ)
		locs = append(locs, Loc{Subgraph: m.subs[i].name, Line: sf.pos.line, Column: sf.pos.column})
		f.inaccessible = f.inaccessible || sf.inaccessible
		f.tags = appendUnique(f.tags, sf.tags...)
		if sf.deprecated != nil && f.deprecated == nil {
			f.deprecated = sf.deprecated
		}
	}
	f.description = mostFrequent(descs)
	// @external copies only repeat the type; the resolving copies decide it, and the
	// external ones are checked against it below.
	var resolving []*ast.Type
	for _, sf := range f.src {
		if sf != nil && (!sf.external || sf.fakeExternal) {
			resolving = append(resolving, sf.typ)
		}
	}
	if len(resolving) > 0 {
		types = resolving
	}
	typ, ok := m.outputType(types)
	if !ok {
		var parts []string
		for i, sf := range f.src {
			if sf != nil {
				parts = append(parts, fmt.Sprintf("type \"%s\" in subgraph \"%s\"", sf.typ.String(), m.subs[i].name))
			}
		}
		m.errorAt("FIELD_TYPE_MISMATCH", locs, "Type of field \"%s\" is incompatible across subgraphs: it has %s", coord, joinAnd(parts))
		return
	}
	f.typ = typ
	for i, sf := range f.src {
		if sf != nil && sf.external && !sf.fakeExternal && !m.isSubtype(sf.typ, typ, false) {
			m.errorAt("EXTERNAL_TYPE_MISMATCH", []Loc{{Subgraph: m.subs[i].name, Line: sf.pos.line, Column: sf.pos.column}},
				"Type of field \"%s\" is incompatible across subgraphs (where marked @external): it has type \"%s\" in subgraph \"%s\" but type \"%s\" in the supergraph", coord, sf.typ.String(), m.subs[i].name, typ.String())
		}
	}
	m.mergeArgs(coord, f)
	allExternal := true
	for _, sf := range f.src {
		if sf != nil && (!sf.external || sf.fakeExternal) {
			allExternal = false
		}
	}
	if allExternal && t.kind == ast.Object {
		m.errorAt("EXTERNAL_MISSING_ON_BASE", locs, "Field \"%s\" is marked @external on all the subgraphs in which it is listed (%s).", coord, subgraphList(locs))
	}
}

func subgraphList(locs []Loc) string {
	var names []string
	for _, l := range locs {
		names = append(names, fmt.Sprintf("subgraph \"%s\"", l.Subgraph))
	}
	return joinAnd(names)
}

// mergeArgs keeps the arguments every copy of the field declares, with the strictest type.
func (m *merger) mergeArgs(coord string, f *mfield) {
	var order []string
	for _, sf := range f.src {
		if sf == nil {
			continue
		}
		for _, a := range sf.args {
			order = appendUnique(order, a.Name)
		}
	}
	for _, name := range order {
		var defs []*ast.ArgumentDefinition
		missing := false
		var locs []Loc
		for i, sf := range f.src {
			if sf == nil {
				continue
			}
			a := sf.args.ForName(name)
			if a == nil {
				missing = true
				continue
			}
			defs = append(defs, a)
			locs = append(locs, Loc{Subgraph: m.subs[i].name, Line: posOf(a.Position).line, Column: posOf(a.Position).column})
		}
		argCoord := fmt.Sprintf("%s(%s:)", coord, name)
		if missing {
			for _, a := range defs {
				if a.Type.NonNull && a.DefaultValue == nil {
					m.errorAt("REQUIRED_ARGUMENT_MISSING_IN_SOME_SUBGRAPH", locs, "Argument \"%s\" is required in some subgraphs but does not appear in all subgraphs: it is required in %s but does not appear in the others", argCoord, subgraphList(locs))
					break
				}
			}
			m.hint("INCONSISTENT_ARGUMENT_PRESENCE", "Optional argument \"%s\" will not be included in the supergraph as it does not appear in all subgraphs", argCoord)
			continue
		}
		var types []*ast.Type
		var descs []string
		ma := &marg{name: name}
		for _, a := range defs {
			types = append(types, a.Type)
			descs = append(descs, a.Description)
			for _, d := range a.Directives {
				switch d.Name {
				case "deprecated":
					ma.deprecated = d
				}
			}
		}
		ma.dirs, ma.has = make([]ast.DirectiveList, len(m.subs)), make([]bool, len(m.subs))
		for i, sf := range f.src {
			if sf == nil {
				continue
			}
			ma.dirs[i], ma.has[i] = sf.args.ForName(name).Directives, true
			for _, d := range sf.args.ForName(name).Directives {
				if m.subs[i].is(d, "inaccessible") {
					ma.inaccessible = true
				}
				if m.subs[i].is(d, "tag") {
					ma.tags = appendUnique(ma.tags, stringArg(d, "name"))
				}
			}
		}
		ma.description = mostFrequent(descs)
		typ, ok := m.inputType(types)
		if !ok {
			m.errorAt("FIELD_ARGUMENT_TYPE_MISMATCH", locs, "Type of argument \"%s\" is incompatible across subgraphs", argCoord)
			continue
		}
		ma.typ = typ
		def, conflict := mergeDefaults(defaultsOf(defs))
		if conflict {
			m.errorAt("FIELD_ARGUMENT_DEFAULT_MISMATCH", locs, "Argument \"%s\" has incompatible default values across subgraphs", argCoord)
			continue
		}
		ma.defaultValue = def
		f.args = append(f.args, ma)
	}
}

func defaultsOf(defs []*ast.ArgumentDefinition) []*ast.Value {
	out := make([]*ast.Value, len(defs))
	for i, d := range defs {
		out[i] = d.DefaultValue
	}
	return out
}

// mergeDefaults keeps a default value all copies agree on; copies without one drop it.
func mergeDefaults(vals []*ast.Value) (*ast.Value, bool) {
	var first *ast.Value
	missing := false
	for _, v := range vals {
		if v == nil {
			missing = true
			continue
		}
		if first == nil {
			first = v
		} else if first.String() != v.String() {
			return nil, true
		}
	}
	if missing {
		return nil, false
	}
	return first, false
}

// mergeInputFields keeps the fields every subgraph declares (inputs intersect), with the
// strictest type; @inaccessible fields escape the intersection.
func (m *merger) mergeInputFields(t *mtype) {
	var order []string
	for _, st := range t.src {
		if st == nil {
			continue
		}
		for _, f := range st.fields {
			order = appendUnique(order, f.name)
		}
	}
	for _, name := range order {
		f := &mfield{name: name, src: make([]*sfield, len(m.subs))}
		missing := false
		inaccessible := false
		var locs []Loc
		var types []*ast.Type
		var descs []string
		var defaults []*ast.Value
		for i, st := range t.src {
			if st == nil {
				continue
			}
			sf := st.field(name)
			if sf == nil {
				missing = true
				continue
			}
			f.src[i] = sf
			locs = append(locs, Loc{Subgraph: m.subs[i].name, Line: sf.pos.line, Column: sf.pos.column})
			types = append(types, sf.typ)
			descs = append(descs, sf.description)
			defaults = append(defaults, sf.defaultValue)
			inaccessible = inaccessible || sf.inaccessible
			f.tags = appendUnique(f.tags, sf.tags...)
			if sf.deprecated != nil {
				f.deprecated = sf.deprecated
			}
		}
		coord := t.name + "." + name
		if missing && !inaccessible {
			for i, sf := range f.src {
				if sf != nil && sf.typ.NonNull && sf.defaultValue == nil {
					m.errorAt("REQUIRED_INPUT_FIELD_MISSING_IN_SOME_SUBGRAPH", []Loc{{Subgraph: m.subs[i].name, Line: sf.pos.line, Column: sf.pos.column}},
						"Input object field \"%s\" is required in some subgraphs but does not appear in all subgraphs: it is required in %s but does not appear in the others", coord, subgraphList(locs))
					break
				}
			}
			m.hint("INCONSISTENT_INPUT_OBJECT_FIELD", "Input object field \"%s\" will not be added to \"%s\" in the supergraph as it does not appear in all subgraphs", name, t.name)
			continue
		}
		f.inaccessible = inaccessible
		f.description = mostFrequent(descs)
		typ, ok := m.inputType(types)
		if !ok {
			m.errorAt("FIELD_TYPE_MISMATCH", locs, "Type of field \"%s\" is incompatible across subgraphs", coord)
			continue
		}
		f.typ = typ
		def, conflict := mergeDefaults(defaults)
		if conflict {
			m.errorAt("INPUT_FIELD_DEFAULT_MISMATCH", locs, "Input field \"%s\" has incompatible default values across subgraphs", coord)
			continue
		}
		f.defaultValue = def
		t.fields = append(t.fields, f)
	}
	if len(t.fields) == 0 {
		m.errorAt("EMPTY_MERGED_INPUT_TYPE", m.locs(t), "None of the fields of input object type \"%s\" are consistently defined in all the subgraphs defining that type. As only fields common to all subgraphs are merged, this would result in an empty type.", t.name)
	}
}

// outputType finds the most general of the copies' types (String over String!, an interface
// over its implementation); false when some copy is not a subtype of it.
func (m *merger) outputType(types []*ast.Type) (*ast.Type, bool) {
	for _, cand := range types {
		ok := true
		for _, other := range types {
			if !m.isSubtype(other, cand, true) {
				ok = false
				break
			}
		}
		if ok {
			return cand, true
		}
	}
	return nil, false
}

// inputType finds the strictest of the copies' types (String! over String); the named types
// must be the same.
func (m *merger) inputType(types []*ast.Type) (*ast.Type, bool) {
	for _, cand := range types {
		ok := true
		for _, other := range types {
			if !m.isSubtype(cand, other, false) {
				ok = false
				break
			}
		}
		if ok {
			return cand, true
		}
	}
	return nil, false
}

// isSubtype reports whether a value of type a can stand where type b is declared.
// abstract allows an implementation or union member for an interface or union.
func (m *merger) isSubtype(a, b *ast.Type, abstract bool) bool {
	if b.NonNull && !a.NonNull {
		return false
	}
	if (a.Elem == nil) != (b.Elem == nil) {
		return false
	}
	if a.Elem != nil {
		return m.isSubtype(a.Elem, b.Elem, abstract)
	}
	if a.NamedType == b.NamedType {
		return true
	}
	if !abstract {
		return false
	}
	bt := m.types[b.NamedType]
	at := m.types[a.NamedType]
	if bt == nil || at == nil {
		return false
	}
	switch bt.kind {
	case ast.Union:
		for _, mem := range bt.members {
			if mem == a.NamedType {
				return true
			}
		}
	case ast.Interface:
		for _, i := range at.interfaces {
			if i == b.NamedType {
				return true
			}
		}
	}
	return false
}

// addInterfaceObjectFields gives every implementation of an interface the fields that an
// @interfaceObject subgraph adds to the interface: those subgraphs resolve them for every
// implementation without knowing it.
func (m *merger) addInterfaceObjectFields() {
	for _, name := range m.order {
		iface := m.types[name]
		if iface.kind != ast.Interface {
			continue
		}
		for _, st := range iface.src {
			if st == nil || !st.interfaceObject {
				continue
			}
			for _, implName := range m.order {
				impl := m.types[implName]
				if impl.kind != ast.Object || !contains(impl.interfaces, name) {
					continue
				}
				for _, sf := range st.fields {
					if impl.field(sf.name) != nil {
						continue
					}
					f := iface.field(sf.name)
					impl.fields = append(impl.fields, &mfield{name: f.name, typ: f.typ, args: f.args,
						description: f.description, src: make([]*sfield, len(m.subs)), fromInterfaceObject: true,
						inaccessible: f.inaccessible, tags: f.tags, deprecated: f.deprecated, copiedFrom: f})
				}
			}
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// markEnumUsage records, for each enum, whether the supergraph uses it as input (arguments,
// input fields) or as output: the merge rule for its values depends on it.
func (m *merger) markEnumUsage() {
	mark := func(t *ast.Type, input bool) {
		if et := m.types[t.Name()]; et != nil {
			if input {
				et.usedAsInput = true
			} else {
				et.usedAsOutput = true
			}
		}
	}
	for _, name := range m.order {
		t := m.types[name]
		for _, f := range t.fields {
			if f.typ == nil {
				continue
			}
			mark(f.typ, t.kind == ast.InputObject)
			for _, a := range f.args {
				mark(a.typ, true)
			}
		}
	}
	// Composed directives' arguments are input positions too.
	for _, name := range m.composedNames() {
		if def := m.custom.defs[name]; def != nil {
			for _, a := range def.Arguments {
				mark(a.Type, true)
			}
		}
	}
}

// mergeEnum: output-only enums take the union of values, input-only ones the intersection,
// and an enum used both ways must have the same values everywhere (@inaccessible values
// excepted, since clients never see them).
func (m *merger) mergeEnum(t *mtype) {
	for i, st := range t.src {
		if st == nil {
			continue
		}
		for _, sv := range st.values {
			v := t.value(sv.name)
			if v == nil {
				v = &mvalue{name: sv.name, src: make([]bool, len(m.subs)), vals: make([]*svalue, len(m.subs))}
				t.values = append(t.values, v)
			}
			v.src[i] = true
			v.vals[i] = sv
			v.inaccessible = v.inaccessible || sv.inaccessible
			v.tags = appendUnique(v.tags, sv.tags...)
			if v.description == "" {
				v.description = sv.description
			}
			if sv.deprecated != nil {
				v.deprecated = sv.deprecated
			}
		}
	}
	if !t.usedAsInput {
		if !t.usedAsOutput {
			m.hint("UNUSED_ENUM_TYPE", "Enum type \"%s\" is defined but unused. It will be included in the supergraph with all the values appearing in any subgraph (\"as if\" it was only used as an output type).", t.name)
		}
		return
	}
	kept := t.values[:0]
	for _, v := range t.values {
		everywhere := true
		var in, out []string
		for i, st := range t.src {
			if st == nil {
				continue
			}
			if v.src[i] {
				in = append(in, fmt.Sprintf("subgraph \"%s\"", m.subs[i].name))
			} else {
				everywhere = false
				out = append(out, fmt.Sprintf("subgraph \"%s\"", m.subs[i].name))
			}
		}
		if everywhere || v.inaccessible {
			kept = append(kept, v)
			continue
		}
		if t.usedAsOutput {
			m.errorAt("ENUM_VALUE_MISMATCH", m.locs(t), "Enum type \"%s\" is used as both input type and output type, but value \"%s\" is not defined in all the subgraphs defining \"%s\": \"%s\" is defined in %s but not in %s", t.name, v.name, t.name, v.name, joinAnd(in), joinAnd(out))
			continue
		}
		m.hint("INCONSISTENT_ENUM_VALUE_FOR_INPUT_ENUM", "Value \"%s\" of enum type \"%s\" will not be part of the supergraph as it is not defined in all the subgraphs defining \"%s\"", v.name, t.name, t.name)
	}
	t.values = kept
	if len(t.values) == 0 {
		m.errorAt("EMPTY_MERGED_ENUM_TYPE", m.locs(t), "None of the values of enum type \"%s\" are defined consistently in all the subgraphs defining that type. As only values common to all subgraphs are merged, this would result in an empty type.", t.name)
	}
}

// checkSharing: a field that several subgraphs resolve must be @shareable in all of them.
func (m *merger) checkSharing() {
	for _, name := range m.order {
		t := m.types[name]
		if t.kind != ast.Object {
			continue
		}
		for _, f := range t.fields {
			var resolving []int
			for i, sf := range f.src {
				if sf == nil || m.overridden(t, f, i) {
					continue
				}
				if !sf.external || sf.fakeExternal || sf.usedByProvides {
					resolving = append(resolving, i)
				}
			}
			// An @interfaceObject subgraph resolves the interface's fields for this type too.
			for _, iname := range t.interfaces {
				it := m.types[iname]
				if it == nil {
					continue
				}
				for i, st := range it.src {
					if st == nil || !st.interfaceObject || f.src[i] != nil {
						continue
					}
					if of := st.field(f.name); of != nil && (!of.external || of.usedByProvides) {
						resolving = append(resolving, i)
					}
				}
			}
			if len(resolving) < 2 {
				continue
			}
			var bad, all []string
			var locs []Loc
			for _, i := range resolving {
				sf := f.src[i]
				if sf == nil {
					sf = t.interfaceObjectField(m, f.name, i)
				}
				all = append(all, fmt.Sprintf("\"%s\"", m.subs[i].name))
				if sf != nil {
					locs = append(locs, Loc{Subgraph: m.subs[i].name, Line: sf.pos.line, Column: sf.pos.column})
				}
				if sf != nil && !sf.shareable && !sf.usedByKey && !(sf.external && sf.usedByProvides) && !t.isSubscription() {
					bad = append(bad, fmt.Sprintf("\"%s\"", m.subs[i].name))
				}
			}
			if t.isSubscription() {
				m.errorAt("INVALID_FIELD_SHARING", locs, "Fields on root level subscription object cannot be marked as shareable: \"%s.%s\" is resolved by subgraphs %s", t.name, f.name, joinAnd(all))
				continue
			}
			if len(bad) == 0 {
				continue
			}
			msg := fmt.Sprintf("Non-shareable field \"%s.%s\" is resolved from multiple subgraphs: it is resolved from subgraphs %s and defined as non-shareable in ", t.name, f.name, joinAnd(all))
			if len(bad) == 1 {
				msg += "subgraph " + bad[0]
			} else {
				msg += "all of them"
			}
			for _, sf := range f.src {
				if sf != nil && sf.hasOverride && m.subgraph(sf.override) == nil {
					msg += fmt.Sprintf(" (please note that \"%s.%s\" has an @override directive in subgraph \"%s\" that targets an unknown subgraph \"%s\": did you misspell the subgraph name?)", t.name, f.name, m.subs[indexOf(f.src, sf)].name, sf.override)
				}
			}
			m.errorAt("INVALID_FIELD_SHARING", locs, "%s", msg)
		}
	}
}

func indexOf(list []*sfield, f *sfield) int {
	for i, x := range list {
		if x == f {
			return i
		}
	}
	return -1
}

func (t *mtype) isSubscription() bool { return t.name == "Subscription" }

// interfaceObjectField finds, for an implementation, the @interfaceObject field of one of
// its interfaces in subgraph i.
func (t *mtype) interfaceObjectField(m *merger, name string, i int) *sfield {
	for _, iname := range t.interfaces {
		if it := m.types[iname]; it != nil && it.src[i] != nil && it.src[i].interfaceObject {
			if f := it.src[i].field(name); f != nil {
				return f
			}
		}
	}
	return nil
}

func (m *merger) subgraph(name string) *subgraph {
	for _, sg := range m.subs {
		if sg.name == name {
			return sg
		}
	}
	return nil
}

func (m *merger) subgraphIndex(name string) int {
	for i, sg := range m.subs {
		if sg.name == name {
			return i
		}
	}
	return -1
}

// overridden reports whether subgraph i's copy of the field is taken over by another
// subgraph's @override without a progressive label.
func (m *merger) overridden(t *mtype, f *mfield, i int) bool {
	for j, sf := range f.src {
		if sf != nil && j != i && sf.hasOverride && sf.override == m.subs[i].name {
			return true // a progressive override moves the field on purpose: both copies may resolve
		}
	}
	return false
}

// checkInterfaces: every implementation has every field of its interfaces.
func (m *merger) checkInterfaces() {
	for _, name := range m.order {
		t := m.types[name]
		if t.kind != ast.Object && t.kind != ast.Interface {
			continue
		}
		for _, iname := range t.interfaces {
			it := m.types[iname]
			if it == nil {
				continue
			}
			for _, f := range it.fields {
				if t.field(f.name) == nil {
					var where []string
					for i, st := range it.src {
						if st != nil && st.field(f.name) != nil {
							where = append(where, fmt.Sprintf("\"%s\"", m.subs[i].name))
						}
					}
					m.errorAt("INTERFACE_FIELD_NO_IMPLEM", m.locs(t), "Interface field \"%s.%s\" is declared in subgraph %s but type \"%s\", which implements \"%s\" only in another subgraph, does not have field \"%s\".", iname, f.name, joinAnd(where), t.name, iname, f.name)
				}
			}
		}
	}
}

// checkOverrides reports @override misuse across subgraphs: a source that itself overrides
// the field, and (as a hint) a source subgraph that is not composed.
func (m *merger) checkOverrides() {
	for _, name := range m.order {
		t := m.types[name]
		for _, f := range t.fields {
			for i, sf := range f.src {
				if sf == nil || !sf.hasOverride {
					continue
				}
				j := m.subgraphIndex(sf.override)
				if j < 0 {
					m.hint("FROM_SUBGRAPH_DOES_NOT_EXIST", "Source subgraph \"%s\" for field \"%s.%s\" on subgraph \"%s\" does not exist. Did you mean another subgraph?", sf.override, t.name, f.name, m.subs[i].name)
					continue
				}
				if src := f.src[j]; src != nil && src.hasOverride && j > i && src.override == m.subs[i].name {
					m.errorAt("OVERRIDE_SOURCE_HAS_OVERRIDE", []Loc{{Subgraph: m.subs[i].name, Line: sf.pos.line, Column: sf.pos.column}, {Subgraph: m.subs[j].name, Line: src.pos.line, Column: src.pos.column}},
						"Field \"%s.%s\" on subgraph \"%s\" is also marked with directive @override in subgraph \"%s\". Only one @override directive is allowed per field.", t.name, f.name, m.subs[i].name, m.subs[j].name)
				}
				if src := f.src[j]; src != nil && (src.requires != "" || src.provides != "") {
					m.errorAt("OVERRIDE_COLLISION_WITH_ANOTHER_DIRECTIVE", []Loc{{Subgraph: m.subs[i].name, Line: sf.pos.line, Column: sf.pos.column}},
						"@override cannot be used on field \"%s.%s\" on subgraph \"%s\" since \"%s.%s\" on \"%s\" is marked with directive @requires or @provides", t.name, f.name, m.subs[i].name, t.name, f.name, m.subs[j].name)
				}
			}
		}
	}
}

// checkExtensions: a type that Federation 2 subgraphs only extend must be defined somewhere.
func (m *merger) checkExtensions() {
	for _, name := range m.order {
		t := m.types[name]
		if name == "Query" || name == "Mutation" || name == "Subscription" {
			continue
		}
		base := false
		var locs []Loc
		for i, st := range t.src {
			if st == nil {
				continue
			}
			if !st.onlyExtensions || !m.subs[i].fed2 {
				base = true
			}
			locs = append(locs, Loc{Subgraph: m.subs[i].name, Line: st.pos.line, Column: st.pos.column})
		}
		if !base {
			m.errorAt("EXTENSION_WITH_NO_BASE", locs, "Type \"%s\" is an extension type, but there is no type definition for \"%s\" in any subgraph.", name, name)
		}
	}
}
