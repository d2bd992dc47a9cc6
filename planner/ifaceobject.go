package planner

import (
	"github.com/vektah/gqlparser/v2/ast"
)

// planInterfaceObject plans a selection on interface typ in a subgraph that models it as an
// @interfaceObject: a plain object that knows the interface's key and some fields, but not
// which implementation an object is. Fields on the interface are planned as on an object;
// __typename and fragments on implementations need the concrete type, which only a subgraph
// where typ is a real interface can tell: that is a jump ("cast") through typ's key.
//
// Interface fields that this subgraph resolves are fetched here even when the client asked
// for them only inside fragments on implementations ({ accounts { ... on Admin { name } } }):
// the answer's shape writes them only for objects of those types, so fetching them for every
// object costs nothing, and it saves the round trip back after the cast.
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
	rest := fragmentsOnly(sets)
	if needConcrete {
		var hoisted map[string]bool
		own, hoisted = p.hoistInterfaceFields(st, typ, own, rest[0], prov)
		if len(hoisted) > 0 {
			rest = []ast.SelectionSet{p.withoutHoisted(typ, rest[0], hoisted)}
		}
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
		return p.planComposite(child, childOut, typ, rest, path, nil, nil)
	}
	return errorf("cannot plan the concrete type of %s: no subgraph resolves it as an entity interface", typ)
}

// hoistInterfaceFields moves into own the fields of interface typ that the client selected in
// fragments on implementations and that st's subgraph resolves without a jump. A response key
// is hoisted only when every selection under it, inside the fragments and out, is the same
// field with the same arguments (fragments on different types may reuse a key for different
// fields) and the key is not another field's name (key fields are added under their names).
// It returns the new own fields and the hoisted keys.
func (p *planner) hoistInterfaceFields(st *step, typ string, own []*cfield, frags ast.SelectionSet, prov ast.SelectionSet) ([]*cfield, map[string]bool) {
	t := p.sg.Types[typ]
	def := p.sg.Schema.Types[typ]
	var found []*cfield
	bad := map[string]bool{}
	for _, s := range frags {
		cond, set := p.implementationFragment(typ, s)
		if set == nil {
			continue
		}
		for _, f := range p.col.collect(cond, []ast.SelectionSet{set}) {
			fi := t.Fields[f.name]
			provided, _ := providedField(prov, typ, f.name)
			local := fi != nil && (provided || fi.Resolvable(st.sub) && len(fi.In[st.sub].Requires) == 0)
			if !local || f.key != f.name && def.Fields.ForName(f.key) != nil {
				bad[f.key] = true
				continue
			}
			found = append(found, f)
		}
	}
	byKey := map[string]*cfield{}
	for _, f := range own {
		byKey[f.key] = f
	}
	for _, f := range found {
		o := byKey[f.key]
		if o == nil {
			continue
		}
		if o.name != f.name || argsString(o.field.Arguments) != argsString(f.field.Arguments) {
			bad[f.key] = true
		}
	}
	hoisted := map[string]bool{}
	merged := map[string]*cfield{}
	for _, f := range found {
		if bad[f.key] {
			continue
		}
		if m := merged[f.key]; m != nil {
			if m.name != f.name || argsString(m.field.Arguments) != argsString(f.field.Arguments) {
				bad[f.key] = true
				continue
			}
			m.all = append(m.all, f.all...)
			m.sets = append(m.sets, f.sets...)
			continue
		}
		m := &cfield{key: f.key, name: f.name, field: f.field, all: f.all, sets: f.sets}
		if o := byKey[f.key]; o != nil {
			m.all = append(append([]*ast.Field{}, o.all...), f.all...)
			m.sets = append(append([]ast.SelectionSet{}, o.sets...), f.sets...)
		}
		merged[f.key] = m
	}
	for k := range merged {
		if bad[k] {
			delete(merged, k)
			continue
		}
		hoisted[k] = true
	}
	if len(hoisted) == 0 {
		return own, nil
	}
	out := make([]*cfield, 0, len(own)+len(merged))
	for _, f := range own {
		if m := merged[f.key]; m != nil {
			out = append(out, m)
			delete(merged, f.key)
			continue
		}
		out = append(out, f)
	}
	for _, f := range found {
		if m := merged[f.key]; m != nil {
			out = append(out, m)
			delete(merged, f.key)
		}
	}
	return out, hoisted
}

// implementationFragment returns the type condition and selection of s when it is an
// included fragment on an object type that implements interface typ.
func (p *planner) implementationFragment(typ string, s ast.Selection) (cond string, set ast.SelectionSet) {
	switch s := s.(type) {
	case *ast.InlineFragment:
		if Included(s.Directives, p.col.vars) {
			cond, set = s.TypeCondition, s.SelectionSet
		}
	case *ast.FragmentSpread:
		if Included(s.Directives, p.col.vars) && s.Definition != nil {
			cond, set = s.Definition.TypeCondition, s.Definition.SelectionSet
		}
	}
	if def := p.sg.Schema.Types[cond]; def == nil || def.Kind != ast.Object || !p.col.applies(typ, cond) {
		return "", nil
	}
	return cond, set
}

// withoutHoisted leaves the hoisted keys out of the fragments on implementations they were
// hoisted from; other fragments are kept as they are.
func (p *planner) withoutHoisted(typ string, frags ast.SelectionSet, keys map[string]bool) ast.SelectionSet {
	out := make(ast.SelectionSet, 0, len(frags))
	for _, s := range frags {
		if _, set := p.implementationFragment(typ, s); set == nil {
			out = append(out, s)
			continue
		}
		out = append(out, withoutFields(ast.SelectionSet{s}, keys)...)
	}
	return out
}

// withoutFields copies the fragments of set, leaving out the fields under the given response
// keys at every depth of fragments (fields' own selections are kept whole). Spreads become
// inline fragments so that the copy never changes a shared fragment definition.
func withoutFields(set ast.SelectionSet, keys map[string]bool) ast.SelectionSet {
	var out ast.SelectionSet
	for _, s := range set {
		switch s := s.(type) {
		case *ast.Field:
			key := s.Alias
			if key == "" {
				key = s.Name
			}
			if !keys[key] {
				out = append(out, s)
			}
		case *ast.InlineFragment:
			c := *s
			c.SelectionSet = withoutFields(s.SelectionSet, keys)
			out = append(out, &c)
		case *ast.FragmentSpread:
			if s.Definition == nil {
				continue
			}
			out = append(out, &ast.InlineFragment{
				TypeCondition: s.Definition.TypeCondition,
				Directives:    s.Directives,
				SelectionSet:  withoutFields(s.Definition.SelectionSet, keys),
				Position:      s.Position,
			})
		}
	}
	return out
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
