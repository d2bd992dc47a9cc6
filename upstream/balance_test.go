package upstream_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/atrium-gateway/atrium/upstream"
)

func TestRoundRobinSpreadsCallsEvenly(t *testing.T) {
	t.Parallel()
	bs := []*backend{newBackend(t, ok), newBackend(t, ok), newBackend(t, ok)}
	p := newPool(t, upstream.Config{URLs: []string{bs[0].URL, bs[1].URL, bs[2].URL}})
	for range 300 {
		code, err := call(t, p, get)
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, code)
	}
	for i, b := range bs {
		require.EqualValues(t, 100, b.hits.Load(), "backend %d", i)
		require.EqualValues(t, 100, state(p, i).Requests)
		require.Zero(t, state(p, i).Failures)
	}
}

func TestLeastOutstandingPrefersTheIdleEndpoint(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	var releaseOnce sync.Once
	slow := newBackend(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	fast := newBackend(t, ok)
	stopWaiting := func() { releaseOnce.Do(func() { close(release) }) }
	t.Cleanup(stopWaiting) // before the servers close: cleanups run last first
	p := newPool(t, upstream.Config{
		URLs:     []string{slow.URL, fast.URL},
		Balancer: upstream.LeastOutstanding,
		Retries:  upstream.Retries{Attempts: 1},
	})

	// Calls are started one by one: each either is answered by fast or hangs in slow.
	// Once slow holds one, it has more calls outstanding than fast and gets no more.
	var wg sync.WaitGroup
	var answered atomic.Int64
	const calls = 20
	for i := range calls {
		wg.Go(func() {
			resp, err := p.Do(context.Background(), get)
			if err != nil {
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				answered.Add(1)
			}
		})
		eventually(t, 5*time.Second, func() bool {
			return slow.hits.Load()+answered.Load() == int64(i+1)
		}, "the call to be answered or to hang")
	}
	require.LessOrEqual(t, slow.hits.Load(), int64(1))
	require.GreaterOrEqual(t, fast.hits.Load(), int64(calls-1))
	stopWaiting()
	wg.Wait()
}

func TestRequestURLJoinsBaseAndPathQuery(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var seen []string
	b := newBackend(t, func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		seen = append(seen, r.Method+" "+r.URL.RequestURI()+" "+r.Header.Get("X-Test")+" "+string(body))
		mu.Unlock()
	})
	for _, base := range []string{b.URL + "/v1", b.URL + "/v1/"} {
		p := newPool(t, upstream.Config{URLs: []string{base}})
		for _, pq := range []string{"/x?y=1", "x", "?q=2", ""} {
			_, err := call(t, p, &upstream.Request{
				Method: http.MethodPost, PathQuery: pq, Body: []byte("b"),
				Header: http.Header{"X-Test": {"h"}},
			})
			require.NoError(t, err)
		}
	}
	require.Equal(t, []string{
		"POST /v1/x?y=1 h b", "POST /v1/x h b", "POST /v1?q=2 h b", "POST /v1 h b",
		"POST /v1/x?y=1 h b", "POST /v1/x h b", "POST /v1/?q=2 h b", "POST /v1/ h b",
	}, seen)
}

func TestDefaultClientAndMethod(t *testing.T) {
	t.Parallel()
	b := newBackend(t, func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, r.Method) })
	p, err := upstream.New("shop", upstream.Config{URLs: []string{b.URL}}, nil, nil)
	require.NoError(t, err)
	defer p.Close()
	resp, err := p.Do(context.Background(), &upstream.Request{})
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	require.Equal(t, "GET", strings.TrimSpace(string(body)))
}

func TestConcurrentCallsKeepCountsConsistent(t *testing.T) {
	t.Parallel()
	var n atomic.Int64
	flaky := newBackend(t, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1)%3 == 0 {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	})
	steady := newBackend(t, ok)
	p := newPool(t, upstream.Config{
		URLs:     []string{flaky.URL, steady.URL},
		Balancer: upstream.LeastOutstanding,
		// Probes run alongside the calls, but a slow machine must not turn steady unhealthy.
		Health:  upstream.Health{Path: "/healthz", Interval: 10 * time.Millisecond, UnhealthyAfter: 1 << 20},
		Retries: upstream.Retries{Attempts: 3, Backoff: time.Millisecond, Budget: 1},
		Breaker: upstream.Breaker{OpenFor: 20 * time.Millisecond},
	})
	var wg sync.WaitGroup
	var failed atomic.Int64
	for range 8 {
		wg.Go(func() {
			for range 50 {
				resp, err := p.Do(context.Background(), get)
				if err != nil {
					failed.Add(1)
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				_ = resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					failed.Add(1)
				}
			}
		})
	}
	wg.Wait()
	require.Zero(t, failed.Load(), "every 503 was retried on the steady endpoint")
	eps := p.Endpoints()
	require.EqualValues(t, flaky.hits.Load(), eps[0].Requests)
	require.EqualValues(t, steady.hits.Load(), eps[1].Requests)
	require.EqualValues(t, flaky.hits.Load()/3, eps[0].Failures)
	require.Zero(t, eps[0].InFlight+eps[1].InFlight)
}
