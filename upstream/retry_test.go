package upstream_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/atrium-gateway/atrium/upstream"
)

func TestKilledInstanceIsRetriedSkippedAndReadmitted(t *testing.T) {
	t.Parallel()
	a, b := newBackend(t, ok), newBackend(t, ok)
	p := newPool(t, upstream.Config{
		URLs:    []string{a.URL, b.URL},
		Health:  upstream.Health{Path: "/healthz", Interval: 100 * time.Millisecond, Timeout: 100 * time.Millisecond, UnhealthyAfter: 2, HealthyAfter: 1},
		Retries: upstream.Retries{Attempts: 3, Backoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond},
		Breaker: upstream.Breaker{OpenFor: 100 * time.Millisecond, HalfOpen: 1},
	})
	for range 20 {
		code, err := call(t, p, get)
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, code)
	}
	require.Positive(t, b.hits.Load())

	b.stop()
	for i := range 50 {
		code, err := call(t, p, get)
		require.NoError(t, err, "call %d after the instance died", i)
		require.Equal(t, http.StatusOK, code)
	}
	eventually(t, 5*time.Second, func() bool { return !state(p, 1).Healthy }, "the dead endpoint to turn unhealthy")
	before := state(p, 1).Requests
	for range 20 {
		_, err := call(t, p, get)
		require.NoError(t, err)
	}
	require.Equal(t, before, state(p, 1).Requests, "an unhealthy endpoint gets no calls while another is healthy")

	hits := b.hits.Load()
	b.restart(t)
	eventually(t, 10*time.Second, func() bool {
		_, err := call(t, p, get)
		require.NoError(t, err)
		return state(p, 1).Healthy && b.hits.Load() > hits
	}, "the restarted endpoint to be healthy and called again")
}

func TestNonIdempotentCallIsNotRetriedOnceItReachedAServer(t *testing.T) {
	t.Parallel()
	post := &upstream.Request{Method: http.MethodPost, Body: []byte(`{"query":"mutation{x}"}`)}
	retries := upstream.Retries{Attempts: 3, Backoff: time.Millisecond}

	t.Run("5xx", func(t *testing.T) {
		t.Parallel()
		a, b := newBackend(t, status(http.StatusServiceUnavailable)), newBackend(t, status(http.StatusServiceUnavailable))
		p := newPool(t, upstream.Config{URLs: []string{a.URL, b.URL}, Retries: retries})
		code, err := call(t, p, post)
		require.NoError(t, err)
		require.Equal(t, http.StatusServiceUnavailable, code)
		require.EqualValues(t, 1, a.hits.Load()+b.hits.Load())
	})
	t.Run("connection dropped", func(t *testing.T) {
		t.Parallel()
		drop := func(w http.ResponseWriter, _ *http.Request) {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				_ = conn.Close()
			}
		}
		a, b := newBackend(t, drop), newBackend(t, drop)
		p := newPool(t, upstream.Config{URLs: []string{a.URL, b.URL}, Retries: retries})
		_, err := call(t, p, post)
		require.ErrorIs(t, err, upstream.ErrUnavailable)
		require.EqualValues(t, 1, a.hits.Load()+b.hits.Load())

		// The same failure on an idempotent call is retried, on the other endpoint first.
		_, err = call(t, p, get)
		require.ErrorIs(t, err, upstream.ErrUnavailable)
		require.EqualValues(t, 4, a.hits.Load()+b.hits.Load())
		require.Positive(t, a.hits.Load())
		require.Positive(t, b.hits.Load())
	})
}

func TestNonIdempotentCallIsRetriedWhenTheConnectionIsRefused(t *testing.T) {
	t.Parallel()
	var bodies atomic.Int64
	good := newBackend(t, func(w http.ResponseWriter, r *http.Request) {
		if body, _ := io.ReadAll(r.Body); string(body) == "payload" {
			bodies.Add(1)
		}
	})
	p := newPool(t, upstream.Config{URLs: []string{refusedURL(t), good.URL}})
	post := &upstream.Request{Method: http.MethodPost, Body: []byte("payload")}
	for range 10 {
		code, err := call(t, p, post)
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, code)
	}
	require.EqualValues(t, 10, good.hits.Load())
	require.EqualValues(t, 10, bodies.Load(), "the body is sent whole on the retry")
	require.Positive(t, state(p, 0).Requests, "the first call went to the refused endpoint first")
	require.Equal(t, state(p, 0).Requests, state(p, 0).Failures)

	// With retries off, the refusal is the answer: the error names no address.
	p = newPool(t, upstream.Config{URLs: []string{refusedURL(t)}, Retries: upstream.Retries{Attempts: 1}})
	_, err := call(t, p, post)
	require.ErrorIs(t, err, upstream.ErrUnavailable)
	require.Contains(t, err.Error(), "connection refused")
}

func TestRetryAfterIsHonouredUpToMaxBackoff(t *testing.T) {
	t.Parallel()
	t.Run("waits", func(t *testing.T) {
		t.Parallel()
		var n atomic.Int64
		b := newBackend(t, func(w http.ResponseWriter, _ *http.Request) {
			if n.Add(1) == 1 {
				w.Header().Set("Retry-After", "1")
				w.WriteHeader(http.StatusServiceUnavailable)
			}
		})
		p := newPool(t, upstream.Config{
			URLs:    []string{b.URL},
			Retries: upstream.Retries{Attempts: 2, Backoff: time.Millisecond, MaxBackoff: 3 * time.Second},
		})
		start := time.Now()
		code, err := call(t, p, get)
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, code)
		require.GreaterOrEqual(t, time.Since(start), 900*time.Millisecond)
		require.EqualValues(t, 2, b.hits.Load())
	})
	t.Run("longer than max_backoff", func(t *testing.T) {
		t.Parallel()
		b := newBackend(t, func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Retry-After", "120")
			w.WriteHeader(http.StatusServiceUnavailable)
		})
		p := newPool(t, upstream.Config{URLs: []string{b.URL}, Retries: upstream.Retries{Attempts: 3, MaxBackoff: time.Second}})
		start := time.Now()
		code, err := call(t, p, get)
		require.NoError(t, err)
		require.Equal(t, http.StatusServiceUnavailable, code, "the backend's answer is returned")
		require.EqualValues(t, 1, b.hits.Load())
		require.Less(t, time.Since(start), 5*time.Second)
	})
}

func TestRetryBudgetStopsARetryStorm(t *testing.T) {
	t.Parallel()
	b := newBackend(t, status(http.StatusServiceUnavailable))
	p := newPool(t, upstream.Config{
		URLs:    []string{b.URL},
		Retries: upstream.Retries{Attempts: 5, Backoff: time.Millisecond, MaxBackoff: time.Millisecond, Budget: 0.1},
		Breaker: upstream.Breaker{Disabled: true},
	})
	const calls = 200
	for range calls {
		code, err := call(t, p, get)
		require.NoError(t, err)
		require.Equal(t, http.StatusServiceUnavailable, code)
	}
	// Without a budget: 5 attempts per call. With it: 10% of the calls, or at least 10.
	hits := b.hits.Load()
	require.Greater(t, hits, int64(calls), "some calls were retried")
	require.LessOrEqual(t, hits, int64(calls+calls/10+1))
}

func TestDeadlines(t *testing.T) {
	t.Parallel()
	t.Run("per attempt", func(t *testing.T) {
		t.Parallel()
		b := newBackend(t, hang)
		p := newPool(t, upstream.Config{URLs: []string{b.URL}, Timeout: 100 * time.Millisecond, Retries: upstream.Retries{Attempts: 1}})
		start := time.Now()
		_, err := call(t, p, get)
		require.ErrorIs(t, err, upstream.ErrTimeout)
		require.ErrorIs(t, err, context.DeadlineExceeded)
		require.GreaterOrEqual(t, time.Since(start), 100*time.Millisecond)
		require.Less(t, time.Since(start), 3*time.Second)
	})
	t.Run("caller deadline bounds retries", func(t *testing.T) {
		t.Parallel()
		a, b := newBackend(t, hang), newBackend(t, hang)
		p := newPool(t, upstream.Config{URLs: []string{a.URL, b.URL}, Timeout: 10 * time.Second, Retries: upstream.Retries{Attempts: 5}})
		ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := callCtx(t, ctx, p, get)
		require.ErrorIs(t, err, upstream.ErrTimeout)
		require.ErrorIs(t, err, context.DeadlineExceeded)
		require.Less(t, time.Since(start), 3*time.Second)
		require.EqualValues(t, 1, a.hits.Load()+b.hits.Load())
	})
	t.Run("a timed out attempt is retried elsewhere", func(t *testing.T) {
		t.Parallel()
		slow, fast := newBackend(t, hang), newBackend(t, ok)
		p := newPool(t, upstream.Config{URLs: []string{slow.URL, fast.URL}, Timeout: 500 * time.Millisecond})
		for range 2 { // the first goes to slow, then fast; the second to fast
			code, err := call(t, p, get)
			require.NoError(t, err)
			require.Equal(t, http.StatusOK, code)
		}
		require.EqualValues(t, 1, slow.hits.Load())
		require.EqualValues(t, 2, fast.hits.Load())
	})
	t.Run("the attempt timeout covers the body", func(t *testing.T) {
		t.Parallel()
		b := newBackend(t, func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.WriteString(w, "partial")
			w.(http.Flusher).Flush()
			<-r.Context().Done()
		})
		p := newPool(t, upstream.Config{URLs: []string{b.URL}, Timeout: 100 * time.Millisecond})
		resp, err := p.Do(context.Background(), get)
		require.NoError(t, err)
		defer resp.Body.Close()
		_, err = io.ReadAll(resp.Body)
		require.True(t, errors.Is(err, context.DeadlineExceeded), "reading the body: %v", err)
	})
	t.Run("caller cancel", func(t *testing.T) {
		t.Parallel()
		b := newBackend(t, hang)
		p := newPool(t, upstream.Config{URLs: []string{b.URL}})
		ctx, cancel := context.WithCancel(context.Background())
		go func() {
			for b.hits.Load() == 0 {
				time.Sleep(time.Millisecond)
			}
			cancel()
		}()
		_, err := callCtx(t, ctx, p, get)
		require.ErrorIs(t, err, context.Canceled)
		require.ErrorIs(t, err, upstream.ErrUnavailable)
	})
}
