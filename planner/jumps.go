package planner

import (
	"fmt"
	"hash/fnv"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/atrium-gateway/atrium/federation"
)

// group is the fields of one position that one entity fetch resolves.
type group struct {
	sub    federation.SubgraphID
	key    *federation.Key
	target *federation.Type // the entity type, or an interface of it that sub models as @interfaceObject
	fields []*cfield
}

// planJumps sends fields that st's subgraph cannot resolve to entity fetches: it picks a
// subgraph per field, adds the key (and any @requires fields) to st's selection so that
// representations can be built, and plans the fields inside the entity fetch.
func (p *planner) planJumps(st *step, out *[]*sel, t *federation.Type, fields []*cfield, path []string, prov ast.SelectionSet) error {
	var groups []*group
	find := func(sub federation.SubgraphID, target *federation.Type) *group {
		for _, g := range groups {
			if g.sub == sub && g.target == target {
				return g
			}
		}
		return nil
	}
	for _, f := range fields {
		fi := t.Fields[f.name]
		// usable: resolves f, and f's selection did not fail there (see fallBack).
		usable := func(sub federation.SubgraphID) bool { return fi.Resolvable(sub) && !p.avoided(path, t.Name, f, sub) }
		var best *group
		bestSub, bestScore := -1, -1
		for sub := range p.sg.Subgraphs {
			if !usable(sub) || p.keyFor(t, sub, st.sub, prov) == nil && p.inputKey(st, t, sub, path) == nil {
				continue
			}
			if best = find(sub, t); best != nil {
				break
			}
			score := 0
			if p.findChild(st, sub, path, nil) != nil {
				score += 1000
			}
			for _, o := range fields {
				if of := t.Fields[o.name]; of != nil && of.Resolvable(sub) {
					score++
				}
			}
			if score > bestScore {
				bestSub, bestScore = sub, score
			}
		}
		if best == nil && bestSub >= 0 {
			key := p.keyFor(t, bestSub, st.sub, prov)
			if key == nil {
				key = p.inputKey(st, t, bestSub, path)
			}
			best = &group{sub: bestSub, key: key, target: t}
			groups = append(groups, best)
		}
		if best == nil {
			// Multi-hop: a key whose fields another subgraph gives first.
			for sub := range p.sg.Subgraphs {
				if !usable(sub) {
					continue
				}
				if key := p.reachableKey(t, sub, st.sub, prov); key != nil {
					if best = find(sub, t); best == nil {
						best = &group{sub: sub, key: key, target: t}
						groups = append(groups, best)
					}
					break
				}
			}
		}
		if best == nil {
			best = p.interfaceObjectGroup(st, t, f.name, prov, func(sub federation.SubgraphID, key *federation.Key, it *federation.Type) *group {
				if g := find(sub, it); g != nil {
					return g
				}
				g := &group{sub: sub, key: key, target: it}
				groups = append(groups, g)
				return g
			})
		}
		if best == nil {
			if ok, err := p.reenter(st, t, f, path); ok || err != nil {
				if err != nil {
					return err
				}
				continue
			}
			return errorf("cannot plan field %s.%s: no subgraph resolves it through a key that subgraph %q can provide",
				t.Name, f.name, p.sg.Subgraphs[st.sub].Name)
		}
		best.fields = append(best.fields, f)
	}
	for _, g := range groups {
		for _, b := range g.batches() {
			child, childOut, err := p.jump(st, out, t.Name, g.key, b.requires, g.sub, g.target.Name, path, prov)
			if err != nil {
				return err
			}
			if err := p.planFields(child, childOut, g.target.Name, b.fields, path, nil, true); err != nil {
				return err
			}
		}
	}
	return nil
}

// batch is the part of a group that one representation can serve.
type batch struct {
	fields   []*cfield
	requires []ast.SelectionSet
}

// batches splits a group so that no representation needs one field with two sets of
// arguments (price(currency: "USD") and price(currency: "EUR") for two requiring fields):
// each such requirement gets an _entities fetch of its own.
func (g *group) batches() []*batch {
	var out []*batch
next:
	for _, f := range g.fields {
		var req ast.SelectionSet
		if in := g.target.Fields[f.name].In[g.sub]; in != nil {
			req = in.Requires
		}
		for _, b := range out {
			if !requiresConflict(b.requires, req) {
				b.fields = append(b.fields, f)
				if len(req) > 0 {
					b.requires = append(b.requires, req)
				}
				continue next
			}
		}
		b := &batch{fields: []*cfield{f}}
		if len(req) > 0 {
			b.requires = append(b.requires, req)
		}
		out = append(out, b)
	}
	return out
}

// requiresConflict reports whether req asks for a field that have asks for with other
// arguments.
func requiresConflict(have []ast.SelectionSet, req ast.SelectionSet) bool {
	for _, s := range req {
		f, ok := s.(*ast.Field)
		if !ok {
			continue
		}
		for _, set := range have {
			for _, o := range set {
				if of, ok := o.(*ast.Field); ok && of.Name == f.Name && argsString(of.Arguments) != argsString(f.Arguments) {
					return true
				}
			}
		}
	}
	return false
}

// jump prepares an entity fetch into sub at path: st selects __typename and the key of typ
// here (and plans the required fields, which may need fetches of their own), and the child
// fetch — depending on every fetch that produces its inputs — gets a `... on target`
// fragment, whose selection list is returned. target is typ, or an interface that sub
// models as @interfaceObject (the representations then carry its name).
func (p *planner) jump(st *step, out *[]*sel, typ string, key *federation.Key, requires []ast.SelectionSet, sub federation.SubgraphID, target string, path []string, prov ast.SelectionSet) (*step, *[]*sel, error) {
	saved := p.touched
	p.touched = nil
	var inputs []*InputField
	from := st // the fetch the child waits for
	// The key may have come in this fetch's own representations: then what supplied them
	// supplies the child too, which can run beside this fetch instead of after it — unless
	// requirements must be read from this fetch's answer.
	held := p.holds(typ, st.sub, key.Fields, prov)
	keyInInputs := !held && p.inInputs(st, typ, path, key.Fields)
	beside := keyInInputs && len(requires) == 0
	if !beside {
		addField(out, "__typename", "__typename", nil)
	}
	switch {
	case keyInInputs:
		inputs = inputShape(key.Fields)
		for _, in := range inputs {
			in.KeyField = true
		}
		if beside {
			from = st.parent
			p.touched = append(p.touched, st.deps...)
		}
	case held:
		inputs = p.selectKey(out, typ, key.Fields)
	default:
		var err error
		if inputs, err = p.planInputs(st, out, typ, key.Fields, path, prov); err != nil {
			return nil, nil, err
		}
		for _, in := range inputs {
			in.KeyField = true
		}
	}
	for _, req := range requires {
		more, err := p.planInputs(st, out, typ, req, path, prov)
		if err != nil {
			return nil, nil, err
		}
		inputs = mergeInputFields(inputs, more)
	}
	deps := p.touched
	// The fetch that needs these inputs cannot be one of the fetches producing them, nor one
	// whose representations hold the same field read under another alias.
	exclude := append(deps[:len(deps):len(deps)], st)
	child := p.findChild(from, sub, path, exclude)
	for child != nil && child.inputsConflict(target, inputs) {
		exclude = append(exclude, child)
		child = p.findChild(from, sub, path, exclude)
	}
	if child == nil {
		child = p.newStep(sub, true, path, from)
	}
	for _, d := range deps {
		child.addDep(d)
	}
	p.touched = append(append(saved, deps...), child)
	child.addInput(target, inputs)
	frag := addFragment(&child.out, target)
	return child, &frag.children, nil
}

// interfaceObjectGroup finds a subgraph that resolves field name of object type t through
// an interface of t that it models as @interfaceObject (the representation then names the
// interface), and makes a group for it with mk.
func (p *planner) interfaceObjectGroup(st *step, t *federation.Type, name string, prov ast.SelectionSet, mk func(federation.SubgraphID, *federation.Key, *federation.Type) *group) *group {
	for _, iname := range t.Def.Interfaces {
		it := p.sg.Types[iname]
		if it == nil || it.Fields[name] == nil {
			continue
		}
		for sub, in := range it.In {
			if in == nil || !in.InterfaceObject || !it.Fields[name].Resolvable(sub) {
				continue
			}
			for _, k := range it.ResolvableKeys(sub) {
				if p.holds(t.Name, st.sub, k.Fields, prov) {
					return mk(sub, k, it)
				}
			}
		}
	}
	return nil
}

// findChild returns the entity fetch into sub at path under st, if one exists and is not
// in exclude.
func (p *planner) findChild(st *step, sub federation.SubgraphID, path []string, exclude []*step) *step {
	key := joinPath(path)
next:
	for _, c := range p.steps {
		if c.parent == st && c.sub == sub && c.entity && c.pathKey == key {
			for _, x := range exclude {
				if x == c {
					continue next
				}
			}
			return c
		}
	}
	return nil
}

// planInputs makes sure st selects the fields of set (a key or a @requires field set) at
// this position, and returns how to copy them into a representation.
func (p *planner) planInputs(st *step, out *[]*sel, typ string, set ast.SelectionSet, path []string, prov ast.SelectionSet) ([]*InputField, error) {
	var inputs []*InputField
	for _, s := range set {
		switch s := s.(type) {
		case *ast.Field:
			guard := fmt.Sprintf("%d|%s|%s|%s", st.id, joinPath(path), typ, s.Name)
			if p.inputs[guard] {
				return nil, errorf("cannot plan: the field %s.%s is needed to reach itself", typ, s.Name)
			}
			p.inputs[guard] = true
			key := s.Name
			if len(s.Arguments) > 0 || conflicts(*out, key, s.Name, s.Arguments) {
				// A requirement with arguments may meet the client's selection of the same
				// field with other arguments in some fetch: read it under a name of our own.
				key = inputAlias(s)
			}
			cf := &cfield{key: key, name: s.Name, field: s}
			if len(s.SelectionSet) > 0 {
				cf.sets = []ast.SelectionSet{s.SelectionSet}
			}
			if err := p.planFields(st, out, typ, []*cfield{cf}, path, prov, false); err != nil {
				return nil, err
			}
			delete(p.inputs, guard)
			inputs = append(inputs, &InputField{Name: s.Name, NameJSON: memberName(s.Name), Key: key, Fields: inputShape(s.SelectionSet)})
		case *ast.InlineFragment:
			addField(out, "__typename", "__typename", nil)
			nested, err := p.planInputs(st, out, typ, s.SelectionSet, path, prov)
			if err != nil {
				return nil, err
			}
			inputs = append(inputs, &InputField{TypeCond: s.TypeCondition, Fields: nested})
		}
	}
	return inputs, nil
}

// conflicts reports whether key is taken in out by another field or other arguments.
func conflicts(out []*sel, key, name string, args ast.ArgumentList) bool {
	for _, s := range out {
		if s.typeCond == "" && s.key() == key {
			return s.name != name || argsString(s.args) != argsString(args)
		}
	}
	return false
}

// inputShape turns the nested part of a field set into input fields read by name.
func inputShape(set ast.SelectionSet) []*InputField {
	var out []*InputField
	for _, s := range set {
		switch s := s.(type) {
		case *ast.Field:
			out = append(out, &InputField{Name: s.Name, NameJSON: memberName(s.Name), Key: s.Alias, Fields: inputShape(s.SelectionSet)})
			if out[len(out)-1].Key == "" {
				out[len(out)-1].Key = s.Name
			}
		case *ast.InlineFragment:
			out = append(out, &InputField{TypeCond: s.TypeCondition, Fields: inputShape(s.SelectionSet)})
		}
	}
	return out
}

// inputsConflict reports whether fields would put a field into s's representations of typ
// that they already hold under another response key (other arguments).
func (s *step) inputsConflict(typ string, fields []*InputField) bool {
	for _, in := range s.inputs {
		if in.TypeName != typ {
			continue
		}
		for _, f := range fields {
			for _, e := range in.Fields {
				if e.Name == f.Name && e.Key != f.Key && e.TypeCond == f.TypeCond {
					return true
				}
			}
		}
	}
	return false
}

func (s *step) addInput(typ string, fields []*InputField) {
	for _, in := range s.inputs {
		if in.TypeName == typ {
			in.Fields = mergeInputFields(in.Fields, fields)
			return
		}
	}
	s.inputs = append(s.inputs, &InputType{TypeName: typ, Fields: mergeInputFields([]*InputField{{Name: "__typename", NameJSON: memberName("__typename"), Key: "__typename"}}, fields)})
}

func mergeInputFields(a, b []*InputField) []*InputField {
	for _, f := range b {
		merged := false
		for _, e := range a {
			if e.Name == f.Name && e.Key == f.Key && e.TypeCond == f.TypeCond {
				e.Fields = mergeInputFields(e.Fields, f.Fields)
				merged = true
				break
			}
		}
		if !merged {
			a = append(a, f)
		}
	}
	return a
}

// inputAlias names a key or requirement field in subgraph operations: stable for the same
// field and arguments, and unlike the keys clients use (conflicts are checked as well).
func inputAlias(f *ast.Field) string {
	h := fnv.New32a()
	h.Write([]byte(argsString(f.Arguments)))
	return fmt.Sprintf("_i%x_%s", h.Sum32(), f.Name)
}
