package mapping

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTemplateExecute(t *testing.T) {
	t.Parallel()
	vars := Vars{
		"$args":    decode(t, `{"id": "a/b c", "limit": 20, "price": 1.50, "on": true, "none": null, "ids": [1, null, 3], "o": {}}`),
		"$config":  decode(t, `{"token": "t0k"}`),
		"$context": decode(t, `{"principal": {"sub": "u1"}}`),
	}
	cases := []struct{ src, want string }{
		{"/products/{$args.id}/reviews?limit={$args.limit}", "/products/a%2Fb%20c/reviews?limit=20"},
		{"Bearer {$config.token}", "Bearer t0k"},
		{"{ $context.principal.sub }", "u1"},
		{"p={$args.price}&on={$args.on}", "p=1.50&on=true"},
		{"x={$args.none}y={$args.missing}z={$nothing.x}", "x=y=z="},
		{"ids={$args.ids->joinNotNull(',')}", "ids=1%2C3"},
		{"lit={$('a b')}", "lit=a%20b"},
		{"no expressions", "no expressions"},
		{"", ""},
	}
	for _, tc := range cases {
		if strings.Contains(tc.src, "$nothing") {
			_, err := ParseTemplate(tc.src)
			assert.ErrorContains(t, err, "unknown variable $nothing")
			continue
		}
		tpl, err := ParseTemplate(tc.src)
		require.NoError(t, err, tc.src)
		got, err := tpl.Execute(vars, url.PathEscape)
		require.NoError(t, err, tc.src)
		assert.Equal(t, tc.want, got, tc.src)
	}
	tpl, err := ParseTemplate("/p/{$args.id}")
	require.NoError(t, err)
	got, err := tpl.Execute(vars, nil)
	require.NoError(t, err)
	assert.Equal(t, "/p/a/b c", got, "a nil escape writes values as they are")
}

func TestTemplateErrors(t *testing.T) {
	t.Parallel()
	parseErrs := []struct {
		src       string
		line, col int
		msg       string
	}{
		{"/p/{$args.id", 1, 13, "expected '}' to close the expression opened at 1:4, found the end of the input"},
		{"/p/{}", 1, 4, "empty {} in a template"},
		{"/p/}", 1, 4, "'}' without a matching '{'"},
		{"/p/{$args.id $args.x}", 1, 14, "expected '}' to close the expression opened at 1:4, found variable $args"},
		{"/p/{$args.id->nope}", 1, 15, "unknown method ->nope"},
		{"a\n{b.}", 2, 4, "expected a key (a name or a quoted string) after '.', found '}'"},
	}
	for _, tc := range parseErrs {
		_, err := ParseTemplate(tc.src)
		var perr *Error
		require.True(t, errors.As(err, &perr), "%q: %v", tc.src, err)
		assert.Contains(t, perr.Message, tc.msg, tc.src)
		assert.Equal(t, [2]int{tc.line, tc.col}, [2]int{perr.Line, perr.Col}, tc.src)
	}

	vars := Vars{"$args": decode(t, `{"o": {"a": 1}, "l": [1], "n": 5}`)}
	execErrs := []struct{ src, msg string }{
		{"/p/{$args.o}", "1:5: {$args.o} yields an object; a template can only render a string, number or boolean"},
		{"/p/{ $args.l }", "1:6: {$args.l} yields a list; a template can only render a string, number or boolean"},
		{"/p/{$args.n->size}", "1:14: in {$args.n->size}: ->size needs a list, a string or an object, found a number"},
	}
	for _, tc := range execErrs {
		tpl, err := ParseTemplate(tc.src)
		require.NoError(t, err, tc.src)
		_, err = tpl.Execute(vars, nil)
		assert.EqualError(t, err, tc.msg, tc.src)
	}
}

func TestTemplatePrintAndVarPaths(t *testing.T) {
	t.Parallel()
	tpl, err := ParseTemplate("/a/{ $args.id }/b?x={$this.sku->slice(0,2)}&y={$args.id}&c={$config.k}")
	require.NoError(t, err)
	assert.Equal(t, "/a/{$args.id}/b?x={$this.sku->slice(0, 2)}&y={$args.id}&c={$config.k}", tpl.String())
	again, err := ParseTemplate(tpl.String())
	require.NoError(t, err)
	assert.Equal(t, tpl.String(), again.String())
	var got []string
	for _, vp := range tpl.VarPaths() {
		got = append(got, strings.Join(append([]string{vp.Var}, vp.Path...), "."))
	}
	assert.Equal(t, []string{"$args.id", "$this.sku", "$config.k"}, got)
}
