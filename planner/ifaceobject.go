package planner

import (
	"github.com/vektah/gqlparser/v2/ast"
)

// planInterfaceObject plans a selection on interface typ in a subgraph that models it as an
// @interfaceObject: a plain object that knows the interface's key and some fields, but not
// which implementation an object is. Fields on the interface are planned as on an object;
// __typename and fragments on implementations need the concrete type, which only a subgraph
// where typ is a real interface can tell: that is a jump ("cast") through typ's key.
func (p *planner) planInterfaceObject(st *step, out *[]*sel, typ string, sets []ast.SelectionSet, path []string, prov ast.SelectionSet) error {
	var own []*cfield
	needConcrete := !p.col.onlyOwnFields(typ, sets)
	for _, f := range p.col.collect(typ, sets) {
		if f.name == "__typename" {
			needConcrete = true
			continue
		}
		own = append(own, f)
	}
	if err := p.planFields(st, out, typ, own, path, prov, false); err != nil {
		return err
	}
	if !needConcrete {
		return nil
	}
	t := p.sg.Types[typ]
	for sub, in := range t.In {
		if in == nil || in.InterfaceObject {
			continue
		}
		key := p.keyFor(t, sub, st.sub, prov)
		if key == nil {
			continue
		}
		child, childOut, err := p.jump(st, out, typ, key, nil, sub, typ, path, prov)
		if err != nil {
			return err
		}
		return p.planComposite(child, childOut, typ, fragmentsOnly(sets), path, nil, nil)
	}
	return errorf("cannot plan the concrete type of %s: no subgraph resolves it as an entity interface", typ)
}

// fragmentsOnly keeps the fragments of selection sets (the parts that depend on the
// concrete type), dropping fields selected directly.
func fragmentsOnly(sets []ast.SelectionSet) []ast.SelectionSet {
	var out ast.SelectionSet
	for _, set := range sets {
		for _, s := range set {
			if _, ok := s.(*ast.Field); !ok {
				out = append(out, s)
			}
		}
	}
	return []ast.SelectionSet{out}
}
