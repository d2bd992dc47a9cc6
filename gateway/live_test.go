package gateway_test

import (
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atrium-gateway/atrium/gateway"
)

// A request in flight when the supergraph changes finishes on the snapshot it started on,
// whose caches stay open until it is done; new requests take the new snapshot.
func TestLoadSwapsWithoutDisturbingRequestsInFlight(t *testing.T) {
	var hold atomic.Bool
	release := make(chan struct{})
	arrived := make(chan struct{}, 1)
	blockAccounts := func(name string, next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if name == "accounts" && hold.Load() {
				arrived <- struct{}{}
				<-release
			}
			next.ServeHTTP(w, r)
		})
	}
	s := startStack(t, gateway.Options{}, blockAccounts)
	hold.Store(true)
	answer := make(chan string, 1)
	go func() { answer <- s.query(t, `{ me { name } }`, nil) }()
	<-arrived
	hold.Store(false)

	// products' new version renames nothing but adds a field clients can now query.
	next := strings.Replace(s.SDL, "  product(upc: String!): Product @join__field(graph: PRODUCTS)\n",
		"  product(upc: String!): Product @join__field(graph: PRODUCTS)\n  productCount: Int @join__field(graph: PRODUCTS)\n", 1)
	require.NotEqual(t, s.SDL, next)
	require.NoError(t, s.GW.Load("next", next, gateway.Options{}))
	assert.NotSame(t, s.Snap, s.GW.Current())
	got := s.query(t, `{ __type(name: "Query") { fields { name } } }`, nil)
	assert.Contains(t, got, "productCount", "new requests see the new version")

	close(release)
	select {
	case got := <-answer:
		assert.JSONEq(t, `{"data":{"me":{"name":"Ada Lovelace"}}}`, got)
	case <-time.After(10 * time.Second):
		t.Fatal("the request in flight did not finish")
	}

	// A supergraph that does not load changes nothing.
	require.Error(t, s.GW.Load("broken", "type Query { a: Int }", gateway.Options{}))
	assert.Contains(t, s.query(t, `{ me { name } }`, nil), "Ada Lovelace")
}

// Every swapped-out snapshot releases its caches' goroutines once idle.
func TestSwapsDoNotLeak(t *testing.T) {
	s := startStack(t, gateway.Options{})
	s.query(t, `{ me { name } }`, nil)
	require.NoError(t, s.GW.Load("warm", s.SDL, gateway.Options{}))
	before := runtime.NumGoroutine()
	for range 20 {
		require.NoError(t, s.GW.Load("again", s.SDL, gateway.Options{}))
		assert.Contains(t, s.query(t, `{ me { name } }`, nil), "Ada Lovelace")
	}
	var after int
	for range 50 {
		if after = runtime.NumGoroutine(); after <= before+2 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	assert.LessOrEqual(t, after, before+2, "goroutines before %d, after %d", before, after)
}

func TestNoSupergraphYet(t *testing.T) {
	gw := gateway.New(nil)
	rec := httptest.NewRecorder()
	gw.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query":"{ me { name } }"}`)))
	assert.Equal(t, http.StatusServiceUnavailable, rec.Code)
	assert.JSONEq(t, `{"errors":[{"message":"no supergraph has been published yet","extensions":{"code":"NO_SUPERGRAPH"}}]}`, rec.Body.String())
}
