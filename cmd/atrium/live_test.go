package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atrium-gateway/atrium/federation/compose"
	"github.com/atrium-gateway/atrium/registry/client"
	"github.com/atrium-gateway/atrium/registry/store/storetest"
)

const liveToken = "live-test-token"

// liveServe runs `atrium serve args…` until the test ends and returns its base URL once
// it answers /health.
func liveServe(t *testing.T, args ...string) string {
	t.Helper()
	return liveServeAt(t, freeAddr(t), args...)
}

// liveServeAt is liveServe on a given address, for tests that must know it beforehand.
func liveServeAt(t *testing.T, addr string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := run(t, ctx, append([]string{"serve", "--listen", addr}, args...)...)
		done <- err
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			assert.NoError(t, err)
		case <-time.After(15 * time.Second):
			t.Error("serve did not stop")
		}
	})
	base := "http://" + addr
	require.Eventually(t, func() bool {
		resp, err := http.Get(base + "/health")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	}, 10*time.Second, 20*time.Millisecond)
	return base
}

// freeAddr returns a loopback address nothing listens on (for a moment).
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	return ln.Addr().String()
}

// query posts a GraphQL query and returns the status and body.
func query(httpClient *http.Client, base, q string) (int, string, error) {
	body, _ := json.Marshal(map[string]string{"query": q})
	resp, err := httpClient.Post(base+"/graphql", "application/json", strings.NewReader(string(body)))
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

func demoSchema(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("../../demo/" + name + "/schema.graphqls")
	require.NoError(t, err)
	return string(b)
}

func publishAll(t *testing.T, c *client.Client, urls map[string]string) {
	t.Helper()
	for _, name := range []string{"accounts", "products", "reviews", "inventory"} {
		res, err := c.Publish(t.Context(), name, urls[name], demoSchema(t, name), "", "")
		require.NoError(t, err)
		require.Empty(t, res.Errors)
	}
}

const demoQuery = `{ me { name reviews { product { name inStock } } } }`
const demoAnswer = `{"data":{"me":{"name":"Ada Lovelace","reviews":[{"product":{"name":"Table","inStock":true}},{"product":{"name":"Couch","inStock":false}},{"product":{"name":"Table","inStock":true}}]}}}`

// The gateway serves nothing until the first publish, then each new version.
func TestServeFollowsTheRegistry(t *testing.T) {
	urls := startDemoSubgraphs(t)
	base := liveServe(t, "--database", storetest.SQLite(t), "--admin-token", liveToken, "--poll", "100ms", "--usage-interval", "50ms")
	status, body, err := query(http.DefaultClient, base, demoQuery)
	require.NoError(t, err)
	assert.Equal(t, http.StatusServiceUnavailable, status)
	assert.Contains(t, body, "NO_SUPERGRAPH")

	c := &client.Client{Endpoint: base + "/api/graphql", Token: liveToken}
	publishAll(t, c, urls)
	require.Eventually(t, func() bool {
		_, body, err := query(http.DefaultClient, base, demoQuery)
		return err == nil && body == demoAnswer
	}, 5*time.Second, 20*time.Millisecond)

	// The gateway records what clients send: a check that removes a field in use fails and
	// names the operation.
	req, err := http.NewRequest(http.MethodPost, base+"/graphql", strings.NewReader(`{"query":"query ProductPage { product(upc: \"1\") { name } }"}`))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("graphql-client-name", "web")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	next := strings.Replace(demoSchema(t, "products"), "  product(upc: String!): Product\n", "", 1)
	require.Eventually(t, func() bool {
		check, err := c.Check(t.Context(), client.CheckInput{Name: "products", SDL: next})
		return err == nil && !check.Passed && len(check.Changes) == 1 &&
			fmt.Sprint(check.Changes[0].OperationNames) == "[ProductPage]"
	}, 5*time.Second, 50*time.Millisecond)

	// Removing inventory removes its fields from the API as soon as it is published.
	_, err = c.Delete(t.Context(), "inventory", "")
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		_, body, err := query(http.DefaultClient, base, demoQuery)
		return err == nil && strings.Contains(body, `Cannot query field \"inStock\"`)
	}, 5*time.Second, 20*time.Millisecond)
}

// Publishing while clients send requests fails none of them: requests in flight finish on
// the version they started on, new ones take the new version.
func TestPublishUnderLoadFailsNoRequest(t *testing.T) {
	urls := startDemoSubgraphs(t)
	base := liveServe(t, "--database", storetest.SQLite(t), "--admin-token", liveToken, "--poll", "50ms")
	c := &client.Client{Endpoint: base + "/api/graphql", Token: liveToken}
	publishAll(t, c, urls)
	require.Eventually(t, func() bool {
		_, body, err := query(http.DefaultClient, base, demoQuery)
		return err == nil && body == demoAnswer
	}, 5*time.Second, 20*time.Millisecond)

	const workers = 8
	const publishes = 10
	stop := make(chan struct{})
	var sent, failed atomic.Int64
	var firstFailure atomic.Value
	var latencies [workers][]time.Duration
	var wg sync.WaitGroup
	httpClient := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: workers}}
	for w := range workers {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				start := time.Now()
				status, body, err := query(httpClient, base, demoQuery)
				latencies[w] = append(latencies[w], time.Since(start))
				sent.Add(1)
				if err != nil || status != http.StatusOK || body != demoAnswer {
					failed.Add(1)
					firstFailure.CompareAndSwap(nil, fmt.Sprintf("%d %v %s", status, err, body))
				}
			}
		})
	}
	// Each publish changes the API (a new field in products) and so the supergraph.
	started := time.Now()
	for i := range publishes {
		time.Sleep(100 * time.Millisecond)
		sdl := demoSchema(t, "products") + fmt.Sprintf("\nextend type Query {\n  release%d: Int\n}\n", i)
		res, err := c.Publish(t.Context(), "products", urls["products"], sdl, "", fmt.Sprintf("release %d", i))
		require.NoError(t, err)
		require.True(t, res.Published, "%+v", res.Errors)
	}
	// The last version is served, and load continued across it.
	require.Eventually(t, func() bool {
		_, body, _ := query(http.DefaultClient, base, fmt.Sprintf("{ release%d }", publishes-1))
		return strings.Contains(body, `"data":{"release`)
	}, 5*time.Second, 20*time.Millisecond)
	time.Sleep(200 * time.Millisecond)
	close(stop)
	wg.Wait()
	elapsed := time.Since(started)

	var all []time.Duration
	for _, l := range latencies {
		all = append(all, l...)
	}
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	p99 := all[len(all)*99/100]
	t.Logf("publish under load: %d requests by %d clients in %s across %d publishes, %d failed; p50 %s, p99 %s",
		sent.Load(), workers, elapsed.Round(time.Millisecond), publishes, failed.Load(), all[len(all)/2], p99)
	require.Zero(t, failed.Load(), "first failure: %v", firstFailure.Load())
	require.Greater(t, sent.Load(), int64(publishes*workers), "the load ran throughout")
}

// Two gateways on one PostgreSQL registry both serve a new version within 2 seconds of
// its publish: LISTEN/NOTIFY wakes them (polling is set slow here so that it cannot be
// what delivers).
func TestTwoGatewaysFollowOnePostgresRegistry(t *testing.T) {
	dsn := storetest.Postgres(t)
	urls := startDemoSubgraphs(t)
	a := liveServe(t, "--database", dsn, "--admin-token", liveToken, "--poll", "30s")
	b := liveServe(t, "--database", dsn, "--admin-token", liveToken, "--poll", "30s")
	c := &client.Client{Endpoint: a + "/api/graphql", Token: liveToken}
	publishAll(t, c, urls)
	for _, base := range []string{a, b} {
		require.Eventually(t, func() bool {
			_, body, err := query(http.DefaultClient, base, demoQuery)
			return err == nil && body == demoAnswer
		}, 5*time.Second, 20*time.Millisecond)
	}

	sdl := demoSchema(t, "products") + "\nextend type Query {\n  fresh: Int\n}\n"
	published := time.Now()
	res, err := c.Publish(t.Context(), "products", urls["products"], sdl, "", "fresh")
	require.NoError(t, err)
	require.True(t, res.Published)
	for _, base := range []string{a, b} {
		require.Eventually(t, func() bool {
			// The demo's products does not resolve fresh, so the answer carries its error;
			// what matters is that the gateway's API schema has the field and planned it.
			_, body, err := query(http.DefaultClient, base, "{ fresh }")
			return err == nil && strings.Contains(body, `"data":{"fresh":null}`)
		}, 2*time.Second-time.Since(published), 10*time.Millisecond, "gateway %s", base)
	}
	t.Logf("both gateways served the new version %s after the publish", time.Since(published).Round(time.Millisecond))
}

// With --supergraph the gateway serves the file and reloads it when it changes; a change
// that does not load keeps the previous supergraph serving.
func TestServeWatchesTheSupergraphFile(t *testing.T) {
	urls := startDemoSubgraphs(t)
	composeFile := func(names ...string) string {
		var inputs []compose.Input
		for _, n := range names {
			inputs = append(inputs, compose.Input{Name: n, URL: urls[n], SDL: demoSchema(t, n)})
		}
		r := compose.Compose(inputs)
		require.NoError(t, r.Err())
		return r.Supergraph
	}
	path := writeFile(t, "supergraph.graphql", composeFile("accounts", "products", "reviews", "inventory"))
	base := liveServe(t, "--supergraph", path, "--poll", "20ms")
	_, body, err := query(http.DefaultClient, base, demoQuery)
	require.NoError(t, err)
	require.Equal(t, demoAnswer, body)

	// Replaced by rename, as editors and deploy tools do.
	replace := func(text string) {
		tmp := path + ".tmp"
		require.NoError(t, os.WriteFile(tmp, []byte(text), 0o644))
		require.NoError(t, os.Rename(tmp, path))
	}
	replace(composeFile("accounts", "products", "reviews"))
	require.Eventually(t, func() bool {
		_, body, err := query(http.DefaultClient, base, demoQuery)
		return err == nil && strings.Contains(body, `Cannot query field \"inStock\"`)
	}, 5*time.Second, 20*time.Millisecond)

	replace("this is not a supergraph")
	time.Sleep(200 * time.Millisecond)
	_, body, err = query(http.DefaultClient, base, "{ me { name } }")
	require.NoError(t, err)
	assert.Equal(t, `{"data":{"me":{"name":"Ada Lovelace"}}}`, body, "the previous supergraph still serves")

	replace(composeFile("accounts", "products", "reviews", "inventory"))
	require.Eventually(t, func() bool {
		_, body, err := query(http.DefaultClient, base, demoQuery)
		return err == nil && body == demoAnswer
	}, 5*time.Second, 20*time.Millisecond)
}
