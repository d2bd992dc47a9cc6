package mapping

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseErrors(t *testing.T) {
	t.Parallel()
	deep := func(n int, open, close string) string {
		return "a: " + strings.Repeat(open, n) + strings.Repeat(close, n)
	}
	cases := []struct {
		src       string
		line, col int
		msg       string
	}{
		{"a b:", 1, 5, `expected a path or a { … } block after "b":, found the end of the input`},
		{"a.", 1, 3, "expected a key (a name or a quoted string) after '.', found the end of the input"},
		{"a.5", 1, 3, "expected a key (a name or a quoted string) after '.', found 5"},
		{"a: b->nope", 1, 7, "unknown method ->nope; the methods are and, echo, entries, eq, first, get, joinNotNull, jsonStringify, last, map, match, not, or, size, slice"},
		{"a: $foo.b", 1, 4, "unknown variable $foo; the variables are $, @, $args, $this, $batch, $config, $context, $request, $response, $status, $env"},
		{"id a.b c", 1, 4, "a.b has no output name: give it an alias (name: a.b) or end it with a { … } block"},
		{"id $args.id", 1, 4, "$args.id has no output name"},
		{"$ args", 1, 1, "$ has no output name"},
		{"x { y $.z }", 1, 7, "$.z has no output name"},
		{"a: { b", 1, 7, "expected '}' to close the block opened at 1:4, found the end of the input"},
		{"x: 'abc", 1, 4, "unterminated string: no closing '"},
		{`x: "a\"`, 1, 4, `unterminated string: no closing "`},
		{"x: $(1", 1, 7, "expected ')' to close the '$(' at 1:4, found the end of the input"},
		{"x: $(1 2)", 1, 8, "expected ')' to close the '$(' at 1:4, found number 2"},
		{"x: a->first()", 1, 7, "->first takes no arguments: write ->first"},
		{"x: a->echo", 1, 7, "->echo needs 1 argument, found 0"},
		{"x: a->and()", 1, 7, "->and needs at least 1 argument, found 0"},
		{"x: a->eq(1, 2)", 1, 13, "->eq takes 1 argument, found 2"},
		{"x: a->slice(1, 2, 3)", 1, 19, "->slice takes 0 to 2 arguments, found 3"},
		{`x: a->match("a")`, 1, 13, "->match takes [candidate, value] pairs; write [@, value] last for a default"},
		{`x: a->match(["a"], [@, 1])`, 1, 13, "->match takes [candidate, value] pairs"},
		{"x: a->", 1, 7, "expected a method name after '->', found the end of the input"},
		{"x: a->slice(1 2)", 1, 15, "expected ',' or ')' (opened at 1:12), found number 2"},
		{"x: $({a 1})", 1, 9, `expected ':' after the key "a", found number 1`},
		{"x: $({a: 1 b: 2})", 1, 12, "expected ',' or '}' (object opened at 1:6), found name \"b\""},
		{"x: $({1: 2})", 1, 7, "expected a key (a name or a quoted string) in the object opened at 1:6, found number 1"},
		{"x: $()", 1, 6, "expected a value (a string, number, true, false, null, path, { … } or [ … ]), found ')'"},
		{"a, b", 1, 2, "expected a field name, an alias (name:) or a path, found ','"},
		{"a }", 1, 3, "expected a field name, an alias (name:) or a path, found '}'"},
		{"x: $ (1)", 1, 6, "expected a field name, an alias (name:) or a path, found '('"},
		{"x: -a", 1, 4, "expected a number or '->' after '-'"},
		{"x: a % b", 1, 6, "unexpected character '%'"},
		{"id\n  # comment\n  name.\n", 4, 1, "expected a key (a name or a quoted string) after '.', found the end of the input"},
		{"x: 'é' ü", 1, 8, "unexpected character 'ü'"},
		{"x: a->map(@->size, )", 1, 7, ""}, // trailing comma allowed: parses (checked below)
		{deep(maxDepth+1, "{ b: ", " }"), 1, 4 + 5*maxDepth, "nesting is deeper than 64 levels"},
		{deep(maxDepth+1, "$([", "])"), 1, 4 + 3*(maxDepth/2), "nesting is deeper than 64 levels"},
		{"x: a" + strings.Repeat("->first", maxChain+1), 1, 5 + 7*maxChain, "more than 32 methods in one chain"},
	}
	for _, tc := range cases {
		t.Run(tc.src[:min(len(tc.src), 40)], func(t *testing.T) {
			t.Parallel()
			_, err := Parse(tc.src)
			if tc.msg == "" {
				require.NoError(t, err)
				return
			}
			var perr *Error
			require.True(t, errors.As(err, &perr), "want *Error, got %v", err)
			assert.Contains(t, perr.Message, tc.msg)
			assert.Equal(t, [2]int{tc.line, tc.col}, [2]int{perr.Line, perr.Col}, "position of %q", perr.Message)
		})
	}
}

func TestParseLimitsAtTheEdge(t *testing.T) {
	t.Parallel()
	_, err := Parse("a: " + strings.Repeat("{ b: ", maxDepth-1) + "{ b }" + strings.Repeat(" }", maxDepth-1))
	assert.NoError(t, err, "64 levels of nesting are allowed")
	_, err = Parse("x: a" + strings.Repeat("->first", maxChain))
	assert.NoError(t, err, "32 methods in a chain are allowed")
	_, err = Parse(strings.Repeat("a ", maxSource/2))
	assert.NoError(t, err, "64 KiB of source is allowed")
	_, err = Parse(strings.Repeat("a ", maxSource/2) + "b")
	assert.EqualError(t, err, "1:65537: the selection is 65537 bytes long; the limit is 65536")
	// Deep input is an error, never a stack overflow.
	_, err = Parse(strings.Repeat("a { ", 15000))
	assert.ErrorContains(t, err, "nesting is deeper than 64 levels")
	_, err = Parse("x: " + strings.Repeat("$(", 30000))
	assert.ErrorContains(t, err, "nesting is deeper than 64 levels")
}

func TestPrintCanonicalForm(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"":                          "",
		"  id   ":                   "id",
		"id\nname":                  "id name",
		"# c\n a : b # d\n":         "a: b",
		"items: $.data { id name }": "items: $.data { id name }",
		"$.data{id}":                "$.data { id }",
		"$.data { }":                "$.data {}",
		"'x-y' 'plain': \"c d\".e":  `"x-y" plain: "c d".e`,
		`v: a.'b'.'c d'`:            `v: a.b."c d"`,
		`s: $('it\'s') t: $("say \"hi\"") u: $('a\nb')`: `s: $("it's") t: $('say "hi"') u: $("a\nb")`,
		`w: $('both \' and "')`:                         `w: $("both ' and \"")`,
		`b: $('back\\slash')`:                           `b: $("back\\slash")`,
		"n: $(007) m: $(-.5) k: $(1.) j: $(1.50)":       "n: $(7) m: $(-0.5) k: $(1) j: $(1.50)",
		"o: $({a:1,'b c':[1,2,],})":                     `o: $({ a: 1, "b c": [1, 2] })`,
		"e: $({}) l: $([])":                             "e: $({}) l: $([])",
		"v: a ?. b ? -> first":                          "v: a?.b?->first",
		"v: a->slice() w: a->slice(1,)":                 "v: a->slice w: a->slice(1)",
		"t: k->match(['a','A'],[@,'B'])":                `t: k->match(["a", "A"], [@, "B"])`,
		"g: { a b: c { d } }":                           "g: { a b: c { d } }",
		"$args { id }":                                  "$args { id }",
		"x: $":                                          "x: $",
		"$":                                             "$",
		"x: @.a->echo(@)":                               "x: @.a->echo(@)",
		"x: $this.id y: $batch z: $status":              "x: $this.id y: $batch z: $status",
		"v: $( a { b } )":                               "v: $(a { b })",
		"true false: null":                              "true false: null",
		"v: $(true)->not":                               "v: $(true)->not",
	}
	for src, want := range cases {
		s, err := Parse(src)
		require.NoError(t, err, "parse %q", src)
		assert.Equal(t, want, s.String(), "print %q", src)
	}
}

// TestRoundTrip checks that printing and parsing again gives an equal syntax tree.
func TestRoundTrip(t *testing.T) {
	t.Parallel()
	for _, src := range roundTripSeeds {
		s, err := Parse(src)
		require.NoError(t, err, "parse %q", src)
		printed := s.String()
		again, err := Parse(printed)
		require.NoError(t, err, "reparse %q (printed from %q)", printed, src)
		assert.Equal(t, printed, again.String())
		assert.True(t, reflect.DeepEqual(stripPositions(s), stripPositions(again)), "syntax trees differ for %q", src)
	}
}

var roundTripSeeds = []string{
	"id name",
	"items: $.data { id name priceCents: price_cents vendor: { id: vendor_id } } nextCursor: meta.next_cursor",
	"$.results { firstName: name.first lastName: name.last }",
	"id friends: friend_ids { id: $ }",
	"'x-y' \"a b\": 'c d' q: a.'b-c'.d",
	"$this { id sku } name: $(null)",
	"a: $args.input.name b: $context.principal.sub c: $request.headers.'x-a'->first d: $status",
	"v: a?.b?->size w: @.x",
	"lit: $({ a: 1, 'b c': [1, 'two', true, false, null, -1.5, $.x, y { z }] })",
	"t: kind->match(['dog', 'Canine'], ['cat', 'Feline'], [@, 'Exotic'])",
	"all: $.first->and($.second, $.third) any: a->or(b) n: a->not",
	"l: list->slice(0, 2)->map({ v: @, w: $.k })->jsonStringify",
	"j: $batch.id->joinNotNull(',') e: obj->entries.key g: obj->get('a') s: str->size",
	"$.a.b { c } d: { e: f.g }",
	"$args.id",
	"author.name",
	"",
}

// stripPositions copies a selection's tree without source positions.
func stripPositions(s *Selection) *Selection {
	c := &Selection{}
	if s.single != nil {
		c.single = stripPath(s.single)
	} else {
		c.root = stripBlock(s.root)
	}
	return c
}

func stripBlock(b *block) *block {
	if b == nil {
		return nil
	}
	c := &block{}
	for _, it := range b.items {
		ci := *it
		ci.pos, ci.path, ci.group = 0, stripPath(it.path), stripBlock(it.group)
		c.items = append(c.items, &ci)
	}
	return c
}

func stripPath(p *path) *path {
	if p == nil {
		return nil
	}
	c := *p
	c.pos, c.end, c.block, c.steps = 0, 0, stripBlock(p.block), nil
	if p.expr != nil {
		c.expr = stripValue(p.expr)
	}
	for _, st := range p.steps {
		st.pos = 0
		if st.call != nil {
			call := *st.call
			call.pos, call.args = 0, nil
			for _, a := range st.call.args {
				call.args = append(call.args, stripValue(a))
			}
			st.call = &call
		}
		c.steps = append(c.steps, st)
	}
	return &c
}

func stripValue(v *value) *value {
	c := *v
	c.pos, c.path, c.fields, c.elems = 0, stripPath(v.path), nil, nil
	for _, f := range v.fields {
		c.fields = append(c.fields, field{key: f.key, val: stripValue(f.val)})
	}
	for _, el := range v.elems {
		c.elems = append(c.elems, stripValue(el))
	}
	return &c
}
