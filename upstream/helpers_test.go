package upstream_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/atrium-gateway/atrium/upstream"
)

// backend is a real HTTP server that counts the calls reaching its handler (health checks
// on /healthz aside) and can be stopped and restarted on the same address.
type backend struct {
	URL    string
	hits   atomic.Int64
	health atomic.Int32 // status of /healthz; 0 means 200
	handle http.HandlerFunc

	mu  sync.Mutex
	srv *httptest.Server
}

func newBackend(t *testing.T, handle http.HandlerFunc) *backend {
	t.Helper()
	b := &backend{handle: handle}
	b.srv = httptest.NewServer(b)
	b.URL = b.srv.URL
	t.Cleanup(b.stop)
	return b
}

func (b *backend) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/healthz" {
		if s := b.health.Load(); s != 0 {
			w.WriteHeader(int(s))
		}
		return
	}
	b.hits.Add(1)
	b.handle(w, r)
}

// stop closes the server: its address then refuses connections.
func (b *backend) stop() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.srv.Close()
}

// restart serves again on the address the backend had.
func (b *backend) restart(t *testing.T) {
	t.Helper()
	addr := strings.TrimPrefix(b.URL, "http://")
	var l net.Listener
	eventually(t, 5*time.Second, func() bool {
		var err error
		l, err = net.Listen("tcp", addr)
		return err == nil
	}, "listen again on the backend's address")
	srv := httptest.NewUnstartedServer(b)
	_ = srv.Listener.Close()
	srv.Listener = l
	srv.Start()
	b.mu.Lock()
	b.srv = srv
	b.mu.Unlock()
}

func ok(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, `{"data":{}}`) }

func status(code int) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(code) }
}

// hang answers only when the client goes away.
func hang(_ http.ResponseWriter, r *http.Request) { <-r.Context().Done() }

// refusedURL returns a URL nothing listens on.
func refusedURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return "http://" + addr
}

// newClient returns a client of its own per test, so tests do not share connections.
func newClient(t *testing.T) *http.Client {
	t.Helper()
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.DialContext = (&net.Dialer{Timeout: 5 * time.Second}).DialContext
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}

func newPool(t *testing.T, cfg upstream.Config) *upstream.Pool {
	t.Helper()
	p, err := upstream.New("shop", cfg, newClient(t), nil)
	require.NoError(t, err)
	t.Cleanup(p.Close)
	return p
}

var get = &upstream.Request{Method: http.MethodGet, Idempotent: true}

// call runs req and returns the status, draining the body; 0 with the error if Do failed.
func call(t *testing.T, p *upstream.Pool, req *upstream.Request) (int, error) {
	t.Helper()
	return callCtx(t, context.Background(), p, req)
}

func callCtx(t *testing.T, ctx context.Context, p *upstream.Pool, req *upstream.Request) (int, error) {
	t.Helper()
	resp, err := p.Do(ctx, req)
	if err != nil {
		requireSafe(t, err)
		return 0, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	require.NoError(t, resp.Body.Close())
	return resp.StatusCode, nil
}

// requireSafe checks that an error names no host or URL and wraps one of the two kinds.
func requireSafe(t *testing.T, err error) {
	t.Helper()
	msg := err.Error()
	require.NotContains(t, msg, "127.0.0.1")
	require.NotContains(t, msg, "localhost")
	require.NotContains(t, msg, "://")
	require.True(t, errors.Is(err, upstream.ErrUnavailable) || errors.Is(err, upstream.ErrTimeout), "error kind: %v", err)
}

// eventually polls cond every few milliseconds until it holds or within passes.
func eventually(t *testing.T, within time.Duration, cond func() bool, what string) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for: %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func state(p *upstream.Pool, i int) upstream.EndpointState { return p.Endpoints()[i] }
