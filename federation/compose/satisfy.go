package compose

import (
	"fmt"
	"sort"
	"strings"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/atrium-gateway/atrium/connectors/engine"
	"github.com/atrium-gateway/atrium/federation"
	"github.com/atrium-gateway/atrium/planner"
)

// maxSatisfiabilityErrors caps the report, as Apollo caps its own at 100.
const maxSatisfiabilityErrors = 100

// checkSupergraph loads the printed supergraph with the gateway's own loader (what
// composition writes, the gateway must serve) and checks satisfiability: every field of
// the API schema must be plannable from the subgraphs.
//
// The check asks Atrium's planner, the component that will have to plan these queries.
// Each field is tried in every context that enters its type — once per field of the API
// schema that returns the type, reached by the first path found from a root — with a witness
// query such as `{ positionA { z } }`. A context is reached once, so a field that only fails
// deeper along a second path through the same field is not reported: the check is
// per entering field, not per path (Apollo walks all paths up to a budget).
func checkSupergraph(sdl string, m *merger) []Diagnostic {
	sg, err := federation.Parse("supergraph", sdl)
	if err != nil {
		return []Diagnostic{{Code: "INVALID_SUPERGRAPH", Message: "the composed supergraph does not load: " + err.Error()}}
	}
	var errs []Diagnostic
	for _, s := range sg.Subgraphs {
		if engine.IsConnectorSubgraph(sg, s.ID) {
			if err := engine.Validate(sg, s.ID); err != nil {
				errs = append(errs, Diagnostic{Code: "CONNECTOR_INVALID", Message: err.Error(), Locations: []Loc{{Subgraph: s.Name}}})
			}
		}
	}
	if len(errs) > 0 {
		return errs
	}
	return satisfiability(sg)
}

// witness is a path from a root to a position: each step a field (with placeholder
// arguments) or a type condition.
type witness struct {
	root  ast.Operation
	steps []string
}

func (w witness) with(step string) witness {
	return witness{root: w.root, steps: append(w.steps[:len(w.steps):len(w.steps)], step)}
}

// query prints the witness as an operation, selecting last at its end.
func (w witness) query(last string) string {
	var b strings.Builder
	if w.root != ast.Query {
		b.WriteString(string(w.root) + " ")
	}
	b.WriteString("{\n")
	indent := "  "
	for _, s := range w.steps {
		b.WriteString(indent + s + " {\n")
		indent += "  "
	}
	b.WriteString(indent + last + "\n")
	for i := len(w.steps); i >= 0; i-- {
		b.WriteString(strings.Repeat("  ", i) + "}\n")
	}
	return strings.TrimSuffix(b.String(), "\n")
}

func satisfiability(sg *federation.Supergraph) []Diagnostic {
	api := sg.API
	var errs []Diagnostic
	type state struct {
		typ string
		w   witness
	}
	var queue []state
	seen := map[string]bool{}
	roots := []struct {
		op  ast.Operation
		def *ast.Definition
	}{{ast.Query, api.Query}, {ast.Mutation, api.Mutation}, {ast.Subscription, api.Subscription}}
	for _, r := range roots {
		if r.def != nil {
			queue = append(queue, state{r.def.Name, witness{root: r.op}})
			seen["root:"+string(r.op)] = true
		}
	}
	for len(queue) > 0 && len(errs) < maxSatisfiabilityErrors {
		st := queue[0]
		queue = queue[1:]
		def := api.Types[st.typ]
		if def == nil {
			continue
		}
		var objects []*ast.Definition
		if def.Kind == ast.Object {
			objects = []*ast.Definition{def}
		} else {
			objects = api.GetPossibleTypes(def)
		}
		for _, obj := range objects {
			w := st.w
			if obj.Name != st.typ {
				w = w.with("... on " + obj.Name)
			}
			for _, f := range obj.Fields {
				if strings.HasPrefix(f.Name, "__") {
					continue
				}
				sel := f.Name + placeholderArgs(api, f.Arguments)
				target := api.Types[f.Type.Name()]
				composite := target != nil && (target.Kind == ast.Object || target.Kind == ast.Interface || target.Kind == ast.Union)
				last := sel
				if composite {
					last = sel + " { __typename }"
				}
				if d := tryPlan(sg, w, last, obj.Name+"."+f.Name); d != nil {
					errs = append(errs, *d)
					if len(errs) >= maxSatisfiabilityErrors {
						break
					}
					continue
				}
				key := obj.Name + "." + f.Name
				if composite && !seen[key] {
					seen[key] = true
					queue = append(queue, state{target.Name, w.with(sel)})
				}
			}
		}
	}
	sort.SliceStable(errs, func(i, j int) bool { return errs[i].Message < errs[j].Message })
	return errs
}

func tryPlan(sg *federation.Supergraph, w witness, last, coord string) *Diagnostic {
	q := w.query(last)
	doc, gerrs := gqlparser.LoadQueryWithRules(sg.API, q, nil)
	if len(gerrs) > 0 {
		// A witness the API schema rejects is our bug, not the user's; report it plainly.
		return &Diagnostic{Code: "SATISFIABILITY_ERROR", Message: fmt.Sprintf("cannot check field \"%s\": %s", coord, gerrs[0].Message)}
	}
	if _, err := planner.Build(sg, doc.Operations[0], nil); err != nil {
		return &Diagnostic{Code: "SATISFIABILITY_ERROR", Message: fmt.Sprintf(
			"The following supergraph API query:\n%s\ncannot be satisfied by the subgraphs because:\n- %s", q, err.Error())}
	}
	return nil
}

// placeholderArgs writes the required arguments of a field with placeholder values, as
// Apollo's witnesses do.
func placeholderArgs(api *ast.Schema, args ast.ArgumentDefinitionList) string {
	var parts []string
	for _, a := range args {
		if a.Type.NonNull && a.DefaultValue == nil {
			parts = append(parts, a.Name+": "+placeholder(api, a.Type, 0))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

func placeholder(api *ast.Schema, t *ast.Type, depth int) string {
	if t.Elem != nil {
		return "[]"
	}
	switch t.NamedType {
	case "Int":
		return "0"
	case "Float":
		return "3.14"
	case "Boolean":
		return "true"
	case "ID":
		return `"<any id>"`
	case "String":
		return `"A string value"`
	}
	def := api.Types[t.NamedType]
	if def == nil {
		return `"A string value"`
	}
	switch def.Kind {
	case ast.Enum:
		if len(def.EnumValues) > 0 {
			return def.EnumValues[0].Name
		}
	case ast.InputObject:
		if depth > 8 {
			return "{}"
		}
		var parts []string
		for _, f := range def.Fields {
			if f.Type.NonNull && f.DefaultValue == nil {
				parts = append(parts, f.Name+": "+placeholder(api, f.Type, depth+1))
			}
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return `"A string value"`
}
