package sdltext

import (
	"fmt"
	"strings"
)

// RootTypes writes the Query type, then the Mutation type, each with its fields in order and
// a blank line between two fields; a type without fields is left out. mutation says where a
// field goes, field writes it.
func RootTypes[F any](b *strings.Builder, fields []F, mutation func(F) bool, field func(*strings.Builder, F)) {
	for _, m := range []bool{false, true} {
		var fs []F
		for _, f := range fields {
			if mutation(f) == m {
				fs = append(fs, f)
			}
		}
		if len(fs) == 0 {
			continue
		}
		root := "Query"
		if m {
			root = "Mutation"
		}
		fmt.Fprintf(b, "\ntype %s {\n", root)
		for i, f := range fs {
			if i > 0 {
				b.WriteString("\n")
			}
			field(b, f)
		}
		b.WriteString("}\n")
	}
}

// Argument is an argument of a field: its definition ("id: ID!", "first: Int = 10") and its
// description.
type Argument struct {
	Definition  string
	Description string
}

// Arguments writes the argument list of a field written at an indent of two spaces, after
// its name: on one line when the line is short and no argument has a description, else one
// argument a line, each after its description. Nothing when there are no arguments.
func Arguments(b *strings.Builder, field string, args []Argument) {
	if len(args) == 0 {
		return
	}
	defs := make([]string, len(args))
	multi := false
	for i, a := range args {
		defs[i] = a.Definition
		multi = multi || strings.TrimSpace(a.Description) != ""
	}
	if one := "(" + strings.Join(defs, ", ") + ")"; !multi && len(one)+len(field) < 90 {
		b.WriteString(one)
		return
	}
	b.WriteString("(\n")
	for _, a := range args {
		Description(b, a.Description, "    ")
		b.WriteString("    " + a.Definition + "\n")
	}
	b.WriteString("  )")
}

// BlockString is lines as a GraphQL block string: the opening delimiter where the caller
// writes it, then each line and the closing delimiter at indent.
func BlockString(lines []string, indent string) string {
	var b strings.Builder
	b.WriteString(`"""` + "\n")
	for _, l := range lines {
		b.WriteString(indent + strings.ReplaceAll(l, `"""`, `\"""`) + "\n")
	}
	b.WriteString(indent + `"""`)
	return b.String()
}
