package engine

import (
	"sync/atomic"
	"time"

	"github.com/dgraph-io/ristretto/v2"
)

// cache keeps GET answers of a connector subgraph by call key (source, method, URL,
// headers sent, body), bounded in bytes. Keys carry every header sent, so an answer to a
// call that forwarded a user's identity is only found by calls forwarding the same.
type cache struct {
	c            *ristretto.Cache[string, *cached]
	hits, misses atomic.Uint64
}

type cached struct {
	key  string // ristretto keeps only a hash of the key: compare it in full
	resp *response
}

func newCache(maxBytes int64) (*cache, error) {
	c, err := ristretto.NewCache(&ristretto.Config[string, *cached]{
		NumCounters: max(maxBytes/1024*10, 1000), // ~10 counters per entry of ~1 KiB
		MaxCost:     maxBytes,
		BufferItems: 64,
		Metrics:     true,
	})
	if err != nil {
		return nil, err
	}
	return &cache{c: c}, nil
}

func (c *cache) get(key string) (*response, bool) {
	v, ok := c.c.Get(key)
	if !ok || v.key != key { // another key of the same hash is a miss
		c.misses.Add(1)
		return nil, false
	}
	c.hits.Add(1)
	return v.resp, true
}

func (c *cache) set(key string, r *response, ttl time.Duration, size int) {
	c.c.SetWithTTL(key, &cached{key: key, resp: r}, int64(size+len(key)+64), ttl)
	// Ristretto applies sets asynchronously; waiting (microseconds, on a miss that already
	// paid a backend call) lets the next identical call hit, so caching is deterministic.
	c.c.Wait()
}

// CacheStats are a connector subgraph's cache counters.
type CacheStats struct {
	Hits, Misses, Evictions, CostAdded, CostEvicted, SetsDropped, SetsRejected uint64
}

func (c *cache) stats() CacheStats {
	m := c.c.Metrics
	return CacheStats{Hits: c.hits.Load(), Misses: c.misses.Load(), Evictions: m.KeysEvicted(), CostAdded: m.CostAdded(),
		CostEvicted: m.CostEvicted(), SetsDropped: m.SetsDropped(), SetsRejected: m.SetsRejected()}
}
