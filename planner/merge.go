package planner

import (
	"strings"
)

// mergeSteps turns entity fetches that send the same selection with the same kind of
// representations to the same subgraph, at different places, into one fetch reading all
// those places: one request instead of several, and representations deduplicated across
// them (the benchmark query asks products for the same reviewed products along two
// branches). Fetches are merged only when neither depends on the other, and, for
// mutations, within one root field's group, so order is kept. The merged fetch waits for
// the union of their dependencies.
func (p *planner) mergeSteps() {
	signature := map[*step]string{}
	for _, st := range p.steps {
		if !st.entity {
			continue
		}
		var b strings.Builder
		b.WriteString(p.sg.Subgraphs[st.sub].Name)
		b.WriteByte('|')
		printSelections(&b, st.out, map[string]bool{})
		for _, in := range st.inputs {
			b.WriteString("|" + in.TypeName)
			writeInputSignature(&b, in.Fields)
		}
		signature[st] = b.String()
	}
	for i := 0; i < len(p.steps); i++ {
		a := p.steps[i]
		if !a.entity {
			continue
		}
		for j := i + 1; j < len(p.steps); j++ {
			b := p.steps[j]
			if !b.entity || signature[a] != signature[b] || p.root(a) != p.root(b) && p.op.Operation != "query" ||
				p.dependsOn(a, b) || p.dependsOn(b, a) {
				continue
			}
			a.more = append(a.more, b.path)
			a.more = append(a.more, b.more...)
			for _, d := range b.deps {
				a.addDep(d)
			}
			for _, c := range p.steps {
				if c.parent == b {
					c.parent = a
				}
				for k, d := range c.deps {
					if d == b {
						c.deps[k] = a
					}
				}
				c.deps = uniqueSteps(c.deps)
			}
			p.steps = append(p.steps[:j], p.steps[j+1:]...)
			j--
		}
	}
}

func writeInputSignature(b *strings.Builder, fields []*InputField) {
	b.WriteByte('{')
	for _, f := range fields {
		b.WriteString(f.TypeCond + ":" + f.Name + "=" + f.Key)
		writeInputSignature(b, f.Fields)
		b.WriteByte(',')
	}
	b.WriteByte('}')
}

// root returns the root fetch a step hangs under.
func (p *planner) root(st *step) *step {
	for st.parent != nil {
		st = st.parent
	}
	return st
}

// dependsOn reports whether a waits, directly or not, for b.
func (p *planner) dependsOn(a, b *step) bool {
	seen := map[*step]bool{}
	var visit func(s *step) bool
	visit = func(s *step) bool {
		if s == b {
			return true
		}
		if seen[s] {
			return false
		}
		seen[s] = true
		for _, d := range s.deps {
			if visit(d) {
				return true
			}
		}
		return false
	}
	for _, d := range a.deps {
		if visit(d) {
			return true
		}
	}
	return false
}

func uniqueSteps(list []*step) []*step {
	out := list[:0]
	for i, s := range list {
		dup := false
		for _, o := range list[:i] {
			if o == s {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, s)
		}
	}
	return out
}
