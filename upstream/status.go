package upstream

import "github.com/sony/gobreaker/v2"

// HealthStatus sums up a backend for a status page.
type HealthStatus string

const (
	// StatusUnknown: nothing is known, without health checks and with no breaker open.
	StatusUnknown HealthStatus = "UNKNOWN"
	// StatusUp: every endpoint passes its health checks and its breaker is closed.
	StatusUp HealthStatus = "UP"
	// StatusDegraded: some endpoints serve, others fail their checks or have a breaker
	// open or half-open.
	StatusDegraded HealthStatus = "DEGRADED"
	// StatusDown: no endpoint serves.
	StatusDown HealthStatus = "DOWN"
)

// Status sums up the pool's endpoints: an endpoint serves while its breaker is closed
// and, with health checks configured, it passes them. Without health checks, a pool whose
// breakers are all closed is StatusUnknown: no traffic failing is not proof of health.
// It reads the same state as Endpoints, without allocating.
func (p *Pool) Status() HealthStatus {
	serving := 0
	for _, ep := range p.eps {
		closed := ep.cb == nil || ep.cb.State() == gobreaker.StateClosed
		if closed && ep.healthy.Load() {
			serving++
		}
	}
	switch {
	case serving == 0:
		return StatusDown
	case serving < len(p.eps):
		return StatusDegraded
	case p.cfg.Health.Path == "":
		return StatusUnknown
	}
	return StatusUp
}
