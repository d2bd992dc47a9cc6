package planner

import (
	"encoding/json"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

// String prints the plan as indented text, in the style of Apollo's query plans.
func (p *Plan) String() string {
	var b strings.Builder
	b.WriteString("QueryPlan {\n")
	if p.Root != nil {
		writeNode(&b, p.Root, 1)
	}
	b.WriteString("}\n")
	return b.String()
}

func indent(b *strings.Builder, depth int) {
	for range depth {
		b.WriteString("  ")
	}
}

func writeNode(b *strings.Builder, n Node, depth int) {
	indent(b, depth)
	switch n := n.(type) {
	case *Sequence:
		b.WriteString("Sequence {\n")
		for _, c := range n.Nodes {
			writeNode(b, c, depth+1)
		}
		indent(b, depth)
		b.WriteString("},\n")
	case *Parallel:
		b.WriteString("Parallel {\n")
		for _, c := range n.Nodes {
			writeNode(b, c, depth+1)
		}
		indent(b, depth)
		b.WriteString("},\n")
	case *Flatten:
		b.WriteString("Flatten(path: \"")
		b.WriteString(strings.Join(n.Path, "."))
		for _, more := range n.More {
			b.WriteString("\", \"")
			b.WriteString(strings.Join(more, "."))
		}
		b.WriteString("\") {\n")
		writeNode(b, n.Node, depth+1)
		indent(b, depth)
		b.WriteString("},\n")
	case *Fetch:
		b.WriteString("Fetch(service: \"")
		b.WriteString(n.ServiceName)
		b.WriteString("\") {\n")
		if len(n.Requires) > 0 {
			indent(b, depth+1)
			b.WriteString("{\n")
			for _, t := range n.Requires {
				indent(b, depth+2)
				b.WriteString("... on " + t.TypeName + " {\n")
				writeInputs(b, t.Fields, depth+3)
				indent(b, depth+2)
				b.WriteString("}\n")
			}
			indent(b, depth+1)
			b.WriteString("} =>\n")
		}
		writeOperation(b, n, depth+1)
		indent(b, depth)
		b.WriteString("},\n")
	}
}

func writeInputs(b *strings.Builder, fields []*InputField, depth int) {
	for _, f := range fields {
		indent(b, depth)
		if f.TypeCond != "" {
			b.WriteString("... on " + f.TypeCond + " {\n")
			writeInputs(b, f.Fields, depth+1)
			indent(b, depth)
			b.WriteString("}\n")
			continue
		}
		if f.Key != f.Name {
			b.WriteString(f.Key + ": ")
		}
		b.WriteString(f.Name)
		if len(f.Fields) > 0 {
			b.WriteString(" {\n")
			writeInputs(b, f.Fields, depth+1)
			indent(b, depth)
			b.WriteString("}")
		}
		b.WriteString("\n")
	}
}

// writeOperation pretty-prints a fetch's selection (under _entities for entity fetches).
func writeOperation(b *strings.Builder, f *Fetch, depth int) {
	doc, err := parser.ParseQuery(&ast.Source{Input: f.Operation})
	if err != nil || len(doc.Operations) != 1 {
		indent(b, depth)
		b.WriteString(f.Operation + "\n")
		return
	}
	op := doc.Operations[0]
	set := op.SelectionSet
	if len(f.Requires) > 0 && len(set) == 1 {
		if fld, ok := set[0].(*ast.Field); ok && fld.Name == "_entities" {
			set = fld.SelectionSet
		}
	}
	indent(b, depth)
	if op.Operation == ast.Mutation {
		b.WriteString("mutation ")
	}
	writeSelections(b, set, depth)
	b.WriteString("\n")
}

func writeSelections(b *strings.Builder, set ast.SelectionSet, depth int) {
	b.WriteString("{\n")
	for _, s := range set {
		indent(b, depth+1)
		switch s := s.(type) {
		case *ast.Field:
			if s.Alias != "" && s.Alias != s.Name {
				b.WriteString(s.Alias + ": ")
			}
			b.WriteString(s.Name)
			if len(s.Arguments) > 0 {
				b.WriteString("(")
				for i, a := range s.Arguments {
					if i > 0 {
						b.WriteString(", ")
					}
					b.WriteString(a.Name + ": " + a.Value.String())
				}
				b.WriteString(")")
			}
			if len(s.SelectionSet) > 0 {
				b.WriteString(" ")
				writeSelections(b, s.SelectionSet, depth+1)
			}
		case *ast.InlineFragment:
			b.WriteString("... on " + s.TypeCondition + " ")
			writeSelections(b, s.SelectionSet, depth+1)
		}
		b.WriteString("\n")
	}
	indent(b, depth)
	b.WriteString("}")
}

// MarshalJSON writes the plan in the shape of Apollo's query plans.
func (p *Plan) MarshalJSON() ([]byte, error) {
	out := map[string]any{"kind": "QueryPlan"}
	if p.Root != nil {
		out["node"] = p.Root
	}
	return json.Marshal(out)
}

// MarshalJSON writes {"kind":"Sequence","nodes":[...]}.
func (n *Sequence) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Kind  string `json:"kind"`
		Nodes []Node `json:"nodes"`
	}{"Sequence", n.Nodes})
}

// MarshalJSON writes {"kind":"Parallel","nodes":[...]}.
func (n *Parallel) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Kind  string `json:"kind"`
		Nodes []Node `json:"nodes"`
	}{"Parallel", n.Nodes})
}

// MarshalJSON writes {"kind":"Flatten","path":[...],"node":{...}}, with "morePaths" for a
// fetch merged from several places.
func (n *Flatten) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Kind string     `json:"kind"`
		Path []string   `json:"path"`
		More [][]string `json:"morePaths,omitempty"`
		Node Node       `json:"node"`
	}{"Flatten", n.Path, n.More, n.Node})
}

// MarshalJSON writes a Fetch node as Apollo does: serviceName, variableUsages, operation,
// operationKind and requires (as inline fragments).
func (n *Fetch) MarshalJSON() ([]byte, error) {
	type sel = map[string]any
	var requires []sel
	var fields func([]*InputField) []sel
	fields = func(in []*InputField) []sel {
		out := []sel{}
		for _, f := range in {
			if f.TypeCond != "" {
				out = append(out, sel{"kind": "InlineFragment", "typeCondition": f.TypeCond, "selections": fields(f.Fields)})
				continue
			}
			s := sel{"kind": "Field", "name": f.Name}
			if f.Key != f.Name {
				s["alias"] = f.Key
			}
			if len(f.Fields) > 0 {
				s["selections"] = fields(f.Fields)
			}
			out = append(out, s)
		}
		return out
	}
	for _, t := range n.Requires {
		requires = append(requires, sel{"kind": "InlineFragment", "typeCondition": t.TypeName, "selections": fields(t.Fields)})
	}
	vars := n.Variables
	if vars == nil {
		vars = []string{}
	}
	out := map[string]any{
		"kind":           "Fetch",
		"serviceName":    n.ServiceName,
		"variableUsages": vars,
		"operation":      n.Operation,
		"operationKind":  string(n.Kind),
	}
	if n.OperationName != "" {
		out["operationName"] = n.OperationName
	}
	if len(requires) > 0 {
		out["requires"] = requires
	}
	return json.Marshal(out)
}
