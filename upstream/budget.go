package upstream

import (
	"sync"
	"time"
)

// The retry budget counts requests and retries in a sliding window of budgetBuckets
// buckets. A retry is allowed while retries stay under ratio × requests, or under
// budgetMinRetries, so that a lightly used backend can still retry a blip.
const (
	budgetWindow     = 10 * time.Second
	budgetBuckets    = 10
	budgetMinRetries = 10
)

type budget struct {
	ratio float64
	start time.Time

	mu      sync.Mutex
	buckets [budgetBuckets]budgetBucket
}

type budgetBucket struct {
	tick              int64
	requests, retries int64
}

func newBudget(ratio float64) *budget {
	return &budget{ratio: ratio, start: time.Now()}
}

func (b *budget) now() int64 {
	return int64(time.Since(b.start) / (budgetWindow / budgetBuckets))
}

// current returns the bucket of tick, emptied if it held an older tick. b.mu is held.
func (b *budget) current(tick int64) *budgetBucket {
	s := &b.buckets[tick%budgetBuckets]
	if s.tick != tick {
		*s = budgetBucket{tick: tick}
	}
	return s
}

// request records a call.
func (b *budget) request() {
	tick := b.now()
	b.mu.Lock()
	b.current(tick).requests++
	b.mu.Unlock()
}

// retry reports whether one more retry fits the budget, and records it if so.
func (b *budget) retry() bool {
	tick := b.now()
	b.mu.Lock()
	defer b.mu.Unlock()
	var requests, retries int64
	for i := range b.buckets {
		if s := &b.buckets[i]; tick-s.tick < budgetBuckets {
			requests += s.requests
			retries += s.retries
		}
	}
	if retries >= budgetMinRetries && float64(retries+1) > b.ratio*float64(requests) {
		return false
	}
	b.current(tick).retries++
	return true
}
