package demo_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atrium-gateway/atrium/demo/accounts"
	"github.com/atrium-gateway/atrium/demo/inventory"
	"github.com/atrium-gateway/atrium/demo/products"
	"github.com/atrium-gateway/atrium/demo/reviews"
)

// subgraphs are the four demo subgraphs, by name.
var subgraphs = map[string]func() http.Handler{
	accounts.Name:  accounts.Handler,
	products.Name:  products.Handler,
	reviews.Name:   reviews.Handler,
	inventory.Name: inventory.Handler,
}

// response is a GraphQL response, data kept raw for JSON-equality checks.
type response struct {
	Data   json.RawMessage `json:"data"`
	Errors []struct {
		Message string `json:"message"`
		Path    []any  `json:"path"`
	} `json:"errors"`
}

func (r response) messages() []string {
	out := make([]string, len(r.Errors))
	for i, e := range r.Errors {
		out[i] = e.Message
	}
	return out
}

// serve starts h on an httptest server closed with the test, and returns its URL.
func serve(t *testing.T, h http.Handler) string {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

// post sends one GraphQL request and decodes the response.
func post(t *testing.T, url, query string, variables map[string]any) response {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": variables})
	require.NoError(t, err)
	res, err := http.Post(url, "application/json", bytes.NewReader(body))
	require.NoError(t, err)
	defer res.Body.Close()
	var out response
	require.NoError(t, json.NewDecoder(res.Body).Decode(&out), "status %d", res.StatusCode)
	return out
}

// ok sends a request that must succeed and returns its data.
func ok(t *testing.T, url, query string, variables map[string]any) string {
	t.Helper()
	r := post(t, url, query, variables)
	require.Empty(t, r.Errors, "query %s", query)
	return string(r.Data)
}

const entitiesQuery = `query($r: [_Any!]!) { _entities(representations: $r) { %s } }`

// entities runs an _entities query with the given selection on each entity.
func entities(t *testing.T, url, selection string, reps ...any) response {
	t.Helper()
	return post(t, url, fmt.Sprintf(entitiesQuery, selection), map[string]any{"r": reps})
}

func TestServiceSDLIsTheSchemaFile(t *testing.T) {
	t.Parallel()
	for name, handler := range subgraphs {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			want, err := os.ReadFile(filepath.Join(name, "schema.graphqls"))
			require.NoError(t, err)
			var data struct {
				Service struct{ SDL string } `json:"_service"`
			}
			require.NoError(t, json.Unmarshal(
				[]byte(ok(t, serve(t, handler()), `{ _service { sdl } }`, nil)), &data))
			assert.Equal(t, string(want), data.Service.SDL)
		})
	}
}

func TestBadRepresentationsAreErrors(t *testing.T) {
	t.Parallel()
	// Each representation is sent alone to every subgraph; none may panic (gqlgen turns a
	// panic into "internal system error").
	bad := map[string]any{
		"not an object":     "oops",
		"no __typename":     map[string]any{"id": "u1", "upc": "1"},
		"unknown type":      map[string]any{"__typename": "Nope", "id": "u1", "upc": "1"},
		"no key":            map[string]any{"__typename": "Product"},
		"null key":          map[string]any{"__typename": "User", "id": nil},
		"key of wrong type": map[string]any{"__typename": "Product", "upc": map[string]any{"a": 1}},
	}
	for name, handler := range subgraphs {
		url := serve(t, handler())
		for what, rep := range bad {
			t.Run(name+"/"+what, func(t *testing.T) {
				t.Parallel()
				r := entities(t, url, "__typename", rep)
				require.NotEmpty(t, r.Errors)
				assert.NotContains(t, r.messages(), "internal system error")
			})
		}
	}
}

func TestAccounts(t *testing.T) {
	t.Parallel()
	url := serve(t, accounts.Handler())

	t.Run("me", func(t *testing.T) {
		t.Parallel()
		assert.JSONEq(t,
			`{"me": {"id": "u1", "name": "Ada Lovelace", "username": "ada", "birthday": 18151210}}`,
			ok(t, url, `{ me { id name username birthday } }`, nil))
	})
	t.Run("user", func(t *testing.T) {
		t.Parallel()
		assert.JSONEq(t, `{"a": {"name": "Grace Hopper"}, "b": null}`,
			ok(t, url, `{ a: user(id: "u3") { name } b: user(id: "nobody") { name } }`, nil))
	})
	t.Run("users, with u6's name failing", func(t *testing.T) {
		t.Parallel()
		r := post(t, url, `{ users { id username name } }`, nil)
		assert.JSONEq(t, `{"users": [
			{"id": "u1", "username": "ada", "name": "Ada Lovelace"},
			{"id": "u2", "username": "alan", "name": "Alan Turing"},
			{"id": "u3", "username": "grace", "name": "Grace Hopper"},
			{"id": "u4", "username": "edsger", "name": "Edsger Dijkstra"},
			{"id": "u5", "username": "barbara", "name": "Barbara Liskov"},
			{"id": "u6", "username": "ken", "name": null}
		]}`, string(r.Data))
		require.Len(t, r.Errors, 1)
		assert.Equal(t, "name unavailable", r.Errors[0].Message)
		assert.Equal(t, []any{"users", 5.0, "name"}, r.Errors[0].Path)
	})
	t.Run("entities", func(t *testing.T) {
		t.Parallel()
		r := entities(t, url, `... on User { id name birthday }`,
			map[string]any{"__typename": "User", "id": "u2"},
			map[string]any{"__typename": "User", "id": "nobody"},
			map[string]any{"__typename": "User", "id": "u6"},
		)
		assert.JSONEq(t, `{"_entities": [
			{"id": "u2", "name": "Alan Turing", "birthday": 19120623},
			null,
			{"id": "u6", "name": null, "birthday": 19430204}
		]}`, string(r.Data))
		assert.Equal(t, []string{"name unavailable"}, r.messages())
	})
}

func TestProducts(t *testing.T) {
	t.Parallel()
	url := serve(t, products.Handler())

	t.Run("topProducts", func(t *testing.T) {
		t.Parallel()
		assert.JSONEq(t, `{
			"five": [{"upc": "1"}, {"upc": "2"}, {"upc": "3"}, {"upc": "4"}, {"upc": "5"}],
			"two": [{"upc": "1", "name": "Table", "price": 899, "weight": 100}, {"upc": "2", "name": "Couch", "price": 1299, "weight": 1000}],
			"none": []
		}`, ok(t, url, `{
			five: topProducts { upc }
			two: topProducts(first: 2) { upc name price weight }
			none: topProducts(first: 0) { upc }
		}`, nil))
		r := post(t, url, `{ topProducts(first: -1) { upc } }`, nil)
		assert.Equal(t, []string{"topProducts: first must be >= 0, got -1"}, r.messages())
	})
	t.Run("product", func(t *testing.T) {
		t.Parallel()
		assert.JSONEq(t, `{"a": {"name": "Fridge"}, "b": null}`,
			ok(t, url, `{ a: product(upc: "8") { name } b: product(upc: "nope") { name } }`, nil))
	})
	t.Run("entities", func(t *testing.T) {
		t.Parallel()
		r := entities(t, url, `... on Product { upc name price weight }`,
			map[string]any{"__typename": "Product", "upc": "9"},
			map[string]any{"__typename": "Product", "upc": "nope"},
		)
		require.Empty(t, r.Errors)
		assert.JSONEq(t, `{"_entities": [{"upc": "9", "name": "Sofa", "price": 9999, "weight": 800}, null]}`,
			string(r.Data))
	})
}

func TestCreateProduct(t *testing.T) {
	t.Parallel()
	h := products.Handler()
	url := serve(t, h)
	const create = `mutation($upc: String!) {
		createProduct(upc: $upc, name: "Desk", price: 2500, weight: 3000) { upc name price weight }
	}`

	assert.JSONEq(t, `{"createProduct": {"upc": "10", "name": "Desk", "price": 2500, "weight": 3000}}`,
		ok(t, url, create, map[string]any{"upc": "10"}))
	assert.JSONEq(t, `{"product": {"name": "Desk"}}`, ok(t, url, `{ product(upc: "10") { name } }`, nil))
	assert.JSONEq(t, `{"_entities": [{"name": "Desk"}]}`, string(entities(t, url, `... on Product { name }`,
		map[string]any{"__typename": "Product", "upc": "10"}).Data))

	r := post(t, url, create, map[string]any{"upc": "1"})
	assert.JSONEq(t, `{"createProduct": null}`, string(r.Data))
	assert.Equal(t, []string{`createProduct: a product with upc "1" already exists`}, r.messages())

	r = post(t, url, `mutation { createProduct(upc: "", name: "x", price: -1, weight: 1) { upc } }`, nil)
	assert.Equal(t, []string{"createProduct: upc must not be empty; price must be >= 0, got -1"},
		r.messages())

	// Another handler has its own catalogue.
	assert.JSONEq(t, `{"product": null}`,
		ok(t, serve(t, products.Handler()), `{ product(upc: "10") { name } }`, nil))

	// Concurrent creates of distinct upcs all land, once each.
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			upc := fmt.Sprintf("c%d", i)
			assert.JSONEq(t, fmt.Sprintf(`{"createProduct": {"upc": %q, "name": "Desk", "price": 2500, "weight": 3000}}`, upc),
				ok(t, url, create, map[string]any{"upc": upc}))
		})
	}
	wg.Wait()
	var data struct{ TopProducts []struct{ UPC string } }
	require.NoError(t, json.Unmarshal([]byte(ok(t, url, `{ topProducts(first: 100) { upc } }`, nil)), &data))
	assert.Len(t, data.TopProducts, 9+1+20)
}

func TestReviews(t *testing.T) {
	t.Parallel()
	url := serve(t, reviews.Handler())

	t.Run("topReviews provides the author's username", func(t *testing.T) {
		t.Parallel()
		assert.JSONEq(t, `{"topReviews": [
			{"id": "r1", "body": "Love it!", "author": {"id": "u1", "username": "ada"}, "product": {"upc": "1"}},
			{"id": "r2", "body": "Too expensive.", "author": {"id": "u1", "username": "ada"}, "product": {"upc": "2"}}
		]}`, ok(t, url, `{ topReviews(first: 2) { id body author { id username } product { upc } } }`, nil))
	})
	t.Run("reviews and the default page", func(t *testing.T) {
		t.Parallel()
		var data struct{ Reviews, TopReviews []struct{ ID string } }
		require.NoError(t, json.Unmarshal(
			[]byte(ok(t, url, `{ reviews { id } topReviews { id } }`, nil)), &data))
		assert.Len(t, data.Reviews, 10)
		assert.Len(t, data.TopReviews, 5)
	})
	t.Run("entities", func(t *testing.T) {
		t.Parallel()
		r := entities(t, url, `
			... on User { id username reviews { id } }
			... on Product { upc reviews { id author { username } } }
			... on Review { id body }`,
			map[string]any{"__typename": "User", "id": "u1"},
			map[string]any{"__typename": "User", "id": "nobody"},
			map[string]any{"__typename": "Product", "upc": "1"},
			map[string]any{"__typename": "Product", "upc": "9"},
			map[string]any{"__typename": "Review", "id": "r3"},
			map[string]any{"__typename": "Review", "id": "nope"},
		)
		require.Empty(t, r.Errors)
		assert.JSONEq(t, `{"_entities": [
			{"id": "u1", "username": null, "reviews": [{"id": "r1"}, {"id": "r2"}, {"id": "r10"}]},
			{"id": "nobody", "username": null, "reviews": []},
			{"upc": "1", "reviews": [
				{"id": "r1", "author": {"username": "ada"}},
				{"id": "r4", "author": {"username": "alan"}},
				{"id": "r10", "author": {"username": "ada"}}
			]},
			{"upc": "9", "reviews": []},
			{"id": "r3", "body": "Could be better."},
			null
		]}`, string(r.Data))
	})
}

func TestInventoryShippingEstimate(t *testing.T) {
	t.Parallel()
	url := serve(t, inventory.Handler())
	product := func(upc string, fields ...any) map[string]any {
		rep := map[string]any{"__typename": "Product", "upc": upc}
		for i := 0; i < len(fields); i += 2 {
			rep[fields[i].(string)] = fields[i+1]
		}
		return rep
	}
	r := entities(t, url, `... on Product { upc inStock shippingEstimate }`,
		product("1", "price", 899, "weight", 100),   // weight / 2
		product("2", "price", 1299, "weight", 1000), // free above 1000
		product("3", "price", 15, "weight", 20),
		product("8", "price", 100000), // free: weight not needed
		product("4", "price", 499),    // weight missing
		product("5", "weight", 1000),  // price missing
		product("6", "price", nil, "weight", nil),
		product("new", "price", 10, "weight", 7), // not tracked: inStock null
	)
	require.Empty(t, r.Errors)
	assert.JSONEq(t, `{"_entities": [
		{"upc": "1", "inStock": true, "shippingEstimate": 50},
		{"upc": "2", "inStock": false, "shippingEstimate": 0},
		{"upc": "3", "inStock": false, "shippingEstimate": 10},
		{"upc": "8", "inStock": false, "shippingEstimate": 0},
		{"upc": "4", "inStock": false, "shippingEstimate": null},
		{"upc": "5", "inStock": true, "shippingEstimate": null},
		{"upc": "6", "inStock": true, "shippingEstimate": null},
		{"upc": "new", "inStock": null, "shippingEstimate": 3}
	]}`, string(r.Data))

	t.Run("a price of the wrong type is an error", func(t *testing.T) {
		t.Parallel()
		r := entities(t, url, `... on Product { shippingEstimate }`,
			product("1", "price", "expensive", "weight", 100),
			product("3", "price", 15, "weight", 20),
		)
		assert.JSONEq(t, `{"_entities": [null, {"shippingEstimate": 10}]}`, string(r.Data))
		require.Len(t, r.Errors, 1)
		assert.NotContains(t, r.Errors[0].Message, "internal system error")
		assert.Equal(t, []any{"_entities"}, r.Errors[0].Path, "gqlgen leaves out the index")
	})
	t.Run("no root fields but the federation ones", func(t *testing.T) {
		t.Parallel()
		var data struct {
			Schema struct {
				QueryType struct{ Fields []struct{ Name string } }
			} `json:"__schema"`
		}
		require.NoError(t, json.Unmarshal(
			[]byte(ok(t, url, `{ __schema { queryType { fields { name } } } }`, nil)), &data))
		var names []string
		for _, f := range data.Schema.QueryType.Fields {
			names = append(names, f.Name)
		}
		assert.ElementsMatch(t, []string{"_entities", "_service"}, names, strings.Join(names, ","))
	})
}
