// Package metrics serves Atrium's Prometheus metrics at /metrics: the Go runtime and
// process, and the connector caches' counters (hits, misses, evictions, bytes).
package metrics

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/atrium-gateway/atrium/connectors/engine"
)

// CacheSource reports the connector caches' counters by subgraph (gateway.Gateway does).
type CacheSource interface {
	ConnectorCacheStats() map[string]engine.CacheStats
}

// Handler serves the metrics of a gateway.
func Handler(caches CacheSource) http.Handler {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		&cacheCollector{src: caches})
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg})
}

// cacheCollector reads the caches' counters at each scrape: nothing is counted twice on
// the request path.
type cacheCollector struct{ src CacheSource }

type cacheCounter struct {
	desc *prometheus.Desc
	read func(engine.CacheStats) uint64
}

var cacheCounters = []cacheCounter{
	{counterDesc("hits", "Connector calls answered from the cache."), func(s engine.CacheStats) uint64 { return s.Hits }},
	{counterDesc("misses", "Cacheable connector calls not found in the cache."), func(s engine.CacheStats) uint64 { return s.Misses }},
	{counterDesc("evictions", "Entries evicted to stay within the cache's size."), func(s engine.CacheStats) uint64 { return s.Evictions }},
	{counterDesc("added_bytes", "Bytes of the entries added."), func(s engine.CacheStats) uint64 { return s.CostAdded }},
	{counterDesc("evicted_bytes", "Bytes of the entries evicted."), func(s engine.CacheStats) uint64 { return s.CostEvicted }},
	{counterDesc("sets_dropped", "Entries not added because the cache's buffers were full."), func(s engine.CacheStats) uint64 { return s.SetsDropped }},
	{counterDesc("sets_rejected", "Entries the cache's admission policy refused."), func(s engine.CacheStats) uint64 { return s.SetsRejected }},
}

func counterDesc(name, help string) *prometheus.Desc {
	return prometheus.NewDesc("atrium_connector_cache_"+name+"_total",
		help+" Per connector subgraph; a new supergraph version restarts the counts.", []string{"subgraph"}, nil)
}

func (c *cacheCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, m := range cacheCounters {
		ch <- m.desc
	}
}

func (c *cacheCollector) Collect(ch chan<- prometheus.Metric) {
	for subgraph, stats := range c.src.ConnectorCacheStats() {
		for _, m := range cacheCounters {
			ch <- prometheus.MustNewConstMetric(m.desc, prometheus.CounterValue, float64(m.read(stats)), subgraph)
		}
	}
}
