package usage

import (
	"fmt"
	"slices"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// Coordinates lists what one operation of doc uses, against the API schema it was validated
// with, in the grammar schemadiff.Change.UsageCoordinates is written in:
//
//   - "Type.field" for each selected field, Type being the parent type of the selection: a
//     field selected on an interface is "Iface.field", the same field selected in a fragment
//     on an implementation is "Obj.field".
//   - "Type.field.arg" for each argument passed, as a literal or a variable.
//   - "Type" for every named type touched: the operation's root type, field return types,
//     fragment type conditions, variable types, argument and input field types. Built-in
//     scalars are left out: they never change.
//   - "Input.field" for each input object field given in a literal. A variable of an input
//     object type could fill any of its fields, so every field reachable from its type
//     (through nested input objects too) is listed, conservatively, as Apollo does.
//   - "Enum.VALUE" for each enum value written as a literal (in arguments, input fields,
//     variable defaults). A variable of an enum type marks only "Enum": its value is unknown.
//   - "@directive" for each directive used and "@directive.arg" for each argument passed to
//     it, @skip and @include included.
//
// Fields under @skip/@include count whatever the condition: the document uses them. Aliases
// make no difference, each fragment is walked once (recursive spreads end), and introspection
// fields (__typename, __schema, __type) and what they select are left out. The result is
// sorted and deduplicated.
//
// operationName picks the operation; "" means the document's only operation. Errors name
// what the document uses that the schema lacks (an unknown field, argument, type, enum value,
// input field, fragment or directive), with its line and column: the document was not
// validated against this schema.
func Coordinates(schema *ast.Schema, doc *ast.QueryDocument, operationName string) ([]string, error) {
	if schema == nil {
		return nil, fmt.Errorf("usage: no schema")
	}
	op, err := operation(doc, operationName)
	if err != nil {
		return nil, err
	}
	w := &walker{schema: schema, doc: doc, used: map[string]bool{}, fragments: map[string]bool{}, inputs: map[string]bool{}}
	root := rootType(schema, op.Operation)
	if root == nil {
		return nil, fmt.Errorf("usage: the schema has no %s root type%s", opKind(op.Operation), at(op.Position))
	}
	w.markType(root)
	for _, v := range op.VariableDefinitions {
		if err := w.variable(v); err != nil {
			return nil, err
		}
	}
	if err := w.directives(op.Directives); err != nil {
		return nil, err
	}
	if err := w.selections(root, op.SelectionSet); err != nil {
		return nil, err
	}
	out := make([]string, 0, len(w.used))
	for c := range w.used {
		out = append(out, c)
	}
	slices.Sort(out)
	return out, nil
}

func opKind(o ast.Operation) ast.Operation {
	if o == "" {
		return ast.Query
	}
	return o
}

func rootType(s *ast.Schema, o ast.Operation) *ast.Definition {
	switch opKind(o) {
	case ast.Query:
		return s.Query
	case ast.Mutation:
		return s.Mutation
	case ast.Subscription:
		return s.Subscription
	}
	return nil
}

type walker struct {
	schema    *ast.Schema
	doc       *ast.QueryDocument
	used      map[string]bool
	fragments map[string]bool // fragments already walked
	inputs    map[string]bool // input objects whose fields are all marked
}

func (w *walker) mark(c string) { w.used[c] = true }

func (w *walker) markType(def *ast.Definition) {
	if !def.BuiltIn {
		w.mark(def.Name)
	}
}

func (w *walker) lookup(name string, pos *ast.Position) (*ast.Definition, error) {
	def := w.schema.Types[name]
	if def == nil {
		return nil, fmt.Errorf("usage: type %q is not defined in the schema%s", name, at(pos))
	}
	return def, nil
}

func (w *walker) variable(v *ast.VariableDefinition) error {
	if v == nil || v.Type == nil {
		return nil
	}
	def, err := w.lookup(v.Type.Name(), v.Position)
	if err != nil {
		return err
	}
	w.markType(def)
	if def.Kind == ast.InputObject {
		w.inputClosure(def)
	}
	if v.DefaultValue != nil {
		if err := w.value(v.DefaultValue, def); err != nil {
			return err
		}
	}
	return w.directives(v.Directives)
}

// inputClosure marks an input object reached through a variable: every field, and the types
// of those fields (nested input objects with all their fields; enums by type only).
func (w *walker) inputClosure(def *ast.Definition) {
	if w.inputs[def.Name] {
		return
	}
	w.inputs[def.Name] = true
	w.markType(def)
	for _, f := range def.Fields {
		if f == nil || f.Type == nil {
			continue
		}
		w.mark(def.Name + "." + f.Name)
		ft := w.schema.Types[f.Type.Name()]
		switch {
		case ft == nil:
		case ft.Kind == ast.InputObject:
			w.inputClosure(ft)
		default:
			w.markType(ft)
		}
	}
}

// value marks a literal given where the named type def is expected. Variables inside it are
// marked by their definitions. Literals that do not fit def (an object for an enum) are left
// to validation; only names def does not define are errors.
func (w *walker) value(v *ast.Value, def *ast.Definition) error {
	if v == nil {
		return nil
	}
	w.markType(def)
	switch v.Kind {
	case ast.ListValue:
		for _, c := range v.Children {
			if err := w.value(c.Value, def); err != nil {
				return err
			}
		}
	case ast.ObjectValue:
		if def.Kind != ast.InputObject {
			return nil
		}
		for _, c := range v.Children {
			f := def.Fields.ForName(c.Name)
			if f == nil || f.Type == nil {
				return fmt.Errorf("usage: input object %q has no field %q%s", def.Name, c.Name, at(c.Position))
			}
			w.mark(def.Name + "." + c.Name)
			ft, err := w.lookup(f.Type.Name(), c.Position)
			if err != nil {
				return err
			}
			if err := w.value(c.Value, ft); err != nil {
				return err
			}
		}
	case ast.EnumValue:
		if def.Kind != ast.Enum {
			return nil
		}
		if def.EnumValues.ForName(v.Raw) == nil {
			return fmt.Errorf("usage: enum %q has no value %q%s", def.Name, v.Raw, at(v.Position))
		}
		w.mark(def.Name + "." + v.Raw)
	}
	return nil
}

// arguments marks the arguments passed to owner ("Type.field" or "@directive").
func (w *walker) arguments(owner string, defs ast.ArgumentDefinitionList, args ast.ArgumentList) error {
	for _, a := range args {
		if a == nil {
			continue
		}
		ad := defs.ForName(a.Name)
		if ad == nil || ad.Type == nil {
			return fmt.Errorf("usage: %s has no argument %q%s", owner, a.Name, at(a.Position))
		}
		w.mark(owner + "." + a.Name)
		t, err := w.lookup(ad.Type.Name(), a.Position)
		if err != nil {
			return err
		}
		if err := w.value(a.Value, t); err != nil {
			return err
		}
	}
	return nil
}

func (w *walker) directives(dirs ast.DirectiveList) error {
	for _, d := range dirs {
		if d == nil {
			continue
		}
		dd := w.schema.Directives[d.Name]
		if dd == nil {
			return fmt.Errorf("usage: directive @%s is not defined in the schema%s", d.Name, at(d.Position))
		}
		w.mark("@" + d.Name)
		if err := w.arguments("@"+d.Name, dd.Arguments, d.Arguments); err != nil {
			return err
		}
	}
	return nil
}

func (w *walker) selections(parent *ast.Definition, set ast.SelectionSet) error {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if err := w.directives(s.Directives); err != nil {
				return err
			}
			if strings.HasPrefix(s.Name, "__") {
				continue
			}
			fd := parent.Fields.ForName(s.Name)
			if fd == nil || fd.Type == nil {
				return fmt.Errorf("usage: field %q is not defined on type %q%s", s.Name, parent.Name, at(s.Position))
			}
			owner := parent.Name + "." + s.Name
			w.mark(owner)
			if err := w.arguments(owner, fd.Arguments, s.Arguments); err != nil {
				return err
			}
			ret, err := w.lookup(fd.Type.Name(), s.Position)
			if err != nil {
				return err
			}
			w.markType(ret)
			if err := w.selections(ret, s.SelectionSet); err != nil {
				return err
			}
		case *ast.FragmentSpread:
			if err := w.directives(s.Directives); err != nil {
				return err
			}
			if w.fragments[s.Name] {
				continue
			}
			w.fragments[s.Name] = true
			f := w.doc.Fragments.ForName(s.Name)
			if f == nil {
				return fmt.Errorf("usage: fragment %q is not defined in the document%s", s.Name, at(s.Position))
			}
			cond, err := w.lookup(f.TypeCondition, f.Position)
			if err != nil {
				return err
			}
			w.markType(cond)
			if err := w.directives(f.Directives); err != nil {
				return err
			}
			if err := w.selections(cond, f.SelectionSet); err != nil {
				return err
			}
		case *ast.InlineFragment:
			if err := w.directives(s.Directives); err != nil {
				return err
			}
			t := parent
			if s.TypeCondition != "" {
				cond, err := w.lookup(s.TypeCondition, s.Position)
				if err != nil {
					return err
				}
				w.markType(cond)
				t = cond
			}
			if err := w.selections(t, s.SelectionSet); err != nil {
				return err
			}
		}
	}
	return nil
}
