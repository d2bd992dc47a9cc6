package gateway_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/atrium-gateway/atrium/federation/compose"
	"github.com/atrium-gateway/atrium/gateway"
)

// The connector benchmarks read 50 items, each with its own vendor, from a REST service
// that takes 1 ms per call (a backend on the network): vendors by a batch endpoint, by one
// call per vendor, and by one call per vendor answered from the cache.

const benchItemsSDL = `extend schema
  @link(url: "https://specs.apollo.dev/federation/v2.11", import: ["@key"])
  @link(url: "https://specs.apollo.dev/connect/v0.3", import: ["@source", "@connect"])
  @source(name: "api", http: { baseURL: "REST_URL" })
type Query {
  items: [Item!]! @connect(source: "api", http: { GET: "/items" }, selection: "id vendor: { id: vendor_id }")
}
type Item { id: ID! vendor: Vendor }
type Vendor @key(fields: "id") VENDOR_CONNECTOR { id: ID! name: String }
`

var benchVendorConnectors = map[string]string{
	"batch":  `@connect(source: "api", http: { GET: "/vendors", queryParams: "id: $batch.id" }, selection: "id name")`,
	"single": `@connect(source: "api", http: { GET: "/vendors/{$this.id}" }, selection: "id name")`,
	"cached": `@connect(source: "api", http: { GET: "/cached/vendors/{$this.id}" }, selection: "id name")`,
}

func benchItemsBackend(calls *atomic.Int64) http.Handler {
	mux := http.NewServeMux()
	write := func(w http.ResponseWriter, v any) {
		calls.Add(1)
		time.Sleep(time.Millisecond)
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(v)
	}
	mux.HandleFunc("GET /items", func(w http.ResponseWriter, _ *http.Request) {
		items := make([]any, 50)
		for i := range items {
			items[i] = map[string]any{"id": i, "vendor_id": fmt.Sprint("v", i)}
		}
		write(w, items)
	})
	mux.HandleFunc("GET /vendors", func(w http.ResponseWriter, r *http.Request) {
		var out []any
		for _, id := range r.URL.Query()["id"] {
			out = append(out, map[string]any{"id": id, "name": "Vendor " + id})
		}
		write(w, out)
	})
	vendor := func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/cached/") {
			w.Header().Set("Cache-Control", "max-age=3600")
		}
		write(w, map[string]any{"id": r.PathValue("id"), "name": "Vendor " + r.PathValue("id")})
	}
	mux.HandleFunc("GET /vendors/{id}", vendor)
	mux.HandleFunc("GET /cached/vendors/{id}", vendor)
	return mux
}

func BenchmarkRESTConnectorVendors(b *testing.B) {
	for _, mode := range []string{"batch", "single", "cached"} {
		b.Run(mode, func(b *testing.B) {
			var calls atomic.Int64
			backend := httptest.NewServer(benchItemsBackend(&calls))
			defer backend.Close()
			sdl := strings.NewReplacer("REST_URL", backend.URL, "VENDOR_CONNECTOR", benchVendorConnectors[mode]).Replace(benchItemsSDL)
			s := serveComposed(b, []compose.Input{{Name: "items", URL: backend.URL, SDL: sdl}}, gateway.Options{})
			body := s.query(b, `{ items { id vendor { name } } }`, nil)
			require.Contains(b, body, `"Vendor v49"`)
			time.Sleep(10 * time.Millisecond) // ristretto applies sets asynchronously
			calls.Store(0)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				s.query(b, `{ items { id vendor { name } } }`, nil)
			}
			b.ReportMetric(float64(calls.Load())/float64(b.N), "backend-calls/op")
		})
	}
}
