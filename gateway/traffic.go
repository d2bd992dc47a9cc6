package gateway

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/atrium-gateway/atrium/registry/store"
)

// TrafficSink stores what each API client sent: requests, errors and latencies per
// 5-minute bucket (the portal's usage charts). A UsageSink that is also a TrafficSink
// gets both from the UsageRecorder; the registry's *store.Store is one.
type TrafficSink interface {
	RecordTraffic(ctx context.Context, records []store.TrafficRecord) error
}

var _ TrafficSink = (*store.Store)(nil)

type trafficKey struct {
	client string
	bucket int64 // Unix seconds of the bucket's start
}

// countTraffic adds one request of an API client (the token's client_id; nothing is
// counted without one) that took d and was answered with errors or not. It allocates
// only for a client not yet seen in the bucket since the last flush.
func (r *UsageRecorder) countTraffic(clientID string, start time.Time, failed bool) {
	if clientID == "" || r.trafficSink == nil {
		return
	}
	d := time.Since(start)
	k := trafficKey{client: clientID, bucket: start.Unix() / int64(store.TrafficBucket/time.Second) * int64(store.TrafficBucket/time.Second)}
	r.mu.Lock()
	defer r.mu.Unlock()
	t := r.traffic[k]
	if t == nil {
		if len(r.traffic) >= r.maxPending || len(clientID) > store.MaxClientBytes {
			r.droppedWindow++
			return
		}
		k.client = strings.Clone(clientID)
		t = &store.TrafficRecord{ClientID: k.client, Bucket: time.Unix(k.bucket, 0).UTC(), Latency: make([]int64, len(store.LatencyBounds)+1)}
		r.traffic[k] = t
	}
	t.Requests++
	if failed {
		t.Errors++
	}
	t.Latency[store.LatencyBucket(d)]++
}

// flushTraffic writes the traffic counted since the last flush. What a failing sink does
// not take is merged back for the next flush (bounded like the usage counts); what it
// refuses as invalid is dropped.
func (r *UsageRecorder) flushTraffic(ctx context.Context) error {
	if r.trafficSink == nil {
		return nil
	}
	r.mu.Lock()
	counts := r.traffic
	r.traffic = map[trafficKey]*store.TrafficRecord{}
	r.mu.Unlock()
	if len(counts) == 0 {
		return nil
	}
	records := make([]store.TrafficRecord, 0, len(counts))
	for _, t := range counts {
		records = append(records, *t)
	}
	err := r.trafficSink.RecordTraffic(ctx, records)
	var invalid store.ValidationErrors
	if err == nil || errors.As(err, &invalid) {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for k, t := range counts {
		if now := r.traffic[k]; now != nil {
			now.Add(*t)
		} else if len(r.traffic) < r.maxPending {
			r.traffic[k] = t
		}
	}
	return err
}
