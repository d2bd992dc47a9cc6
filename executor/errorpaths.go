package executor

import (
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/atrium-gateway/atrium/planner"
)

// clientPath cuts a subgraph error's path where it leaves the client's selection: at a key
// the client did not ask for (a key field fetched for a jump, an internal alias, an
// @inaccessible field) or an index where no list is. What is left names only what the
// client's own response holds, so a backend's layout never shows through an error.
func clientPath(sh *planner.Shape, path ast.Path) ast.Path {
	var (
		field *planner.ShapeField
		depth int // list levels left in field's type
	)
	for i, step := range path {
		switch step := step.(type) {
		case ast.PathIndex:
			if field == nil || depth == 0 {
				return path[:i]
			}
			depth--
		case ast.PathName:
			if field != nil {
				if depth > 0 || field.Sub == nil {
					return path[:i]
				}
				sh = field.Sub
			}
			field = shapeField(sh, string(step))
			if field == nil {
				return path[:i]
			}
			depth = listDepth(field.Type)
		default:
			return path[:i]
		}
	}
	return path
}

// shapeField finds the field written under key at sh, for any of its runtime types.
func shapeField(sh *planner.Shape, key string) *planner.ShapeField {
	find := func(fields []*planner.ShapeField) *planner.ShapeField {
		for _, f := range fields {
			if f.Key == key {
				return f
			}
		}
		return nil
	}
	if !sh.Abstract {
		return find(sh.Fields)
	}
	for _, fields := range sh.ByType {
		if f := find(fields); f != nil {
			return f
		}
	}
	return nil
}

func listDepth(t *ast.Type) int {
	n := 0
	for ; t != nil && t.Elem != nil; t = t.Elem {
		n++
	}
	return n
}
