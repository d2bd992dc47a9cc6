package planner

import (
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/atrium-gateway/atrium/federation"
)

// Keys: which key of an entity a subgraph can use to jump, and how its fields are obtained.

// selectKey selects the fields of a key in out. keyFor only offers keys that the subgraph
// holds here (resolved or provided), so no jump is needed for them.
func (p *planner) selectKey(out *[]*sel, typ string, set ast.SelectionSet) []*InputField {
	var inputs []*InputField
	for _, s := range set {
		f, ok := s.(*ast.Field)
		if !ok {
			continue
		}
		key := f.Name
		if conflicts(*out, key, f.Name, f.Arguments) {
			key = inputAlias(f)
		}
		sl, _ := addField(out, key, f.Name, f.Arguments)
		in := &InputField{Name: f.Name, NameJSON: memberName(f.Name), Key: key, KeyField: true}
		if len(f.SelectionSet) > 0 {
			if fd := p.sg.Field(typ, f.Name); fd != nil {
				in.Fields = p.selectKey(&sl.children, fd.Def.Type.Name(), f.SelectionSet)
			}
		}
		inputs = append(inputs, in)
	}
	return inputs
}

// keyFor returns a key of t that subgraph to resolves and whose fields subgraph from holds
// (resolves, or provides here).
func (p *planner) keyFor(t *federation.Type, to, from federation.SubgraphID, prov ast.SelectionSet) *federation.Key {
	if to == from && t.In[from] == nil {
		return nil
	}
	for _, k := range t.ResolvableKeys(to) {
		if p.holds(t.Name, from, k.Fields, prov) {
			return k
		}
	}
	return nil
}

// inputKey returns a key of t that subgraph to resolves and that the representations of
// fetch st already carry at this position (st is an entity fetch at path).
func (p *planner) inputKey(st *step, t *federation.Type, to federation.SubgraphID, path []string) *federation.Key {
	for _, k := range t.ResolvableKeys(to) {
		if p.inInputs(st, t.Name, path, k.Fields) {
			return k
		}
	}
	return nil
}

// inInputs reports whether every top-level field of set is part of st's representations of
// typ, read at path.
func (p *planner) inInputs(st *step, typ string, path []string, set ast.SelectionSet) bool {
	if !st.entity || joinPath(path) != st.pathKey {
		return false
	}
	for _, in := range st.inputs {
		if in.TypeName != typ {
			continue
		}
	fields:
		for _, s := range set {
			f, ok := s.(*ast.Field)
			if !ok {
				return false
			}
			for _, have := range in.Fields {
				if have.Name == f.Name && have.Key == f.Name {
					continue fields
				}
			}
			return false
		}
		return true
	}
	return false
}

// reachableKey returns a key of t that subgraph to resolves and whose fields subgraph from
// either holds or can fetch through a key it holds (one more hop).
func (p *planner) reachableKey(t *federation.Type, to, from federation.SubgraphID, prov ast.SelectionSet) *federation.Key {
next:
	for _, k := range t.ResolvableKeys(to) {
		for _, s := range k.Fields {
			f, ok := s.(*ast.Field)
			if !ok {
				continue next
			}
			if p.holds(t.Name, from, ast.SelectionSet{f}, prov) {
				continue
			}
			fi := t.Fields[f.Name]
			found := false
			for sub := range p.sg.Subgraphs {
				if sub != to && fi != nil && fi.Resolvable(sub) && p.keyFor(t, sub, from, prov) != nil {
					found = true
					break
				}
			}
			if !found {
				continue next
			}
		}
		return k
	}
	return nil
}

// holds reports whether subgraph sub can return every field of set on type typ: it resolves
// them, or prov (the @provides selection in force here) provides them.
func (p *planner) holds(typ string, sub federation.SubgraphID, set ast.SelectionSet, prov ast.SelectionSet) bool {
	t := p.sg.Types[typ]
	if t == nil {
		return false
	}
	for _, s := range set {
		switch s := s.(type) {
		case *ast.Field:
			if s.Name == "__typename" {
				continue
			}
			f := t.Fields[s.Name]
			provided, inner := providedField(prov, typ, s.Name)
			if f == nil || !provided && !f.Resolvable(sub) {
				return false
			}
			if len(s.SelectionSet) > 0 && !p.holds(f.Def.Type.Name(), sub, s.SelectionSet, inner) {
				return false
			}
		case *ast.InlineFragment:
			if !p.holds(s.TypeCondition, sub, s.SelectionSet, prov) {
				return false
			}
		}
	}
	return true
}
