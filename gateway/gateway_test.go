package gateway_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atrium-gateway/atrium/gateway"
)

func TestEntityJumpsAcrossFourSubgraphs(t *testing.T) {
	t.Parallel()
	s := startStack(t, gateway.Options{})
	got := s.query(t, `{ me { id name reviews { body product { upc name price inStock shippingEstimate } } } }`, nil)
	require.JSONEq(t, `{"data":{"me":{"id":"u1","name":"Ada Lovelace","reviews":[
		{"body":"Love it!","product":{"upc":"1","name":"Table","price":899,"inStock":true,"shippingEstimate":50}},
		{"body":"Too expensive.","product":{"upc":"2","name":"Couch","price":1299,"inStock":false,"shippingEstimate":0}},
		{"body":"Wobbles a bit.","product":{"upc":"1","name":"Table","price":899,"inStock":true,"shippingEstimate":50}}]}}}`, got)
	// accounts → reviews → products (price, weight, name) → inventory (with the required
	// price and weight in the representation): one call each.
	assert.Equal(t, map[string]int{"accounts": 1, "reviews": 1, "products": 1, "inventory": 1}, s.callCounts())
}

func TestProvidesSkipsTheJump(t *testing.T) {
	t.Parallel()
	s := startStack(t, gateway.Options{})
	got := s.query(t, `{ topProducts(first: 2) { name reviews { author { username } } } }`, nil)
	require.JSONEq(t, `{"data":{"topProducts":[
		{"name":"Table","reviews":[{"author":{"username":"ada"}},{"author":{"username":"alan"}},{"author":{"username":"ada"}}]},
		{"name":"Couch","reviews":[{"author":{"username":"ada"}}]}]}}`, got)
	assert.Equal(t, map[string]int{"products": 1, "reviews": 1}, s.callCounts(), "username is provided by reviews: accounts must not be called")
}

func TestOneEntityCallPerFetchWithDeduplicatedRepresentations(t *testing.T) {
	t.Parallel()
	s := startStack(t, gateway.Options{})
	got := s.query(t, `{ topReviews(first: 10) { id author { birthday } } }`, nil)
	var resp struct {
		Data struct {
			TopReviews []struct{ Author struct{ Birthday int } }
		}
	}
	require.NoError(t, json.Unmarshal([]byte(got), &resp))
	require.Len(t, resp.Data.TopReviews, 10)
	for _, r := range resp.Data.TopReviews {
		assert.NotZero(t, r.Author.Birthday)
	}
	assert.Equal(t, map[string]int{"reviews": 1, "accounts": 1}, s.callCounts())
	// Ten reviews by six authors: six representations in the one accounts call.
	require.Len(t, s.bodies["accounts"], 1)
	var req struct {
		Variables struct{ Representations []map[string]any }
	}
	require.NoError(t, json.Unmarshal([]byte(s.bodies["accounts"][0]), &req))
	assert.Len(t, req.Variables.Representations, 6)
}

func TestRequiresFromAnotherSubgraph(t *testing.T) {
	t.Parallel()
	s := startStack(t, gateway.Options{})
	// Reviews know only the product's upc: products gives price and weight, then inventory
	// gets them in the representation.
	got := s.query(t, `{ topReviews(first: 2) { product { shippingEstimate } } }`, nil)
	require.JSONEq(t, `{"data":{"topReviews":[{"product":{"shippingEstimate":50}},{"product":{"shippingEstimate":0}}]}}`, got)
	assert.Equal(t, map[string]int{"reviews": 1, "products": 1, "inventory": 1}, s.callCounts())
	require.Len(t, s.bodies["inventory"], 1)
	assert.Contains(t, s.bodies["inventory"][0], `"price":899`)
	assert.Contains(t, s.bodies["inventory"][0], `"weight":100`)
}

func TestSubgraphErrorsArePathedToTheClient(t *testing.T) {
	t.Parallel()
	s := startStack(t, gateway.Options{})
	got := s.query(t, `{ topReviews(first: 10) { id writer: author { fullName: name } } }`, nil)
	var resp struct {
		Data   map[string][]map[string]any
		Errors []struct {
			Message string
			Path    []any
		}
	}
	require.NoError(t, json.Unmarshal([]byte(got), &resp))
	require.Len(t, resp.Errors, 1)
	assert.Equal(t, "name unavailable", resp.Errors[0].Message)
	// r9 (index 8) is by u6, whose name fails: the path uses the client's aliases.
	assert.Equal(t, []any{"topReviews", 8.0, "writer", "fullName"}, resp.Errors[0].Path)
	assert.Nil(t, resp.Data["topReviews"][8]["writer"].(map[string]any)["fullName"])
	assert.Equal(t, "Ada Lovelace", resp.Data["topReviews"][0]["writer"].(map[string]any)["fullName"])
}

func TestMutationsRunInOrder(t *testing.T) {
	t.Parallel()
	s := startStack(t, gateway.Options{})
	got := s.query(t, `mutation {
		first: createProduct(upc: "10", name: "Desk", price: 300, weight: 40) { upc shippingEstimate }
		again: createProduct(upc: "10", name: "Desk", price: 300, weight: 40) { upc }
		other: createProduct(upc: "11", name: "Stool", price: 50, weight: 8) { name }
	}`, nil)
	require.JSONEq(t, `{"errors":[{"message":"createProduct: a product with upc \"10\" already exists","path":["again"]}],
		"data":{"first":{"upc":"10","shippingEstimate":20},"again":null,"other":{"name":"Stool"}}}`, got)
	// The three root fields share one products call; the subgraph runs them serially.
	assert.Equal(t, 1, s.callCounts()["products"])
	got = s.query(t, `{ topProducts(first: 20) { upc } }`, nil)
	assert.Contains(t, got, `{"upc":"10"},{"upc":"11"}`)
}

func TestVariablesAliasesFragmentsAndDirectives(t *testing.T) {
	t.Parallel()
	s := startStack(t, gateway.Options{})
	q := `query Shop($n: Int, $withReviews: Boolean!, $skipName: Boolean = false) {
		shop: topProducts(first: $n) {
			...Basics
			name @skip(if: $skipName)
			reviews @include(if: $withReviews) { ... on Review { text: body } }
		}
	}
	fragment Basics on Product { code: upc ... on Product { inStock } }`
	got := s.query(t, q, map[string]any{"n": 1, "withReviews": false})
	require.JSONEq(t, `{"data":{"shop":[{"code":"1","inStock":true,"name":"Table"}]}}`, got)
	assert.Equal(t, map[string]int{"products": 1, "inventory": 1}, s.callCounts(), "excluded reviews must not be fetched")
	s.resetCalls()
	got = s.query(t, q, map[string]any{"n": 1, "withReviews": true, "skipName": true})
	require.JSONEq(t, `{"data":{"shop":[{"code":"1","inStock":true,"reviews":[{"text":"Love it!"},{"text":"Prefer something else."},{"text":"Wobbles a bit."}]}]}}`, got)
	assert.Equal(t, map[string]int{"products": 1, "inventory": 1, "reviews": 1}, s.callCounts())
}

func TestTypenameAndIntrospectionAreAnsweredByTheGateway(t *testing.T) {
	t.Parallel()
	s := startStack(t, gateway.Options{})
	got := s.query(t, `{ __typename __type(name: "Product") { name fields { name } } hidden: __type(name: "_Any") { name } }`, nil)
	require.JSONEq(t, `{"data":{"__typename":"Query","__type":{"name":"Product","fields":[
		{"name":"upc"},{"name":"weight"},{"name":"price"},{"name":"inStock"},{"name":"shippingEstimate"},{"name":"name"},{"name":"reviews"}]},
		"hidden":null}}`, got)
	assert.Empty(t, s.callCounts())
	merged := s.query(t, `{ __schema { queryType { name } } __schema { mutationType { name } } }`, nil)
	require.JSONEq(t, `{"data":{"__schema":{"queryType":{"name":"Query"},"mutationType":{"name":"Mutation"}}}}`, merged)
	full := s.query(t, `{ __schema { types { name } queryType { fields { name } } } }`, nil)
	for _, internal := range []string{"join__", "link__", "_entities", "_Any", "_Service", "_Entity"} {
		assert.NotContains(t, full, internal)
	}
}

func TestNullPropagationFollowsTheAPISchema(t *testing.T) {
	t.Parallel()
	// accounts answers with a null id (ID!) for the second user.
	broken := func(name string, next http.Handler) http.Handler {
		if name != "accounts" {
			return next
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			if strings.Contains(string(body), "users") {
				_, _ = w.Write([]byte(`{"data":{"users":[{"id":"u1"},{"id":null}]}}`))
				return
			}
			_, _ = w.Write([]byte(`{"data":{"me":{"id":null,"name":"x"}}}`))
		})
	}
	s := startStack(t, gateway.Options{}, broken)
	// users is [User!]! at the root: the null climbs to data.
	got := s.query(t, `{ users { id } }`, nil)
	require.JSONEq(t, `{"data":null,"errors":[{"message":"Cannot return null for non-nullable field User.id.","path":["users",1,"id"]}]}`, got)
	// me is nullable: only me becomes null.
	got = s.query(t, `{ me { id name } }`, nil)
	require.JSONEq(t, `{"data":{"me":null},"errors":[{"message":"Cannot return null for non-nullable field User.id.","path":["me","id"]}]}`, got)
}

func TestSubgraphDownGivesPartialDataAndNoInternals(t *testing.T) {
	t.Parallel()
	s := startStack(t, gateway.Options{})
	s.subs["inventory"].Close()
	got := s.query(t, `{ topProducts(first: 1) { name inStock } }`, nil)
	require.JSONEq(t, `{"data":{"topProducts":[{"name":"Table","inStock":null}]},
		"errors":[{"message":"a backend service could not be reached","extensions":{"code":"SUBREQUEST_HTTP_ERROR"}}]}`, got)
	assert.NotContains(t, got, "127.0.0.1")
}

func TestSlowSubgraphTimesOut(t *testing.T) {
	t.Parallel()
	slow := func(name string, next http.Handler) http.Handler {
		if name != "reviews" {
			return next
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-time.After(10 * time.Second):
			case <-r.Context().Done():
			}
		})
	}
	s := startStack(t, gateway.Options{SubgraphTimeout: 200 * time.Millisecond}, slow)
	got := s.query(t, `{ me { name reviews { id } } }`, nil)
	require.JSONEq(t, `{"data":{"me":{"name":"Ada Lovelace","reviews":null}},
		"errors":[{"message":"a backend service could not be reached","extensions":{"code":"SUBREQUEST_TIMEOUT"}}]}`, got)
}

func TestMalformedSubgraphAnswers(t *testing.T) {
	t.Parallel()
	answers := []string{`not json`, `[]`, `{"data":{"_entities":"nope"}}`, `{"data":{"_entities":[1,null,{"reviews":7}]}}`, `{"errors":[{"path":["_entities","x"]}]}`}
	for _, answer := range answers {
		bad := func(name string, next http.Handler) http.Handler {
			if name != "reviews" {
				return next
			}
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(answer)) })
		}
		s := startStack(t, gateway.Options{}, bad)
		got := s.query(t, `{ me { name reviews { id } } }`, nil)
		assert.Contains(t, got, `"name":"Ada Lovelace"`, answer)
		assert.Contains(t, got, `"errors"`, answer)
	}
}

func TestQueryPlanInExtensionsOnlyInDebugMode(t *testing.T) {
	t.Parallel()
	body := `{"query":"{ me { reviews { id } } }"}`
	debug := startStack(t, gateway.Options{Debug: true})
	r := debug.post(t, body, gateway.PlanHeader, "true")
	assert.Contains(t, r.Body, `"queryPlan":{"kind":"QueryPlan"`)
	assert.Contains(t, r.Body, `Fetch(service: \"reviews\")`)
	plain := startStack(t, gateway.Options{})
	r = plain.post(t, body, gateway.PlanHeader, "true")
	assert.NotContains(t, r.Body, "queryPlan")
}

func TestBadRequests(t *testing.T) {
	t.Parallel()
	s := startStack(t, gateway.Options{Limits: gateway.Limits{MaxDepth: 4}})
	cases := []struct {
		name, body, contentType string
		status                  int
		contains                string
	}{
		{"malformed JSON", `{"query":`, "application/json", 400, "not valid JSON"},
		{"wrong content type", `{ me { id } }`, "text/plain", 415, "errors"},
		{"query not a string", `{"query":7}`, "application/json", 400, "query"},
		{"variables not an object", `{"query":"{ me { id } }","variables":[1]}`, "application/json", 400, "variables"},
		{"unknown operation", `{"query":"query A { me { id } }","operationName":"B"}`, "application/json", 200, "operation B not found"},
		{"invalid variables", `{"query":"query($n: Int!) { topProducts(first: $n) { upc } }","variables":{"n":"x"}}`, "application/json", 200, "errors"},
		{"validation error", `{"query":"{ me { nope } }"}`, "application/json", 200, "Cannot query field"},
		{"internal field", `{"query":"{ _entities(representations: []) { __typename } }"}`, "application/json", 200, "Cannot query field"},
		{"too deep", `{"query":"{ me { reviews { product { reviews { author { id } } } } } }"}`, "application/json", 200, "MAX_DEPTH_EXCEEDED"},
		{"syntax error", `{"query":"{ me { "}`, "application/json", 200, "errors"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodPost, s.URL+"/graphql", strings.NewReader(c.body))
			require.NoError(t, err)
			req.Header.Set("Content-Type", c.contentType)
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			assert.Equal(t, c.status, resp.StatusCode, string(b))
			assert.Contains(t, string(b), c.contains)
			assert.NotContains(t, string(b), "127.0.0.1")
			assert.NotContains(t, string(b), "goroutine")
		})
	}
	assert.Empty(t, s.callCounts(), "bad requests must not reach subgraphs")
}

func TestLargeRequests(t *testing.T) {
	t.Parallel()
	s := startStack(t, gateway.Options{MaxBodyBytes: 64 << 10})
	// 300 aliases of one root field: valid, one call, 300 answers.
	var q strings.Builder
	q.WriteString("{")
	for i := range 300 {
		q.WriteString(" a")
		q.WriteString(strconv.Itoa(i))
		q.WriteString(": me { id }")
	}
	q.WriteString(" }")
	got := s.query(t, q.String(), nil)
	assert.Equal(t, 300, strings.Count(got, `{"id":"u1"}`))
	assert.Equal(t, map[string]int{"accounts": 1}, s.callCounts())
	// A body over the limit is refused before it is parsed.
	big, _ := json.Marshal(map[string]string{"query": "{ me { id } }" + strings.Repeat(" ", 70<<10)})
	r := s.post(t, string(big))
	assert.Equal(t, http.StatusRequestEntityTooLarge, r.Status)
	assert.Contains(t, r.Body, "errors")
}

func TestGETQueriesHealthAndPlayground(t *testing.T) {
	t.Parallel()
	s := startStack(t, gateway.Options{})
	resp, err := http.Get(s.URL + "/graphql?query=" + url.QueryEscape("{ me { username } }"))
	require.NoError(t, err)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.JSONEq(t, `{"data":{"me":{"username":"ada"}}}`, string(b))

	resp, err = http.Get(s.URL + "/graphql?query=" + url.QueryEscape(`mutation { createProduct(upc:"x", name:"x", price:1, weight:1) { upc } }`))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)

	resp, err = http.Get(s.URL + "/health")
	require.NoError(t, err)
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.JSONEq(t, `{"status":"UP"}`, string(b))

	req, _ := http.NewRequest(http.MethodGet, s.URL+"/graphql", nil)
	req.Header.Set("Accept", "text/html,application/xhtml+xml")
	resp, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Contains(t, resp.Header.Get("Content-Type"), "text/html")
	assert.Contains(t, string(b), "atrium-graphql-endpoint")
}

func TestConcurrentRequests(t *testing.T) {
	t.Parallel()
	s := startStack(t, gateway.Options{})
	want := s.query(t, `{ topProducts { name inStock shippingEstimate reviews { body author { name username } } } }`, nil)
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got := s.query(t, `{ topProducts { name inStock shippingEstimate reviews { body author { name username } } } }`, nil)
			assert.Equal(t, want, got)
		}()
	}
	wg.Wait()
}
