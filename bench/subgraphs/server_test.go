package subgraphs_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atrium-gateway/atrium/bench/subgraphs"
)

func newServer(t testing.TB) *subgraphs.Server {
	t.Helper()
	s, err := subgraphs.NewServer()
	require.NoError(t, err)
	return s
}

// do sends one request to the server and returns the status and body.
func do(t testing.TB, h http.Handler, method, path, body string) (int, string) {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code, rec.Body.String()
}

// query posts a GraphQL request to one subgraph and returns the response body.
func query(t testing.TB, h http.Handler, subgraph, q string, vars map[string]any) string {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": q, "variables": vars})
	require.NoError(t, err)
	code, got := do(t, h, http.MethodPost, "/"+subgraph, string(body))
	require.Equal(t, http.StatusOK, code, got)
	return got
}

func TestEmbeddedWorkloadMatchesTestdata(t *testing.T) {
	t.Parallel()
	for _, name := range subgraphs.Names {
		want, err := os.ReadFile("../../testdata/bench-workload/subgraphs/" + name + ".graphql")
		require.NoError(t, err)
		got, err := subgraphs.SDL(name)
		require.NoError(t, err)
		assert.Equal(t, string(want), got, "bench/subgraphs/workload/%s.graphql must be a copy of testdata's", name)
	}
	want, err := os.ReadFile("../../testdata/bench-workload/data.json")
	require.NoError(t, err)
	got, err := os.ReadFile("workload/data.json")
	require.NoError(t, err)
	assert.Equal(t, string(want), string(got), "bench/subgraphs/workload/data.json must be a copy of testdata's")
}

func TestRootFields(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	assert.JSONEq(t, `{"data":{"me":{"id":"1","name":"Uri Goldshtein"},"u":{"username":"kamilkisiela","birthday":1234567890},"none":null,
		"users":[{"id":"1"},{"id":"2"},{"id":"3"},{"id":"4"},{"id":"5"},{"id":"6"}]}}`,
		query(t, s, "accounts", `query($id: ID!) { me { id name } u: user(id: $id) { ... on User { username birthday } } none: user(id: "9") { id } users { ...F } }
			fragment F on User { id }`, map[string]any{"id": 3}))
	assert.JSONEq(t, `{"data":{"topProducts":[{"upc":"1","name":"Table","price":899,"weight":100,"__typename":"Product"},
		{"upc":"2","name":"Couch","price":1299,"weight":1000,"__typename":"Product"},{"upc":"3","name":"Glass","price":15,"weight":20,"__typename":"Product"},
		{"upc":"4","name":"Chair","price":499,"weight":100,"__typename":"Product"},{"upc":"5","name":"TV","price":1299,"weight":1000,"__typename":"Product"}],
		"two":[{"upc":"1"},{"upc":"2"}]}}`,
		query(t, s, "products", `{ topProducts { upc name price weight __typename } two: topProducts(first: 2) { upc } }`, nil))
}

func TestEntitiesReproduceTheBenchmarksQuirks(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	reps := func(list ...string) map[string]any {
		var out []any
		require.NoError(t, json.Unmarshal([]byte("["+strings.Join(list, ",")+"]"), &out))
		return map[string]any{"representations": out}
	}
	const entities = `query($representations: [_Any!]!) { _entities(representations: $representations) { __typename `

	// Every review's author is user 1 with the username reviews @provides; every user's
	// reviews are 1 and 2; a product's reviews are those of its upc.
	got := query(t, s, "reviews", entities+`... on User { reviews { id } } ... on Product { rs: reviews { id author { id username } product { upc } } } } }`,
		reps(`{"__typename":"User","id":"4"}`, `{"__typename":"Product","upc":"3"}`, `{"__typename":"Product","upc":"9"}`))
	assert.JSONEq(t, `{"data":{"_entities":[
		{"__typename":"User","reviews":[{"id":"1"},{"id":"2"}]},
		{"__typename":"Product","rs":[{"id":"9","author":{"id":"1","username":"urigo"},"product":{"upc":"3"}}]},
		{"__typename":"Product","rs":[]}]}}`, got)

	// Inventory ignores the price and weight it is given: shippingEstimate is null.
	got = query(t, s, "inventory", entities+`... on Product { inStock shippingEstimate } } }`,
		reps(`{"__typename":"Product","upc":"1","price":899,"weight":100}`, `{"__typename":"Product","upc":"2","price":1299,"weight":1000}`,
			`{"__typename":"Product","upc":"404"}`))
	assert.JSONEq(t, `{"data":{"_entities":[{"__typename":"Product","inStock":true,"shippingEstimate":null},
		{"__typename":"Product","inStock":false,"shippingEstimate":null},null]}}`, got)

	got = query(t, s, "products", entities+`... on Product { name price } } }`, reps(`{"__typename":"Product","upc":"8"}`))
	assert.JSONEq(t, `{"data":{"_entities":[{"__typename":"Product","name":"Fridge","price":100000}]}}`, got)
	got = query(t, s, "accounts", entities+`... on User { name } } }`, reps(`{"__typename":"User","id":"6"}`))
	assert.JSONEq(t, `{"data":{"_entities":[{"__typename":"User","name":"Laurin Quast"}]}}`, got)
}

func TestAnswersAreCachedAndCounted(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	const body = `{"query":"{ users { id } }"}`
	code, first := do(t, s, http.MethodPost, "/accounts", body)
	require.Equal(t, http.StatusOK, code)
	_, second := do(t, s, http.MethodPost, "/accounts", body)
	assert.Equal(t, first, second)
	do(t, s, http.MethodPost, "/reviews", `{"query":"{ _service { sdl } }"}`)
	assert.Equal(t, map[string]int64{"accounts": 2, "inventory": 0, "products": 0, "reviews": 1}, s.Stats())

	code, stats := do(t, s, http.MethodGet, "/stats", "")
	require.Equal(t, http.StatusOK, code)
	assert.JSONEq(t, `{"accounts":2,"inventory":0,"products":0,"reviews":1}`, stats)
	code, _ = do(t, s, http.MethodPost, "/stats/reset", "")
	assert.Equal(t, http.StatusNoContent, code)
	assert.Equal(t, map[string]int64{"accounts": 0, "inventory": 0, "products": 0, "reviews": 0}, s.Stats())
}

func TestBadRequests(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	code, body := do(t, s, http.MethodPost, "/products", `{"query":"{ nope }"}`)
	assert.Equal(t, http.StatusOK, code)
	assert.Contains(t, body, `"errors"`)
	code, _ = do(t, s, http.MethodPost, "/products", `not json`)
	assert.Equal(t, http.StatusBadRequest, code)
	code, _ = do(t, s, http.MethodGet, "/products", "")
	assert.Equal(t, http.StatusMethodNotAllowed, code)
	code, _ = do(t, s, http.MethodPost, "/graphql", `{"query":"{ users { id } }"}`)
	assert.Equal(t, http.StatusNotFound, code)
	code, _ = do(t, s, http.MethodGet, "/stats/reset", "")
	assert.Equal(t, http.StatusMethodNotAllowed, code)
}

// BenchmarkCachedAnswer is one subgraph request answered from the cache (the reviews answer
// of the benchmark's first entity fetch, ~30 kB).
func BenchmarkCachedAnswer(b *testing.B) {
	s := newServer(b)
	body := `{"query":"query TestQuery__reviews__1($representations:[_Any!]!){_entities(representations:$representations){...on User{reviews{id body product{upc reviews{id body author{id username reviews{id body product{upc __typename}} __typename}} __typename}}}}}","operationName":"TestQuery__reviews__1","variables":{"representations":[{"__typename":"User","id":"1"},{"__typename":"User","id":"2"},{"__typename":"User","id":"3"},{"__typename":"User","id":"4"},{"__typename":"User","id":"5"},{"__typename":"User","id":"6"}]}}`
	code, got := do(b, s, http.MethodPost, "/reviews", body)
	require.Equal(b, http.StatusOK, code, got)
	require.NotContains(b, got, `"errors"`)
	b.SetBytes(int64(len(got)))
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodPost, "/reviews", strings.NewReader(body))
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
	}
}
