package compose

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"
)

// subgraph is one parsed subgraph: its types as plain data, with federation directives
// already read through the subgraph's own names for them.
type subgraph struct {
	name, url                 string
	graph                     string // the join__Graph value: "PRODUCTS"
	fed2                      bool
	version                   int // federation minor version ×1: 2.3 → 3; 0 for Federation 1
	names                     map[string]string
	types                     map[string]*stype
	order                     []string // type names in source order
	usesTag, usesInaccessible bool
	// features are the specs the schema links (federation's too), in schema order, after
	// the link spec itself.
	features []*feature
	// composes are the @composeDirective applications, in schema order.
	composes []composeUse
	// directives are the directive definitions the SDL itself writes, by name.
	directives map[string]*ast.DirectiveDefinition
	// schemaDirs are the directives applied to the schema, @link and @composeDirective aside.
	schemaDirs ast.DirectiveList
	// connectors are the connector specs the subgraph links (Apollo Connectors, Atrium's gRPC).
	connectors []*linkedConnector
}

// composeUse is one @composeDirective(name:) application; name is nil when absent.
type composeUse struct {
	name *ast.Value
	pos  position
}

// stype is a type as one subgraph defines it (all its blocks merged).
type stype struct {
	name        string
	kind        ast.DefinitionKind
	pos         position
	description string
	// extension: a Federation 2 `extend type` or an @extends (ours is "owned elsewhere").
	keys []*skey
	// extendsDirective: the type carries @extends (its keys are printed extension: true).
	extendsDirective bool
	interfaceObject  bool
	inaccessible     bool
	tags             []string
	interfaces       []string
	fields           []*sfield
	values           []*svalue
	members          []string
	// onlyExtensions: every block of the type here is an `extend type` (Federation 2).
	onlyExtensions bool
	// dirs are the directives applied to the type, over all its blocks.
	dirs ast.DirectiveList
}

type skey struct {
	fields     string
	resolvable *bool
	extension  bool
	pos        position
}

type sfield struct {
	parent       *stype
	name         string
	typ          *ast.Type
	args         ast.ArgumentDefinitionList
	defaultValue *ast.Value // input fields
	description  string
	pos          position
	shareable    bool
	external     bool
	// fakeExternal: an @external key field of a Federation 2 extension, resolvable here.
	fakeExternal  bool
	requires      string
	provides      string
	override      string
	overrideLabel string
	hasOverride   bool
	inaccessible  bool
	tags          []string
	deprecated    *ast.Directive
	dirs          ast.DirectiveList
	// usedByKey etc. are set by validation: the field appears in one of this subgraph's
	// field sets.
	usedByKey, usedByRequires, usedByProvides bool
}

type svalue struct {
	name         string
	description  string
	inaccessible bool
	tags         []string
	deprecated   *ast.Directive
	dirs         ast.DirectiveList
}

func (t *stype) field(name string) *sfield {
	for _, f := range t.fields {
		if f.name == name {
			return f
		}
	}
	return nil
}

func (t *stype) isEntity() bool { return len(t.keys) > 0 }

// federation elements: canonical name → the first federation version that has it.
var fedDirectives = map[string]int{
	"key": 0, "requires": 0, "provides": 0, "external": 0, "tag": 0, "extends": 0,
	"shareable": 0, "inaccessible": 0, "override": 0,
	"composeDirective": 1, "interfaceObject": 3, "authenticated": 5, "requiresScopes": 5,
	"policy": 6, "context": 8, "fromContext": 8, "cost": 9, "listSize": 9,
}

var fedTypes = map[string]int{"FieldSet": 0, "Scope": 5, "Policy": 6, "ContextFieldValue": 8}

const fedURL = "https://specs.apollo.dev/federation/v"

var subgraphNameRE = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]*$`)

func posOf(p *ast.Position) position {
	if p == nil {
		return position{}
	}
	return position{p.Line, p.Column}
}

// parseSubgraph parses one subgraph and reads its federation directives.
func parseSubgraph(in Input) (*subgraph, []Diagnostic) {
	sg := &subgraph{name: in.Name, url: in.URL, types: map[string]*stype{}}
	if in.Name == "_" || !subgraphNameRE.MatchString(in.Name) {
		return nil, []Diagnostic{{Code: "INVALID_SUBGRAPH_NAME", Message: fmt.Sprintf(
			"Invalid name %q for a subgraph: use letters, digits, '_', '-' and '.', and not \"_\" alone", in.Name)}}
	}
	if strings.TrimSpace(in.SDL) == "" {
		return nil, []Diagnostic{errorf("INVALID_GRAPHQL", sg, position{}, "The subgraph's schema is empty")}
	}
	doc, err := parser.ParseSchema(&ast.Source{Name: in.Name, Input: in.SDL})
	if err != nil {
		return nil, []Diagnostic{gqlDiagnostic(sg, err)}
	}
	if d := sg.readLinks(doc); d != nil {
		return nil, d
	}
	sg.directives = map[string]*ast.DirectiveDefinition{}
	for _, d := range doc.Directives {
		if sg.directives[d.Name] == nil {
			sg.directives[d.Name] = d
		}
	}
	stripMachinery(doc, sg)
	// Validate a second parse: the validator merges extensions into definitions in place.
	if d := sg.validateGraphQL(in.SDL); d != nil {
		return nil, []Diagnostic{*d}
	}
	if d := sg.readRoots(doc); d != nil {
		return nil, d
	}
	if errs := sg.readTypes(doc); len(errs) > 0 {
		return nil, errs
	}
	return sg, nil
}

func gqlDiagnostic(sg *subgraph, err error) Diagnostic {
	if ge, ok := err.(*gqlerror.Error); ok {
		var pos position
		if len(ge.Locations) > 0 {
			pos = position{ge.Locations[0].Line, ge.Locations[0].Column}
		}
		return errorf("INVALID_GRAPHQL", sg, pos, "%s", strings.TrimSuffix(ge.Message, "."))
	}
	if list, ok := err.(gqlerror.List); ok && len(list) > 0 {
		return gqlDiagnostic(sg, list[0])
	}
	return errorf("INVALID_GRAPHQL", sg, position{}, "%s", err.Error())
}

// readLinks reads `extend schema @link(...)`: the federation version and the names under
// which this subgraph refers to federation's directives.
func (sg *subgraph) readLinks(doc *ast.SchemaDocument) []Diagnostic {
	var dirs ast.DirectiveList
	for _, s := range doc.Schema {
		dirs = append(dirs, s.Directives...)
	}
	for _, s := range doc.SchemaExtension {
		dirs = append(dirs, s.Directives...)
	}
	sg.names = map[string]string{}
	var errs []Diagnostic
	found := false
	for _, d := range dirs {
		if d.Name != "link" {
			continue
		}
		url := stringArg(d, "url")
		as := stringArg(d, "as")
		if f, ok := parseFeature(d); ok {
			sg.features = append(sg.features, f)
			if spec := connectorSpecOf(f.identity); spec != nil {
				errs = append(errs, sg.readConnectorLink(spec, f)...)
			}
		}
		switch {
		case strings.HasPrefix(url, fedURL):
			if found {
				errs = append(errs, errorf("INVALID_LINK_DIRECTIVE_USAGE", sg, posOf(d.Position), "Duplicate inclusion of feature https://specs.apollo.dev/federation"))
				continue
			}
			found = true
			ver := strings.TrimPrefix(url, fedURL)
			minor, ok := fedVersions[ver]
			if !ok {
				errs = append(errs, errorf("UNKNOWN_FEDERATION_LINK_VERSION", sg, posOf(d.Position), "Invalid version v%s for the federation feature in @link direction on schema", ver))
				continue
			}
			sg.fed2, sg.version = true, minor
			prefix := "federation"
			if as != "" {
				prefix = as
			}
			for name, since := range fedDirectives {
				if since <= minor {
					sg.names[name] = prefix + "__" + name
				}
			}
			for name, since := range fedTypes {
				if since <= minor {
					sg.names["type:"+name] = prefix + "__" + name
				}
			}
			errs = append(errs, sg.readImports(d, minor)...)
		case strings.HasPrefix(url, "https://specs.apollo.dev/inaccessible/"), strings.HasPrefix(url, "https://specs.apollo.dev/tag/"):
			name := "inaccessible"
			if strings.Contains(url, "/tag/") {
				name = "tag"
			}
			local := name
			if as != "" {
				local = as
			}
			sg.names[name] = local
		}
	}
	if len(errs) > 0 {
		return errs
	}
	if found {
		sg.readSchemaDirectives(dirs)
	} else {
		// Federation 1: the directives go by their plain names; @inaccessible only when the
		// schema defines it.
		for _, n := range []string{"key", "requires", "provides", "external", "tag", "extends"} {
			sg.names[n] = n
		}
		sg.names["type:FieldSet"] = "_FieldSet"
		for _, d := range doc.Directives {
			if d.Name == "inaccessible" {
				sg.names["inaccessible"] = "inaccessible"
			}
		}
	}
	return nil
}

// readSchemaDirectives records a Federation 2 subgraph's @composeDirective applications and
// the other directives applied to its schema, and puts the link spec itself first among
// the features (a schema that does not @link it links it implicitly).
func (sg *subgraph) readSchemaDirectives(dirs ast.DirectiveList) {
	hasLink := false
	for _, f := range sg.features {
		hasLink = hasLink || f.identity == "https://specs.apollo.dev/link"
	}
	if !hasLink {
		sg.features = append([]*feature{{identity: "https://specs.apollo.dev/link", name: "link", alias: "link", major: 1}}, sg.features...)
	}
	for _, d := range dirs {
		switch {
		case d.Name == "link":
		case sg.is(d, "composeDirective"):
			u := composeUse{pos: posOf(d.Position)}
			if a := d.Arguments.ForName("name"); a != nil {
				u.name = a.Value
			}
			sg.composes = append(sg.composes, u)
		default:
			if sg.is(d, "tag") {
				sg.usesTag = true
			}
			sg.schemaDirs = append(sg.schemaDirs, d)
		}
	}
}

var fedVersions = map[string]int{"2.0": 0, "2.1": 1, "2.2": 2, "2.3": 3, "2.4": 4, "2.5": 5, "2.6": 6, "2.7": 7, "2.8": 8, "2.9": 9, "2.10": 10, "2.11": 11, "2.12": 12}

func (sg *subgraph) readImports(d *ast.Directive, minor int) []Diagnostic {
	arg := d.Arguments.ForName("import")
	if arg == nil || arg.Value == nil {
		return nil
	}
	var errs []Diagnostic
	for _, item := range arg.Value.Children {
		v := item.Value
		var name, as string
		switch v.Kind {
		case ast.StringValue:
			name = v.Raw
		case ast.ObjectValue:
			for _, c := range v.Children {
				switch c.Name {
				case "name":
					name = c.Value.Raw
				case "as":
					as = c.Value.Raw
				}
			}
		}
		isDirective := strings.HasPrefix(name, "@")
		canonical := strings.TrimPrefix(name, "@")
		if as == "" {
			as = name
		}
		if isDirective != strings.HasPrefix(as, "@") {
			errs = append(errs, errorf("INVALID_LINK_DIRECTIVE_USAGE", sg, posOf(v.Position), "Invalid @link import renaming: directive %s imported name should start with a '@' character", name))
			continue
		}
		local := strings.TrimPrefix(as, "@")
		if isDirective {
			since, ok := fedDirectives[canonical]
			if !ok || since > minor {
				errs = append(errs, errorf("INVALID_LINK_DIRECTIVE_USAGE", sg, posOf(v.Position), "Cannot import unknown element \"%s\".", name))
				continue
			}
			sg.names[canonical] = local
			continue
		}
		since, ok := fedTypes[canonical]
		if !ok || since > minor {
			errs = append(errs, errorf("INVALID_LINK_DIRECTIVE_USAGE", sg, posOf(v.Position), "Cannot import unknown element \"%s\".", name))
			continue
		}
		sg.names["type:"+canonical] = local
	}
	return errs
}

func stringArg(d *ast.Directive, name string) string {
	a := d.Arguments.ForName(name)
	if a == nil || a.Value == nil {
		return ""
	}
	return a.Value.Raw
}

func boolArg(d *ast.Directive, name string) *bool {
	a := d.Arguments.ForName(name)
	if a == nil || a.Value == nil || a.Value.Kind != ast.BooleanValue {
		return nil
	}
	b := a.Value.Raw == "true"
	return &b
}

// is reports whether d is the federation directive canonical, as this subgraph names it.
func (sg *subgraph) is(d *ast.Directive, canonical string) bool {
	n, ok := sg.names[canonical]
	return ok && d.Name == n
}

// isMachinery names the types and directives a subgraph framework prints for federation
// itself; they are replaced by ours and never merged.
func (sg *subgraph) isMachineryType(name string) bool {
	switch name {
	case "_Service", "_Entity", "_Any", "_FieldSet", "FieldSet", "link__Import", "link__Purpose":
		return true
	}
	if strings.HasPrefix(name, "federation__") || strings.HasPrefix(name, "join__") || sg.isConnectType(name) {
		return true
	}
	for k, v := range sg.names {
		if strings.HasPrefix(k, "type:") && v == name {
			return true
		}
	}
	return false
}

func (sg *subgraph) isMachineryDirective(name string) bool {
	if name == "link" || strings.HasPrefix(name, "federation__") {
		return true
	}
	if strings.HasPrefix(name, "join__") {
		// unless another spec imports it under that name (Apollo refuses that later, in the
		// supergraph's @link)
		for _, f := range sg.features {
			for _, imp := range f.imports {
				if imp.local() == "@"+name && f.identity != "https://specs.apollo.dev/join" {
					return false
				}
			}
		}
		return true
	}
	for k, v := range sg.names {
		if !strings.HasPrefix(k, "type:") && v == name {
			return true
		}
	}
	return false
}

func stripMachinery(doc *ast.SchemaDocument, sg *subgraph) {
	keep := doc.Definitions[:0]
	for _, d := range doc.Definitions {
		if !sg.isMachineryType(d.Name) {
			keep = append(keep, d)
		}
	}
	doc.Definitions = keep
	keepExt := doc.Extensions[:0]
	for _, d := range doc.Extensions {
		if !sg.isMachineryType(d.Name) {
			keepExt = append(keepExt, d)
		}
	}
	doc.Extensions = keepExt
	keepDir := doc.Directives[:0]
	for _, d := range doc.Directives {
		if !sg.isMachineryDirective(d.Name) {
			keepDir = append(keepDir, d)
		}
	}
	doc.Directives = keepDir
	for _, list := range [][]*ast.Definition{doc.Definitions, doc.Extensions} {
		for _, d := range list {
			fields := d.Fields[:0]
			for _, f := range d.Fields {
				if f.Name != "_entities" && f.Name != "_service" {
					fields = append(fields, f)
				}
			}
			d.Fields = fields
		}
	}
}

// definitions returns the SDL of the federation definitions this subgraph may use, under
// its own names, for validating it with the GraphQL rules.
func (sg *subgraph) definitions() string {
	n := func(c string) string { return sg.names[c] }
	fieldSet := sg.names["type:FieldSet"]
	var b strings.Builder
	b.WriteString("directive @link(url: String, as: String, for: link__Purpose, import: [link__Import]) repeatable on SCHEMA\n")
	b.WriteString("scalar link__Import\nenum link__Purpose { SECURITY EXECUTION }\nscalar _Any\n")
	fmt.Fprintf(&b, "scalar %s\n", fieldSet)
	def := func(c, text string) {
		if name := n(c); name != "" {
			fmt.Fprintf(&b, "directive @%s%s\n", name, text)
		}
	}
	def("key", fmt.Sprintf("(fields: %s!, resolvable: Boolean = true) repeatable on OBJECT | INTERFACE", fieldSet))
	def("requires", fmt.Sprintf("(fields: %s!) on FIELD_DEFINITION", fieldSet))
	def("provides", fmt.Sprintf("(fields: %s!) on FIELD_DEFINITION", fieldSet))
	def("external", "(reason: String) on OBJECT | FIELD_DEFINITION")
	def("tag", "(name: String!) repeatable on FIELD_DEFINITION | OBJECT | INTERFACE | UNION | ARGUMENT_DEFINITION | SCALAR | ENUM | ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION | SCHEMA")
	def("extends", " on OBJECT | INTERFACE")
	shareable := " on OBJECT | FIELD_DEFINITION"
	if sg.version >= 2 {
		shareable = " repeatable on OBJECT | FIELD_DEFINITION"
	}
	def("shareable", shareable)
	def("inaccessible", " on FIELD_DEFINITION | OBJECT | INTERFACE | UNION | ARGUMENT_DEFINITION | SCALAR | ENUM | ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION")
	if sg.version >= 7 {
		def("override", "(from: String!, label: String) on FIELD_DEFINITION")
	} else {
		def("override", "(from: String!) on FIELD_DEFINITION")
	}
	def("composeDirective", "(name: String) repeatable on SCHEMA")
	def("interfaceObject", " on OBJECT")
	auth := " on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM"
	def("authenticated", auth)
	if name := sg.names["type:Scope"]; name != "" {
		fmt.Fprintf(&b, "scalar %s\n", name)
		def("requiresScopes", fmt.Sprintf("(scopes: [[%s!]!]!)%s", name, auth))
	}
	if name := sg.names["type:Policy"]; name != "" {
		fmt.Fprintf(&b, "scalar %s\n", name)
		def("policy", fmt.Sprintf("(policies: [[%s!]!]!)%s", name, auth))
	}
	if name := sg.names["type:ContextFieldValue"]; name != "" {
		fmt.Fprintf(&b, "scalar %s\n", name)
		def("context", "(name: String!) repeatable on INTERFACE | OBJECT | UNION")
		def("fromContext", fmt.Sprintf("(field: %s) on ARGUMENT_DEFINITION", name))
	}
	def("cost", "(weight: Int!) on ARGUMENT_DEFINITION | ENUM | FIELD_DEFINITION | INPUT_FIELD_DEFINITION | OBJECT | SCALAR")
	def("listSize", "(assumedSize: Int, slicingArguments: [String!], sizedFields: [String!], requireOneSlicingArgument: Boolean = true) on FIELD_DEFINITION")
	b.WriteString(sg.connectDefinitions())
	return b.String()
}

// validateGraphQL checks the subgraph against the GraphQL schema rules (unknown types and
// directives, bad locations, duplicate names), with federation's definitions in scope.
func (sg *subgraph) validateGraphQL(sdl string) *Diagnostic {
	doc, err := parser.ParseSchema(&ast.Source{Name: sg.name, Input: sdl})
	if err != nil {
		d := gqlDiagnostic(sg, err)
		return &d
	}
	stripMachinery(doc, sg)
	doc.Schema, doc.SchemaExtension = schemaWithoutLinks(doc.Schema), schemaWithoutLinks(doc.SchemaExtension)
	defs, err := parser.ParseSchema(&ast.Source{Name: "federation", Input: sg.definitions()})
	if err != nil {
		panic("federation definitions do not parse: " + err.Error())
	}
	full := &ast.SchemaDocument{}
	full.Merge(validator.PreludeDocument())
	full.Merge(defs)
	full.Merge(doc)
	if _, err := validator.ValidateSchemaDocument(full); err != nil {
		d := gqlDiagnostic(sg, err)
		if name, ok := strings.CutPrefix(d.Message, "["+sg.name+"] Undefined directive "); ok {
			d.Message += sg.directiveAdvice(name)
		}
		return &d
	}
	return nil
}

// schemaWithoutLinks keeps schema blocks but drops @link (validated by readLinks) so that
// an import list naming things the validator does not know passes.
func schemaWithoutLinks(list ast.SchemaDefinitionList) ast.SchemaDefinitionList {
	for _, s := range list {
		dirs := s.Directives[:0]
		for _, d := range s.Directives {
			if d.Name != "link" {
				dirs = append(dirs, d)
			}
		}
		s.Directives = dirs
	}
	return list
}

// directiveAdvice tells a Federation 2 user how to use a federation directive they did not
// import, as Apollo's message does.
func (sg *subgraph) directiveAdvice(name string) string {
	for c := range fedDirectives {
		if name == c {
			if !sg.fed2 {
				return fmt.Sprintf(" (this subgraph is a Federation 1 schema: @%s needs Federation 2, `extend schema @link(url: \"https://specs.apollo.dev/federation/v2.3\", import: [\"@%s\"])`)", c, c)
			}
			return fmt.Sprintf(" (if you meant the \"@%s\" federation directive, you should use fully-qualified name \"@federation__%s\" or add \"@%s\" to the `import` argument of the @link to the federation specification)", c, c, c)
		}
	}
	return ""
}

// readRoots maps renamed root types (schema { query: RootQuery }) to Query, Mutation and
// Subscription.
func (sg *subgraph) readRoots(doc *ast.SchemaDocument) []Diagnostic {
	rename := map[string]string{}
	for _, list := range []ast.SchemaDefinitionList{doc.Schema, doc.SchemaExtension} {
		for _, s := range list {
			for _, op := range s.OperationTypes {
				canonical := map[ast.Operation]string{ast.Query: "Query", ast.Mutation: "Mutation", ast.Subscription: "Subscription"}[op.Operation]
				if op.Type != canonical {
					rename[op.Type] = canonical
				}
			}
		}
	}
	var errs []Diagnostic
	for local, canonical := range rename {
		for _, list := range []ast.DefinitionList{doc.Definitions, doc.Extensions} {
			for _, d := range list {
				if d.Name == canonical {
					code := "ROOT_" + strings.ToUpper(canonical) + "_USED"
					errs = append(errs, errorf(code, sg, posOf(d.Position),
						"The schema has a type named %q but it is not set as the %s root type (%q is instead): this is not supported by federation. If a root type does not use its default name, there should be no other type with that default name.",
						canonical, strings.ToLower(canonical), local))
				}
			}
		}
	}
	if len(errs) > 0 {
		return errs
	}
	if len(rename) == 0 {
		return nil
	}
	renameType := func(t *ast.Type) {
		for t != nil {
			if t.NamedType != "" {
				if n, ok := rename[t.NamedType]; ok {
					t.NamedType = n
				}
			}
			t = t.Elem
		}
	}
	for _, list := range []ast.DefinitionList{doc.Definitions, doc.Extensions} {
		for _, d := range list {
			if n, ok := rename[d.Name]; ok {
				d.Name = n
			}
			for _, f := range d.Fields {
				renameType(f.Type)
				for _, a := range f.Arguments {
					renameType(a.Type)
				}
			}
			for i, m := range d.Types {
				if n, ok := rename[m]; ok {
					d.Types[i] = n
				}
			}
		}
	}
	return nil
}

// readTypes turns the document's definitions and extensions into stypes.
func (sg *subgraph) readTypes(doc *ast.SchemaDocument) []Diagnostic {
	type block struct {
		def       *ast.Definition
		extension bool
	}
	var blocks []block
	for _, d := range doc.Definitions {
		blocks = append(blocks, block{d, false})
	}
	for _, d := range doc.Extensions {
		blocks = append(blocks, block{d, true})
	}
	sort.SliceStable(blocks, func(i, j int) bool {
		return posLess(blocks[i].def.Position, blocks[j].def.Position)
	})
	var errs []Diagnostic
	for _, bl := range blocks {
		d := bl.def
		t := sg.types[d.Name]
		if t == nil {
			t = &stype{name: d.Name, kind: d.Kind, pos: posOf(d.Position), onlyExtensions: true}
			sg.types[d.Name] = t
			sg.order = append(sg.order, d.Name)
		}
		if !bl.extension {
			t.onlyExtensions = false
		}
		if d.Description != "" && t.description == "" {
			t.description = d.Description
		}
		blockShareable := false
		blockExternal := false
		for _, dir := range d.Directives {
			switch {
			case sg.is(dir, "key"):
				k := &skey{fields: stringArg(dir, "fields"), resolvable: boolArg(dir, "resolvable"), extension: bl.extension, pos: posOf(dir.Position)}
				if a := dir.Arguments.ForName("fields"); a != nil && a.Value != nil && a.Value.Kind == ast.ListValue {
					k.fields = joinListArg(a.Value)
				}
				t.keys = append(t.keys, k)
			case sg.is(dir, "extends"):
				t.extendsDirective = true
			case sg.is(dir, "shareable"):
				blockShareable = true
			case sg.is(dir, "external"):
				blockExternal = true
			case sg.is(dir, "interfaceObject"):
				t.interfaceObject = true
			case sg.is(dir, "inaccessible"):
				t.inaccessible = true
				sg.usesInaccessible = true
			case sg.is(dir, "tag"):
				t.tags = appendUnique(t.tags, stringArg(dir, "name"))
				sg.usesTag = true
			}
		}
		t.dirs = append(t.dirs, d.Directives...)
		t.interfaces = appendUnique(t.interfaces, d.Interfaces...)
		for _, m := range d.Types {
			t.members = appendUnique(t.members, m)
		}
		for _, fd := range d.Fields {
			if t.field(fd.Name) != nil {
				errs = append(errs, errorf("INVALID_GRAPHQL", sg, posOf(fd.Position), "Field \"%s.%s\" can only be defined once.", d.Name, fd.Name))
				continue
			}
			f := &sfield{parent: t, name: fd.Name, typ: fd.Type, args: fd.Arguments, defaultValue: fd.DefaultValue,
				description: fd.Description, pos: posOf(fd.Position), shareable: blockShareable, external: blockExternal, dirs: fd.Directives}
			for _, dir := range fd.Directives {
				switch {
				case sg.is(dir, "shareable"):
					f.shareable = true
				case sg.is(dir, "external"):
					f.external = true
				case sg.is(dir, "requires"):
					f.requires = stringArg(dir, "fields")
				case sg.is(dir, "provides"):
					f.provides = stringArg(dir, "fields")
				case sg.is(dir, "override"):
					f.hasOverride = true
					f.override = stringArg(dir, "from")
					f.overrideLabel = stringArg(dir, "label")
				case sg.is(dir, "inaccessible"):
					f.inaccessible = true
					sg.usesInaccessible = true
				case sg.is(dir, "tag"):
					f.tags = appendUnique(f.tags, stringArg(dir, "name"))
					sg.usesTag = true
				case dir.Name == "deprecated":
					f.deprecated = dir
				}
			}
			for _, a := range fd.Arguments {
				for _, dir := range a.Directives {
					if sg.is(dir, "inaccessible") {
						sg.usesInaccessible = true
					}
					if sg.is(dir, "tag") {
						sg.usesTag = true
					}
				}
			}
			t.fields = append(t.fields, f)
		}
		for _, ev := range d.EnumValues {
			v := &svalue{name: ev.Name, description: ev.Description, dirs: ev.Directives}
			for _, dir := range ev.Directives {
				switch {
				case sg.is(dir, "inaccessible"):
					v.inaccessible = true
					sg.usesInaccessible = true
				case sg.is(dir, "tag"):
					v.tags = appendUnique(v.tags, stringArg(dir, "name"))
					sg.usesTag = true
				case dir.Name == "deprecated":
					v.deprecated = dir
				}
			}
			t.values = append(t.values, v)
		}
	}
	// Every subgraph answers Query (_service at least), so every subgraph has it.
	if sg.types["Query"] == nil {
		sg.types["Query"] = &stype{name: "Query", kind: ast.Object}
		sg.order = append(sg.order, "Query")
	}
	return errs
}

func posLess(a, b *ast.Position) bool {
	if a == nil || b == nil {
		return a != nil
	}
	if a.Line != b.Line {
		return a.Line < b.Line
	}
	return a.Column < b.Column
}

// joinListArg reads Federation 1's `fields: ["a", "b"]` as "a b".
func joinListArg(v *ast.Value) string {
	var parts []string
	for _, c := range v.Children {
		parts = append(parts, c.Value.Raw)
	}
	return strings.Join(parts, " ")
}

func appendUnique(list []string, items ...string) []string {
	for _, it := range items {
		found := false
		for _, x := range list {
			if x == it {
				found = true
				break
			}
		}
		if !found {
			list = append(list, it)
		}
	}
	return list
}

// assignGraphNames gives each subgraph its join__Graph value: upper case, non-alphanumerics
// as '_', a '_' before a leading digit and after a trailing "_<digits>", duplicates numbered.
func assignGraphNames(subs []*subgraph) {
	used := map[string]int{}
	for _, sg := range subs {
		var b strings.Builder
		for _, r := range sg.name {
			if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' {
				b.WriteRune(r)
			} else {
				b.WriteByte('_')
			}
		}
		n := strings.ToUpper(b.String())
		if n != "" && n[0] >= '0' && n[0] <= '9' {
			n = "_" + n
		}
		if trailingNumber.MatchString(n) {
			n += "_"
		}
		if c := used[n]; c > 0 {
			used[n] = c + 1
			n = fmt.Sprintf("%s_%d", n, c)
		} else {
			used[n] = 1
		}
		sg.graph = n
	}
}

var trailingNumber = regexp.MustCompile(`_[0-9]+$`)
