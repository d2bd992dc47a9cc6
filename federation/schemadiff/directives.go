package schemadiff

import (
	"fmt"
	"slices"

	"github.com/vektah/gqlparser/v2/ast"
)

// executableLocations are the places in an operation where a directive can be used.
var executableLocations = []ast.DirectiveLocation{
	ast.LocationQuery, ast.LocationMutation, ast.LocationSubscription, ast.LocationField,
	ast.LocationFragmentDefinition, ast.LocationFragmentSpread, ast.LocationInlineFragment,
	ast.LocationVariableDefinition,
}

// exposedDirectives returns the directive definitions clients can use in operations: not
// built in, with at least one executable location.
func exposedDirectives(s *ast.Schema) map[string]*ast.DirectiveDefinition {
	out := map[string]*ast.DirectiveDefinition{}
	if s == nil {
		return out
	}
	for name, dd := range s.Directives {
		if dd == nil || (dd.Position != nil && dd.Position.Src != nil && dd.Position.Src.BuiltIn) {
			continue
		}
		if len(locations(dd)) > 0 {
			out[name] = dd
		}
	}
	return out
}

// locations returns the executable locations of a directive, as strings.
func locations(dd *ast.DirectiveDefinition) []string {
	var out []string
	for _, l := range dd.Locations {
		if slices.Contains(executableLocations, l) {
			out = append(out, string(l))
		}
	}
	return out
}

func (d *differ) directives(old, new *ast.Schema) {
	od, nd := exposedDirectives(old), exposedDirectives(new)
	for _, name := range unionKeys(od, nd) {
		a, b := od[name], nd[name]
		coord := "@" + name
		switch {
		case b == nil:
			d.add(DirectiveRemoved, Breaking, coord, fmt.Sprintf("Directive '%s' was removed: operations that use it fail", coord), coord)
		case a == nil:
			d.add(DirectiveAdded, Safe, coord, fmt.Sprintf("Directive '%s' was added", coord))
		default:
			d.description(coord, "directive '"+coord+"'", a.Description, b.Description)
			removed, added := setDiff(locations(a), locations(b))
			for _, l := range removed {
				d.add(DirectiveLocationRemoved, Breaking, coord, fmt.Sprintf("Directive '%s' can no longer be used at %s: operations that use it there fail", coord, l), coord)
			}
			for _, l := range added {
				d.add(DirectiveLocationAdded, Safe, coord, fmt.Sprintf("Directive '%s' can now be used at %s", coord, l))
			}
			switch {
			case a.IsRepeatable && !b.IsRepeatable:
				d.add(DirectiveRepeatableRemoved, Breaking, coord, fmt.Sprintf("Directive '%s' is no longer repeatable: operations that use it twice at one place fail", coord), coord)
			case !a.IsRepeatable && b.IsRepeatable:
				d.add(DirectiveRepeatableAdded, Safe, coord, fmt.Sprintf("Directive '%s' is now repeatable", coord))
			}
			d.inputValues(argRules(coord, "directive '"+coord+"'"), fromArgs(a.Arguments), fromArgs(b.Arguments))
		}
	}
}
