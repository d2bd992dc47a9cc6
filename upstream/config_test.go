package upstream_test

import (
	"errors"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/atrium-gateway/atrium/upstream"
)

func problems(err error) []string {
	if err == nil {
		return nil
	}
	var out []string
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		var fe *upstream.FieldError
		if errors.As(e, &fe) {
			out = append(out, fe.Error())
		}
	}
	return out
}

func TestValidateReportsEveryProblemWithItsPath(t *testing.T) {
	t.Parallel()
	cfg := upstream.Config{
		URLs:     []string{"http://10.0.0.5:4010/v1", "ftp://10.0.0.6/", "/relative", "http://10.0.0.5:4010/v1/", "http://x/?a=1"},
		Balancer: "random",
		Timeout:  -time.Second,
		Health:   upstream.Health{Path: "healthz", Interval: time.Second, Timeout: 2 * time.Second, HealthyAfter: -1},
		Retries:  upstream.Retries{Attempts: -1, Backoff: 2 * time.Second, MaxBackoff: time.Second, Budget: math.NaN()},
		Breaker:  upstream.Breaker{FailureRatio: 1.5, HalfOpen: -2, OpenFor: -time.Second},
	}
	require.Equal(t, []string{
		"urls[1]: not an absolute http(s) URL",
		"urls[2]: not an absolute http(s) URL",
		"urls[3]: duplicate of urls[0]",
		"urls[4]: must not have a query or fragment (requests add their own path and query)",
		`balancer: unknown "random" (round_robin, least_outstanding)`,
		"timeout: must not be negative",
		`health.path: must start with "/"`,
		"health.timeout: must not exceed health.interval (1s)",
		"health.healthy_after: must not be negative",
		"retries.attempts: must not be negative",
		"retries.max_backoff: must be at least retries.backoff (2s)",
		"retries.budget: must be a fraction >= 0 (0.2 = retries may add 20% to the traffic)",
		"breaker.failure_ratio: must be between 0 and 1",
		"breaker.open_for: must not be negative",
		"breaker.half_open: must not be negative",
	}, problems(cfg.Validate()))

	require.Equal(t, []string{"urls: at least one URL is required"}, problems(upstream.Config{}.Validate()))
	require.Equal(t,
		[]string{"health.path: required when other health settings are set (health checks are off without it)"},
		problems(upstream.Config{URLs: []string{"https://a"}, Health: upstream.Health{Interval: time.Second}}.Validate()))
	require.NoError(t, upstream.Config{URLs: []string{"https://a", "http://b:8080/api"}}.Validate())
	many := make([]string, 65)
	for i := range many {
		many[i] = fmt.Sprintf("http://10.0.0.%d", i)
	}
	require.Equal(t, []string{"urls: at most 64 URLs (put a load balancer in front of a larger fleet)"},
		problems(upstream.Config{URLs: many}.Validate()))

	_, err := upstream.New("shop", cfg, nil, nil)
	require.ErrorContains(t, err, `upstream "shop": urls[1]: not an absolute http(s) URL`)
}

func TestDefaults(t *testing.T) {
	t.Parallel()
	cfg := upstream.Config{URLs: []string{"http://a"}, Health: upstream.Health{Path: "/healthz", Interval: 500 * time.Millisecond}}
	cfg.Defaults()
	require.Equal(t, upstream.Config{
		URLs:     []string{"http://a"},
		Balancer: "round_robin",
		Timeout:  30 * time.Second,
		Health:   upstream.Health{Path: "/healthz", Interval: 500 * time.Millisecond, Timeout: 500 * time.Millisecond, UnhealthyAfter: 3, HealthyAfter: 2},
		Retries:  upstream.Retries{Attempts: 2, Backoff: 25 * time.Millisecond, MaxBackoff: time.Second, Budget: 0.2},
		Breaker:  upstream.Breaker{FailureRatio: 0.5, MinRequests: 20, Consecutive: 5, Window: 10 * time.Second, OpenFor: 5 * time.Second, HalfOpen: 3},
	}, cfg)
	require.NoError(t, cfg.Validate())

	off := upstream.Config{URLs: []string{"http://a"}, Breaker: upstream.Breaker{Disabled: true}}
	off.Defaults()
	require.Equal(t, upstream.Health{}, off.Health, "no health checks without a path")
	require.Equal(t, upstream.Breaker{Disabled: true}, off.Breaker)
}

func TestConfigYAML(t *testing.T) {
	t.Parallel()
	// The example of CONNECTORS.md §7.
	const doc = `
urls: [http://10.0.0.5:4010/v1, http://10.0.0.6:4010/v1]
balancer: least_outstanding
timeout: 2s
health: { path: /healthz, interval: 5s, timeout: 1s, unhealthy_after: 3, healthy_after: 2 }
retries: { attempts: 2, backoff: 25ms, max_backoff: 1s, budget: 0.2 }
breaker: { failure_ratio: 0.5, min_requests: 20, consecutive: 5, window: 10s, open_for: 30s, half_open: 3 }
`
	want := upstream.Config{
		URLs:     []string{"http://10.0.0.5:4010/v1", "http://10.0.0.6:4010/v1"},
		Balancer: upstream.LeastOutstanding,
		Timeout:  2 * time.Second,
		Health:   upstream.Health{Path: "/healthz", Interval: 5 * time.Second, Timeout: time.Second, UnhealthyAfter: 3, HealthyAfter: 2},
		Retries:  upstream.Retries{Attempts: 2, Backoff: 25 * time.Millisecond, MaxBackoff: time.Second, Budget: 0.2},
		Breaker:  upstream.Breaker{FailureRatio: 0.5, MinRequests: 20, Consecutive: 5, Window: 10 * time.Second, OpenFor: 30 * time.Second, HalfOpen: 3},
	}
	var got upstream.Config
	require.NoError(t, yaml.Unmarshal([]byte(doc), &got))
	require.Equal(t, want, got)
	require.NoError(t, got.Validate())

	out, err := yaml.Marshal(want)
	require.NoError(t, err)
	require.Contains(t, string(out), "timeout: 2s")
	require.Contains(t, string(out), "max_backoff: 1s")
	var back upstream.Config
	require.NoError(t, yaml.Unmarshal(out, &back))
	require.Equal(t, want, back)

	// Unset sections are left out.
	out, err = yaml.Marshal(upstream.Config{URLs: []string{"http://a"}, Breaker: upstream.Breaker{Disabled: true}})
	require.NoError(t, err)
	require.Equal(t, "urls:\n    - http://a\nbreaker:\n    disabled: true\n", string(out))

	require.Error(t, yaml.Unmarshal([]byte("timeout: 2 seconds"), &got), "durations are Go duration strings")
}
