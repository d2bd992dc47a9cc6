package resolvers

import (
	"context"
	"errors"
	"slices"

	"github.com/atrium-gateway/atrium/graph/model"
	"github.com/atrium-gateway/atrium/registry/store"
	"github.com/atrium-gateway/atrium/upstream"
)

// HealthSource tells how the subgraphs the gateway serves are doing, by name; package
// gateway's *Gateway is one. Subgraphs it leaves out are UNKNOWN. It must be cheap: every
// status request calls it.
type HealthSource interface {
	SubgraphStatus() map[string]upstream.HealthStatus
}

func (q queries) Status(ctx context.Context) ([]*model.SubgraphStatus, error) {
	names, err := q.currentSubgraphs(ctx)
	if err != nil {
		return nil, err
	}
	var health map[string]upstream.HealthStatus
	if q.Health != nil {
		health = q.Health.SubgraphStatus()
	}
	open := true
	incidents, err := q.Registry.Store().Incidents(ctx, store.IncidentQuery{Open: &open, First: store.MaxIncidentsPage})
	if err != nil {
		return nil, err
	}
	out := make([]*model.SubgraphStatus, len(names))
	for i, name := range names {
		s := &model.SubgraphStatus{Name: name, Health: upstream.StatusUnknown, Incidents: []*store.Incident{}}
		if h, ok := health[name]; ok {
			s.Health = h
		}
		for j := range incidents {
			if slices.Contains(incidents[j].Subgraphs, name) {
				s.Incidents = append(s.Incidents, &incidents[j])
			}
		}
		out[i] = s
	}
	return out, nil
}

// currentSubgraphs names the subgraphs of the current supergraph, sorted; none before
// the first publish.
func (r *Resolver) currentSubgraphs(ctx context.Context) ([]string, error) {
	c, err := r.Registry.Current(ctx)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	names := make([]string, len(c.Version.Subgraphs))
	for i, s := range c.Version.Subgraphs {
		names[i] = s.Name
	}
	return names, nil
}
