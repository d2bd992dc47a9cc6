package planner

import (
	"slices"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/atrium-gateway/atrium/federation"
)

// Fallback: a field the current subgraph resolves is planned there, selection included. When
// its selection cannot be completed from there (a field below it that no key held there
// reaches), the field is fetched whole from another subgraph through the parent entity's key
// instead. Re-entering just the failing field's chain (reenter) would fetch the field from
// both subgraphs and merge their objects, which is wrong when it is abstract.

// fallback is the error that restarts planning with subgraph sub ruled out for the field at
// point, because the field's selection could not be planned there (err says why).
type fallback struct {
	point string
	sub   federation.SubgraphID
	err   error
}

func (f *fallback) Error() string { return f.err.Error() }

// fieldPoint names field f of type typ at response path path, for planner.avoid.
func fieldPoint(path []string, typ string, f *cfield) string {
	return joinPath(path) + "|" + typ + "|" + f.key
}

// avoided reports whether sub is ruled out for field f of typ at path. The point is only
// built once something is ruled out: this runs for every field planned.
func (p *planner) avoided(path []string, typ string, f *cfield, sub federation.SubgraphID) bool {
	return len(p.avoid) > 0 && slices.Contains(p.avoid[fieldPoint(path, typ, f)], sub)
}

// fallBack turns err, the failure to plan the selection of field f of t in st's subgraph,
// into a fallback when another subgraph, not ruled out yet, resolves f through a key of t
// held here; otherwise it returns err. A fallback from a field deeper down is kept.
func (p *planner) fallBack(st *step, t *federation.Type, f *cfield, path []string, prov ast.SelectionSet, err error) error {
	if _, ok := err.(*fallback); ok || len(f.sets) == 0 {
		return err
	}
	fi := t.Fields[f.name]
	for sub := range p.sg.Subgraphs {
		if sub == st.sub || !fi.Resolvable(sub) || p.avoided(path, t.Name, f, sub) {
			continue
		}
		if p.keyFor(t, sub, st.sub, prov) != nil || p.inputKey(st, t, sub, path) != nil {
			return &fallback{point: fieldPoint(path, t.Name, f), sub: st.sub, err: err}
		}
	}
	return err
}

// retry runs plan from a clean state until it ends without a fallback, ruling out one more
// subgraph for one field each time. Planning is deterministic, so a run repeats the previous
// one up to that field; the pairs to rule out are finite, so it ends.
func (p *planner) retry(plan func() error) error {
	for {
		err := plan()
		fb, ok := err.(*fallback)
		if !ok {
			return err
		}
		if p.avoid == nil {
			p.avoid = map[string][]federation.SubgraphID{}
		}
		p.avoid[fb.point] = append(p.avoid[fb.point], fb.sub)
		avoid := p.avoid
		*p = *newPlanner(p.sg, p.op, p.col) // a clean state, but what was ruled out stays
		p.avoid = avoid
	}
}
