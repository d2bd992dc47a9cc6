package compose

import (
	"fmt"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

// fieldSetUse says which directive a field set belongs to; it picks the error codes.
type fieldSetUse string

const (
	useKey      fieldSetUse = "KEY"
	useRequires fieldSetUse = "REQUIRES"
	useProvides fieldSetUse = "PROVIDES"
)

// selected is one field a field set names, with whether it is a leaf of the selection.
type selected struct {
	f    *sfield
	leaf bool
	// underExternal: an ancestor in the selection is @external (then its children need not be).
	underExternal bool
}

// walkFieldSet parses a field set against type typ of this subgraph and returns the fields
// it selects, or a diagnostic with the use's code.
func (sg *subgraph) walkFieldSet(use fieldSetUse, typ *stype, raw string, at position, coord string) ([]selected, *Diagnostic) {
	fail := func(format string, args ...any) ([]selected, *Diagnostic) {
		d := errorf(string(use)+"_INVALID_FIELDS", sg, at, "On %s, for %s: %s", coord, directiveText(use, raw), fmt.Sprintf(format, args...))
		return nil, &d
	}
	if strings.TrimSpace(raw) == "" {
		return fail("the field set is empty")
	}
	doc, err := parser.ParseQuery(&ast.Source{Input: "{" + raw + "}"})
	if err != nil {
		msg := err.Error()
		if i := strings.Index(msg, ": "); i >= 0 {
			msg = msg[i+2:]
		}
		return fail("Syntax Error: %s", msg)
	}
	if len(doc.Operations) != 1 || len(doc.Fragments) > 0 {
		return fail("a field set is a selection of fields, without operations or named fragments")
	}
	var out []selected
	var walk func(t *stype, set ast.SelectionSet, underExternal bool) *Diagnostic
	walk = func(t *stype, set ast.SelectionSet, underExternal bool) *Diagnostic {
		for _, s := range set {
			switch s := s.(type) {
			case *ast.Field:
				if len(s.Directives) > 0 {
					d := errorf(string(use)+"_DIRECTIVE_IN_FIELDS_ARG", sg, at, "On %s, for %s: cannot have directive applications in the %s(fields:) argument but found @%s.", coord, directiveText(use, raw), "@"+strings.ToLower(string(use)), s.Directives[0].Name)
					return &d
				}
				if s.Name == "__typename" {
					continue
				}
				f := t.field(s.Name)
				if f == nil {
					_, d := fail("Cannot query field \"%s\" on type \"%s\" (if the field is defined in another subgraph, you need to add it to this subgraph with @external).", s.Name, t.name)
					return d
				}
				if s.Alias != "" && s.Alias != s.Name {
					_, d := fail("aliases are not allowed in a field set")
					return d
				}
				if len(f.args) > 0 && use != useRequires {
					code := string(use) + "_FIELDS_HAS_ARGS"
					d := errorf(code, sg, at, "On %s, for %s: field %s.%s cannot be included because it has arguments (fields with argument are not allowed in @%s)", coord, directiveText(use, raw), t.name, f.name, strings.ToLower(string(use)))
					return &d
				}
				named := sg.types[f.typ.Name()]
				composite := named != nil && (named.kind == ast.Object || named.kind == ast.Interface || named.kind == ast.Union)
				if use == useKey && named != nil && (named.kind == ast.Interface || named.kind == ast.Union) {
					d := errorf("KEY_FIELDS_SELECT_INVALID_TYPE", sg, at, "On %s, for %s: field \"%s.%s\" is %s type which is not allowed in @key", coord, directiveText(use, raw), t.name, f.name, kindWord(named.kind))
					return &d
				}
				if composite && len(s.SelectionSet) == 0 {
					_, d := fail("Field \"%s\" of type \"%s\" must have a selection of subfields. Did you mean \"%s { ... }\"?", s.Name, f.typ.String(), s.Name)
					return d
				}
				if !composite && len(s.SelectionSet) > 0 {
					_, d := fail("Field \"%s\" must not have a selection since type \"%s\" has no subfields.", s.Name, f.typ.String())
					return d
				}
				out = append(out, selected{f: f, leaf: !composite, underExternal: underExternal})
				if composite {
					if d := walk(named, s.SelectionSet, underExternal || f.external); d != nil {
						return d
					}
				}
			case *ast.InlineFragment:
				target := t
				if s.TypeCondition != "" {
					target = sg.types[s.TypeCondition]
					if target == nil {
						_, d := fail("Unknown type \"%s\"", s.TypeCondition)
						return d
					}
				}
				if d := walk(target, s.SelectionSet, underExternal); d != nil {
					return d
				}
			default:
				_, d := fail("named fragments are not allowed in a field set")
				return d
			}
		}
		return nil
	}
	if d := walk(typ, doc.Operations[0].SelectionSet, false); d != nil {
		return nil, d
	}
	return out, nil
}

func directiveText(use fieldSetUse, raw string) string {
	return fmt.Sprintf("@%s(fields: %q)", strings.ToLower(string(use)), raw)
}

func kindWord(k ast.DefinitionKind) string {
	switch k {
	case ast.Interface:
		return "an Interface"
	case ast.Union:
		return "a Union"
	}
	return strings.ToLower(string(k))
}

// readFieldSets parses every @key, @requires and @provides of the subgraph, marks the
// fields they use, and reports each field set that is not valid.
func (sg *subgraph) readFieldSets() []Diagnostic {
	var errs []Diagnostic
	for _, name := range sg.order {
		t := sg.types[name]
		for _, k := range t.keys {
			sel, d := sg.walkFieldSet(useKey, t, k.fields, k.pos, t.name)
			if d != nil {
				errs = append(errs, *d)
				continue
			}
			for i, s := range sel {
				s.f.usedByKey = true
				if sg.fed2 && s.f.external && (t.extendsDirective || k.extension) && sel[i].f.parent == t {
					// A key field marked @external on an extension is resolvable here:
					// Apollo calls it a "fake external".
					s.f.fakeExternal = true
				}
			}
		}
		for _, f := range t.fields {
			coord := t.name + "." + f.name
			if f.requires != "" {
				sel, d := sg.walkFieldSet(useRequires, t, f.requires, f.pos, coord)
				if d != nil {
					errs = append(errs, *d)
				} else {
					for _, s := range sel {
						s.f.usedByRequires = true
						if sg.fed2 && s.leaf && !s.f.external && !s.underExternal && s.f.parent.kind == ast.Object {
							errs = append(errs, errorf("REQUIRES_FIELDS_MISSING_EXTERNAL", sg, f.pos, "On field \"%s\", for %s: field \"%s.%s\" should not be part of a @requires since it is already provided by this subgraph (it is not marked @external)", coord, directiveText(useRequires, f.requires), s.f.parent.name, s.f.name))
						}
					}
				}
			}
			if f.provides != "" {
				target := sg.types[f.typ.Name()]
				if target == nil || target.kind == ast.Scalar || target.kind == ast.Enum || target.kind == ast.InputObject {
					errs = append(errs, errorf("PROVIDES_ON_NON_OBJECT_FIELD", sg, f.pos, "Invalid @provides directive on field \"%s\": field has type \"%s\" which is not a Composite Type", coord, f.typ.String()))
					continue
				}
				sel, d := sg.walkFieldSet(useProvides, target, f.provides, f.pos, coord)
				if d != nil {
					errs = append(errs, *d)
					continue
				}
				for _, s := range sel {
					s.f.usedByProvides = true
					if sg.fed2 && s.leaf && !s.f.external && !s.underExternal && s.f.parent.kind == ast.Object {
						errs = append(errs, errorf("PROVIDES_FIELDS_MISSING_EXTERNAL", sg, f.pos, "On field \"%s\", for %s: field \"%s.%s\" should not be part of a @provides since it is already provided by this subgraph (it is not marked @external)", coord, directiveText(useProvides, f.provides), s.f.parent.name, s.f.name))
					}
				}
			}
		}
	}
	return errs
}
