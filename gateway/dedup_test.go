package gateway_test

import (
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atrium-gateway/atrium/gateway"
)

// slowAccounts delays every accounts answer so that concurrent requests overlap.
func slowAccounts(name string, next http.Handler) http.Handler {
	if name != "accounts" {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(300 * time.Millisecond)
		next.ServeHTTP(w, r)
	})
}

// concurrently sends n requests at once, cycling through queries.
func concurrently(t *testing.T, s *stack, n int, queries ...string) []string {
	t.Helper()
	var wg sync.WaitGroup
	out := make([]string, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i] = s.query(t, queries[i%len(queries)], nil)
		}()
	}
	wg.Wait()
	return out
}

func TestDedupSharesIdenticalOperationsInFlight(t *testing.T) {
	t.Parallel()
	s := startStack(t, gateway.Options{Dedup: true}, slowAccounts)
	answers := concurrently(t, s, 10, `{ me { name } }`)
	for _, a := range answers {
		assert.JSONEq(t, `{"data":{"me":{"name":"Ada Lovelace"}}}`, a)
	}
	assert.Equal(t, 1, s.callCounts()["accounts"], "ten identical operations in flight: one execution")
}

func TestDedupSharesIdenticalSubgraphQueries(t *testing.T) {
	t.Parallel()
	s := startStack(t, gateway.Options{Dedup: true}, slowAccounts)
	// Different client operations whose accounts fetch is the same.
	answers := concurrently(t, s, 6, `{ me { name } }`, `query { me { name } }`, `{ __typename me { name } }`)
	for _, a := range answers {
		assert.Contains(t, a, `"name":"Ada Lovelace"`)
	}
	assert.Equal(t, 1, s.callCounts()["accounts"])
}

func TestWithoutDedupEveryRequestIsSent(t *testing.T) {
	t.Parallel()
	s := startStack(t, gateway.Options{}, slowAccounts)
	concurrently(t, s, 5, `{ me { name } }`)
	assert.Equal(t, 5, s.callCounts()["accounts"])
}

func TestDedupNeverSharesMutations(t *testing.T) {
	t.Parallel()
	s := startStack(t, gateway.Options{Dedup: true})
	answers := concurrently(t, s, 4, `mutation { createProduct(upc: "99", name: "x", price: 1, weight: 1) { upc } }`)
	created, refused := 0, 0
	for _, a := range answers {
		if assert.NotEmpty(t, a) {
			if a == `{"data":{"createProduct":{"upc":"99"}}}` {
				created++
			} else {
				refused++
			}
		}
	}
	// Every mutation reached the subgraph: one created the product, the others were refused.
	require.Equal(t, 1, created)
	assert.Equal(t, 3, refused)
	assert.Equal(t, 4, s.callCounts()["products"])
}
