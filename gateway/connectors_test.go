package gateway_test

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atrium-gateway/atrium/audit/subgraph"
	"github.com/atrium-gateway/atrium/connectors/engine"
	"github.com/atrium-gateway/atrium/demo/inventory"
	"github.com/atrium-gateway/atrium/demo/pricing"
	"github.com/atrium-gateway/atrium/demo/products"
	"github.com/atrium-gateway/atrium/demo/shipping"
	"github.com/atrium-gateway/atrium/federation"
	"github.com/atrium-gateway/atrium/federation/compose"
	"github.com/atrium-gateway/atrium/gateway"
	"github.com/atrium-gateway/atrium/server"
	"github.com/atrium-gateway/atrium/upstream"
)

// shopSDL is a REST connector subgraph: root fields, an entity: true lookup, a field
// connector reading $this, a $batch entity connector, header mappings.
const shopSDL = `extend schema
  @link(url: "https://specs.apollo.dev/federation/v2.11", import: ["@key"])
  @link(url: "https://specs.apollo.dev/connect/v0.3", import: ["@source", "@connect"])
  @source(name: "api", http: { baseURL: "REST_URL/v1", headers: [
    { name: "x-api-key", value: "{$config.apiKey}" }, { name: "authorization", from: "authorization" }] })

type Query {
  products(limit: Int = 10): [Product!]!
    @connect(source: "api", http: { GET: "/products", queryParams: "limit: $args.limit" }, selection: "$.data { id name }")
  product(id: ID!): Product
    @connect(source: "api", http: { GET: "/products/{$args.id}" }, entity: true,
      selection: "id name priceCents: price_cents vendor: { id: vendor_id }")
}

type Product @key(fields: "id") {
  id: ID!
  name: String
  priceCents: Int
  vendor: Vendor
  reviews: [Review!]
    @connect(source: "api", http: { GET: "/products/{$this.id}/reviews" }, selection: "$.items { id body stars }")
}

type Review { id: ID! body: String stars: Int }

type Vendor @key(fields: "id")
  @connect(source: "api", http: { GET: "/vendors", queryParams: "id: $batch.id" }, batch: { maxSize: 2 },
    selection: "id name country") {
  id: ID!
  name: String
  country: String
}
`

const inventorySDL = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
type Query { restock: [Product!]! }
type Product @key(fields: "id") { id: ID! inStock: Boolean }
type Vendor @key(fields: "id") { id: ID! rating: Int }
`

// restShop is the REST backend: products with vendors and reviews, counting calls per
// route and keeping the headers it was sent.
type restShop struct {
	mu      sync.Mutex
	delay   time.Duration // before each answer
	calls   map[string]int
	headers []http.Header
	uris    []string
	vendors [][]string // ids asked per /vendors call
}

func (s *restShop) count(route string, h http.Header) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls[route]++
	s.headers = append(s.headers, h.Clone())
	s.uris = append(s.uris, h.Get("X-Test-URI"))
}

func (s *restShop) callsTo(route string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[route]
}

func (s *restShop) reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls, s.headers, s.vendors, s.uris = map[string]int{}, nil, nil, nil
}

var shopProducts = map[string]map[string]any{
	"1": {"id": 1, "name": "Lamp", "price_cents": 1999, "vendor_id": "v1"},
	"2": {"id": 2, "name": "Desk", "price_cents": 25000, "vendor_id": "v2"},
	"3": {"id": 3, "name": "Chair", "price_cents": 8900, "vendor_id": "v1"},
	"4": {"id": 4, "name": "Shelf", "price_cents": 4000000000, "vendor_id": "v3"}, // does not fit an Int
}

func (s *restShop) handler() http.Handler {
	mux := http.NewServeMux()
	write := func(w http.ResponseWriter, v any) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(v)
	}
	mux.HandleFunc("GET /v1/products", func(w http.ResponseWriter, r *http.Request) {
		s.count("products", r.Header)
		var list []any
		for _, id := range []string{"1", "2", "3"} {
			p := shopProducts[id]
			list = append(list, map[string]any{"id": p["id"], "name": p["name"]})
		}
		write(w, map[string]any{"data": list, "limit": r.URL.Query().Get("limit")})
	})
	mux.HandleFunc("GET /v1/products/{id}", func(w http.ResponseWriter, r *http.Request) {
		s.count("product", r.Header)
		p, ok := shopProducts[r.PathValue("id")]
		if !ok {
			w.WriteHeader(http.StatusNotFound)
			write(w, map[string]any{"error": "no product at http://internal.shop.local"})
			return
		}
		write(w, p)
	})
	mux.HandleFunc("GET /v1/products/{id}/reviews", func(w http.ResponseWriter, r *http.Request) {
		s.count("reviews", r.Header)
		id := r.PathValue("id")
		write(w, map[string]any{"items": []any{map[string]any{"id": "r" + id, "body": "Review of " + id, "stars": 4}}})
	})
	mux.HandleFunc("GET /v1/vendors", func(w http.ResponseWriter, r *http.Request) {
		s.count("vendors", r.Header)
		ids := r.URL.Query()["id"]
		s.mu.Lock()
		s.vendors = append(s.vendors, ids)
		s.mu.Unlock()
		var list []any
		for _, id := range ids {
			list = append(list, map[string]any{"id": id, "name": "Vendor " + strings.TrimPrefix(id, "v"), "country": "NL"})
		}
		w.Header().Set("Cache-Control", "public, max-age=60")
		write(w, list)
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(s.delay)
		r.Header.Set("X-Test-URI", r.RequestURI)
		mux.ServeHTTP(w, r)
	})
}

type connectorStack struct {
	*stack
	shop *restShop
	rest *httptest.Server
}

// startConnectorStack composes the REST connector subgraph with a GraphQL subgraph and
// serves them through the gateway with opts. sources, when not nil, makes the connector
// source settings for the REST server's URL (default: an apiKey in $config).
func startConnectorStack(t *testing.T, opts gateway.Options, sources func(restURL string) map[string]engine.SourceConfig) *connectorStack {
	t.Helper()
	shop := &restShop{calls: map[string]int{}}
	restSrv := httptest.NewServer(shop.handler())
	t.Cleanup(restSrv.Close)
	inventory := &subgraph.Subgraph{Name: "inventory", Resolvers: map[string]map[string]subgraph.Resolver{
		"Query": {"restock": func(map[string]any, map[string]any) (any, error) {
			return []any{map[string]any{"id": "2"}, map[string]any{"id": "3"}}, nil
		}},
		"Product": {"inStock": func(p map[string]any, _ map[string]any) (any, error) { return p["id"] != "2", nil }},
		"Vendor":  {"rating": func(p map[string]any, _ map[string]any) (any, error) { return len(fmt.Sprint(p["id"])) + 3, nil }},
	}}
	h, err := inventory.Handler(inventorySDL)
	require.NoError(t, err)
	invSrv := httptest.NewServer(h)
	t.Cleanup(invSrv.Close)
	opts.ConnectorSources = map[string]engine.SourceConfig{"shop.api": {Config: map[string]any{"apiKey": "secret-key"}}}
	if sources != nil {
		opts.ConnectorSources = sources(restSrv.URL)
	}
	s := serveComposed(t, []compose.Input{
		{Name: "shop", URL: "http://none", SDL: strings.ReplaceAll(shopSDL, "REST_URL", restSrv.URL)},
		{Name: "inventory", URL: invSrv.URL, SDL: inventorySDL},
	}, opts)
	return &connectorStack{stack: s, shop: shop, rest: restSrv}
}

// serveComposed composes the subgraphs and serves the supergraph through the gateway.
func serveComposed(tb testing.TB, inputs []compose.Input, opts gateway.Options) *stack {
	tb.Helper()
	return serveComposedWith(tb, inputs, opts, server.Options{})
}

// serveComposedWith is serveComposed with the HTTP routes' options (authentication).
func serveComposedWith(tb testing.TB, inputs []compose.Input, opts gateway.Options, routes server.Options) *stack {
	tb.Helper()
	res := compose.Compose(inputs)
	require.NoError(tb, res.Err())
	sg, err := federation.Parse("supergraph", res.Supergraph)
	require.NoError(tb, err)
	snap, err := gateway.NewSnapshot(sg, opts)
	require.NoError(tb, err)
	tb.Cleanup(snap.Close)
	gw := httptest.NewServer(server.New(gateway.New(snap), routes))
	tb.Cleanup(gw.Close)
	return &stack{URL: gw.URL, Snap: snap}
}

func TestRESTConnectorsServeRootFieldsEntitiesAndFields(t *testing.T) {
	s := startConnectorStack(t, gateway.Options{}, nil)
	var out struct {
		Products []struct {
			ID, Name   string
			PriceCents int
			InStock    bool
			Vendor     struct {
				Name   string
				Rating int
			}
			Reviews []struct{ Body string }
		}
	}
	s.data(t, `{ products(limit: 3) { id name priceCents inStock vendor { name rating } reviews { body } } }`, &out)
	require.Len(t, out.Products, 3)
	assert.Equal(t, "Lamp", out.Products[0].Name)
	assert.Equal(t, 1999, out.Products[0].PriceCents)
	assert.Equal(t, "Vendor 1", out.Products[0].Vendor.Name)
	assert.Equal(t, 5, out.Products[0].Vendor.Rating)
	assert.False(t, out.Products[1].InStock)
	assert.Equal(t, "Review of 3", out.Products[2].Reviews[0].Body)

	// One list call; the fields its selection does not map came through the entity
	// connector, once per product; reviews once per product; the two distinct vendors in
	// one batch call (batch.maxSize 2).
	assert.Equal(t, 1, s.shop.callsTo("products"))
	assert.Equal(t, 3, s.shop.callsTo("product"))
	assert.Equal(t, 3, s.shop.callsTo("reviews"))
	assert.Equal(t, 1, s.shop.callsTo("vendors"))
	assert.ElementsMatch(t, []string{"v1", "v2"}, s.shop.vendors[0])

	// The vendors' answer said max-age=60: the same query again calls /vendors no more.
	s.shop.reset()
	s.data(t, `{ products(limit: 3) { id vendor { name } } }`, &out)
	assert.Equal(t, 0, s.shop.callsTo("vendors"))
	assert.Equal(t, 3, s.shop.callsTo("product"), "product answers carry no Cache-Control: not cached")
}

func TestRESTConnectorsResolveEntitiesFromOtherSubgraphs(t *testing.T) {
	s := startConnectorStack(t, gateway.Options{}, nil)
	var out struct {
		Restock []struct {
			ID, Name string
			Vendor   struct{ Name, Country string }
		}
	}
	s.data(t, `{ restock { id name vendor { name country } } }`, &out)
	require.Len(t, out.Restock, 2)
	assert.Equal(t, "Desk", out.Restock[0].Name)
	assert.Equal(t, "Vendor 2", out.Restock[0].Vendor.Name)
	assert.Equal(t, "Chair", out.Restock[1].Name)
	assert.Equal(t, "NL", out.Restock[1].Vendor.Country)
	// v1 and v2: one batch.
	assert.Equal(t, 1, s.shop.callsTo("vendors"))
}

func TestRESTConnectorsForwardOnlyMappedHeaders(t *testing.T) {
	s := startConnectorStack(t, gateway.Options{}, nil)
	s.post(t, `{"query":"{ products { id } }"}`, "Authorization", "Bearer alice", "Cookie", "session=1", "X-Other", "x")
	require.Equal(t, 1, s.shop.callsTo("products"))
	h := s.shop.headers[0]
	assert.Equal(t, "secret-key", h.Get("X-Api-Key"))
	assert.Equal(t, "Bearer alice", h.Get("Authorization"))
	assert.Empty(t, h.Get("Cookie"))
	assert.Empty(t, h.Get("X-Other"))
}

func TestRESTConnectorErrorsHaveCodesAndPathsAndNoInternals(t *testing.T) {
	s := startConnectorStack(t, gateway.Options{}, nil)
	body := s.query(t, `{ product(id: "999") { name } shelf: product(id: "4") { name priceCents } }`, nil)
	var out struct {
		Data   map[string]any
		Errors []struct {
			Message    string
			Path       []any
			Extensions map[string]any
		}
	}
	require.NoError(t, json.Unmarshal([]byte(body), &out))
	assert.Nil(t, out.Data["product"])
	require.Len(t, out.Errors, 2, body)
	byPath := map[string]map[string]any{}
	for _, e := range out.Errors {
		byPath[fmt.Sprint(e.Path)] = e.Extensions
	}
	assert.Equal(t, "CONNECTOR_FETCH", byPath["[product]"]["code"])
	assert.EqualValues(t, 404, byPath["[product]"]["http"].(map[string]any)["status"])
	assert.Equal(t, "CONNECTOR_RESPONSE_INVALID", byPath["[shelf priceCents]"]["code"], "4,000,000,000 does not fit an Int")
	assert.Equal(t, "Shelf", out.Data["shelf"].(map[string]any)["name"])
	assert.NotContains(t, body, "internal.shop.local")
	assert.NotContains(t, body, s.rest.URL)
	assert.NotContains(t, body, strings.TrimPrefix(s.rest.URL, "http://"))
}

// TestDemoProductSpansGraphQLRESTAndGRPC serves the demo graph as make run does: Product's
// fields come from two GraphQL subgraphs, a REST service and a gRPC service.
func TestDemoProductSpansGraphQLRESTAndGRPC(t *testing.T) {
	restSrv := httptest.NewServer(shipping.Handler())
	t.Cleanup(restSrv.Close)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	grpcSrv := pricing.NewServer()
	go func() { _ = grpcSrv.Serve(ln) }()
	t.Cleanup(grpcSrv.Stop)
	inputs := []compose.Input{
		{Name: shipping.Name, URL: restSrv.URL + "/v1", SDL: strings.ReplaceAll(shipping.SDL, "http://127.0.0.1:4005", restSrv.URL)},
		{Name: pricing.Name, URL: "http://127.0.0.1:4006", SDL: strings.ReplaceAll(pricing.SDL, "127.0.0.1:4006", ln.Addr().String())},
	}
	for name, h := range map[string]http.Handler{products.Name: products.Handler(), inventory.Name: inventory.Handler()} {
		srv := httptest.NewServer(h)
		t.Cleanup(srv.Close)
		sdl, err := os.ReadFile(filepath.Join("..", "demo", name, "schema.graphqls"))
		require.NoError(t, err)
		inputs = append(inputs, compose.Input{Name: name, URL: srv.URL + "/graphql", SDL: string(sdl)})
	}
	s := serveComposed(t, inputs, gateway.Options{})
	var out struct {
		TopProducts []struct {
			Name         string
			InStock      bool
			ShippingCost int
			Carrier      struct{ Name string }
			CurrentPrice struct {
				AmountCents, Currency, Tier string
			}
		}
		Carriers   []struct{ Code, Name string }
		Promotions []struct {
			PercentOff int
			Product    struct{ Name string }
		}
	}
	s.data(t, `{ topProducts(first: 3) { name inStock shippingCost carrier { name } currentPrice { amountCents currency tier } }
		carriers { code name } promotions { percentOff product { name } } }`, &out)
	require.Len(t, out.TopProducts, 3)
	assert.Equal(t, "Table", out.TopProducts[0].Name)
	assert.Equal(t, 399, out.TopProducts[0].ShippingCost)
	assert.Equal(t, "DHL Express", out.TopProducts[0].Carrier.Name)
	assert.Equal(t, "PostNL", out.TopProducts[1].Carrier.Name)
	assert.Len(t, out.Carriers, 3)
	assert.Equal(t, "USD", out.TopProducts[0].CurrentPrice.Currency)
	assert.NotEmpty(t, out.TopProducts[0].CurrentPrice.AmountCents)
	assert.Equal(t, "PRICE_TIER_STANDARD", out.TopProducts[0].CurrentPrice.Tier)
	require.NotEmpty(t, out.Promotions)
	for _, p := range out.Promotions {
		assert.NotEmpty(t, p.Product.Name, "a promotion's product comes from the GraphQL products subgraph")
	}
}

func TestRESTConnectorArgumentsCannotChangeTheURL(t *testing.T) {
	s := startConnectorStack(t, gateway.Options{}, nil)
	s.query(t, `query($id: ID!) { product(id: $id) { name } }`, map[string]any{"id": "../vendors?id=v1#x"})
	require.Equal(t, 1, s.shop.callsTo("product"))
	assert.Equal(t, 0, s.shop.callsTo("vendors"))
	assert.Equal(t, "/v1/products/..%2Fvendors%3Fid=v1%23x", s.shop.uris[0])

	s.shop.reset()
	s.query(t, `query($n: Int) { products(limit: $n) { id } }`, map[string]any{"n": 5})
	assert.Equal(t, "/v1/products?limit=5", s.shop.uris[0])
}

// TestRESTConnectorFailsOverWhenAnInstanceDies: a source with two instances keeps
// answering every query after one of them is killed (GET calls retry on the other).
func TestRESTConnectorFailsOverWhenAnInstanceDies(t *testing.T) {
	second := &restShop{calls: map[string]int{}}
	backup := httptest.NewServer(second.handler())
	t.Cleanup(backup.Close)
	s := startConnectorStack(t, gateway.Options{}, func(restURL string) map[string]engine.SourceConfig {
		return map[string]engine.SourceConfig{"shop.api": {
			Config:  map[string]any{"apiKey": "k"},
			Traffic: upstream.Config{URLs: []string{restURL + "/v1", backup.URL + "/v1"}},
		}}
	})
	for range 4 {
		s.data(t, `{ products { name } }`, &struct{ Products []any }{})
	}
	assert.Positive(t, s.shop.callsTo("products"))
	assert.Positive(t, second.callsTo("products"), "round robin reaches both instances")
	s.rest.Close()
	for range 10 {
		var out struct{ Products []struct{ Name string } }
		s.data(t, `{ products { name } }`, &out)
		require.Len(t, out.Products, 3)
	}
}

// TestRESTConnectorTreats404AsNullWhenConfigured: with treat_404_as_null a missing product
// is null without an error; without it, the 404 is a CONNECTOR_FETCH error (above).
func TestRESTConnectorTreats404AsNullWhenConfigured(t *testing.T) {
	s := startConnectorStack(t, gateway.Options{}, func(string) map[string]engine.SourceConfig {
		return map[string]engine.SourceConfig{"shop.api": {Config: map[string]any{"apiKey": "k"}, Treat404AsNull: true}}
	})
	assert.JSONEq(t, `{"data":{"product":null}}`, s.query(t, `{ product(id: "999") { name } }`, nil))
}

// TestRESTConnectorCallsAreNotSharedAcrossUsersWithDedup: with --dedup, identical queries
// in flight share work, but not the calls of a connector that forwards the client's
// Authorization: each user's token reaches the backend.
func TestRESTConnectorCallsAreNotSharedAcrossUsersWithDedup(t *testing.T) {
	s := startConnectorStack(t, gateway.Options{}, nil)
	dedup := startConnectorStack(t, gateway.Options{Dedup: true}, nil)
	for _, st := range []*connectorStack{s, dedup} {
		st.shop.delay = 50 * time.Millisecond
		var wg sync.WaitGroup
		for _, user := range []string{"alice", "bob"} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				st.post(t, `{"query":"{ products { id } }"}`, "Authorization", "Bearer "+user)
			}()
		}
		wg.Wait()
		var got []string
		for _, h := range st.shop.headers {
			got = append(got, h.Get("Authorization"))
		}
		assert.ElementsMatch(t, []string{"Bearer alice", "Bearer bob"}, got)
	}
}
