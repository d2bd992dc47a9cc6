// Package compose turns subgraph SDLs (Federation 2.0–2.9 and Federation 1) into the
// supergraph SDL that `rover supergraph compose` writes: the same bytes for the same input,
// so Atrium and Apollo Router both load it. A composition that fails reports every problem it
// found, each with Apollo's error code, the subgraph, the position and a message a team can
// act on.
//
// The stages follow Apollo's: parse and resolve each subgraph's @link imports, upgrade
// Federation 1 subgraphs, validate each subgraph on its own (field sets, @external use),
// merge the subgraphs type by type, print, and finally check that the result loads and that
// every field can be reached (satisfiability). A stage that fails stops the pipeline: merging
// broken subgraphs only adds noise.
package compose

import (
	"fmt"
	"sort"
	"strings"
)

// Input is one subgraph: its name, the URL the gateway sends its requests to, and its SDL.
type Input struct {
	Name string
	URL  string
	SDL  string
}

// Diagnostic is an error or a hint. Code is Apollo's (users search for it).
type Diagnostic struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	Locations []Loc  `json:"locations,omitempty"`
}

// Loc points into one subgraph's SDL.
type Loc struct {
	Subgraph string `json:"subgraph"`
	Line     int    `json:"line,omitempty"`
	Column   int    `json:"column,omitempty"`
}

func (d Diagnostic) String() string {
	var b strings.Builder
	b.WriteString(d.Code)
	for _, l := range d.Locations {
		if l.Line > 0 {
			fmt.Fprintf(&b, " [%s@%d:%d]", l.Subgraph, l.Line, l.Column)
		} else {
			fmt.Fprintf(&b, " [%s]", l.Subgraph)
		}
	}
	b.WriteString(" ")
	b.WriteString(d.Message)
	return b.String()
}

// Result is a composition's outcome: the supergraph SDL when Errors is empty.
type Result struct {
	Supergraph string
	Errors     []Diagnostic
	Hints      []Diagnostic
}

// Err returns the errors as one error value, or nil.
func (r Result) Err() error {
	if len(r.Errors) == 0 {
		return nil
	}
	return &Error{Diagnostics: r.Errors}
}

// Error is a failed composition.
type Error struct{ Diagnostics []Diagnostic }

func (e *Error) Error() string {
	lines := make([]string, len(e.Diagnostics))
	for i, d := range e.Diagnostics {
		lines[i] = d.String()
	}
	return "composition failed:\n" + strings.Join(lines, "\n")
}

// Compose composes the subgraphs. The order of inputs does not matter: subgraphs are taken
// in name order, as Apollo does.
func Compose(inputs []Input) Result {
	var r Result
	if len(inputs) == 0 {
		r.Errors = append(r.Errors, Diagnostic{Code: "NO_SUBGRAPHS", Message: "no subgraphs to compose"})
		return r
	}
	sorted := append([]Input(nil), inputs...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Name < sorted[j].Name })
	seen := map[string]bool{}
	var subs []*subgraph
	for _, in := range sorted {
		if seen[in.Name] {
			r.Errors = append(r.Errors, Diagnostic{Code: "INVALID_SUBGRAPH_NAME",
				Message: fmt.Sprintf("A subgraph named %q is given more than once", in.Name)})
			continue
		}
		seen[in.Name] = true
		sg, errs := parseSubgraph(in)
		r.Errors = append(r.Errors, errs...)
		if sg != nil {
			subs = append(subs, sg)
		}
	}
	if len(r.Errors) > 0 {
		return r
	}
	assignGraphNames(subs)
	for _, sg := range subs {
		r.Errors = append(r.Errors, sg.readFieldSets()...)
	}
	if len(r.Errors) > 0 {
		return r
	}
	upgradeFed1(subs)
	for _, sg := range subs {
		r.Errors = append(r.Errors, sg.validate()...)
	}
	if len(r.Errors) > 0 {
		return r
	}
	m := newMerger(subs)
	m.prepare()
	if len(m.errors) > 0 {
		r.Errors, r.Hints = m.errors, m.hints
		return r
	}
	m.merge()
	r.Hints = m.hints
	if len(m.errors) > 0 {
		r.Errors = m.errors
		return r
	}
	r.Supergraph = m.print()
	r.Errors = append(r.Errors, checkSupergraph(r.Supergraph, m)...)
	if len(r.Errors) > 0 {
		r.Supergraph = ""
	}
	return r
}

// errorf builds a diagnostic located in one subgraph.
func errorf(code string, sg *subgraph, pos position, format string, args ...any) Diagnostic {
	d := Diagnostic{Code: code, Message: fmt.Sprintf(format, args...)}
	if sg != nil {
		d.Message = "[" + sg.name + "] " + d.Message
		d.Locations = []Loc{{Subgraph: sg.name, Line: pos.line, Column: pos.column}}
	}
	return d
}

type position struct{ line, column int }
