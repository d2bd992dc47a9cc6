package openapi

import (
	"fmt"
	"strings"
)

// cycles marks fields that lead back to their own type (Tarjan's strongly connected
// components over object fields). A selection is finite, so it follows such a field once per
// path: recursive output fields become nullable, and so do non-null singular recursive input
// fields, which GraphQL forbids.
func (g *gen) cycles() {
	index, low := map[*objType]int{}, map[*objType]int{}
	onStack, comp := map[*objType]bool{}, map[*objType]int{}
	var stack []*objType
	next, ncomp := 0, 0
	var visit func(o *objType)
	visit = func(o *objType) {
		index[o], low[o] = next, next
		next++
		stack = append(stack, o)
		onStack[o] = true
		for _, f := range o.fields {
			t := target(f)
			if t == nil {
				continue
			}
			if _, seen := index[t]; !seen {
				visit(t)
				low[o] = min(low[o], low[t])
			} else if onStack[t] {
				low[o] = min(low[o], index[t])
			}
		}
		if low[o] == index[o] {
			for {
				t := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				onStack[t] = false
				comp[t] = ncomp
				if t == o {
					break
				}
			}
			ncomp++
		}
	}
	for _, o := range g.objectList {
		if _, seen := index[o]; !seen {
			visit(o)
		}
	}
	used := map[*objType]bool{}
	for _, o := range g.used().objects {
		used[o] = true
	}
	for _, o := range g.objectList {
		for _, f := range o.fields {
			t := target(f)
			if t == nil || comp[t] != comp[o] {
				continue
			}
			f.recursive = true
			if !f.nonNull || o.input && f.shape.kind == listShape {
				continue
			}
			f.nonNull = false
			if !used[o] {
				continue // not in the SDL: nothing to report
			}
			if o.input {
				g.report(Changed, f.w, fmt.Sprintf("required field %s.%s closes a cycle of required input fields, which GraphQL forbids: made optional", o.name, f.name), "")
			} else {
				g.report(Changed, f.w, fmt.Sprintf("required field %s.%s is recursive: made nullable, selections follow it one level deep", o.name, f.name),
					"extend the selection by hand if you need more levels")
			}
		}
	}
}

func target(f *field) *objType {
	if b := f.shape.base(); b.kind == objectShape {
		return b.obj
	}
	return nil
}

// entities makes GET /things/{id} an entity lookup for Thing (`entity: true`, @key on the
// type) when its only argument is the key and another GET lists Things (directly or in a
// page object). Batch endpoints are never guessed.
func (g *gen) entities() {
	listed := map[*objType]bool{}
	for _, f := range g.fields {
		if f.mutation || f.op.method != "GET" {
			continue
		}
		r := f.result
		if r.kind == listShape && r.elem.kind == objectShape {
			listed[r.elem.obj] = true
		}
		if r.kind == objectShape {
			for _, ff := range r.obj.fields {
				if ff.shape.kind == listShape && ff.shape.elem.kind == objectShape {
					listed[ff.shape.elem.obj] = true
				}
			}
		}
	}
	for _, f := range g.fields {
		if f.mutation || f.op.method != "GET" || len(f.args) != 1 || f.args[0].in != "path" || f.result.kind != objectShape {
			continue
		}
		t, a := f.result.obj, f.args[0]
		if !listed[t] || t.key != "" {
			continue
		}
		var key *field
		for _, tf := range t.fields {
			if tf.name == a.name || key == nil && tf.name == "id" && strings.EqualFold(a.name, t.name+"id") {
				key = tf
			}
		}
		if key == nil || key.shape.kind == listShape || key.shape.kind == objectShape ||
			key.shape.gqlType(false) != a.shape.gqlType(false) {
			continue
		}
		if a.name != key.name {
			g.report(Changed, f.op.w, fmt.Sprintf("argument %s named %s: an entity lookup's arguments are the key fields of %s", a.name, key.name, t.name), "")
			f.urlTemplate = strings.ReplaceAll(f.urlTemplate, "{$args."+a.name, "{$args."+key.name)
			a.name = key.name
		}
		t.key = key.name
		f.entity = true
		g.report(Info, f.op.w, fmt.Sprintf("entity lookup: %s resolves %s by its key %s", f.name, t.name, key.name),
			"set treat_404_as_null for this source in atrium.yaml so that an unknown key is null, not an error")
	}
}
