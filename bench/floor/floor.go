// Package floor is the floor of the gateway benchmark: a hand-written Go program that makes
// exactly the subgraph calls of Atrium's plan for the benchmark's TestQuery (same operation
// text, same variables, same order and parallelism) and assembles the same answer with no
// planning and no generic merging: typed structs, hand-written stitching by id and upc, and
// hand-written JSON. It is the limit a gateway can approach on this workload.
//
// It answers TestQuery whatever the request body says.
package floor

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/valyala/fastjson"
)

// Floor answers the benchmark's TestQuery. It is safe for concurrent use.
type Floor struct {
	client *http.Client
	urls   [fetchCount]string
}

var _ http.Handler = (*Floor)(nil)

// NewClient returns an HTTP client that keeps many connections alive to the subgraphs.
func NewClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = 4096
	t.MaxIdleConnsPerHost = 1024
	t.IdleConnTimeout = 90 * time.Second
	return &http.Client{Transport: t}
}

// New returns a floor that calls the subgraphs under base (e.g. http://127.0.0.1:14200,
// which serves /accounts, /inventory, /products and /reviews). A nil client means NewClient.
func New(base string, client *http.Client) *Floor {
	if client == nil {
		client = NewClient()
	}
	f := &Floor{client: client}
	base = strings.TrimSuffix(base, "/")
	for i, fe := range Fetches {
		f.urls[i] = base + "/" + fe.Service
	}
	return f
}

// The request bodies, as Atrium's GraphQL connector writes them:
// {"query":…,"operationName":…[,"variables":{"representations":[…]}]}. A root fetch's body
// is bodies[i]; an entity fetch's is prefixes[i], the representations, then entitiesSuffix.
var bodies, prefixes [fetchCount][]byte

var entitiesSuffix = []byte(`]}}`)

func init() {
	for i, fe := range Fetches {
		q, _ := json.Marshal(fe.Operation)
		p := append([]byte(`{"query":`), q...)
		p = append(p, `,"operationName":`...)
		p = strconv.AppendQuote(p, fe.OperationName)
		if fe.Path == "" {
			bodies[i] = append(p, '}')
			continue
		}
		prefixes[i] = append(p, `,"variables":{"representations":[`...)
	}
}

var (
	bufPool         = sync.Pool{New: func() any { return new(bytes.Buffer) }}
	outPool         = sync.Pool{New: func() any { return new([]byte) }}
	parserPool      fastjson.ParserPool
	jsonContentType = []string{"application/json"}
	accept          = []string{"application/graphql-response+json, application/json"}
)

// ServeHTTP answers POST /graphql (any path) with TestQuery's answer; the body is read and
// ignored.
func (f *Floor) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "POST the benchmark's TestQuery", http.StatusMethodNotAllowed)
		return
	}
	_, _ = io.Copy(io.Discard, r.Body)
	out := outPool.Get().(*[]byte)
	defer outPool.Put(out)
	b, err := f.Answer(r.Context(), (*out)[:0])
	*out = b
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	h := w.Header()
	h["Content-Type"] = jsonContentType
	h["Content-Length"] = []string{strconv.Itoa(len(b))}
	_, _ = w.Write(b)
}

// Answer runs the plan and appends TestQuery's response ({"data":…}) to dst.
func (f *Floor) Answer(ctx context.Context, dst []byte) ([]byte, error) {
	r := runPool.Get().(*run)
	r.f, r.ctx = f, ctx
	defer r.release()
	// Sequence(Parallel(users branch, topProducts branch), Parallel(products2, accounts4),
	// inventory3): see Schedule.
	var wg sync.WaitGroup
	wg.Go(r.topBranch)
	r.usersBranch()
	wg.Wait()
	wg.Go(r.accounts4)
	r.products2()
	wg.Wait()
	r.inventory3()
	if err := r.failure(); err != nil {
		return dst, err
	}
	return appendResponse(dst, r.users, r.top), nil
}

func (r *run) usersBranch() {
	r.accounts0()
	r.reviews1()
}

func (r *run) topBranch() {
	r.products7()
	r.reviews9()
}

// run is one request: the answer tree built so far and the parsers whose memory it points
// into (released when the response is written). Runs are pooled with their memory.
type run struct {
	f     *Floor
	ctx   context.Context
	users []*user
	top   []*product
	// Objects under users and under topProducts are built by different branches.
	usersArena, topArena arena
	// The objects of an entity fetch: products for products2 and inventory3, authors for
	// accounts4 (which runs with products2).
	products []*product
	authors  []*user

	mu      sync.Mutex
	parsers []*fastjson.Parser
	err     error
}

var runPool = sync.Pool{New: func() any { return new(run) }}

// release returns the parsers and the run to their pools.
func (r *run) release() {
	for _, p := range r.parsers {
		parserPool.Put(p)
	}
	clear(r.parsers)
	r.parsers = r.parsers[:0]
	r.f, r.ctx, r.err = nil, nil, nil
	r.users, r.top = r.users[:0], r.top[:0]
	r.usersArena.reset()
	r.topArena.reset()
	runPool.Put(r)
}

func (r *run) fail(err error) {
	r.mu.Lock()
	if r.err == nil {
		r.err = err
	}
	r.mu.Unlock()
}

func (r *run) failure() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}

// fetch sends fetch i with the given request body and returns the answer's data. On any
// failure it records an error and returns nil.
func (r *run) fetch(i int, body []byte) *fastjson.Value {
	if r.failure() != nil {
		return nil
	}
	req, err := http.NewRequestWithContext(r.ctx, http.MethodPost, r.f.urls[i], bytes.NewReader(body))
	if err != nil {
		r.fail(err)
		return nil
	}
	req.Header["Content-Type"] = jsonContentType
	req.Header["Accept"] = accept
	resp, err := r.f.client.Do(req)
	if err != nil {
		r.fail(fmt.Errorf("%s: %w", Fetches[i].OperationName, err))
		return nil
	}
	in := bufPool.Get().(*bytes.Buffer)
	defer bufPool.Put(in)
	in.Reset()
	_, err = in.ReadFrom(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		r.fail(fmt.Errorf("%s: reading the answer: %w", Fetches[i].OperationName, err))
		return nil
	}
	p := parserPool.Get()
	v, err := p.ParseBytes(in.Bytes()) // the parser copies the body
	r.mu.Lock()
	r.parsers = append(r.parsers, p)
	r.mu.Unlock()
	switch {
	case err != nil:
		r.fail(fmt.Errorf("%s: status %d, invalid JSON: %w", Fetches[i].OperationName, resp.StatusCode, err))
		return nil
	case len(v.GetArray("errors")) > 0:
		r.fail(fmt.Errorf("%s: the subgraph answered errors: %s", Fetches[i].OperationName, v.Get("errors")))
		return nil
	}
	data := v.Get("data")
	if data == nil || data.Type() != fastjson.TypeObject {
		r.fail(fmt.Errorf("%s: the answer has no data", Fetches[i].OperationName))
		return nil
	}
	return data
}

// entities sends entity fetch i and returns its _entities, which must answer every
// representation.
func (r *run) entities(i int, reps *reps) []*fastjson.Value {
	if reps.n == 0 {
		return nil // nothing to resolve, no call (as Atrium does)
	}
	reps.body = append(reps.body, entitiesSuffix...)
	data := r.fetch(i, reps.body)
	if data == nil {
		return nil
	}
	list := data.GetArray("_entities")
	if len(list) != int(reps.n) {
		r.fail(errors.New(Fetches[i].OperationName + ": _entities does not answer every representation"))
		return nil
	}
	return list
}
