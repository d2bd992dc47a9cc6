package contract

import (
	"fmt"
	"slices"

	"github.com/vektah/gqlparser/v2/ast"
)

// cut decides which elements a contract removes. Each map holds a removed element with the
// reason, which error messages quote.
type cut struct {
	g      *graph
	f      Filter
	types  map[string]string
	fields map[*ast.FieldDefinition]string // of objects, interfaces and input objects
	args   map[*ast.ArgumentDefinition]string
	values map[*ast.EnumValueDefinition]string
}

func newCut(g *graph, f Filter) *cut {
	return &cut{g: g, f: f, types: map[string]string{}, fields: map[*ast.FieldDefinition]string{},
		args: map[*ast.ArgumentDefinition]string{}, values: map[*ast.EnumValueDefinition]string{}}
}

const (
	whyHidden      = "it is @inaccessible in the supergraph"
	whyNotTagged   = "it has no included tag"
	whyUnreachable = "it is unreachable from the root types"
)

func whyTagged(tag string) string { return fmt.Sprintf("it is tagged %q", tag) }

// excluded returns an excluded tag among tags, or "".
func (c *cut) excluded(tags ...[]string) string {
	for _, list := range tags {
		for _, t := range list {
			if slices.Contains(c.f.Exclude, t) {
				return t
			}
		}
	}
	return ""
}

// included reports whether tags hold an included tag (always true without Include).
func (c *cut) included(tags ...[]string) bool {
	if len(c.f.Include) == 0 {
		return true
	}
	for _, list := range tags {
		for _, t := range list {
			if slices.Contains(c.f.Include, t) {
				return true
			}
		}
	}
	return false
}

// run applies the tags, then removes what the removals leave empty or dangling, then (if
// asked) the unreachable types.
func (c *cut) run() {
	g := c.g
	for _, name := range g.names {
		t := g.types[name]
		typeTags := g.tags(t.directives())
		if g.hidden(t.directives()) {
			c.types[name] = whyHidden
		} else if tag := c.excluded(typeTags); tag != "" && !g.isRoot(name) {
			c.types[name] = whyTagged(tag)
		}
		switch t.kind {
		case ast.Object, ast.Interface:
			// A type's tags apply to its fields.
			for _, f := range t.fields() {
				tags := g.tags(f.Directives)
				switch tag := c.excluded(tags, typeTags); {
				case g.hidden(f.Directives):
					c.fields[f] = whyHidden
				case tag != "":
					c.fields[f] = whyTagged(tag)
				case !c.included(tags, typeTags):
					c.fields[f] = whyNotTagged
				}
				c.argsByTag(f.Arguments)
			}
		case ast.Union:
			if _, gone := c.types[name]; !gone && !c.included(typeTags) {
				c.types[name] = whyNotTagged
			}
		case ast.Enum:
			for _, v := range t.values() {
				if g.hidden(v.Directives) {
					c.values[v] = whyHidden
				} else if tag := c.excluded(g.tags(v.Directives)); tag != "" {
					c.values[v] = whyTagged(tag)
				}
			}
		case ast.InputObject:
			for _, f := range t.fields() {
				if g.hidden(f.Directives) {
					c.fields[f] = whyHidden
				} else if tag := c.excluded(g.tags(f.Directives)); tag != "" {
					c.fields[f] = whyTagged(tag)
				}
			}
		}
	}
	for c.cascade() {
	}
	if c.f.HideUnreachableTypes {
		c.hideUnreachable()
	}
}

func (c *cut) argsByTag(args ast.ArgumentDefinitionList) {
	for _, a := range args {
		if c.g.hidden(a.Directives) {
			c.args[a] = whyHidden
		} else if tag := c.excluded(c.g.tags(a.Directives)); tag != "" {
			c.args[a] = whyTagged(tag)
		}
	}
}

// gone reports whether the named type is removed (built-in scalars never are).
func (c *cut) gone(name string) bool {
	_, ok := c.types[name]
	return ok
}

// cascade makes one pass of the consequences of removals: fields, arguments and input
// fields of a removed type go; a type left without fields, members or values goes. It
// reports whether anything changed.
func (c *cut) cascade() bool {
	changed := false
	removeType := func(name, why string) {
		c.types[name] = why
		changed = true
	}
	for _, name := range c.g.names {
		if c.gone(name) {
			continue
		}
		t := c.g.types[name]
		switch t.kind {
		case ast.Object, ast.Interface, ast.InputObject:
			kept := 0
			for _, f := range t.fields() {
				if _, ok := c.fields[f]; ok {
					continue
				}
				if c.gone(f.Type.Name()) {
					c.fields[f] = fmt.Sprintf("its type %s is removed", f.Type.Name())
					changed = true
					continue
				}
				kept++
				for _, a := range f.Arguments {
					if _, ok := c.args[a]; !ok && c.gone(a.Type.Name()) {
						c.args[a] = fmt.Sprintf("its type %s is removed", a.Type.Name())
					}
				}
			}
			if kept == 0 {
				what := "field"
				if t.kind == ast.InputObject {
					what = "input field"
				}
				removeType(name, "every "+what+" is removed")
			}
		case ast.Union:
			if !slices.ContainsFunc(t.members(), func(m string) bool { return !c.gone(m) }) {
				removeType(name, "every member is removed")
			}
		case ast.Enum:
			if !slices.ContainsFunc(t.values(), func(v *ast.EnumValueDefinition) bool { _, ok := c.values[v]; return !ok }) {
				removeType(name, "every value is removed")
			}
		}
	}
	return changed
}

// hideUnreachable removes the types that no path from a root type reaches through kept
// fields, arguments, input fields, union members and interfaces (an interface reaches the
// types that implement it).
func (c *cut) hideUnreachable() {
	g := c.g
	implementers := map[string][]string{}
	for _, name := range g.names {
		for _, i := range g.types[name].interfaces() {
			implementers[i] = append(implementers[i], name)
		}
	}
	seen := map[string]bool{}
	var visit func(name string)
	visit = func(name string) {
		t := g.types[name]
		if t == nil || seen[name] || c.gone(name) {
			return
		}
		seen[name] = true
		for _, f := range t.fields() {
			if _, ok := c.fields[f]; ok {
				continue
			}
			visit(f.Type.Name())
			for _, a := range f.Arguments {
				if _, ok := c.args[a]; !ok {
					visit(a.Type.Name())
				}
			}
		}
		for _, m := range t.members() {
			visit(m)
		}
		for _, i := range t.interfaces() {
			visit(i)
		}
		for _, o := range implementers[name] {
			visit(o)
		}
	}
	for _, op := range []ast.Operation{ast.Query, ast.Mutation, ast.Subscription} {
		if r, ok := g.roots[op]; ok {
			visit(r)
		}
	}
	for _, name := range g.execArgTypes {
		visit(name)
	}
	for _, name := range g.names {
		if !seen[name] && !c.gone(name) {
			c.types[name] = whyUnreachable
		}
	}
}

// check lists what makes the contract's API invalid, the way Apollo's contracts refuse it.
func (c *cut) check() []string {
	g := c.g
	var problems []string
	if q, ok := g.roots[ast.Query]; ok && c.gone(q) {
		problems = append(problems, fmt.Sprintf("the contract removes every field of %s (%s): tag at least one of its fields with an included tag, or exclude fewer", q, c.queryWhy(q)))
	}
	for _, name := range g.names {
		if c.gone(name) {
			continue
		}
		t := g.types[name]
		switch t.kind {
		case ast.Object, ast.Interface:
			for _, f := range t.fields() {
				if _, ok := c.fields[f]; ok {
					continue
				}
				for _, a := range f.Arguments {
					if why, ok := c.args[a]; ok && required(a.Type, a.DefaultValue) {
						problems = append(problems, fmt.Sprintf("the contract removes required argument %s (%s) but keeps %s: remove the field too (give it the argument's tag) or make the argument optional",
							coordinate(name, f, a), why, coordinate(name, f, nil)))
					}
					if _, ok := c.args[a]; !ok && a.DefaultValue != nil {
						problems = append(problems, c.checkDefault(a.DefaultValue, a.Type, coordinate(name, f, a))...)
					}
				}
			}
			problems = append(problems, c.checkImplements(t)...)
		case ast.InputObject:
			for _, f := range t.fields() {
				why, ok := c.fields[f]
				if ok && required(f.Type, f.DefaultValue) {
					problems = append(problems, fmt.Sprintf("the contract removes required input field %s (%s) but keeps %s: remove the input type too or make the field optional",
						coordinate(name, f, nil), why, name))
				}
				if !ok && f.DefaultValue != nil {
					problems = append(problems, c.checkDefault(f.DefaultValue, f.Type, coordinate(name, f, nil))...)
				}
			}
		}
	}
	return problems
}

// queryWhy says why the query type's fields are gone, from its first field.
func (c *cut) queryWhy(q string) string {
	t := c.g.types[q]
	if t == nil {
		return "no fields"
	}
	for _, f := range t.fields() {
		if why, ok := c.fields[f]; ok {
			return fmt.Sprintf("%s: %s", coordinate(q, f, nil), why)
		}
	}
	return c.types[q]
}

// checkImplements reports kept interface fields (and their arguments) whose implementation in
// the kept type t is removed: the API would not be valid GraphQL.
func (c *cut) checkImplements(t *typ) []string {
	var problems []string
	for _, iname := range t.interfaces() {
		it := c.g.types[iname]
		if it == nil || c.gone(iname) {
			continue
		}
		for _, ifield := range it.fields() {
			if _, ok := c.fields[ifield]; ok {
				continue
			}
			f := t.field(ifield.Name)
			if f == nil {
				continue
			}
			if why, ok := c.fields[f]; ok {
				problems = append(problems, fmt.Sprintf("the contract keeps %s but removes %s (%s), which implements it: give both the same tags",
					coordinate(iname, ifield, nil), coordinate(t.name, f, nil), why))
				continue
			}
			for _, ia := range ifield.Arguments {
				if _, ok := c.args[ia]; ok {
					continue
				}
				if a := f.Arguments.ForName(ia.Name); a != nil {
					if why, ok := c.args[a]; ok {
						problems = append(problems, fmt.Sprintf("the contract keeps %s but removes %s (%s), which implements it: give both the same tags",
							coordinate(iname, ifield, ia), coordinate(t.name, f, a), why))
					}
				}
			}
		}
	}
	return problems
}

// checkDefault reports enum values and input fields a kept default value uses but the
// contract removes.
func (c *cut) checkDefault(v *ast.Value, typ *ast.Type, where string) []string {
	if v == nil || typ == nil {
		return nil
	}
	var problems []string
	switch v.Kind {
	case ast.ListValue:
		elem := typ
		if typ.Elem != nil {
			elem = typ.Elem
		}
		for _, child := range v.Children {
			problems = append(problems, c.checkDefault(child.Value, elem, where)...)
		}
	case ast.ObjectValue:
		t := c.g.types[typ.Name()]
		if t == nil || t.kind != ast.InputObject {
			return nil
		}
		for _, child := range v.Children {
			f := t.field(child.Name)
			if f == nil {
				continue
			}
			if why, ok := c.fields[f]; ok {
				problems = append(problems, fmt.Sprintf("the contract removes input field %s (%s), which the default value of %s sets", coordinate(t.name, f, nil), why, where))
				continue
			}
			problems = append(problems, c.checkDefault(child.Value, f.Type, where)...)
		}
	case ast.EnumValue:
		t := c.g.types[typ.Name()]
		if t == nil || t.kind != ast.Enum {
			return nil
		}
		if ev := t.value(v.Raw); ev != nil {
			if why, ok := c.values[ev]; ok {
				problems = append(problems, fmt.Sprintf("the contract removes enum value %s.%s (%s), the default value of %s", t.name, ev.Name, why, where))
			}
		}
	}
	return problems
}

// required reports whether an argument or input field must be given: non-null, no default.
func required(t *ast.Type, def *ast.Value) bool {
	return t != nil && t.NonNull && def == nil
}

// mark puts @inaccessible on every removed element that does not have it yet and returns
// how many it marked.
func (c *cut) mark() int {
	g := c.g
	n := 0
	add := func(dirs *ast.DirectiveList) {
		if dirs.ForName(g.inaccessible) == nil {
			*dirs = append(*dirs, &ast.Directive{Name: g.inaccessible})
			n++
		}
	}
	for _, name := range g.names {
		t := g.types[name]
		if c.gone(name) {
			if !g.hidden(t.directives()) {
				add(&t.defs[0].Directives)
			}
			continue
		}
		for _, f := range t.fields() {
			if _, ok := c.fields[f]; ok {
				add(&f.Directives)
				continue
			}
			for _, a := range f.Arguments {
				if _, ok := c.args[a]; ok {
					add(&a.Directives)
				}
			}
		}
		for _, v := range t.values() {
			if _, ok := c.values[v]; ok {
				add(&v.Directives)
			}
		}
	}
	return n
}
