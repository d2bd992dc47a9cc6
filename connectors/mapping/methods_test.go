package mapping

import "testing"

func TestMethods(t *testing.T) {
	t.Parallel()
	runApplyCases(t, []applyCase{
		// ->echo
		{name: "echo wraps the input as @", data: `{"value": 5}`,
			sel: `w: value->echo({ wrapped: @ })`, want: `{"w": {"wrapped": 5}}`},
		{name: "echo of a literal ignores the input", data: `[1, 2]`,
			sel: `$->echo("x")`, want: `"x"`},
		{name: "echo can read $", data: `{"a": {"b": 1}, "c": 2}`,
			sel: `v: a->echo([@.b, $.c])`, want: `{"v": [1, 2]}`},
		{name: "echo of an absent value is absent", data: `{}`,
			sel: `v: $->echo($.missing)`, want: `{}`},

		// ->map
		{name: "map evaluates its argument per item", data: `{"items": [{"id": 1}, {"id": 2}]}`,
			sel: `ids: items->map(@.id)`, want: `{"ids": [1, 2]}`},
		{name: "map builds objects", data: `{"colors": ["red", "blue"]}`,
			sel: `colors: colors->map({ name: @ })`, want: `{"colors": [{"name": "red"}, {"name": "blue"}]}`},
		{name: "map of a non-list makes a list of one", data: `{"one": 3}`,
			sel: `v: one->map({ v: @ })`, want: `{"v": [{"v": 3}]}`},
		{name: "map turns absent results into null", data: `{"a": [{}, {"m": 1}]}`,
			sel: `v: a->map(@.m)`, want: `{"v": [null, 1]}`},

		// ->match
		{name: "match translates a value", data: `{"kind": "cat"}`,
			sel: `t: kind->match(["dog", "Canine"], ["cat", "Feline"], [@, "Exotic"])`, want: `{"t": "Feline"}`},
		{name: "match falls back to the @ pair", data: `{"kind": "axolotl"}`,
			sel: `t: kind->match(["dog", "Canine"], [@, "Exotic"])`, want: `{"t": "Exotic"}`},
		{name: "match with no matching pair is a problem", data: `{"kind": "axolotl"}`,
			sel: `name: $("x") t: kind->match(['dog', 'Canine'])`, want: `{"name": "x"}`,
			problems: []string{`1:23: ->match found no [candidate, value] pair for "axolotl" (add [@, default] as the last pair) @ kind->match`}},
		{name: "match compares numbers by value", data: `{"code": 1.0}`,
			sel: `t: code->match([1, "one"], [2, "two"])`, want: `{"t": "one"}`},
		{name: "match values may use @ and paths", data: `{"k": "a", "label": "L"}`,
			sel: `t: k->match(["a", { k: @, l: $.label }])`, want: `{"t": {"k": "a", "l": "L"}}`},

		// ->first, ->last
		{name: "first and last of a list", data: `{"l": [1, 2, 3]}`,
			sel: `f: l->first z: l->last`, want: `{"f": 1, "z": 3}`},
		{name: "first of an empty list is absent, quietly", data: `{"l": []}`,
			sel: `f: l->first z: l->last`, want: `{}`},
		{name: "first and last character of a string", data: `{"s": "héllo"}`,
			sel: `f: s->first z: s->last e: $("")->first`, want: `{"f": "h", "z": "o"}`},
		{name: "first of a scalar keeps it, with a problem", data: `{"n": 4}`,
			sel: `f: n->first`, want: `{"f": 4}`, problems: []string{"->first needs a list or a string, found a number"}},
		{name: "first of a header list", vars: `{"$request": {"headers": {"authorization": ["Bearer t"]}}}`,
			sel: `auth: $request.headers.authorization->first`, want: `{"auth": "Bearer t"}`},

		// ->get
		{name: "get by index, from the end, by key, and a character", data: `{"l": [1, 2, 3], "o": {"a": "x"}, "s": "añb"}`,
			sel: `i: l->get(1) n: l->get(-1) k: o->get("a") c: s->get(1)`, want: `{"i": 2, "n": 3, "k": "x", "c": "ñ"}`},
		{name: "get out of range is a problem", data: `{"l": [1]}`,
			sel: `v: l->get(3)`, want: `{}`, problems: []string{"->get index 3 is out of range for a list of length 1"}},
		{name: "get of a missing key is a problem", data: `{"o": {}}`,
			sel: `v: o->get("a")`, want: `{}`, problems: []string{`->get found no property "a"`}},
		{name: "get with the wrong kind of index", data: `{"l": [1], "o": {}}`,
			sel: `v: l->get("a") w: o->get(1) x: $(true)->get(0)`, want: `{}`,
			problems: []string{`->get on a list needs an integer index, found "a"`, "->get on an object needs a string key, found 1",
				"->get needs a list, a string or an object, found a boolean"}},
		{name: "get with an index from a variable", data: `{"l": ["a", "b"]}`, vars: `{"$args": {"i": 1}}`,
			sel: `v: l->get($args.i)`, want: `{"v": "b"}`},

		// ->slice
		{name: "slice of a list and a string", data: `{"l": [1, 2, 3, 4], "s": "hello"}`,
			sel: `a: l->slice(1, 3) b: s->slice(1, 3) c: l->slice(2) d: l->slice`, want: `{"a": [2, 3], "b": "el", "c": [3, 4], "d": [1, 2, 3, 4]}`},
		{name: "slice clamps its bounds", data: `{"l": [1, 2], "s": "hé"}`,
			sel: `a: l->slice(1, 9) b: l->slice(-5, 1) c: l->slice(2, 1) d: s->slice(1, 5)`, want: `{"a": [2], "b": [1], "c": [], "d": "é"}`},
		{name: "slice of a number is a problem", data: `{"n": 1}`,
			sel: `v: n->slice(0, 1)`, want: `{}`, problems: []string{"->slice needs a list or a string, found a number"}},

		// ->size
		{name: "size of a list, string and object", data: `{"l": [1, 2], "s": "héllo", "o": {"a": 1}}`,
			sel: `l: l->size s: s->size o: o->size`, want: `{"l": 2, "s": 5, "o": 1}`},
		{name: "size of null is a problem", data: `{"n": null}`,
			sel: `v: n->size`, want: `{}`, problems: []string{"->size needs a list, a string or an object, found null"}},

		// ->joinNotNull
		{name: "joinNotNull skips nulls and writes scalars", data: `{"l": ["a", null, 1.50, true]}`,
			sel: `v: l->joinNotNull(", ")`, want: `{"v": "a, 1.50, true"}`},
		{name: "joinNotNull of a scalar and of null", data: `{"s": "x", "n": null}`,
			sel: `s: s->joinNotNull(",") n: n->joinNotNull(",")`, want: `{"s": "x", "n": ""}`},
		{name: "joinNotNull of batch keys", vars: `{"$batch": [{"id": 1}, {"id": 2}]}`,
			sel: `ids: $batch.id->joinNotNull(",")`, want: `{"ids": "1,2"}`},
		{name: "joinNotNull of objects is a problem", data: `{"l": [{"a": 1}]}`,
			sel: `v: l->joinNotNull(",")`, want: `{}`, problems: []string{"->joinNotNull needs a list of scalars; item 0 is an object"}},
		{name: "joinNotNull needs a string separator", data: `{"l": ["a"]}`,
			sel: `v: l->joinNotNull(1)`, want: `{}`, problems: []string{"->joinNotNull needs a string separator, found 1"}},

		// ->jsonStringify
		{name: "jsonStringify writes compact JSON, keys sorted, numbers as written", data: `{"o": {"b": 1.10, "a": ["<&>", null]}}`,
			sel: `v: o->jsonStringify s: $("x")->jsonStringify`, want: `{"v": "{\"a\":[\"<&>\",null],\"b\":1.10}", "s": "\"x\""}`},

		// ->eq
		{name: "eq compares deeply, numbers by value", data: `{"n": 1.0, "s": "a", "o": {"x": [1, 2]}, "k": 1e3}`,
			sel:  `n: n->eq(1) s: s->eq("b") o: o->eq({ x: [1, 2.0] }) big: k->eq(1000)`,
			want: `{"n": true, "s": false, "o": true, "big": true}`},
		{name: "eq with an absent argument is absent", data: `{"a": 5}`,
			sel: `v: a->eq($.missing)`, want: `{}`},

		// ->not, ->and, ->or
		{name: "not negates booleans", data: `{"t": true}`,
			sel: `a: t->not b: t->not->not`, want: `{"a": false, "b": true}`},
		{name: "not of a string is a problem", data: `{"s": "x"}`,
			sel: `v: s->not`, want: `{}`, problems: []string{"->not needs a boolean, found a string"}},
		{name: "and and or", data: `{"t": true, "f": false}`,
			sel:  `tt: t->and(t) tf: t->and(t, f) ff: f->or(f) ft: f->or(f, t) imp: f->not->or(f)`,
			want: `{"tt": true, "tf": false, "ff": false, "ft": true, "imp": true}`},
		{name: "and and or stop once decided", data: `{"t": true, "f": false}`,
			sel: `a: f->and($.nope->size) o: t->or($.nope->size)`, want: `{"a": false, "o": true}`},
		{name: "a non-boolean argument is reported and skipped", data: `{"a": true, "b": null, "c": 0}`,
			sel: `v: a->and($.b, $.c)`, want: `{"v": true}`,
			problems: []string{"->and argument 1 is null, not a boolean", "->and argument 2 is a number, not a boolean"}},
		{name: "and of a non-boolean input is a problem", data: `{"b": null}`,
			sel: `v: b->and(true)`, want: `{}`, problems: []string{"->and needs a boolean input, found null"}},

		// ->entries
		{name: "entries lists key and value, sorted by key", data: `{"o": {"b": 2, "a": 1}}`,
			sel: `e: o->entries keys: o->entries.key`, want: `{"e": [{"key": "a", "value": 1}, {"key": "b", "value": 2}], "keys": ["a", "b"]}`},
		{name: "entries of a list is a problem", data: `{"l": []}`,
			sel: `v: l->entries`, want: `{}`, problems: []string{"->entries needs an object, found a list"}},

		// chains
		{name: "methods chain left to right", data: `{"tags": ["alpha", "b"]}`,
			sel: `n: tags->first->size up: tags->last->eq("b")->not`, want: `{"n": 5, "up": false}`},
		{name: "a block after a method", data: `{"l": [{"id": 1, "x": 2}, {"id": 3}]}`,
			sel: `first: l->first { id } $(l)->last { lastId: id }`, want: `{"first": {"id": 1}, "lastId": 3}`},
	})
}
