package mapping

import (
	"strings"
)

// Template is a URL path, query or header value template: literal text with {expression}
// parts, e.g. "/products/{$args.id}/reviews?limit={$args.limit}" or "Bearer {$config.token}".
// An expression is a value of the mapping language: a path (with methods) or a literal.
// Literal text cannot hold '{' or '}'. A Template is immutable and safe for concurrent use.
type Template struct {
	src   string
	parts []tplPart
}

type tplPart struct {
	lit  string // literal text, when expr is nil
	expr *value
}

// ParseTemplate parses a template. Errors are *Error values positioned in src.
func ParseTemplate(src string) (*Template, error) {
	if len(src) > maxSource {
		return nil, errorAt(src, maxSource, "the template is %d bytes long; the limit is %d", len(src), maxSource)
	}
	t := &Template{src: src}
	lit := 0 // start of the pending literal text
	for i := 0; i < len(src); {
		switch src[i] {
		case '}':
			return nil, errorAt(src, i, "'}' without a matching '{' (templates cannot hold literal braces)")
		case '{':
			if lit < i {
				t.parts = append(t.parts, tplPart{lit: src[lit:i]})
			}
			p := &parser{lx: lexer{src: src, pos: i + 1}}
			if err := p.advance(); err != nil {
				return nil, err
			}
			if p.tok.kind == tRBrace {
				return nil, errorAt(src, i, "empty {} in a template: write an expression, e.g. {$args.id}")
			}
			v, err := p.value()
			if err != nil {
				return nil, err
			}
			if p.tok.kind != tRBrace {
				return nil, p.fail(p.tok.pos, "expected '}' to close the expression opened at %s, found %s", p.at(i), p.tok.describe())
			}
			t.parts = append(t.parts, tplPart{expr: v})
			i, lit = p.tok.end, p.tok.end
		default:
			i++
		}
	}
	if lit < len(src) {
		t.parts = append(t.parts, tplPart{lit: src[lit:]})
	}
	return t, nil
}

// Execute renders the template. Each expression's text goes through escape (nil: as is): a
// string as it is, a number as its JSON text, a boolean as true or false, and an absent or
// null value as "". An expression that yields an object or a list, or meets a problem, is an
// error (an *Error positioned at the expression).
func (t *Template) Execute(vars Vars, escape func(string) string) (string, error) {
	var b strings.Builder
	e := evaluator{src: t.src, vars: vars}
	for _, part := range t.parts {
		if part.expr == nil {
			b.WriteString(part.lit)
			continue
		}
		v, ok := e.value(part.expr, scope{}, places{})
		if len(e.problems) > 0 {
			return "", errorAt(t.src, e.firstOff, "in {%s}: %s", exprText(part.expr), e.firstMsg)
		}
		if !ok || v == nil {
			continue
		}
		text, ok := scalarText(v)
		if !ok {
			return "", errorAt(t.src, part.expr.pos, "{%s} yields %s; a template can only render a string, number or boolean",
				exprText(part.expr), aKind(v))
		}
		if escape != nil {
			text = escape(text)
		}
		b.WriteString(text)
	}
	return b.String(), nil
}

// VarPaths lists every variable path the template reads, in source order, without duplicates.
func (t *Template) VarPaths() []VarPath {
	w := varWalker{seen: map[string]bool{}}
	for _, part := range t.parts {
		if part.expr != nil {
			w.value(part.expr, nil)
		}
	}
	return w.out
}

// String prints the template with its expressions in canonical form.
func (t *Template) String() string {
	var b strings.Builder
	for _, part := range t.parts {
		if part.expr == nil {
			b.WriteString(part.lit)
			continue
		}
		b.WriteByte('{')
		writeValue(&b, part.expr)
		b.WriteByte('}')
	}
	return b.String()
}

func exprText(v *value) string {
	var b strings.Builder
	writeValue(&b, v)
	return b.String()
}
