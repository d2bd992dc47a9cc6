// Package subgraphs serves the four subgraphs of the public GraphQL gateways benchmark
// (graphql-hive/graphql-gateways-benchmark: accounts, inventory, products, reviews) from one
// HTTP server, fast enough never to be the bottleneck of a gateway benchmark.
//
// Any valid operation is answered correctly: the first time a request body is seen, the
// audit/subgraph engine executes it with resolvers that reproduce the benchmark's quirks over
// testdata/bench-workload/data.json; the answer's bytes are then served from a cache keyed by
// the exact body bytes. Entity keys that match no data resolve to null (the Rust subgraphs
// panic instead).
package subgraphs

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
)

// Limits of the per-subgraph answer cache. Bodies past them are still answered, by the
// engine, without being cached.
const (
	maxCachedEntries = 4096
	maxCachedBytes   = 64 << 20
	maxBodyBytes     = 8 << 20
)

// Server serves /accounts, /inventory, /products and /reviews (POST, GraphQL over HTTP),
// GET /stats and POST /stats/reset. It is safe for concurrent use.
type Server struct {
	subgraphs map[string]*backend
	list      [len(Names)]*backend
}

var _ http.Handler = (*Server)(nil)

// backend is one subgraph: its engine, its answer cache and its request counter.
type backend struct {
	engine   http.Handler
	served   atomic.Int64
	mu       sync.RWMutex
	cache    map[string]*answer
	cachedSz int
}

// answer is a cached response: status, body and the Content-Length header value.
type answer struct {
	status int
	body   []byte
	length []string
}

// NewServer builds the four subgraphs. It fails only if the embedded SDLs or data are broken.
func NewServer() (*Server, error) {
	defs, err := definitions()
	if err != nil {
		return nil, err
	}
	s := &Server{subgraphs: map[string]*backend{}}
	for i, name := range Names {
		sdl, err := SDL(name)
		if err != nil {
			return nil, err
		}
		h, err := defs[name].Handler(sdl)
		if err != nil {
			return nil, fmt.Errorf("bench subgraphs: %w", err)
		}
		b := &backend{engine: h, cache: map[string]*answer{}}
		s.subgraphs["/"+name] = b
		s.list[i] = b
	}
	return s, nil
}

// Stats returns the number of requests each subgraph served since the last Reset.
func (s *Server) Stats() map[string]int64 {
	out := make(map[string]int64, len(Names))
	for i, name := range Names {
		out[name] = s.list[i].served.Load()
	}
	return out
}

// Reset sets the request counters to zero (the answer caches are kept).
func (s *Server) Reset() {
	for _, b := range s.list {
		b.served.Store(0)
	}
}

var (
	jsonContentType = []string{"application/json"}
	bufPool         = sync.Pool{New: func() any { return new(bytes.Buffer) }}
)

// ServeHTTP routes a request to a subgraph or to the stats endpoints.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if b := s.subgraphs[r.URL.Path]; b != nil {
		b.serve(w, r)
		return
	}
	switch {
	case r.URL.Path == "/stats" && r.Method == http.MethodGet:
		buf := append(make([]byte, 0, 96), '{')
		for i, name := range Names {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = strconv.AppendQuote(buf, name)
			buf = append(buf, ':')
			buf = strconv.AppendInt(buf, s.list[i].served.Load(), 10)
		}
		buf = append(buf, '}')
		w.Header()["Content-Type"] = jsonContentType
		_, _ = w.Write(buf)
	case r.URL.Path == "/stats/reset" && r.Method == http.MethodPost:
		s.Reset()
		w.WriteHeader(http.StatusNoContent)
	case r.URL.Path == "/stats" || r.URL.Path == "/stats/reset":
		http.Error(w, "GET /stats or POST /stats/reset", http.StatusMethodNotAllowed)
	default:
		http.Error(w, "no such subgraph: use /accounts, /inventory, /products or /reviews", http.StatusNotFound)
	}
}

func (b *backend) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "POST a JSON GraphQL request", http.StatusMethodNotAllowed)
		return
	}
	b.served.Add(1)
	buf := bufPool.Get().(*bytes.Buffer)
	defer bufPool.Put(buf)
	buf.Reset()
	if r.ContentLength > 0 && r.ContentLength <= maxBodyBytes {
		buf.Grow(int(r.ContentLength))
	}
	if _, err := buf.ReadFrom(http.MaxBytesReader(w, r.Body, maxBodyBytes)); err != nil {
		http.Error(w, "reading the request body: "+err.Error(), http.StatusBadRequest)
		return
	}
	body := buf.Bytes()
	b.mu.RLock()
	a := b.cache[string(body)]
	b.mu.RUnlock()
	if a == nil {
		a = b.compute(r, body)
	}
	h := w.Header()
	h["Content-Type"] = jsonContentType
	h["Content-Length"] = a.length
	w.WriteHeader(a.status)
	_, _ = w.Write(a.body)
}

// compute runs the engine on body and caches the answer while the cache has room.
func (b *backend) compute(r *http.Request, body []byte) *answer {
	req, _ := http.NewRequestWithContext(r.Context(), http.MethodPost, "/", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := &recorder{header: http.Header{}, status: http.StatusOK}
	b.engine.ServeHTTP(rec, req)
	out := bytes.TrimSuffix(rec.body.Bytes(), []byte("\n"))
	a := &answer{status: rec.status, body: out, length: []string{strconv.Itoa(len(out))}}
	b.mu.Lock()
	defer b.mu.Unlock()
	if old := b.cache[string(body)]; old != nil {
		return old
	}
	if len(b.cache) < maxCachedEntries && b.cachedSz+len(body)+len(out) <= maxCachedBytes {
		b.cache[string(body)] = a
		b.cachedSz += len(body) + len(out)
	}
	return a
}

// recorder captures the engine's response.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) WriteHeader(status int)      { r.status = status }
func (r *recorder) Write(p []byte) (int, error) { return r.body.Write(p) }
