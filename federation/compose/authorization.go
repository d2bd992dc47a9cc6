package compose

import (
	"fmt"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/atrium-gateway/atrium/federation"
)

// authDirectives are the authorization directives, in the order the supergraph links their
// specs. Each spec is named after its directive and has one version.
var authDirectives = []string{"authenticated", "requiresScopes", "policy"}

// authArg is the argument of each authorization directive that holds its condition.
var authArg = map[string]string{"requiresScopes": "scopes", "policy": "policies"}

// authType is the scalar each authorization spec defines for its condition's strings.
var authType = map[string]string{"requiresScopes": "Scope", "policy": "Policy"}

func authURL(c string) string { return "https://specs.apollo.dev/" + c + "/v0.1" }

// authCanonical tells which authorization directive d is in this subgraph ("" for none).
func (sg *subgraph) authCanonical(d *ast.Directive) string {
	for _, c := range authDirectives {
		if sg.is(d, c) {
			return c
		}
	}
	return ""
}

// usesDirective reports whether the subgraph applies federation directive c to some type or
// field.
func (sg *subgraph) usesDirective(c string) bool {
	if _, ok := sg.names[c]; !ok {
		return false
	}
	for _, name := range sg.order {
		t := sg.types[name]
		for _, d := range t.dirs {
			if sg.is(d, c) {
				return true
			}
		}
		for _, f := range t.fields {
			for _, d := range f.dirs {
				if sg.is(d, c) {
					return true
				}
			}
		}
	}
	return false
}

// validateAuth applies Apollo's rules to the authorization directives of one subgraph: they
// may not be applied to interfaces, their fields or @interfaceObject types (an interface
// gets the requirements of its implementations instead), and their conditions must be
// lists of lists of strings.
func (sg *subgraph) validateAuth() []Diagnostic {
	var errs []Diagnostic
	misplaced := func(d *ast.Directive, what string) {
		errs = append(errs, errorf("AUTH_REQUIREMENTS_APPLIED_ON_INTERFACE", sg, posOf(d.Position),
			"Invalid use of @%s on %s: @%s cannot be applied on interfaces, interface fields and interface objects", d.Name, what, d.Name))
	}
	check := func(d *ast.Directive, c string) {
		if arg := authArg[c]; arg != "" {
			var v *ast.Value
			if a := d.Arguments.ForName(arg); a != nil {
				v = a.Value
			}
			if _, err := federation.ReadDNF(v); err != nil {
				errs = append(errs, errorf("INVALID_GRAPHQL", sg, posOf(d.Position), "Invalid value for argument \"%s\" of @%s: expected a list of lists of strings, like [[\"a\", \"b\"], [\"c\"]]", arg, d.Name))
			}
		}
	}
	for _, name := range sg.order {
		t := sg.types[name]
		for _, d := range t.dirs {
			c := sg.authCanonical(d)
			if c == "" {
				continue
			}
			check(d, c)
			switch {
			case t.kind == ast.Interface:
				misplaced(d, fmt.Sprintf("interface %q", t.name))
			case t.interfaceObject:
				misplaced(d, fmt.Sprintf("interface object %q", t.name))
			}
		}
		for _, f := range t.fields {
			for _, d := range f.dirs {
				c := sg.authCanonical(d)
				if c == "" {
					continue
				}
				check(d, c)
				if t.kind == ast.Interface {
					misplaced(d, fmt.Sprintf("field %q", t.name+"."+f.name))
				}
			}
		}
	}
	return errs
}

// authOf merges one element's authorization directives over the subgraphs, as Apollo does:
// @authenticated anywhere makes it required, and the conditions of @requiresScopes and
// @policy must all hold (federation.Conjoin), in subgraph order.
func (m *merger) authOf(src sources) *federation.Requirements {
	var r federation.Requirements
	conds := map[string][][][]string{}
	for i, list := range src.dirs {
		if !src.has[i] {
			continue
		}
		for _, d := range list {
			switch c := m.subs[i].authCanonical(d); c {
			case "":
			case "authenticated":
				r.Authenticated = true
			default:
				var v *ast.Value
				if a := d.Arguments.ForName(authArg[c]); a != nil {
					v = a.Value
				}
				dnf, _ := federation.ReadDNF(v) // validateAuth reported bad values
				conds[c] = append(conds[c], dnf)
			}
		}
	}
	r.Scopes = federation.Conjoin(conds["requiresScopes"]...)
	r.Policies = federation.Conjoin(conds["policy"]...)
	if !r.Authenticated && r.Scopes == nil && r.Policies == nil {
		return nil
	}
	return &r
}

// allOf is the requirements of every one of rs (nil when none asks anything), the conditions
// conjoined in one go, in order.
func allOf(rs []*federation.Requirements) *federation.Requirements {
	var r federation.Requirements
	var scopes, policies [][][]string
	for _, x := range rs {
		if x == nil {
			continue
		}
		r.Authenticated = r.Authenticated || x.Authenticated
		scopes, policies = append(scopes, x.Scopes), append(policies, x.Policies)
	}
	r.Scopes, r.Policies = federation.Conjoin(scopes...), federation.Conjoin(policies...)
	if !r.Authenticated && r.Scopes == nil && r.Policies == nil {
		return nil
	}
	return &r
}

// mergeAuth computes what every type and field of the supergraph requires: its own
// directives merged over the subgraphs, then, as Apollo's composition does, an
// @interfaceObject field's requirements passed down to the implementations' fields, and an
// interface given the requirements of all its implementations (types and fields alike).
func (m *merger) mergeAuth() {
	n := len(m.subs)
	own := map[*mfield]*federation.Requirements{}
	for _, name := range m.order {
		t := m.types[name]
		src := sources{dirs: make([]ast.DirectiveList, n), has: make([]bool, n)}
		for i, st := range t.src {
			if st != nil {
				src.dirs[i], src.has[i] = st.dirs, true
			}
		}
		t.auth = m.authOf(src)
		for _, f := range t.fields {
			fs := sources{dirs: make([]ast.DirectiveList, n), has: make([]bool, n)}
			for i, sf := range f.src {
				if sf != nil {
					fs.dirs[i], fs.has[i] = sf.dirs, true
				}
			}
			f.auth = m.authOf(fs)
			own[f] = f.auth
		}
	}
	for _, name := range m.order {
		iface := m.types[name]
		if iface.kind != ast.Interface {
			continue
		}
		impls := m.implementationsOf(name)
		for _, f := range iface.fields {
			if own[f] == nil {
				continue
			}
			for _, impl := range impls {
				if g := impl.field(f.name); g != nil && !g.fromInterfaceObject {
					g.auth = allOf([]*federation.Requirements{g.auth, own[f]})
				}
			}
		}
	}
	for _, name := range m.order {
		iface := m.types[name]
		if iface.kind != ast.Interface {
			continue
		}
		impls := m.implementationsOf(name)
		types := []*federation.Requirements{iface.auth}
		for _, impl := range impls {
			types = append(types, impl.auth)
		}
		iface.auth = allOf(types)
		for _, f := range iface.fields {
			fields := []*federation.Requirements{f.auth}
			for _, impl := range impls {
				if g := impl.field(f.name); g != nil {
					fields = append(fields, g.auth)
				}
			}
			f.auth = allOf(fields)
		}
	}
}

// implementationsOf lists the object types implementing interface name, in type order.
func (m *merger) implementationsOf(name string) []*mtype {
	var out []*mtype
	for _, n := range m.order {
		if t := m.types[n]; t.kind == ast.Object && contains(t.interfaces, name) {
			out = append(out, t)
		}
	}
	return out
}

// authApplication prints the part c of r as a directive application ("" when r does not
// ask for it).
func (m *merger) authApplication(c string, r *federation.Requirements) string {
	if r == nil {
		return ""
	}
	name := m.authNames[c]
	switch c {
	case "authenticated":
		if r.Authenticated {
			return "@" + name
		}
	case "requiresScopes":
		if r.Scopes != nil {
			return "@" + name + "(scopes: " + federation.PrintDNF(r.Scopes) + ")"
		}
	case "policy":
		if r.Policies != nil {
			return "@" + name + "(policies: " + federation.PrintDNF(r.Policies) + ")"
		}
	}
	return ""
}

// authDefinitions are the supergraph's definitions of the authorization directives in use
// and of their scalars (named after the spec's alias in the supergraph).
func (m *merger) authDefinitions() []printed {
	var defs []printed
	const locations = " on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM"
	for _, c := range authDirectives {
		name := m.authNames[c]
		if name == "" {
			continue
		}
		if c == "authenticated" {
			defs = append(defs, printed{name: name, directive: true, text: "directive @" + name + locations})
			continue
		}
		scalar := m.linkAlias("https://specs.apollo.dev/"+c) + "__" + authType[c]
		defs = append(defs,
			printed{name: name, directive: true, text: fmt.Sprintf("directive @%s(%s: [[%s!]!]!)%s", name, authArg[c], scalar, locations)},
			printed{name: scalar, text: "scalar " + scalar})
	}
	return defs
}

// linkAlias is the alias the supergraph gives a linked spec (its name when not renamed).
func (m *merger) linkAlias(identity string) string {
	for _, l := range m.links {
		if l.identity == identity {
			return l.alias
		}
	}
	return ""
}
