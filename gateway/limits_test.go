package gateway_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atrium-gateway/atrium/gateway"
)

// TestOperationLimits: each limit refuses, with its code and the numbers, what passes it,
// and lets through what does not.
func TestOperationLimits(t *testing.T) {
	t.Parallel()
	s := startStack(t, gateway.Options{Limits: gateway.Limits{MaxDepth: 4, MaxAliases: 3, MaxRootFields: 2, MaxDirectives: 2, MaxTokens: 40}})
	ask := func(query string) string {
		body, _ := json.Marshal(map[string]string{"query": query})
		return s.post(t, string(body)).Body
	}
	for _, c := range []struct{ query, code string }{
		{`{ me { reviews { product { reviews { author { id } } } } } }`, "MAX_DEPTH_EXCEEDED"},
		{`{ a: me { id } b: me { id } c: me { id } d: me { id } }`, "MAX_ALIASES_EXCEEDED"},
		{`{ me { id } topProducts { upc } me2: me { name } }`, "MAX_ROOT_FIELDS_EXCEEDED"},
		{`query { me @include(if: true) { id @skip(if: false) name @skip(if: false) } }`, "MAX_DIRECTIVES_EXCEEDED"},
		{"{ me { " + strings.Repeat("id ", 45) + "} }", "MAX_TOKENS_EXCEEDED"},
		// Through fragments too: aliases and root fields count at each spread.
		{`{ ...R ...R } fragment R on Query { a: me { id } b: me { id } }`, "MAX_ALIASES_EXCEEDED"},
		{`{ ...R } fragment R on Query { me { id } topProducts { upc } t2: topProducts { upc } }`, "MAX_ROOT_FIELDS_EXCEEDED"},
	} {
		assert.Contains(t, ask(c.query), `"code":"`+c.code+`"`, c.query)
	}
	assert.Contains(t, ask(`{ a: me { id } b: me { id } }`), `"data":`, "within every limit")
	out := ask(`{ a: me { id } b: me { id } c: me { id } d: me { id } }`)
	assert.Contains(t, out, `"maxAliases":3`)
	assert.Contains(t, out, `"actual":4`)
	assert.NotContains(t, out, `"data":{`, "nothing runs")
}

// TestFragmentBombIsMeasuredNotExpanded: 30 levels of fragments each spreading the next
// twice expand to 2^30 fields; the limits measure each fragment once and refuse it at once.
func TestFragmentBombIsMeasuredNotExpanded(t *testing.T) {
	t.Parallel()
	s := startStack(t, gateway.Options{Limits: gateway.Limits{MaxAliases: 1000, MaxRootFields: 1000}})
	var doc strings.Builder
	doc.WriteString(`{ ...F0 } `)
	for i := range 30 {
		fmt.Fprintf(&doc, "fragment F%d on Query { ...F%d ...F%d } ", i, i+1, i+1)
	}
	doc.WriteString(`fragment F30 on Query { x: me { id } }`)
	body, _ := json.Marshal(map[string]string{"query": doc.String()})
	out := s.post(t, string(body)).Body
	require.Contains(t, out, `"code":"MAX_ALIASES_EXCEEDED"`)
	assert.Contains(t, out, `"actual":1073741824`)
}
