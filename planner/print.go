package planner

import (
	"strconv"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// printOperation writes a step as a compact subgraph operation and returns it with the client
// variables it uses.
func (p *planner) printOperation(st *step) (op, name string, vars []string) {
	var body strings.Builder
	used := map[string]bool{}
	if st.entity {
		body.WriteString("{_entities(representations:$representations)")
		printSelections(&body, st.out, used)
		body.WriteString("}")
	} else {
		printSelections(&body, st.out, used)
	}
	var b strings.Builder
	kind := "query"
	if p.op.Operation == ast.Mutation && !st.entity {
		kind = "mutation"
	}
	b.WriteString(kind)
	if p.op.Name != "" {
		name = p.op.Name + "__" + sanitizeName(p.sg.Subgraphs[st.sub].Name) + "__" + strconv.Itoa(st.id)
		b.WriteByte(' ')
		b.WriteString(name)
	}
	var decls []string
	if st.entity {
		decls = append(decls, "$representations:[_Any!]!")
	}
	for _, v := range p.op.VariableDefinitions {
		if used[v.Variable] {
			vars = append(vars, v.Variable)
			decl := "$" + v.Variable + ":" + v.Type.String()
			if v.DefaultValue != nil {
				// Keeps a nullable variable with a default valid in a non-null position.
				decl += "=" + v.DefaultValue.String()
			}
			decls = append(decls, decl)
		}
	}
	if len(decls) > 0 {
		b.WriteByte('(')
		b.WriteString(strings.Join(decls, ","))
		b.WriteByte(')')
	}
	b.WriteString(body.String())
	return b.String(), name, vars
}

func sanitizeName(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}

func printSelections(b *strings.Builder, sels []*sel, used map[string]bool) {
	if len(sels) == 0 {
		return
	}
	b.WriteByte('{')
	for i, s := range sels {
		if i > 0 {
			b.WriteByte(' ')
		}
		if s.typeCond != "" {
			b.WriteString("...on ")
			b.WriteString(s.typeCond)
			printSelections(b, s.children, used)
			continue
		}
		if s.alias != "" {
			b.WriteString(s.alias)
			b.WriteByte(':')
		}
		b.WriteString(s.name)
		if len(s.args) > 0 {
			b.WriteByte('(')
			for j, a := range s.args {
				if j > 0 {
					b.WriteByte(',')
				}
				b.WriteString(a.Name)
				b.WriteByte(':')
				b.WriteString(a.Value.String())
				markVariables(a.Value, used)
			}
			b.WriteByte(')')
		}
		printSelections(b, s.children, used)
	}
	b.WriteByte('}')
}

func markVariables(v *ast.Value, used map[string]bool) {
	if v == nil {
		return
	}
	if v.Kind == ast.Variable {
		used[v.Raw] = true
	}
	for _, c := range v.Children {
		markVariables(c.Value, used)
	}
}
