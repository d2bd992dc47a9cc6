package gateway_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/atrium-gateway/atrium/audit/subgraph"
	"github.com/atrium-gateway/atrium/demo/accounts"
	"github.com/atrium-gateway/atrium/demo/inventory"
	"github.com/atrium-gateway/atrium/demo/products"
	"github.com/atrium-gateway/atrium/demo/reviews"
	"github.com/atrium-gateway/atrium/federation"
	"github.com/atrium-gateway/atrium/gateway"
	"github.com/atrium-gateway/atrium/server"
)

// stack is the demo: four real gqlgen subgraphs and the gateway, all on loopback, with a
// call counter per subgraph.
type stack struct {
	URL  string
	Snap *gateway.Snapshot
	GW   *gateway.Gateway
	// SDL is the supergraph served, with the subgraphs' real URLs.
	SDL   string
	calls map[string]*atomic.Int64
	subs  map[string]*httptest.Server
	mu    sync.Mutex
	// bodies records the subgraph requests, for tests that check what was sent.
	bodies map[string][]string
}

var demoPorts = map[string]string{
	accounts.Name:  "http://127.0.0.1:4001/graphql",
	products.Name:  "http://127.0.0.1:4002/graphql",
	reviews.Name:   "http://127.0.0.1:4003/graphql",
	inventory.Name: "http://127.0.0.1:4004/graphql",
}

// wrap lets a test replace a subgraph's behaviour (slow, down, broken answers).
type wrap func(name string, next http.Handler) http.Handler

func startStack(t testing.TB, opts gateway.Options, wraps ...wrap) *stack {
	t.Helper()
	s := &stack{calls: map[string]*atomic.Int64{}, subs: map[string]*httptest.Server{}, bodies: map[string][]string{}}
	handlers := map[string]http.Handler{
		accounts.Name:  accounts.Handler(),
		products.Name:  products.Handler(),
		reviews.Name:   reviews.Handler(),
		inventory.Name: inventory.Handler(),
	}
	sdl, err := os.ReadFile("../demo/supergraph.graphql")
	require.NoError(t, err)
	text := string(sdl)
	for name, h := range handlers {
		counter := &atomic.Int64{}
		s.calls[name] = counter
		var next http.Handler = h
		for _, w := range wraps {
			next = w(name, next)
		}
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			counter.Add(1)
			body, _ := io.ReadAll(r.Body)
			s.mu.Lock()
			s.bodies[name] = append(s.bodies[name], string(body))
			s.mu.Unlock()
			r.Body = io.NopCloser(bytes.NewReader(body))
			next.ServeHTTP(w, r)
		}))
		t.Cleanup(srv.Close)
		s.subs[name] = srv
		text = strings.ReplaceAll(text, demoPorts[name], srv.URL+"/graphql")
	}
	sg, err := federation.Parse("demo/supergraph.graphql", text)
	require.NoError(t, err)
	snap, err := gateway.NewSnapshot(sg, opts)
	require.NoError(t, err)
	t.Cleanup(snap.Close)
	s.Snap, s.GW, s.SDL = snap, gateway.New(snap), text
	gw := httptest.NewServer(server.New(s.GW, server.Options{Playground: true}))
	t.Cleanup(gw.Close)
	s.URL = gw.URL
	return s
}

// resetCalls zeroes the counters.
func (s *stack) resetCalls() {
	for _, c := range s.calls {
		c.Store(0)
	}
	s.mu.Lock()
	s.bodies = map[string][]string{}
	s.mu.Unlock()
}

// callCounts returns the number of requests each subgraph received (zeros left out).
func (s *stack) callCounts() map[string]int {
	out := map[string]int{}
	for name, c := range s.calls {
		if n := c.Load(); n > 0 {
			out[name] = int(n)
		}
	}
	return out
}

type response struct {
	Status int
	Header http.Header
	Body   string
}

func (s *stack) post(t testing.TB, body string, header ...string) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.URL+"/graphql", strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return response{Status: resp.StatusCode, Header: resp.Header, Body: string(b)}
}

// query posts a GraphQL request and returns the response body.
func (s *stack) query(t testing.TB, query string, vars map[string]any) string {
	t.Helper()
	payload, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	require.NoError(t, err)
	r := s.post(t, string(payload))
	require.Equal(t, http.StatusOK, r.Status, r.Body)
	return r.Body
}

// schemaSubgraph is a subgraph served by the audit's schema-driven server.
type schemaSubgraph struct {
	sub *subgraph.Subgraph
	sdl string
}

// startSupergraph serves a hand-written supergraph (under ../testdata) through the gateway:
// each routing URL that is a key of subgraphs is replaced by a real server for that subgraph.
func startSupergraph(t *testing.T, file string, subgraphs map[string]schemaSubgraph, opts gateway.Options) *stack {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", file))
	require.NoError(t, err)
	sdl := string(b)
	for routingURL, s := range subgraphs {
		h, err := s.sub.Handler(s.sdl)
		require.NoError(t, err)
		srv := httptest.NewServer(h)
		t.Cleanup(srv.Close)
		sdl = strings.ReplaceAll(sdl, routingURL, srv.URL)
	}
	sg, err := federation.Parse(file, sdl)
	require.NoError(t, err)
	snap, err := gateway.NewSnapshot(sg, opts)
	require.NoError(t, err)
	t.Cleanup(snap.Close)
	gw := httptest.NewServer(server.New(gateway.New(snap), server.Options{}))
	t.Cleanup(gw.Close)
	return &stack{URL: gw.URL, Snap: snap}
}

// data posts query and decodes the answer's data into out; the answer must have no errors.
func (s *stack) data(t *testing.T, query string, out any) {
	t.Helper()
	var answer struct {
		Data   json.RawMessage `json:"data"`
		Errors []any           `json:"errors"`
	}
	require.NoError(t, json.Unmarshal([]byte(s.query(t, query, nil)), &answer))
	require.Empty(t, answer.Errors)
	require.NoError(t, json.Unmarshal(answer.Data, out))
}
