package openapi

import "fmt"

// maxSelection bounds the lines of one selection or body: past it, object fields are left
// out (and reported) so that a large, densely linked document cannot explode.
const maxSelection = 3000

// walker renders one selection or body. A recursive field is followed once per path.
type walker struct {
	used         map[*field]bool
	lines        int
	cut          bool // maxSelection reached
	recursionCut bool // a recursive input field left out below the first level
}

// selection maps the response to the field's type: wire names aliased to GraphQL names,
// enums matched to their GraphQL values, lists mapped item by item.
func (g *gen) selection(f *rootField) []string {
	if f.empty {
		return []string{"$(true)"}
	}
	b := f.result.base()
	switch b.kind {
	case objectShape:
		w := &walker{used: map[*field]bool{}}
		out := w.fields(b.obj, "")
		if w.cut {
			g.report(Changed, f.op.w, fmt.Sprintf("selection cut at %d lines: nested objects beyond are left out", maxSelection), "")
		}
		return out
	case enumShape:
		if !b.enum.identity() {
			return []string{"$" + matchExpr(f.result, b.enum, false)}
		}
	}
	return []string{"$"}
}

func (w *walker) fields(o *objType, indent string) []string {
	var out []string
	for _, f := range o.fields {
		if f.recursive && w.used[f] {
			continue
		}
		b := f.shape.base()
		key := keyLit(f.wire)
		head := key
		if f.name != f.wire || key != f.wire {
			head = f.name + ": " + key
		}
		switch b.kind {
		case objectShape:
			if w.lines > maxSelection {
				w.cut = true
				continue
			}
			if f.recursive {
				w.used[f] = true
			}
			inner := w.fields(b.obj, indent+"  ")
			if f.recursive {
				delete(w.used, f)
			}
			if len(inner) == 0 {
				continue
			}
			out = append(out, indent+head+" {")
			out = append(out, inner...)
			out = append(out, indent+"}")
			w.lines += 2
		case enumShape:
			if b.enum.identity() {
				out = append(out, indent+head)
			} else {
				out = append(out, indent+f.name+": "+key+matchExpr(f.shape, b.enum, false))
			}
			w.lines++
		default:
			out = append(out, indent+head)
			w.lines++
		}
	}
	return out
}

// body maps the input argument back to wire names and values; an input that needs no
// renaming is sent as it is.
func (g *gen) body(a *arg) []string {
	if !needsMapping(a.shape, map[*objType]bool{}) {
		return []string{"$args." + a.name}
	}
	b := a.shape.base()
	switch b.kind {
	case objectShape:
		w := &walker{used: map[*field]bool{}}
		inner := w.inputs(b.obj, "  ")
		if w.recursionCut || w.cut {
			g.report(Changed, a.w, fmt.Sprintf("input %s is recursive or large: the body maps it one level deep", b.obj.name),
				"extend the body by hand for deeper levels")
		}
		out := append([]string{"$args." + a.name + " {"}, inner...)
		return append(out, "}")
	case enumShape:
		return []string{"$args." + a.name + matchExpr(a.shape, b.enum, true)}
	}
	return []string{"$args." + a.name}
}

func (w *walker) inputs(o *objType, indent string) []string {
	var out []string
	for _, f := range o.fields {
		if f.recursive && w.used[f] {
			w.recursionCut = true
			continue
		}
		b := f.shape.base()
		key := keyLit(f.wire)
		head := f.name
		if key != f.name {
			head = key + ": " + f.name
		}
		switch {
		case b.kind == objectShape && needsMapping(f.shape, map[*objType]bool{}):
			if w.lines > maxSelection {
				w.cut = true
				continue
			}
			if f.recursive {
				w.used[f] = true
			}
			inner := w.inputs(b.obj, indent+"  ")
			if f.recursive {
				delete(w.used, f)
			}
			out = append(out, indent+head+" {")
			out = append(out, inner...)
			out = append(out, indent+"}")
			w.lines += 2
		case b.kind == enumShape && !b.enum.identity():
			out = append(out, indent+key+": "+f.name+matchExpr(f.shape, b.enum, true))
			w.lines++
		default:
			out = append(out, indent+head)
			w.lines++
		}
	}
	return out
}

// needsMapping reports whether an input value differs from its wire form: a field renamed or
// an enum value renamed, anywhere inside.
func needsMapping(sh *shape, seen map[*objType]bool) bool {
	b := sh.base()
	switch b.kind {
	case enumShape:
		return !b.enum.identity()
	case objectShape:
		if seen[b.obj] {
			return false
		}
		seen[b.obj] = true
		for _, f := range b.obj.fields {
			if f.name != f.wire || needsMapping(f.shape, seen) {
				return true
			}
		}
	}
	return false
}
