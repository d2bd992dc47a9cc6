package mapping

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// applyCase reads as a spec: this data and these variables, this selection, give this
// output (JSON, compared with numbers' exact text) and problems (substrings, in order).
type applyCase struct {
	name     string
	data     string // JSON; "" means null
	vars     string // JSON object of variables; "" means none
	sel      string
	want     string // JSON; "null" for nothing
	problems []string
}

func decode(t testing.TB, s string) any {
	t.Helper()
	if s == "" {
		return nil
	}
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var v any
	require.NoError(t, dec.Decode(&v), "JSON %s", s)
	return v
}

// canon encodes a value as JSON with sorted keys and numbers as written.
func canon(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

func runApplyCases(t *testing.T, cases []applyCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, err := Parse(tc.sel)
			require.NoError(t, err, "selection %q", tc.sel)
			var vars Vars
			if tc.vars != "" {
				for k, v := range decode(t, tc.vars).(map[string]any) {
					if vars == nil {
						vars = Vars{}
					}
					vars[k] = v
				}
			}
			out, problems := s.Apply(decode(t, tc.data), vars)
			assert.Equal(t, canon(t, decode(t, tc.want)), canon(t, out), "output of %q", tc.sel)
			var msgs []string
			for _, p := range problems {
				msgs = append(msgs, p.Message+" @ "+p.Path)
			}
			require.Len(t, msgs, len(tc.problems), "problems: %q", msgs)
			for i, want := range tc.problems {
				assert.Contains(t, msgs[i], want)
			}
		})
	}
}

func TestApplySelections(t *testing.T) {
	t.Parallel()
	runApplyCases(t, []applyCase{
		{name: "bare keys keep their names", data: `{"id": 1, "name": "a", "other": 2}`,
			sel: `id name`, want: `{"id": 1, "name": "a"}`},
		{name: "a missing key yields no output key", data: `{"id": 1}`,
			sel: `id name`, want: `{"id": 1}`},
		{name: "null is a value", data: `{"id": null}`,
			sel: `id`, want: `{"id": null}`},
		{name: "alias renames", data: `{"price_cents": 250}`,
			sel: `priceCents: price_cents`, want: `{"priceCents": 250}`},
		{name: "quoted keys and aliases", data: `{"x-y": 1, "c d": 2}`,
			sel: `'x-y' "a b": 'c d'`, want: `{"x-y": 1, "a b": 2}`},
		{name: "dotted path with alias", data: `{"address": {"city": "Oslo"}}`,
			sel: `city: address.city`, want: `{"city": "Oslo"}`},
		{name: "quoted step in a path", data: `{"a": {"b-c": {"d": true}}}`,
			sel: `v: a."b-c".d`, want: `{"v": true}`},
		{name: "key with a block keeps the key", data: `{"author": {"name": "Ben", "age": 3}}`,
			sel: `author { name }`, want: `{"author": {"name": "Ben"}}`},
		{name: "a block applied to null gives null", data: `{"author": null}`,
			sel: `author { name }`, want: `{"author": null}`},
		{name: "a block maps over a list", data: `{"variants": [{"id": 1, "color": "red"}, {"id": 2}]}`,
			sel: `variants { id type: color }`, want: `{"variants": [{"id": 1, "type": "red"}, {"id": 2}]}`},
		{name: "a block maps over nested lists", data: `{"m": [[{"a": 1}], [{"a": 2}, {"a": 3}]]}`,
			sel: `m { a }`, want: `{"m": [[{"a": 1}], [{"a": 2}, {"a": 3}]]}`},
		{name: "group builds an object", data: `{"author_id": 7, "author_name": "Ann"}`,
			sel: `author: { id: author_id name: author_name }`, want: `{"author": {"id": 7, "name": "Ann"}}`},
		{name: "group on null data stays null", data: `{"vendor_id": 7}`,
			sel: `vendor: { id: vendor_id }`, want: `{"vendor": {"id": 7}}`},
		{name: "$ path with block merges its keys", data: `{"data": {"id": 7, "x": 1}, "meta": {"next": "c1"}}`,
			sel: `$.data { id } nextCursor: meta.next`, want: `{"id": 7, "nextCursor": "c1"}`},
		{name: "a longer key path with block merges", data: `{"some": {"path": {"a": 1, "b": 2}}}`,
			sel: `id: $(1) some.path { a b }`, want: `{"id": 1, "a": 1, "b": 2}`},
		{name: "variable with block merges", vars: `{"$this": {"id": 3, "sku": "s"}}`,
			sel: `$this { id sku } name: $(null)`, want: `{"id": 3, "sku": "s", "name": null}`},
		{name: "merging a list is a problem", data: `{"items": [{"id": 1}], "x": 2}`,
			sel: `$.items { id } x`, want: `{"x": 2}`, problems: []string{"1:1: this path's value is a list"}},
		{name: "merging null or nothing adds nothing", data: `{"a": null, "x": 2}`,
			sel: `$.a { id } $.b { id } x`, want: `{"x": 2}`},
		{name: "duplicate object keys merge", data: `{"p": 1, "q": 2}`,
			sel: `a: { x: p } a: { y: q }`, want: `{"a": {"x": 1, "y": 2}}`},
		{name: "a later scalar key wins", data: `{"p": 1, "q": 2}`,
			sel: `a: p a: q`, want: `{"a": 2}`},
		{name: "single $ path yields its value", data: `{"items": [1, 2]}`,
			sel: `$.items`, want: `[1, 2]`},
		{name: "single path with block yields a list over a list", data: `{"results": [{"id": 1, "x": 0}, {"id": 2}]}`,
			sel: `$.results { id }`, want: `[{"id": 1}, {"id": 2}]`},
		{name: "single key path yields its value", data: `{"author": {"name": "Ben"}}`,
			sel: `author.name`, want: `"Ben"`},
		{name: "single variable path", vars: `{"$args": {"id": "p1"}}`,
			sel: `$args.id`, want: `"p1"`},
		{name: "single missing path yields nothing", data: `{}`,
			sel: `$.nope`, want: `null`},
		{name: "selection over a list maps over it", data: `[{"id": 1, "x": 0}, {"id": 2}]`,
			sel: `id`, want: `[{"id": 1}, {"id": 2}]`},
		{name: "$ inside a block is the block's value", data: `{"id": 1, "friend_ids": [2, 3]}`,
			sel: `id friends: friend_ids { id: $ }`, want: `{"id": 1, "friends": [{"id": 2}, {"id": 3}]}`},
		{name: "$ at the top is the data", data: `{"a": 1}`,
			sel: `all: $`, want: `{"all": {"a": 1}}`},
		{name: "@ outside methods is the current value", data: `{"a": {"b": 1}}`,
			sel: `v: a { c: @.b }`, want: `{"v": {"c": 1}}`},
		{name: "a key of a list maps over it; missing keys give null", data: `{"items": [{"name": "a"}, {}, null]}`,
			sel: `names: items.name`, want: `{"names": ["a", null, null]}`},
		{name: "a key of nested lists", data: `{"a": [[{"b": 1}], [{"b": 2}, {}]]}`,
			sel: `v: a.b`, want: `{"v": [[1], [2, null]]}`},
		{name: "methods after a mapped key apply to the whole list", data: `{"items": [{"p": 5}, {"p": 6}]}`,
			sel: `first: items.p->first n: items.p->size`, want: `{"first": 5, "n": 2}`},
		{name: "a key of a list item that is a scalar", data: `{"items": [{"p": 5}, 3]}`,
			sel: `v: items.p`, want: `{"v": [5, null]}`, problems: []string{"cannot read .p of a number (item 1 of a list) @ items.p"}},
		{name: "? stops at null quietly", data: `{"a": null}`,
			sel: `v: a?.b w: a?->size`, want: `{}`},
		{name: "? passes other values", data: `{"a": {"b": 1}}`,
			sel: `v: a?.b`, want: `{"v": 1}`},
		{name: "without ? a key of null is a problem", data: `{"a": null}`,
			sel: `v: a.b`, want: `{}`, problems: []string{"1:6: cannot read .b of null (write ?.b to allow null here) @ a.b"}},
		{name: "a key of a scalar is a problem", data: `{"a": "s"}`,
			sel: `v: a.b`, want: `{}`, problems: []string{"1:6: cannot read .b of a string"}},
		{name: "problem paths carry list indices", data: `{"items": [{"a": {}}, {"a": 1}]}`,
			sel: `items { v: a.b }`, want: `{"items": [{}, {}]}`, problems: []string{"cannot read .b of a number @ items.1.a.b"}},
		{name: "a block on a scalar selecting nothing keeps it", data: `{"n": 5}`,
			sel: `v: n { x }`, want: `{"v": 5}`, problems: []string{"cannot read .x of a number"}},
		{name: "literals", sel: `s: $("x") n: $(1.50) neg: $(-2) dot: $(.5) t: $(true) f: $(false) z: $(null)`,
			want: `{"s": "x", "n": 1.50, "neg": -2, "dot": 0.5, "t": true, "f": false, "z": null}`},
		{name: "literal objects and lists", data: `{"a": 1}`,
			sel: `o: $({ x: 1, 'y z': [1, "two", $.a], m: $.missing })`, want: `{"o": {"x": 1, "y z": [1, "two", 1]}}`},
		{name: "missing values in a literal list are null", sel: `l: $([$.nope, 1])`, want: `{"l": [null, 1]}`},
		{name: "literal with a path and a block inside", data: `{"author": {"name": "Ben", "x": 1}}`,
			sel: `v: $([author { name }, author.name])`, want: `{"v": [{"name": "Ben"}, "Ben"]}`},
		{name: "a literal with methods", sel: `v: $("abcdef")->slice(1, 3)`, want: `{"v": "bc"}`},
		{name: "numbers keep their text", data: `{"p": 1.10, "big": 12345678901234567890123, "e": 1e400}`,
			sel: `p big e`, want: `{"p": 1.10, "big": 12345678901234567890123, "e": 1e400}`},
		{name: "the variables", vars: `{"$args": {"id": 1}, "$this": {"sku": "s"}, "$batch": [{"id": 1}, {"id": 2}],
			"$config": {"k": "v"}, "$context": {"principal": {"sub": "u1"}}, "$request": {"headers": {"x-a": ["h1", "h2"]}},
			"$response": {"headers": {"etag": ["e"]}}, "$status": 200, "$env": {"REGION": "eu"}}`,
			sel: `a: $args.id t: $this.sku b: $batch.id c: $config.k s: $context.principal.sub
			      h: $request.headers."x-a"->first r: $response.headers.etag->first st: $status e: $env.REGION`,
			want: `{"a": 1, "t": "s", "b": [1, 2], "c": "v", "s": "u1", "h": "h1", "r": "e", "st": 200, "e": "eu"}`},
		{name: "a missing variable reads as absent", vars: `{"$args": {"limit": 20}}`,
			sel: `limit: $args.limit cursor: $args.cursor ctx: $context.x`, want: `{"limit": 20}`},
		{name: "null data: variables still map", sel: `name: $args.name ok: $(true) id`,
			vars: `{"$args": {"name": "n"}}`, want: `{"name": "n", "ok": true}`},
		{name: "null data with nothing selected stays null", sel: `id name`, want: `null`},
		{name: "the empty selection gives an empty object", data: `{"a": 1}`, sel: ``, want: `{}`},
		{name: "comments and newlines between tokens", data: `{"a": {"b": [1, 2]}}`,
			sel: "# leading comment\nv: # after alias\n  a # a key\n  .b\n  ->last # a method\nw:a.b->first#end", want: `{"v": 2, "w": 1}`},
		{name: "$ stays the block's value inside method arguments", data: `{"first": true, "second": false}`,
			sel: `all: $.first->and($.second) any: first->or($.second)`, want: `{"all": false, "any": true}`},
	})
}

func TestApplyAcceptsGoNumbers(t *testing.T) {
	t.Parallel()
	s, err := Parse(`id: $args.id n: $args.n f: $args.f big: $args.big list: $args.list->size eq: $args.id->eq(7)`)
	require.NoError(t, err)
	out, problems := s.Apply(nil, Vars{"$args": map[string]any{"id": 7, "n": int64(-3), "f": 1.5, "big": uint64(1 << 63), "list": []any{1, 2}}})
	assert.Empty(t, problems)
	assert.Equal(t, map[string]any{"id": json.Number("7"), "n": json.Number("-3"), "f": json.Number("1.5"),
		"big": json.Number("9223372036854775808"), "list": json.Number("2"), "eq": true}, out)
}

func TestApplyDoesNotModifyInputs(t *testing.T) {
	t.Parallel()
	data := decode(t, `{"a": {"x": 1}, "b": {"y": 2}, "l": [3, 1, 2]}`)
	before := canon(t, data)
	s, err := Parse(`$.a { x } $.b { y } m: a m: b s: l->slice(0, 2) e: a->entries`)
	require.NoError(t, err)
	out, problems := s.Apply(data, nil)
	assert.Empty(t, problems)
	assert.Equal(t, `{"e":[{"key":"x","value":1}],"m":{"x":1,"y":2},"s":[3,1],"x":1,"y":2}`, canon(t, out))
	assert.Equal(t, before, canon(t, data))
}

func TestApplyCapsProblems(t *testing.T) {
	t.Parallel()
	list := make([]any, 300)
	for i := range list {
		list[i] = "s"
	}
	s, err := Parse(`v: items.x`)
	require.NoError(t, err)
	_, problems := s.Apply(map[string]any{"items": list}, nil)
	require.Len(t, problems, maxProblems+1)
	assert.Equal(t, "200 more problems not listed", problems[maxProblems].Message)
}

func TestApplyBoundsValuesBuiltFromSharedReferences(t *testing.T) {
	t.Parallel()
	s, err := Parse("a: $" + strings.Repeat("->echo([@, @])", maxChain) + " b: $(1)")
	require.NoError(t, err)
	out, problems := s.Apply(json.Number("1"), nil)
	assert.Equal(t, map[string]any{"b": json.Number("1")}, out)
	require.Len(t, problems, 1)
	assert.Contains(t, problems[0].Message, "literal objects and lists hold more than 4194304 values (counting repeats)")

	s, err = Parse("a: $" + strings.Repeat("->echo([@, @])", 10))
	require.NoError(t, err)
	out, problems = s.Apply(json.Number("1"), nil)
	assert.Empty(t, problems)
	assert.Len(t, canon(t, out), 6+2*1024-1+2*1023, "2^10 ones in nested pairs")
}

// TestLanguageExamples keeps the examples of docs/connectors-mapping.md true.
func TestLanguageExamples(t *testing.T) {
	t.Parallel()
	runApplyCases(t, []applyCase{
		{name: "first example",
			data: `{"data": [{"id": 1, "name": "Desk", "price_cents": 12900, "vendor_id": "v7", "tags": ["new", "oak"]},
				{"id": 2, "name": "Lamp", "price_cents": 3900, "vendor_id": "v2", "tags": []}], "meta": {"next_cursor": "c2"}}`,
			sel: `
items: $.data {
  id
  name
  priceCents: price_cents      # rename
  vendor: { id: vendor_id }    # build an object (an entity reference)
  firstTag: tags->first        # a method
}
nextCursor: meta.next_cursor`,
			want: `{"items": [{"id": 1, "name": "Desk", "priceCents": 12900, "vendor": {"id": "v7"}, "firstTag": "new"},
				{"id": 2, "name": "Lamp", "priceCents": 3900, "vendor": {"id": "v2"}}], "nextCursor": "c2"}`},
		{name: "merging keys", data: `{"id": 1, "some": {"path": {"a": 2, "b": 3}}}`,
			sel: `id some.path { a b }`, want: `{"id": 1, "a": 2, "b": 3}`},
		{name: "echo", data: `{"price": 5}`,
			sel:  `wrapped: price->echo({ amount: @, currency: "EUR" }) kind: $->echo("Product")`,
			want: `{"wrapped": {"amount": 5, "currency": "EUR"}, "kind": "Product"}`},
		{name: "match", data: `{"state": "D", "code": 1.0}`,
			sel:  `status: state->match(["A", "ACTIVE"], ["D", "DISABLED"], [@, "UNKNOWN"]) label: code->match([1, "one"], [2, "two"])`,
			want: `{"status": "DISABLED", "label": "one"}`},
		{name: "joinNotNull", data: `{"street": "Main St", "city": "Oslo"}`, vars: `{"$batch": [{"id": 1}, {"id": 2}]}`,
			sel:  `ids: $batch.id->joinNotNull(",") address: $([street, null, city])->joinNotNull(", ")`,
			want: `{"ids": "1,2", "address": "Main St, Oslo"}`},
		{name: "entries", data: `{"attrs": {"size": "L", "color": "red"}}`,
			sel:  `attributes: attrs->entries names: attrs->entries.key`,
			want: `{"attributes": [{"key": "color", "value": "red"}, {"key": "size", "value": "L"}], "names": ["color", "size"]}`},
		{name: "slice", data: `{"list": [1, 2, 3], "country": "NOR"}`,
			sel:  `firstTwo: list->slice(0, 2) rest: list->slice(1) code: country->slice(0, 2) second: list->get(1) last: list->get(-1)`,
			want: `{"firstTwo": [1, 2], "rest": [2, 3], "code": "NO", "second": 2, "last": 3}`},
		{name: "jsonStringify", data: `{"settings": {"b": 1, "a": true}}`,
			sel: `raw: settings->jsonStringify`, want: `{"raw": "{\"a\":true,\"b\":1}"}`},
		{name: "a word is a key outside $( )", data: `{"true": "yes"}`,
			sel: `kind: true flag: $(true)`, want: `{"kind": "yes", "flag": true}`},
	})
}
