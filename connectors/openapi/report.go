package openapi

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/pb33f/go-yaml"

	"github.com/atrium-gateway/atrium/connectors/internal/report"
)

// Kind says what a finding means for the imported schema.
type Kind = report.Kind

const (
	// Unmapped: part of the API is missing from the SDL or lost its structure (an operation
	// or parameter skipped, a typed schema degraded to JSON). --strict fails on these.
	Unmapped = report.Unmapped
	// Changed: mapped, but not as the document says (renamed, nullability relaxed, a cycle
	// cut, a oneOf merged).
	Changed = report.Changed
	// Info: worth knowing, nothing lost (security schemes, callbacks, overflow risks).
	Info = report.Info
)

// Finding is one line of the import report.
type Finding struct {
	Kind Kind `json:"kind"`
	// Path and Method name the operation ("" for document-level and component findings).
	Path   string `json:"path,omitempty"`
	Method string `json:"method,omitempty"`
	// Pointer is the JSON pointer of the construct in the document ("#/paths/~1pets/get").
	Pointer string `json:"pointer"`
	// Line and Column locate Pointer in the document (1-based; 0 when unknown).
	Line    int    `json:"line,omitempty"`
	Column  int    `json:"column,omitempty"`
	Message string `json:"message"`
	// Hint says what to do about it, when there is something to do.
	Hint string `json:"hint,omitempty"`
}

// where is the location of a finding: an operation and a JSON pointer.
type where struct {
	path, method, ptr string
}

func (w where) at(segments ...string) where {
	for _, s := range segments {
		w.ptr += "/" + escapePointer(s)
	}
	return w
}

// component is the location of a component schema: no operation.
func component(name string) where {
	return where{ptr: "#/components/schemas/" + escapePointer(name)}
}

func escapePointer(s string) string {
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(s)
}

func unescapePointer(s string) string {
	return strings.NewReplacer("~1", "/", "~0", "~").Replace(s)
}

// report adds a finding once (the same construct reached from two operations is reported
// where it is defined, once).
func (g *gen) report(kind Kind, w where, message, hint string) {
	line, col := position(g.root, w.ptr)
	g.reportAt(kind, w, line, col, message, hint)
}

// reportAt is report with a known position.
func (g *gen) reportAt(kind Kind, w where, line, col int, message, hint string) {
	key := string(kind) + "\x00" + w.path + "\x00" + w.method + "\x00" + w.ptr + "\x00" + message
	if g.seen[key] {
		return
	}
	g.seen[key] = true
	f := Finding{Kind: kind, Path: w.path, Method: w.method, Pointer: w.ptr, Line: line, Column: col, Message: message, Hint: hint}
	g.findings = append(g.findings, f)
}

// position finds the line and column of a JSON pointer in the parsed document: the key of
// the deepest mapping entry or the sequence item the pointer reaches.
func position(root *yaml.Node, ptr string) (line, col int) {
	n := root
	if n == nil {
		return 0, 0
	}
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	line, col = n.Line, n.Column
	rest, ok := strings.CutPrefix(ptr, "#")
	if !ok || rest == "" {
		return line, col
	}
	for _, tok := range strings.Split(strings.TrimPrefix(rest, "/"), "/") {
		tok = unescapePointer(tok)
		for n.Kind == yaml.AliasNode && n.Alias != nil {
			n = n.Alias
		}
		switch n.Kind {
		case yaml.MappingNode:
			found := false
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == tok {
					line, col = n.Content[i].Line, n.Content[i].Column
					n, found = n.Content[i+1], true
					break
				}
			}
			if !found {
				return line, col
			}
		case yaml.SequenceNode:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(n.Content) {
				return line, col
			}
			n = n.Content[i]
			line, col = n.Line, n.Column
		default:
			return line, col
		}
	}
	return line, col
}

var methodOrder = map[string]int{"GET": 0, "HEAD": 1, "POST": 2, "PUT": 3, "PATCH": 4, "DELETE": 5, "OPTIONS": 6, "TRACE": 7, "QUERY": 8}

func methodRank(m string) int {
	if r, ok := methodOrder[m]; ok {
		return r
	}
	return len(methodOrder)
}

// sortFindings orders findings by path, then method, then pointer and message, so that
// reports are byte-identical between runs and diff well after a re-import.
func sortFindings(fs []Finding) {
	slices.SortStableFunc(fs, func(a, b Finding) int {
		return cmp.Or(
			cmp.Compare(a.Path, b.Path),
			cmp.Compare(methodRank(a.Method), methodRank(b.Method)),
			cmp.Compare(a.Method, b.Method),
			cmp.Compare(a.Pointer, b.Pointer),
			report.Compare(a.Kind, b.Kind),
			cmp.Compare(a.Message, b.Message),
		)
	})
}

// Count returns how many findings are of kind k.
func (r *Result) Count(k Kind) int {
	n := 0
	for _, f := range r.Report {
		if f.Kind == k {
			n++
		}
	}
	return n
}

// Text renders the report for people: findings grouped by kind, each sorted by path then
// method, then a summary.
func (r *Result) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "OpenAPI import report: %s\n", r.Name)
	if doc := strings.TrimSpace(r.Title + " " + r.APIVersion); doc != "" {
		fmt.Fprintf(&b, "document: %s (OpenAPI %s)\n", doc, r.OpenAPI)
	} else {
		fmt.Fprintf(&b, "document: OpenAPI %s\n", r.OpenAPI)
	}
	for _, k := range []Kind{Unmapped, Changed, Info} {
		n := r.Count(k)
		if n == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n%s (%d)\n", kindTitle[k], n)
		for _, f := range r.Report {
			if f.Kind != k {
				continue
			}
			b.WriteString("  ")
			if f.Path != "" {
				b.WriteString(strings.TrimSpace(f.Method+" "+f.Path) + "  ")
			}
			b.WriteString(f.Pointer)
			if f.Line > 0 {
				fmt.Fprintf(&b, "  (%d:%d)", f.Line, f.Column)
			}
			b.WriteString("\n    " + f.Message + "\n")
			if f.Hint != "" {
				b.WriteString("    hint: " + f.Hint + "\n")
			}
		}
	}
	s := r.Summary
	fmt.Fprintf(&b, "\nSummary\n")
	fmt.Fprintf(&b, "  operations: %d mapped (%d Query, %d Mutation), %d skipped, %d excluded by filters\n",
		r.Mapped, s.Queries, s.Mutations, r.Skipped, s.Excluded)
	fmt.Fprintf(&b, "  types: %d object, %d input, %d enum, %d scalar\n", s.Objects, s.Inputs, s.Enums, s.Scalars)
	fmt.Fprintf(&b, "  findings: %d unmapped, %d changed, %d info\n", r.Count(Unmapped), r.Count(Changed), r.Count(Info))
	return b.String()
}

var kindTitle = map[Kind]string{Unmapped: "Unmapped", Changed: "Changed", Info: "Info"}

// JSON renders the report for tools.
func (r *Result) JSON() ([]byte, error) {
	findings := r.Report
	if findings == nil {
		findings = []Finding{}
	}
	v := struct {
		Name       string    `json:"name"`
		Title      string    `json:"title,omitempty"`
		APIVersion string    `json:"apiVersion,omitempty"`
		OpenAPI    string    `json:"openapi,omitempty"`
		Mapped     int       `json:"mapped"`
		Skipped    int       `json:"skipped"`
		Summary    Summary   `json:"summary"`
		Unmapped   int       `json:"unmapped"`
		Changed    int       `json:"changed"`
		Info       int       `json:"info"`
		Findings   []Finding `json:"findings"`
	}{r.Name, r.Title, r.APIVersion, r.OpenAPI, r.Mapped, r.Skipped, r.Summary,
		r.Count(Unmapped), r.Count(Changed), r.Count(Info), findings}
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}
