package resolvers_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atrium-gateway/atrium/registry/store"
)

func TestClientTrafficIsTheOwnersToSee(t *testing.T) {
	t.Parallel()
	p := startPortal(t)
	alice := p.user(t, "alice", "staff")
	bob := p.user(t, "bob", "staff")
	data := p.ok(t, alice, `mutation { createClient(input: { name: "Reports" }) { client { id } } }`, nil)
	id := data["createClient"].(map[string]any)["client"].(map[string]any)["id"].(string)

	lat := make([]int64, len(store.LatencyBounds)+1)
	lat[store.LatencyBucket(40*time.Millisecond)] = 3
	lat[store.LatencyBucket(2*time.Second)] = 1
	require.NoError(t, p.st.RecordTraffic(t.Context(), []store.TrafficRecord{
		{ClientID: id, Bucket: time.Now().Add(-time.Minute), Requests: 4, Errors: 1, Latency: lat},
		{ClientID: id, Bucket: time.Now().Add(-48 * time.Hour), Requests: 9, Latency: lat}, // out of the window
	}))
	const q = `query($id: ID!, $h: Int) { clientTraffic(id: $id, hours: $h) { stepMinutes requests errors p95Ms points { requests errors p50Ms p99Ms } } }`
	data = p.ok(t, alice, q, map[string]any{"id": id, "h": 6})
	tr := data["clientTraffic"].(map[string]any)
	assert.Equal(t, 5.0, tr["stepMinutes"])
	assert.Equal(t, 4.0, tr["requests"])
	assert.Equal(t, 1.0, tr["errors"])
	assert.Equal(t, 2500.0, tr["p95Ms"])
	points := tr["points"].([]any)
	assert.Len(t, points, 6*12, "every step, empty ones too")
	last := points[len(points)-1].(map[string]any)
	if last["requests"] == 0.0 { // the minute-old bucket may be the one before the current
		last = points[len(points)-2].(map[string]any)
	}
	assert.Equal(t, map[string]any{"requests": 4.0, "errors": 1.0, "p50Ms": 50.0, "p99Ms": 2500.0}, last)
	assert.Nil(t, points[0].(map[string]any)["p50Ms"], "no requests, no latency")

	p.refused(t, bob, "NOT_FOUND", q, map[string]any{"id": id}) // not bob's client
	p.refused(t, alice, "BAD_USER_INPUT", q, map[string]any{"id": id, "h": 0})
	p.refused(t, alice, "BAD_USER_INPUT", q, map[string]any{"id": id, "h": 721})
	p.ok(t, token, q, map[string]any{"id": id}) // the admin token sees any client
}
