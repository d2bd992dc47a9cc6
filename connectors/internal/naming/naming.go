// Package naming makes GraphQL names out of the names API documents use: it splits them into
// words, joins the words in PascalCase or lowerCamelCase, and hands out unique names.
package naming

import "strings"

// Style is a way of splitting names into words. The zero Style splits at every case change
// ("URLs" → UR Ls).
type Style struct {
	// PluralAcronyms keeps a plural acronym one word ("URLs"), which LowerCamel then
	// lowercases whole when it comes first ("urls").
	PluralAcronyms bool
}

// Words splits s into ASCII words: non-alphanumerics separate words, and so do case changes
// ("inProgress" → in Progress, "HTTPStatus" → HTTP Status). Letters and digits stay together.
func (st Style) Words(s string) []string {
	var out []string
	var cur []byte
	flush := func() {
		if len(cur) > 0 {
			out = append(out, string(cur))
			cur = cur[:0]
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !IsAlnum(c) {
			flush()
			continue
		}
		if len(cur) > 0 && IsUpper(c) {
			prev := cur[len(cur)-1]
			nextLower := i+1 < len(s) && IsLower(s[i+1])
			plural := st.PluralAcronyms && i+1 < len(s) && s[i+1] == 's' && (i+2 == len(s) || !IsLower(s[i+2]))
			if IsLower(prev) || IsDigit(prev) || (IsUpper(prev) && nextLower && !plural) {
				flush()
			}
		}
		cur = append(cur, c)
	}
	flush()
	return out
}

// Pascal joins the words of s capitalised ("acme.inv.v1" → AcmeInvV1); "" when s has no
// words. It may start with a digit.
func (st Style) Pascal(s string) string {
	var b strings.Builder
	for _, w := range st.Words(s) {
		b.WriteString(capitalize(w))
	}
	return b.String()
}

// LowerCamel is a field or argument name: the first word lowercased (entirely when it is an
// acronym), later words capitalised; "_" before a leading digit, fallback when s has no
// words.
func (st Style) LowerCamel(s, fallback string) string {
	var b strings.Builder
	for i, w := range st.Words(s) {
		switch {
		case i > 0:
			b.WriteString(capitalize(w))
		case st.acronym(w):
			b.WriteString(strings.ToLower(w))
		default:
			b.WriteString(strings.ToLower(w[:1]) + w[1:])
		}
	}
	out := b.String()
	if out == "" {
		return fallback
	}
	if IsDigit(out[0]) {
		out = "_" + out
	}
	return out
}

// acronym reports whether the word w is written in capitals ("ID", "HTTP2", and "URLs" with
// PluralAcronyms).
func (st Style) acronym(w string) bool {
	if st.PluralAcronyms {
		w = strings.TrimSuffix(w, "s")
	}
	return strings.ToUpper(w) == w
}

func capitalize(w string) string {
	if w == "" || !IsLower(w[0]) {
		return w
	}
	return string(w[0]-'a'+'A') + w[1:]
}

// IsUpper reports whether c is an ASCII capital letter.
func IsUpper(c byte) bool { return 'A' <= c && c <= 'Z' }

// IsLower reports whether c is an ASCII small letter.
func IsLower(c byte) bool { return 'a' <= c && c <= 'z' }

// IsDigit reports whether c is an ASCII digit.
func IsDigit(c byte) bool { return '0' <= c && c <= '9' }

// IsAlnum reports whether c is an ASCII letter or digit.
func IsAlnum(c byte) bool { return IsUpper(c) || IsLower(c) || IsDigit(c) }

// IsIdent reports whether s is an identifier: ASCII letters, digits and underscores, not
// starting with a digit. That is a GraphQL name, and a key the selection and mapping
// languages write without quotes.
func IsIdent(s string) bool {
	if s == "" || IsDigit(s[0]) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !IsAlnum(c) && c != '_' {
			return false
		}
	}
	return true
}
