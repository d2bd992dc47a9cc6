package browsertest

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

func TestBrowserStarts(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte(`<html><body><h1 id="h">hello</h1><script>document.getElementById('h').textContent='from js'</script></body></html>`))
	}))
	defer srv.Close()
	ctx := New(t, 800, 600, 30*time.Second)
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL)); err != nil {
		t.Fatal(err)
	}
	txt, err := chromedp.Run(ctx, chromedp.Text("#h"))
	if err != nil || txt != "from js" {
		t.Fatal(txt, err)
	}
}

// TestAccessibilityFindsViolations: the checker the portal's tests rely on does see an
// unlabelled input, a nameless button and unreadable contrast.
func TestAccessibilityFindsViolations(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte(`<!doctype html><html lang="en"><head><title>t</title></head><body><main>
			<input type="text"><button></button><p style="color:#ccc;background:#fff">faint</p></main></body></html>`))
	}))
	defer srv.Close()
	ctx := New(t, 800, 600, 30*time.Second)
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL)); err != nil {
		t.Fatal(err)
	}
	got := strings.Join(Accessibility(t, ctx), "\n")
	for _, rule := range []string{"label:", "button-name:", "color-contrast:"} {
		if !strings.Contains(got, rule) {
			t.Errorf("axe-core did not report %s; it reported:\n%s", rule, got)
		}
	}
}
