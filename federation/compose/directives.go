package compose

import (
	"fmt"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/atrium-gateway/atrium/federation"
)

// sources are one element's directive applications in each subgraph (has[i]: the element
// exists in subgraph i).
type sources struct {
	coord string // for hints: "T", "T.f", "T.f(a:)", "E.V", "schema[query]"
	dirs  []ast.DirectiveList
	has   []bool
}

// mergeAppliedDirectives computes, for every element, the directives printed after its
// join directives: @tag, @deprecated and composed directives, each name at its first
// appearance over the subgraphs (in subgraph order, then written order), as Apollo merges
// applied directives once the elements are merged.
func (m *merger) mergeAppliedDirectives() {
	n := len(m.subs)
	schema := sources{coord: m.schemaCoordinate(), dirs: make([]ast.DirectiveList, n), has: make([]bool, n)}
	for i, sg := range m.subs {
		schema.dirs[i], schema.has[i] = sg.schemaDirs, true
	}
	var unions, scalars, inputs, interfaces, objects, enums []*mtype
	for _, name := range m.order {
		t := m.types[name]
		switch t.kind {
		case ast.Union:
			unions = append(unions, t)
		case ast.Scalar:
			scalars = append(scalars, t)
		case ast.InputObject:
			inputs = append(inputs, t)
		case ast.Interface:
			interfaces = append(interfaces, t)
		case ast.Object:
			objects = append(objects, t)
		case ast.Enum:
			enums = append(enums, t)
		}
	}
	for _, t := range unions {
		m.mergeTypeDirectives(t)
	}
	m.schemaExtra = m.otherDirectives(schema, m.schemaTags(), nil, nil)
	for _, group := range [][]*mtype{scalars, inputs, interfaces, objects, enums} {
		for _, t := range group {
			m.mergeTypeDirectives(t)
		}
	}
}

// schemaTags are the @tag values applied to the schema itself.
func (m *merger) schemaTags() []string {
	var tags []string
	for _, sg := range m.subs {
		for _, d := range sg.schemaDirs {
			if sg.is(d, "tag") {
				tags = appendUnique(tags, stringArg(d, "name"))
			}
		}
	}
	return tags
}

func (m *merger) schemaCoordinate() string {
	var roots []string
	for _, r := range []string{"Query", "Mutation", "Subscription"} {
		if m.types[r] != nil {
			roots = append(roots, strings.ToLower(r))
		}
	}
	return "schema[" + strings.Join(roots, ", ") + "]"
}

func (m *merger) mergeTypeDirectives(t *mtype) {
	n := len(m.subs)
	src := sources{coord: t.name, dirs: make([]ast.DirectiveList, n), has: make([]bool, n)}
	for i, st := range t.src {
		if st != nil {
			src.dirs[i], src.has[i] = st.dirs, true
		}
	}
	t.extra = m.otherDirectives(src, t.tags, nil, t.auth)
	for _, f := range t.fields {
		fs := sources{coord: t.name + "." + f.name, dirs: make([]ast.DirectiveList, n), has: make([]bool, n)}
		for i, sf := range f.src {
			if sf != nil {
				fs.dirs[i], fs.has[i] = sf.dirs, true
			}
		}
		f.extra = m.otherDirectives(fs, f.tags, f.deprecated, f.auth)
		for _, a := range f.args {
			if a.has == nil {
				continue
			}
			a.extra = m.otherDirectives(sources{coord: fmt.Sprintf("%s.%s(%s:)", t.name, f.name, a.name), dirs: a.dirs, has: a.has}, a.tags, a.deprecated, nil)
		}
	}
	for _, v := range t.values {
		vs := sources{coord: t.name + "." + v.name, dirs: make([]ast.DirectiveList, n), has: make([]bool, n)}
		for i, sv := range v.vals {
			if sv != nil {
				vs.dirs[i], vs.has[i] = sv.dirs, true
			}
		}
		v.extra = m.otherDirectives(vs, v.tags, v.deprecated, nil)
	}
}

// otherDirectives merges one element's @tag values (already merged), @deprecated, its
// authorization requirements (merged by mergeAuth) and composed directives, in Apollo's
// order: each at its first appearance over the subgraphs, then the requirements an
// interface or field only inherited.
func (m *merger) otherDirectives(src sources, tags []string, deprecated *ast.Directive, auth *federation.Requirements) []string {
	var order []string
	seen := map[string]bool{}
	for i, list := range src.dirs {
		if !src.has[i] {
			continue
		}
		for _, d := range list {
			key := ""
			switch {
			case m.subs[i].is(d, "tag"):
				if len(tags) > 0 {
					key = "tag"
				}
			case d.Name == "deprecated":
				if deprecated != nil {
					key = "deprecated"
				}
			case m.subs[i].authCanonical(d) != "":
				key = "auth:" + m.subs[i].authCanonical(d)
			case m.custom.composes(i, d.Name) && m.custom.defs[d.Name] != nil:
				key = "@" + d.Name
			}
			if key != "" && !seen[key] {
				seen[key] = true
				order = append(order, key)
			}
		}
	}
	var out []string
	for _, key := range order {
		switch key {
		case "tag":
			for _, tag := range tags {
				out = append(out, fmt.Sprintf("@%s(name: %s)", m.tagName, quote(tag)))
			}
		case "deprecated":
			out = append(out, deprecatedString(deprecated))
		default:
			if c, ok := strings.CutPrefix(key, "auth:"); ok {
				if s := m.authApplication(c, auth); s != "" {
					out = append(out, s)
				}
				continue
			}
			out = append(out, m.mergeComposed(key[1:], src)...)
		}
	}
	for _, c := range authDirectives {
		if s := m.authApplication(c, auth); s != "" && !seen["auth:"+c] {
			out = append(out, s)
		}
	}
	return out
}

func deprecatedString(d *ast.Directive) string {
	if r := d.Arguments.ForName("reason"); r != nil && r.Value != nil {
		return "@deprecated(reason: " + r.Value.String() + ")"
	}
	return "@deprecated"
}

// application is one subgraph's application of a composed directive.
type application struct {
	sg   int
	args *jsValue // as written
	full *jsValue // with the subgraph definition's defaults, for comparing
}

// mergeComposed merges the applications of a composed directive on one element, from
// every subgraph that applies it: a repeatable directive keeps each distinct application;
// a non-repeatable one keeps the most frequent, with a hint when they differ.
func (m *merger) mergeComposed(name string, src sources) []string {
	def := m.custom.defs[name]
	var apps []application
	last := make([]*jsValue, len(m.subs))
	for i, list := range src.dirs {
		if !src.has[i] {
			continue
		}
		sg := m.subs[i]
		sgDef := sg.directives[name]
		if sgDef == nil {
			sgDef = def
		}
		for _, d := range list {
			if d.Name == name {
				a := application{sg: i, args: jsArgs(d)}
				a.full = sg.withDefaults(a.args, sgDef)
				apps = append(apps, a)
				last[i] = a.args
			}
		}
	}
	var distinct []application
	var counts []int
	for _, a := range apps {
		found := false
		for k, d := range distinct {
			if d.full.equal(a.full) {
				counts[k]++
				found = true
				break
			}
		}
		if !found {
			distinct = append(distinct, a)
			counts = append(counts, 1)
		}
	}
	if def.IsRepeatable || len(distinct) <= 1 {
		out := make([]string, len(distinct))
		for k, a := range distinct {
			out[k] = m.printApplication(name, def, a.args)
		}
		return out
	}
	best := 0
	for k := range counts {
		if counts[k] > counts[best] {
			best = k
		}
	}
	chosen := distinct[best].args
	describe := func(args *jsValue) string {
		if args == nil {
			return ""
		}
		if len(args.keys) == 0 {
			return "no arguments"
		}
		return "arguments " + m.valueString(args, nil)
	}
	var order []string
	bySubgraphs := map[string][]string{}
	for i := range m.subs {
		if !src.has[i] {
			continue
		}
		s := describe(last[i])
		if _, ok := bySubgraphs[s]; !ok {
			order = append(order, s)
		}
		bySubgraphs[s] = append(bySubgraphs[s], m.subs[i].name)
	}
	used := describe(chosen)
	from := "undefined"
	if like := bySubgraphs[used]; len(like) > 0 {
		from = printSubgraphNames(like)
	}
	var others []string
	for _, s := range order {
		if s != used {
			others = append(others, s+" in "+printSubgraphNames(bySubgraphs[s]))
		}
	}
	m.hint("INCONSISTENT_NON_REPEATABLE_DIRECTIVE_ARGUMENTS", "Non-repeatable directive @%s is applied to \"%s\" in multiple subgraphs but with incompatible arguments. The supergraph will use %s (from %s), but found %s.",
		name, src.coord, used, from, joinStrings(others, " and ", ""))
	return []string{m.printApplication(name, def, chosen)}
}

func (m *merger) printApplication(name string, def *ast.DirectiveDefinition, args *jsValue) string {
	if len(args.keys) == 0 {
		return "@" + name
	}
	parts := make([]string, len(args.keys))
	for i, k := range args.keys {
		var t *ast.Type
		if a := def.Arguments.ForName(k); a != nil {
			t = a.Type
		}
		parts[i] = k + ": " + m.valueString(args.obj[k], t)
	}
	return "@" + name + "(" + strings.Join(parts, ", ") + ")"
}

// printComposedDefinition prints a composed directive's definition as Apollo does.
func (m *merger) printComposedDefinition(name string, def *ast.DirectiveDefinition) string {
	var b strings.Builder
	printDescription(&b, def.Description, "")
	b.WriteString("directive @" + name)
	described := false
	for _, a := range def.Arguments {
		described = described || a.Description != ""
	}
	arg := func(a *ast.ArgumentDefinition) string {
		s := a.Name + ": " + a.Type.String()
		if a.DefaultValue != nil {
			s += " = " + m.valueString(jsFromAST(a.DefaultValue), a.Type)
		}
		return s
	}
	if len(def.Arguments) > 0 {
		if !described {
			parts := make([]string, len(def.Arguments))
			for i, a := range def.Arguments {
				parts[i] = arg(a)
			}
			b.WriteString("(" + strings.Join(parts, ", ") + ")")
		} else {
			b.WriteString("(\n")
			for i, a := range def.Arguments {
				if i > 0 {
					b.WriteString("\n")
					if a.Description != "" {
						b.WriteString("\n")
					}
				}
				printDescription(&b, a.Description, "  ")
				b.WriteString("  " + arg(a))
			}
			b.WriteString("\n)")
		}
	}
	if def.IsRepeatable {
		b.WriteString(" repeatable")
	}
	locs := make([]string, len(def.Locations))
	for i, l := range def.Locations {
		locs[i] = string(l)
	}
	b.WriteString(" on " + strings.Join(locs, " | "))
	return b.String()
}
