package products_test

import (
	"context"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atrium-gateway/atrium/auth"
	"github.com/atrium-gateway/atrium/gateway"
	"github.com/atrium-gateway/atrium/gateway/products"
)

// subscriptions is a Source held in memory: what the registry would answer.
type subscriptions struct {
	mu      sync.Mutex
	subs    []products.Subscription
	changed time.Time
	used    map[string]int64
}

func (s *subscriptions) Subscriptions(context.Context) ([]products.Subscription, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]products.Subscription(nil), s.subs...), nil
}

func (s *subscriptions) Changed(context.Context) (time.Time, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.changed, nil
}

func (s *subscriptions) RequestsSince(context.Context, time.Time) (map[string]int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.used), nil
}

func (s *subscriptions) set(subs ...products.Subscription) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.subs, s.changed = subs, s.changed.Add(time.Second)
}

func demoSupergraph(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../../demo/supergraph.graphql")
	require.NoError(t, err)
	return string(b)
}

// ask sends { __typename } (answered by the gateway itself) as the client.
func ask(t *testing.T, h http.Handler, clientID string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query":"{ __typename }"}`))
	req.Header.Set("Content-Type", "application/json")
	if clientID != "" {
		req = req.WithContext(auth.WithPrincipal(req.Context(), &auth.Principal{Subject: clientID, ClientID: clientID}))
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestPlansLimitTheirClients(t *testing.T) {
	t.Parallel()
	src := &subscriptions{used: map[string]int64{"quota": 8}}
	src.set(
		products.Subscription{ClientID: "fast", Product: "reviews", PerMinute: 3},
		products.Subscription{ClientID: "quota", Product: "reviews", PerDay: 10},
	)
	same := func(sdl string, _, _ []string) (string, error) { return sdl, nil }
	r := products.New(gateway.New(nil), src, same, nil)
	require.NoError(t, r.Refresh(t.Context()))
	require.NoError(t, r.Load("v1", demoSupergraph(t), gateway.Options{}))

	for i := range 3 {
		assert.Equal(t, http.StatusOK, ask(t, r, "fast").Code, "request %d is within 3 per minute", i)
	}
	rec := ask(t, r, "fast")
	assert.Equal(t, http.StatusTooManyRequests, rec.Code)
	assert.Contains(t, rec.Body.String(), `"code":"RATE_LIMITED"`)
	assert.Equal(t, "3", rec.Header().Get("RateLimit-Limit"))
	assert.NotEmpty(t, rec.Header().Get("Retry-After"))

	// The registry counted 8 of the 10 today: two more pass.
	assert.Equal(t, http.StatusOK, ask(t, r, "quota").Code)
	assert.Equal(t, http.StatusOK, ask(t, r, "quota").Code)
	rec = ask(t, r, "quota")
	assert.Equal(t, http.StatusTooManyRequests, rec.Code)
	assert.Contains(t, rec.Body.String(), `"code":"QUOTA_EXCEEDED"`)

	// Others are not limited: no token, or a client without a subscription.
	for range 5 {
		assert.Equal(t, http.StatusOK, ask(t, r, "").Code)
		assert.Equal(t, http.StatusOK, ask(t, r, "other").Code)
	}

	// A new plan applies at the next refresh.
	src.set(products.Subscription{ClientID: "fast", Product: "reviews", PerMinute: 600})
	require.NoError(t, r.Refresh(t.Context()))
	assert.Equal(t, http.StatusOK, ask(t, r, "fast").Code)
	assert.Equal(t, http.StatusOK, ask(t, r, "quota").Code, "quota's subscription ended: the full graph, unlimited")
}

// BenchmarkRoute is what the router adds to a request: finding the client's product and
// taking a token from its limiter. The answer itself ({ __typename }) is the gateway's.
func BenchmarkRoute(b *testing.B) {
	src := &subscriptions{}
	src.set(products.Subscription{ClientID: "shop", Product: "catalogue", PerMinute: 1 << 30, PerDay: 1 << 30})
	same := func(sdl string, _, _ []string) (string, error) { return sdl, nil }
	main := gateway.New(nil)
	r := products.New(main, src, same, nil)
	require.NoError(b, r.Refresh(b.Context()))
	sdl, err := os.ReadFile("../../demo/supergraph.graphql")
	require.NoError(b, err)
	require.NoError(b, r.Load("v1", string(sdl), gateway.Options{}))
	for _, client := range []string{"", "shop", "direct"} {
		var h http.Handler = r
		if client == "direct" {
			h, client = main, "" // the gateway alone: the baseline
		}
		name := map[http.Handler]string{main: "gateway-alone"}[h]
		if name == "" {
			name = "router/client=" + client
		}
		b.Run(name, func(b *testing.B) {
			ctx := context.Background()
			if client != "" {
				ctx = auth.WithPrincipal(ctx, &auth.Principal{Subject: client, ClientID: client})
			}
			b.ReportAllocs()
			for b.Loop() {
				req := httptest.NewRequestWithContext(ctx, http.MethodPost, "/graphql", strings.NewReader(`{"query":"{ __typename }"}`))
				req.Header.Set("Content-Type", "application/json")
				h.ServeHTTP(httptest.NewRecorder(), req)
			}
		})
	}
}
