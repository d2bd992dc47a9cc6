package gateway_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2"

	"github.com/atrium-gateway/atrium/federation/usage"
	"github.com/atrium-gateway/atrium/gateway"
	"github.com/atrium-gateway/atrium/registry/store"
	"github.com/atrium-gateway/atrium/registry/store/storetest"
)

const (
	shopQuery = `query Shop { topProducts(first: 2) { name price } }`
	// shopAgain differs by literals, aliases and order only: it has shopQuery's signature.
	shopAgain = `query Shop { items: topProducts(first: 5) { price title: name } }`
	meQuery   = `query Me { me { username reviews { body } } }`
)

// usageStore opens a registry store on a fresh SQLite file, closed when the test ends.
func usageStore(t testing.TB, dsn string) *store.Store {
	t.Helper()
	st, err := store.Open(t.Context(), dsn)
	require.NoError(t, err)
	t.Cleanup(func() { _ = st.Close() })
	return st
}

func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), nil))
}

// send posts query with the headers (name, value, …) and returns the response.
func send(t *testing.T, s *stack, query string, header ...string) response {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query})
	require.NoError(t, err)
	return s.post(t, string(body), header...)
}

// sendOK is send for a query that must be answered without errors.
func sendOK(t *testing.T, s *stack, query string, header ...string) {
	t.Helper()
	r := send(t, s, query, header...)
	require.Equal(t, http.StatusOK, r.Status, r.Body)
	require.NotContains(t, r.Body, `"errors"`)
}

// usageOf returns what the store holds about coordinates in the last hour, without the
// last-seen times.
func usageOf(t *testing.T, st *store.Store, coordinates ...string) map[string][]store.OperationUse {
	t.Helper()
	used, err := st.UsageSince(t.Context(), time.Now().Add(-time.Hour), coordinates)
	require.NoError(t, err)
	for _, uses := range used {
		for i := range uses {
			require.False(t, uses[i].LastSeen.IsZero())
			uses[i].LastSeen = time.Time{}
		}
	}
	return used
}

// signatureHash is the hash the gateway records for query.
func signatureHash(t *testing.T, s *stack, query string) string {
	t.Helper()
	doc, errs := gqlparser.LoadQueryWithRules(s.Snap.Supergraph.API, query, nil)
	require.Empty(t, errs)
	_, hash, err := usage.Signature(doc, "")
	require.NoError(t, err)
	return hash
}

func TestUsageIsRecordedPerOperationAndClient(t *testing.T) {
	t.Parallel()
	st := usageStore(t, storetest.SQLite(t))
	rec := gateway.NewUsageRecorder(st, gateway.UsageOptions{Logger: testLogger(t)})
	s := startStack(t, gateway.Options{Usage: rec})

	sendOK(t, s, shopQuery, "graphql-client-name", "web")
	sendOK(t, s, shopAgain, "Graphql-Client-Name", "web")
	sendOK(t, s, shopQuery, "apollographql-client-name", "ios")
	sendOK(t, s, meQuery, "graphql-client-name", "web")
	sendOK(t, s, meQuery)
	sendOK(t, s, meQuery, "apollographql-client-name", "")
	// Not recorded: introspection only, and an operation that does not validate.
	sendOK(t, s, `query Intro { __typename __schema { queryType { name } } }`, "graphql-client-name", "web")
	r := send(t, s, `query Bad { topProducts { nope } }`, "graphql-client-name", "web")
	require.Contains(t, r.Body, `Cannot query field \"nope\"`)

	require.NoError(t, rec.Flush(t.Context()))
	shop := store.OperationUse{
		Hash: signatureHash(t, s, shopQuery), Name: "Shop", Count: 3,
		Clients: []store.ClientUse{{Name: "ios", Count: 1}, {Name: "web", Count: 2}},
	}
	me := store.OperationUse{
		Hash: signatureHash(t, s, meQuery), Name: "Me", Count: 3,
		Clients: []store.ClientUse{{Name: "", Count: 2}, {Name: "web", Count: 1}},
	}
	require.Equal(t, shop.Hash, signatureHash(t, s, shopAgain))
	assert.Equal(t, map[string][]store.OperationUse{
		"Query.topProducts":       {shop},
		"Query.topProducts.first": {shop},
		"Product.name":            {shop},
		"Product.price":           {shop},
		"Query.me":                {me},
		"User.username":           {me},
		"User.reviews":            {me},
		"Review.body":             {me},
	}, usageOf(t, st, "Query.topProducts", "Query.topProducts.first", "Product.name", "Product.price",
		"Query.me", "User.username", "User.reviews", "Review.body", "Query.__schema", "Product.nope", "Query.user"))

	// Counts add up across flushes; an empty flush writes nothing.
	require.NoError(t, rec.Flush(t.Context()))
	sendOK(t, s, shopAgain, "graphql-client-name", "ios")
	require.NoError(t, rec.Flush(t.Context()))
	shop.Count, shop.Clients[0].Count = 4, 2
	assert.Equal(t, map[string][]store.OperationUse{"Query.topProducts": {shop}}, usageOf(t, st, "Query.topProducts"))
	assert.Zero(t, rec.Dropped())
}

func TestUsageClientNamesAreCutAndMadeStorable(t *testing.T) {
	t.Parallel()
	st := usageStore(t, storetest.SQLite(t))
	rec := gateway.NewUsageRecorder(st, gateway.UsageOptions{Logger: testLogger(t)})
	s := startStack(t, gateway.Options{Usage: rec})

	long := strings.Repeat("é", store.MaxClientBytes) // twice the limit in bytes
	sendOK(t, s, shopQuery, "graphql-client-name", long)
	sendOK(t, s, shopQuery, "graphql-client-name", "bad\xffname")
	// Hive's header wins over Apollo's.
	sendOK(t, s, shopQuery, "graphql-client-name", "hive", "apollographql-client-name", "apollo")
	require.NoError(t, rec.Flush(t.Context()))

	uses := usageOf(t, st, "Query.topProducts")["Query.topProducts"]
	require.Len(t, uses, 1)
	assert.Equal(t, []store.ClientUse{
		{Name: "bad\uFFFDname", Count: 1},
		{Name: "hive", Count: 1},
		{Name: long[:store.MaxClientBytes], Count: 1}, // truncated at a character boundary
	}, uses[0].Clients)
}

func TestUsageRunFlushesWhenStopped(t *testing.T) {
	t.Parallel()
	st := usageStore(t, storetest.SQLite(t))
	rec := gateway.NewUsageRecorder(st, gateway.UsageOptions{FlushInterval: time.Hour, Logger: testLogger(t)})
	s := startStack(t, gateway.Options{Usage: rec})
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() {
		defer close(done)
		rec.Run(ctx)
	}()

	sendOK(t, s, shopQuery, "graphql-client-name", "web")
	sendOK(t, s, shopQuery, "graphql-client-name", "web")
	assert.Empty(t, usageOf(t, st, "Query.topProducts"), "nothing is written before the first flush")
	cancel()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after its context ended")
	}
	uses := usageOf(t, st, "Query.topProducts")["Query.topProducts"]
	require.Len(t, uses, 1)
	assert.Equal(t, int64(2), uses[0].Count)
}

func TestUsageRunFlushesPeriodically(t *testing.T) {
	t.Parallel()
	st := usageStore(t, storetest.SQLite(t))
	rec := gateway.NewUsageRecorder(st, gateway.UsageOptions{FlushInterval: 20 * time.Millisecond, Logger: testLogger(t)})
	s := startStack(t, gateway.Options{Usage: rec})
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	go rec.Run(ctx)

	sendOK(t, s, meQuery)
	require.Eventually(t, func() bool {
		return len(usageOf(t, st, "Query.me")["Query.me"]) == 1
	}, 10*time.Second, 10*time.Millisecond)
}

func TestUsageMaxPendingBoundsDistinctOperationsAndClients(t *testing.T) {
	t.Parallel()
	st := usageStore(t, storetest.SQLite(t))
	rec := gateway.NewUsageRecorder(st, gateway.UsageOptions{MaxPending: 2, Logger: testLogger(t)})
	s := startStack(t, gateway.Options{Usage: rec})

	sendOK(t, s, shopQuery, "graphql-client-name", "web")
	sendOK(t, s, shopQuery, "graphql-client-name", "ios")
	sendOK(t, s, shopQuery, "graphql-client-name", "android") // a third pair: not counted
	sendOK(t, s, meQuery, "graphql-client-name", "web")       // nor this one
	sendOK(t, s, shopAgain, "graphql-client-name", "web")     // a known pair (same signature) still counts
	require.NoError(t, rec.Flush(t.Context()))
	assert.Equal(t, int64(2), rec.Dropped())
	used := usageOf(t, st, "Query.topProducts", "Query.me")
	require.NotContains(t, used, "Query.me")
	assert.Equal(t, []store.ClientUse{{Name: "ios", Count: 1}, {Name: "web", Count: 2}}, used["Query.topProducts"][0].Clients)

	// The flush made room again.
	sendOK(t, s, meQuery, "graphql-client-name", "web")
	require.NoError(t, rec.Flush(t.Context()))
	assert.Contains(t, usageOf(t, st, "Query.me"), "Query.me")
	assert.Equal(t, int64(2), rec.Dropped())
}

func TestUsageFailingSinkNeitherBlocksNorPanics(t *testing.T) {
	t.Parallel()
	st := usageStore(t, storetest.SQLite(t))
	require.NoError(t, st.Close())
	rec := gateway.NewUsageRecorder(st, gateway.UsageOptions{FlushInterval: time.Millisecond, Logger: testLogger(t)})
	s := startStack(t, gateway.Options{Usage: rec})
	ctx, cancel := context.WithCancel(t.Context())
	running := make(chan struct{})
	go func() {
		defer close(running)
		rec.Run(ctx) // fails every millisecond meanwhile
	}()

	const n = 20
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			q := shopQuery
			if i%2 == 0 {
				q = meQuery
			}
			r := send(t, s, q, "graphql-client-name", "web")
			assert.Equal(t, http.StatusOK, r.Status)
			assert.NotContains(t, r.Body, `"errors"`)
		})
	}
	wg.Wait()
	cancel()
	<-running
	// Every count was tried a bounded number of times, then given up.
	assert.Equal(t, int64(n), rec.Dropped())
	require.NoError(t, rec.Flush(t.Context()), "nothing is left to write")

	sendOK(t, s, shopQuery)
	err := rec.Flush(t.Context())
	require.ErrorIs(t, err, store.ErrClosed)
	assert.Equal(t, int64(n), rec.Dropped(), "a failed batch is kept for the next flushes")
}

// switchable is a UsageSink that writes to whichever store it currently holds.
type switchable struct{ atomic.Pointer[store.Store] }

func (s *switchable) RecordUsage(ctx context.Context, records []store.UsageRecord) error {
	return s.Load().RecordUsage(ctx, records)
}

func TestUsageFailedFlushIsRetried(t *testing.T) {
	t.Parallel()
	dsn := storetest.SQLite(t)
	down := usageStore(t, dsn)
	require.NoError(t, down.Close())
	sink := &switchable{}
	sink.Store(down)
	rec := gateway.NewUsageRecorder(sink, gateway.UsageOptions{Logger: testLogger(t)})
	s := startStack(t, gateway.Options{Usage: rec})

	sendOK(t, s, shopQuery, "graphql-client-name", "web")
	require.ErrorIs(t, rec.Flush(t.Context()), store.ErrClosed)
	sendOK(t, s, shopQuery, "graphql-client-name", "web")

	// The registry is back (same database): the failed batch and the new one are written.
	up := usageStore(t, dsn)
	sink.Store(up)
	require.NoError(t, rec.Flush(t.Context()))
	require.NoError(t, rec.Flush(t.Context()))
	uses := usageOf(t, up, "Query.topProducts")["Query.topProducts"]
	require.Len(t, uses, 1)
	assert.Equal(t, []store.ClientUse{{Name: "web", Count: 2}}, uses[0].Clients, "written once each")
	assert.Zero(t, rec.Dropped())
}

func TestUsageRecorderIsSharedBySnapshots(t *testing.T) {
	t.Parallel()
	st := usageStore(t, storetest.SQLite(t))
	rec := gateway.NewUsageRecorder(st, gateway.UsageOptions{Logger: testLogger(t)})
	// Two snapshots of the same supergraph, as before and after a swap.
	before := startStack(t, gateway.Options{Usage: rec})
	after := startStack(t, gateway.Options{Usage: rec})
	sendOK(t, before, shopQuery, "graphql-client-name", "web")
	sendOK(t, after, shopAgain, "graphql-client-name", "web")
	require.NoError(t, rec.Flush(t.Context()))
	uses := usageOf(t, st, "Query.topProducts")["Query.topProducts"]
	require.Len(t, uses, 1)
	assert.Equal(t, int64(2), uses[0].Count)
}

// BenchmarkDemoQueryUsage is BenchmarkDemoQuery with and without usage recording: the
// difference is what recording costs a request.
func BenchmarkDemoQueryUsage(b *testing.B) {
	for _, on := range []bool{false, true} {
		name := "off"
		if on {
			name = "on"
		}
		b.Run(name, func(b *testing.B) {
			var opts gateway.Options
			if on {
				// Not flushed while measuring: the sink is not on the request path.
				opts.Usage = gateway.NewUsageRecorder(usageStore(b, storetest.SQLite(b)), gateway.UsageOptions{})
			}
			s := startStack(b, opts)
			body, _ := json.Marshal(map[string]string{"query": `{ topProducts { name price inStock shippingEstimate reviews { body author { username name } } } }`})
			b.ReportAllocs()
			for b.Loop() {
				req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(string(body)))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set(gateway.ClientNameHeader, "web")
				w := httptest.NewRecorder()
				s.Snap.ServeHTTP(w, req)
				if w.Code != http.StatusOK || strings.Contains(w.Body.String(), `"errors"`) {
					b.Fatalf("status %d: %s", w.Code, w.Body.String())
				}
			}
		})
	}
}
