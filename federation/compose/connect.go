package compose

import (
	"fmt"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// Apollo Connectors (https://specs.apollo.dev/connect): a subgraph whose fields are served by
// REST endpoints declared with @source and @connect. Composition checks the directives
// against their definitions and carries every application into the supergraph as
// @join__directive, Apollo's encoding, so the gateway builds the connectors from the
// supergraph alone and rover- and Atrium-composed supergraphs are interchangeable.

const connectIdentity = "https://specs.apollo.dev/connect"

// connectMinors are the connect/v0.x versions Atrium serves.
var connectMinors = map[int]bool{1: true, 2: true, 3: true}

// readConnectLink notes the names a subgraph gives @source and @connect and their input
// types, or reports a version Atrium cannot serve.
func (sg *subgraph) readConnectLink(f *feature) []Diagnostic {
	if f.major != 0 || !connectMinors[f.minor] {
		return []Diagnostic{errorf("CONNECT_VERSION_UNSUPPORTED", sg, f.pos,
			"Atrium serves connect/v0.1 to v0.3, not %s: link https://specs.apollo.dev/connect/v0.3", f.url())}
	}
	sg.connect = f
	for _, name := range []string{"source", "connect"} {
		local := f.alias + "__" + name
		for _, imp := range f.imports {
			if imp.name == "@"+name {
				local = strings.TrimPrefix(imp.local(), "@")
			}
		}
		sg.names["connect:"+name] = local
	}
	return nil
}

// connectDefinitions are the connect spec's definitions under the subgraph's names, for
// validating its applications with the GraphQL rules.
func (sg *subgraph) connectDefinitions() string {
	if sg.connect == nil {
		return ""
	}
	p := sg.connect.alias + "__"
	r := strings.NewReplacer("$", p, "@source", "@"+sg.names["connect:source"], "@connect", "@"+sg.names["connect:connect"])
	return r.Replace(`scalar $JSONSelection
scalar $URLTemplate
input $HTTPHeaderMapping { name: String! from: String value: String }
input $ConnectorErrors { message: $JSONSelection extensions: $JSONSelection }
input $ConnectBatch { maxSize: Int }
input $SourceHTTP { baseURL: String! headers: [$HTTPHeaderMapping!] path: $JSONSelection queryParams: $JSONSelection }
input $ConnectHTTP { GET: $URLTemplate POST: $URLTemplate PUT: $URLTemplate PATCH: $URLTemplate DELETE: $URLTemplate body: $JSONSelection headers: [$HTTPHeaderMapping!] path: $JSONSelection queryParams: $JSONSelection }
directive @source(name: String!, http: $SourceHTTP, errors: $ConnectorErrors, isSuccess: $JSONSelection) repeatable on SCHEMA
directive @connect(id: String, source: String, http: $ConnectHTTP, batch: $ConnectBatch, errors: $ConnectorErrors, isSuccess: $JSONSelection, selection: $JSONSelection!, entity: Boolean = false) repeatable on FIELD_DEFINITION | OBJECT
`)
}

// isConnectType names the connect spec's own types, which a subgraph may print.
func (sg *subgraph) isConnectType(name string) bool {
	return sg.connect != nil && strings.HasPrefix(name, sg.connect.alias+"__")
}

// connectLinks adds what the supergraph's schema says of connectors: the connect spec
// linked for execution, then per connector subgraph its own @link and @source
// applications as @join__directive. The highest version linked by a subgraph wins.
func (m *merger) connectLinks() {
	var latest *feature
	for _, sg := range m.subs {
		if sg.connect != nil && (latest == nil || sg.connect.minor > latest.minor) {
			latest = sg.connect
		}
	}
	if latest == nil {
		return
	}
	m.joinVersion = "v0.5"
	m.links = append(m.links, &supergraphLink{identity: connectIdentity, url: latest.url(), name: "connect", alias: "connect", purpose: "EXECUTION"})
	for _, sg := range m.subs {
		if sg.connect == nil {
			continue
		}
		imports := make([]string, 0, len(sg.connect.imports))
		for _, imp := range sg.connect.imports {
			if imp.as == "" {
				imports = append(imports, jsString(imp.name))
			} else {
				imports = append(imports, fmt.Sprintf("{name: %s, as: %s}", jsString(imp.name), jsString(imp.as)))
			}
		}
		args := "url: " + jsString(sg.connect.url())
		if sg.connect.alias != "connect" {
			args += ", as: " + jsString(sg.connect.alias)
		}
		args += ", import: [" + strings.Join(imports, ", ") + "]"
		m.schemaJoins = append(m.schemaJoins, fmt.Sprintf("@join__directive(graphs: [%s], name: \"link\", args: {%s})", sg.graph, args))
		for _, d := range sg.schemaDirs {
			if sg.is(d, "connect:source") {
				m.schemaJoins = append(m.schemaJoins, m.joinDirective(sg, "source", d))
			}
		}
	}
}

// joinDirective writes one connector directive application of sg as a @join__directive.
func (m *merger) joinDirective(sg *subgraph, name string, d *ast.Directive) string {
	return fmt.Sprintf("@join__directive(graphs: [%s], name: %q, args: %s)", sg.graph, name, m.valueString(jsArgs(d), nil))
}

// connectDirectives are the @connect applications on a type (f nil) or field, in
// subgraph order, as @join__directive.
func (m *merger) connectDirectives(t *mtype, f *mfield) []string {
	var out []string
	for i, sg := range m.subs {
		if sg.connect == nil {
			continue
		}
		var dirs ast.DirectiveList
		switch {
		case f == nil && t.src[i] != nil:
			dirs = t.src[i].dirs
		case f != nil && f.src[i] != nil:
			dirs = f.src[i].dirs
		}
		for _, d := range dirs {
			if sg.is(d, "connect:connect") {
				out = append(out, m.joinDirective(sg, "connect", d))
			}
		}
	}
	return out
}
