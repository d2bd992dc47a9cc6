package gateway

import (
	"context"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/stretchr/testify/require"

	"github.com/atrium-gateway/atrium/registry/store"
	"github.com/atrium-gateway/atrium/registry/store/storetest"
)

// BenchmarkExecUsage is Exec (plan-cache hit, no execution) for the benchmark query with
// usage recording off and on: the difference is the per-request cost of recording, which
// is a cache-entry lookup, a header read and a counter increment under a mutex.
func BenchmarkExecUsage(b *testing.B) {
	sg, q, doc := benchWorkload(b)
	for _, bc := range []struct {
		name     string
		usage    bool
		parallel bool
	}{{"off", false, false}, {"on", true, false}, {"off-parallel", false, true}, {"on-parallel", true, true}} {
		b.Run(bc.name, func(b *testing.B) {
			var opts Options
			if bc.usage {
				// Not flushed while measuring: the sink is not on the request path.
				st, err := store.Open(b.Context(), storetest.SQLite(b))
				if err != nil {
					b.Fatal(err)
				}
				defer st.Close()
				opts.Usage = NewUsageRecorder(st, UsageOptions{})
			}
			snap, err := NewSnapshot(sg, opts)
			if err != nil {
				b.Fatal(err)
			}
			defer snap.Close()
			rc := &graphql.OperationContext{
				RawQuery: q, Doc: doc, Operation: doc.Operations[0],
				Headers: http.Header{ClientNameHeader: {"web"}},
			}
			ctx := graphql.WithOperationContext(context.Background(), rc)
			exec := &schema{snap: snap}
			exec.Exec(ctx)
			time.Sleep(10 * time.Millisecond) // ristretto admits asynchronously
			if bc.usage && opts.Usage.pending[usageKey{hash: mustUsage(b, snap, rc).hash, client: "web"}] == nil {
				b.Fatal("the request was not counted")
			}
			b.ReportAllocs()
			if bc.parallel {
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						exec.Exec(ctx)
					}
				})
				return
			}
			for b.Loop() {
				exec.Exec(ctx)
			}
		})
	}
}

func mustUsage(b *testing.B, snap *Snapshot, rc *graphql.OperationContext) *opUsage {
	_, e, err := snap.plan(rc.Operation, rc.Variables, nil)
	if err != nil {
		b.Fatal(err)
	}
	u := e.usageOf(snap.opts.Usage, snap.Supergraph.API, rc.Doc)
	if u == nil {
		b.Fatal("the benchmark query is not recorded")
	}
	return u
}

// TestUsageFlushSplitsLargeBatches counts more (operation, client) pairs than the store
// takes in one call: the flush must write them in several.
func TestUsageFlushSplitsLargeBatches(t *testing.T) {
	t.Parallel()
	st, err := store.Open(t.Context(), storetest.SQLite(t))
	require.NoError(t, err)
	defer st.Close()
	r := NewUsageRecorder(st, UsageOptions{MaxPending: store.MaxUsageRecords + 1})
	op := &opUsage{hash: "h", name: "Shop", document: "query Shop{topProducts{name}}", coordinates: []string{"Query.topProducts", "Product.name"}}
	for i := range store.MaxUsageRecords + 1 {
		r.count(op, "client-"+strconv.Itoa(i))
	}
	r.count(op, "client-0")
	require.NoError(t, r.Flush(t.Context()))
	require.Zero(t, r.Dropped())
	used, err := st.UsageSince(t.Context(), time.Now().Add(-time.Hour), []string{"Query.topProducts"})
	require.NoError(t, err)
	require.Len(t, used["Query.topProducts"], 1)
	require.Equal(t, int64(store.MaxUsageRecords+2), used["Query.topProducts"][0].Count)
	require.Len(t, used["Query.topProducts"][0].Clients, store.MaxUsageRecords+1)
}
