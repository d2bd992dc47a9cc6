package playground

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atrium-gateway/atrium/internal/browsertest"
)

// recorder keeps the bodies of the requests a handler received.
type recorder struct {
	mu     sync.Mutex
	bodies []string
}

func (rec *recorder) handle(status int, reply string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rec.mu.Lock()
		rec.bodies = append(rec.bodies, r.Header.Get("Content-Type")+" "+string(body))
		rec.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, reply)
	}
}

func (rec *recorder) all() []string {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]string(nil), rec.bodies...)
}

// TestBrowserRendersGraphiQL loads the page in headless Chromium and checks
// that the bundle ran under the page's CSP: GraphiQL rendered, it sent
// introspection to the endpoint named by the page (not the page's own path),
// and the browser reported no CSP violation. Set ATRIUM_PLAYGROUND_SCREENSHOT
// to a .png path to also save a screenshot.
func TestBrowserRendersGraphiQL(t *testing.T) {
	t.Parallel()
	chromium := browsertest.Chromium(t)

	var graphql, cspReports recorder
	page := Handler("Atrium", "/api/graphql", assetPrefix)
	mux := http.NewServeMux()
	mux.Handle("GET /playground", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Same policy, plus a place to report violations to.
		page.ServeHTTP(&reportingCSP{ResponseWriter: w}, r)
	}))
	mux.Handle(assetPrefix, http.StripPrefix(assetPrefix, Assets()))
	mux.Handle("POST /api/graphql", graphql.handle(http.StatusOK, `{"data":{"__typename":"Query"}}`))
	mux.Handle("POST /csp-report", cspReports.handle(http.StatusNoContent, ""))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	url := srv.URL + "/playground"

	dom := runChromium(t, chromium, "--dump-dom", url)
	assert.Contains(t, dom, "graphiql-container", "GraphiQL did not render")
	assert.Contains(t, dom, "graphiql-logo", "GraphiQL did not render its logo")
	assert.Contains(t, dom, ">Atrium<", "the title from the page should be GraphiQL's logo")
	assert.Contains(t, dom, "__typename", "the default query should be in the editor")

	bodies := graphql.all()
	require.NotEmpty(t, bodies, "GraphiQL sent no request to the endpoint named in the page")
	assert.True(t, strings.HasPrefix(bodies[0], "application/json "), bodies[0])
	assert.Contains(t, bodies[0], "IntrospectionQuery")
	assert.Empty(t, cspReports.all(), "the page violated its own Content-Security-Policy")

	if png := os.Getenv("ATRIUM_PLAYGROUND_SCREENSHOT"); png != "" {
		runChromium(t, chromium, "--screenshot="+png, "--window-size=1280,800", "--hide-scrollbars", url)
		t.Logf("screenshot saved to %s", png)
	}
}

// reportingCSP appends a report-uri to the Content-Security-Policy the page
// handler set, so violations reach the test server.
type reportingCSP struct {
	http.ResponseWriter
	done bool
}

func (w *reportingCSP) WriteHeader(code int) {
	if !w.done {
		w.done = true
		h := w.Header()
		h.Set("Content-Security-Policy", h.Get("Content-Security-Policy")+"; report-uri /csp-report")
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *reportingCSP) Write(b []byte) (int, error) {
	if !w.done {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

// runChromium runs one headless Chromium on its own profile, with virtual
// time so the page's scripts and requests settle before it dumps or shoots.
func runChromium(t *testing.T, chromium string, args ...string) string {
	t.Helper()
	profile, err := os.MkdirTemp("", "atrium-chromium-")
	require.NoError(t, err)
	t.Cleanup(func() { _ = os.RemoveAll(profile) })

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	flags := append(slices.Clone(browsertest.Flags), "--user-data-dir="+profile, "--virtual-time-budget=5000")
	cmd := exec.CommandContext(ctx, chromium, append(flags, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	require.NoError(t, err, "chromium %v failed; stderr:\n%s", args, stderr.String())
	return stdout.String()
}
