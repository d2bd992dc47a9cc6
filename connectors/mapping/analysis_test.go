package mapping

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// shapeText prints a shape as "a b { c d }": keys in order, nested shapes in braces.
func shapeText(s *Shape) string {
	if s == nil {
		return "<none>"
	}
	var parts []string
	for _, f := range s.Fields {
		if f.Sub != nil {
			parts = append(parts, f.Name+" { "+strings.TrimSpace(shapeText(f.Sub))+" }")
		} else {
			parts = append(parts, f.Name)
		}
	}
	return strings.Join(parts, " ")
}

func TestShape(t *testing.T) {
	t.Parallel()
	cases := []struct{ sel, want string }{
		{"id name", "id name"},
		{"items: $.data { id name priceCents: price_cents vendor: { id: vendor_id } } nextCursor: meta.next_cursor",
			"items { id name priceCents vendor { id } } nextCursor"},
		{"$.data { id name } total: meta.total", "id name total"},
		{"$.results { id }", "id"},
		{"$.items", "<none>"},
		{"$args.id", "<none>"},
		{"author { name } a.b { c }", "author { name } c"},
		{"a: { x: p } a: { y: q }", "a { x y }"},
		{"o: $({ a: 1, b: { c: 2 }, l: [{ d: 1 }, { e: 2 }] })", "o { a b { c } l { d e } }"},
		{"w: v->echo({ wrapped: @ }) m: l->map({ name: @ }) f: l->first { id }", "w { wrapped } m { name } f { id }"},
		{"t: k->match(['a', { x: 1 }], [@, { y: 2 }])", "t { x y }"},
		{"t: k->match(['a', 'A'], [@, 'B'])", "t"},
		{"x: $({ a: { b: 1 } }).a", "x { b }"},
		{"s: l->size j: o->jsonStringify", "s j"},
		{"", ""},
	}
	for _, tc := range cases {
		s, err := Parse(tc.sel)
		require.NoError(t, err, tc.sel)
		assert.Equal(t, tc.want, shapeText(s.Shape()), "shape of %q", tc.sel)
	}
}

func TestVarPaths(t *testing.T) {
	t.Parallel()
	cases := []struct{ sel, want string }{
		{"id: $this.id name: $args.input.name again: $this.id", "$this.id $args.input.name"},
		{"limit: $args.limit cursor: $args.cursor", "$args.limit $args.cursor"},
		{"ids: $batch.id->joinNotNull(',')", "$batch.id"},
		{"$this { id sku: code }", "$this.id $this.code"},
		{"$args { input { name } }", "$args.input.name"},
		{"x: $args { a: $.b c: $ }", "$args.b $args"},
		{"h: $request.headers.authorization->first", "$request.headers.authorization"},
		{"s: $status c: $config.k x: $context.principal.sub e: $env.REGION r: $response.headers", "$status $config.k $context.principal.sub $env.REGION $response.headers"},
		{"v: items->map({ id: @.id, k: $args.k })", "$args.k"},
		{"v: $args.l->slice(0, $args.n)->first.x", "$args.l $args.n"},
		{"v: $($this.a)", "$this.a"},
		{"v: $args.x?.y", "$args.x.y"},
		{"id name: $.name items { id }", ""},
		{"$args.id", "$args.id"},
	}
	for _, tc := range cases {
		s, err := Parse(tc.sel)
		require.NoError(t, err, tc.sel)
		var got []string
		for _, vp := range s.VarPaths() {
			got = append(got, strings.Join(append([]string{vp.Var}, vp.Path...), "."))
		}
		assert.Equal(t, tc.want, strings.Join(got, " "), "var paths of %q", tc.sel)
	}
}
