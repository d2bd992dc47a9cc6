package engine_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atrium-gateway/atrium/connectors"
	"github.com/atrium-gateway/atrium/connectors/engine"
	"github.com/atrium-gateway/atrium/federation"
	"github.com/atrium-gateway/atrium/federation/compose"
)

const sdl = `extend schema
  @link(url: "https://specs.apollo.dev/federation/v2.11", import: ["@key"])
  @link(url: "https://specs.apollo.dev/connect/v0.3", import: ["@source", "@connect"])
  @source(name: "api", http: { baseURL: "REST_URL" })
type Query {
  things: [Thing!]! @connect(source: "api", http: { GET: "/things" }, selection: "id name")
}
type Thing @key(fields: "id")
  @connect(source: "api", http: { GET: "/things", queryParams: "id: $batch.id" }, selection: "id name") {
  id: ID!
  name: String
}
`

// subgraph compiles the test subgraph against a REST server answering /things, counting
// calls.
func subgraph(t *testing.T, calls *atomic.Int64) *engine.Subgraph {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		ids := r.URL.Query()["id"]
		if len(ids) == 0 {
			ids = []string{"1", "2"}
		}
		var out []any
		for _, id := range ids {
			out = append(out, map[string]any{"id": id, "name": "thing " + id})
		}
		_ = json.NewEncoder(w).Encode(out)
	}))
	t.Cleanup(srv.Close)
	res := compose.Compose([]compose.Input{{Name: "api", URL: srv.URL, SDL: strings.ReplaceAll(sdl, "REST_URL", srv.URL)}})
	require.NoError(t, res.Err())
	sg, err := federation.Parse("supergraph", res.Supergraph)
	require.NoError(t, err)
	s, err := engine.New(sg, 0, engine.Options{})
	require.NoError(t, err)
	t.Cleanup(s.Close)
	return s
}

// TestFetchRefusesOrAnswersBadOperations: whatever the caller sends, Fetch answers valid
// JSON or an error, never panics, and makes no call it need not make.
func TestFetchRefusesOrAnswersBadOperations(t *testing.T) {
	var calls atomic.Int64
	s := subgraph(t, &calls)
	for name, req := range map[string]connectors.Request{
		"not GraphQL":                  {Query: "{{{"},
		"unknown operation":            {Query: "query A { things { id } }", OperationName: "B"},
		"two anonymous":                {Query: "{ things { id } } { things { name } }"},
		"variables not JSON":           {Query: "query($r: [_Any!]!) { _entities(representations: $r) { __typename } }", Variables: []byte("{nope")},
		"representations not a list":   {Query: "query($r: [_Any!]!) { _entities(representations: $r) { __typename } }", Variables: []byte(`{"r": 5}`)},
		"representation not an object": {Query: "query($r: [_Any!]!) { _entities(representations: $r) { ... on Thing { name } } }", Variables: []byte(`{"r": [1, "x", null, {"__typename": "Nope", "id": "1"}, {"id": "1"}]}`)},
		"unknown root field":           {Query: "{ nothing }"},
		"cyclic fragments":             {Query: "query { things { ...A } } fragment A on Thing { ...B } fragment B on Thing { ...A }"},
	} {
		t.Run(name, func(t *testing.T) {
			out, err := s.Fetch(context.Background(), &req, nil)
			if err != nil {
				assert.ErrorIs(t, err, connectors.ErrUnavailable)
				return
			}
			assert.True(t, json.Valid(out), string(out))
		})
	}
	assert.EqualValues(t, 1, calls.Load(), "only the cyclic fragments' { things } reaches the backend")
}

// TestEntitiesOfOneRequestShareOneBatch: representations repeated within one fetch and
// across two fetches of the same request (one Scope) are fetched once, in one call.
func TestEntitiesOfOneRequestShareOneBatch(t *testing.T) {
	var calls atomic.Int64
	s := subgraph(t, &calls)
	ctx := connectors.WithScope(context.Background(), nil)
	q := "query($r: [_Any!]!) { _entities(representations: $r) { ... on Thing { name } } }"
	out, err := s.Fetch(ctx, &connectors.Request{Query: q, Variables: []byte(`{"r": [{"__typename": "Thing", "id": "1"}, {"__typename": "Thing", "id": "2"}, {"__typename": "Thing", "id": 1}]}`)}, nil)
	require.NoError(t, err)
	assert.JSONEq(t, `{"data":{"_entities":[{"name":"thing 1"},{"name":"thing 2"},{"name":"thing 1"}]}}`, string(out))
	out, err = s.Fetch(ctx, &connectors.Request{Query: q, Variables: []byte(`{"r": [{"__typename": "Thing", "id": "2"}]}`)}, nil)
	require.NoError(t, err)
	assert.JSONEq(t, `{"data":{"_entities":[{"name":"thing 2"}]}}`, string(out))
	assert.EqualValues(t, 1, calls.Load())
}
