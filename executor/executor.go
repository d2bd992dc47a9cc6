// Package executor runs query plans: it sends the plan's fetches through connectors, merges
// the answers into one response tree and writes the client's response from it, with GraphQL
// null propagation and errors re-pathed to the client's paths.
package executor

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"sync"
	"unsafe"

	"github.com/valyala/fastjson"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/atrium-gateway/atrium/connectors"
	"github.com/atrium-gateway/atrium/federation"
	"github.com/atrium-gateway/atrium/jsonenc"
	"github.com/atrium-gateway/atrium/planner"
)

// Executor runs plans against one supergraph version's backends. It is safe for concurrent
// use.
type Executor struct {
	sg         *federation.Supergraph
	connectors []connectors.Connector // by SubgraphID
	// implements holds, per object type, the interfaces and unions it belongs to; abstract
	// holds the interface and union names.
	implements map[string]map[string]bool
	abstract   map[string]bool
}

// New returns an executor; conns holds one connector per subgraph, by SubgraphID.
func New(sg *federation.Supergraph, conns []connectors.Connector) *Executor {
	e := &Executor{sg: sg, connectors: conns, implements: map[string]map[string]bool{}, abstract: map[string]bool{}}
	for name, def := range sg.Schema.Types {
		switch def.Kind {
		case ast.Interface, ast.Union:
			e.abstract[name] = true
			for _, obj := range sg.Schema.GetPossibleTypes(def) {
				if e.implements[obj.Name] == nil {
					e.implements[obj.Name] = map[string]bool{}
				}
				e.implements[obj.Name][name] = true
			}
		}
	}
	return e
}

// isA reports whether an object whose __typename is typename may stand where typ is expected.
func (e *Executor) isA(typename, typ string) bool {
	return typename == typ || e.implements[typename][typ]
}

// Result is the answer to one operation. Data is the JSON of the "data" entry ("null" when
// an error nulled the root).
type Result struct {
	Data   []byte
	Errors gqlerror.List
}

// run is the state of one request.
type run struct {
	e       *Executor
	ctx     context.Context
	vars    map[string]any
	header  http.Header
	mu      sync.Mutex // guards data, errors, parsers
	data    *fastjson.Value
	arena   fastjson.Arena
	errors  gqlerror.List
	parsers []*fastjson.Parser
	// positions are the objects entity fetches found at their paths, so that a child fetch
	// starts from them; generation counts merges that replaced a value in the tree, which
	// makes older positions unusable.
	positions  map[string]positions
	generation int
}

type positions struct {
	objects    []*fastjson.Value
	generation int
}

var parserPool fastjson.ParserPool

// bodyPool recycles subgraph response buffers: the parser copies the body, so a buffer is
// free again as soon as it is parsed.
var bodyPool = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

const maxPooledBody = 1 << 20

// Execute runs plan with the request's coerced variables. header is forwarded to subgraphs
// (nil forwards nothing). It never panics on bad backend answers: they become errors.
//
// The response is appended to dst (which may be nil); Result.Data is the extended slice, so a
// caller that pools response buffers passes one in and takes it back from Result.Data.
func (e *Executor) Execute(ctx context.Context, plan *planner.Plan, vars map[string]any, header http.Header, dst []byte) *Result {
	r := &run{e: e, ctx: ctx, vars: vars, header: header}
	r.data = r.arena.NewObject()
	if plan.Root != nil {
		r.node(plan.Root)
	}
	for _, err := range r.errors {
		if len(err.Path) > 0 {
			err.Path = clientPath(plan.Shape, err.Path)
		}
	}
	var steps [32]pathStep // deep enough for most answers without growing
	w := writer{api: e.sg.API, supergraph: e.sg.Schema, vars: vars, errs: r.errors, quiet: len(r.errors) > 0, path: steps[:0]}
	if need := max(1024, plan.SizeHint()+plan.SizeHint()/8); cap(dst) < need {
		dst = make([]byte, 0, need)
	}
	w.buf = dst[:0]
	if !w.object(plan.Shape, r.data) {
		w.buf = append(w.buf[:0], "null"...)
	}
	plan.SetSizeHint(len(w.buf))
	for _, p := range r.parsers {
		parserPool.Put(p)
	}
	return &Result{Data: w.buf, Errors: w.errs}
}

func (r *run) node(n planner.Node) {
	switch n := n.(type) {
	case *planner.Sequence:
		for _, c := range n.Nodes {
			r.node(c)
		}
	case *planner.Parallel:
		var wg sync.WaitGroup
		for _, c := range n.Nodes[1:] {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r.node(c)
			}()
		}
		r.node(n.Nodes[0])
		wg.Wait()
	case *planner.Flatten:
		paths := [][]string{n.Path}
		if len(n.More) > 0 {
			paths = n.Paths()
		}
		r.entityFetch(paths, n.Walks, n.Node.(*planner.Fetch))
	case *planner.Fetch:
		r.rootFetch(n)
	}
}

// variables writes the client variables a fetch uses as JSON object members.
func (r *run) variables(buf []byte, f *planner.Fetch) []byte {
	for _, name := range f.Variables {
		v, ok := r.vars[name]
		if !ok {
			continue
		}
		b, err := json.Marshal(v)
		if err != nil {
			continue
		}
		if buf[len(buf)-1] != '{' {
			buf = append(buf, ',')
		}
		buf = jsonenc.AppendString(buf, name)
		buf = append(buf, ':')
		buf = append(buf, b...)
	}
	return buf
}

func (r *run) rootFetch(f *planner.Fetch) {
	var vars []byte
	if len(f.Variables) > 0 {
		vars = append(r.variables([]byte{'{'}, f), '}')
	}
	resp := r.fetch(f, vars)
	if resp == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.subgraphErrors(resp, nil, nil)
	switch d := resp.Get("data"); {
	case d != nil && d.Type() == fastjson.TypeObject:
		r.rename(d, f.Renames)
		r.merge(r.data, d)
	case d != nil && d.Type() != fastjson.TypeNull, d == nil && len(resp.GetArray("errors")) == 0:
		r.errors = append(r.errors, malformed())
	}
}

func (r *run) entityFetch(paths [][]string, walks []planner.Walk, f *planner.Fetch) {
	r.mu.Lock()
	reps := representations{}
	buf := append(make([]byte, 0, 256), `{"representations":[`...)
	for i, path := range paths {
		var found []*fastjson.Value
		collect := func(obj *fastjson.Value) {
			found = append(found, obj)
			buf = reps.add(buf, obj, f.Requires, r.e.isA)
		}
		if i < len(walks) {
			w := walks[i]
			// Start from the objects the parent fetch found, unless a merge has since
			// replaced parts of the tree.
			if at, ok := r.positions[w.Anchor]; w.Anchor != "" && ok && at.generation == r.generation {
				for _, obj := range at.objects {
					walk(obj, path[w.From:], collect)
				}
			} else {
				walk(r.data, path, collect)
			}
			if r.positions == nil {
				r.positions = map[string]positions{}
			}
			r.positions[w.Key] = positions{objects: found, generation: r.generation}
		} else {
			walk(r.data, path, collect)
		}
	}
	r.mu.Unlock()
	if len(reps.byIndex) == 0 {
		return // nothing to resolve: no call, no error
	}
	buf = append(buf, ']')
	buf = append(r.variables(buf, f), '}')
	resp := r.fetch(f, buf)
	if resp == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.subgraphErrors(resp, paths, &reps)
	ents := resp.Get("data", "_entities")
	if ents == nil || ents.Type() != fastjson.TypeArray {
		if ents != nil || len(resp.GetArray("errors")) == 0 {
			r.errors = append(r.errors, malformed())
		}
		return
	}
	list := ents.GetArray()
	if len(list) != len(reps.byIndex) {
		r.errors = append(r.errors, malformed())
		return
	}
	bad := false
	for i, ent := range list {
		switch ent.Type() {
		case fastjson.TypeObject:
			r.rename(ent, f.Renames)
			for _, obj := range reps.byIndex[i] {
				r.merge(obj, ent)
			}
		case fastjson.TypeNull:
		default:
			bad = true
		}
	}
	if bad {
		r.errors = append(r.errors, malformed())
	}
}

func malformed() *gqlerror.Error {
	return &gqlerror.Error{Message: "a backend service sent an invalid response", Extensions: map[string]any{"code": "SUBREQUEST_MALFORMED_RESPONSE"}}
}

// fetch sends one operation and parses the answer; on failure it records an error and
// returns nil.
func (r *run) fetch(f *planner.Fetch, vars []byte) *fastjson.Value {
	conn := r.e.connectors[f.Subgraph]
	buf := bodyPool.Get().(*[]byte)
	defer bodyPool.Put(buf)
	body, err := conn.Fetch(r.ctx, &connectors.Request{
		Query: f.Operation, QueryJSON: f.OperationJSON, OperationName: f.OperationName, Variables: vars, Header: r.header,
		Mutation: f.Kind == ast.Mutation,
	}, (*buf)[:0])
	if cap(body) <= maxPooledBody {
		*buf = body // keep the grown buffer for the next fetch; fastjson copies what it parses
	}
	if err != nil {
		code := "SUBREQUEST_HTTP_ERROR"
		if errors.Is(err, context.DeadlineExceeded) {
			code = "SUBREQUEST_TIMEOUT"
		}
		r.addError(&gqlerror.Error{Message: "a backend service could not be reached", Extensions: map[string]any{"code": code}})
		return nil
	}
	p := parserPool.Get()
	v, err := p.ParseBytes(body)
	if err != nil || v.Type() != fastjson.TypeObject {
		parserPool.Put(p)
		r.addError(malformed())
		return nil
	}
	r.mu.Lock()
	r.parsers = append(r.parsers, p)
	r.mu.Unlock()
	return v
}

func (r *run) addError(e *gqlerror.Error) {
	r.mu.Lock()
	r.errors = append(r.errors, e)
	r.mu.Unlock()
}

// rename undoes the plan's internal aliases in one answer (see planner.Rename).
func (r *run) rename(v *fastjson.Value, renames []planner.Rename) {
	for _, rn := range renames {
		walk(v, rn.Path, func(obj *fastjson.Value) {
			if rn.TypeCond != "" && !r.e.isA(typenameOf(obj), rn.TypeCond) {
				return
			}
			o := obj.GetObject()
			if val := o.Get(rn.From); val != nil {
				o.Del(rn.From)
				o.Set(rn.To, val)
			}
		})
	}
}

// walk calls fn for every object found at path ("@" = each list element) under v.
func walk(v *fastjson.Value, path []string, fn func(obj *fastjson.Value)) {
	if v == nil {
		return
	}
	switch v.Type() {
	case fastjson.TypeArray:
		if len(path) > 0 && path[0] == "@" {
			path = path[1:]
		}
		for _, e := range v.GetArray() {
			walk(e, path, fn)
		}
	case fastjson.TypeObject:
		if len(path) == 0 {
			fn(v)
			return
		}
		if path[0] == "@" {
			return
		}
		walk(v.Get(path[0]), path[1:], fn)
	}
}

// merge copies every field of src into the object dst, merging nested objects and lists of
// objects. A null never erases data, and a concrete __typename already known is kept (an
// @interfaceObject subgraph answers with the interface's name; abstract names it).
func (r *run) merge(dst, src *fastjson.Value) {
	abstract := r.e.abstract
	do := dst.GetObject()
	so := src.GetObject()
	if do == nil || so == nil {
		return
	}
	so.Visit(func(k []byte, v *fastjson.Value) {
		key := unsafe.String(unsafe.SliceData(k), len(k)) // k lives in the parsed body
		old := do.Get(key)
		if old == nil {
			do.Set(key, v)
			return
		}
		switch {
		case key == "__typename":
			if abstract[string(old.GetStringBytes())] && !abstract[string(v.GetStringBytes())] {
				do.Set(key, v)
			}
		case v.Type() == fastjson.TypeNull:
			// keep what we have
		case old.Type() == fastjson.TypeObject && v.Type() == fastjson.TypeObject:
			r.merge(old, v)
		case old.Type() == fastjson.TypeArray && v.Type() == fastjson.TypeArray:
			oa, va := old.GetArray(), v.GetArray()
			if len(oa) != len(va) {
				r.generation++
				do.Set(key, v)
				return
			}
			for i := range oa {
				if oa[i].Type() == fastjson.TypeObject && va[i].Type() == fastjson.TypeObject {
					r.merge(oa[i], va[i])
				} else {
					r.generation++
					oa[i] = va[i]
				}
			}
		default:
			r.generation++
			do.Set(key, v)
		}
	})
}

// subgraphErrors copies a subgraph's errors into the response, re-pathed: errors under
// _entities/i go to every client path that used representation i.
func (r *run) subgraphErrors(resp *fastjson.Value, paths [][]string, reps *representations) {
	errs := resp.GetArray("errors")
	for _, ev := range errs {
		msg := string(ev.GetStringBytes("message"))
		if msg == "" {
			msg = "a backend service returned an error"
		}
		var ext map[string]any
		if x := ev.Get("extensions"); x != nil && x.Type() == fastjson.TypeObject {
			_ = json.Unmarshal(x.MarshalTo(nil), &ext)
		}
		p := ev.GetArray("path")
		if reps == nil || len(p) < 2 || string(p[0].GetStringBytes()) != "_entities" {
			e := &gqlerror.Error{Message: msg, Extensions: ext}
			if reps == nil {
				e.Path = toPath(p)
			}
			r.errors = append(r.errors, e)
			continue
		}
		idx := p[1].GetInt()
		rest := toPath(p[2:])
		for _, at := range reps.paths(r.data, paths, idx) {
			r.errors = append(r.errors, &gqlerror.Error{Message: msg, Path: append(at, rest...), Extensions: ext})
		}
	}
}

func toPath(p []*fastjson.Value) ast.Path {
	var out ast.Path
	for _, e := range p {
		switch e.Type() {
		case fastjson.TypeString:
			out = append(out, ast.PathName(e.GetStringBytes()))
		case fastjson.TypeNumber:
			out = append(out, ast.PathIndex(e.GetInt()))
		}
	}
	return out
}
