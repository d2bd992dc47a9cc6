package gateway_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atrium-gateway/atrium/audit/subgraph"
	"github.com/atrium-gateway/atrium/auth"
	"github.com/atrium-gateway/atrium/auth/authtest"
	"github.com/atrium-gateway/atrium/connectors"
	"github.com/atrium-gateway/atrium/connectors/engine"
	"github.com/atrium-gateway/atrium/connectors/grpc"
	"github.com/atrium-gateway/atrium/connectors/grpc/grpctest"
	"github.com/atrium-gateway/atrium/federation"
	"github.com/atrium-gateway/atrium/federation/compose"
	"github.com/atrium-gateway/atrium/gateway"
	"github.com/atrium-gateway/atrium/server"
)

// echoSDL is a GraphQL subgraph answering with the headers it received: NAMEHeader(name)
// is one header's values joined with "|", NAMEHeaders the names of all but the transport's.
const echoSDL = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
type Query {
  NAMEHeader(name: String!): String
  NAMEHeaders: [String!]!
}
`

// echoSubgraph is a GraphQL subgraph, served by the audit's engine, echoing the headers of
// each request into its fields; it counts its calls and waits delay before answering.
type echoSubgraph struct {
	name  string
	sdl   string
	url   string
	calls atomic.Int64
	delay time.Duration
}

func startEcho(t *testing.T, name string, delay time.Duration) *echoSubgraph {
	t.Helper()
	e := &echoSubgraph{name: name, sdl: strings.ReplaceAll(echoSDL, "NAME", name), delay: delay}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e.calls.Add(1)
		time.Sleep(e.delay)
		received := r.Header.Clone()
		sub := &subgraph.Subgraph{Name: name, Resolvers: map[string]map[string]subgraph.Resolver{"Query": {
			name + "Header": func(_, args map[string]any) (any, error) {
				vs := received.Values(args["name"].(string))
				if len(vs) == 0 {
					return nil, nil
				}
				return strings.Join(vs, "|"), nil
			},
			name + "Headers": func(map[string]any, map[string]any) (any, error) {
				names := []any{}
				for k := range received {
					switch k {
					case "Accept", "Accept-Encoding", "Content-Length", "Content-Type", "User-Agent":
					default:
						names = append(names, k)
					}
				}
				slices.SortFunc(names, func(a, b any) int { return strings.Compare(a.(string), b.(string)) })
				return names, nil
			},
		}}}
		h, err := sub.Handler(e.sdl)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	e.url = srv.URL
	return e
}

func (e *echoSubgraph) input() compose.Input {
	return compose.Input{Name: e.name, URL: e.url, SDL: e.sdl}
}

// asUser stands in for the authentication middleware: X-Test-User names the caller (none:
// anonymous), whose principal carries a token and a few claims.
func asUser(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u := r.Header.Get("X-Test-User"); u != "" {
			p := &auth.Principal{Issuer: "https://idp.test", Subject: u, Token: "token-of-" + u, Claims: map[string]any{
				"sub": u, "email": u + "@example.com", "roles": []any{"reader", "user-" + u}, "level": float64(3),
				"tenant": "tenant-of-" + u, "profile": map[string]any{"x": 1},
			}}
			r = r.WithContext(auth.WithPrincipal(r.Context(), p))
		}
		next.ServeHTTP(w, r)
	})
}

var subAsUserID = map[string]string{"sub": "X-User-Id"}

// ask posts query with header pairs and returns the data, failing on errors.
func ask(t *testing.T, s *stack, query string, header ...string) map[string]any {
	t.Helper()
	payload, _ := json.Marshal(map[string]any{"query": query})
	r := s.post(t, string(payload), header...)
	var out struct {
		Data   map[string]any
		Errors []any
	}
	require.NoError(t, json.Unmarshal([]byte(r.Body), &out), r.Body)
	require.Empty(t, out.Errors, r.Body)
	return out.Data
}

func TestForwardingToGraphQLSubgraphs(t *testing.T) {
	t.Parallel()
	accounts, reviews := startEcho(t, "accounts", 0), startEcho(t, "reviews", 0)
	yes := true
	s := serveComposedWith(t, []compose.Input{accounts.input(), reviews.input()}, gateway.Options{Forwarding: connectors.Forwarding{
		Default: connectors.ForwardRule{
			Claims:  map[string]string{"sub": "X-User-Id", "email": "X-User-Email", "roles": "X-Roles", "level": "X-Level", "profile": "X-Profile"},
			Headers: []string{"X-Request-Id", "Accept-Language"},
		},
		Subgraphs: map[string]connectors.ForwardRule{"accounts": {Token: &yes, Claims: map[string]string{"sub": "X-Account"}}},
	}}, server.Options{Authenticate: asUser})
	const query = `{ accountsHeaders reviewsHeaders
		account: accountsHeader(name: "X-Account") accountsAuth: accountsHeader(name: "Authorization") accountsUser: accountsHeader(name: "X-User-Id")
		user: reviewsHeader(name: "X-User-Id") email: reviewsHeader(name: "X-User-Email") roles: reviewsHeader(name: "X-Roles")
		level: reviewsHeader(name: "X-Level") lang: reviewsHeader(name: "Accept-Language") reviewsAuth: reviewsHeader(name: "Authorization") }`
	forged := []string{"X-User-Id", "forged", "X-Account", "forged", "Cookie", "session=1", "Authorization", "Bearer client-token",
		"X-Random", "r", "X-Request-Id", "req-1", "Accept-Language", "nl"}

	data := ask(t, s, query, append([]string{"X-Test-User", "ada"}, forged...)...)
	assert.Equal(t, map[string]any{
		// accounts: its own claims (replacing the default's), the token, the default's headers.
		"accountsHeaders": []any{"Accept-Language", "Authorization", "X-Account", "X-Request-Id"},
		"account":         "ada", "accountsAuth": "Bearer token-of-ada", "accountsUser": nil,
		// reviews: the default rule. Lists are joined with commas, numbers formatted, objects skipped.
		"reviewsHeaders": []any{"Accept-Language", "X-Level", "X-Request-Id", "X-Roles", "X-User-Email", "X-User-Id"},
		"user":           "ada", "email": "ada@example.com", "roles": "reader,user-ada", "level": "3", "lang": "nl",
		"reviewsAuth": nil,
	}, data, "the client's X-User-Id, X-Account, Cookie, Authorization and X-Random reach no subgraph")

	// Anonymous: no identity at all, only the allowed client headers; forged identity headers are dropped.
	data = ask(t, s, query, forged...)
	assert.Equal(t, []any{"Accept-Language", "X-Request-Id"}, data["accountsHeaders"])
	assert.Equal(t, []any{"Accept-Language", "X-Request-Id"}, data["reviewsHeaders"])
	assert.Nil(t, data["user"])
	assert.Nil(t, data["account"])
	assert.Nil(t, data["accountsAuth"])
}

func TestForwardingDedupNeverSharesAcrossUsers(t *testing.T) {
	t.Parallel()
	accounts := startEcho(t, "accounts", 300*time.Millisecond)
	s := serveComposedWith(t, []compose.Input{accounts.input()}, gateway.Options{Dedup: true,
		Forwarding: connectors.Forwarding{Default: connectors.ForwardRule{Claims: subAsUserID}}}, server.Options{Authenticate: asUser})
	inFlight := func(requests ...[2]string) []any {
		out := make([]any, len(requests))
		var wg sync.WaitGroup
		for i, r := range requests {
			wg.Go(func() { out[i] = ask(t, s, r[1], "X-Test-User", r[0])["accountsHeader"] })
		}
		wg.Wait()
		return out
	}
	// Two texts of one operation: two executions, whose subgraph queries are the same.
	const same, other = `{ accountsHeader(name: "X-User-Id") }`, `query { accountsHeader(name: "X-User-Id") }`

	// Identical operations of two users: two executions, each subgraph call with its own header.
	assert.Equal(t, []any{"ada", "bob"}, inFlight([2]string{"ada", same}, [2]string{"bob", same}))
	assert.EqualValues(t, 2, accounts.calls.Load())
	// Different operations whose subgraph query is the same: still one call per user.
	assert.Equal(t, []any{"ada", "bob"}, inFlight([2]string{"ada", same}, [2]string{"bob", other}))
	assert.EqualValues(t, 4, accounts.calls.Load())

	// The same user is shared, at both levels: dedup is on.
	assert.Equal(t, []any{"ada", "ada", "ada"}, inFlight([2]string{"ada", same}, [2]string{"ada", same}, [2]string{"ada", other}))
	assert.EqualValues(t, 5, accounts.calls.Load())
}

// restWhoami is a REST connector subgraph whose source also maps the client's X-User-Id
// and Authorization (mappings written before forwarding existed), whose legacy field reads
// X-User-Id through $request and whose whoamiAs field sets it from an argument: none of
// them may ever carry a client's forged value.
const restWhoamiSDL = `extend schema
  @link(url: "https://specs.apollo.dev/federation/v2.11", import: ["@key"])
  @link(url: "https://specs.apollo.dev/connect/v0.3", import: ["@source", "@connect"])
  @source(name: "api", http: { baseURL: "REST_URL", headers: [
    { name: "x-user-id", from: "x-user-id" }, { name: "authorization", from: "authorization" }] })
type Query {
  whoami: Whoami @connect(source: "api", http: { GET: "/whoami" }, selection: "user auth roles requestId cookie other")
  whoamiAs(as: String): Whoami @connect(source: "api", http: { GET: "/whoami", headers: [{ name: "X-User-Id", value: "{$args.as}" }] },
    selection: "user auth")
  legacy: String @connect(source: "api", http: { GET: "/legacy", queryParams: "as: $request.headers.'x-user-id'->first" }, selection: "$.as")
}
type Whoami { user: String auth: String roles: String requestId: String cookie: String other: String }
`

type restWhoami struct {
	mu      sync.Mutex
	headers []http.Header
}

func (w *restWhoami) calls() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.headers)
}

func startRESTWhoami(t *testing.T, opts gateway.Options) (*stack, *restWhoami) {
	t.Helper()
	backend := &restWhoami{}
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		backend.mu.Lock()
		backend.headers = append(backend.headers, r.Header.Clone())
		backend.mu.Unlock()
		rw.Header().Set("Content-Type", "application/json")
		rw.Header().Set("Cache-Control", "max-age=60")
		h := r.Header
		_ = json.NewEncoder(rw).Encode(map[string]any{"user": h.Get("X-User-Id"), "auth": h.Get("Authorization"),
			"roles": h.Get("X-Roles"), "requestId": h.Get("X-Request-Id"), "cookie": h.Get("Cookie"), "other": h.Get("X-Other"),
			"as": r.URL.Query().Get("as")})
	}))
	t.Cleanup(srv.Close)
	s := serveComposedWith(t, []compose.Input{{Name: "who", URL: "http://none", SDL: strings.ReplaceAll(restWhoamiSDL, "REST_URL", srv.URL)}},
		opts, server.Options{Authenticate: asUser})
	return s, backend
}

func TestForwardingToRESTConnectors(t *testing.T) {
	t.Parallel()
	yes := true
	s, backend := startRESTWhoami(t, gateway.Options{Forwarding: connectors.Forwarding{Default: connectors.ForwardRule{
		Token: &yes, Claims: map[string]string{"sub": "X-User-Id", "roles": "X-Roles"}, Headers: []string{"X-Request-Id"}}}})
	forged := []string{"X-User-Id", "forged", "Authorization", "Bearer client", "Cookie", "session=1", "X-Other", "o", "X-Request-Id", "req-1"}

	data := ask(t, s, `{ whoami { user auth roles requestId cookie other } legacy as: whoamiAs(as: "root") { user auth } }`,
		append([]string{"X-Test-User", "ada"}, forged...)...)
	assert.Equal(t, map[string]any{"user": "ada", "auth": "Bearer token-of-ada", "roles": "reader,user-ada", "requestId": "req-1",
		"cookie": "", "other": ""}, data["whoami"], "the claim replaces what the header mapping copied from the client")
	assert.Equal(t, "", data["legacy"], "$request does not see the client's X-User-Id either")
	assert.Equal(t, map[string]any{"user": "ada", "auth": "Bearer token-of-ada"}, data["as"], "nor does a mapping from an argument win")

	data = ask(t, s, `{ whoami { user auth roles requestId } legacy as: whoamiAs(as: "root") { user auth } }`, forged...)
	assert.Equal(t, map[string]any{"user": "", "auth": "", "roles": "", "requestId": "req-1"}, data["whoami"], "anonymous: no identity, forged or not")
	assert.Equal(t, "", data["legacy"])
	assert.Equal(t, map[string]any{"user": "", "auth": ""}, data["as"])
	// Identical concurrent calls (whoami and whoamiAs share a request once the claim wins)
	// may be deduplicated, so the count varies; what every call carried may not.
	backend.mu.Lock()
	defer backend.mu.Unlock()
	require.GreaterOrEqual(t, len(backend.headers), 4)
	for _, h := range backend.headers {
		assert.Contains(t, []string{"ada", ""}, h.Get("X-User-Id"))
		assert.Contains(t, []string{"Bearer token-of-ada", ""}, h.Get("Authorization"))
		assert.Empty(t, h.Get("Cookie"))
		assert.Empty(t, h.Get("X-Other"))
	}
}

// TestForwardingKeepsConnectorCacheEntriesApart: a cached REST answer is found only by
// calls forwarding the same identity.
func TestForwardingKeepsConnectorCacheEntriesApart(t *testing.T) {
	t.Parallel()
	s, backend := startRESTWhoami(t, gateway.Options{Forwarding: connectors.Forwarding{Default: connectors.ForwardRule{Claims: subAsUserID}},
		ConnectorSources: map[string]engine.SourceConfig{"who.api": {CacheTTL: time.Minute}}})
	user := func(u string) any {
		return ask(t, s, `{ whoami { user } }`, "X-Test-User", u)["whoami"].(map[string]any)["user"]
	}
	assert.Equal(t, "ada", user("ada"))
	assert.Equal(t, "bob", user("bob"), "not ada's cached answer")
	assert.Equal(t, 2, backend.calls())
	assert.Equal(t, "ada", user("ada"))
	assert.Equal(t, "bob", user("bob"))
	assert.Equal(t, 2, backend.calls(), "each user's answer came from its own cache entry")
	stats := gateway.New(s.Snap).ConnectorCacheStats()["who"]
	assert.EqualValues(t, 2, stats.Hits)
	assert.EqualValues(t, 2, stats.Misses)
}

func TestForwardingToGRPCConnectors(t *testing.T) {
	t.Parallel()
	files := grpctest.Compile(t, map[string]string{"inventory.proto": inventoryProto}, "inventory.proto")
	svc := files[0].Services().ByName("InventoryService")
	inv := &inventoryService{calls: map[string]int{}}
	srv := grpctest.Serve(t, svc, inv.handlers(svc))
	set, err := grpc.EncodeSet(files[0])
	require.NoError(t, err)
	yes := true
	s := serveComposedWith(t, []compose.Input{{Name: "inventory", URL: "http://none",
		SDL: strings.NewReplacer("ADDRESS", srv.Addr, "SET", set).Replace(grpcInventorySDL)}},
		gateway.Options{
			ConnectorSources: map[string]engine.SourceConfig{"inventory.inv": {Config: map[string]any{"apiKey": "k-1"}, CacheTTL: time.Minute}},
			Forwarding: connectors.Forwarding{Subgraphs: map[string]connectors.ForwardRule{"inventory": {
				Token: &yes, Claims: map[string]string{"sub": "X-User-Id", "tenant": "X-Tenant", "roles": "X-Roles"}, Headers: []string{"X-Request-Id"}}}},
		}, server.Options{Authenticate: asUser})
	const query = `{ item(sku: "a1") { name } }`
	forged := []string{"X-Tenant", "evil", "X-User-Id", "forged", "Cookie", "c=1", "X-Request-Id", "req-1"}

	ask(t, s, query, append([]string{"X-Test-User", "ada"}, forged...)...)
	ask(t, s, query, forged...)
	mds, _ := inv.seen()
	require.Len(t, mds, 2)
	ada, anon := mds[0], mds[1]
	assert.Equal(t, []string{"ada"}, ada.Get("x-user-id"))
	assert.Equal(t, []string{"tenant-of-ada"}, ada.Get("x-tenant"), "the claim, not the client's value the source's metadata mapping copies")
	assert.Equal(t, []string{"reader,user-ada"}, ada.Get("x-roles"))
	assert.Equal(t, []string{"Bearer token-of-ada"}, ada.Get("authorization"))
	assert.Equal(t, []string{"req-1"}, ada.Get("x-request-id"))
	assert.Equal(t, []string{"k-1"}, ada.Get("x-api-key"), "the source's own metadata is kept")
	assert.Empty(t, ada.Get("cookie"))
	for _, key := range []string{"x-user-id", "x-tenant", "x-roles", "authorization", "cookie"} {
		assert.Empty(t, anon.Get(key), "anonymous: no %s", key)
	}
	assert.Equal(t, []string{"req-1"}, anon.Get("x-request-id"))

	// Answers are cached per forwarded identity: ada again hits, bob does not.
	ask(t, s, query, append([]string{"X-Test-User", "ada"}, forged...)...)
	assert.Equal(t, 2, inv.callsTo("GetItem"))
	ask(t, s, query, append([]string{"X-Test-User", "bob"}, forged...)...)
	assert.Equal(t, 3, inv.callsTo("GetItem"))
	mds, _ = inv.seen()
	assert.Equal(t, []string{"bob"}, mds[2].Get("x-user-id"))
}

func TestForwardingRefusesBadRules(t *testing.T) {
	t.Parallel()
	accounts := startEcho(t, "accounts", 0)
	res := compose.Compose([]compose.Input{accounts.input()})
	require.NoError(t, res.Err())
	sg, err := federation.Parse("supergraph", res.Supergraph)
	require.NoError(t, err)
	_, err = gateway.NewSnapshot(sg, gateway.Options{Forwarding: connectors.Forwarding{
		Default:   connectors.ForwardRule{Headers: []string{"Authorization", "X-User-Id"}},
		Subgraphs: map[string]connectors.ForwardRule{"accounts": {Claims: map[string]string{"sub": "X-User-Id"}}},
	}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "forwarding.default.headers[0]: Authorization is sent only by token: true")
	assert.Contains(t, err.Error(), `forwarding.default.headers[1]: "X-User-Id" carries claim "sub" in the rule of subgraph "accounts"`)
}

// TestForwardingEndToEnd goes through the real stack: the gateway's HTTP server, the auth
// middleware verifying an ES256 token from an OIDC provider (discovery and JWKS over HTTP),
// the executor and a GraphQL subgraph.
func TestForwardingEndToEnd(t *testing.T) {
	t.Parallel()
	iss := authtest.NewIssuer(t)
	v, err := auth.NewVerifier(context.Background(), []auth.ProviderConfig{{Name: "test", Issuer: iss.URL, Audiences: []string{"atrium"}}}, nil)
	require.NoError(t, err)
	accounts, reviews := startEcho(t, "accounts", 0), startEcho(t, "reviews", 0)
	yes := true
	s := serveComposedWith(t, []compose.Input{accounts.input(), reviews.input()}, gateway.Options{Forwarding: connectors.Forwarding{
		Default:   connectors.ForwardRule{Claims: map[string]string{"sub": "X-User-Id", "email": "X-User-Email"}},
		Subgraphs: map[string]connectors.ForwardRule{"accounts": {Token: &yes}},
	}}, server.Options{Authenticate: auth.Middleware(v, auth.MiddlewareOptions{AllowAnonymous: true, Logger: slog.New(slog.DiscardHandler)})})
	tok := iss.Token(t, map[string]any{"sub": "user-42", "email": "ada@example.com"})
	const query = `{ accountsHeaders reviewsHeaders auth: accountsHeader(name: "Authorization") user: reviewsHeader(name: "X-User-Id")
		email: accountsHeader(name: "X-User-Email") reviewsAuth: reviewsHeader(name: "Authorization") }`

	data := ask(t, s, query, "Authorization", "Bearer "+tok, "X-User-Id", "forged")
	assert.Equal(t, map[string]any{
		"accountsHeaders": []any{"Authorization", "X-User-Email", "X-User-Id"}, "reviewsHeaders": []any{"X-User-Email", "X-User-Id"},
		"auth": "Bearer " + tok, "user": "user-42", "email": "ada@example.com", "reviewsAuth": nil,
	}, data)

	data = ask(t, s, query, "X-User-Id", "forged")
	assert.Equal(t, []any{}, data["accountsHeaders"], "anonymous: nothing")
	assert.Equal(t, []any{}, data["reviewsHeaders"])

	r := s.post(t, fmt.Sprintf(`{"query":%q}`, query), "Authorization", "Bearer "+tok+"x")
	assert.Equal(t, http.StatusUnauthorized, r.Status, "a bad token never reaches a subgraph")
	assert.EqualValues(t, 2, accounts.calls.Load())
}
