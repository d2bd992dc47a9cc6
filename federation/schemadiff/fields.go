package schemadiff

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// fields compares the fields of two object or interface types of the same name.
func (d *differ) fields(o, n *ast.Definition) {
	kind := kindName(string(o.Kind))
	of, nf := fieldMap(o.Fields), fieldMap(n.Fields)
	for _, name := range unionKeys(of, nf) {
		a, b := of[name], nf[name]
		coord := o.Name + "." + name
		switch {
		case b == nil:
			d.add(FieldRemoved, Breaking, coord, fmt.Sprintf("Field '%s' was removed from %s '%s'%s: operations that select it fail", coord, kind, o.Name, wasDeprecated(a.Directives)), coord)
		case a == nil:
			d.add(FieldAdded, Safe, coord, fmt.Sprintf("Field '%s' was added to %s '%s'", coord, kind, o.Name))
		default:
			d.description(coord, "field '"+coord+"'", a.Description, b.Description)
			d.deprecation(coord, "Field '"+coord+"'", a.Directives, b.Directives, FieldDeprecated, FieldDeprecationRemoved)
			if a.Type.String() != b.Type.String() {
				sev, why := Breaking, outputWhy(a.Type, b.Type)
				if safeOutput(a.Type, b.Type) {
					sev = Safe
				}
				d.add(FieldTypeChanged, sev, coord, fmt.Sprintf("Field '%s' changed type from '%s' to '%s': %s", coord, a.Type, b.Type, why), coord)
			}
			d.inputValues(argRules(coord, "field '"+coord+"'"), fromArgs(a.Arguments), fromArgs(b.Arguments))
		}
	}
}

func fieldMap(l ast.FieldList) map[string]*ast.FieldDefinition {
	m := map[string]*ast.FieldDefinition{}
	for _, f := range l {
		if f != nil && f.Type != nil && !strings.HasPrefix(f.Name, "__") {
			m[f.Name] = f
		}
	}
	return m
}

// inputValue is an argument or an input field: both are compared by the same rules.
type inputValue struct {
	name, description string
	typ               *ast.Type
	def               *ast.Value
	directives        ast.DirectiveList
}

func fromArgs(l ast.ArgumentDefinitionList) map[string]*inputValue {
	m := map[string]*inputValue{}
	for _, a := range l {
		if a != nil && a.Type != nil {
			m[a.Name] = &inputValue{a.Name, a.Description, a.Type, a.DefaultValue, a.Directives}
		}
	}
	return m
}

func fromFields(l ast.FieldList) map[string]*inputValue {
	m := map[string]*inputValue{}
	for _, f := range l {
		if f != nil && f.Type != nil {
			m[f.Name] = &inputValue{f.Name, f.Description, f.Type, f.DefaultValue, f.Directives}
		}
	}
	return m
}

// required reports whether a value must be given: non-null and without a default.
func (v *inputValue) required() bool { return v.typ.NonNull && v.def == nil }

// inputRules says how the changes of one list of input values are coded and located.
type inputRules struct {
	owner, ownerWhat string              // "Query.products" and "field 'Query.products'"
	noun             string              // "Argument", "Input field"
	coord, usage     func(string) string // of one value
	removed, requiredAdded, optionalAdded, typeChanged, defaultChanged,
	deprecated, deprecationRemoved string
}

func argRules(owner, ownerWhat string) inputRules {
	return inputRules{
		owner: owner, ownerWhat: ownerWhat, noun: "Argument",
		coord:   func(n string) string { return owner + "(" + n + ":)" },
		usage:   func(n string) string { return owner + "." + n },
		removed: ArgRemoved, requiredAdded: RequiredArgAdded, optionalAdded: OptionalArgAdded,
		typeChanged: ArgTypeChanged, defaultChanged: ArgDefaultChanged,
		deprecated: ArgDeprecated, deprecationRemoved: ArgDeprecationRemoved,
	}
}

func inputFieldRules(input string) inputRules {
	return inputRules{
		owner: input, ownerWhat: "input object '" + input + "'", noun: "Input field",
		coord:   func(n string) string { return input + "." + n },
		usage:   func(n string) string { return input + "." + n },
		removed: InputFieldRemoved, requiredAdded: RequiredInputFieldAdded, optionalAdded: OptionalInputFieldAdded,
		typeChanged: InputFieldTypeChanged, defaultChanged: InputFieldDefaultChanged,
		deprecated: InputFieldDeprecated, deprecationRemoved: InputFieldDeprecationRemoved,
	}
}

// inputValues compares arguments (of a field or directive) or the fields of an input object.
func (d *differ) inputValues(r inputRules, ov, nv map[string]*inputValue) {
	for _, name := range unionKeys(ov, nv) {
		a, b := ov[name], nv[name]
		coord := r.coord(name)
		what := fmt.Sprintf("%s '%s'", r.noun, coord)
		switch {
		case b == nil:
			d.add(r.removed, Breaking, coord, fmt.Sprintf("%s was removed from %s%s: operations that pass it fail", what, r.ownerWhat, wasDeprecated(a.directives)), r.usage(name))
		case a == nil && b.required():
			d.add(r.requiredAdded, Breaking, coord, fmt.Sprintf("Required %s of type '%s' was added to %s: operations that do not pass it fail", lower(what), b.typ, r.ownerWhat), r.owner)
		case a == nil:
			d.add(r.optionalAdded, Safe, coord, fmt.Sprintf("Optional %s of type '%s' was added to %s", lower(what), b.typ, r.ownerWhat))
		default:
			d.description(coord, lower(what), a.description, b.description)
			d.deprecation(coord, what, a.directives, b.directives, r.deprecated, r.deprecationRemoved)
			nowRequired := b.required() && !a.required()
			// Once a value is required, every operation using the owner must pass it.
			usage := r.usage(name)
			if nowRequired {
				usage = r.owner
			}
			typeChanged := a.typ.String() != b.typ.String()
			if typeChanged {
				sev := Breaking
				if safeInput(a.typ, b.typ) {
					sev = Safe
				}
				d.add(r.typeChanged, sev, coord, fmt.Sprintf("%s changed type from '%s' to '%s': %s", what, a.typ, b.typ, inputWhy(a.typ, b.typ, nowRequired)), usage)
			}
			if od, nd := canonical(a.def), canonical(b.def); od != nd {
				switch {
				case nowRequired && !typeChanged:
					d.add(r.defaultChanged, Breaking, coord, fmt.Sprintf("%s lost its default value %s and is now required: operations that do not pass it fail", what, od), usage)
				default:
					d.add(r.defaultChanged, Dangerous, coord, fmt.Sprintf("%s changed its default value from %s to %s: operations that do not pass it get a different result", what, orNone(od), orNone(nd)), r.owner)
				}
			}
		}
	}
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// safeOutput reports whether a field changing from type o to type n keeps every client
// working: same named type and list nesting, and no level that could be null before is
// nullable now (becoming non-null is fine: clients already handle values).
func safeOutput(o, n *ast.Type) bool {
	if o.NonNull && !n.NonNull {
		return false
	}
	if (o.Elem == nil) != (n.Elem == nil) {
		return false
	}
	if o.Elem != nil {
		return safeOutput(o.Elem, n.Elem)
	}
	return o.NamedType == n.NamedType
}

// safeInput is safeOutput for input positions: no level that accepted null refuses it now.
func safeInput(o, n *ast.Type) bool {
	if !o.NonNull && n.NonNull {
		return false
	}
	if (o.Elem == nil) != (n.Elem == nil) {
		return false
	}
	if o.Elem != nil {
		return safeInput(o.Elem, n.Elem)
	}
	return o.NamedType == n.NamedType
}

// typeShift says how two type references differ: named type, list nesting, and whether some
// level became nullable (looser) or non-null (stricter).
type typeShift struct{ named, lists, looser, stricter bool }

func shift(o, n *ast.Type) typeShift {
	var s typeShift
	if o.Name() != n.Name() {
		s.named = true
	}
	for o != nil && n != nil {
		if o.NonNull && !n.NonNull {
			s.looser = true
		}
		if !o.NonNull && n.NonNull {
			s.stricter = true
		}
		if (o.Elem == nil) != (n.Elem == nil) {
			s.lists = true
			break
		}
		o, n = o.Elem, n.Elem
	}
	return s
}

func outputWhy(o, n *ast.Type) string {
	s := shift(o, n)
	switch {
	case s.named:
		return "its named type changed, so clients and selections written for '" + o.Name() + "' may no longer fit"
	case s.lists:
		return "its list nesting changed, so the response has a different shape"
	case s.looser:
		return "it may now return null where clients expect a value"
	}
	return "it no longer returns null, which clients already handle"
}

func inputWhy(o, n *ast.Type, nowRequired bool) string {
	s := shift(o, n)
	switch {
	case s.named:
		return "its named type changed, so values and variables of type '" + o.Name() + "' no longer fit"
	case s.lists:
		return "its list nesting changed, so existing values and variables no longer fit"
	case s.stricter && nowRequired:
		return "it is now required and refuses null"
	case s.stricter:
		return "it now refuses null, including nullable variables"
	}
	return "it now also accepts null, which clients need not use"
}

// canonical prints a default value with the fields of input objects sorted, so two defaults
// that differ only in field order compare equal. A missing default prints as "".
func canonical(v *ast.Value) string {
	if v == nil {
		return ""
	}
	var b strings.Builder
	writeValue(&b, v)
	return b.String()
}

func writeValue(b *strings.Builder, v *ast.Value) {
	if v == nil {
		b.WriteString("null")
		return
	}
	switch v.Kind {
	case ast.ListValue:
		b.WriteByte('[')
		for i, c := range v.Children {
			if i > 0 {
				b.WriteByte(',')
			}
			writeValue(b, c.Value)
		}
		b.WriteByte(']')
	case ast.ObjectValue:
		children := append(ast.ChildValueList(nil), v.Children...)
		sortChildren(children)
		b.WriteByte('{')
		for i, c := range children {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(c.Name)
			b.WriteByte(':')
			writeValue(b, c.Value)
		}
		b.WriteByte('}')
	case ast.BlockValue:
		// A block string is a string: print it as one so the two spellings compare equal.
		b.WriteString((&ast.Value{Kind: ast.StringValue, Raw: v.Raw}).String())
	default:
		b.WriteString(v.String())
	}
}

func sortChildren(l ast.ChildValueList) {
	slices.SortStableFunc(l, func(a, b *ast.ChildValue) int { return cmp.Compare(a.Name, b.Name) })
}
