package store_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atrium-gateway/atrium/registry/store"
)

func latency(at map[int]int64) []int64 {
	out := make([]int64, len(store.LatencyBounds)+1)
	for i, n := range at {
		out[i] = n
	}
	return out
}

func TestClientTrafficAddsUp(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, dsn string) {
		s := openStore(t, dsn)
		ctx := t.Context()
		t0 := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
		require.NoError(t, s.RecordTraffic(ctx, []store.TrafficRecord{
			{ClientID: "reports", Bucket: t0.Add(time.Minute), Requests: 3, Errors: 1, Latency: latency(map[int]int64{0: 2, 4: 1})},
			{ClientID: "reports", Bucket: t0.Add(2 * time.Minute), Requests: 1, Latency: latency(map[int]int64{0: 1})},
			{ClientID: "reports", Bucket: t0.Add(6 * time.Minute), Requests: 2, Latency: latency(map[int]int64{11: 2})},
			{ClientID: "other", Bucket: t0, Requests: 5, Latency: latency(map[int]int64{1: 5})},
		}))
		// A second flush adds to the same bucket.
		require.NoError(t, s.RecordTraffic(ctx, []store.TrafficRecord{
			{ClientID: "reports", Bucket: t0.Add(4 * time.Minute), Requests: 1, Errors: 1, Latency: latency(map[int]int64{7: 1})},
		}))
		got, err := s.ClientTraffic(ctx, "reports", t0)
		require.NoError(t, err)
		require.Len(t, got, 2)
		assert.True(t, got[0].Bucket.Equal(t0))
		assert.Equal(t, int64(5), got[0].Requests)
		assert.Equal(t, int64(2), got[0].Errors)
		assert.Equal(t, latency(map[int]int64{0: 3, 4: 1, 7: 1}), got[0].Latency)
		assert.Equal(t, 5*time.Millisecond, got[0].Percentile(0.5))
		assert.Equal(t, 100*time.Millisecond, got[0].Percentile(0.8))
		assert.Equal(t, time.Second, got[0].Percentile(0.99))
		assert.Equal(t, 20*time.Second, got[1].Percentile(0.5), "past the last bound")
		later, _ := s.ClientTraffic(ctx, "reports", t0.Add(5*time.Minute))
		assert.Len(t, later, 1)
		counts, err := s.ClientRequestsSince(ctx, t0)
		require.NoError(t, err)
		assert.Equal(t, map[string]int64{"reports": 7, "other": 5}, counts)
		counts, _ = s.ClientRequestsSince(ctx, t0.Add(5*time.Minute))
		assert.Equal(t, map[string]int64{"reports": 2}, counts)

		for name, bad := range map[string]store.TrafficRecord{
			"no client":         {Bucket: t0, Requests: 1, Latency: latency(nil)},
			"errors > requests": {ClientID: "a", Bucket: t0, Requests: 1, Errors: 2, Latency: latency(nil)},
			"short histogram":   {ClientID: "a", Bucket: t0, Requests: 1, Latency: []int64{1}},
		} {
			var invalid store.ValidationErrors
			assert.True(t, errors.As(s.RecordTraffic(ctx, []store.TrafficRecord{bad}), &invalid), name)
		}
	})
}
