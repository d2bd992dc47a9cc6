package compose

import (
	"fmt"
	"strings"
)

// prepare settles, before merging, what the supergraph links besides link and join: the
// names of @tag and @inaccessible (a subgraph may import them renamed, and the supergraph
// keeps that name), the directives @composeDirective brings in, and the @link line of
// each spec. It reports errors in the order Apollo's composition does; merging is skipped
// after one.
func (m *merger) prepare() {
	m.nameFederationDirectives()
	m.collectComposedDirectives()
	if len(m.errors) > 0 {
		return
	}
	var specs []*supergraphLink
	federationSpecs := []struct{ name, url, purpose, inSupergraph string }{
		{"tag", tagURL, "", m.tagName},
		{"inaccessible", inaccessibleURL, "SECURITY", m.inaccessibleName},
	}
	for _, c := range authDirectives {
		federationSpecs = append(federationSpecs, struct{ name, url, purpose, inSupergraph string }{c, authURL(c), "SECURITY", m.authNames[c]})
	}
	for _, s := range federationSpecs {
		if s.inSupergraph != "" {
			specs = append(specs, &supergraphLink{identity: "https://specs.apollo.dev/" + s.name, url: s.url, name: s.name,
				purpose: s.purpose, federation: true, imports: []linkImport{{name: "@" + s.name, as: "@" + s.inSupergraph}}})
		}
	}
	c := m.custom
	for _, id := range c.order {
		if apolloIdentities[id] {
			continue
		}
		f := c.latest[id].f
		l := &supergraphLink{identity: id, url: f.url(), name: f.name}
		for _, name := range c.names {
			if o := c.origin[name]; o[0] == id {
				imp := linkImport{name: "@" + o[1]}
				if o[1] != name {
					imp.as = "@" + name
				}
				l.imports = append(l.imports, imp)
			}
		}
		specs = append(specs, l)
	}
	planner := newAliasPlanner(specs, m.elementNames())
	for _, l := range specs {
		l.alias = planner.aliasFor(l)
		if l.federation {
			// The import is written only where the name differs from the alias's.
			imp := l.imports[0]
			switch strings.TrimPrefix(imp.local(), "@") {
			case l.alias:
				l.imports = nil
			case l.name:
				l.imports = []linkImport{{name: imp.name}}
			}
		} else if msg := planner.importConflict(l); msg != "" {
			m.errorAt("INVALID_LINK_DIRECTIVE_USAGE", nil, "%s", msg)
			continue
		}
		m.links = append(m.links, l)
	}
	m.connectLinks()
}

// nameFederationDirectives gives @tag, @inaccessible and the authorization directives the
// name the subgraphs using them give them; subgraphs that disagree are an error
// (LINK_IMPORT_NAME_MISMATCH), after which, as in Apollo, the other directives are not
// looked at.
func (m *merger) nameFederationDirectives() {
	m.authNames = map[string]string{}
	for _, c := range append([]string{"tag", "inaccessible"}, authDirectives...) {
		var order []string
		users := map[string][]string{}
		name, mismatch := "", ""
		maxVersion := -1
		for _, sg := range m.subs {
			switch c {
			case "tag":
				if !sg.usesTag {
					continue
				}
			case "inaccessible":
				if !sg.usesInaccessible {
					continue
				}
			default:
				if !sg.usesDirective(c) {
					continue
				}
			}
			n := "\"@" + sg.defaultName(c) + "\""
			if _, ok := users[n]; !ok {
				order = append(order, n)
			}
			users[n] = append(users[n], sg.name)
			v := sg.version
			if !sg.fed2 {
				v = 4 // Apollo upgrades Federation 1 subgraphs to a v2.4 link
			}
			maxVersion = max(maxVersion, v)
			if name == "" {
				name = n
			} else if n != name && mismatch == "" {
				mismatch = n
			}
		}
		if mismatch != "" {
			parts := []string{fmt.Sprintf("%s in %s", mismatch, printSubgraphNames(users[mismatch]))}
			var locs []Loc
			for _, n := range order {
				if n != mismatch {
					parts = append(parts, fmt.Sprintf("%s in %s", n, printSubgraphNames(users[n])))
				}
				for _, s := range users[n] {
					locs = append(locs, Loc{Subgraph: s})
				}
			}
			m.errorAt("LINK_IMPORT_NAME_MISMATCH", locs, "The \"@%s\" directive (from %s2.%d) is imported with mismatched name between subgraphs: it is imported as %s", c, fedURL, maxVersion, joinStrings(parts, " and ", " but "))
			return
		}
		switch c {
		case "tag":
			m.tagName = strings.Trim(name, "\"@")
		case "inaccessible":
			m.inaccessibleName = strings.Trim(name, "\"@")
		default:
			if name != "" {
				m.authNames[c] = strings.Trim(name, "\"@")
			}
		}
	}
}

// elementNames are the names Apollo checks a generated spec alias against: every type and
// directive of the supergraph so far and of the subgraphs.
func (m *merger) elementNames() map[string]bool {
	names := map[string]bool{}
	for _, n := range []string{"Int", "Float", "String", "Boolean", "ID", "include", "skip", "deprecated", "specifiedBy",
		"defer", "stream", "link", "link__Import", "link__Purpose", "join__Graph", "join__FieldSet", "join__graph",
		"join__type", "join__field", "join__implements", "join__unionMember", "join__enumValue"} {
		names[n] = true
	}
	if m.joinVersion != "v0.3" {
		names["join__directive"], names["join__DirectiveArguments"] = true, true
	}
	for _, sg := range m.subs {
		for n := range sg.types {
			names[n] = true
		}
		for n := range sg.directives {
			names[n] = true
		}
		for _, v := range sg.names {
			names[v] = true
		}
	}
	for _, n := range []string{"_Any", "_Entity", "_Service"} {
		delete(names, n)
	}
	for n := range names {
		if strings.HasPrefix(n, "__") {
			delete(names, n)
		}
	}
	return names
}
