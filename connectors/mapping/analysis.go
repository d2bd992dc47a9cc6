package mapping

import "strings"

// Shape is the statically known output of a selection: its keys, in source order.
type Shape struct {
	Fields []ShapeField
}

// ShapeField is one output key. Sub is the shape of its value when that is an object (or a
// list of objects) the selection builds, and nil for a leaf: a scalar, or a value passed
// through whose keys the selection does not know.
type ShapeField struct {
	Name string
	Sub  *Shape
}

// Field returns the field called name, or nil.
func (s *Shape) Field(name string) *ShapeField {
	if s == nil {
		return nil
	}
	for i := range s.Fields {
		if s.Fields[i].Name == name {
			return &s.Fields[i]
		}
	}
	return nil
}

// Shape gives the output shape statically: the top-level output keys, each with its nested
// shape. Lists are not marked: a block applied to a list has the shape of one item. It is nil
// when the selection is a single path whose value the selection does not build, like
// "$.items" or "$args.id".
func (s *Selection) Shape() *Shape {
	if s.single != nil {
		return pathShape(s.single)
	}
	return blockShape(s.root)
}

func blockShape(b *block) *Shape {
	sh := &Shape{Fields: []ShapeField{}}
	for _, it := range b.items {
		switch it.kind {
		case itemNamed:
			sh.add(it.name, pathShape(it.path))
		case itemGroup:
			sh.add(it.name, blockShape(it.group))
		case itemMerge:
			if sub := pathShape(it.path); sub != nil {
				for _, f := range sub.Fields {
					sh.add(f.Name, f.Sub)
				}
			}
		}
	}
	return sh
}

// add adds a field, merging it with a field of the same name as Apply merges objects.
func (s *Shape) add(name string, sub *Shape) {
	f := s.Field(name)
	if f == nil {
		s.Fields = append(s.Fields, ShapeField{Name: name, Sub: sub})
		return
	}
	if f.Sub == nil || sub == nil {
		f.Sub = nil // one of the values is not built here: the merged value is not known
		return
	}
	merged := &Shape{Fields: append([]ShapeField(nil), f.Sub.Fields...)}
	for _, g := range sub.Fields {
		merged.add(g.Name, g.Sub)
	}
	f.Sub = merged
}

// pathShape is the shape of a path's value when the selection builds it: a block, a literal
// object, or methods passing one along.
func pathShape(p *path) *Shape {
	if p.block != nil {
		return blockShape(p.block)
	}
	var sh *Shape
	if p.head == headExpr {
		sh = valueShape(p.expr)
	}
	for _, st := range p.steps {
		switch st.kind {
		case stepKey:
			if f := sh.Field(st.key); f != nil {
				sh = f.Sub
			} else {
				sh = nil
			}
		case stepMethod:
			switch st.call.spec.name {
			case "echo", "map":
				sh = valueShape(st.call.args[0])
			case "match":
				var u *Shape
				for _, pair := range st.call.args {
					u = union(u, valueShape(pair.elems[1]))
				}
				sh = u
			case "first", "last", "slice":
				// the shape of an item of a list is the shape of the list
			default:
				sh = nil
			}
		}
	}
	return sh
}

func valueShape(v *value) *Shape {
	switch v.kind {
	case valueObject:
		sh := &Shape{Fields: []ShapeField{}}
		for _, f := range v.fields {
			sh.add(f.key, valueShape(f.val))
		}
		return sh
	case valueArray:
		var u *Shape
		for _, el := range v.elems {
			u = union(u, valueShape(el))
		}
		return u
	case valuePath:
		return pathShape(v.path)
	}
	return nil
}

func union(a, b *Shape) *Shape {
	if a == nil {
		return b
	}
	if b == nil {
		return a
	}
	u := &Shape{Fields: append([]ShapeField(nil), a.Fields...)}
	for _, f := range b.Fields {
		u.add(f.Name, f.Sub)
	}
	return u
}

// VarPath is a variable and the keys read below it: {Var: "$args", Path: ["input", "name"]}.
type VarPath struct {
	Var  string
	Path []string
}

// VarPaths lists every variable path the selection reads, in source order, without
// duplicates. Keys read inside a block applied to a variable count as paths below it:
// "$this { id }" reads {$this [id]}. "$" and "@" (the data) are not variables.
func (s *Selection) VarPaths() []VarPath {
	w := varWalker{seen: map[string]bool{}}
	if s.single != nil {
		w.path(s.single, nil)
	} else {
		w.block(s.root, nil)
	}
	return w.out
}

type varWalker struct {
	out  []VarPath
	seen map[string]bool
}

func (w *varWalker) add(vp VarPath) {
	key := vp.Var + "\x00" + strings.Join(vp.Path, "\x00")
	if !w.seen[key] {
		w.seen[key] = true
		w.out = append(w.out, vp)
	}
}

// block walks a block whose "$" is the variable path dollar (nil: the data).
func (w *varWalker) block(b *block, dollar *VarPath) {
	for _, it := range b.items {
		if it.kind == itemGroup {
			w.block(it.group, dollar)
		} else {
			w.path(it.path, dollar)
		}
	}
}

func (w *varWalker) path(p *path, dollar *VarPath) {
	var base *VarPath
	switch p.head {
	case headVar:
		base = &VarPath{Var: p.name}
	case headDollar, headKey:
		if dollar != nil {
			base = &VarPath{Var: dollar.Var, Path: append([]string(nil), dollar.Path...)}
		}
	case headExpr:
		w.value(p.expr, dollar)
	}
	methods := false
	for _, st := range p.steps {
		switch st.kind {
		case stepKey:
			if base != nil && !methods {
				base.Path = append(base.Path, st.key)
			}
		case stepMethod:
			if base != nil && !methods {
				w.add(*base)
			}
			methods = true
			for _, a := range st.call.args {
				w.value(a, dollar)
			}
		}
	}
	if base != nil && !methods {
		if p.block == nil {
			w.add(*base)
			return
		}
		before := len(w.out)
		w.block(p.block, base) // the block's keys are read below the variable path
		if len(w.out) == before {
			w.add(*base)
		}
		return
	}
	if p.block != nil {
		w.block(p.block, nil)
	}
}

func (w *varWalker) value(v *value, dollar *VarPath) {
	switch v.kind {
	case valueObject:
		for _, f := range v.fields {
			w.value(f.val, dollar)
		}
	case valueArray:
		for _, el := range v.elems {
			w.value(el, dollar)
		}
	case valuePath:
		w.path(v.path, dollar)
	}
}
