package gateway_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/atrium-gateway/atrium/gateway"
)

// BenchmarkDemoQuery measures one request through the gateway (plan cached) to the four
// demo subgraphs on loopback: transport, planning cache, four fetches, merging and writing.
func BenchmarkDemoQuery(b *testing.B) {
	s := startStack(b, gateway.Options{})
	body, _ := json.Marshal(map[string]string{"query": `{ topProducts { name price inStock shippingEstimate reviews { body author { username name } } } }`})
	h := s.Snap
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(string(body)))
		req.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != http.StatusOK || strings.Contains(w.Body.String(), `"errors"`) {
			b.Fatalf("status %d: %s", w.Code, w.Body.String())
		}
	}
}
