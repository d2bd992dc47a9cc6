package gateway

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atrium-gateway/atrium/registry/store"
	"github.com/atrium-gateway/atrium/registry/store/storetest"
)

// flaky fails its first traffic write, as a registry restarting would.
type flaky struct {
	*store.Store
	failed bool
}

func (f *flaky) RecordTraffic(ctx context.Context, records []store.TrafficRecord) error {
	if !f.failed {
		f.failed = true
		return errors.New("registry unreachable")
	}
	return f.Store.RecordTraffic(ctx, records)
}

func TestTrafficIsCountedPerAPIClientAndSurvivesAFailedFlush(t *testing.T) {
	t.Parallel()
	st, err := store.Open(t.Context(), storetest.SQLite(t))
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	r := NewUsageRecorder(&flaky{Store: st}, UsageOptions{})
	start := time.Now()
	r.countTraffic("reports", start.Add(-30*time.Millisecond), false)
	r.countTraffic("reports", start, true)
	r.countTraffic("", start, true) // no client: not counted
	require.Error(t, r.Flush(t.Context()), "the first write fails")
	r.countTraffic("reports", start, false)
	require.NoError(t, r.Flush(t.Context()))

	got, err := st.ClientTraffic(t.Context(), "reports", start.Add(-time.Hour))
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, int64(3), got[0].Requests, "the failed flush's counts were kept")
	assert.Equal(t, int64(1), got[0].Errors)
	assert.Equal(t, int64(1), got[0].Latency[store.LatencyBucket(30*time.Millisecond)])
	assert.True(t, got[0].Bucket.Equal(start.UTC().Truncate(store.TrafficBucket)))
}

func BenchmarkCountTraffic(b *testing.B) {
	st, err := store.Open(b.Context(), storetest.SQLite(b))
	require.NoError(b, err)
	b.Cleanup(func() { st.Close() })
	r := NewUsageRecorder(st, UsageOptions{})
	start := time.Now()
	b.ReportAllocs()
	for b.Loop() {
		r.countTraffic("reports", start, false)
	}
}
