package mapping

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// offsetOf converts a 1-based line and column (in code points) back to a byte offset.
func offsetOf(src string, line, col int) (int, bool) {
	if line < 1 || col < 1 {
		return 0, false
	}
	off := 0
	for l := 1; l < line; l++ {
		i := strings.IndexByte(src[off:], '\n')
		if i < 0 {
			return 0, false
		}
		off += i + 1
	}
	for c := 1; c < col; c++ {
		if off >= len(src) || src[off] == '\n' {
			return 0, false
		}
		_, n := utf8.DecodeRuneInString(src[off:])
		off += n
	}
	return off, true
}

func FuzzParse(f *testing.F) {
	for _, s := range roundTripSeeds {
		f.Add(s)
	}
	for _, s := range []string{
		"a b:", "a.", "a: b->nope", "a: { b", "x: 'abc", "x: $(1", "x: a->match([@])", "a, b", "$ args",
		"x: $({a: [1, {b: $.c}], 'd': -0.5})", "# only a comment", "a\n  .b\n  ->first", "'\\n' '\\\\'",
		"x: a->slice(,)", "x: $(.)", "x: $(-)", "x: @?.a?->echo(@?)", "é", "a: $(\"\xff\")",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		s, err := Parse(src)
		if err != nil {
			var perr *Error
			if !errors.As(err, &perr) {
				t.Fatalf("Parse(%q) returned %T, not *Error", src, err)
			}
			if off, ok := offsetOf(src, perr.Line, perr.Col); !ok || off > len(src) {
				t.Fatalf("Parse(%q): error position %d:%d lies outside the input: %v", src, perr.Line, perr.Col, err)
			}
			return
		}
		printed := s.String()
		if len(printed) > maxSource {
			return // escapes can make the canonical text longer than the limit
		}
		again, err := Parse(printed)
		if err != nil {
			t.Fatalf("Parse(%q) ok, but its print %q does not parse: %v", src, printed, err)
		}
		if again.String() != printed {
			t.Fatalf("print is not stable: %q then %q", printed, again.String())
		}
		if !reflect.DeepEqual(stripPositions(s), stripPositions(again)) {
			t.Fatalf("syntax trees of %q and its print %q differ", src, printed)
		}
		s.Shape()
		s.VarPaths()
		s.Apply(map[string]any{"a": []any{json.Number("1"), "x"}}, Vars{"$args": map[string]any{}})
	})
}

func FuzzApply(f *testing.F) {
	seeds := [][2]string{
		{`{"data":[{"id":1,"tags":["a"]},{"id":2,"tags":[]}],"meta":{"next":"c"}}`, benchSelection},
		{`{"a":null,"b":[1,2,3],"c":{"d":"x"}}`, "v: a?.b w: b->slice(1)->map({ n: @ }) c { d } $.c { e: d->size }"},
		{`[{"k":"a"},{"k":"z"},3,null]`, "t: k->match(['a', 'A'], [@, { other: @ }]) k"},
		{`{"o":{"x":1,"y":[true,false]}}`, "e: o->entries j: o->jsonStringify y: o.y->first->and(true)->not g: o->get('x')->eq(1)"},
		{`"text"`, "$->slice(1, 3)"},
		{`{"l":[[1,[2]],{"a":3}]}`, "v: l.a w: l->joinNotNull('-') x: $args.l->last"},
		{`1`, "a: $ b: @->map(@) c: $this->echo($batch)"},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, data, src string) {
		s, err := Parse(src)
		if err != nil {
			return
		}
		dec := json.NewDecoder(strings.NewReader(data))
		dec.UseNumber()
		var v any
		if dec.Decode(&v) != nil {
			return
		}
		out, _ := s.Apply(v, Vars{"$args": v, "$this": v, "$batch": []any{v}, "$status": json.Number("200")})
		if _, err := json.Marshal(out); err != nil {
			t.Fatalf("output of %q is not JSON: %v", src, err)
		}
		if err := checkShape(out, s.Shape(), "$"); err != "" {
			t.Fatalf("output of %q over %s does not match its shape: %s", src, data, err)
		}
	})
}

// checkShape reports a key of out that the static shape does not list.
func checkShape(out any, sh *Shape, at string) string {
	if sh == nil {
		return ""
	}
	switch v := out.(type) {
	case map[string]any:
		for k, x := range v {
			f := sh.Field(k)
			if f == nil {
				return at + "." + k + " is not in the shape"
			}
			if err := checkShape(x, f.Sub, at+"."+k); err != "" {
				return err
			}
		}
	case []any:
		for _, x := range v {
			if err := checkShape(x, sh, at+"[]"); err != "" {
				return err
			}
		}
	}
	return ""
}

func FuzzTemplate(f *testing.F) {
	for _, s := range []string{
		"/products/{$args.id}/reviews?limit={$args.limit}", "Bearer {$config.token}", "{ $context.principal.sub }",
		"/p/{$args.ids->joinNotNull(',')}", "/p/{", "/p/}", "{}", "{$('}')}", "a\n{b.}", "{$args.o}",
	} {
		f.Add(s)
	}
	vars := Vars{"$args": map[string]any{"id": "a/b", "limit": json.Number("20"), "ids": []any{"x", nil}, "o": map[string]any{}}}
	f.Fuzz(func(t *testing.T, src string) {
		tpl, err := ParseTemplate(src)
		if err != nil {
			var perr *Error
			if !errors.As(err, &perr) {
				t.Fatalf("ParseTemplate(%q) returned %T, not *Error", src, err)
			}
			if off, ok := offsetOf(src, perr.Line, perr.Col); !ok || off > len(src) {
				t.Fatalf("ParseTemplate(%q): error position %d:%d lies outside the input", src, perr.Line, perr.Col)
			}
			return
		}
		printed := tpl.String()
		again, err := ParseTemplate(printed)
		if err != nil || again.String() != printed {
			t.Fatalf("template %q prints as %q, which does not parse back the same: %v", src, printed, err)
		}
		tpl.VarPaths()
		if _, err := tpl.Execute(vars, strings.ToUpper); err != nil {
			var perr *Error
			if !errors.As(err, &perr) {
				t.Fatalf("Execute of %q returned %T, not *Error", src, err)
			}
		}
	})
}
