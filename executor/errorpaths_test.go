package executor

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/atrium-gateway/atrium/planner"
)

func TestClientPathCutsWhereTheSelectionEnds(t *testing.T) {
	// { me: user { friends { name } } node { ... on Post { title } } }
	friends := &planner.Shape{TypeName: "User", Fields: []*planner.ShapeField{{Key: "name", Type: ast.NamedType("String", nil)}}}
	user := &planner.Shape{TypeName: "User", Fields: []*planner.ShapeField{
		{Key: "friends", Type: ast.ListType(ast.NonNullListType(ast.NamedType("User", nil), nil), nil), Sub: friends},
	}}
	node := &planner.Shape{TypeName: "Node", Abstract: true, ByType: map[string][]*planner.ShapeField{
		"Post": {{Key: "title", Type: ast.NamedType("String", nil)}},
	}}
	root := &planner.Shape{TypeName: "Query", Fields: []*planner.ShapeField{
		{Key: "me", Type: ast.NamedType("User", nil), Sub: user},
		{Key: "node", Type: ast.NamedType("Node", nil), Sub: node},
	}}
	p := func(steps ...any) ast.Path {
		out := ast.Path{}
		for _, s := range steps {
			switch s := s.(type) {
			case string:
				out = append(out, ast.PathName(s))
			case int:
				out = append(out, ast.PathIndex(s))
			}
		}
		return out
	}
	for _, c := range []struct{ in, want ast.Path }{
		{p("me", "friends", 0, 1, "name"), p("me", "friends", 0, 1, "name")},
		{p("me", "friends", 0, 1, "id"), p("me", "friends", 0, 1)}, // a key field
		{p("me", "_i1a2b_friends", 0), p("me")},                    // an internal alias
		{p("me", "friends", 0, "name"), p("me", "friends", 0)},     // a list level missing
		{p("me", 3), p("me")}, // an index on an object
		{p("me", "friends", 0, 1, "name", "x"), p("me", "friends", 0, 1, "name")}, // under a leaf
		{p("node", "title"), p("node", "title")},
		{p("node", "secret"), p("node")},
		{p("_entities", 0, "name"), p()},
	} {
		assert.Equal(t, c.want, clientPath(root, c.in), "%v", c.in)
	}
}
