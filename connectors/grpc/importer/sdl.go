package importer

import (
	"fmt"
	"slices"
	"strings"

	"github.com/atrium-gateway/atrium/connectors/internal/sdltext"
)

const (
	federationLink = `@link(url: "https://specs.apollo.dev/federation/v2.11", import: ["@key"])`
	connectorsLink = `@link(url: "https://specs.atrium.dev/connectors/v0.1", import: ["@grpcSource", "@grpc"])`
	// batchMaxSize is the batch size written on batch lookups (editable in the SDL).
	batchMaxSize = 100
	// inlineWidth is the longest selection or request written as a one-line string, and
	// lineWidth the longest @grpc written on one line.
	inlineWidth = 80
	lineWidth   = 120
)

// print renders the subgraph schema: the schema extension with one @grpcSource per
// service, Query, Mutation, then object, input, enum and scalar types, each sorted by name.
func (g *gen) print() string {
	var b strings.Builder
	b.WriteString("extend schema\n")
	b.WriteString("  " + federationLink + "\n")
	b.WriteString("  " + connectorsLink + "\n")
	for _, s := range g.services {
		b.WriteString("  @grpcSource(\n")
		fmt.Fprintf(&b, "    name: %s\n", sdltext.String(s.source))
		fmt.Fprintf(&b, "    service: %s\n", sdltext.String(string(s.desc.FullName())))
		fmt.Fprintf(&b, "    address: %s\n", sdltext.String(g.opts.Address))
		fmt.Fprintf(&b, "    descriptorSet: %s\n", sdltext.String(s.set))
		b.WriteString("  )\n")
	}
	sdltext.RootTypes(&b, g.roots, func(f *rootField) bool { return f.mutation }, g.printRoot)
	objs := slices.Clone(g.order)
	slices.SortFunc(objs, func(a, c *objType) int {
		if a.input != c.input {
			if a.input {
				return 1
			}
			return -1
		}
		return strings.Compare(a.name, c.name)
	})
	for _, o := range objs {
		b.WriteString("\n")
		sdltext.Description(&b, o.desc, "")
		kw := "type"
		if o.input {
			kw = "input"
		}
		fmt.Fprintf(&b, "%s %s", kw, o.name)
		if l := o.lookup; l != nil {
			fmt.Fprintf(&b, " @key(fields: %s)\n", sdltext.String(l.key.name))
			args := []directiveArg{
				{"source", sdltext.String(l.svc.source), nil},
				{"method", sdltext.String(string(l.m.Name())), nil},
				{"request", "", []string{mappingKey(l.reqKey) + ": " + variable(l) + "." + l.key.name}},
				{"selection", "", indented(g.responseSelection(l.resp))},
			}
			if l.batch {
				args = append(args, directiveArg{"batch", fmt.Sprintf("{ maxSize: %d }", batchMaxSize), nil})
			}
			b.WriteString("  ")
			printDirective(&b, "grpc", args, "  ")
			b.WriteString(" {\n")
		} else {
			b.WriteString(" {\n")
		}
		for _, f := range o.fields {
			sdltext.Description(&b, f.desc, "  ")
			fmt.Fprintf(&b, "  %s: %s", f.name, f.ref.gql())
			if f.deprecated && !o.input {
				b.WriteString(" @deprecated")
			}
			b.WriteString("\n")
		}
		b.WriteString("}\n")
	}
	enums := slices.Clone(g.enumOrd)
	enums = slices.DeleteFunc(enums, func(e *enumType) bool { return e.asString })
	slices.SortFunc(enums, func(a, c *enumType) int { return strings.Compare(a.name, c.name) })
	for _, e := range enums {
		b.WriteString("\n")
		sdltext.Description(&b, e.doc, "")
		fmt.Fprintf(&b, "enum %s {\n", e.name)
		for _, v := range e.values {
			sdltext.Description(&b, v.doc, "  ")
			b.WriteString("  " + v.name)
			if v.deprecated {
				b.WriteString(" @deprecated")
			}
			b.WriteString("\n")
		}
		b.WriteString("}\n")
	}
	var scalars []string
	for s := range g.scalars {
		scalars = append(scalars, s)
	}
	slices.Sort(scalars)
	for _, s := range scalars {
		b.WriteString("\n")
		sdltext.Description(&b, customScalars[s], "")
		fmt.Fprintf(&b, "scalar %s\n", s)
	}
	return b.String()
}

func variable(l *lookup) string {
	if l.batch {
		return "$batch"
	}
	return "$this"
}

func (g *gen) printRoot(b *strings.Builder, f *rootField) {
	sdltext.Description(b, f.desc, "  ")
	b.WriteString("  " + f.name)
	args := f.args
	if f.valueArg != nil {
		args = []*objField{f.valueArg}
	}
	var defs []sdltext.Argument
	for _, a := range args {
		defs = append(defs, sdltext.Argument{Definition: a.name + ": " + a.ref.gql(), Description: a.desc})
	}
	sdltext.Arguments(b, f.name, defs)
	fmt.Fprintf(b, ": %s", f.result.gql())
	if f.deprecated {
		b.WriteString(" @deprecated")
	}
	b.WriteString("\n    ")
	dargs := []directiveArg{
		{"source", sdltext.String(f.svc.source), nil},
		{"method", sdltext.String(string(f.m.Name())), nil},
	}
	var request []string
	if f.valueArg != nil {
		request = []string{"$args.value"}
	}
	for _, a := range f.args {
		request = append(request, mappingKey(a.key)+": $args."+a.name)
	}
	if len(request) > 0 {
		dargs = append(dargs, directiveArg{"request", "", request})
	}
	dargs = append(dargs, directiveArg{"selection", "", indented(g.responseSelection(f.resp))})
	printDirective(b, "grpc", dargs, "    ")
	b.WriteString("\n")
}

// directiveArg is an argument of a directive: a rendered value, or mapping lines.
type directiveArg struct {
	name    string
	value   string
	mapping []string
}

// printDirective writes a directive on one line when it is short, else one argument per
// line, long mappings as block strings. b is at indent already.
func printDirective(b *strings.Builder, name string, args []directiveArg, indent string) {
	values := make([]string, len(args))
	short := true
	for i, a := range args {
		values[i] = a.value
		if a.mapping != nil {
			one := strings.Join(trimmed(a.mapping), " ")
			if len(one) <= inlineWidth && !strings.Contains(one, `"`) {
				values[i] = sdltext.String(one)
			} else {
				values[i] = ""
				short = false
			}
		}
	}
	if short {
		var parts []string
		for i, a := range args {
			parts = append(parts, a.name+": "+values[i])
		}
		one := "@" + name + "(" + strings.Join(parts, ", ") + ")"
		if len(indent)+len(one) <= lineWidth {
			b.WriteString(one)
			return
		}
	}
	b.WriteString("@" + name + "(\n")
	for i, a := range args {
		v := values[i]
		if v == "" {
			v = sdltext.BlockString(a.mapping, indent+"  ")
		}
		fmt.Fprintf(b, "%s  %s: %s\n", indent, a.name, v)
	}
	b.WriteString(indent + ")")
}

// trimmed is lines without their indentation (to join them on one line).
func trimmed(lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = strings.TrimSpace(l)
	}
	return out
}

// summary counts what the SDL holds.
func (g *gen) summary() Summary {
	var s Summary
	for _, f := range g.roots {
		if f.mutation {
			s.Mutations++
		} else {
			s.Queries++
		}
	}
	for _, o := range g.order {
		switch {
		case o.input:
			s.Inputs++
		default:
			s.Objects++
			if o.lookup != nil {
				s.Entities++
			}
		}
	}
	for _, e := range g.enumOrd {
		if !e.asString {
			s.Enums++
		}
	}
	s.Scalars = len(g.scalars)
	return s
}
