// Package upstream is the traffic layer of every HTTP backend, GraphQL subgraphs and REST
// connector sources alike: several base URLs per backend, load balancing, active health
// checks, per-attempt timeouts, retries of idempotent calls and a circuit breaker per
// endpoint. docs/traffic.md documents the settings.
package upstream

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Request is one call to a backend. Do builds an *http.Request from it per attempt.
type Request struct {
	// Method defaults to GET.
	Method string
	// PathQuery is appended to the chosen endpoint's base URL with one slash between them
	// ("/x?y=1"); "" means the base URL itself.
	PathQuery string
	// Header is sent as is: Do reads it and never modifies it, so it must not change
	// while Do runs. It may be nil.
	Header http.Header
	// Body is sent with every attempt (nil: no body).
	Body []byte
	// Idempotent allows retries after the request may have reached a backend. The caller
	// decides: GraphQL queries and REST GET/HEAD are; mutations and POST usually are not.
	Idempotent bool
}

// Pool sends the requests of one backend to its endpoints. It is safe for concurrent use.
// Close stops its health checks.
type Pool struct {
	name   string
	prefix string // of error texts
	cfg    Config
	client *http.Client
	probes *http.Client // of the health checks
	log    *slog.Logger
	eps    []*endpoint
	next   atomic.Uint64 // round robin
	budget *budget       // nil when retries are off

	stop      context.CancelFunc // of the health checks; nil without them
	wg        sync.WaitGroup
	closeOnce sync.Once
}

// dialTimeout bounds connecting to an endpoint in the default client.
const dialTimeout = time.Second

var defaultClient = sync.OnceValue(func() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.DialContext = (&net.Dialer{Timeout: dialTimeout, KeepAlive: 30 * time.Second}).DialContext
	t.MaxIdleConns = 1024
	t.MaxIdleConnsPerHost = 256
	t.IdleConnTimeout = 90 * time.Second
	return &http.Client{Transport: t}
})

// New returns the pool of the backend called name (a subgraph or connector source; it
// appears in logs and error texts). cfg is completed with Defaults and must be valid.
// client is shared by the pool's calls and health checks; nil means a package-wide
// default with keep-alive connections and a 1 s dial timeout. log may be nil. Health
// checks, if configured, start at once; call Close to stop them.
func New(name string, cfg Config, client *http.Client, log *slog.Logger) (*Pool, error) {
	cfg.URLs = slices.Clone(cfg.URLs)
	cfg.Defaults()
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("upstream %q: %w", name, err)
	}
	if client == nil {
		client = defaultClient()
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	p := &Pool{
		name:   name,
		prefix: fmt.Sprintf("upstream %q: ", name),
		cfg:    cfg,
		client: client,
		log:    log.With("upstream", name),
	}
	for i, raw := range cfg.URLs {
		ep := newEndpoint(i, raw)
		p.newBreaker(ep)
		p.eps = append(p.eps, ep)
	}
	if cfg.Retries.Attempts > 1 {
		p.budget = newBudget(cfg.Retries.Budget)
	}
	if cfg.Health.Path != "" {
		p.probes = probeClient(client)
		ctx, cancel := context.WithCancel(context.Background())
		p.stop = cancel
		for _, ep := range p.eps {
			p.wg.Add(1)
			go p.probeLoop(ctx, ep)
		}
	}
	return p, nil
}

// Close stops the health checks and waits for them. The pool still serves calls after it.
func (p *Pool) Close() {
	p.closeOnce.Do(func() {
		if p.stop != nil {
			p.stop()
			p.wg.Wait()
			if p.probes != p.client {
				p.probes.CloseIdleConnections()
			}
		}
	})
}

// Endpoints reports the state of each endpoint, in the order of Config.URLs.
func (p *Pool) Endpoints() []EndpointState {
	out := make([]EndpointState, len(p.eps))
	for i, ep := range p.eps {
		out[i] = EndpointState{
			URL:      ep.logURL,
			Healthy:  ep.healthy.Load(),
			Breaker:  ep.breakerState(),
			InFlight: ep.inFlight.Load(),
			Requests: ep.requests.Load(),
			Failures: ep.failures.Load(),
		}
	}
	return out
}

// Do sends req to an endpoint and returns its response, whatever its status; the caller
// reads and closes the body. The per-attempt timeout keeps running until the body is
// closed.
//
// Idempotent requests are retried, on another endpoint when there is one, after a
// connection error, a per-attempt timeout or a 502/503/504 status, with full-jitter
// exponential backoff (at least Retry-After, if it does not exceed Retries.MaxBackoff),
// while Retries.Attempts, the retry budget and ctx's deadline allow. Other requests are
// retried only when they provably never left: the connection could not be opened. When
// retries run out, the last response is returned, or the last error.
//
// Errors wrap ErrUnavailable or ErrTimeout; their text names no host or URL.
func (p *Pool) Do(ctx context.Context, req *Request) (*http.Response, error) {
	if ctx.Err() != nil {
		return nil, p.contextError(ctx, 0)
	}
	if p.budget != nil {
		p.budget.request()
	}
	var (
		tried, skip mask
		attempts    int
	)
	for {
		ep := p.pick(tried, skip)
		if ep == nil {
			return nil, p.fail(ErrUnavailable, "every endpoint's circuit breaker is open", attempts, nil)
		}
		actx, cancel := ctx, context.CancelFunc(nil)
		if t := p.cfg.Timeout; t > 0 {
			if dl, ok := ctx.Deadline(); !ok || time.Until(dl) > t {
				actx, cancel = context.WithTimeout(ctx, t)
			}
		}
		hreq, err := p.newRequest(actx, ep, req)
		if err != nil {
			cancelIf(cancel)
			return nil, p.fail(ErrUnavailable, "invalid request method, path or query", attempts, nil)
		}
		done, ok := ep.allow()
		if !ok { // half-open and busy, or opened since pick looked
			cancelIf(cancel)
			skip.add(ep.idx)
			continue
		}
		attempts++
		tried.add(ep.idx)

		ep.inFlight.Add(1)
		resp, err := p.client.Do(hreq)
		ep.inFlight.Add(-1)

		var verdict error // for the breaker: nil, 4xx and a caller's cancel are successes
		retryable := false
		switch {
		case err == nil:
			if resp.StatusCode >= 500 {
				verdict = errFailedStatus
			}
			retryable = req.Idempotent && (resp.StatusCode == http.StatusBadGateway ||
				resp.StatusCode == http.StatusServiceUnavailable || resp.StatusCode == http.StatusGatewayTimeout)
		case ctx.Err() != nil:
			verdict = ctx.Err()
		case neverLeft(err):
			verdict, retryable = err, true
		default: // transport error or per-attempt timeout
			verdict, retryable = err, req.Idempotent
		}
		ep.requests.Add(1)
		if !breakerSuccess(verdict) {
			ep.failures.Add(1)
		}
		done(verdict)

		if retryable && attempts < p.cfg.Retries.Attempts {
			if wait, ok := p.backoff(ctx, attempts, resp); ok && p.budget.retry() {
				p.logRetry(ep, resp, err, wait)
				if resp != nil {
					drain(resp)
				}
				cancelIf(cancel)
				if !sleep(ctx, wait) {
					return nil, p.contextError(ctx, attempts)
				}
				continue
			}
		}
		if err == nil {
			if cancel != nil {
				resp.Body = &cancelBody{ReadCloser: resp.Body, cancel: cancel}
			}
			return resp, nil
		}
		switch {
		case ctx.Err() != nil:
			err = p.contextError(ctx, attempts)
		case actx.Err() != nil:
			err = p.fail(ErrTimeout, "no response within "+p.cfg.Timeout.String(), attempts, context.DeadlineExceeded)
		default:
			err = p.fail(ErrUnavailable, describe(err), attempts, err)
		}
		cancelIf(cancel)
		return nil, err
	}
}

func (p *Pool) newRequest(ctx context.Context, ep *endpoint, req *Request) (*http.Request, error) {
	var body io.Reader
	if len(req.Body) > 0 {
		body = bytes.NewReader(req.Body)
	}
	hreq, err := http.NewRequestWithContext(ctx, req.Method, ep.join(req.PathQuery), body)
	if err != nil {
		return nil, err
	}
	if req.Header != nil {
		hreq.Header = req.Header
		if p.client.Jar != nil { // the client adds cookies to the header
			hreq.Header = req.Header.Clone()
		}
	}
	return hreq, nil
}

// backoff returns the wait before retry number retry (1 for the first), and false when
// there should be no retry: Retry-After asks for more than Retries.MaxBackoff, or the
// wait would outlast ctx's deadline.
func (p *Pool) backoff(ctx context.Context, retry int, resp *http.Response) (time.Duration, bool) {
	r := p.cfg.Retries
	ceiling := r.Backoff
	for i := 1; i < retry && ceiling < r.MaxBackoff; i++ {
		ceiling *= 2
	}
	ceiling = min(ceiling, r.MaxBackoff)
	wait := rand.N(ceiling + 1)
	if resp != nil {
		if after, ok := retryAfter(resp.Header.Get("Retry-After")); ok {
			if after > r.MaxBackoff {
				return 0, false
			}
			wait = max(wait, after)
		}
	}
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) <= wait {
		return 0, false
	}
	return wait, true
}

func (p *Pool) logRetry(ep *endpoint, resp *http.Response, err error, wait time.Duration) {
	if !p.log.Enabled(context.Background(), slog.LevelDebug) {
		return
	}
	if err != nil {
		p.log.Debug("upstream retry", "endpoint", ep.logURL, "error", err, "wait", wait)
		return
	}
	p.log.Debug("upstream retry", "endpoint", ep.logURL, "status", resp.StatusCode, "wait", wait)
}

func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

func cancelIf(cancel context.CancelFunc) {
	if cancel != nil {
		cancel()
	}
}

// cancelBody ends an attempt's context when the caller closes the response body.
type cancelBody struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *cancelBody) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}
