// Package sdltext writes the text parts of GraphQL SDL that importers generate: string
// literals and descriptions from free text found in API documents, block strings, and the
// layout of root types and argument lists.
package sdltext

import (
	"fmt"
	"strings"
)

// String is s as a GraphQL string literal.
func String(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// Description writes a description before a definition: a string on one line, or a block
// string with its delimiters on their own lines. Nothing for an empty text.
func Description(b *strings.Builder, text, indent string) {
	text = Clean(text)
	if text == "" {
		return
	}
	if !strings.Contains(text, "\n") {
		b.WriteString(indent + String(text) + "\n")
		return
	}
	b.WriteString(indent + `"""` + "\n")
	for _, l := range strings.Split(text, "\n") {
		if l == "" {
			b.WriteString("\n")
			continue
		}
		b.WriteString(indent + strings.ReplaceAll(l, `"""`, `\"""`) + "\n")
	}
	b.WriteString(indent + `"""` + "\n")
}

// Clean trims a description, drops control characters and invalid UTF-8, and trims
// trailing spaces of each line.
func Clean(s string) string {
	s = strings.ToValidUTF8(s, "")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\n':
			return r
		case r == '\t':
			return ' '
		case r < 0x20 || r == 0x7f || r == 0xfeff:
			return -1
		}
		return r
	}, s)
	lines := strings.Split(strings.TrimSpace(s), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}
