package openapi

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/pb33f/go-yaml"
	"github.com/pb33f/libopenapi/datamodel/high/base"

	"github.com/atrium-gateway/atrium/connectors/internal/naming"
)

// maxDepth bounds how deep inline schemas nest before the rest is mapped to JSON.
const maxDepth = 64

type shapeKind uint8

const (
	scalarShape shapeKind = iota
	enumShape
	objectShape
	listShape
)

// shape is the GraphQL side of a schema at one place where it is used: a scalar, an enum, an
// object (output type or input type) or a list. Objects and enums are shared; shapes are not.
type shape struct {
	kind     shapeKind
	scalar   string // String Int Float Boolean JSON Int64
	enum     *enumType
	obj      *objType
	elem     *shape
	nullable bool // the schema allows null
	noFormat bool // an integer without format: Int may overflow
}

func (s *shape) base() *shape {
	for s.kind == listShape {
		s = s.elem
	}
	return s
}

// named returns the GraphQL name of the shape's named type.
func (s *shape) named() string {
	b := s.base()
	switch b.kind {
	case enumShape:
		return b.enum.name
	case objectShape:
		return b.obj.name
	}
	return b.scalar
}

// gqlType renders the shape as a GraphQL type; nonNull adds the outer "!".
func (s *shape) gqlType(nonNull bool) string {
	t := ""
	if s.kind == listShape {
		t = "[" + s.elem.gqlType(!s.elem.nullable) + "]"
	} else {
		t = s.named()
	}
	if nonNull {
		t += "!"
	}
	return t
}

func scalar(name string) *shape { return &shape{kind: scalarShape, scalar: name} }

// objType is a GraphQL object type or input type.
type objType struct {
	name, desc string
	input      bool
	merged     bool // from oneOf/anyOf: every field nullable
	w          where
	fields     []*field
	key        string // @key(fields:) when the type is an entity
}

type field struct {
	w                where
	name, wire, desc string
	shape            *shape
	nonNull          bool
	deprecated       bool
	recursive        bool // leads back to its own type: selections stop after one turn
}

type enumType struct {
	name, desc string
	values     []enumValue
}

type enumValue struct{ name, wire string }

// identity reports whether every value is named as on the wire (no ->match needed).
func (e *enumType) identity() bool {
	for _, v := range e.values {
		if v.name != v.wire {
			return false
		}
	}
	return true
}

// loc is where a schema is being mapped: the report location and the base name for
// inline types found there.
type loc struct {
	w     where
	base  string
	depth int
}

func (l loc) at(base string, segments ...string) loc {
	return loc{w: l.w.at(segments...), base: base, depth: l.depth + 1}
}

// view is a schema as seen from one use site: the component it names (after aliases), or an
// identity for an inline schema, the schema to map and the use site's own keywords (the
// siblings of a $ref: nullable, description, readOnly…).
type view struct {
	comp string
	key  any
	s    *base.Schema
	site *base.Schema
	err  string
	hint string
}

func (g *gen) view(sp *base.SchemaProxy) view {
	if sp == nil {
		return view{}
	}
	if !sp.IsReference() {
		s := sp.Schema()
		if s == nil {
			return view{err: "schema cannot be built: " + oneLine(errString(sp.GetBuildError()))}
		}
		return view{key: nodeKey(s), s: s, site: s}
	}
	ref := sp.GetReference()
	site := sp.Schema()
	name, ok := componentName(ref)
	if !ok {
		if !strings.HasPrefix(ref, "#") {
			return view{err: fmt.Sprintf("external $ref %q is not followed", ref),
				hint: "bundle the document into one file first (for example `redocly bundle`), then import again"}
		}
		if site == nil {
			return view{err: fmt.Sprintf("$ref %q cannot be resolved", ref)}
		}
		return view{key: nodeKey(site), s: site, site: site}
	}
	name, err := g.alias(name)
	if err != "" {
		return view{err: err}
	}
	s := g.components[name].Schema()
	if s == nil {
		return view{err: fmt.Sprintf("component %q cannot be built: %s", name, oneLine(errString(g.components[name].GetBuildError())))}
	}
	if site == nil {
		site = s
	}
	return view{comp: name, key: "comp:" + name, s: s, site: site}
}

// alias follows components that are nothing but a $ref to another component.
func (g *gen) alias(name string) (string, string) {
	seen := map[string]bool{}
	for {
		cp := g.components[name]
		if cp == nil {
			return "", fmt.Sprintf("$ref to missing component %q", name)
		}
		if seen[name] {
			return "", fmt.Sprintf("circular $ref aliases through component %q", name)
		}
		seen[name] = true
		if !cp.IsReference() {
			return name, ""
		}
		next, ok := componentName(cp.GetReference())
		if !ok {
			return name, ""
		}
		name = next
	}
}

func componentName(ref string) (string, bool) {
	rest, ok := strings.CutPrefix(ref, "#/components/schemas/")
	if !ok || rest == "" || strings.Contains(rest, "/") {
		return "", false
	}
	if u, err := url.PathUnescape(rest); err == nil {
		rest = u
	}
	return unescapePointer(rest), true
}

func nodeKey(s *base.Schema) any {
	if low := s.GoLow(); low != nil && low.RootNode != nil {
		return low.RootNode
	}
	return s
}

// owner names who claims a type name: the component, or the inline schema's location.
func owner(id any, l loc, input bool) string {
	o, ok := id.(string)
	if !ok {
		o = l.w.ptr
	}
	if input {
		o += "/input"
	}
	return o
}

func errString(err error) string {
	if err == nil {
		return "unknown error"
	}
	return err.Error()
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func nullable(s *base.Schema) bool {
	if s == nil {
		return false
	}
	return (s.Nullable != nil && *s.Nullable) || slices.Contains(s.Type, "null")
}

func types(s *base.Schema) []string {
	var out []string
	for _, t := range s.Type {
		if t != "null" {
			out = append(out, t)
		}
	}
	return out
}

type busyKey struct {
	id    any
	input bool
}

// shapeOf maps the schema behind sp, used at l, to a GraphQL shape.
func (g *gen) shapeOf(sp *base.SchemaProxy, l loc, input bool) *shape {
	v := g.view(sp)
	if v.err != "" {
		g.report(Unmapped, l.w, v.err+"; mapped to JSON", v.hint)
		return jsonShape()
	}
	if v.s == nil {
		g.report(Info, l.w, "no schema: mapped to JSON", "")
		return jsonShape()
	}
	if v.comp != "" {
		sh := g.schemaShape(v.s, v.key, loc{w: component(v.comp), base: pascal(v.comp, "Type"), depth: l.depth + 1}, input)
		if nullable(v.site) && !sh.nullable {
			c := *sh
			c.nullable = true
			sh = &c
		}
		return sh
	}
	return g.schemaShape(v.s, v.key, l, input)
}

// jsonShape is the JSON scalar, nullable: what a schema the importer cannot type maps to.
func jsonShape() *shape {
	return &shape{kind: scalarShape, scalar: "JSON", nullable: true}
}

func (g *gen) schemaShape(s *base.Schema, id any, l loc, input bool) *shape {
	bk := busyKey{id, input}
	if o := g.objects[bk]; o != nil {
		return &shape{kind: objectShape, obj: o, nullable: nullable(s)}
	}
	if g.busy[bk] {
		g.report(Unmapped, l.w, "recursive schema with no object type in the cycle: mapped to JSON", "")
		return jsonShape()
	}
	if l.depth > maxDepth {
		g.report(Unmapped, l.w, fmt.Sprintf("schema nested deeper than %d levels: mapped to JSON", maxDepth), "")
		return jsonShape()
	}
	g.busy[bk] = true
	defer delete(g.busy, bk)
	sh := g.mapSchema(s, id, l, input)
	if nullable(s) {
		sh.nullable = true
	}
	return sh
}

func (g *gen) mapSchema(s *base.Schema, id any, l loc, input bool) *shape {
	if s.BooleanSchema != nil {
		g.report(Info, l.w, "boolean schema: mapped to JSON", "")
		return jsonShape()
	}
	if len(s.AllOf) > 0 {
		return g.allOf(s, id, l, input)
	}
	if len(s.OneOf)+len(s.AnyOf) > 0 {
		return g.oneOf(s, id, l, input)
	}
	if len(s.Enum) > 0 {
		return g.enum(s, id, l)
	}
	ts := types(s)
	if len(ts) > 1 {
		g.report(Unmapped, l.w, fmt.Sprintf("several types (%s): mapped to JSON", strings.Join(ts, ", ")), "")
		return jsonShape()
	}
	t := ""
	if len(ts) == 1 {
		t = ts[0]
	} else if s.Properties != nil || s.AdditionalProperties != nil {
		t = "object"
	} else if s.Items != nil {
		t = "array"
	}
	switch t {
	case "object":
		return g.object([]part{{s: s, w: l.w, base: l.base}}, id, l, input, false)
	case "array":
		if len(s.PrefixItems) > 0 {
			g.report(Unmapped, l.w, "tuple (prefixItems): mapped to JSON", "")
			return jsonShape()
		}
		if s.Items == nil || s.Items.IsB() {
			return &shape{kind: listShape, elem: jsonShape()}
		}
		return &shape{kind: listShape, elem: g.shapeOf(s.Items.A, l.at(l.base, "items"), input)}
	case "string":
		return scalar("String")
	case "boolean":
		return scalar("Boolean")
	case "number":
		return scalar("Float")
	case "integer":
		switch s.Format {
		case "int64", "uint32", "uint64":
			return scalar("Int64")
		case "int32", "int8", "int16", "uint8", "uint16":
			return scalar("Int")
		}
		return &shape{kind: scalarShape, scalar: "Int", noFormat: true}
	case "null":
		return jsonShape()
	case "":
		return jsonShape()
	}
	g.report(Unmapped, l.w, fmt.Sprintf("unknown type %q: mapped to JSON", t), "")
	return jsonShape()
}

// enum maps a string enum to a GraphQL enum; other enums keep their scalar type.
func (g *gen) enum(s *base.Schema, id any, l loc) *shape {
	ts := types(s)
	var vals []string
	hasNull, allStrings := false, true
	for _, n := range s.Enum {
		if n == nil || n.Tag == "!!null" {
			hasNull = true
			continue
		}
		if n.Kind != yaml.ScalarNode {
			allStrings = false
			continue
		}
		if n.Tag != "!!str" && !slices.Equal(ts, []string{"string"}) {
			allStrings = false
		}
		vals = append(vals, n.Value)
	}
	if !allStrings || (len(ts) > 0 && !slices.Equal(ts, []string{"string"})) {
		c := *s
		c.Enum = nil
		sh := g.mapSchema(&c, id, l, false)
		if sh.kind == scalarShape && sh.scalar == "JSON" {
			g.report(Unmapped, l.w, "enum of mixed values: mapped to JSON", "")
		} else {
			g.report(Unmapped, l.w, fmt.Sprintf("non-string enum: mapped to %s, values unchecked", sh.gqlType(false)), "")
		}
		sh.nullable = sh.nullable || hasNull
		return sh
	}
	if len(vals) == 0 {
		return &shape{kind: scalarShape, scalar: "String", nullable: true}
	}
	if e := g.enums[id]; e != nil {
		return &shape{kind: enumShape, enum: e, nullable: hasNull}
	}
	name := g.typeName(l.base, l.w, owner(id, l, false))
	e := &enumType{name: name, desc: s.Description}
	ns := naming.NewFoldedNamespace()
	seen := map[string]bool{}
	for _, v := range vals {
		if seen[v] {
			continue
		}
		seen[v] = true
		if !printable(v) {
			g.report(Unmapped, l.w, fmt.Sprintf("enum value %q has control characters: left out", v), "")
			continue
		}
		want := upperSnake(v)
		got, _ := ns.Claim(want, v)
		if got != want {
			g.report(Changed, l.w, fmt.Sprintf("enum value %q would be %s like another value: named %s", v, want, got), "")
		}
		e.values = append(e.values, enumValue{name: got, wire: v})
	}
	if len(e.values) == 0 {
		return &shape{kind: scalarShape, scalar: "String", nullable: true}
	}
	g.enums[id] = e
	return &shape{kind: enumShape, enum: e, nullable: hasNull}
}

// typeName claims a type name for the type at w; a clash gets a numeric suffix and a report.
func (g *gen) typeName(want string, w where, owner string) string {
	got, _ := g.types.Claim(want, owner)
	if got != want {
		g.report(Changed, w, fmt.Sprintf("type name %s is taken: named %s", want, got), "rename the schema, or the type in the SDL")
	}
	return got
}

// printable reports whether a name from the document can appear in GraphQL and selection
// strings: valid UTF-8, no control characters.
func printable(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f || r == 0xfeff {
			return false
		}
	}
	return true
}
