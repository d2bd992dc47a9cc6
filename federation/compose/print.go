package compose

import (
	"fmt"
	"sort"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

const (
	linkURL         = "https://specs.apollo.dev/link/v1.0"
	joinURL         = "https://specs.apollo.dev/join/"
	inaccessibleURL = "https://specs.apollo.dev/inaccessible/v0.2"
	tagURL          = "https://specs.apollo.dev/tag/v0.3"
)

// print writes the supergraph SDL the way Apollo's composition does, byte for byte:
// the schema definition with its @link features, then directive definitions and types,
// each sorted the way JavaScript's localeCompare sorts names.
func (m *merger) print() string {
	var defs []printed
	join := m.joinVersion
	fieldArgs := "graph: join__Graph, requires: join__FieldSet, provides: join__FieldSet, type: String, external: Boolean, override: String, usedOverridden: Boolean"
	if join != "v0.3" {
		fieldArgs += ", overrideLabel: String"
	}
	if join == "v0.5" {
		fieldArgs += ", contextArguments: [join__ContextArgument!]"
	}
	directive := func(name, text string) {
		defs = append(defs, printed{name: name, directive: true, text: "directive @" + name + text})
	}
	directive("join__enumValue", "(graph: join__Graph!) repeatable on ENUM_VALUE")
	directive("join__field", "("+fieldArgs+") repeatable on FIELD_DEFINITION | INPUT_FIELD_DEFINITION")
	directive("join__graph", "(name: String!, url: String!) on ENUM_VALUE")
	directive("join__implements", "(graph: join__Graph!, interface: String!) repeatable on OBJECT | INTERFACE")
	directive("join__type", "(graph: join__Graph!, key: join__FieldSet, extension: Boolean! = false, resolvable: Boolean! = true, isInterfaceObject: Boolean! = false) repeatable on OBJECT | INTERFACE | UNION | ENUM | INPUT_OBJECT | SCALAR")
	directive("join__unionMember", "(graph: join__Graph!, member: String!) repeatable on UNION")
	directive("link", "(url: String, as: String, for: link__Purpose, import: [link__Import]) repeatable on SCHEMA")
	if join != "v0.3" {
		directive("join__directive", "(graphs: [join__Graph!], name: String!, args: join__DirectiveArguments) repeatable on SCHEMA | OBJECT | INTERFACE | FIELD_DEFINITION")
		defs = append(defs, printed{name: "join__DirectiveArguments", text: "scalar join__DirectiveArguments"})
	}
	if join == "v0.5" {
		defs = append(defs, printed{name: "join__ContextArgument", text: "input join__ContextArgument {\n  name: String!\n  type: String!\n  context: String!\n  selection: join__FieldValue!\n}"},
			printed{name: "join__FieldValue", text: "scalar join__FieldValue"})
	}
	if m.inaccessibleName != "" {
		directive(m.inaccessibleName, " on FIELD_DEFINITION | OBJECT | INTERFACE | UNION | ARGUMENT_DEFINITION | SCALAR | ENUM | ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION")
	}
	if m.tagName != "" {
		directive(m.tagName, "(name: String!) repeatable on FIELD_DEFINITION | OBJECT | INTERFACE | UNION | ARGUMENT_DEFINITION | SCALAR | ENUM | ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION | SCHEMA")
	}
	defs = append(defs, m.authDefinitions()...)
	for _, name := range m.composedNames() {
		if def := m.custom.defs[name]; def != nil {
			defs = append(defs, printed{name: name, directive: true, text: m.printComposedDefinition(name, def)})
		}
	}
	defs = append(defs,
		printed{name: "join__FieldSet", text: "scalar join__FieldSet"},
		printed{name: "join__Graph", text: m.printGraphs()},
		printed{name: "link__Import", text: "scalar link__Import"},
		printed{name: "link__Purpose", text: linkPurpose},
	)
	for _, name := range m.order {
		defs = append(defs, printed{name: name, text: m.printType(m.types[name])})
	}
	col := collate.New(language.English)
	sort.SliceStable(defs, func(i, j int) bool {
		if defs[i].directive != defs[j].directive {
			return defs[i].directive
		}
		return col.CompareString(defs[i].name, defs[j].name) < 0
	})

	var b strings.Builder
	b.WriteString("schema\n")
	fmt.Fprintf(&b, "  @link(url: %q)\n", linkURL)
	fmt.Fprintf(&b, "  @link(url: \"%s%s\", for: EXECUTION)\n", joinURL, join)
	for _, l := range m.links {
		b.WriteString("  " + l.print() + "\n")
	}
	for _, d := range m.schemaJoins {
		b.WriteString("  " + d + "\n")
	}
	for _, d := range m.schemaExtra {
		b.WriteString("  " + d + "\n")
	}
	b.WriteString("{\n")
	for _, root := range []string{"Query", "Mutation", "Subscription"} {
		if m.types[root] != nil {
			fmt.Fprintf(&b, "  %s: %s\n", strings.ToLower(root), root)
		}
	}
	b.WriteString("}")
	for _, d := range defs {
		b.WriteString("\n\n")
		b.WriteString(d.text)
	}
	return b.String()
}

type printed struct {
	name      string
	directive bool
	text      string
}

const linkPurpose = `enum link__Purpose {
  """
  ` + "`SECURITY`" + ` features provide metadata necessary to securely resolve fields.
  """
  SECURITY

  """
  ` + "`EXECUTION`" + ` features provide metadata necessary for operation execution.
  """
  EXECUTION
}`

func (m *merger) printGraphs() string {
	var b strings.Builder
	b.WriteString("enum join__Graph {\n")
	for _, sg := range m.subs {
		fmt.Fprintf(&b, "  %s @join__graph(name: %s, url: %s)\n", sg.graph, quote(sg.name), quote(sg.url))
	}
	b.WriteString("}")
	return b.String()
}

func (m *merger) printType(t *mtype) string {
	var b strings.Builder
	printDescription(&b, t.description, "")
	keyword := map[ast.DefinitionKind]string{ast.Object: "type", ast.Interface: "interface", ast.Union: "union",
		ast.Enum: "enum", ast.InputObject: "input", ast.Scalar: "scalar"}[t.kind]
	b.WriteString(keyword + " " + t.name)
	if len(t.interfaces) > 0 {
		b.WriteString(" implements " + strings.Join(t.interfaces, " & "))
	}
	directives := m.typeDirectives(t)
	for _, d := range directives {
		b.WriteString("\n  " + d)
	}
	switch t.kind {
	case ast.Scalar:
		return b.String()
	case ast.Union:
		if len(t.members) > 0 {
			b.WriteString("\n = " + strings.Join(t.members, " | "))
		}
		return b.String()
	}
	if len(directives) > 0 {
		b.WriteString("\n{\n")
	} else {
		b.WriteString(" {\n")
	}
	switch t.kind {
	case ast.Enum:
		for i, v := range t.values {
			if i > 0 && v.description != "" {
				b.WriteString("\n")
			}
			printDescription(&b, v.description, "  ")
			b.WriteString("  " + v.name)
			if v.inaccessible {
				b.WriteString(" @" + m.inaccessibleName)
			}
			for j, sg := range m.subs {
				if v.src[j] {
					fmt.Fprintf(&b, " @join__enumValue(graph: %s)", sg.graph)
				}
			}
			writeAll(&b, v.extra)
			b.WriteString("\n")
		}
	default:
		for i, f := range t.fields {
			if i > 0 && f.description != "" {
				b.WriteString("\n") // graphql-js sets a described field off with a blank line
			}
			printDescription(&b, f.description, "  ")
			b.WriteString("  " + f.name)
			m.printArgs(&b, f.args)
			b.WriteString(": " + f.typ.String())
			if f.defaultValue != nil {
				b.WriteString(" = " + f.defaultValue.String())
			}
			if f.inaccessible {
				b.WriteString(" @" + m.inaccessibleName)
			}
			if f.copiedFrom != nil {
				// Apollo copies the interface field's directives, then adds the join.
				writeAll(&b, f.copiedFrom.extra)
				writeAll(&b, m.fieldJoins(t, f))
			} else {
				writeAll(&b, m.fieldJoins(t, f))
				writeAll(&b, m.connectDirectives(t, f))
				writeAll(&b, f.extra)
			}
			b.WriteString("\n")
		}
	}
	b.WriteString("}")
	return b.String()
}

func writeAll(b *strings.Builder, directives []string) {
	for _, d := range directives {
		b.WriteString(" " + d)
	}
}

func (m *merger) printArgs(b *strings.Builder, args []*marg) {
	if len(args) == 0 {
		return
	}
	described := false
	for _, a := range args {
		if a.description != "" {
			described = true
		}
	}
	one := func(a *marg, indent string) {
		printDescription(b, a.description, indent)
		b.WriteString(indent + a.name + ": " + a.typ.String())
		if a.defaultValue != nil {
			b.WriteString(" = " + a.defaultValue.String())
		}
		if a.inaccessible {
			b.WriteString(" @" + m.inaccessibleName)
		}
		writeAll(b, a.extra)
	}
	if !described {
		b.WriteString("(")
		for i, a := range args {
			if i > 0 {
				b.WriteString(", ")
			}
			one(a, "")
		}
		b.WriteString(")")
		return
	}
	b.WriteString("(\n")
	for i, a := range args {
		if i > 0 && a.description != "" {
			b.WriteString("\n")
		}
		one(a, "    ")
		b.WriteString("\n")
	}
	b.WriteString("  )")
}

// printDescription writes a block string the way graphql-js does.
func printDescription(b *strings.Builder, desc, indent string) {
	if desc == "" {
		return
	}
	escaped := strings.ReplaceAll(desc, `"""`, `\"""`)
	if !strings.Contains(desc, "\n") && len(desc) < 70 && !strings.HasSuffix(desc, `"`) && !strings.HasSuffix(desc, `\`) {
		b.WriteString(indent + `"""` + escaped + `"""` + "\n")
		return
	}
	b.WriteString(indent + `"""` + "\n")
	for _, line := range strings.Split(escaped, "\n") {
		if line == "" {
			b.WriteString("\n")
			continue
		}
		b.WriteString(indent + line + "\n")
	}
	b.WriteString(indent + `"""` + "\n")
}

func quote(s string) string {
	return (&ast.Value{Kind: ast.StringValue, Raw: s}).String()
}

// typeDirectives lists a type's directives in Apollo's order: @join__implements,
// @join__type, @join__unionMember, @inaccessible, then the others (@tag, composed ones).
func (m *merger) typeDirectives(t *mtype) []string {
	var out []string
	if t.name == "join__Graph" || t.name == "link__Purpose" {
		return nil
	}
	for i, st := range t.src {
		if st == nil {
			continue
		}
		for _, iname := range st.interfaces {
			out = append(out, fmt.Sprintf("@join__implements(graph: %s, interface: %s)", m.subs[i].graph, quote(iname)))
		}
	}
	for i, st := range t.src {
		if st == nil {
			continue
		}
		sg := m.subs[i]
		ifaceObject := ""
		if st.interfaceObject {
			ifaceObject = ", isInterfaceObject: true"
		}
		if len(st.keys) == 0 || t.kind == ast.Union || t.kind == ast.Enum || t.kind == ast.InputObject || t.kind == ast.Scalar {
			out = append(out, fmt.Sprintf("@join__type(graph: %s%s)", sg.graph, ifaceObject))
			continue
		}
		for _, k := range st.keys {
			s := fmt.Sprintf("@join__type(graph: %s, key: %s", sg.graph, quote(k.fields))
			if st.extendsDirective || sg.fed2 && k.extension {
				s += ", extension: true"
			}
			if k.resolvable != nil {
				s += fmt.Sprintf(", resolvable: %t", *k.resolvable)
			}
			out = append(out, s+ifaceObject+")")
		}
	}
	if t.kind == ast.Union {
		for _, mem := range t.members {
			for i, st := range t.src {
				if st != nil && contains(st.members, mem) {
					out = append(out, fmt.Sprintf("@join__unionMember(graph: %s, member: %s)", m.subs[i].graph, quote(mem)))
				}
			}
		}
	}
	out = append(out, m.connectDirectives(t, nil)...)
	if t.inaccessible {
		out = append(out, "@"+m.inaccessibleName)
	}
	return append(out, t.extra...)
}

// overrides reports whether a copy's @override takes effect: an override from a subgraph
// that is not composed is ignored (Apollo gives a hint).
func (m *merger) overrides(sf *sfield) bool {
	return sf.hasOverride && m.subgraph(sf.override) != nil
}

// fieldJoins returns a field's @join__field directives: none when every subgraph that has
// the type resolves the field the same plain way, else one per subgraph that has it.
func (m *merger) fieldJoins(t *mtype, f *mfield) []string {
	if f.fromInterfaceObject {
		return []string{"@join__field"}
	}
	need := false
	typeDiffers := false
	for i, st := range t.src {
		if st == nil {
			continue
		}
		sf := f.src[i]
		if sf == nil {
			need = true
			continue
		}
		if sf.typ.String() != f.typ.String() {
			typeDiffers = true
			need = true
		}
		if sf.external && !sf.fakeExternal || sf.requires != "" || sf.provides != "" || m.overrides(sf) {
			need = true
		}
	}
	if !need {
		return nil
	}
	var out []string
	for i, sf := range f.src {
		if sf == nil {
			continue
		}
		var label string
		usedOverridden := false
		for j, other := range f.src {
			if other != nil && j != i && other.hasOverride && other.override == m.subs[i].name {
				if other.overrideLabel != "" {
					label = other.overrideLabel
				} else if sf.external && !sf.fakeExternal {
					// an external copy was never resolved there: it stays as it is
				} else if sf.usedByKey || sf.usedByRequires || sf.usedByProvides || m.subs[i].implementsInterfaceField(sf.parent, sf.name) {
					usedOverridden = true
				} else {
					sf = nil
				}
				break
			}
		}
		if sf == nil {
			continue
		}
		args := []string{"graph: " + m.subs[i].graph}
		if sf.requires != "" {
			args = append(args, "requires: "+quote(sf.requires))
		}
		if sf.provides != "" {
			args = append(args, "provides: "+quote(sf.provides))
		}
		if typeDiffers {
			args = append(args, "type: "+quote(sf.typ.String()))
		}
		if sf.external && !sf.fakeExternal {
			args = append(args, "external: true")
		}
		if m.overrides(sf) {
			args = append(args, "override: "+quote(sf.override))
			if sf.overrideLabel != "" {
				label = sf.overrideLabel
			}
		}
		if usedOverridden {
			args = append(args, "usedOverridden: true")
		}
		if label != "" {
			args = append(args, "overrideLabel: "+quote(label))
		}
		out = append(out, "@join__field("+strings.Join(args, ", ")+")")
	}
	return out
}
