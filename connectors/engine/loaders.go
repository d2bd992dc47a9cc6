package engine

import (
	"context"
	"encoding/json"
	"sync"
	"time"

	"github.com/graph-gophers/dataloader/v7"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/atrium-gateway/atrium/connectors/mapping"
)

// Batching. Each client request gets, per entity connector, a dataloader (in its
// connectors.Scope, dropped with the request): every lookup of that entity in the request,
// from any fetch of the plan and any level, goes through it, so duplicates collapse and keys
// that arrive together (parallel branches, a whole list) make one batch. A connector reading
// $batch gets one call per batch of at most its batch.maxSize keys; one reading $this gets
// one call per key, run concurrently up to the source's concurrency. Field connectors share
// one loader per subgraph, keyed by the request they send, so identical calls are made once.

type entityKey struct {
	s *Subgraph
	c *connector
}

type callsKey struct{ s *Subgraph }

// entityLoader resolves one connector's entities by key (the JSON of its key values).
type entityLoader struct {
	l    *dataloader.Loader[string, map[string]any]
	mu   sync.Mutex
	reps map[string]map[string]any // the first representation seen per key
}

func (x *execution) loadEntity(c *connector, rep map[string]any) func() (map[string]any, error) {
	el := x.scope.Value(entityKey{x.s, c}, func() any { return x.newEntityLoader(c) }).(*entityLoader)
	key := keyOf(c.keys, rep)
	el.mu.Lock()
	if _, ok := el.reps[key]; !ok {
		el.reps[key] = rep
	}
	el.mu.Unlock()
	return el.l.Load(x.ctx, key)
}

func (x *execution) newEntityLoader(c *connector) *entityLoader {
	cfg := x.s.backends[c.source].cfg
	el := &entityLoader{reps: map[string]map[string]any{}}
	batch := func(ctx context.Context, keys []string) []*dataloader.Result[map[string]any] {
		el.mu.Lock()
		reps := make([]map[string]any, len(keys))
		for i, k := range keys {
			reps[i] = el.reps[k]
		}
		el.mu.Unlock()
		if c.batch {
			return x.batchEntities(c, keys, reps)
		}
		return x.eachEntity(c, reps, cfg.Concurrency)
	}
	opts := []dataloader.Option[string, map[string]any]{dataloader.WithWait[string, map[string]any](cfg.BatchWait)}
	if c.batch {
		size := c.maxBatch
		if size <= 0 {
			size = cfg.MaxBatch
		}
		opts = append(opts, dataloader.WithBatchCapacity[string, map[string]any](size))
	}
	el.l = dataloader.NewBatchedLoader(batch, opts...)
	return el
}

// batchEntities makes one call for the batch and matches the items it returns to the keys
// by their key values; a key without an item is a null entity.
func (x *execution) batchEntities(c *connector, keys []string, reps []map[string]any) []*dataloader.Result[map[string]any] {
	out := make([]*dataloader.Result[map[string]any], len(keys))
	batch := make([]any, len(reps))
	for i, r := range reps {
		batch[i] = r
	}
	vars := x.baseVars(c)
	vars["$batch"] = batch
	v, err := x.call(c, vars)
	byKey := map[string]map[string]any{}
	if err == nil {
		items, _ := v.([]any)
		for _, item := range items {
			if m, ok := item.(map[string]any); ok {
				if k := keyOf(c.keys, m); byKey[k] == nil {
					byKey[k] = m
				}
			}
		}
	}
	for i, k := range keys {
		out[i] = &dataloader.Result[map[string]any]{Data: byKey[k], Error: err}
	}
	return out
}

// eachEntity makes one call per entity, at most limit at a time.
func (x *execution) eachEntity(c *connector, reps []map[string]any, limit int) []*dataloader.Result[map[string]any] {
	out := make([]*dataloader.Result[map[string]any], len(reps))
	concurrently(len(reps), limit, func(i int) {
		vars := x.baseVars(c)
		if c.kind == entityField {
			vars["$args"] = reps[i]
		} else {
			vars["$this"] = reps[i]
		}
		v, err := x.call(c, vars)
		m, _ := v.(map[string]any)
		out[i] = &dataloader.Result[map[string]any]{Data: m, Error: err}
	})
	return out
}

// concurrently runs fn(0) … fn(n-1), at most limit at a time, and waits for them all.
func concurrently(n, limit int, fn func(i int)) {
	sem := make(chan struct{}, limit)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			fn(i)
		}()
	}
	wg.Wait()
}

// callLoader runs field connectors' calls, once per distinct request.
type callLoader struct {
	l     *dataloader.Loader[string, any]
	mu    sync.Mutex
	calls map[string]pendingCall
}

type pendingCall struct {
	c    *connector
	call *call
	vars mapping.Vars
}

// fieldCalls calls c once per parent (identical requests once) and returns the mapped
// answers in parents' order.
func (x *execution) fieldCalls(c *connector, f *ast.Field, def *ast.FieldDefinition, parents []map[string]any, paths []*path) []any {
	cl := x.scope.Value(callsKey{x.s}, func() any { return x.newCallLoader() }).(*callLoader)
	args := x.arguments(f, def)
	thunks := make([]dataloader.Thunk[any], len(parents))
	for i, p := range parents {
		vars := x.baseVars(c)
		vars["$this"], vars["$args"] = p, args
		req, err := x.buildRequest(c, vars)
		if err != nil {
			x.fail(paths[i], err)
			continue
		}
		key := c.coordinate + "\x00" + req.key
		cl.mu.Lock()
		if _, ok := cl.calls[key]; !ok {
			cl.calls[key] = pendingCall{c, req, vars}
		}
		cl.mu.Unlock()
		thunks[i] = cl.l.Load(x.ctx, key)
	}
	out := make([]any, len(parents))
	for i, t := range thunks {
		if t == nil {
			continue
		}
		v, err := t()
		if err != nil {
			x.fail(paths[i], err)
			continue
		}
		out[i] = v
	}
	return out
}

func (x *execution) newCallLoader() *callLoader {
	cl := &callLoader{calls: map[string]pendingCall{}}
	batch := func(ctx context.Context, keys []string) []*dataloader.Result[any] {
		out := make([]*dataloader.Result[any], len(keys))
		concurrently(len(keys), 16, func(i int) {
			cl.mu.Lock()
			pc := cl.calls[keys[i]]
			cl.mu.Unlock()
			v, err := x.send(pc.c, pc.call, pc.vars)
			out[i] = &dataloader.Result[any]{Data: v, Error: err}
		})
		return out
	}
	cl.l = dataloader.NewBatchedLoader(batch, dataloader.WithWait[string, any](defaultWait))
	return cl
}

const defaultWait = time.Millisecond

// keyOf is the JSON of an object's values at the key fields, in the keys' order: numbers
// and strings that read the same (1 and "1") make the same key, as REST APIs often answer
// ids in another JSON type than they were asked in.
func keyOf(keys []string, m map[string]any) string {
	vals := make([]any, len(keys))
	for i, k := range keys {
		v := m[k]
		if s, ok := scalarString(v); ok {
			v = s
		}
		vals[i] = v
	}
	b, _ := json.Marshal(vals)
	return string(b)
}
