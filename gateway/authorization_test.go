package gateway_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
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
	"github.com/atrium-gateway/atrium/federation"
	"github.com/atrium-gateway/atrium/federation/compose"
	"github.com/atrium-gateway/atrium/gateway"
	"github.com/atrium-gateway/atrium/server"
)

// authzStack serves testdata/authorization's subgraphs (real GraphQL servers that do not
// check anything themselves) through the gateway, behind the real auth middleware: callers
// present ES256 tokens of a test OpenID provider.
type authzStack struct {
	url    string
	issuer *authtest.Issuer
	logs   *syncBuffer
	mu     sync.Mutex
	bodies map[string][]string
	// deleted counts the deleteUser mutations the accounts subgraph ran.
	deleted atomic.Int64
}

var authzRules = auth.Rules{Policies: map[string]auth.Policy{
	"hr":    {Claims: map[string][]string{"groups": {"hr"}}},
	"staff": {Claims: map[string][]string{"groups": {"staff"}}},
}}

func startAuthz(t *testing.T, rules auth.Rules, opts gateway.Options, wraps ...wrap) *authzStack {
	t.Helper()
	s := &authzStack{bodies: map[string][]string{}, logs: &syncBuffer{}}
	users := map[string]map[string]any{
		"u1": {"id": "u1", "name": "Ada", "email": "ada@example.com", "salary": 100, "badge": "GOLD", "secret": map[string]any{"code": "s1"}},
		"u2": {"id": "u2", "name": "Alan", "email": "alan@example.com", "salary": 90, "badge": "SILVER", "secret": map[string]any{"code": "s2"}},
	}
	accounts := &subgraph.Subgraph{Name: "accounts", Resolvers: map[string]map[string]subgraph.Resolver{
		"Query": {
			"me":    func(map[string]any, map[string]any) (any, error) { return users["u1"], nil },
			"user":  func(_ map[string]any, args map[string]any) (any, error) { return users[args["id"].(string)], nil },
			"users": func(map[string]any, map[string]any) (any, error) { return []any{users["u1"], users["u2"]}, nil },
			"staff": func(map[string]any, map[string]any) (any, error) { return []any{users["u2"]}, nil },
			"audit": func(map[string]any, map[string]any) (any, error) { return "audit log", nil },
		},
		"Mutation": {
			"deleteUser": func(map[string]any, map[string]any) (any, error) { s.deleted.Add(1); return true, nil },
			"touch":      func(map[string]any, map[string]any) (any, error) { return true, nil },
		},
	}, Entities: map[string]func(map[string]any) (any, error){
		"User": func(rep map[string]any) (any, error) { return users[rep["id"].(string)], nil },
	}}
	posts := &subgraph.Subgraph{Name: "posts", Resolvers: map[string]map[string]subgraph.Resolver{
		"Query": {
			"feed": func(map[string]any, map[string]any) (any, error) {
				return []any{
					map[string]any{"__typename": "PublicPost", "id": "p1", "title": "Hello", "body": "World", "author": map[string]any{"id": "u1"}},
					map[string]any{"__typename": "PrivatePost", "id": "p2", "title": "Plans", "body": "Secret plans", "viewers": []any{map[string]any{"id": "u2"}}},
				}, nil
			},
			"latest": func(map[string]any, map[string]any) (any, error) {
				return map[string]any{"id": "p1", "title": "Hello", "body": "World"}, nil
			},
		},
	}}
	var inputs []compose.Input
	for _, sg := range []*subgraph.Subgraph{accounts, posts} {
		sdl, err := os.ReadFile("../testdata/authorization/" + sg.Name + ".graphql")
		require.NoError(t, err)
		h, err := sg.Handler(string(sdl))
		require.NoError(t, err)
		var next http.Handler = h
		for _, w := range wraps {
			next = w(sg.Name, next)
		}
		name := sg.Name
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			s.mu.Lock()
			s.bodies[name] = append(s.bodies[name], string(body))
			s.mu.Unlock()
			r.Body = io.NopCloser(bytes.NewReader(body))
			next.ServeHTTP(w, r)
		}))
		t.Cleanup(srv.Close)
		inputs = append(inputs, compose.Input{Name: name, URL: srv.URL, SDL: string(sdl)})
	}
	res := compose.Compose(inputs)
	require.NoError(t, res.Err())
	sg, err := federation.Parse("supergraph", res.Supergraph)
	require.NoError(t, err)
	opts.Authorization = rules
	opts.Logger = slog.New(slog.NewTextHandler(s.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	snap, err := gateway.NewSnapshot(sg, opts)
	require.NoError(t, err)
	t.Cleanup(snap.Close)

	s.issuer = authtest.NewIssuer(t)
	v, err := auth.NewVerifier(context.Background(), []auth.ProviderConfig{s.issuer.Provider()}, nil)
	require.NoError(t, err)
	gw := httptest.NewServer(server.New(gateway.New(snap), server.Options{
		Authenticate: auth.Middleware(v, auth.MiddlewareOptions{AllowAnonymous: true, Logger: slog.New(slog.DiscardHandler)}),
	}))
	t.Cleanup(gw.Close)
	s.url = gw.URL
	return s
}

// token signs a token with these claims ("scope" a space-separated string).
func (s *authzStack) token(t *testing.T, claims map[string]any) string {
	return s.issuer.Token(t, claims)
}

// ask posts query with a bearer token ("" for an anonymous request); it returns the status
// and the body.
func (s *authzStack) ask(t *testing.T, token, query string, vars map[string]any) (int, string) {
	t.Helper()
	payload, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	require.NoError(t, err)
	req, err := http.NewRequest(http.MethodPost, s.url+"/graphql", bytes.NewReader(payload))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

func (s *authzStack) query(t *testing.T, token, query string) string {
	t.Helper()
	status, body := s.ask(t, token, query, nil)
	require.Equal(t, http.StatusOK, status, body)
	return body
}

// sent is everything the subgraph named received.
func (s *authzStack) sent(name string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strings.Join(s.bodies[name], "\n")
}

func (s *authzStack) reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.bodies = map[string][]string{}
}

func (s *authzStack) calls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, b := range s.bodies {
		n += len(b)
	}
	return n
}

func unauthorized(paths ...string) string {
	var errs []string
	for _, p := range paths {
		var elems []string
		for _, e := range strings.Split(p, ".") {
			elems = append(elems, `"`+e+`"`)
		}
		errs = append(errs, `{"message":"Unauthorized field or type","path":[`+strings.Join(elems, ",")+`],"extensions":{"code":"UNAUTHORIZED_FIELD_OR_TYPE"}}`)
	}
	return "[" + strings.Join(errs, ",") + "]"
}

func TestAuthorizationAnonymousAndAuthenticated(t *testing.T) {
	t.Parallel()
	s := startAuthz(t, authzRules, gateway.Options{})
	const q = `{ me { name } user(id: "u1") { name secret { code } } }`
	assert.JSONEq(t, `{"data":{"me":null,"user":{"name":"Ada","secret":null}},"errors":`+unauthorized("me", "user.secret")+`}`, s.query(t, "", q))
	assert.NotRegexp(t, `\bme\b`, s.sent("accounts"), "a removed field never reaches the subgraph")
	assert.NotContains(t, s.sent("accounts"), "secret")

	assert.JSONEq(t, `{"data":{"me":{"name":"Ada"},"user":{"name":"Ada","secret":{"code":"s1"}}}}`, s.query(t, s.token(t, nil), q))
	// The anonymous plan is cached, and it is still the anonymous caller's only.
	assert.Contains(t, s.query(t, "", q), `"me":null`)
	assert.Contains(t, s.query(t, s.token(t, map[string]any{"sub": "user-2"}), q), `"me":{"name":"Ada"}`)
}

func TestAuthorizationScopesAndNonNullPropagation(t *testing.T) {
	t.Parallel()
	s := startAuthz(t, authzRules, gateway.Options{})
	const q = `{ users { name } latest { title } }`
	// users is [User!]!: without (users:read and admin) or root, data itself is null.
	for _, scope := range []string{"", "users:read", "admin other"} {
		assert.JSONEq(t, `{"data":null,"errors":`+unauthorized("users")+`}`, s.query(t, s.token(t, map[string]any{"scope": scope}), q), scope)
	}
	for _, scope := range []string{"users:read admin", "root"} {
		assert.JSONEq(t, `{"data":{"users":[{"name":"Ada"},{"name":"Alan"}],"latest":{"title":"Hello"}}}`, s.query(t, s.token(t, map[string]any{"scope": scope}), q), scope)
	}
	// A non-null field removed below a nullable one nulls that one.
	assert.JSONEq(t, `{"data":{"user":null},"errors":`+unauthorized("user.salary")+`}`, s.query(t, "", `{ user(id: "u1") { name salary } }`))
}

func TestAuthorizationPoliciesFromClaims(t *testing.T) {
	t.Parallel()
	s := startAuthz(t, authzRules, gateway.Options{})
	const q = `{ user(id: "u2") { name salary badge } staff { name } }`
	hr := s.token(t, map[string]any{"groups": []string{"hr"}})
	assert.JSONEq(t, `{"data":{"user":{"name":"Alan","salary":90,"badge":"SILVER"},"staff":null},"errors":`+unauthorized("staff")+`}`, s.query(t, hr, q))
	assert.Contains(t, s.sent("accounts"), "salary")
	assert.NotContains(t, s.sent("accounts"), "staff")
	s.reset()
	staff := s.token(t, map[string]any{"groups": "staff"})
	assert.JSONEq(t, `{"data":{"user":null,"staff":[{"name":"Alan"}]},"errors":`+unauthorized("user.salary")+`}`, s.query(t, staff, q))
	assert.NotContains(t, s.sent("accounts"), "salary")
}

func TestAuthorizationUndefinedPolicyDeniesAndIsReportedAtLoad(t *testing.T) {
	t.Parallel()
	s := startAuthz(t, authzRules, gateway.Options{})
	root := s.token(t, map[string]any{"groups": []string{"hr", "staff", "auditor"}, "scope": "root"})
	assert.JSONEq(t, `{"data":{"audit":null},"errors":`+unauthorized("audit")+`}`, s.query(t, root, `{ audit }`))
	assert.Equal(t, 1, strings.Count(s.logs.String(), "never granted"))
	assert.Contains(t, s.logs.String(), "auditor")
}

func TestAuthorizationInterfacesFragmentsAndAliases(t *testing.T) {
	t.Parallel()
	s := startAuthz(t, authzRules, gateway.Options{})
	// feed returns Post, which one implementation makes @authenticated: all of it needs it.
	assert.JSONEq(t, `{"data":null,"errors":`+unauthorized("feed")+`}`, s.query(t, "", `{ feed { id ... on PublicPost { title } } }`))
	assert.Empty(t, s.sent("posts"))

	signedIn := s.token(t, nil)
	got := s.query(t, signedIn, `{ items: feed { id heading: title text: body } }`)
	assert.JSONEq(t, `{"data":{"items":[{"id":"p1","heading":"Hello","text":null},{"id":"p2","heading":"Plans","text":null}]},
		"errors":`+unauthorized("items.@.text")+`}`, got)
	assert.NotContains(t, s.sent("posts"), "body")

	got = s.query(t, signedIn, `{ feed { id ...Bodies } u: user(id: "u1") { ... on User { mail: email } n: name } }
		fragment Bodies on PublicPost { body }`)
	assert.JSONEq(t, `{"data":{"feed":[{"id":"p1","body":"World"},{"id":"p2"}],"u":{"mail":null,"n":"Ada"}},
		"errors":`+unauthorized("u.mail")+`}`, got)
	got = s.query(t, s.token(t, map[string]any{"scope": "posts:read email:read"}), `{ feed { id body } u: user(id: "u1") { mail: email } }`)
	assert.JSONEq(t, `{"data":{"feed":[{"id":"p1","body":"World"},{"id":"p2","body":"Secret plans"}],"u":{"mail":"ada@example.com"}}}`, got)
}

func TestAuthorizationEverythingRemovedCallsNoSubgraph(t *testing.T) {
	t.Parallel()
	s := startAuthz(t, authzRules, gateway.Options{})
	got := s.query(t, "", `{ me { name } audit u: user(id: "u1") { email } }`)
	assert.JSONEq(t, `{"data":{"me":null,"audit":null,"u":null},"errors":`+unauthorized("me", "audit", "u.email")+`}`, got)
	assert.Zero(t, s.calls())
}

func TestAuthorizationRemovedMutationsDoNotRun(t *testing.T) {
	t.Parallel()
	s := startAuthz(t, authzRules, gateway.Options{})
	got := s.query(t, s.token(t, nil), `mutation { deleteUser(id: "u2") touch(id: "u1") }`)
	assert.JSONEq(t, `{"data":{"deleteUser":null,"touch":true},"errors":`+unauthorized("deleteUser")+`}`, got)
	assert.Zero(t, s.deleted.Load())
	got = s.query(t, s.token(t, map[string]any{"scope": "admin"}), `mutation { deleteUser(id: "u2") }`)
	assert.JSONEq(t, `{"data":{"deleteUser":true}}`, got)
	assert.EqualValues(t, 1, s.deleted.Load())
}

func TestAuthorizationRejectUnauthorized(t *testing.T) {
	t.Parallel()
	rules := authzRules
	rules.RejectUnauthorized = true
	s := startAuthz(t, rules, gateway.Options{})
	got := s.query(t, "", `{ me { name } user(id: "u1") { name email } }`)
	assert.JSONEq(t, `{"data":null,"errors":`+unauthorized("me", "user.email")+`}`, got)
	assert.Zero(t, s.calls(), "a refused operation runs nothing")
	assert.JSONEq(t, `{"data":{"user":{"name":"Ada"}}}`, s.query(t, "", `{ user(id: "u1") { name } }`))
}

func TestAuthorizationDryRunFiltersNothingAndLogs(t *testing.T) {
	t.Parallel()
	rules := authzRules
	rules.DryRun = true
	s := startAuthz(t, rules, gateway.Options{})
	got := s.query(t, "", `query Mine { me { name } }`)
	assert.JSONEq(t, `{"data":{"me":{"name":"Ada"}}}`, got)
	assert.Contains(t, s.logs.String(), "dry run")
	assert.Contains(t, s.logs.String(), "operation=Mine paths=[me]")
}

func TestAuthorizationRequireAuthentication(t *testing.T) {
	t.Parallel()
	rules := authzRules
	rules.RequireAuthentication = true
	s := startAuthz(t, rules, gateway.Options{})
	status, body := s.ask(t, "", `{ user(id: "u1") { name } }`, nil)
	assert.Equal(t, http.StatusUnauthorized, status)
	assert.JSONEq(t, `{"errors":[{"message":"authentication required","extensions":{"code":"UNAUTHENTICATED"}}]}`, body)
	assert.Zero(t, s.calls())
	assert.JSONEq(t, `{"data":{"user":{"name":"Ada"}}}`, s.query(t, s.token(t, nil), `{ user(id: "u1") { name } }`))
}

func TestAuthorizationDedupNeverSharesAcrossRights(t *testing.T) {
	t.Parallel()
	slow := func(name string, next http.Handler) http.Handler {
		if name != "accounts" {
			return next
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			time.Sleep(100 * time.Millisecond)
			next.ServeHTTP(w, r)
		})
	}
	s := startAuthz(t, authzRules, gateway.Options{Dedup: true}, slow)
	const q = `{ user(id: "u1") { name email } }`
	tokens := []string{"", s.token(t, map[string]any{"scope": "email:read"}), "", s.token(t, map[string]any{"scope": "email:read other"})}
	answers := make([]string, len(tokens))
	var wg sync.WaitGroup
	for i, tok := range tokens {
		wg.Go(func() { answers[i] = s.query(t, tok, q) })
	}
	wg.Wait()
	for i, got := range answers {
		if tokens[i] == "" {
			assert.JSONEq(t, `{"data":{"user":{"name":"Ada","email":null}},"errors":`+unauthorized("user.email")+`}`, got)
		} else {
			assert.JSONEq(t, `{"data":{"user":{"name":"Ada","email":"ada@example.com"}}}`, got)
		}
	}
}

func TestAuthorizationRefusesBadTokensBeforeAnything(t *testing.T) {
	t.Parallel()
	s := startAuthz(t, authzRules, gateway.Options{})
	expired := s.token(t, map[string]any{"exp": time.Now().Add(-time.Hour).Unix()})
	status, _ := s.ask(t, expired, `{ user(id: "u1") { name } }`, nil)
	assert.Equal(t, http.StatusUnauthorized, status)
	assert.Zero(t, s.calls())
}

// syncBuffer is a log sink safe for concurrent writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
