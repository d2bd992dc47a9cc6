package planner_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2"

	"github.com/atrium-gateway/atrium/planner"
)

// Entity fetches under another entity fetch start from the parent's path: the anchor is a
// prefix of the path, and From is its length.
func TestWalksAnchorAtTheParentsPath(t *testing.T) {
	sg := loadSupergraph(t, "../demo/supergraph.graphql")
	q := `{ me { reviews { product { name reviews { author { name } } } } } }`
	doc, errs := gqlparser.LoadQueryWithRules(sg.API, q, nil)
	require.Empty(t, errs)
	p, err := planner.Build(sg, doc.Operations[0], nil)
	require.NoError(t, err)
	anchors := map[string]string{}
	var visit func(n planner.Node)
	visit = func(n planner.Node) {
		switch n := n.(type) {
		case *planner.Sequence:
			for _, c := range n.Nodes {
				visit(c)
			}
		case *planner.Parallel:
			for _, c := range n.Nodes {
				visit(c)
			}
		case *planner.Flatten:
			require.Len(t, n.Walks, len(n.Paths()))
			for _, w := range n.Walks {
				anchors[w.Key] = w.Anchor
			}
		}
	}
	visit(p.Root)
	assert.Equal(t, map[string]string{
		"me":                                    "", // under the root fetch
		"me.reviews.@.product":                  "me",
		"me.reviews.@.product.reviews.@.author": "me", // reviews answered both lists
	}, anchors)
}
