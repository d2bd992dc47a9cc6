package usage

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// Signature returns the normalized signature of one operation of doc, the way Apollo's usage
// reporting computes one, and its hash (hex SHA-256 of the signature).
//
// The signature is the operation followed by the fragments it uses (directly or through other
// fragments), sorted by name; unused fragments are dropped. Literals are hidden (strings
// become "", numbers 0, lists [], input objects {}; booleans, enum values, null and
// variables stay), aliases and descriptions are removed, and arguments, variable definitions,
// directives and selections are sorted. Tokens are separated by a space only where two names
// would otherwise run together, and the operation keyword is always written ("{a}" is
// "query{a}"). Two operations that differ only by literals, aliases, whitespace, comments or
// the order of fields get the same signature. The signature is itself a document whose
// signature is the signature. Duplicate selections are kept (a: f(x: 1) b: f(x: 2) is
// "f(x:0)f(x:0)"): the signature keeps the operation's shape, not its meaning.
//
// The algorithm is Apollo's, the bytes are not: there is no "# name" header line and the
// separators differ, so hashes are comparable with Atrium's own only.
//
// operationName picks the operation; "" means the document's only operation. The document
// need not be validated, but every fragment the operation spreads must be defined in it.
func Signature(doc *ast.QueryDocument, operationName string) (signature string, hash string, err error) {
	op, err := operation(doc, operationName)
	if err != nil {
		return "", "", err
	}
	used := map[string]*ast.FragmentDefinition{}
	if err := collectFragments(doc, op.SelectionSet, used); err != nil {
		return "", "", err
	}
	p := &printer{}
	p.operation(op)
	names := make([]string, 0, len(used))
	for name := range used {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		p.fragment(used[name])
	}
	sig := p.b.String()
	sum := sha256.Sum256([]byte(sig))
	return sig, hex.EncodeToString(sum[:]), nil
}

// collectFragments adds the fragments set spreads, transitively, to used.
func collectFragments(doc *ast.QueryDocument, set ast.SelectionSet, used map[string]*ast.FragmentDefinition) error {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if err := collectFragments(doc, s.SelectionSet, used); err != nil {
				return err
			}
		case *ast.InlineFragment:
			if err := collectFragments(doc, s.SelectionSet, used); err != nil {
				return err
			}
		case *ast.FragmentSpread:
			if used[s.Name] != nil {
				continue
			}
			f := doc.Fragments.ForName(s.Name)
			if f == nil {
				return fmt.Errorf("usage: fragment %q is not defined in the document%s", s.Name, at(s.Position))
			}
			used[s.Name] = f
			if err := collectFragments(doc, f.SelectionSet, used); err != nil {
				return err
			}
		}
	}
	return nil
}

// printer writes the signature with reduced whitespace.
type printer struct{ b strings.Builder }

func nameChar(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// write appends s, with a space first if the last byte written and the first of s are both
// name characters.
func (p *printer) write(s string) {
	if s == "" {
		return
	}
	if n := p.b.Len(); n > 0 && nameChar(p.b.String()[n-1]) && nameChar(s[0]) {
		p.b.WriteByte(' ')
	}
	p.b.WriteString(s)
}

func (p *printer) operation(op *ast.OperationDefinition) {
	p.write(string(opKind(op.Operation)))
	p.write(op.Name)
	vars := slices.Clone(op.VariableDefinitions)
	slices.SortStableFunc(vars, func(a, b *ast.VariableDefinition) int { return cmp.Compare(a.Variable, b.Variable) })
	if len(vars) > 0 {
		p.write("(")
		for i, v := range vars {
			if i > 0 {
				p.write(",")
			}
			p.write("$" + v.Variable + ":" + typeString(v.Type))
			if v.DefaultValue != nil {
				p.write("=" + hidden(v.DefaultValue))
			}
			p.write(directives(v.Directives))
		}
		p.write(")")
	}
	p.write(directives(op.Directives))
	p.write(selections(op.SelectionSet))
}

func (p *printer) fragment(f *ast.FragmentDefinition) {
	p.write("fragment")
	p.write(f.Name)
	p.write("on")
	p.write(f.TypeCondition)
	p.write(directives(f.Directives))
	p.write(selections(f.SelectionSet))
}

func typeString(t *ast.Type) string {
	if t == nil {
		return ""
	}
	return t.String()
}

// selections prints a selection set with its selections sorted by their printed form.
func selections(set ast.SelectionSet) string {
	if len(set) == 0 {
		return ""
	}
	printed := make([]string, 0, len(set))
	for _, sel := range set {
		q := &printer{}
		switch s := sel.(type) {
		case *ast.Field:
			q.write(s.Name)
			q.write(arguments(s.Arguments))
			q.write(directives(s.Directives))
			q.write(selections(s.SelectionSet))
		case *ast.FragmentSpread:
			q.write("..." + s.Name)
			q.write(directives(s.Directives))
		case *ast.InlineFragment:
			q.write("...")
			if s.TypeCondition != "" {
				q.write("on")
				q.write(s.TypeCondition)
			}
			q.write(directives(s.Directives))
			q.write(selections(s.SelectionSet))
		default:
			continue
		}
		printed = append(printed, q.b.String())
	}
	slices.Sort(printed)
	p := &printer{}
	p.write("{")
	for _, s := range printed {
		p.write(s)
	}
	p.write("}")
	return p.b.String()
}

// arguments prints "(a:0,b:$v)" with the arguments sorted by name, or "" for none.
func arguments(args ast.ArgumentList) string {
	if len(args) == 0 {
		return ""
	}
	parts := make([]string, 0, len(args))
	for _, a := range args {
		if a != nil {
			parts = append(parts, a.Name+":"+hidden(a.Value))
		}
	}
	slices.Sort(parts)
	return "(" + strings.Join(parts, ",") + ")"
}

// directives prints the directives sorted by their printed form, or "" for none.
func directives(dirs ast.DirectiveList) string {
	parts := make([]string, 0, len(dirs))
	for _, d := range dirs {
		if d != nil {
			parts = append(parts, "@"+d.Name+arguments(d.Arguments))
		}
	}
	slices.Sort(parts)
	return strings.Join(parts, "")
}

// hidden prints a value with its literals hidden.
func hidden(v *ast.Value) string {
	if v == nil {
		return "null"
	}
	switch v.Kind {
	case ast.Variable:
		return "$" + v.Raw
	case ast.IntValue, ast.FloatValue:
		return "0"
	case ast.StringValue, ast.BlockValue:
		return `""`
	case ast.ListValue:
		return "[]"
	case ast.ObjectValue:
		return "{}"
	}
	return v.Raw // boolean, enum value, null
}
