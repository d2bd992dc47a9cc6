package metrics_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atrium-gateway/atrium/connectors/engine"
	"github.com/atrium-gateway/atrium/metrics"
)

type caches map[string]engine.CacheStats

func (c caches) ConnectorCacheStats() map[string]engine.CacheStats { return c }

func TestHandlerExposesConnectorCacheCounters(t *testing.T) {
	srv := httptest.NewServer(metrics.Handler(caches{"shop": {Hits: 3, Misses: 2, Evictions: 1, CostAdded: 900}}))
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	body := string(b)
	for _, line := range []string{
		`atrium_connector_cache_hits_total{subgraph="shop"} 3`,
		`atrium_connector_cache_misses_total{subgraph="shop"} 2`,
		`atrium_connector_cache_evictions_total{subgraph="shop"} 1`,
		`atrium_connector_cache_added_bytes_total{subgraph="shop"} 900`,
		"go_goroutines ",
	} {
		assert.Contains(t, body, line)
	}
}
