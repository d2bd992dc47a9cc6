package mapping

import (
	"encoding/json"
	"strings"
)

// String prints the selection in canonical form, on one line: comments and extra spaces
// dropped, keys quoted only when they are not names, strings in double quotes unless they
// hold some. Parse(s.String()) gives an equal selection.
func (s *Selection) String() string {
	var b strings.Builder
	if s.single != nil {
		writePath(&b, s.single)
	} else {
		writeItems(&b, s.root.items)
	}
	return b.String()
}

func writeItems(b *strings.Builder, items []*item) {
	for i, it := range items {
		if i > 0 {
			b.WriteByte(' ')
		}
		switch it.kind {
		case itemNamed:
			if it.alias {
				writeKey(b, it.name)
				b.WriteString(": ")
			}
			writePath(b, it.path)
		case itemGroup:
			writeKey(b, it.name)
			b.WriteString(": ")
			writeBlock(b, it.group)
		case itemMerge:
			writePath(b, it.path)
		}
	}
}

func writeBlock(b *strings.Builder, bl *block) {
	if len(bl.items) == 0 {
		b.WriteString("{}")
		return
	}
	b.WriteString("{ ")
	writeItems(b, bl.items)
	b.WriteString(" }")
}

func writePath(b *strings.Builder, p *path) {
	switch p.head {
	case headDollar:
		b.WriteByte('$')
	case headVar:
		b.WriteString(p.name)
	case headAt:
		b.WriteByte('@')
	case headExpr:
		b.WriteString("$(")
		writeValue(b, p.expr)
		b.WriteByte(')')
	}
	writeSteps(b, p)
	if p.block != nil {
		b.WriteByte(' ')
		writeBlock(b, p.block)
	}
}

func writeSteps(b *strings.Builder, p *path) {
	for i, st := range p.steps {
		switch st.kind {
		case stepKey:
			if i > 0 || p.head != headKey {
				b.WriteByte('.')
			}
			writeKey(b, st.key)
		case stepOptional:
			b.WriteByte('?')
		case stepMethod:
			b.WriteString("->")
			b.WriteString(st.call.spec.name)
			if len(st.call.args) > 0 {
				b.WriteByte('(')
				for j, a := range st.call.args {
					if j > 0 {
						b.WriteString(", ")
					}
					writeValue(b, a)
				}
				b.WriteByte(')')
			}
		}
	}
}

// pathText is the text of a path without its block, and without the "$." or "@." that
// starts it, used in problem paths after the place of "$" or "@".
func pathText(p *path) string {
	var b strings.Builder
	switch p.head {
	case headDollar, headAt:
		writeSteps(&b, p)
		return strings.TrimPrefix(b.String(), ".")
	}
	c := *p
	c.block = nil
	writePath(&b, &c)
	return b.String()
}

func writeValue(b *strings.Builder, v *value) {
	switch v.kind {
	case valueConst:
		switch k := v.konst.(type) {
		case nil:
			b.WriteString("null")
		case bool:
			if k {
				b.WriteString("true")
			} else {
				b.WriteString("false")
			}
		case json.Number:
			b.WriteString(string(k))
		case string:
			writeString(b, k)
		}
	case valueObject:
		if len(v.fields) == 0 {
			b.WriteString("{}")
			return
		}
		b.WriteString("{ ")
		for i, f := range v.fields {
			if i > 0 {
				b.WriteString(", ")
			}
			writeKey(b, f.key)
			b.WriteString(": ")
			writeValue(b, f.val)
		}
		b.WriteString(" }")
	case valueArray:
		b.WriteByte('[')
		for i, el := range v.elems {
			if i > 0 {
				b.WriteString(", ")
			}
			writeValue(b, el)
		}
		b.WriteByte(']')
	case valuePath:
		writePath(b, v.path)
	}
}

func writeKey(b *strings.Builder, k string) {
	if isIdent(k) {
		b.WriteString(k)
	} else {
		writeString(b, k)
	}
}

// writeString quotes s: with " unless s holds a " and no ', escaping the quote, backslashes
// and newlines.
func writeString(b *strings.Builder, s string) {
	q := byte('"')
	if strings.IndexByte(s, '"') >= 0 && strings.IndexByte(s, '\'') < 0 {
		q = '\''
	}
	b.WriteByte(q)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case q, '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\n':
			b.WriteString(`\n`)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte(q)
}

func quote(s string) string {
	var b strings.Builder
	writeString(&b, s)
	return b.String()
}
