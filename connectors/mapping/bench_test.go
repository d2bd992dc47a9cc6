package mapping

import (
	"fmt"
	"strings"
	"testing"
)

const benchSelection = `
items: $.data {
  id
  name
  priceCents: price_cents
  currency: $("EUR")
  vendor: { id: vendor_id }
  tags
  firstTag: tags->first
  status: status->match(["a", "ACTIVE"], ["d", "DISABLED"], [@, "UNKNOWN"])
  size: dimensions { w: width h: height }
}
nextCursor: meta.next_cursor
total: meta.total
`

func benchData(b testing.TB) any {
	var items []string
	for i := range 20 {
		items = append(items, fmt.Sprintf(`{"id": "p%d", "name": "Product %d", "price_cents": %d, "vendor_id": "v%d",
			"tags": ["t%d", "new"], "status": %q, "dimensions": {"width": 1.5, "height": %d}, "unused": {"x": [1, 2, 3]}}`,
			i, i, 100*i+99, i%3, i, []string{"a", "d", "x"}[i%3], i))
	}
	return decode(b, `{"data": [`+strings.Join(items, ",")+`], "meta": {"next_cursor": "c2", "total": 57}}`)
}

// BenchmarkApply maps a page of 20 products, as a REST connector does for each response.
func BenchmarkApply(b *testing.B) {
	s, err := Parse(benchSelection)
	if err != nil {
		b.Fatal(err)
	}
	data := benchData(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, problems := s.Apply(data, nil); len(problems) > 0 {
			b.Fatal(problems)
		}
	}
}

func BenchmarkParse(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(benchSelection); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkTemplate(b *testing.B) {
	tpl, err := ParseTemplate("/products/{$args.id}/reviews?limit={$args.limit}")
	if err != nil {
		b.Fatal(err)
	}
	vars := Vars{"$args": map[string]any{"id": "p1", "limit": 20}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tpl.Execute(vars, nil); err != nil {
			b.Fatal(err)
		}
	}
}
