package upstream

import (
	"errors"
	"fmt"
	"math"
	"net/url"
	"strings"
	"time"
)

// Balancer names accepted in Config.Balancer.
const (
	RoundRobin       = "round_robin"
	LeastOutstanding = "least_outstanding"
)

// Defaults applied by Config.Defaults to fields left at zero. docs/traffic.md explains each.
const (
	DefaultTimeout        = 30 * time.Second
	DefaultHealthInterval = 5 * time.Second
	DefaultHealthTimeout  = time.Second
	DefaultUnhealthyAfter = 3
	DefaultHealthyAfter   = 2
	DefaultAttempts       = 2
	DefaultBackoff        = 25 * time.Millisecond
	DefaultMaxBackoff     = time.Second
	DefaultBudget         = 0.2
	DefaultFailureRatio   = 0.5
	DefaultMinRequests    = 20
	DefaultConsecutive    = 5
	DefaultWindow         = 10 * time.Second
	DefaultOpenFor        = 5 * time.Second
	DefaultHalfOpen       = 3
)

const (
	balancerChoices = RoundRobin + ", " + LeastOutstanding
	maxCount        = math.MaxUint32 // gobreaker counts in uint32
	maxURLs         = 64             // endpoint sets are uint64 bit masks
)

// Config configures the traffic to one backend: a GraphQL subgraph (`subgraphs.<name>`) or a
// connector source (`connectors.sources.<subgraph>.<source>`). Zero fields mean "default";
// call Defaults to fill them (New does).
type Config struct {
	// URLs are the backend's base URLs, one per instance (absolute http or https URLs
	// without query or fragment).
	URLs []string `yaml:"urls"`
	// Balancer is RoundRobin (default) or LeastOutstanding.
	Balancer string `yaml:"balancer,omitempty"`
	// Timeout bounds each attempt, up to the response headers and then the body until the
	// caller closes it. The caller's context deadline bounds the whole call.
	Timeout time.Duration `yaml:"timeout,omitempty"`
	Health  Health        `yaml:"health,omitempty"`
	Retries Retries       `yaml:"retries,omitempty"`
	Breaker Breaker       `yaml:"breaker,omitempty"`
}

// Health configures active health checks. They are off unless Path is set.
type Health struct {
	// Path is requested with GET on every URL; a 2xx answer is a success.
	Path     string        `yaml:"path,omitempty"`
	Interval time.Duration `yaml:"interval,omitempty"`
	Timeout  time.Duration `yaml:"timeout,omitempty"`
	// UnhealthyAfter consecutive failed probes take an endpoint out of rotation;
	// HealthyAfter consecutive successes bring it back.
	UnhealthyAfter int `yaml:"unhealthy_after,omitempty"`
	HealthyAfter   int `yaml:"healthy_after,omitempty"`
}

// Retries configures retries. Attempts counts every try, the first included: 1 turns
// retries off.
type Retries struct {
	Attempts   int           `yaml:"attempts,omitempty"`
	Backoff    time.Duration `yaml:"backoff,omitempty"`
	MaxBackoff time.Duration `yaml:"max_backoff,omitempty"`
	// Budget caps retries at this fraction of the requests of the last 10 seconds (at least
	// 10 retries per 10 seconds are always allowed).
	Budget float64 `yaml:"budget,omitempty"`
}

// Breaker configures the circuit breaker of each endpoint.
type Breaker struct {
	// Disabled turns the breakers off: endpoints are only ever taken out by health checks.
	Disabled bool `yaml:"disabled,omitempty"`
	// FailureRatio trips the breaker once at least MinRequests calls were made within Window
	// and this fraction of them failed.
	FailureRatio float64 `yaml:"failure_ratio,omitempty"`
	MinRequests  int     `yaml:"min_requests,omitempty"`
	// Consecutive failures trip the breaker too.
	Consecutive int           `yaml:"consecutive,omitempty"`
	Window      time.Duration `yaml:"window,omitempty"`
	// OpenFor is how long a tripped breaker rejects calls before letting HalfOpen trial
	// calls through; as many successes close it, a failure opens it again.
	OpenFor  time.Duration `yaml:"open_for,omitempty"`
	HalfOpen int           `yaml:"half_open,omitempty"`
}

// Defaults fills the zero fields of c with the package defaults (Default* constants).
// Health settings are filled only when Health.Path is set, breaker settings only when the
// breaker is not disabled.
func (c *Config) Defaults() {
	if c.Balancer == "" {
		c.Balancer = RoundRobin
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	if h := &c.Health; h.Path != "" {
		if h.Interval == 0 {
			h.Interval = DefaultHealthInterval
		}
		if h.Timeout == 0 {
			h.Timeout = min(DefaultHealthTimeout, h.Interval)
		}
		if h.UnhealthyAfter == 0 {
			h.UnhealthyAfter = DefaultUnhealthyAfter
		}
		if h.HealthyAfter == 0 {
			h.HealthyAfter = DefaultHealthyAfter
		}
	}
	r := &c.Retries
	if r.Attempts == 0 {
		r.Attempts = DefaultAttempts
	}
	if r.Backoff == 0 {
		r.Backoff = DefaultBackoff
	}
	if r.MaxBackoff == 0 {
		r.MaxBackoff = max(DefaultMaxBackoff, r.Backoff)
	}
	if r.Budget == 0 {
		r.Budget = DefaultBudget
	}
	if b := &c.Breaker; !b.Disabled {
		if b.FailureRatio == 0 {
			b.FailureRatio = DefaultFailureRatio
		}
		if b.MinRequests == 0 {
			b.MinRequests = DefaultMinRequests
		}
		if b.Consecutive == 0 {
			b.Consecutive = DefaultConsecutive
		}
		if b.Window == 0 {
			b.Window = DefaultWindow
		}
		if b.OpenFor == 0 {
			b.OpenFor = DefaultOpenFor
		}
		if b.HalfOpen == 0 {
			b.HalfOpen = DefaultHalfOpen
		}
	}
}

// FieldError is one problem found by Validate. Path is relative to the Config ("urls[1]",
// "retries.budget"): callers prefix it with where the Config sits in their file.
type FieldError struct {
	Path string
	Msg  string
}

func (e *FieldError) Error() string { return e.Path + ": " + e.Msg }

// Validate reports every problem of c at once, as errors.Join of *FieldError values (nil
// when c is valid). Zero fields are valid: they stand for the defaults.
func (c Config) Validate() error {
	var errs []error
	add := func(path, format string, args ...any) {
		errs = append(errs, &FieldError{Path: path, Msg: fmt.Sprintf(format, args...)})
	}
	switch {
	case len(c.URLs) == 0:
		add("urls", "at least one URL is required")
	case len(c.URLs) > maxURLs:
		add("urls", "at most %d URLs (put a load balancer in front of a larger fleet)", maxURLs)
	}
	seen := make(map[string]int, len(c.URLs))
	for i, raw := range c.URLs {
		path := fmt.Sprintf("urls[%d]", i)
		u, err := url.Parse(raw)
		switch {
		case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Opaque != "":
			add(path, "not an absolute http(s) URL")
		case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
			add(path, "must not have a query or fragment (requests add their own path and query)")
		default:
			key := strings.TrimSuffix(raw, "/")
			if j, dup := seen[key]; dup {
				add(path, "duplicate of urls[%d]", j)
			} else {
				seen[key] = i
			}
		}
	}
	switch c.Balancer {
	case "", RoundRobin, LeastOutstanding:
	default:
		add("balancer", "unknown %q (%s)", c.Balancer, balancerChoices)
	}
	nonNegative := func(path string, d time.Duration) {
		if d < 0 {
			add(path, "must not be negative")
		}
	}
	count := func(path string, n int) {
		switch {
		case n < 0:
			add(path, "must not be negative")
		case int64(n) > maxCount:
			add(path, "must be at most %d", int64(maxCount))
		}
	}
	nonNegative("timeout", c.Timeout)

	h := c.Health
	if h.Path == "" {
		if h != (Health{}) {
			add("health.path", "required when other health settings are set (health checks are off without it)")
		}
	} else if !strings.HasPrefix(h.Path, "/") {
		add("health.path", "must start with \"/\"")
	}
	nonNegative("health.interval", h.Interval)
	nonNegative("health.timeout", h.Timeout)
	if h.Interval > 0 && h.Timeout > h.Interval {
		add("health.timeout", "must not exceed health.interval (%s)", h.Interval)
	}
	count("health.unhealthy_after", h.UnhealthyAfter)
	count("health.healthy_after", h.HealthyAfter)

	r := c.Retries
	count("retries.attempts", r.Attempts)
	nonNegative("retries.backoff", r.Backoff)
	nonNegative("retries.max_backoff", r.MaxBackoff)
	if r.Backoff > 0 && r.MaxBackoff > 0 && r.MaxBackoff < r.Backoff {
		add("retries.max_backoff", "must be at least retries.backoff (%s)", r.Backoff)
	}
	if math.IsNaN(r.Budget) || math.IsInf(r.Budget, 0) || r.Budget < 0 {
		add("retries.budget", "must be a fraction >= 0 (0.2 = retries may add 20%% to the traffic)")
	}

	b := c.Breaker
	if math.IsNaN(b.FailureRatio) || b.FailureRatio < 0 || b.FailureRatio > 1 {
		add("breaker.failure_ratio", "must be between 0 and 1")
	}
	count("breaker.min_requests", b.MinRequests)
	count("breaker.consecutive", b.Consecutive)
	nonNegative("breaker.window", b.Window)
	nonNegative("breaker.open_for", b.OpenFor)
	count("breaker.half_open", b.HalfOpen)
	return errors.Join(errs...)
}
