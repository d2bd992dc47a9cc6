package schemadiff

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// Diff lists the changes from old to new, ordered by coordinate, then code, then message.
// A nil schema counts as an empty one. Diff of a schema with itself is empty. Neither schema
// is modified.
func Diff(old, new *ast.Schema) []Change {
	d := &differ{}
	d.roots(old, new)
	d.types(old, new)
	d.directives(old, new)
	slices.SortStableFunc(d.changes, func(a, b Change) int {
		return cmp.Or(strings.Compare(a.Coordinate, b.Coordinate), strings.Compare(a.Code, b.Code),
			strings.Compare(a.Message, b.Message))
	})
	return d.changes
}

type differ struct {
	changes []Change
}

// add records a change; SAFE changes carry no usage coordinates: no use makes them harmful.
func (d *differ) add(code string, sev Severity, coord, msg string, usage ...string) {
	if sev == Safe {
		usage = nil
	}
	d.changes = append(d.changes, Change{Code: code, Severity: sev, Coordinate: coord, Message: msg, UsageCoordinates: usage})
}

func (d *differ) roots(old, new *ast.Schema) {
	root := func(s *ast.Schema, op ast.Operation) string {
		if s == nil {
			return ""
		}
		var def *ast.Definition
		switch op {
		case ast.Query:
			def = s.Query
		case ast.Mutation:
			def = s.Mutation
		case ast.Subscription:
			def = s.Subscription
		}
		if def == nil {
			return ""
		}
		return def.Name
	}
	for _, op := range []ast.Operation{ast.Query, ast.Mutation, ast.Subscription} {
		o, n := root(old, op), root(new, op)
		coord := "schema." + string(op)
		switch {
		case o == n:
		case o == "":
			d.add(SchemaRootAdded, Safe, coord, fmt.Sprintf("The schema now supports %s operations, rooted at type '%s'", op, n))
		case n == "":
			d.add(SchemaRootRemoved, Breaking, coord, fmt.Sprintf("The schema no longer supports %s operations (root type '%s' was removed as root): every %s fails", op, o, op), o)
		default:
			d.add(SchemaRootChanged, Breaking, coord, fmt.Sprintf("The %s root type changed from '%s' to '%s': %s operations are now validated against '%s'", op, o, n, op, n), o)
		}
	}
}

// exposedTypes returns the types clients can see, without built-in and introspection types.
func exposedTypes(s *ast.Schema) map[string]*ast.Definition {
	out := map[string]*ast.Definition{}
	if s == nil {
		return out
	}
	for name, def := range s.Types {
		if def == nil || def.BuiltIn || strings.HasPrefix(name, "__") {
			continue
		}
		out[name] = def
	}
	return out
}

func (d *differ) types(old, new *ast.Schema) {
	ot, nt := exposedTypes(old), exposedTypes(new)
	for _, name := range unionKeys(ot, nt) {
		o, n := ot[name], nt[name]
		switch {
		case n == nil:
			d.add(TypeRemoved, Breaking, name, fmt.Sprintf("Type '%s' (%s) was removed: operations that select a field of it, spread a fragment on it or declare a variable of it fail", name, kindName(string(o.Kind))), name)
		case o == nil:
			d.add(TypeAdded, Safe, name, fmt.Sprintf("Type '%s' (%s) was added", name, kindName(string(n.Kind))))
		case o.Kind != n.Kind:
			d.add(TypeKindChanged, Breaking, name, fmt.Sprintf("Type '%s' changed from %s to %s: selections and values written for it no longer fit", name, kindName(string(o.Kind)), kindName(string(n.Kind))), name)
		default:
			d.description(name, "type '"+name+"'", o.Description, n.Description)
			switch o.Kind {
			case ast.Object, ast.Interface:
				d.interfaces(o, n)
				d.fields(o, n)
			case ast.Union:
				d.members(o, n)
			case ast.Enum:
				d.enumValues(o, n)
			case ast.InputObject:
				d.inputObject(o, n)
			case ast.Scalar:
				d.scalar(o, n)
			}
		}
	}
}

func (d *differ) interfaces(o, n *ast.Definition) {
	kind := kindName(string(o.Kind))
	removed, added := setDiff(o.Interfaces, n.Interfaces)
	for _, i := range removed {
		d.add(InterfaceRemovedFromObject, Breaking, o.Name, fmt.Sprintf("%s '%s' no longer implements interface '%s': fragments on '%s' inside a selection on '%s' (and the reverse) fail", upper(kind), o.Name, i, o.Name, i), i)
	}
	for _, i := range added {
		d.add(InterfaceAddedToObject, Dangerous, o.Name, fmt.Sprintf("%s '%s' now implements interface '%s': fields returning '%s' may now return '%s', which clients switching on __typename may not handle", upper(kind), o.Name, i, i, o.Name), i)
	}
}

func (d *differ) members(o, n *ast.Definition) {
	removed, added := setDiff(o.Types, n.Types)
	for _, m := range removed {
		d.add(UnionMemberRemoved, Breaking, o.Name, fmt.Sprintf("Type '%s' was removed from union '%s': fragments on '%s' inside a selection on '%s' fail", m, o.Name, m, o.Name), o.Name)
	}
	for _, m := range added {
		d.add(UnionMemberAdded, Dangerous, o.Name, fmt.Sprintf("Type '%s' was added to union '%s': fields returning '%s' may now return '%s', which clients switching on __typename may not handle", m, o.Name, o.Name, m), o.Name)
	}
}

func (d *differ) enumValues(o, n *ast.Definition) {
	ov, nv := map[string]*ast.EnumValueDefinition{}, map[string]*ast.EnumValueDefinition{}
	for _, v := range o.EnumValues {
		ov[v.Name] = v
	}
	for _, v := range n.EnumValues {
		nv[v.Name] = v
	}
	for _, name := range unionKeys(ov, nv) {
		a, b := ov[name], nv[name]
		coord := o.Name + "." + name
		switch {
		case b == nil:
			d.add(EnumValueRemoved, Breaking, coord, fmt.Sprintf("Enum value '%s' was removed from enum '%s'%s: operations that pass it fail, and clients sending it in variables get errors", name, o.Name, wasDeprecated(a.Directives)), coord)
		case a == nil:
			d.add(EnumValueAdded, Dangerous, coord, fmt.Sprintf("Enum value '%s' was added to enum '%s': clients that switch over '%s' values may not handle it", name, o.Name, o.Name), o.Name)
		default:
			d.description(coord, "enum value '"+coord+"'", a.Description, b.Description)
			d.deprecation(coord, "Enum value '"+coord+"'", a.Directives, b.Directives, EnumValueDeprecated, EnumValueDeprecationRemoved)
		}
	}
}

func (d *differ) inputObject(o, n *ast.Definition) {
	oneOf := func(def *ast.Definition) bool { return def.Directives.ForName("oneOf") != nil }
	switch {
	case !oneOf(o) && oneOf(n):
		d.add(OneOfAdded, Breaking, o.Name, fmt.Sprintf("Input object '%s' became @oneOf: values giving more or fewer than exactly one field now fail", o.Name), o.Name)
	case oneOf(o) && !oneOf(n):
		d.add(OneOfRemoved, Safe, o.Name, fmt.Sprintf("Input object '%s' is no longer @oneOf: values may give any number of fields", o.Name))
	}
	d.inputValues(inputFieldRules(o.Name), fromFields(o.Fields), fromFields(n.Fields))
}

func (d *differ) scalar(o, n *ast.Definition) {
	url := func(def *ast.Definition) string {
		if dir := def.Directives.ForName("specifiedBy"); dir != nil {
			if a := dir.Arguments.ForName("url"); a != nil && a.Value != nil {
				return a.Value.Raw
			}
		}
		return ""
	}
	if a, b := url(o), url(n); a != b {
		d.add(SpecifiedByChanged, Dangerous, o.Name, fmt.Sprintf("Scalar '%s' changed its @specifiedBy URL from '%s' to '%s': its format may have changed for clients that parse it", o.Name, a, b), o.Name)
	}
}

// description reports a changed description of any element; what names it ("field 'T.f'").
func (d *differ) description(coord, what, o, n string) {
	if o != n {
		d.add(DescriptionChanged, Safe, coord, "The description of "+what+" changed")
	}
}

// deprecation reports @deprecated added, removed or with a new reason; what starts with a
// capital ("Field 'T.f'").
func (d *differ) deprecation(coord, what string, o, n ast.DirectiveList, added, removed string) {
	or, ok := deprecationReason(o)
	nr, nk := deprecationReason(n)
	switch {
	case !ok && nk:
		d.add(added, Safe, coord, fmt.Sprintf("%s was deprecated: %s", what, nr))
	case ok && !nk:
		d.add(removed, Safe, coord, what+" is no longer deprecated")
	case ok && nk && or != nr:
		d.add(DeprecationReasonChanged, Safe, coord, fmt.Sprintf("The deprecation reason of %s changed from '%s' to '%s'", lower(what), or, nr))
	}
}

// deprecationReason returns the @deprecated reason and whether the element is deprecated.
func deprecationReason(dirs ast.DirectiveList) (string, bool) {
	dep := dirs.ForName("deprecated")
	if dep == nil {
		return "", false
	}
	if a := dep.Arguments.ForName("reason"); a != nil && a.Value != nil {
		return a.Value.Raw, true
	}
	return "No longer supported", true
}

func wasDeprecated(dirs ast.DirectiveList) string {
	if _, ok := deprecationReason(dirs); ok {
		return " (it was deprecated)"
	}
	return ""
}

// unionKeys returns the keys of both maps, sorted.
func unionKeys[V any](a, b map[string]V) []string {
	keys := make([]string, 0, len(a)+len(b))
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}

// setDiff returns the names only in o and the names only in n, each sorted and deduplicated.
func setDiff(o, n []string) (removed, added []string) {
	in := func(l []string, s string) bool { return slices.Contains(l, s) }
	for _, s := range o {
		if !in(n, s) && !in(removed, s) {
			removed = append(removed, s)
		}
	}
	for _, s := range n {
		if !in(o, s) && !in(added, s) {
			added = append(added, s)
		}
	}
	slices.Sort(removed)
	slices.Sort(added)
	return removed, added
}

func upper(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func lower(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}
