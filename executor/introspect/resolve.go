package introspect

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/atrium-gateway/atrium/jsonenc"
)

// kind is the introspection type of an object.
type kind uint8

const (
	kindSchema kind = iota
	kindType
	kindField
	kindInputValue
	kindEnumValue
	kindDirective
)

var typenames = [...]string{"__Schema", "__Type", "__Field", "__InputValue", "__EnumValue", "__Directive"}

func (k kind) typename() string { return typenames[k] }

// object is one introspection object. Which pointers are set depends on kind:
//   - kindType: def for a named type; otherwise typ, a list or non-null type, with
//     its non-null wrapper already taken off when stripped is set.
//   - kindField: field. kindInputValue: arg, or field for an input object's field.
//   - kindEnumValue: value. kindDirective: dir.
type object struct {
	kind     kind
	stripped bool
	def      *ast.Definition
	typ      *ast.Type
	field    *ast.FieldDefinition
	arg      *ast.ArgumentDefinition
	value    *ast.EnumValueDefinition
	dir      *ast.DirectiveDefinition
}

// deprecatedReason is the default reason of @deprecated in graphql-js.
const deprecatedReason = "No longer supported"

// specifiedScalars are the scalars graphql-js lists only when something refers to them.
var specifiedScalars = [...]string{"Int", "Float", "String", "Boolean", "ID"}

// resolve appends the value of the field group e.fields[from:to] on o.
func (e *exec) resolve(buf []byte, o object, from, to int) ([]byte, error) {
	f := e.fields[from]
	if f.Name == "__typename" {
		return jsonenc.AppendString(buf, o.kind.typename()), nil
	}
	var err error
	switch o.kind {
	case kindSchema:
		buf, err = e.schemaField(buf, f, from, to)
	case kindType:
		if o.def != nil {
			buf, err = e.namedTypeField(buf, o.def, f, from, to)
		} else {
			buf, err = e.wrapperTypeField(buf, o, f, from, to)
		}
	case kindField:
		buf, err = e.fieldField(buf, o.field, f, from, to)
	case kindInputValue:
		buf, err = e.inputValueField(buf, o, f, from, to)
	case kindEnumValue:
		buf, err = e.enumValueField(buf, o.value, f)
	case kindDirective:
		buf, err = e.directiveField(buf, o.dir, f, from, to)
	}
	if err == errUnknownField {
		err = fmt.Errorf("introspect: %s has no field %s%s", o.kind.typename(), f.Name, at(f.Position))
	}
	return buf, err
}

var errUnknownField = errors.New("unknown field")

func (e *exec) schemaField(buf []byte, f *ast.Field, from, to int) ([]byte, error) {
	s := e.schema
	switch f.Name {
	case "description":
		return appendNullable(buf, s.Description), nil
	case "types":
		e.defs = e.defs[:0]
		for _, def := range s.Types {
			if !e.hidden(def) {
				e.defs = append(e.defs, def)
			}
		}
		slices.SortFunc(e.defs, func(a, b *ast.Definition) int { return strings.Compare(a.Name, b.Name) })
		defs := e.defs
		return e.list(buf, kindType, from, to, len(defs), func(i int) (object, bool) {
			return object{kind: kindType, def: defs[i]}, true
		})
	case "queryType":
		return e.namedType(buf, s.Query, from, to)
	case "mutationType":
		return e.namedType(buf, s.Mutation, from, to)
	case "subscriptionType":
		return e.namedType(buf, s.Subscription, from, to)
	case "directives":
		all, err := e.boolArg(f, "includeDeprecated")
		if err != nil {
			return buf, err
		}
		e.dirs = e.dirs[:0]
		for _, d := range s.Directives {
			if _, dep := Deprecation(d.Directives); all || !dep {
				e.dirs = append(e.dirs, d)
			}
		}
		slices.SortFunc(e.dirs, func(a, b *ast.DirectiveDefinition) int { return strings.Compare(a.Name, b.Name) })
		dirs := e.dirs
		return e.list(buf, kindDirective, from, to, len(dirs), func(i int) (object, bool) {
			return object{kind: kindDirective, dir: dirs[i]}, true
		})
	}
	return buf, errUnknownField
}

func (e *exec) namedType(buf []byte, def *ast.Definition, from, to int) ([]byte, error) {
	if def == nil {
		return append(buf, "null"...), nil
	}
	return e.object(buf, object{kind: kindType, def: def}, from, to)
}

// typeRef appends the __Type for t, with its non-null wrapper taken off if stripped.
func (e *exec) typeRef(buf []byte, t *ast.Type, stripped bool, from, to int) ([]byte, error) {
	if (t.NonNull && !stripped) || t.Elem != nil {
		return e.object(buf, object{kind: kindType, typ: t, stripped: stripped}, from, to)
	}
	def := e.schema.Types[t.NamedType]
	if def == nil {
		return buf, fmt.Errorf("introspect: type %s is not defined in the schema", t.NamedType)
	}
	return e.object(buf, object{kind: kindType, def: def}, from, to)
}

func (e *exec) wrapperTypeField(buf []byte, o object, f *ast.Field, from, to int) ([]byte, error) {
	nonNull := o.typ.NonNull && !o.stripped
	switch f.Name {
	case "kind":
		if nonNull {
			return append(buf, `"NON_NULL"`...), nil
		}
		return append(buf, `"LIST"`...), nil
	case "ofType":
		if nonNull {
			return e.typeRef(buf, o.typ, true, from, to)
		}
		return e.typeRef(buf, o.typ.Elem, false, from, to)
	case "name", "description", "specifiedByURL", "fields", "interfaces", "possibleTypes",
		"enumValues", "inputFields", "isOneOf":
		return append(buf, "null"...), nil
	}
	return buf, errUnknownField
}

func (e *exec) namedTypeField(buf []byte, def *ast.Definition, f *ast.Field, from, to int) ([]byte, error) {
	switch f.Name {
	case "kind":
		return jsonenc.AppendString(buf, string(def.Kind)), nil
	case "name":
		return jsonenc.AppendString(buf, def.Name), nil
	case "description":
		return appendNullable(buf, def.Description), nil
	case "specifiedByURL":
		if def.Kind != ast.Scalar {
			return append(buf, "null"...), nil
		}
		return appendNullable(buf, specifiedByURL(def.Directives)), nil
	case "fields":
		if def.Kind != ast.Object && def.Kind != ast.Interface {
			return append(buf, "null"...), nil
		}
		all, err := e.boolArg(f, "includeDeprecated")
		if err != nil {
			return buf, err
		}
		fields := def.Fields
		return e.list(buf, kindField, from, to, len(fields), func(i int) (object, bool) {
			fd := fields[i]
			if strings.HasPrefix(fd.Name, "__") {
				return object{}, false
			}
			_, dep := Deprecation(fd.Directives)
			return object{kind: kindField, field: fd}, all || !dep
		})
	case "interfaces":
		if def.Kind != ast.Object && def.Kind != ast.Interface {
			return append(buf, "null"...), nil
		}
		names, types := def.Interfaces, e.schema.Types
		return e.list(buf, kindType, from, to, len(names), func(i int) (object, bool) {
			d := types[names[i]]
			return object{kind: kindType, def: d}, d != nil
		})
	case "possibleTypes":
		if !def.IsAbstractType() {
			return append(buf, "null"...), nil
		}
		// gqlparser also lists the interfaces that implement an interface.
		possible := e.schema.GetPossibleTypes(def)
		return e.list(buf, kindType, from, to, len(possible), func(i int) (object, bool) {
			d := possible[i]
			return object{kind: kindType, def: d}, d != nil && d.Kind == ast.Object
		})
	case "enumValues":
		if def.Kind != ast.Enum {
			return append(buf, "null"...), nil
		}
		all, err := e.boolArg(f, "includeDeprecated")
		if err != nil {
			return buf, err
		}
		values := def.EnumValues
		return e.list(buf, kindEnumValue, from, to, len(values), func(i int) (object, bool) {
			_, dep := Deprecation(values[i].Directives)
			return object{kind: kindEnumValue, value: values[i]}, all || !dep
		})
	case "inputFields":
		if def.Kind != ast.InputObject {
			return append(buf, "null"...), nil
		}
		all, err := e.boolArg(f, "includeDeprecated")
		if err != nil {
			return buf, err
		}
		fields := def.Fields
		return e.list(buf, kindInputValue, from, to, len(fields), func(i int) (object, bool) {
			_, dep := Deprecation(fields[i].Directives)
			return object{kind: kindInputValue, field: fields[i]}, all || !dep
		})
	case "ofType":
		return append(buf, "null"...), nil
	case "isOneOf":
		if def.Kind != ast.InputObject {
			return append(buf, "null"...), nil
		}
		return appendBool(buf, def.Directives.ForName("oneOf") != nil), nil
	}
	return buf, errUnknownField
}

func (e *exec) fieldField(buf []byte, fd *ast.FieldDefinition, f *ast.Field, from, to int) ([]byte, error) {
	switch f.Name {
	case "name":
		return jsonenc.AppendString(buf, fd.Name), nil
	case "description":
		return appendNullable(buf, fd.Description), nil
	case "args":
		return e.args(buf, fd.Arguments, f, from, to)
	case "type":
		return e.typeRef(buf, fd.Type, false, from, to)
	}
	return appendDeprecation(buf, fd.Directives, f)
}

func (e *exec) args(buf []byte, args ast.ArgumentDefinitionList, f *ast.Field, from, to int) ([]byte, error) {
	all, err := e.boolArg(f, "includeDeprecated")
	if err != nil {
		return buf, err
	}
	return e.list(buf, kindInputValue, from, to, len(args), func(i int) (object, bool) {
		_, dep := Deprecation(args[i].Directives)
		return object{kind: kindInputValue, arg: args[i]}, all || !dep
	})
}

func (e *exec) inputValueField(buf []byte, o object, f *ast.Field, from, to int) ([]byte, error) {
	name, desc, typ, def, dirs := inputValue(o)
	switch f.Name {
	case "name":
		return jsonenc.AppendString(buf, name), nil
	case "description":
		return appendNullable(buf, desc), nil
	case "type":
		return e.typeRef(buf, typ, false, from, to)
	case "defaultValue":
		return e.appendDefault(buf, def, typ), nil
	}
	return appendDeprecation(buf, dirs, f)
}

// inputValue returns the parts of an argument or input field that __InputValue shows.
func inputValue(o object) (name, desc string, typ *ast.Type, def *ast.Value, dirs ast.DirectiveList) {
	if o.arg != nil {
		a := o.arg
		return a.Name, a.Description, a.Type, a.DefaultValue, a.Directives
	}
	fd := o.field
	return fd.Name, fd.Description, fd.Type, fd.DefaultValue, fd.Directives
}

func (e *exec) enumValueField(buf []byte, v *ast.EnumValueDefinition, f *ast.Field) ([]byte, error) {
	switch f.Name {
	case "name":
		return jsonenc.AppendString(buf, v.Name), nil
	case "description":
		return appendNullable(buf, v.Description), nil
	}
	return appendDeprecation(buf, v.Directives, f)
}

func (e *exec) directiveField(buf []byte, d *ast.DirectiveDefinition, f *ast.Field, from, to int) ([]byte, error) {
	switch f.Name {
	case "name":
		return jsonenc.AppendString(buf, d.Name), nil
	case "description":
		return appendNullable(buf, d.Description), nil
	case "isRepeatable":
		return appendBool(buf, d.IsRepeatable), nil
	case "locations":
		buf = append(buf, '[')
		for i, l := range d.Locations {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = jsonenc.AppendString(buf, string(l))
		}
		return append(buf, ']'), nil
	case "args":
		return e.args(buf, d.Arguments, f, from, to)
	}
	return appendDeprecation(buf, d.Directives, f)
}

// appendDeprecation resolves isDeprecated and deprecationReason, which __Field,
// __InputValue, __EnumValue and __Directive share.
func appendDeprecation(buf []byte, dirs ast.DirectiveList, f *ast.Field) ([]byte, error) {
	switch f.Name {
	case "isDeprecated":
		_, dep := Deprecation(dirs)
		return appendBool(buf, dep), nil
	case "deprecationReason":
		reason, dep := Deprecation(dirs)
		if !dep {
			return append(buf, "null"...), nil
		}
		return jsonenc.AppendString(buf, reason), nil
	}
	return buf, errUnknownField
}

// Deprecation returns the reason of the first @deprecated in dirs, as graphql-js's
// getDeprecationReason does: a missing reason is the default one, and an explicit
// `reason: null` means not deprecated.
func Deprecation(dirs ast.DirectiveList) (reason string, deprecated bool) {
	d := dirs.ForName("deprecated")
	if d == nil {
		return "", false
	}
	a := d.Arguments.ForName("reason")
	if a == nil || a.Value == nil {
		return deprecatedReason, true
	}
	switch a.Value.Kind {
	case ast.NullValue:
		return "", false
	case ast.StringValue, ast.BlockValue:
		return a.Value.Raw, true
	}
	return deprecatedReason, true
}

// specifiedByURL returns the url of the first @specifiedBy in dirs, or "".
func specifiedByURL(dirs ast.DirectiveList) string {
	d := dirs.ForName("specifiedBy")
	if d == nil {
		return ""
	}
	if a := d.Arguments.ForName("url"); a != nil && a.Value != nil &&
		(a.Value.Kind == ast.StringValue || a.Value.Kind == ast.BlockValue) {
		return a.Value.Raw
	}
	return ""
}

// hidden reports whether graphql-js would leave def out of the schema: it lists a
// specified scalar (Int, Float, String, Boolean, ID) only when a field, argument or
// directive refers to it, while gqlparser's prelude declares all five.
func (e *exec) hidden(def *ast.Definition) bool {
	if !def.BuiltIn || def.Kind != ast.Scalar {
		return false
	}
	i := slices.Index(specifiedScalars[:], def.Name)
	if i < 0 {
		return false
	}
	if !e.scalarsDone {
		e.scalarsDone = true
		for _, d := range e.schema.Types {
			for _, fd := range d.Fields {
				e.markScalar(fd.Type)
				for _, a := range fd.Arguments {
					e.markScalar(a.Type)
				}
			}
		}
		for _, d := range e.schema.Directives {
			for _, a := range d.Arguments {
				e.markScalar(a.Type)
			}
		}
	}
	return e.scalarsUsed&(1<<i) == 0
}

func (e *exec) markScalar(t *ast.Type) {
	if i := slices.Index(specifiedScalars[:], t.Name()); i >= 0 {
		e.scalarsUsed |= 1 << i
	}
}

func appendNullable(buf []byte, s string) []byte {
	if s == "" {
		return append(buf, "null"...)
	}
	return jsonenc.AppendString(buf, s)
}

func appendBool(buf []byte, b bool) []byte {
	if b {
		return append(buf, "true"...)
	}
	return append(buf, "false"...)
}
