package upstream

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/sony/gobreaker/v2"
)

// EndpointState is a snapshot of one endpoint, for metrics and tests.
type EndpointState struct {
	// URL is the base URL as configured, any password redacted. It is for operators:
	// never show it to clients.
	URL string
	// Healthy is the active health check's verdict (always true without health checks).
	Healthy bool
	// Breaker is "closed", "open" or "half-open" (always "closed" when breakers are disabled).
	Breaker string
	// InFlight counts attempts waiting for their response headers.
	InFlight int64
	// Requests counts attempts sent; Failures those that failed (transport error,
	// timeout, 5xx).
	Requests, Failures uint64
}

// endpoint is one base URL of a Pool.
type endpoint struct {
	idx    int
	raw    string // as configured
	base   string // raw without its trailing slash
	logURL string // raw with any password redacted

	cb *gobreaker.TwoStepCircuitBreaker[struct{}] // nil when breakers are disabled
	// state mirrors the breaker's state (kept by OnStateChange) so picking an endpoint
	// takes no lock; openUntil is when an open breaker lets trial calls through.
	state     atomic.Int32
	openUntil atomic.Int64 // unix nanoseconds

	healthy  atomic.Bool
	inFlight atomic.Int64
	requests atomic.Uint64
	failures atomic.Uint64
}

func newEndpoint(i int, raw string) *endpoint {
	ep := &endpoint{idx: i, raw: raw, base: strings.TrimSuffix(raw, "/"), logURL: raw}
	if u, err := url.Parse(raw); err == nil {
		ep.logURL = u.Redacted()
	}
	ep.healthy.Store(true)
	return ep
}

// join appends pathQuery ("/x?y=1", "x", "?y=1" or "") to the endpoint's base URL with
// exactly one slash between them.
func (ep *endpoint) join(pathQuery string) string {
	switch {
	case pathQuery == "":
		return ep.raw
	case pathQuery[0] == '?':
		return ep.raw + pathQuery
	case pathQuery[0] == '/':
		return ep.base + pathQuery
	}
	return ep.base + "/" + pathQuery
}

// errFailedStatus tells the breaker a response had a 5xx status.
var errFailedStatus = errors.New("5xx status")

// breakerSuccess is gobreaker's IsSuccessful: no error, or a call canceled by its caller
// (client mistakes, answered with 4xx, reach the breaker as nil).
func breakerSuccess(err error) bool {
	return err == nil || errors.Is(err, context.Canceled)
}

func (p *Pool) newBreaker(ep *endpoint) {
	if p.cfg.Breaker.Disabled {
		return
	}
	openFor := p.cfg.Breaker.OpenFor
	ep.cb = newTwoStep(p.name, p.cfg.Breaker, func(from, to gobreaker.State) {
		if to == gobreaker.StateOpen {
			ep.openUntil.Store(time.Now().Add(openFor).UnixNano())
		}
		ep.state.Store(int32(to))
		level := p.log.Info
		if to == gobreaker.StateOpen {
			level = p.log.Warn
		}
		level("upstream circuit breaker", "endpoint", ep.logURL, "from", from.String(), "to", to.String())
	})
}

// newTwoStep is a breaker with b's settings (defaults filled in).
func newTwoStep(name string, b Breaker, changed func(from, to gobreaker.State)) *gobreaker.TwoStepCircuitBreaker[struct{}] {
	var bucket time.Duration
	if b.Window/breakerBuckets >= time.Millisecond {
		bucket = b.Window / breakerBuckets
	}
	consecutive, minRequests, ratio := uint32(b.Consecutive), uint32(b.MinRequests), b.FailureRatio
	return gobreaker.NewTwoStepCircuitBreaker[struct{}](gobreaker.Settings{
		Name:         name,
		MaxRequests:  uint32(b.HalfOpen),
		Interval:     b.Window,
		BucketPeriod: bucket,
		Timeout:      b.OpenFor,
		ReadyToTrip: func(c gobreaker.Counts) bool {
			return c.ConsecutiveFailures >= consecutive ||
				(c.Requests >= minRequests && float64(c.TotalFailures) >= ratio*float64(c.Requests))
		},
		IsSuccessful:  breakerSuccess,
		OnStateChange: func(_ string, from, to gobreaker.State) { changed(from, to) },
	})
}

// CallBreaker guards a backend as a whole, for clients that balance over its instances
// themselves (gRPC sources: grpc-go balances, the breaker stops calls to a failing service).
type CallBreaker struct {
	cb *gobreaker.TwoStepCircuitBreaker[struct{}]
}

// NewCallBreaker is the breaker of cfg (nil when cfg disables breakers); state changes are
// logged.
func NewCallBreaker(name string, cfg Config, log *slog.Logger) *CallBreaker {
	cfg.Defaults()
	if cfg.Breaker.Disabled {
		return nil
	}
	return &CallBreaker{cb: newTwoStep(name, cfg.Breaker, func(from, to gobreaker.State) {
		level := log.Info
		if to == gobreaker.StateOpen {
			level = log.Warn
		}
		level("upstream circuit breaker", "backend", name, "from", from.String(), "to", to.String())
	})}
}

// Allow asks for a call; done reports its outcome (nil or a canceled call: success). It
// fails with ErrUnavailable while the breaker is open. A nil breaker allows everything.
func (b *CallBreaker) Allow() (done func(error), err error) {
	if b == nil {
		return func(error) {}, nil
	}
	done, err = b.cb.Allow()
	if err != nil {
		return nil, fmt.Errorf("%w: circuit breaker open", ErrUnavailable)
	}
	return done, nil
}

// breakerBuckets splits the breaker's window into a rolling window of this many buckets.
const breakerBuckets = 10

// available reports whether ep's breaker may let a call through. now is computed at most
// once per pick.
func (ep *endpoint) available(now *int64) bool {
	if gobreaker.State(ep.state.Load()) != gobreaker.StateOpen {
		return true
	}
	if *now == 0 {
		*now = time.Now().UnixNano()
	}
	return *now >= ep.openUntil.Load()
}

// allow asks ep's breaker for a call; done reports its outcome.
func (ep *endpoint) allow() (done func(error), ok bool) {
	if ep.cb == nil {
		return noDone, true
	}
	done, err := ep.cb.Allow()
	return done, err == nil
}

func noDone(error) {}

func (ep *endpoint) breakerState() string {
	if ep.cb == nil {
		return gobreaker.StateClosed.String()
	}
	return ep.cb.State().String()
}

// mask is a set of endpoint indexes (Validate allows at most 64 endpoints).
type mask uint64

func (m mask) has(i int) bool { return m&(1<<i) != 0 }

func (m *mask) add(i int) { *m |= 1 << i }

// pick chooses the endpoint for the next attempt among those whose breaker is not open and
// not in skip (their breakers refused a call just now), in this order of preference:
// healthy and not tried yet by this call; healthy; untried ("panic mode": health is
// ignored when no endpoint is healthy); any. It returns nil when every breaker is open.
func (p *Pool) pick(tried, skip mask) *endpoint {
	if len(p.eps) == 1 {
		if skip.has(0) {
			return nil
		}
		return p.eps[0]
	}
	var (
		now  int64
		buf  [16]*endpoint
		cand []*endpoint
	)
	for phase := range 4 {
		cand = buf[:0]
		needHealthy, needUntried := phase <= 1, phase == 0 || phase == 2
		for _, ep := range p.eps {
			if skip.has(ep.idx) || (needUntried && tried.has(ep.idx)) ||
				(needHealthy && !ep.healthy.Load()) || !ep.available(&now) {
				continue
			}
			cand = append(cand, ep)
		}
		if len(cand) > 0 {
			break
		}
	}
	switch {
	case len(cand) == 0:
		return nil
	case len(cand) == 1:
		return cand[0]
	case p.cfg.Balancer == LeastOutstanding:
		i := rand.IntN(len(cand))
		j := rand.IntN(len(cand) - 1)
		if j >= i {
			j++
		}
		if cand[j].inFlight.Load() < cand[i].inFlight.Load() {
			return cand[j]
		}
		return cand[i]
	}
	return cand[(p.next.Add(1)-1)%uint64(len(cand))]
}
