package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
)

// TrafficBucket is the length of one traffic bucket.
const TrafficBucket = 5 * time.Minute

// LatencyBounds are the upper bounds of the latency histogram's buckets; a last bucket
// counts what is slower than the last bound.
var LatencyBounds = []time.Duration{
	5 * time.Millisecond, 10 * time.Millisecond, 25 * time.Millisecond, 50 * time.Millisecond,
	100 * time.Millisecond, 250 * time.Millisecond, 500 * time.Millisecond, time.Second,
	2500 * time.Millisecond, 5 * time.Second, 10 * time.Second,
}

// LatencyBucket is the histogram bucket a duration falls in.
func LatencyBucket(d time.Duration) int {
	for i, b := range LatencyBounds {
		if d <= b {
			return i
		}
	}
	return len(LatencyBounds)
}

// TrafficRecord is what one API client sent in one bucket: requests, requests answered
// with errors, and their latencies (len(LatencyBounds)+1 counts).
type TrafficRecord struct {
	ClientID string
	Bucket   time.Time // truncated to TrafficBucket
	Requests int64
	Errors   int64
	Latency  []int64
}

func (r TrafficRecord) validate() error {
	switch {
	case r.ClientID == "" || len(r.ClientID) > MaxClientBytes:
		return &ValidationError{Field: "clientID", Message: "must be 1-" + strconv.Itoa(MaxClientBytes) + " bytes"}
	case r.Requests < 0 || r.Errors < 0 || r.Errors > r.Requests:
		return &ValidationError{Field: "requests", Message: "counts must be positive, errors at most requests"}
	case len(r.Latency) != len(LatencyBounds)+1:
		return &ValidationError{Field: "latency", Message: fmt.Sprintf("needs %d counts", len(LatencyBounds)+1)}
	}
	return nil
}

// RecordTraffic adds the records' counts to what is stored.
func (s *Store) RecordTraffic(ctx context.Context, records []TrafficRecord) error {
	if err := s.usable(); err != nil {
		return err
	}
	merged := map[[2]any]*TrafficRecord{}
	for _, r := range records {
		if err := r.validate(); err != nil {
			return ValidationErrors{err.(*ValidationError)}
		}
		r.Bucket = r.Bucket.UTC().Truncate(TrafficBucket)
		k := [2]any{r.ClientID, r.Bucket.UnixMicro()}
		if m := merged[k]; m != nil {
			m.Add(r)
		} else {
			r.Latency = slices.Clone(r.Latency)
			merged[k] = &r
		}
	}
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer rollback(tx)
	// Rows in key order: concurrent writers lock them in the same order.
	rows := slices.SortedFunc(maps.Values(merged), func(a, b *TrafficRecord) int {
		return cmp.Or(strings.Compare(a.ClientID, b.ClientID), a.Bucket.Compare(b.Bucket))
	})
	for _, r := range rows {
		var requests, errs int64
		var latency string
		err := tx.QueryRowContext(ctx, `SELECT requests, errors, latency FROM client_traffic WHERE client_id = $1 AND bucket = $2`+s.forUpdate(),
			r.ClientID, s.timeArg(r.Bucket)).Scan(&requests, &errs, &latency)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			_, err = tx.ExecContext(ctx, `INSERT INTO client_traffic (client_id, bucket, requests, errors, latency) VALUES ($1, $2, $3, $4, $5)`,
				r.ClientID, s.timeArg(r.Bucket), r.Requests, r.Errors, joinCounts(r.Latency))
		case err == nil:
			r.Add(TrafficRecord{Requests: requests, Errors: errs, Latency: splitCounts(latency)})
			_, err = tx.ExecContext(ctx, `UPDATE client_traffic SET requests = $1, errors = $2, latency = $3 WHERE client_id = $4 AND bucket = $5`,
				r.Requests, r.Errors, joinCounts(r.Latency), r.ClientID, s.timeArg(r.Bucket))
		}
		if err != nil {
			return fmt.Errorf("record traffic: %w", err)
		}
	}
	return tx.Commit()
}

// ClientTraffic returns a client's buckets from since on, oldest first.
func (s *Store) ClientTraffic(ctx context.Context, clientID string, since time.Time) ([]TrafficRecord, error) {
	if err := s.usable(); err != nil {
		return nil, err
	}
	rows, err := s.reader.QueryContext(ctx, `SELECT bucket, requests, errors, latency FROM client_traffic
		WHERE client_id = $1 AND bucket >= $2 ORDER BY bucket`, clientID, s.timeArg(since.UTC().Truncate(TrafficBucket)))
	if err != nil {
		return nil, fmt.Errorf("read traffic: %w", err)
	}
	defer rows.Close()
	var out []TrafficRecord
	for rows.Next() {
		r := TrafficRecord{ClientID: clientID}
		var latency string
		if err := rows.Scan(timeColumn{&r.Bucket}, &r.Requests, &r.Errors, &latency); err != nil {
			return nil, err
		}
		r.Latency = splitCounts(latency)
		out = append(out, r)
	}
	return out, rows.Err()
}

// Add adds o's counts to r's.
func (r *TrafficRecord) Add(o TrafficRecord) {
	r.Requests += o.Requests
	r.Errors += o.Errors
	if len(r.Latency) < len(o.Latency) {
		r.Latency = append(r.Latency, make([]int64, len(o.Latency)-len(r.Latency))...)
	}
	for i, n := range o.Latency {
		r.Latency[i] += n
	}
}

// Percentile is the upper bound of the latency bucket holding the p-th percentile (0-1)
// of r's requests; 0 when there are none, and the last bound doubled past it.
func (r TrafficRecord) Percentile(p float64) time.Duration {
	var total int64
	for _, n := range r.Latency {
		total += n
	}
	if total == 0 {
		return 0
	}
	rank := int64(float64(total)*p + 0.999999)
	var seen int64
	for i, n := range r.Latency {
		if seen += n; seen >= rank {
			if i < len(LatencyBounds) {
				return LatencyBounds[i]
			}
			break
		}
	}
	return 2 * LatencyBounds[len(LatencyBounds)-1]
}

func joinCounts(counts []int64) string {
	parts := make([]string, len(counts))
	for i, n := range counts {
		parts[i] = strconv.FormatInt(n, 10)
	}
	return strings.Join(parts, " ")
}

// splitCounts reads joinCounts' text; bad numbers count as 0 (the column is ours).
func splitCounts(s string) []int64 {
	out := make([]int64, len(LatencyBounds)+1)
	for i, f := range strings.Fields(s) {
		if i < len(out) {
			out[i], _ = strconv.ParseInt(f, 10, 64)
		}
	}
	return out
}

// ClientRequestsSince is every API client's request count from since on, in one query
// (the gateways' daily quotas).
func (s *Store) ClientRequestsSince(ctx context.Context, since time.Time) (map[string]int64, error) {
	if err := s.usable(); err != nil {
		return nil, err
	}
	rows, err := s.reader.QueryContext(ctx, `SELECT client_id, SUM(requests) FROM client_traffic WHERE bucket >= $1 GROUP BY client_id`,
		s.timeArg(since.UTC().Truncate(TrafficBucket)))
	if err != nil {
		return nil, fmt.Errorf("read traffic: %w", err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var id string
		var n int64
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		out[id] = n
	}
	return out, rows.Err()
}
