package schemadiff_test

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/atrium-gateway/atrium/federation"
	"github.com/atrium-gateway/atrium/federation/schemadiff"
	"github.com/atrium-gateway/atrium/federation/usage"
)

// store is a usage window as the registry keeps it: per coordinate, the operations
// (signatures) that used it and how many requests they made.
type store map[string]*schemadiff.Use

func (s store) record(t *testing.T, api *ast.Schema, query string, requests int64) {
	t.Helper()
	doc, err := parser.ParseQuery(&ast.Source{Input: query})
	require.NoError(t, err)
	name := doc.Operations[0].Name
	_, _, err = usage.Signature(doc, name)
	require.NoError(t, err)
	coords, err := usage.Coordinates(api, doc, name)
	require.NoError(t, err)
	for _, c := range coords {
		u := s[c]
		if u == nil {
			u = &schemadiff.Use{}
			s[c] = u
		}
		u.Operations++
		u.Names = append(u.Names, name)
		u.Count += requests
	}
}

func (s store) lookup(c string) (schemadiff.Use, bool) {
	if u := s[c]; u != nil {
		return *u, true
	}
	return schemadiff.Use{}, false
}

// TestCheckDemoSupergraph runs a whole check on the demo supergraph: its API schema before
// and after a subgraph change, judged against the usage of three operations.
func TestCheckDemoSupergraph(t *testing.T) {
	t.Parallel()
	text, err := os.ReadFile("../../demo/supergraph.graphql")
	require.NoError(t, err)
	before, err := federation.Parse("demo", string(text))
	require.NoError(t, err)
	assert.Empty(t, schemadiff.Diff(before.API, before.API))

	changed := string(text)
	for old, new := range map[string]string{
		"  birthday: Int @join__field(graph: ACCOUNTS)\n": "",
		"  price: Int @join__field(graph: INVENTORY":      "  price: Float @join__field(graph: INVENTORY",
		"topProducts(first: Int = 5)":                     "topProducts(first: Int = 10)",
	} {
		require.Contains(t, changed, old)
		changed = strings.Replace(changed, old, new, 1)
	}
	after, err := federation.Parse("demo", changed)
	require.NoError(t, err)

	window := store{}
	window.record(t, before.API, `query Me { me { id name reviews { body } } }`, 40)
	window.record(t, before.API, `query Top { topProducts(first: 3) { upc name price } }`, 25)
	window.record(t, before.API, `query Reviews { topReviews { body author { username } } }`, 5)

	judged := schemadiff.Judge(schemadiff.Diff(before.API, after.API), window.lookup)
	got := []string{}
	for _, j := range judged {
		got = append(got, j.String())
		if j.InUse {
			got = append(got, "  used by "+strings.Join(j.Use.Names, ", "))
		}
	}
	assert.Equal(t, []string{
		"BREAKING FIELD_TYPE_CHANGED Product.price: Field 'Product.price' changed type from 'Int' to 'Float': its named type changed, so clients and selections written for 'Int' may no longer fit",
		"  used by Top",
		"DANGEROUS ARG_DEFAULT_CHANGED Query.topProducts(first:): Argument 'Query.topProducts(first:)' changed its default value from 5 to 10: operations that do not pass it get a different result",
		"  used by Top",
		"BREAKING FIELD_REMOVED User.birthday: Field 'User.birthday' was removed from object type 'User': operations that select it fail",
	}, got)
	assert.True(t, schemadiff.Blocking(judged), "Top selects Product.price")

	// Without the price change, the only breaking change is unused: the check passes.
	var rest []schemadiff.Change
	for _, c := range schemadiff.Diff(before.API, after.API) {
		if c.Coordinate != "Product.price" {
			rest = append(rest, c)
		}
	}
	assert.False(t, schemadiff.Blocking(schemadiff.Judge(rest, window.lookup)))
}
