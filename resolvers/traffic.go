package resolvers

import (
	"context"
	"time"

	"github.com/atrium-gateway/atrium/graph/model"
	"github.com/atrium-gateway/atrium/registry/store"
)

// maxTrafficHours bounds the window of clientTraffic: 30 days.
const maxTrafficHours = 720

func (q queries) ClientTraffic(ctx context.Context, id string, hours *int) (*model.ClientTraffic, error) {
	iss, err := q.issuer()
	if err != nil {
		return nil, err
	}
	if _, err := ownClient(ctx, iss, id); err != nil {
		return nil, err
	}
	h := deref(hours)
	if h < 1 || h > maxTrafficHours {
		return nil, &store.ValidationError{Field: "hours", Message: "must be between 1 and 720"}
	}
	step := trafficStep(h)
	end := time.Now().UTC().Truncate(step).Add(step)
	start := end.Add(-time.Duration(h) * time.Hour).Truncate(step)
	rows, err := q.Registry.Store().ClientTraffic(ctx, id, start)
	if err != nil {
		return nil, err
	}
	points := make([]store.TrafficRecord, 0, int(end.Sub(start)/step))
	for t := start; t.Before(end); t = t.Add(step) {
		points = append(points, store.TrafficRecord{Bucket: t})
	}
	var total store.TrafficRecord
	for _, r := range rows {
		if i := int(r.Bucket.Sub(start) / step); i >= 0 && i < len(points) {
			points[i].Add(r)
			total.Add(r)
		}
	}
	out := &model.ClientTraffic{StepMinutes: int(step / time.Minute), Requests: int(total.Requests), Errors: int(total.Errors),
		P95Ms: percentileMs(total, 0.95)}
	for _, p := range points {
		out.Points = append(out.Points, &model.TrafficPoint{Start: p.Bucket, Requests: int(p.Requests), Errors: int(p.Errors),
			P50Ms: percentileMs(p, 0.5), P95Ms: percentileMs(p, 0.95), P99Ms: percentileMs(p, 0.99)})
	}
	return out, nil
}

// trafficStep keeps a chart to at most about a hundred points.
func trafficStep(hours int) time.Duration {
	switch {
	case hours <= 6:
		return store.TrafficBucket
	case hours <= 24:
		return 15 * time.Minute
	case hours <= 168:
		return time.Hour
	}
	return 6 * time.Hour
}

func percentileMs(r store.TrafficRecord, p float64) *float64 {
	if r.Requests == 0 {
		return nil
	}
	ms := float64(r.Percentile(p)) / float64(time.Millisecond)
	return &ms
}
