package importer

import ()

// selItem is one item of a selection: "alias", "alias: path" or a bare path ("$.item"),
// with a block when sub is not nil.
type selItem struct {
	alias string
	path  string
	sub   []*selItem
}

// maxSelectionItems bounds one selection (the mapping language takes 64 KiB): deeper message
// fields are left out once a selection has this many items.
const maxSelectionItems = 2000

// selBuilder writes the selection of a type: every field, message fields as nested blocks.
// A message type may appear twice on a path (a recursive field is selected one level
// deep); the field that would bring it a third time is left out and reported.
type selBuilder struct {
	g     *gen
	stack []*objType
	items int
}

func (g *gen) selector(root *objType) *selBuilder {
	b := &selBuilder{g: g}
	if root != nil && root.entry == nil {
		b.stack = append(b.stack, root)
	}
	return b
}

func (b *selBuilder) fields(o *objType) []*selItem {
	var out []*selItem
	for _, f := range o.fields {
		if it := b.field(o, f); it != nil {
			out = append(out, it)
		}
	}
	return out
}

// field is the item of a field of o; nil when it is left out.
func (b *selBuilder) field(o *objType, f *objField) *selItem {
	b.items++
	it := &selItem{alias: f.name}
	path := mappingKey(f.key)
	obj := f.ref.obj
	if obj != nil && obj.entry != nil {
		path += "->entries"
	}
	if path != f.name {
		it.path = path
	}
	if obj == nil {
		return it
	}
	element := string(f.fd.FullName())
	if o.entry != nil {
		element = string(o.entry.FullName()) + " (map values)"
	}
	sub, ok := b.block(element, obj)
	if !ok {
		return nil
	}
	it.sub = sub
	return it
}

// block is the block of a field whose value is obj; false when the field is left out.
func (b *selBuilder) block(element string, obj *objType) ([]*selItem, bool) {
	if obj.entry != nil {
		return b.fields(obj), true
	}
	n := 0
	for _, o := range b.stack {
		if o == obj {
			n++
		}
	}
	if n >= 2 {
		b.g.report(Unmapped, element, "recursive field: left out of selections below the first level of %s (it reads null there)", obj.name)
		return nil, false
	}
	if b.items > maxSelectionItems {
		b.g.report(Unmapped, element, "left out of a selection that reached %d fields", maxSelectionItems)
		return nil, false
	}
	b.stack = append(b.stack, obj)
	sub := b.fields(obj)
	b.stack = b.stack[:len(b.stack)-1]
	if len(sub) == 0 {
		b.g.report(Unmapped, element, "left out of selections: every field of %s below it is left out", obj.name)
		return nil, false
	}
	return sub, true
}

// responseSelection is the selection of a method's response.
func (g *gen) responseSelection(r response) []*selItem {
	switch {
	case r.empty:
		return []*selItem{{path: "$(true)"}}
	case r.value:
		return []*selItem{{path: "$"}}
	case r.field != nil:
		f := r.field
		path := "$." + mappingKey(f.key)
		obj := f.ref.obj
		if obj == nil {
			return []*selItem{{path: path}}
		}
		if obj.entry != nil {
			path += "->entries"
		}
		b := g.selector(obj)
		return []*selItem{{path: path, sub: b.fields(obj)}}
	}
	return g.selector(r.obj).fields(r.obj)
}

func (it *selItem) head() string {
	switch {
	case it.alias == "":
		return it.path
	case it.path == "":
		return it.alias
	}
	return it.alias + ": " + it.path
}

// indented writes items one per line, blocks indented by two spaces.
func indented(items []*selItem) []string {
	var out []string
	var write func(items []*selItem, indent string)
	write = func(items []*selItem, indent string) {
		for _, it := range items {
			if it.sub == nil {
				out = append(out, indent+it.head())
				continue
			}
			out = append(out, indent+it.head()+" {")
			write(it.sub, indent+"  ")
			out = append(out, indent+"}")
		}
	}
	write(items, "")
	return out
}
