package openapi

import (
	"fmt"
	"slices"
	"strings"

	"github.com/atrium-gateway/atrium/connectors/internal/sdltext"
)

// usedTypes are the types reachable from the root fields, in print order.
type usedTypes struct {
	objects []*objType // output types, then input types, each by name
	enums   []*enumType
	scalars []string
}

func (g *gen) used() usedTypes {
	objs, enums, scalars := map[*objType]bool{}, map[*enumType]bool{}, map[string]bool{}
	var walk func(sh *shape)
	walk = func(sh *shape) {
		b := sh.base()
		switch b.kind {
		case objectShape:
			if objs[b.obj] {
				return
			}
			objs[b.obj] = true
			for _, f := range b.obj.fields {
				walk(f.shape)
			}
		case enumShape:
			enums[b.enum] = true
		case scalarShape:
			if b.scalar == "JSON" || b.scalar == "Int64" {
				scalars[b.scalar] = true
			}
		}
	}
	for _, f := range g.fields {
		walk(f.result)
		for _, a := range f.args {
			walk(a.shape)
		}
	}
	var u usedTypes
	for o := range objs {
		u.objects = append(u.objects, o)
	}
	slices.SortFunc(u.objects, func(a, b *objType) int {
		if a.input != b.input {
			if a.input {
				return 1
			}
			return -1
		}
		return strings.Compare(a.name, b.name)
	})
	for e := range enums {
		u.enums = append(u.enums, e)
	}
	slices.SortFunc(u.enums, func(a, b *enumType) int { return strings.Compare(a.name, b.name) })
	for s := range scalars {
		u.scalars = append(u.scalars, s)
	}
	slices.Sort(u.scalars)
	return u
}

// print renders the subgraph schema.
func (g *gen) print() string {
	var b strings.Builder
	fmt.Fprintf(&b, "extend schema\n")
	fmt.Fprintf(&b, "  @link(url: \"https://specs.apollo.dev/federation/v2.11\", import: [\"@key\"])\n")
	fmt.Fprintf(&b, "  @link(url: \"https://specs.apollo.dev/connect/v0.3\", import: [\"@source\", \"@connect\"])\n")
	fmt.Fprintf(&b, "  @source(name: %s, http: { baseURL: %s })\n", sdltext.String(g.opts.Name), sdltext.String(g.baseURL))
	sdltext.RootTypes(&b, g.fields, func(f *rootField) bool { return f.mutation }, g.printField)
	u := g.used()
	for _, o := range u.objects {
		b.WriteString("\n")
		sdltext.Description(&b, o.desc, "")
		kw := "type"
		if o.input {
			kw = "input"
		}
		fmt.Fprintf(&b, "%s %s", kw, o.name)
		if o.key != "" {
			fmt.Fprintf(&b, " @key(fields: %s)", sdltext.String(o.key))
		}
		b.WriteString(" {\n")
		for _, f := range o.fields {
			sdltext.Description(&b, f.desc, "  ")
			fmt.Fprintf(&b, "  %s: %s", f.name, f.shape.gqlType(f.nonNull))
			if f.deprecated {
				b.WriteString(" @deprecated")
			}
			b.WriteString("\n")
		}
		b.WriteString("}\n")
	}
	for _, e := range u.enums {
		b.WriteString("\n")
		sdltext.Description(&b, e.desc, "")
		fmt.Fprintf(&b, "enum %s {\n", e.name)
		for _, v := range e.values {
			fmt.Fprintf(&b, "  %s\n", v.name)
		}
		b.WriteString("}\n")
	}
	for _, s := range u.scalars {
		b.WriteString("\n")
		switch s {
		case "JSON":
			sdltext.Description(&b, "Any JSON value, passed through as is.", "")
		case "Int64":
			sdltext.Description(&b, "A 64-bit integer: a string or a number in JSON.", "")
		}
		fmt.Fprintf(&b, "scalar %s\n", s)
	}
	return b.String()
}

func (g *gen) printField(b *strings.Builder, f *rootField) {
	sdltext.Description(b, f.desc, "  ")
	b.WriteString("  " + f.name)
	var args []sdltext.Argument
	for _, a := range f.args {
		def := a.name + ": " + a.shape.gqlType(a.nonNull)
		if a.def != "" {
			def += " = " + a.def
		}
		args = append(args, sdltext.Argument{Definition: def, Description: a.desc})
	}
	sdltext.Arguments(b, f.name, args)
	fmt.Fprintf(b, ": %s", f.result.gqlType(false))
	if f.deprecated {
		b.WriteString(" @deprecated")
	}
	b.WriteString("\n    @connect(\n")
	fmt.Fprintf(b, "      source: %s\n", sdltext.String(g.opts.Name))
	method := f.op.method + ": " + sdltext.String(f.urlTemplate)
	var entries []string
	if len(f.queryParams) > 0 {
		entries = append(entries, "queryParams: "+selectionValue(f.queryParams, "        ", true))
	}
	if len(f.headers) > 0 {
		var hs []string
		for _, h := range f.headers {
			hs = append(hs, fmt.Sprintf("{ name: %s, value: %s }", sdltext.String(h[0]), sdltext.String(h[1])))
		}
		entries = append(entries, "headers: ["+strings.Join(hs, ", ")+"]")
	}
	if f.body != nil {
		entries = append(entries, "body: "+selectionValue(g.body(f.body), "        ", false))
	}
	if len(entries) == 0 {
		fmt.Fprintf(b, "      http: { %s }\n", method)
	} else {
		fmt.Fprintf(b, "      http: {\n        %s\n", method)
		for _, e := range entries {
			fmt.Fprintf(b, "        %s\n", e)
		}
		b.WriteString("      }\n")
	}
	fmt.Fprintf(b, "      selection: %s\n", selectionValue(g.selection(f), "      ", false))
	if f.entity {
		b.WriteString("      entity: true\n")
	}
	b.WriteString("    )\n")
}

// selectionValue renders a selection as a GraphQL string: on one line when short and free of
// quotes (joined by spaces when joinable), else as a block string at indent.
func selectionValue(lines []string, indent string, joinable bool) string {
	one := ""
	if len(lines) == 1 || joinable {
		one = strings.Join(lines, " ")
	}
	if one != "" && !strings.ContainsAny(one, "\"\\\n") && len(one) <= 70 {
		return sdltext.String(one)
	}
	return sdltext.BlockString(lines, indent)
}
