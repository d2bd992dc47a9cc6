package gateway_test

import (
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/atrium-gateway/atrium/gateway"
)

// TestNoGoroutineLeak serves many requests, with and without dedup, including failing and
// timed-out fetches, and checks that the goroutine count comes back to where it started.
func TestNoGoroutineLeak(t *testing.T) {
	for _, dedup := range []bool{false, true} {
		s := startStack(t, gateway.Options{Dedup: dedup, SubgraphTimeout: 50 * time.Millisecond}, slowAccounts)
		s.subs["inventory"].Close()
		s.query(t, `{ topProducts { name inStock reviews { author { username } } } }`, nil) // warm up
		before := runtime.NumGoroutine()
		for range 30 {
			s.query(t, `{ topProducts { name inStock reviews { author { username } } } }`, nil)
			s.query(t, `{ me { name } }`, nil) // accounts is slower than the timeout
		}
		var after int
		for range 50 {
			time.Sleep(20 * time.Millisecond)
			if after = runtime.NumGoroutine(); after <= before+2 {
				break
			}
		}
		assert.LessOrEqual(t, after, before+2, "goroutines before %d, after %d (dedup %v)", before, after, dedup)
	}
}
