package gateway

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"

	"github.com/atrium-gateway/atrium/federation"
)

// overrides decides, per request, which progressive-override labels are active, and keeps
// the supergraph view of each combination the planner has been given.
type overrides struct {
	sg      *federation.Supergraph
	labels  []string  // the supergraph's labels, bit i = labels[i]
	percent []float64 // per label: its share of requests in percent, or -1 (switched)
	on      uint64    // the switched labels that the configuration turns on
	mu      sync.Mutex
	views   map[uint64]*federation.Supergraph
}

// maxOverrideLabels is the number of labels a supergraph may use (bits of a uint64).
const maxOverrideLabels = 64

func newOverrides(sg *federation.Supergraph, active []string) (*overrides, error) {
	o := &overrides{sg: sg, labels: sg.OverrideLabels()}
	if len(o.labels) > maxOverrideLabels {
		return nil, fmt.Errorf("the supergraph uses %d progressive override labels; at most %d are supported", len(o.labels), maxOverrideLabels)
	}
	for i, label := range o.labels {
		n, isPercent := federation.PercentLabel(label)
		if !isPercent {
			n = -1
		}
		o.percent = append(o.percent, n)
		if !isPercent && slices.Contains(active, label) {
			o.on |= 1 << i
		}
	}
	return o, nil
}

// pick returns the labels active for one request.
func (o *overrides) pick() uint64 {
	bits := o.on
	for i, n := range o.percent {
		if n > 0 && rand.Float64()*100 < n {
			bits |= 1 << i
		}
	}
	return bits
}

// supergraph returns the supergraph as planned with the labels in bits active.
func (o *overrides) supergraph(bits uint64) *federation.Supergraph {
	if bits == 0 {
		return o.sg
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if v := o.views[bits]; v != nil {
		return v
	}
	v := o.sg.WithOverrides(func(label string) bool {
		i, found := slices.BinarySearch(o.labels, label)
		return found && bits&(1<<i) != 0
	})
	if o.views == nil {
		o.views = map[uint64]*federation.Supergraph{}
	}
	o.views[bits] = v
	return v
}
