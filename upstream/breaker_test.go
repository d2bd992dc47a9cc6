package upstream_test

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/atrium-gateway/atrium/upstream"
)

func TestBreakerOpensHalfOpensAndCloses(t *testing.T) {
	t.Parallel()
	var failing atomic.Bool
	failing.Store(true)
	b := newBackend(t, func(w http.ResponseWriter, r *http.Request) {
		if failing.Load() {
			w.WriteHeader(http.StatusInternalServerError)
		}
	})
	p := newPool(t, upstream.Config{
		URLs:    []string{b.URL},
		Retries: upstream.Retries{Attempts: 1},
		Breaker: upstream.Breaker{Consecutive: 3, MinRequests: 1000, OpenFor: 500 * time.Millisecond, HalfOpen: 1},
	})
	for range 3 {
		code, err := call(t, p, get)
		require.NoError(t, err)
		require.Equal(t, http.StatusInternalServerError, code)
	}
	require.Equal(t, "open", state(p, 0).Breaker)
	for range 5 {
		_, err := call(t, p, get)
		require.ErrorIs(t, err, upstream.ErrUnavailable)
		require.Contains(t, err.Error(), "circuit breaker")
	}
	require.EqualValues(t, 3, b.hits.Load(), "an open breaker stops the calls")

	// After open_for, one trial call goes through; it fails, so the breaker opens again.
	eventually(t, 5*time.Second, func() bool { return state(p, 0).Breaker == "half-open" }, "half-open")
	code, err := call(t, p, get)
	require.NoError(t, err)
	require.Equal(t, http.StatusInternalServerError, code)
	require.Equal(t, "open", state(p, 0).Breaker)
	require.EqualValues(t, 4, b.hits.Load())

	// The backend recovers: the next trial call succeeds and closes the breaker.
	failing.Store(false)
	eventually(t, 5*time.Second, func() bool { return state(p, 0).Breaker == "half-open" }, "half-open again")
	code, err = call(t, p, get)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, code)
	require.Equal(t, "closed", state(p, 0).Breaker)
	require.EqualValues(t, 5, b.hits.Load())
	require.EqualValues(t, 5, state(p, 0).Requests)
	require.EqualValues(t, 4, state(p, 0).Failures)
}

func TestBreakerTripsOnFailureRatio(t *testing.T) {
	t.Parallel()
	var n atomic.Int64
	b := newBackend(t, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1)%2 == 0 {
			w.WriteHeader(http.StatusBadGateway)
		}
	})
	p := newPool(t, upstream.Config{
		URLs:    []string{b.URL},
		Retries: upstream.Retries{Attempts: 1},
		Breaker: upstream.Breaker{FailureRatio: 0.5, MinRequests: 10, Consecutive: 100, OpenFor: time.Minute},
	})
	for range 9 {
		_, err := call(t, p, get)
		require.NoError(t, err)
	}
	require.Equal(t, "closed", state(p, 0).Breaker, "4 failures in 9 calls: under min_requests")
	_, err := call(t, p, get)
	require.NoError(t, err)
	require.Equal(t, "open", state(p, 0).Breaker, "5 failures in 10 calls")
}

func TestBreakerIgnoresClientErrorsAndCancels(t *testing.T) {
	t.Parallel()
	var hanging atomic.Bool
	b := newBackend(t, func(w http.ResponseWriter, r *http.Request) {
		if hanging.Load() {
			<-r.Context().Done()
			return
		}
		w.WriteHeader(http.StatusNotFound)
	})
	p := newPool(t, upstream.Config{
		URLs:    []string{b.URL},
		Retries: upstream.Retries{Attempts: 1},
		Breaker: upstream.Breaker{Consecutive: 2},
	})
	for range 10 {
		code, err := call(t, p, get)
		require.NoError(t, err)
		require.Equal(t, http.StatusNotFound, code)
	}
	hanging.Store(true)
	for i := range 5 {
		ctx, cancel := context.WithCancel(context.Background())
		go func() {
			for b.hits.Load() <= int64(10+i) {
				time.Sleep(time.Millisecond)
			}
			cancel()
		}()
		_, err := callCtx(t, ctx, p, get)
		require.ErrorIs(t, err, context.Canceled)
		cancel()
	}
	require.Equal(t, "closed", state(p, 0).Breaker)
	require.Zero(t, state(p, 0).Failures)
	require.EqualValues(t, 15, state(p, 0).Requests)
}

func TestAllBreakersOpenFailsFast(t *testing.T) {
	t.Parallel()
	a, b := newBackend(t, status(http.StatusInternalServerError)), newBackend(t, status(http.StatusInternalServerError))
	p := newPool(t, upstream.Config{
		URLs:    []string{a.URL, b.URL},
		Retries: upstream.Retries{Attempts: 1},
		Breaker: upstream.Breaker{Consecutive: 2, OpenFor: time.Minute},
	})
	for range 4 {
		code, err := call(t, p, get)
		require.NoError(t, err)
		require.Equal(t, http.StatusInternalServerError, code)
	}
	for range 10 {
		_, err := call(t, p, get)
		require.ErrorIs(t, err, upstream.ErrUnavailable)
	}
	require.EqualValues(t, 4, a.hits.Load()+b.hits.Load())
}

func TestPanicModeServesWhenNoEndpointIsHealthy(t *testing.T) {
	t.Parallel()
	a, b := newBackend(t, ok), newBackend(t, ok)
	a.health.Store(http.StatusServiceUnavailable)
	b.health.Store(http.StatusServiceUnavailable)
	p := newPool(t, upstream.Config{
		URLs:   []string{a.URL, b.URL},
		Health: upstream.Health{Path: "/healthz", Interval: 20 * time.Millisecond, UnhealthyAfter: 1},
	})
	eventually(t, 5*time.Second, func() bool { return !state(p, 0).Healthy && !state(p, 1).Healthy }, "both endpoints unhealthy")
	for range 10 {
		code, err := call(t, p, get)
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, code)
	}
	require.Positive(t, a.hits.Load())
	require.Positive(t, b.hits.Load())
}
