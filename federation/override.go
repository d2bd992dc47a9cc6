package federation

import (
	"maps"
	"slices"
	"strconv"
	"strings"
)

// progressiveOverride is one @override with a label: field typ.field moves from subgraph
// loser to subgraph winner for the requests where the label is active.
type progressiveOverride struct {
	typ, field    string
	label         string
	winner, loser SubgraphID
}

// OverrideLabels returns the labels of the supergraph's progressive overrides, sorted, each
// once ("percent(N)" labels included).
func (s *Supergraph) OverrideLabels() []string {
	var labels []string
	for _, po := range s.progressive {
		labels = append(labels, po.label)
	}
	slices.Sort(labels)
	return slices.Compact(labels)
}

// PercentLabel reports whether label has the form percent(N), with N a number from 0 to
// 100 (decimals allowed), and returns N.
func PercentLabel(label string) (float64, bool) {
	inner, ok := strings.CutPrefix(label, "percent(")
	if !ok {
		return 0, false
	}
	inner, ok = strings.CutSuffix(inner, ")")
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseFloat(inner, 64)
	if err != nil || n < 0 || n > 100 {
		return 0, false
	}
	return n, true
}

// WithOverrides returns the supergraph as planned when the labels for which active reports
// true are on: their fields are read from the overriding subgraph, the others' from the
// subgraph they were overridden from. The receiver is not changed; the result shares all
// that the labels do not touch. With no progressive override it returns the receiver.
func (s *Supergraph) WithOverrides(active func(label string) bool) *Supergraph {
	view := s
	cloned := map[string]*Type{}
	for _, po := range s.progressive {
		if !active(po.label) {
			continue
		}
		if view == s {
			copied := *s
			copied.Types = maps.Clone(s.Types)
			view = &copied
		}
		t := cloned[po.typ]
		if t == nil {
			nt := *view.Types[po.typ]
			nt.Fields = maps.Clone(nt.Fields)
			t = &nt
			cloned[po.typ] = t
			view.Types[po.typ] = t
		}
		nf := *t.Fields[po.field]
		nf.Parent = t
		nf.In = slices.Clone(nf.In)
		winner, loser := *nf.In[po.winner], *nf.In[po.loser]
		winner.UsedOverridden, loser.UsedOverridden = false, true
		nf.In[po.winner], nf.In[po.loser] = &winner, &loser
		t.Fields[po.field] = &nf
	}
	return view
}
