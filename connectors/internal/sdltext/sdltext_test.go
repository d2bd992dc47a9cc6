package sdltext_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/atrium-gateway/atrium/connectors/internal/sdltext"
)

// Whatever the text, the description and the string literal parse back to it (cleaned).
func TestDescriptionsParseBackToTheirText(t *testing.T) {
	for _, text := range []string{"plain", "quote \" and \\ back", "two\nlines \"\"\" with a block end", "ctl\x01\x7f\ttab\r\n\n  indented", "\xff bad utf8"} {
		var b strings.Builder
		sdltext.Description(&b, text, "")
		b.WriteString("scalar S @d(a: " + sdltext.String(text) + ")\n")
		doc, err := parser.ParseSchema(&ast.Source{Input: b.String()})
		if !assert.NoError(t, err, b.String()) {
			continue
		}
		def := doc.Definitions[0]
		assert.Equal(t, sdltext.Clean(text), def.Description)
		assert.Equal(t, strings.ToValidUTF8(text, "\uFFFD"), def.Directives[0].Arguments[0].Value.Raw)
	}
}
