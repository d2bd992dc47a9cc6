// Package browsertest starts Debian's headless Chromium for end-to-end tests of Atrium's
// web pages (the playground and the portal), driven over the DevTools protocol by chromedp.
package browsertest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Chromium returns a headless-capable browser, or ends the test: with a failure under CI
// (which must install Debian's chromium), else a skip.
func Chromium(t testing.TB) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome-stable", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	const msg = "no chromium on PATH: install it with `apt-get install -y chromium` to run the browser tests"
	if os.Getenv("CI") != "" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// Flags are the switches every test browser runs with: headless, no sandbox (CI runs as
// root in a container), no GPU and no traffic of its own.
var Flags = []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
	"--disable-background-networking", "--disable-component-update", "--disable-sync",
	"--disable-extensions", "--no-first-run", "--no-default-browser-check"}

// New starts a browser on a fresh profile and returns a tab's context, closed when the
// test ends; every action under it must finish within timeout.
func New(t testing.TB, width, height int, timeout time.Duration) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{chromedp.ExecPath(Chromium(t)), chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(width, height)}
	for _, f := range Flags {
		opts = append(opts, chromedp.Flag(f[2:], true))
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(alloc, chromedp.WithErrorf(t.Logf))
	ctx, cancelTime := context.WithTimeout(ctx, timeout)
	t.Cleanup(func() {
		cancelTime()
		cancelTab()
		cancelAlloc()
	})
	// Start the browser now, so a missing or broken one fails here, clearly.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting chromium: %v", err)
	}
	return ctx
}

// Type waits for the element css selects, focuses it and types text as key events
// ("\b" is Backspace). Use it instead of chromedp.SendKeys, which reads the node's
// attributes without their lock (a data race with chromedp's DOM event handling that
// the race detector reports).
func Type(css, text string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		focus := fmt.Sprintf(`(() => { const e = document.querySelector(%q); if (!e) return false; e.focus(); return document.activeElement === e })()`, css)
		if _, err := chromedp.Poll[bool](focus, chromedp.WithPollingTimeout(20*time.Second))(ctx, t); err != nil {
			return chromedp.Void{}, fmt.Errorf("focusing %s: %w", css, err)
		}
		return chromedp.KeyEvent(text)(ctx, t)
	}
}

// axePath is axe-core's script, installed by `make deps` beside this file.
func axePath() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "node_modules", "axe-core", "axe.min.js")
}

// Accessibility checks the page in ctx against WCAG 2 A and AA with axe-core and returns
// each violation of serious or critical impact as "rule: what (selector)". Colour contrast,
// labels, names of buttons and links, landmarks and ARIA use are among the rules. It needs
// `make deps` (axe-core from npm).
func Accessibility(t testing.TB, ctx context.Context) []string {
	t.Helper()
	src, err := os.ReadFile(axePath())
	if err != nil {
		t.Fatalf("axe-core is missing: run `make deps` (%v)", err)
	}
	// DevTools evaluation is not bound by the page's Content-Security-Policy.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](string(src)+";true")); err != nil {
		t.Fatalf("loading axe-core: %v", err)
	}
	out, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`axe.run(document, { runOnly: ["wcag2a", "wcag2aa"] }).then(r =>
		r.violations.filter(v => v.impact === "serious" || v.impact === "critical")
			.flatMap(v => v.nodes.map(n => v.id + ": " + v.help + " (" + n.target.join(" ") + ")")))`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("running axe-core: %v", err)
	}
	return out
}
