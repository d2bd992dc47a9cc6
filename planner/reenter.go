package planner

import (
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/atrium-gateway/atrium/federation"
)

// reenter plans field f of type t when no subgraph can be reached from here through a key of
// t (t is a value type, or its keys are no use): it looks up the chain of fields that led
// here, in the same fetch, for the nearest place another subgraph can take over — the root
// (for queries) or an entity with a usable key — and resolves the whole chain from there in
// that subgraph (the parent-entity call). It reports whether it found one.
func (p *planner) reenter(st *step, t *federation.Type, f *cfield, path []string) (bool, error) {
	chain := p.chain(st)
	for k := len(chain) - 1; k >= 0; k-- {
		a := chain[k]
		at := p.sg.Types[a.typ]
		for sub := range p.sg.Subgraphs {
			if sub == st.sub || !p.chainResolvable(sub, chain[k:], t, f) {
				continue
			}
			root := a.typ == RootType(p.sg.Schema, p.op.Operation)
			switch {
			case root && !st.entity && p.op.Operation == ast.Query:
				target := p.rootStep(sub)
				return true, p.planChain(target, &target.out, chain[k:], t, f, path)
			case !root && at != nil && p.entityKey(st, at, sub, a.path) != nil:
				child, childOut, err := p.jump(st, a.out, at.Name, p.entityKey(st, at, sub, a.path), nil, sub, at.Name, a.path, nil)
				if err != nil {
					return true, err
				}
				return true, p.planChain(child, childOut, chain[k:], t, f, path)
			}
		}
	}
	return false, nil
}

// chainResolvable reports whether sub resolves every field of the chain and then f on t
// (itself, or through a key of t it holds).
// A chain through an abstract type is refused: another subgraph's resolver might decide the
// runtime type differently, and the answer would mix two objects.
func (p *planner) chainResolvable(sub federation.SubgraphID, chain []frame, t *federation.Type, f *cfield) bool {
	for _, fr := range chain {
		fi := p.sg.Field(fr.typ, fr.field.name)
		if fi == nil || !fi.Resolvable(sub) {
			return false
		}
		if rt := p.sg.Types[fi.Def.Type.Name()]; rt != nil && rt.Kind != ast.Object {
			return false
		}
	}
	fi := t.Fields[f.name]
	if fi == nil {
		return false
	}
	if fi.Resolvable(sub) {
		return true
	}
	// Or sub holds a key of t into a subgraph that resolves f.
	for other := range p.sg.Subgraphs {
		if fi.Resolvable(other) && p.keyFor(t, other, sub, nil) != nil {
			return true
		}
	}
	return false
}

// planChain selects the chain of fields in st (each with the client's key and arguments,
// through inline fragments where the chain passes an abstract type) and plans f at its end.
func (p *planner) planChain(st *step, out *[]*sel, chain []frame, t *federation.Type, f *cfield, path []string) error {
	for i, fr := range chain {
		s, ok := addField(out, fr.field.key, fr.field.name, fr.field.field.Arguments)
		if !ok {
			return errorf("response key %q is used by two different fields", fr.field.key)
		}
		out = &s.children
		next := t.Name
		if i+1 < len(chain) {
			next = chain[i+1].typ
		}
		fi := p.sg.Field(fr.typ, fr.field.name)
		if fi.Def.Type.Name() != next {
			addField(out, "__typename", "__typename", nil)
			out = &addFragment(out, next).children
		}
	}
	return p.planFields(st, out, t.Name, []*cfield{f}, path, nil, false)
}

// rootStep finds or adds the root fetch of a query into sub.
func (p *planner) rootStep(sub federation.SubgraphID) *step {
	for _, s := range p.steps {
		if !s.entity && s.sub == sub {
			return s
		}
	}
	return p.newStep(sub, false, nil, nil)
}

// entityKey returns a key of t into sub that st holds at path, or that st's own
// representations carry there.
func (p *planner) entityKey(st *step, t *federation.Type, sub federation.SubgraphID, path []string) *federation.Key {
	if k := p.keyFor(t, sub, st.sub, nil); k != nil {
		return k
	}
	return p.inputKey(st, t, sub, path)
}
