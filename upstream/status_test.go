package upstream_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/atrium-gateway/atrium/upstream"
)

func TestStatusWithoutHealthChecksIsUnknownUntilABreakerOpens(t *testing.T) {
	t.Parallel()
	good, bad := newBackend(t, ok), newBackend(t, status(http.StatusInternalServerError))
	p := newPool(t, upstream.Config{
		URLs:    []string{good.URL, bad.URL},
		Retries: upstream.Retries{Attempts: 1},
		Breaker: upstream.Breaker{Consecutive: 2, MinRequests: 1000, OpenFor: time.Minute},
	})
	require.Equal(t, upstream.StatusUnknown, p.Status(), "no failure is no proof of health")
	eventually(t, 5*time.Second, func() bool {
		_, _ = call(t, p, get)
		return state(p, 1).Breaker == "open"
	}, "the failing endpoint's breaker opens")
	require.Equal(t, upstream.StatusDegraded, p.Status())
	good.stop()
	eventually(t, 5*time.Second, func() bool {
		_, _ = call(t, p, get)
		return state(p, 0).Breaker == "open"
	}, "the other breaker opens")
	require.Equal(t, upstream.StatusDown, p.Status())
}

func TestStatusFollowsHealthChecks(t *testing.T) {
	t.Parallel()
	a, b := newBackend(t, ok), newBackend(t, ok)
	p := newPool(t, upstream.Config{
		URLs:   []string{a.URL, b.URL},
		Health: upstream.Health{Path: "/healthz", Interval: 20 * time.Millisecond, UnhealthyAfter: 1, HealthyAfter: 1},
	})
	require.Equal(t, upstream.StatusUp, p.Status())
	a.health.Store(http.StatusServiceUnavailable)
	eventually(t, 5*time.Second, func() bool { return p.Status() == upstream.StatusDegraded }, "degraded")
	b.health.Store(http.StatusServiceUnavailable)
	eventually(t, 5*time.Second, func() bool { return p.Status() == upstream.StatusDown }, "down")
	a.health.Store(0)
	b.health.Store(0)
	eventually(t, 5*time.Second, func() bool { return p.Status() == upstream.StatusUp }, "up again")
}
