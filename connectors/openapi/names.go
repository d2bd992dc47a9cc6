package openapi

import (
	"strconv"
	"strings"
)

// words splits s into ASCII words: non-alphanumerics separate words, and so do case changes
// ("inProgress" → in Progress, "HTTPStatus" → HTTP Status). Letters and digits stay together.
func words(s string) []string {
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
		if !isAlnum(c) {
			flush()
			continue
		}
		if len(cur) > 0 && isUpper(c) {
			prev := cur[len(cur)-1]
			nextLower := i+1 < len(s) && isLower(s[i+1])
			if isLower(prev) || isDigit(prev) || (isUpper(prev) && nextLower) {
				flush()
			}
		}
		cur = append(cur, c)
	}
	flush()
	return out
}

func isUpper(c byte) bool { return 'A' <= c && c <= 'Z' }
func isLower(c byte) bool { return 'a' <= c && c <= 'z' }
func isDigit(c byte) bool { return '0' <= c && c <= '9' }
func isAlnum(c byte) bool { return isUpper(c) || isLower(c) || isDigit(c) }

func capitalize(w string) string {
	if w == "" || !isLower(w[0]) {
		return w
	}
	return string(w[0]-'a'+'A') + w[1:]
}

// pascal is a type name: words capitalised and joined, "T" before a leading digit, fallback
// when nothing is left.
func pascal(s, fallback string) string {
	var b strings.Builder
	for _, w := range words(s) {
		b.WriteString(capitalize(w))
	}
	out := b.String()
	if out == "" {
		return fallback
	}
	if isDigit(out[0]) {
		out = "T" + out
	}
	return out
}

// lowerCamel is a field or argument name: the first word lowercased (entirely when it is an
// acronym), later words capitalised, "_" before a leading digit.
func lowerCamel(s, fallback string) string {
	ws := words(s)
	var b strings.Builder
	for i, w := range ws {
		if i > 0 {
			b.WriteString(capitalize(w))
			continue
		}
		if strings.ToUpper(w) == w {
			b.WriteString(strings.ToLower(w))
		} else {
			b.WriteString(strings.ToLower(w[:1]) + w[1:])
		}
	}
	out := b.String()
	if out == "" {
		return fallback
	}
	if isDigit(out[0]) {
		out = "_" + out
	}
	return out
}

// upperSnake is an enum value name: "in-progress", "inProgress" → IN_PROGRESS.
func upperSnake(s string) string {
	ws := words(s)
	for i, w := range ws {
		ws[i] = strings.ToUpper(w)
	}
	out := strings.Join(ws, "_")
	switch {
	case s == "":
		return "EMPTY"
	case out == "":
		return "VALUE"
	}
	if isDigit(out[0]) {
		out = "_" + out
	}
	return out
}

// isIdent reports whether s is an identifier of the selection language (and of GraphQL).
func isIdent(s string) bool {
	if s == "" || isDigit(s[0]) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isAlnum(s[i]) && s[i] != '_' {
			return false
		}
	}
	return true
}

// namespace hands out unique names, case-insensitively (so "Pet" and "PET" do not both
// exist). A name taken by another owner gets the first free numeric suffix.
type namespace struct {
	owner map[string]string // lowercased name → owner
}

func newNamespace(reserved ...string) *namespace {
	ns := &namespace{owner: map[string]string{}}
	for _, r := range reserved {
		ns.owner[strings.ToLower(r)] = "\x00reserved"
	}
	return ns
}

// claim returns want, or want with a numeric suffix when another owner holds want. The same
// owner claiming the same name again gets it back.
func (ns *namespace) claim(want, owner string) string {
	name := want
	for i := 2; ; i++ {
		k := strings.ToLower(name)
		o, taken := ns.owner[k]
		if !taken {
			ns.owner[k] = owner
			return name
		}
		if o == owner {
			return name
		}
		name = want + strconv.Itoa(i)
	}
}

// reserve holds want for owner when it is free; a later claim by owner gets it.
func (ns *namespace) reserve(want, owner string) {
	k := strings.ToLower(want)
	if _, taken := ns.owner[k]; !taken {
		ns.owner[k] = owner
	}
}

// reservedTypeNames are built-in GraphQL names and names the federation and connect
// specifications define, which an imported schema must not shadow.
var reservedTypeNames = []string{
	"Query", "Mutation", "Subscription", "String", "Int", "Float", "Boolean", "ID",
	"JSON", "Int64", "FieldSet", "Import", "Purpose", "Policy", "Scope",
	"ConnectHTTP", "SourceHTTP", "HTTPHeaderMapping", "ConnectBatch", "ConnectorErrors",
	"JSONSelection", "URLPathTemplate", "ConnectSpec",
}
