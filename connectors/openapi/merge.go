package openapi

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pb33f/libopenapi/datamodel/high/base"

	"github.com/atrium-gateway/atrium/connectors/internal/naming"
)

// part is one schema whose properties go into an object type: the schema itself, an allOf
// member, or a oneOf/anyOf branch (optional: its required list does not apply).
type part struct {
	s        *base.Schema
	w        where
	base     string // names the part's inline types
	optional bool
}

// prop is a property of an object type, with every definition the merged parts give it.
type prop struct {
	wire string
	base string // of the part that defines it first
	defs []*base.SchemaProxy
	ws   []where
}

type props struct {
	list     []*prop
	by       map[string]*prop
	required map[string]bool
	extra    bool // additionalProperties beside properties
}

// collect gathers the properties of p, its allOf members and its oneOf/anyOf branches, in
// document order; required lists are united (a branch's only applies within the branch).
func (g *gen) collect(ps *props, p part, seen map[any]bool) {
	k := nodeKey(p.s)
	if seen[k] {
		return
	}
	seen[k] = true
	for wire, sp := range p.s.Properties.FromOldest() {
		pr := ps.by[wire]
		if pr == nil {
			pr = &prop{wire: wire, base: p.base}
			ps.by[wire] = pr
			ps.list = append(ps.list, pr)
		}
		pr.defs = append(pr.defs, sp)
		pr.ws = append(pr.ws, p.w.at("properties", wire))
	}
	if !p.optional {
		for _, r := range p.s.Required {
			ps.required[r] = true
		}
	}
	if ap := p.s.AdditionalProperties; ap != nil && (ap.IsA() && ap.A != nil || ap.IsB() && ap.B) {
		ps.extra = true
	}
	members := func(list []*base.SchemaProxy, kw string, optional bool) {
		for i, m := range list {
			v := g.view(m)
			w, b := p.w.at(kw, fmt.Sprint(i)), p.base
			if v.comp != "" {
				w, b = component(v.comp), pascal(v.comp, "Type")
			}
			if v.err != "" {
				g.report(Unmapped, w, v.err+"; its properties are left out", v.hint)
				continue
			}
			if v.s == nil || !g.objectLike(v.s, map[any]bool{}) {
				continue
			}
			g.collect(ps, part{s: v.s, w: w, base: b, optional: optional}, seen)
		}
	}
	members(p.s.AllOf, "allOf", p.optional)
	members(p.s.OneOf, "oneOf", true)
	members(p.s.AnyOf, "anyOf", true)
}

// objectLike reports whether s describes an object (properties, type object, or an
// allOf/oneOf/anyOf with an object in it).
func (g *gen) objectLike(s *base.Schema, seen map[any]bool) bool {
	if s == nil {
		return false
	}
	if s.Properties != nil || slices.Contains(s.Type, "object") {
		return true
	}
	if len(types(s)) == 0 && s.AdditionalProperties != nil {
		return true
	}
	k := nodeKey(s)
	if seen[k] {
		return false
	}
	seen[k] = true
	for _, list := range [][]*base.SchemaProxy{s.AllOf, s.OneOf, s.AnyOf} {
		for _, m := range list {
			if g.objectLike(g.view(m).s, seen) {
				return true
			}
		}
	}
	return false
}

// constraintOnly reports whether s only constrains (description, maxLength…) without saying
// what the value is: such allOf members do not count.
func constraintOnly(s *base.Schema) bool {
	return len(types(s)) == 0 && s.Properties == nil && s.AdditionalProperties == nil && s.Items == nil &&
		len(s.AllOf)+len(s.OneOf)+len(s.AnyOf) == 0 && len(s.Enum) == 0 && s.Const == nil
}

// isNull reports whether s is `type: null` (a oneOf branch that only makes the value nullable).
func isNull(s *base.Schema) bool {
	return s != nil && len(s.Type) > 0 && len(types(s)) == 0
}

// allOf merges the members into one object; a lone member (beside constraints) is an alias.
func (g *gen) allOf(s *base.Schema, id any, l loc, input bool) *shape {
	real := -1
	n := 0
	for i, m := range s.AllOf {
		v := g.view(m)
		if v.s != nil && constraintOnly(v.s) && v.comp == "" {
			continue
		}
		real = i
		n++
	}
	if n == 1 && s.Properties == nil && len(s.OneOf)+len(s.AnyOf) == 0 {
		return g.aliasOf(s.AllOf[real], l.at(l.base, "allOf", fmt.Sprint(real)), input)
	}
	for i, m := range s.AllOf {
		v := g.view(m)
		if v.s != nil && !constraintOnly(v.s) && !g.objectLike(v.s, map[any]bool{}) {
			g.report(Unmapped, l.w.at("allOf", fmt.Sprint(i)), "allOf mixes an object with a non-object schema: mapped to JSON", "")
			return jsonShape()
		}
	}
	return g.object([]part{{s: s, w: l.w, base: l.base}}, id, l, input, false)
}

// aliasOf maps the only meaningful member of an allOf/oneOf/anyOf as the schema itself.
func (g *gen) aliasOf(sp *base.SchemaProxy, l loc, input bool) *shape {
	sh := g.shapeOf(sp, l, input)
	c := *sh
	return &c
}

// oneOf maps oneOf/anyOf: a null branch makes the value nullable; one branch left is an
// alias; objects merge into one object type whose fields are all nullable; scalars of one
// type stay that type; anything else is JSON.
func (g *gen) oneOf(s *base.Schema, id any, l loc, input bool) *shape {
	type branch struct {
		sp *base.SchemaProxy
		v  view
		w  where
	}
	var real []branch
	null := false
	for _, kw := range []string{"oneOf", "anyOf"} {
		list := s.OneOf
		if kw == "anyOf" {
			list = s.AnyOf
		}
		for i, m := range list {
			v := g.view(m)
			if isNull(v.s) {
				null = true
				continue
			}
			real = append(real, branch{m, v, l.w.at(kw, fmt.Sprint(i))})
		}
	}
	if len(real) == 0 {
		return jsonShape()
	}
	if len(real) == 1 && s.Properties == nil && len(s.AllOf) == 0 {
		sh := g.aliasOf(real[0].sp, loc{w: real[0].w, base: l.base, depth: l.depth + 1}, input)
		sh.nullable = sh.nullable || null
		return sh
	}
	objects, kinds := 0, map[string]bool{}
	for _, b := range real {
		switch {
		case b.v.err != "":
			kinds["JSON"] = true
		case g.objectLike(b.v.s, map[any]bool{}):
			objects++
		default:
			kinds[scalarKind(b.v.s)] = true
		}
	}
	switch {
	case objects == len(real) || (objects > 0 && len(kinds) == 0):
		g.report(Changed, l.w, fmt.Sprintf("oneOf/anyOf of %d object schemas: one object type with every field nullable (connectors v0.3 cannot return unions)", len(real)),
			"query the fields of the variant you expect; a union by discriminator comes with connect v0.4")
		return g.object([]part{{s: s, w: l.w, base: l.base}}, id, l, input, true)
	case objects > 0:
		g.report(Unmapped, l.w, "oneOf/anyOf mixes objects and scalars (an expandable field?): mapped to JSON",
			"edit the SDL to keep one form, for example the object with its id")
		return jsonShape()
	case len(kinds) == 1 && !kinds["JSON"] && !kinds["array"]:
		for k := range kinds {
			return &shape{kind: scalarShape, scalar: k, nullable: null}
		}
	}
	ks := make([]string, 0, len(kinds))
	for k := range kinds {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	g.report(Unmapped, l.w, fmt.Sprintf("oneOf/anyOf of different types (%s): mapped to JSON", strings.Join(ks, ", ")), "")
	return jsonShape()
}

// scalarKind names the GraphQL scalar a non-object schema maps to, without mapping it.
func scalarKind(s *base.Schema) string {
	ts := types(s)
	if len(s.Enum) > 0 && (len(ts) == 0 || slices.Equal(ts, []string{"string"})) {
		return "String"
	}
	if len(ts) != 1 {
		return "JSON"
	}
	switch ts[0] {
	case "string":
		return "String"
	case "number":
		return "Float"
	case "boolean":
		return "Boolean"
	case "integer":
		if s.Format == "int64" || s.Format == "uint32" || s.Format == "uint64" {
			return "Int64"
		}
		return "Int"
	case "array":
		return "array"
	}
	return "JSON"
}

// object builds (once per schema and direction) the object or input type of parts.
func (g *gen) object(parts []part, id any, l loc, input, merged bool) *shape {
	bk := busyKey{id, input}
	if o := g.objects[bk]; o != nil {
		return &shape{kind: objectShape, obj: o}
	}
	ps := &props{by: map[string]*prop{}, required: map[string]bool{}}
	seen := map[any]bool{}
	for _, p := range parts {
		g.collect(ps, p, seen)
	}
	var usable []*prop
	for _, pr := range ps.list {
		site := g.view(pr.defs[0]).site
		switch {
		case !printable(pr.wire):
			g.report(Unmapped, pr.ws[0], fmt.Sprintf("property name %q has control characters: left out", pr.wire), "")
		case input && site != nil && site.ReadOnly != nil && *site.ReadOnly:
		case !input && site != nil && site.WriteOnly != nil && *site.WriteOnly:
		default:
			usable = append(usable, pr)
		}
	}
	if len(usable) == 0 {
		if ps.extra {
			g.report(Unmapped, l.w, "map (additionalProperties): mapped to JSON", "")
		} else {
			g.report(Info, l.w, "object without properties: mapped to JSON", "")
		}
		return jsonShape()
	}
	if ps.extra {
		g.report(Info, l.w, "additionalProperties beside properties: keys not listed are dropped", "")
	}
	want := l.base
	if input {
		want += "Input"
	}
	o := &objType{name: g.typeName(want, l.w, owner(id, l, input)), input: input, merged: merged, w: l.w}
	if len(parts) > 0 && parts[0].s != nil {
		o.desc = parts[0].s.Description
	}
	g.objects[bk] = o
	g.objectList = append(g.objectList, o)
	names := naming.NewFoldedNamespace()
	var overflow []string
	for _, pr := range usable {
		b := pr.base
		if len(pr.defs) > 1 {
			b = l.base
		}
		fl := loc{w: pr.ws[0], base: b + pascal(pr.wire, "Field"), depth: l.depth + 1}
		sh := g.propShape(pr, fl, input)
		want := lowerCamel(pr.wire, "field")
		name, _ := names.Claim(want, pr.wire)
		if name != want {
			g.report(Changed, pr.ws[0], fmt.Sprintf("property %q would be %s like another property: named %s", pr.wire, want, name), "")
		}
		site := g.view(pr.defs[0]).site
		f := &field{w: pr.ws[0], name: name, wire: pr.wire, shape: sh, nonNull: ps.required[pr.wire] && !sh.nullable && !merged}
		if site != nil {
			f.desc = site.Description
			f.deprecated = site.Deprecated != nil && *site.Deprecated && !input
		}
		if sh.base().noFormat {
			overflow = append(overflow, name)
		}
		o.fields = append(o.fields, f)
	}
	if len(overflow) > 0 {
		g.report(Info, l.w, fmt.Sprintf("integers without format mapped to Int (32-bit; larger values fail at run time): %s", strings.Join(overflow, ", ")),
			"declare format: int64 where values can exceed 2^31-1 to get Int64")
	}
	return &shape{kind: objectShape, obj: o}
}

// propShape maps a property; definitions from several allOf members are merged when they
// are objects, kept when they agree, and mapped to JSON when they conflict.
func (g *gen) propShape(pr *prop, l loc, input bool) *shape {
	if len(pr.defs) == 1 {
		return g.shapeOf(pr.defs[0], l, input)
	}
	objects := 0
	sigs := map[string]bool{}
	null := false
	var parts []part
	for i, d := range pr.defs {
		v := g.view(d)
		null = null || nullable(v.site)
		if v.s != nil && g.objectLike(v.s, map[any]bool{}) {
			objects++
			w := pr.ws[i]
			if v.comp != "" {
				w = component(v.comp)
			}
			parts = append(parts, part{s: v.s, w: w, base: l.base})
			continue
		}
		sigs[g.sig(d, 0)] = true
	}
	switch {
	case objects == len(pr.defs):
		sh := g.object(parts, "merge:"+l.w.ptr, l, input, false)
		sh.nullable = sh.nullable || null
		return sh
	case objects == 0 && len(sigs) == 1:
		return g.shapeOf(pr.defs[0], l, input)
	}
	g.report(Unmapped, l.w, fmt.Sprintf("property %q is defined differently by allOf members: mapped to JSON", pr.wire), "")
	return jsonShape()
}

// sig summarises a non-object schema to compare definitions of one property.
func (g *gen) sig(sp *base.SchemaProxy, depth int) string {
	v := g.view(sp)
	switch {
	case v.comp != "":
		return "comp:" + v.comp
	case v.s == nil || depth > 8:
		return "?"
	}
	s := "t:" + strings.Join(types(v.s), "|") + ":" + v.s.Format
	if len(v.s.Enum) > 0 {
		s += ":enum"
	}
	if v.s.Items != nil && v.s.Items.IsA() {
		s += "[" + g.sig(v.s.Items.A, depth+1) + "]"
	}
	return s
}
