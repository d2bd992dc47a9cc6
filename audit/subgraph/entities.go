package subgraph

import (
	"fmt"
	"maps"

	"github.com/vektah/gqlparser/v2/ast"
)

// entities resolves Query._entities like @apollo/subgraph: each representation goes to the
// Entities func of its __typename (or stays as it is without one); an object result is given
// the representation's __typename. For a representation of an interface, the result's own
// __typename picks the runtime type, whose Entities func then runs if the interface has none.
func (e *executor) entities(args map[string]any) (any, error) {
	reps, _ := args["representations"].([]any)
	out := make([]any, len(reps))
	for i, r := range reps {
		rep, isMap := r.(map[string]any)
		if !isMap {
			return nil, fmt.Errorf("representation %d is not an object", i)
		}
		name, _ := rep["__typename"].(string)
		def := e.schema.Types[name]
		if def == nil || (def.Kind != ast.Object && def.Kind != ast.Interface) {
			return nil, fmt.Errorf("The _entities resolver tried to load an entity for type %q, but no object or interface type of that name was found in the schema", name)
		}
		fn := e.sg.Entities[name]
		var v any = rep
		if fn != nil {
			var err error
			if v, err = fn(rep); err != nil {
				return nil, err
			}
		}
		if isNil(v) {
			out[i] = nil
			continue
		}
		if def.Kind == ast.Object {
			out[i] = withTypename(v, name)
			continue
		}
		m, isObj := v.(map[string]any)
		runtime, _ := m["__typename"].(string)
		rt := e.schema.Types[runtime]
		if !isObj || rt == nil || rt.Kind != ast.Object || !e.applies(rt, name) {
			return nil, fmt.Errorf("Abstract type %q `__resolveReference` method must resolve to an Object type at runtime, got %q", name, runtime)
		}
		v = withTypename(v, runtime)
		if fn == nil {
			if rfn := e.sg.Entities[runtime]; rfn != nil {
				var err error
				if v, err = rfn(v.(map[string]any)); err != nil {
					return nil, err
				}
				v = withTypename(v, runtime)
			}
		}
		out[i] = v
	}
	return out, nil
}

// withTypename returns v with "__typename" set to name, copying a map rather than changing
// the caller's data.
func withTypename(v any, name string) any {
	m, isMap := v.(map[string]any)
	if !isMap || m == nil {
		return v
	}
	if m["__typename"] == name {
		return m
	}
	c := maps.Clone(m)
	c["__typename"] = name
	return c
}
