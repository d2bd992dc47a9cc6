package planner

import (
	"encoding/json"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

func joinPath(path []string) string { return strings.Join(path, ".") }

// tree turns the fetch steps into plan nodes. A step that depends only on its parent nests
// under it (Sequence{parent, Parallel{children}}); a step that also waits for other steps
// (@requires inputs gathered elsewhere) runs in a later stage of its group, after every
// stage that holds one of its dependencies. Mutation root fields form one group each, run in
// order; a query is one group.
func (p *planner) tree() (Node, int, error) {
	if len(p.steps) == 0 {
		return nil, 0, nil
	}
	p.mergeSteps()
	fetches := make(map[*step]*Fetch, len(p.steps))
	for _, st := range p.steps {
		renames := st.aliasConflicts()
		op, name, vars := p.printOperation(st)
		quoted, _ := json.Marshal(op)
		kind := ast.Query
		if p.op.Operation == ast.Mutation && !st.entity {
			kind = ast.Mutation
		}
		fetches[st] = &Fetch{
			ID: st.id, Subgraph: st.sub, ServiceName: p.sg.Subgraphs[st.sub].Name, Kind: kind,
			Operation: op, OperationJSON: quoted, OperationName: name, Variables: vars, Requires: st.inputs, Renames: renames,
		}
	}
	nestedKids := map[*step][]*step{}
	var roots, joins []*step
	for _, st := range p.steps {
		switch {
		case st.parent == nil:
			roots = append(roots, st)
		case len(st.deps) == 1:
			nestedKids[st.parent] = append(nestedKids[st.parent], st)
		default:
			joins = append(joins, st)
		}
	}
	var subtree func(st *step) Node
	subtree = func(st *step) Node {
		var n Node = fetches[st]
		if st.entity {
			n = &Flatten{Path: st.path, More: st.more, Node: n, Walks: walks(st)}
		}
		kids := nestedKids[st]
		if len(kids) == 0 {
			return n
		}
		par := make([]Node, 0, len(kids))
		for _, k := range kids {
			par = append(par, subtree(k))
		}
		return sequence([]Node{n, parallel(par)})
	}
	// unit maps every step to the root or join whose subtree holds it.
	unit := map[*step]*step{}
	var mark func(st, u *step)
	mark = func(st, u *step) {
		unit[st] = u
		for _, k := range nestedKids[st] {
			mark(k, u)
		}
	}
	for _, r := range roots {
		mark(r, r)
	}
	for _, j := range joins {
		mark(j, j)
	}
	level := map[*step]int{}
	visiting := map[*step]bool{}
	var levelOf func(u *step) (int, error)
	levelOf = func(u *step) (int, error) {
		if l, ok := level[u]; ok {
			return l, nil
		}
		if u.parent == nil {
			level[u] = 0
			return 0, nil
		}
		if visiting[u] {
			return 0, errorf("cannot plan: circular field requirements")
		}
		visiting[u] = true
		l := 0
		for _, d := range u.deps {
			dl, err := levelOf(unit[d])
			if err != nil {
				return 0, err
			}
			if dl+1 > l {
				l = dl + 1
			}
		}
		level[u] = l
		return l, nil
	}
	groupOf := func(u *step) *step {
		for u.parent != nil {
			u = u.parent
		}
		return u
	}
	var groups [][]*step
	if p.op.Operation == ast.Mutation {
		for _, r := range roots {
			groups = append(groups, []*step{r})
		}
	} else {
		groups = append(groups, roots)
	}
	for _, j := range joins {
		g := groupOf(j)
		for i := range groups {
			if groups[i][0] == g || p.op.Operation != ast.Mutation {
				groups[i] = append(groups[i], j)
				break
			}
		}
	}
	var seq []Node
	for _, g := range groups {
		var stages [][]Node
		for _, u := range g {
			l, err := levelOf(u)
			if err != nil {
				return nil, 0, err
			}
			for len(stages) <= l {
				stages = append(stages, nil)
			}
			stages[l] = append(stages[l], subtree(u))
		}
		for _, s := range stages {
			if len(s) > 0 {
				seq = append(seq, parallel(s))
			}
		}
	}
	return sequence(seq), len(fetches), nil
}

// sequence runs nodes in order, flattening nested sequences.
func sequence(nodes []Node) Node {
	var flat []Node
	for _, n := range nodes {
		if s, ok := n.(*Sequence); ok {
			flat = append(flat, s.Nodes...)
		} else {
			flat = append(flat, n)
		}
	}
	if len(flat) == 1 {
		return flat[0]
	}
	return &Sequence{Nodes: flat}
}

func parallel(nodes []Node) Node {
	if len(nodes) == 1 {
		return nodes[0]
	}
	return &Parallel{Nodes: nodes}
}

// walks anchors each path of an entity fetch at the longest path of its parent fetch that
// prefixes it, so the executor can start from the objects the parent already found there.
func walks(st *step) []Walk {
	paths := append([][]string{st.path}, st.more...)
	out := make([]Walk, len(paths))
	for i, path := range paths {
		out[i].Key = joinPath(path)
		if st.parent == nil || !st.parent.entity {
			continue
		}
		for _, pp := range append([][]string{st.parent.path}, st.parent.more...) {
			if len(pp) <= len(path) && len(pp) > out[i].From && joinPath(path[:len(pp)]) == joinPath(pp) {
				out[i].Anchor, out[i].From = joinPath(pp), len(pp)
			}
		}
	}
	return out
}
