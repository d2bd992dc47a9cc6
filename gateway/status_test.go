package gateway_test

import (
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atrium-gateway/atrium/gateway"
	"github.com/atrium-gateway/atrium/upstream"
)

func TestSubgraphStatusReadsTheTrafficPools(t *testing.T) {
	t.Parallel()
	assert.Nil(t, gateway.New(nil).SubgraphStatus(), "nothing served, nothing known")

	var sick atomic.Bool
	healthz := func(name string, next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !strings.HasSuffix(r.URL.Path, "/healthz") {
				next.ServeHTTP(w, r)
			} else if sick.Load() {
				w.WriteHeader(http.StatusServiceUnavailable)
			}
		})
	}
	s := startStack(t, gateway.Options{SubgraphTraffic: map[string]upstream.Config{
		"reviews":  {Health: upstream.Health{Path: "/healthz", Interval: 20 * time.Millisecond, UnhealthyAfter: 1, HealthyAfter: 1}},
		"products": {},
	}}, healthz)
	assert.Equal(t, map[string]upstream.HealthStatus{"reviews": upstream.StatusUp, "products": upstream.StatusUnknown},
		s.GW.SubgraphStatus(), "subgraphs without a traffic pool are left out")
	sick.Store(true)
	require.Eventually(t, func() bool { return s.GW.SubgraphStatus()["reviews"] == upstream.StatusDown }, 5*time.Second, 10*time.Millisecond)
}
