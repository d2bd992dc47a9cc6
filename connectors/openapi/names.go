package openapi

import (
	"strings"

	"github.com/atrium-gateway/atrium/connectors/internal/naming"
)

// style splits names at every case change ("URLs" → UR Ls), as this importer always has:
// its schemas keep their names across versions.
var style naming.Style

// pascal is a type name: words capitalised and joined, "T" before a leading digit, fallback
// when nothing is left.
func pascal(s, fallback string) string {
	out := style.Pascal(s)
	if out == "" {
		return fallback
	}
	if isDigit(out[0]) {
		out = "T" + out
	}
	return out
}

// lowerCamel is a field or argument name (naming.Style.LowerCamel).
func lowerCamel(s, fallback string) string { return style.LowerCamel(s, fallback) }

// upperSnake is an enum value name: "in-progress", "inProgress" → IN_PROGRESS.
func upperSnake(s string) string {
	ws := style.Words(s)
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
func isIdent(s string) bool { return naming.IsIdent(s) }

// isDigit and isAlnum are naming's, under the short names this package and its tests use.
func isDigit(c byte) bool { return naming.IsDigit(c) }
func isAlnum(c byte) bool { return naming.IsAlnum(c) }

// reservedTypeNames are built-in GraphQL names and names the federation and connect
// specifications define, which an imported schema must not shadow.
var reservedTypeNames = []string{
	"Query", "Mutation", "Subscription", "String", "Int", "Float", "Boolean", "ID",
	"JSON", "Int64", "FieldSet", "Import", "Purpose", "Policy", "Scope",
	"ConnectHTTP", "SourceHTTP", "HTTPHeaderMapping", "ConnectBatch", "ConnectorErrors",
	"JSONSelection", "URLPathTemplate", "ConnectSpec",
}
