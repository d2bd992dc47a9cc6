package importer

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/atrium-gateway/atrium/connectors/internal/report"
)

// Kind says what a report item means for the imported schema.
type Kind = report.Kind

const (
	// Unmapped: part of the service is missing from the SDL (a streaming method, a recursive
	// field cut from selections). --strict fails on these.
	Unmapped = report.Unmapped
	// Changed: mapped, but not as the proto says (a type renamed after a clash, a typed
	// message passed as JSON).
	Changed = report.Changed
	// Info: worth knowing, nothing lost.
	Info = report.Info
)

// Item is one line of the import report.
type Item struct {
	Kind Kind `json:"kind"`
	// Element is the full name of the proto element concerned
	// ("acme.inv.v1.InventoryService.WatchItems", "acme.inv.v1.Item.parent").
	Element string `json:"element"`
	Message string `json:"message"`
}

// report adds an item once.
func (g *gen) report(kind Kind, element, format string, args ...any) {
	it := Item{Kind: kind, Element: element, Message: fmt.Sprintf(format, args...)}
	key := string(it.Kind) + "\x00" + it.Element + "\x00" + it.Message
	if g.seen[key] {
		return
	}
	g.seen[key] = true
	g.items = append(g.items, it)
}

// sortItems orders items by kind (unmapped first), then element and message, so reports are
// byte-identical between runs and diff well after a re-import.
func sortItems(items []Item) {
	slices.SortFunc(items, func(a, b Item) int {
		return cmp.Or(
			report.Compare(a.Kind, b.Kind),
			cmp.Compare(a.Element, b.Element),
			cmp.Compare(a.Message, b.Message),
		)
	})
}

// Count returns how many report items are of kind k.
func (r *Result) Count(k Kind) int {
	n := 0
	for _, it := range r.Report {
		if it.Kind == k {
			n++
		}
	}
	return n
}

// Text renders the report for people: a header, one line per item, then a summary.
func (r *Result) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "gRPC import report: %s\n", r.Name)
	for _, s := range r.Services {
		fmt.Fprintf(&b, "service: %s (source %q)\n", s.Name, s.Source)
	}
	if len(r.Report) > 0 {
		b.WriteString("\n")
	}
	for _, it := range r.Report {
		fmt.Fprintf(&b, "%-9s %s: %s\n", it.Kind, it.Element, it.Message)
	}
	s := r.Summary
	b.WriteString("\nSummary\n")
	fmt.Fprintf(&b, "  methods: %d mapped (%d Query, %d Mutation), %d skipped\n", r.Mapped, s.Queries, s.Mutations, r.Skipped)
	fmt.Fprintf(&b, "  types: %d object (%d entity), %d input, %d enum, %d scalar\n", s.Objects, s.Entities, s.Inputs, s.Enums, s.Scalars)
	fmt.Fprintf(&b, "  report: %d unmapped, %d changed, %d info\n", r.Count(Unmapped), r.Count(Changed), r.Count(Info))
	return b.String()
}

// JSON renders the report for tools.
func (r *Result) JSON() ([]byte, error) {
	items := r.Report
	if items == nil {
		items = []Item{}
	}
	v := struct {
		Name     string    `json:"name"`
		Services []Service `json:"services"`
		Mapped   int       `json:"mapped"`
		Skipped  int       `json:"skipped"`
		Summary  Summary   `json:"summary"`
		Unmapped int       `json:"unmapped"`
		Changed  int       `json:"changed"`
		Info     int       `json:"info"`
		Items    []Item    `json:"items"`
	}{r.Name, r.Services, r.Mapped, r.Skipped, r.Summary, r.Count(Unmapped), r.Count(Changed), r.Count(Info), items}
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}
