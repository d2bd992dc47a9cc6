// Package products serves API products: a client subscribed to a product sees and queries
// only the product's part of the graph (a contract: the supergraph filtered by @tag,
// served by a gateway of its own), within its plan's limits (a per-minute rate limit on
// each gateway instance, and a daily quota counted from the registry's traffic records).
// Requests of anyone else go to the full graph.
package products

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	"github.com/atrium-gateway/atrium/auth"
	"github.com/atrium-gateway/atrium/gateway"
)

// Subscription is an API client's active subscription: its product's filter and its
// plan's limits.
type Subscription struct {
	ClientID  string
	Product   string // the product's slug
	Include   []string
	Exclude   []string
	PerMinute int // 0: no rate limit
	PerDay    int // 0: no quota
}

// Source is where subscriptions and the clients' daily use come from: the registry.
type Source interface {
	// Subscriptions returns the active subscriptions.
	Subscriptions(ctx context.Context) ([]Subscription, error)
	// Changed is when products, plans or subscriptions last changed (cheap to poll).
	Changed(ctx context.Context) (time.Time, error)
	// RequestsSince is how many requests each client sent since a time, by every gateway.
	RequestsSince(ctx context.Context, since time.Time) (map[string]int64, error)
}

// ContractFunc filters a supergraph by @tag (federation/contract.Build).
type ContractFunc func(supergraphSDL string, include, exclude []string) (string, error)

// Router picks the graph and limits of each request by its token's client.
type Router struct {
	main     *gateway.Gateway
	source   Source
	contract ContractFunc
	log      *slog.Logger

	mu         sync.Mutex // guards the fields below and serializes loads
	sdl, label string
	opts       gateway.Options
	loaded     bool
	products   map[string]*product // by filter key
	changed    time.Time           // of the subscriptions read
	read       bool                // whether they were read at all

	clients atomic.Pointer[map[string]*client] // read on every request
}

// product is one contract, served by its own gateway.
type product struct {
	include, exclude []string
	gw               *gateway.Gateway
	err              error // why the current version's contract failed; nil when serving
}

// client is a subscribed client's product and limits.
type client struct {
	sub     Subscription
	product *product
	limiter *rate.Limiter // nil: no rate limit
	used    atomic.Int64  // requests in day: the registry's count at the last refresh, plus ours since
}

// New returns a router over the main gateway.
func New(main *gateway.Gateway, source Source, contract ContractFunc, log *slog.Logger) *Router {
	if log == nil {
		log = slog.Default()
	}
	r := &Router{main: main, source: source, contract: contract, log: log, products: map[string]*product{}}
	r.clients.Store(&map[string]*client{})
	return r
}

// Load serves a supergraph version: on the main gateway, and each product's contract of
// it on the product's gateway. A contract that fails keeps its product on its previous
// version (or refused, before any) and is logged; the main graph's error is returned.
func (r *Router) Load(label, sdl string, opts gateway.Options) error {
	if err := r.main.Load(label, sdl, opts); err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sdl, r.label, r.opts, r.loaded = sdl, label, opts, true
	for _, p := range r.products {
		r.loadProduct(p)
	}
	return nil
}

func (r *Router) loadProduct(p *product) {
	if !r.loaded {
		return
	}
	sdl, err := r.contract(r.sdl, p.include, p.exclude)
	if err == nil {
		err = p.gw.Load(fmt.Sprintf("%s (contract include %v exclude %v)", r.label, p.include, p.exclude), sdl, r.opts)
	}
	if err != nil {
		r.log.Error("API product: the contract of this version does not load; its clients keep the previous one",
			"include", p.include, "exclude", p.exclude, "error", err)
	}
	p.err = err
}

// Run refreshes the subscriptions when they change, and the clients' daily use every
// poll, until ctx ends.
func (r *Router) Run(ctx context.Context, poll time.Duration) {
	tick := time.NewTicker(poll)
	defer tick.Stop()
	for {
		if err := r.Refresh(ctx); err != nil && ctx.Err() == nil {
			r.log.Warn("API products: reading subscriptions failed; keeping the last ones", "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// Refresh reads the subscriptions (when they changed) and every client's daily use.
func (r *Router) Refresh(ctx context.Context) error {
	changed, err := r.source.Changed(ctx)
	if err != nil {
		return err
	}
	r.mu.Lock()
	stale := !r.read || !changed.Equal(r.changed)
	r.mu.Unlock()
	if stale {
		subs, err := r.source.Subscriptions(ctx)
		if err != nil {
			return err
		}
		r.apply(subs)
		r.mu.Lock()
		r.changed, r.read = changed, true
		r.mu.Unlock()
	}
	clients := *r.clients.Load()
	quotas := false
	for _, c := range clients {
		quotas = quotas || c.sub.PerDay > 0
	}
	if !quotas {
		return nil
	}
	// The registry's counts include what this instance wrote; what it has not written yet
	// is lost here, so the quota is exact within one usage flush.
	used, err := r.source.RequestsSince(ctx, time.Now().UTC().Truncate(24*time.Hour))
	if err != nil {
		return err
	}
	for id, c := range clients {
		if c.sub.PerDay > 0 {
			c.used.Store(used[id])
		}
	}
	return nil
}

// apply builds the client table from the subscriptions, reusing the products' gateways
// and the clients' limiters that did not change.
func (r *Router) apply(subs []Subscription) {
	r.mu.Lock()
	defer r.mu.Unlock()
	old := *r.clients.Load()
	next := make(map[string]*client, len(subs))
	used := map[string]bool{}
	for _, s := range subs {
		key := fmt.Sprint(sorted(s.Include), "|", sorted(s.Exclude))
		used[key] = true
		p := r.products[key]
		if p == nil {
			p = &product{include: sorted(s.Include), exclude: sorted(s.Exclude), gw: gateway.New(nil)}
			r.products[key] = p
			r.loadProduct(p)
		}
		c := &client{sub: s, product: p}
		if prev := old[s.ClientID]; prev != nil && prev.sub.PerMinute == s.PerMinute {
			c.limiter = prev.limiter
			c.used.Store(prev.used.Load())
		} else if s.PerMinute > 0 {
			c.limiter = rate.NewLimiter(rate.Limit(float64(s.PerMinute)/60), s.PerMinute)
		}
		next[s.ClientID] = c
	}
	for key := range r.products {
		if !used[key] {
			delete(r.products, key) // its gateway's snapshot closes when its requests end
		}
	}
	r.clients.Store(&next)
}

func sorted(tags []string) []string {
	out := slices.Clone(tags)
	slices.Sort(out)
	return slices.Compact(out)
}

// ServeHTTP sends the request to its client's product within the plan, or to the main
// graph. Put it behind the authentication middleware: the client is the token's.
func (r *Router) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	p := auth.PrincipalFrom(req.Context())
	if p == nil || p.ClientID == "" {
		r.main.ServeHTTP(w, req)
		return
	}
	c := (*r.clients.Load())[p.ClientID]
	if c == nil {
		r.main.ServeHTTP(w, req)
		return
	}
	if c.limiter != nil && !c.limiter.Allow() { // Allow allocates nothing; Reserve, for the wait, only when refusing
		res := c.limiter.Reserve()
		d := res.Delay()
		res.Cancel()
		refuse(w, "RATE_LIMITED", fmt.Sprintf("the %s plan allows %d requests per minute", c.sub.Product, c.sub.PerMinute), d, c.sub.PerMinute, 0)
		return
	}
	if c.sub.PerDay > 0 {
		if n := c.used.Add(1); n > int64(c.sub.PerDay) {
			c.used.Add(-1)
			tomorrow := time.Now().UTC().Truncate(24 * time.Hour).Add(24 * time.Hour)
			refuse(w, "QUOTA_EXCEEDED", fmt.Sprintf("the daily quota of %d requests of this client's plan is used up", c.sub.PerDay), time.Until(tomorrow), c.sub.PerDay, 0)
			return
		}
	}
	c.product.gw.ServeHTTP(w, req)
}

// refuse answers 429 with Retry-After and the RateLimit headers of the IETF draft.
func refuse(w http.ResponseWriter, code, message string, retry time.Duration, limit, remaining int) {
	secs := int(math.Ceil(retry.Seconds()))
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Retry-After", strconv.Itoa(max(secs, 1)))
	h.Set("RateLimit-Limit", strconv.Itoa(limit))
	h.Set("RateLimit-Remaining", strconv.Itoa(remaining))
	h.Set("RateLimit-Reset", strconv.Itoa(max(secs, 1)))
	w.WriteHeader(http.StatusTooManyRequests)
	_, _ = fmt.Fprintf(w, `{"errors":[{"message":%q,"extensions":{"code":%q}}]}`, message, code)
}
