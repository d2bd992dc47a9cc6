package upstream

import (
	"context"
	"io"
	"net/http"
	"time"
)

// maxDrainBytes bounds what is read from a body thrown away, to reuse its connection.
const maxDrainBytes = 64 << 10

func drain(resp *http.Response) {
	_, _ = io.CopyN(io.Discard, resp.Body, maxDrainBytes)
	_ = resp.Body.Close()
}

// probeClient returns the client of the health checks: client with a connection pool of
// its own when its transport is an *http.Transport. Probes then neither queue behind calls
// nor share connections with them: net/http may close a connection it just pooled again
// when the deadline of the request it served expires at that moment (empty responses, as
// health endpoints send), failing the next call on it with that request's error.
func probeClient(client *http.Client) *http.Client {
	var t *http.Transport
	switch rt := client.Transport.(type) {
	case nil:
		t, _ = http.DefaultTransport.(*http.Transport)
	case *http.Transport:
		t = rt
	}
	if t == nil {
		return client
	}
	return &http.Client{Transport: t.Clone(), CheckRedirect: client.CheckRedirect}
}

// probeLoop checks ep every Health.Interval until ctx ends, starting at once. Endpoints
// start healthy, so a pool is usable before its first probes complete.
func (p *Pool) probeLoop(ctx context.Context, ep *endpoint) {
	defer p.wg.Done()
	h := p.cfg.Health
	target := ep.join(h.Path)
	tick := time.NewTicker(h.Interval)
	defer tick.Stop()
	var okRun, failRun int
	for {
		ok := p.probe(ctx, ep, target)
		if ctx.Err() != nil {
			return
		}
		if ok {
			okRun, failRun = okRun+1, 0
			if okRun >= h.HealthyAfter && !ep.healthy.Load() {
				ep.healthy.Store(true)
				p.log.Info("upstream endpoint healthy", "endpoint", ep.logURL)
			}
		} else {
			okRun, failRun = 0, failRun+1
			if failRun >= h.UnhealthyAfter && ep.healthy.Load() {
				ep.healthy.Store(false)
				p.log.Warn("upstream endpoint unhealthy", "endpoint", ep.logURL, "failed_probes", failRun)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// probe sends one health check: a GET answered with a 2xx status within Health.Timeout.
func (p *Pool) probe(ctx context.Context, ep *endpoint, target string) bool {
	ctx, cancel := context.WithTimeout(ctx, p.cfg.Health.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return false
	}
	req.Header.Set("User-Agent", "atrium-health-check")
	resp, err := p.probes.Do(req)
	if err != nil {
		p.log.Debug("upstream health check failed", "endpoint", ep.logURL, "error", err)
		return false
	}
	drain(resp)
	if resp.StatusCode/100 != 2 {
		p.log.Debug("upstream health check failed", "endpoint", ep.logURL, "status", resp.StatusCode)
		return false
	}
	return true
}
