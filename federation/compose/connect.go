package compose

import (
	"fmt"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// Connector specs: subgraphs whose fields are served by backends the gateway calls itself.
// Apollo Connectors (https://specs.apollo.dev/connect, @source/@connect: REST) and Atrium's
// own (https://specs.atrium.dev/connectors, @grpcSource/@grpc: gRPC). Composition checks the
// directives against their definitions and carries every application into the supergraph
// as @join__directive, Apollo's encoding, so the gateway builds the connectors from the
// supergraph alone and rover- and Atrium-composed supergraphs are interchangeable (rover
// drops specs it does not know, so gRPC subgraphs are composed by Atrium).

// connectorSpec is one connector spec Atrium composes.
type connectorSpec struct {
	identity string
	// name is the spec's name and default alias ("connect").
	name string
	// minors are the v0.x versions served; latest is the one error messages suggest.
	minors map[int]bool
	latest string
	// source is the schema directive declaring a backend; connect the directive on
	// fields and types.
	source, connect string
	// definitions are the spec's definitions, "$" standing for "<alias>__".
	definitions string
}

var connectorSpecs = []*connectorSpec{
	{
		identity: "https://specs.apollo.dev/connect", name: "connect", minors: map[int]bool{1: true, 2: true, 3: true}, latest: "v0.3",
		source: "source", connect: "connect",
		definitions: `scalar $JSONSelection
scalar $URLTemplate
input $HTTPHeaderMapping { name: String! from: String value: String }
input $ConnectorErrors { message: $JSONSelection extensions: $JSONSelection }
input $ConnectBatch { maxSize: Int }
input $SourceHTTP { baseURL: String! headers: [$HTTPHeaderMapping!] path: $JSONSelection queryParams: $JSONSelection }
input $ConnectHTTP { GET: $URLTemplate POST: $URLTemplate PUT: $URLTemplate PATCH: $URLTemplate DELETE: $URLTemplate body: $JSONSelection headers: [$HTTPHeaderMapping!] path: $JSONSelection queryParams: $JSONSelection }
directive @source(name: String!, http: $SourceHTTP, errors: $ConnectorErrors, isSuccess: $JSONSelection) repeatable on SCHEMA
directive @connect(id: String, source: String, http: $ConnectHTTP, batch: $ConnectBatch, errors: $ConnectorErrors, isSuccess: $JSONSelection, selection: $JSONSelection!, entity: Boolean = false) repeatable on FIELD_DEFINITION | OBJECT
`,
	},
	{
		identity: "https://specs.atrium.dev/connectors", name: "connectors", minors: map[int]bool{1: true}, latest: "v0.1",
		source: "grpcSource", connect: "grpc",
		definitions: `scalar $JSONSelection
input $GRPCMetadata { name: String! from: String value: String }
input $GRPCBatch { maxSize: Int }
directive @grpcSource(name: String!, service: String!, address: String!, descriptorSet: String!, metadata: [$GRPCMetadata!]) repeatable on SCHEMA
directive @grpc(source: String!, method: String!, request: $JSONSelection, selection: $JSONSelection!, batch: $GRPCBatch, entity: Boolean = false) repeatable on FIELD_DEFINITION | OBJECT
`,
	},
}

// linkedConnector is a connector spec as one subgraph links it.
type linkedConnector struct {
	spec *connectorSpec
	f    *feature
}

func connectorSpecOf(identity string) *connectorSpec {
	for _, s := range connectorSpecs {
		if s.identity == identity {
			return s
		}
	}
	return nil
}

// readConnectorLink notes the names a subgraph gives a connector spec's directives, or
// reports a version Atrium cannot serve.
func (sg *subgraph) readConnectorLink(spec *connectorSpec, f *feature) []Diagnostic {
	if f.major != 0 || !spec.minors[f.minor] {
		code := "CONNECT_VERSION_UNSUPPORTED"
		if spec.name != "connect" {
			code = "CONNECTORS_VERSION_UNSUPPORTED"
		}
		return []Diagnostic{errorf(code, sg, f.pos, "Atrium does not serve %s: link %s/%s", f.url(), spec.identity, spec.latest)}
	}
	sg.connectors = append(sg.connectors, &linkedConnector{spec, f})
	for _, name := range []string{spec.source, spec.connect} {
		local := f.alias + "__" + name
		for _, imp := range f.imports {
			if imp.name == "@"+name {
				local = strings.TrimPrefix(imp.local(), "@")
			}
		}
		sg.names[spec.name+":"+name] = local
	}
	return nil
}

// connectDefinitions are the linked connector specs' definitions under the subgraph's
// names, for validating its applications with the GraphQL rules.
func (sg *subgraph) connectDefinitions() string {
	var b strings.Builder
	for _, lc := range sg.connectors {
		s := lc.spec
		r := strings.NewReplacer("$", lc.f.alias+"__",
			"@"+s.source+"(", "@"+sg.names[s.name+":"+s.source]+"(", "@"+s.connect+"(", "@"+sg.names[s.name+":"+s.connect]+"(")
		b.WriteString(r.Replace(s.definitions))
	}
	return b.String()
}

// isConnectType names the connector specs' own types, which a subgraph may print.
func (sg *subgraph) isConnectType(name string) bool {
	for _, lc := range sg.connectors {
		if strings.HasPrefix(name, lc.f.alias+"__") {
			return true
		}
	}
	return false
}

// connectLinks adds what the supergraph's schema says of connectors: each connector spec
// linked for execution (the highest version a subgraph links), then per connector subgraph
// its own @link and source applications as @join__directive.
func (m *merger) connectLinks() {
	for _, spec := range connectorSpecs {
		var latest *feature
		for _, sg := range m.subs {
			if lc := sg.linked(spec); lc != nil && (latest == nil || lc.f.minor > latest.minor) {
				latest = lc.f
			}
		}
		if latest == nil {
			continue
		}
		m.joinVersion = "v0.5"
		m.links = append(m.links, &supergraphLink{identity: spec.identity, url: latest.url(), name: spec.name, alias: spec.name, purpose: "EXECUTION"})
		for _, sg := range m.subs {
			lc := sg.linked(spec)
			if lc == nil {
				continue
			}
			imports := make([]string, 0, len(lc.f.imports))
			for _, imp := range lc.f.imports {
				if imp.as == "" {
					imports = append(imports, jsString(imp.name))
				} else {
					imports = append(imports, fmt.Sprintf("{name: %s, as: %s}", jsString(imp.name), jsString(imp.as)))
				}
			}
			args := "url: " + jsString(lc.f.url())
			if lc.f.alias != spec.name {
				args += ", as: " + jsString(lc.f.alias)
			}
			args += ", import: [" + strings.Join(imports, ", ") + "]"
			m.schemaJoins = append(m.schemaJoins, fmt.Sprintf("@join__directive(graphs: [%s], name: \"link\", args: {%s})", sg.graph, args))
			for _, d := range sg.schemaDirs {
				if sg.is(d, spec.name+":"+spec.source) {
					m.schemaJoins = append(m.schemaJoins, m.joinDirective(sg, spec.source, d))
				}
			}
		}
	}
}

// linked is the subgraph's link of spec, nil when it does not link it.
func (sg *subgraph) linked(spec *connectorSpec) *linkedConnector {
	for _, lc := range sg.connectors {
		if lc.spec == spec {
			return lc
		}
	}
	return nil
}

// joinDirective writes one connector directive application of sg as a @join__directive.
func (m *merger) joinDirective(sg *subgraph, name string, d *ast.Directive) string {
	return fmt.Sprintf("@join__directive(graphs: [%s], name: %q, args: %s)", sg.graph, name, m.valueString(jsArgs(d), nil))
}

// connectDirectives are the connector applications on a type (f nil) or field, in
// subgraph order, as @join__directive.
func (m *merger) connectDirectives(t *mtype, f *mfield) []string {
	var out []string
	for i, sg := range m.subs {
		var dirs ast.DirectiveList
		switch {
		case f == nil && t.src[i] != nil:
			dirs = t.src[i].dirs
		case f != nil && f.src[i] != nil:
			dirs = f.src[i].dirs
		}
		for _, lc := range sg.connectors {
			for _, d := range dirs {
				if sg.is(d, lc.spec.name+":"+lc.spec.connect) {
					out = append(out, m.joinDirective(sg, lc.spec.connect, d))
				}
			}
		}
	}
	return out
}
