package engine

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"sync"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/atrium-gateway/atrium/connectors"
	"github.com/atrium-gateway/atrium/connectors/mapping"
)

// execution runs one operation. It resolves the selection level by level (breadth
// first), so that the calls a level needs, for every object of a list, are issued together
// and batched.
type execution struct {
	s     *Subgraph
	ctx   context.Context
	scope *connectors.Scope
	fwd   forwarded
	vars  map[string]any
	doc   *ast.QueryDocument
	mu    sync.Mutex
	errs  []*fieldError
	paths [][]any
	// request is $request, built once when a connector reads it.
	requestOnce sync.Once
	request     map[string]any
}

// obj is a resolved object: response keys in selection order.
type obj struct {
	keys []string
	vals []any
}

// path is a response path, built only when an error needs it.
type path struct {
	parent *path
	key    string
	index  int // when key is ""
}

func (p *path) child(key string) *path { return &path{parent: p, key: key} }
func (p *path) at(i int) *path         { return &path{parent: p, index: i} }

func (p *path) list() []any {
	var out []any
	for ; p != nil; p = p.parent {
		if p.key != "" {
			out = append(out, p.key)
		} else {
			out = append(out, p.index)
		}
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

func (x *execution) fail(p *path, err error) {
	fe, ok := err.(*fieldError)
	if !ok {
		fe = &fieldError{message: "Request failed", extensions: map[string]any{"code": "CONNECTOR_FETCH"}}
	}
	x.mu.Lock()
	x.errs = append(x.errs, fe)
	x.paths = append(x.paths, p.list())
	x.mu.Unlock()
}

// operation resolves the root fields: queries concurrently, mutations one after another.
func (x *execution) operation(op *ast.OperationDefinition) *obj {
	root := x.s.sg.Schema.Query
	if op.Operation == ast.Mutation {
		root = x.s.sg.Schema.Mutation
	}
	out := &obj{}
	if root == nil {
		return out
	}
	fields := x.collect(op.SelectionSet, root.Name)
	out.keys, out.vals = make([]string, len(fields)), make([]any, len(fields))
	var wg sync.WaitGroup
	for i, f := range fields {
		out.keys[i] = f.Alias
		run := func() { out.vals[i] = x.rootField(root, f) }
		if op.Operation == ast.Mutation || len(fields) == 1 {
			run()
			continue
		}
		wg.Add(1)
		go func() { defer wg.Done(); run() }()
	}
	wg.Wait()
	return out
}

func (x *execution) rootField(root *ast.Definition, f *ast.Field) any {
	p := (*path)(nil).child(f.Alias)
	switch f.Name {
	case "__typename":
		return root.Name
	case "_entities":
		reps, _ := x.argument(f, "representations").([]any)
		paths := make([]*path, len(reps))
		for i := range reps {
			paths[i] = p.at(i)
		}
		return x.objects("", reps, f.SelectionSet, paths)
	}
	def := root.Fields.ForName(f.Name)
	c := x.s.roots[root.Name+"."+f.Name]
	if def == nil || c == nil {
		x.fail(p, &fieldError{message: "No connector resolves " + root.Name + "." + f.Name, extensions: map[string]any{"code": "CONNECTOR_NOT_FOUND"}})
		return nil
	}
	vars := x.baseVars(c)
	vars["$args"] = x.arguments(f, def)
	v, err := x.call(c, vars)
	if err != nil {
		x.fail(p, err)
		return nil
	}
	return x.values(def.Type, []any{v}, f.SelectionSet, []*path{p})[0]
}

// values resolves vals, all of GraphQL type t, against sel; the answers keep vals' order.
func (x *execution) values(t *ast.Type, vals []any, sel ast.SelectionSet, paths []*path) []any {
	if t.Elem != nil {
		var items []any
		var itemPaths []*path
		lens := make([]int, len(vals))
		for i, v := range vals {
			list, ok := v.([]any)
			switch {
			case v == nil:
				lens[i] = -1
				continue
			case !ok:
				x.fail(paths[i], invalid("Expected a list"))
				lens[i] = -1
				continue
			}
			for j, e := range list {
				items = append(items, e)
				itemPaths = append(itemPaths, paths[i].at(j))
			}
			lens[i] = len(list)
		}
		resolved := x.values(t.Elem, items, sel, itemPaths)
		out := make([]any, len(vals))
		at := 0
		for i, n := range lens {
			if n < 0 {
				continue
			}
			out[i] = resolved[at : at+n : at+n]
			at += n
		}
		return out
	}
	def := x.s.sg.Schema.Types[t.NamedType]
	if def == nil {
		return make([]any, len(vals))
	}
	switch def.Kind {
	case ast.Object, ast.Interface, ast.Union:
		typename := ""
		if def.Kind == ast.Object {
			typename = def.Name
		}
		return x.objects(typename, vals, sel, paths)
	}
	out := make([]any, len(vals))
	for i, v := range vals {
		c, err := coerce(def, v)
		if err != nil {
			x.fail(paths[i], err)
			continue
		}
		out[i] = c
	}
	return out
}

// objects resolves objects of one level. typename is their type, or "" when each names
// its own in __typename (entity representations). Objects lacking requested fields are
// completed through their type's entity connector; fields with their own connector are
// called for every object at once.
func (x *execution) objects(typename string, vals []any, sel ast.SelectionSet, paths []*path) []any {
	srcs := make([]map[string]any, len(vals))
	types := make([]string, len(vals))
	for i, v := range vals {
		if v == nil {
			continue
		}
		m, ok := v.(map[string]any)
		if !ok {
			x.fail(paths[i], invalid("Expected an object"))
			continue
		}
		srcs[i], types[i] = m, typename
		if t, ok := m["__typename"].(string); ok && (typename == "" || x.s.sg.Schema.Types[typename].Kind != ast.Object) {
			types[i] = t
		}
		if types[i] == "" || x.s.sg.Schema.Types[types[i]] == nil {
			x.fail(paths[i], invalid("The object's type is unknown"))
			srcs[i] = nil
		}
	}
	// Group by type: each type collects its own fields from the selection.
	groups := map[string][]int{}
	var order []string
	for i, src := range srcs {
		if src == nil {
			continue
		}
		if _, ok := groups[types[i]]; !ok {
			order = append(order, types[i])
		}
		groups[types[i]] = append(groups[types[i]], i)
	}
	out := make([]any, len(vals))
	for _, t := range order {
		x.objectsOfType(t, groups[t], srcs, sel, paths, out)
	}
	return out
}

func (x *execution) objectsOfType(typename string, idx []int, srcs []map[string]any, sel ast.SelectionSet, paths []*path, out []any) {
	def := x.s.sg.Schema.Types[typename]
	fields := x.collect(sel, typename)
	x.complete(typename, fields, idx, srcs, paths)
	objs := make([]*obj, len(idx))
	for k, i := range idx {
		if srcs[i] != nil {
			objs[k] = &obj{keys: make([]string, len(fields)), vals: make([]any, len(fields))}
		}
	}
	for fi, f := range fields {
		var vals []any
		var fpaths []*path
		var at []int
		for k, i := range idx {
			if objs[k] == nil {
				continue
			}
			objs[k].keys[fi] = f.Alias
			if f.Name == "__typename" {
				objs[k].vals[fi] = typename
				continue
			}
			at = append(at, k)
			fpaths = append(fpaths, paths[i].child(f.Alias))
			vals = append(vals, srcs[i][f.Name])
		}
		if f.Name == "__typename" || len(at) == 0 {
			continue
		}
		fdef := def.Fields.ForName(f.Name)
		if fdef == nil {
			continue
		}
		if c := x.s.fields[typename+"."+f.Name]; c != nil {
			parents := make([]map[string]any, len(at))
			for j, k := range at {
				parents[j] = srcs[idx[k]]
			}
			vals = x.fieldCalls(c, f, fdef, parents, fpaths)
		}
		resolved := x.values(fdef.Type, vals, f.SelectionSet, fpaths)
		for j, k := range at {
			objs[k].vals[fi] = resolved[j]
		}
	}
	for k, i := range idx {
		if objs[k] != nil {
			out[i] = objs[k]
		}
	}
}

// complete fetches, through the type's entity connector, the objects that lack a
// requested field (a root connector's selection need not map every field of its type).
// An entity that fails or is not found becomes null.
func (x *execution) complete(typename string, fields []*ast.Field, idx []int, srcs []map[string]any, paths []*path) {
	type pending struct {
		i     int
		thunk func() (map[string]any, error)
	}
	var waits []pending
	for _, i := range idx {
		src := srcs[i]
		if src == nil || !x.lacks(typename, fields, src) {
			continue
		}
		c := x.s.entityConnector(typename, src)
		if c == nil {
			continue
		}
		waits = append(waits, pending{i, x.loadEntity(c, src)})
	}
	for _, w := range waits {
		entity, err := w.thunk()
		switch {
		case err != nil:
			x.fail(paths[w.i], err)
			srcs[w.i] = nil
		case entity == nil:
			srcs[w.i] = nil
		default:
			merged := make(map[string]any, len(entity)+len(srcs[w.i]))
			for k, v := range srcs[w.i] {
				merged[k] = v
			}
			for k, v := range entity {
				merged[k] = v
			}
			srcs[w.i] = merged
		}
	}
}

// lacks reports whether src misses a requested field that no field connector serves.
func (x *execution) lacks(typename string, fields []*ast.Field, src map[string]any) bool {
	for _, f := range fields {
		if f.Name == "__typename" || x.s.fields[typename+"."+f.Name] != nil {
			continue
		}
		if _, ok := src[f.Name]; !ok {
			return true
		}
	}
	return false
}

// entityConnector picks the first connector resolving typename whose keys src has.
func (s *Subgraph) entityConnector(typename string, src map[string]any) *connector {
	for _, c := range s.entities[typename] {
		ok := true
		for _, k := range c.keys {
			if v, has := src[k]; !has || v == nil {
				ok = false
				break
			}
		}
		if ok {
			return c
		}
	}
	return nil
}

// baseVars are the variables every call of c may read besides its own.
func (x *execution) baseVars(c *connector) mapping.Vars {
	vars := mapping.Vars{}
	if cfg := x.s.backends[c.source].cfg.Config; cfg != nil {
		vars["$config"] = cfg
	}
	if x.s.readsRequest {
		x.requestOnce.Do(x.readRequest)
		vars["$request"] = x.request
	}
	return vars
}

// readRequest builds $request once per operation: the client's headers by lowercase name,
// each a list of values.
func (x *execution) readRequest() {
	headers := make(map[string]any, len(x.scope.Header))
	for k, vs := range x.scope.Header {
		list := make([]any, len(vs))
		for i, v := range vs {
			list[i] = v
		}
		headers[strings.ToLower(k)] = list
	}
	x.request = map[string]any{"headers": headers}
}

// call builds c's request for vars, sends it and maps the answer.
func (x *execution) call(c *connector, vars mapping.Vars) (any, error) {
	cl, err := x.buildRequest(c, vars)
	if err != nil {
		return nil, err
	}
	return x.send(c, cl, vars)
}

// buildRequest is c's request for vars; a failure is logged and becomes the field's error.
func (x *execution) buildRequest(c *connector, vars mapping.Vars) (*call, error) {
	cl, err := c.request(vars, x.scope.Header, x.fwd)
	if err != nil {
		x.s.log.Warn("connector request could not be built", "connector", c.coordinate, "error", err)
		return nil, failure("CONNECTOR_REQUEST_INVALID", "The connector's request could not be built", c)
	}
	return cl, nil
}

// send makes the call and maps the answer with c's selection (nil for a 404 of a source
// that treats it as null).
func (x *execution) send(c *connector, cl *call, vars mapping.Vars) (any, error) {
	r, err := x.s.do(x.ctx, c, cl)
	if err != nil || r == nil {
		return nil, err
	}
	vars["$status"] = json.Number(strconv.Itoa(r.status))
	out, problems := c.selection.Apply(r.body, vars)
	if len(problems) > 0 {
		x.s.log.Debug("connector mapping problems", "connector", c.coordinate, "problems", problems)
	}
	return out, nil
}

func invalid(msg string) *fieldError {
	return &fieldError{message: msg, extensions: map[string]any{"code": "CONNECTOR_RESPONSE_INVALID"}}
}
