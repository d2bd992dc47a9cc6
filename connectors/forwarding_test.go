package connectors_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atrium-gateway/atrium/auth"
	"github.com/atrium-gateway/atrium/connectors"
	"github.com/atrium-gateway/atrium/connectors/graphql"
)

// recorder is a GraphQL backend keeping the headers of each request it receives.
type recorder struct {
	mu      sync.Mutex
	headers []http.Header
	calls   atomic.Int64
	delay   time.Duration
}

func (rec *recorder) serve(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.calls.Add(1)
		rec.mu.Lock()
		rec.headers = append(rec.headers, r.Header.Clone())
		rec.mu.Unlock()
		time.Sleep(rec.delay)
		_, _ = w.Write([]byte(`{"data":{"me":{"name":"` + r.Header.Get("X-User-Id") + `"}}}`))
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func (rec *recorder) last() http.Header {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return rec.headers[len(rec.headers)-1]
}

func yes() *bool { b := true; return &b }

func forwarder(t *testing.T, f connectors.Forwarding) *connectors.Forwarder {
	t.Helper()
	fw, err := connectors.NewForwarder(f)
	require.NoError(t, err)
	require.NotNil(t, fw)
	return fw
}

// request is a client request: its principal (nil: anonymous) and headers.
func request(p *auth.Principal, header http.Header) context.Context {
	return connectors.WithScope(auth.WithPrincipal(context.Background(), p), header)
}

func TestForwardedClaimsBecomeHeaders(t *testing.T) {
	t.Parallel()
	rec := &recorder{}
	fw := forwarder(t, connectors.Forwarding{Default: connectors.ForwardRule{
		Claims: map[string]string{
			"sub": "X-User-Id", "age": "X-Age", "ratio": "X-Ratio", "big": "X-Big", "admin": "X-Admin",
			"roles": "X-Roles", "ids": "X-Ids", "nested": "X-Nested", "commas": "X-Commas", "obj": "X-Obj",
			"name": "X-Name", "crlf": "X-Crlf", "missing": "X-Missing", "none": "X-None", "typed": "X-Typed",
		},
		Headers: []string{"accept-language", "X-Request-Id"},
	}})
	conn := fw.Wrap("accounts", graphql.New("accounts", rec.serve(t), nil, time.Second))
	p := &auth.Principal{Subject: "u-1", Token: "tok", Claims: map[string]any{
		"sub": "u-1", "age": float64(42), "ratio": 1.5, "big": float64(1e21), "admin": true,
		"roles": []any{"admin", "editor"}, "ids": []any{float64(7), "x", false},
		"nested": []any{"a", []any{"b"}}, "commas": []any{"a,b", "c"}, "obj": map[string]any{"a": "b"},
		"name": "Zoë", "crlf": "a\r\nX-Admin: true", "none": []any{}, "typed": []string{"s1", "s2"},
	}}
	client := http.Header{"Accept-Language": {"nl", "en;q=0.5"}, "X-Request-Id": {"r-1"}, "Cookie": {"session=1"},
		"X-Random": {"x"}, "Authorization": {"Bearer client"}}
	_, err := conn.Fetch(request(p, client), &connectors.Request{Query: "{me{name}}"}, nil)
	require.NoError(t, err)
	h := rec.last()
	for name, want := range map[string]string{
		"X-User-Id": "u-1", "X-Age": "42", "X-Ratio": "1.5", "X-Big": "1000000000000000000000", "X-Admin": "true",
		"X-Roles": "admin,editor", "X-Ids": "7,x,false", "X-Typed": "s1,s2", "X-Request-Id": "r-1",
	} {
		assert.Equal(t, want, h.Get(name), name)
	}
	assert.Equal(t, []string{"nl", "en;q=0.5"}, h.Values("Accept-Language"), "every value of an allowed header")
	for _, name := range []string{"X-Nested", "X-Commas", "X-Obj", "X-Name", "X-Crlf", "X-Missing", "X-None", "Cookie", "X-Random"} {
		assert.Empty(t, h.Values(name), "%s is not sent", name)
	}
	assert.Empty(t, h.Get("Authorization"), "no token: true: neither the caller's token nor the client's header")

	// Anonymous: no identity, the allowed client headers still.
	_, err = conn.Fetch(request(nil, http.Header{"X-Request-Id": {"r-2"}, "X-User-Id": {"forged"}}), &connectors.Request{Query: "{me{name}}"}, nil)
	require.NoError(t, err)
	h = rec.last()
	assert.Empty(t, h.Values("X-User-Id"))
	assert.Equal(t, "r-2", h.Get("X-Request-Id"))
}

func TestForwardedTokenAndPerSubgraphRules(t *testing.T) {
	t.Parallel()
	rec := &recorder{}
	url := rec.serve(t)
	fw := forwarder(t, connectors.Forwarding{
		Default:   connectors.ForwardRule{Claims: map[string]string{"sub": "X-User-Id"}},
		Subgraphs: map[string]connectors.ForwardRule{"accounts": {Token: yes()}, "partner": {Claims: map[string]string{}}},
	})
	p := &auth.Principal{Subject: "u-1", Token: "eyJ.tok.sig", Claims: map[string]any{"sub": "u-1"}}
	for name, want := range map[string][2]string{"accounts": {"Bearer eyJ.tok.sig", "u-1"}, "products": {"", "u-1"}} {
		_, err := fw.Wrap(name, graphql.New(name, url, nil, time.Second)).Fetch(request(p, nil), &connectors.Request{Query: "{a}"}, nil)
		require.NoError(t, err)
		assert.Equal(t, want[0], rec.last().Get("Authorization"), name)
		assert.Equal(t, want[1], rec.last().Get("X-User-Id"), name)
	}
	plain := graphql.New("partner", url, nil, time.Second)
	assert.Same(t, plain, fw.Wrap("partner", plain), "a rule forwarding nothing adds no wrapper")

	none, err := connectors.NewForwarder(connectors.Forwarding{Subgraphs: map[string]connectors.ForwardRule{"a": {Token: new(bool)}}})
	require.NoError(t, err)
	assert.Nil(t, none, "rules forwarding nothing: no forwarder at all")
	assert.Same(t, plain, none.Wrap("a", plain))

	_, err = connectors.NewForwarder(connectors.Forwarding{Default: connectors.ForwardRule{Headers: []string{"Cookie"}}})
	require.ErrorContains(t, err, "forwarding.default.headers[0]: Cookie")
}

func TestForwarderStripsClaimHeadersAndKeysWhatItForwards(t *testing.T) {
	t.Parallel()
	fw := forwarder(t, connectors.Forwarding{
		Default:   connectors.ForwardRule{Claims: map[string]string{"sub": "x-user-id"}, Headers: []string{"X-Request-Id"}},
		Subgraphs: map[string]connectors.ForwardRule{"accounts": {Token: yes(), Claims: map[string]string{"email": "X-Email"}}},
	})
	in := http.Header{"X-User-Id": {"forged"}, "X-Email": {"forged"}, "X-Other": {"o"}}
	out := fw.Strip(in)
	assert.Equal(t, http.Header{"X-Other": {"o"}}, out)
	assert.Len(t, in, 3, "the client's headers are not modified")
	clean := http.Header{"X-Other": {"o"}}
	assert.Equal(t, clean, fw.Strip(clean))

	key := func(p *auth.Principal, h http.Header) string {
		return string(fw.AppendKey(nil, auth.WithPrincipal(context.Background(), p), h))
	}
	ada := &auth.Principal{Subject: "ada", Token: "t1", Claims: map[string]any{"sub": "ada", "email": "a@x"}}
	bob := &auth.Principal{Subject: "bob", Token: "t2", Claims: map[string]any{"sub": "bob", "email": "b@x"}}
	assert.Equal(t, key(ada, nil), key(ada, nil))
	assert.NotEqual(t, key(ada, nil), key(bob, nil))
	assert.NotEqual(t, key(ada, nil), key(&auth.Principal{Subject: "ada", Token: "t3", Claims: ada.Claims}, nil), "another token")
	assert.NotEqual(t, key(ada, nil), key(nil, nil), "anonymous")
	assert.NotEqual(t, key(nil, http.Header{"X-Request-Id": {"1"}}), key(nil, http.Header{"X-Request-Id": {"2"}}))
	assert.Equal(t, key(nil, http.Header{"X-Other": {"1"}}), key(nil, http.Header{"X-Other": {"2"}}), "headers not forwarded do not matter")
}

// TestDeduplicatedSharesOnlyIdenticalForwardedHeaders: a shared call is keyed by what it
// forwards; two users in flight each get their own call and their own answer.
func TestDeduplicatedSharesOnlyIdenticalForwardedHeaders(t *testing.T) {
	t.Parallel()
	rec := &recorder{delay: 200 * time.Millisecond}
	fw := forwarder(t, connectors.Forwarding{Default: connectors.ForwardRule{Claims: map[string]string{"sub": "X-User-Id"}}})
	conn := fw.Wrap("accounts", &connectors.Deduplicated{Next: graphql.New("accounts", rec.serve(t), nil, time.Second)})
	fetch := func(users ...string) []string {
		out := make([]string, len(users))
		var wg sync.WaitGroup
		for i, u := range users {
			wg.Go(func() {
				p := &auth.Principal{Subject: u, Claims: map[string]any{"sub": u}}
				body, err := conn.Fetch(request(p, nil), &connectors.Request{Query: "{me{name}}"}, nil)
				assert.NoError(t, err)
				out[i] = string(body)
			})
		}
		wg.Wait()
		return out
	}
	answers := fetch("ada", "bob")
	assert.Equal(t, []string{`{"data":{"me":{"name":"ada"}}}`, `{"data":{"me":{"name":"bob"}}}`}, answers)
	assert.EqualValues(t, 2, rec.calls.Load(), "two users: two calls")

	fetch("ada", "ada", "ada")
	assert.EqualValues(t, 3, rec.calls.Load(), "one user three times in flight: one call")
}

func TestForwarderCostsNothingWhenItHasNothingToDo(t *testing.T) {
	var none *connectors.Forwarder
	in := http.Header{"X-Other": {"o"}}
	ctx := context.Background()
	assert.Zero(t, testing.AllocsPerRun(100, func() {
		_ = none.Strip(in)
		_ = none.AppendKey(nil, ctx, in)
	}), "no forwarder: no work")
	fw := forwarder(t, connectors.Forwarding{Default: connectors.ForwardRule{Claims: map[string]string{"sub": "X-User-Id"}}})
	assert.Zero(t, testing.AllocsPerRun(100, func() { _ = fw.Strip(in) }), "no forged header: the client's headers as they are")
}
