package planner

import (
	"github.com/vektah/gqlparser/v2/ast"
)

// cfield is a client field collected for one object type: all selections with the same
// response key merged, @skip/@include already decided.
type cfield struct {
	key   string
	name  string
	field *ast.Field
	// all holds every selection merged under key (the first is field).
	all  []*ast.Field
	sets []ast.SelectionSet
}

// collector gathers the fields that apply to a type, the way GraphQL's CollectFields does.
type collector struct {
	schema *ast.Schema
	vars   map[string]any
}

// collect returns the fields selected for an object of type typ (or, for an abstract typ,
// the fields selected on typ itself, without fragments on other types).
func (c *collector) collect(typ string, sets []ast.SelectionSet) []*cfield {
	var out []*cfield
	var walk func(set ast.SelectionSet)
	walk = func(set ast.SelectionSet) {
		for _, s := range set {
			switch s := s.(type) {
			case *ast.Field:
				if !Included(s.Directives, c.vars) {
					continue
				}
				key := s.Alias
				if key == "" {
					key = s.Name
				}
				var f *cfield
				for _, o := range out {
					if o.key == key {
						f = o
						break
					}
				}
				if f == nil {
					f = &cfield{key: key, name: s.Name, field: s}
					out = append(out, f)
				}
				f.all = append(f.all, s)
				if len(s.SelectionSet) > 0 {
					f.sets = append(f.sets, s.SelectionSet)
				}
			case *ast.InlineFragment:
				if Included(s.Directives, c.vars) && c.applies(s.TypeCondition, typ) {
					walk(s.SelectionSet)
				}
			case *ast.FragmentSpread:
				if Included(s.Directives, c.vars) && s.Definition != nil && c.applies(s.Definition.TypeCondition, typ) {
					walk(s.Definition.SelectionSet)
				}
			}
		}
	}
	for _, set := range sets {
		walk(set)
	}
	return out
}

// applies reports whether a fragment on cond applies to an object of type typ.
func (c *collector) applies(cond, typ string) bool {
	if cond == "" || cond == typ {
		return true
	}
	def := c.schema.Types[cond]
	if def == nil {
		return false
	}
	switch def.Kind {
	case ast.Interface:
		obj := c.schema.Types[typ]
		if obj == nil {
			return false
		}
		for _, i := range obj.Interfaces {
			if i == cond {
				return true
			}
		}
	case ast.Union:
		for _, m := range def.Types {
			if m == typ {
				return true
			}
		}
	}
	return false
}

// onlyOwnFields reports whether every selection in sets is a field or a fragment on typ
// itself, so an abstract position can be planned without splitting by concrete type.
func (c *collector) onlyOwnFields(typ string, sets []ast.SelectionSet) bool {
	var ok func(set ast.SelectionSet) bool
	ok = func(set ast.SelectionSet) bool {
		for _, s := range set {
			switch s := s.(type) {
			case *ast.InlineFragment:
				if !Included(s.Directives, c.vars) {
					continue
				}
				if (s.TypeCondition != "" && s.TypeCondition != typ) || !ok(s.SelectionSet) {
					return false
				}
			case *ast.FragmentSpread:
				if !Included(s.Directives, c.vars) || s.Definition == nil {
					continue
				}
				if s.Definition.TypeCondition != typ || !ok(s.Definition.SelectionSet) {
					return false
				}
			}
		}
		return true
	}
	for _, set := range sets {
		if !ok(set) {
			return false
		}
	}
	return true
}

// Included evaluates @skip and @include with the request's variables.
func Included(dirs ast.DirectiveList, vars map[string]any) bool {
	for _, d := range dirs {
		if d.Name != "skip" && d.Name != "include" {
			continue
		}
		arg := d.Arguments.ForName("if")
		if arg == nil || arg.Value == nil {
			continue
		}
		v, _ := arg.Value.Value(vars)
		b, _ := v.(bool)
		if d.Name == "skip" && b || d.Name == "include" && !b {
			return false
		}
	}
	return true
}

// ConditionVariables lists the variables that @skip/@include read in an operation; their
// values select the plan, so they are part of the plan-cache key.
func ConditionVariables(op *ast.OperationDefinition) []string {
	var names []string
	seen := map[string]bool{}
	visited := map[*ast.FragmentDefinition]bool{}
	var walk func(set ast.SelectionSet)
	check := func(dirs ast.DirectiveList) {
		for _, d := range dirs {
			if d.Name != "skip" && d.Name != "include" {
				continue
			}
			if a := d.Arguments.ForName("if"); a != nil && a.Value != nil && a.Value.Kind == ast.Variable && !seen[a.Value.Raw] {
				seen[a.Value.Raw] = true
				names = append(names, a.Value.Raw)
			}
		}
	}
	walk = func(set ast.SelectionSet) {
		for _, s := range set {
			switch s := s.(type) {
			case *ast.Field:
				check(s.Directives)
				walk(s.SelectionSet)
			case *ast.InlineFragment:
				check(s.Directives)
				walk(s.SelectionSet)
			case *ast.FragmentSpread:
				check(s.Directives)
				if s.Definition != nil && !visited[s.Definition] {
					visited[s.Definition] = true
					walk(s.Definition.SelectionSet)
				}
			}
		}
	}
	walk(op.SelectionSet)
	return names
}
