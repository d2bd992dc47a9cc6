package upstream_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/atrium-gateway/atrium/upstream"
)

// BenchmarkDo compares a call through a single-URL pool with the default settings (breaker
// on, retries on, no health checks) against the same call made with client.Do, bare and
// with a timeout as connectors/graphql sets today (the pool always has one per attempt).
func BenchmarkDo(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, `{"data":{"me":{"id":"1"}}}`)
	}))
	defer srv.Close()
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 64
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	ctx := context.Background()
	body := []byte(`{"query":"{me{id}}"}`)
	header := http.Header{"Content-Type": {"application/json"}}
	finish := func(b *testing.B, resp *http.Response, err error) {
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
	}

	b.Run("client.Do", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL, bytes.NewReader(body))
			if err != nil {
				b.Fatal(err)
			}
			req.Header = header
			resp, err := client.Do(req)
			finish(b, resp, err)
		}
	})
	b.Run("client.Do+timeout", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL, bytes.NewReader(body))
			if err != nil {
				b.Fatal(err)
			}
			req.Header = header
			resp, err := client.Do(req)
			finish(b, resp, err)
			cancel()
		}
	})
	b.Run("Pool.Do", func(b *testing.B) {
		p, err := upstream.New("bench", upstream.Config{URLs: []string{srv.URL}}, client, nil)
		if err != nil {
			b.Fatal(err)
		}
		defer p.Close()
		req := &upstream.Request{Method: http.MethodPost, Header: header, Body: body, Idempotent: true}
		b.ReportAllocs()
		for b.Loop() {
			resp, err := p.Do(ctx, req)
			finish(b, resp, err)
		}
	})
}
