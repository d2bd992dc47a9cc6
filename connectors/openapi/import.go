// Package openapi imports an OpenAPI 3.0/3.1 document as an Apollo Federation v2 subgraph
// whose fields are Apollo Connectors (@source/@connect, connect v0.3), and reports everything
// it could not map. The mapping is described in docs/connectors-openapi.md.
package openapi

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"regexp"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/pb33f/go-yaml"
	"github.com/pb33f/libopenapi"
	"github.com/pb33f/libopenapi/datamodel"
	"github.com/pb33f/libopenapi/datamodel/high/base"
	v3 "github.com/pb33f/libopenapi/datamodel/high/v3"
	"github.com/pb33f/libopenapi/index"

	"github.com/atrium-gateway/atrium/connectors/internal/naming"
)

// Options configure Import.
type Options struct {
	// Name names the @source (and, by convention, the subgraph and its files): a letter, then
	// letters, digits, "_" or "-".
	Name string
	// BaseURL, when set, is the source's baseURL instead of the document's servers[0].
	BaseURL string
	// Include and Exclude select operations: "tag:NAME" or "path:GLOB" ("*" matches within a
	// path segment, "**" any number of segments). With Include, only matching operations are
	// imported; Exclude wins over Include.
	Include, Exclude []string
	// Query and Mutation put operations ("POST /search", the path as in the document) on that
	// root type, whatever their method says.
	Query, Mutation []string
	// Entities makes GET-by-id operations entity lookups: `entity: true` on the field and
	// @key on the type, when the type is also listed by another GET operation.
	Entities bool
}

// Result is an imported subgraph and its report.
type Result struct {
	// SDL is the subgraph schema.
	SDL string
	// Report lists what was not mapped, or mapped differently, sorted by path then method.
	Report []Finding
	// Mapped and Skipped count operations (operations excluded by filters are in neither).
	Mapped, Skipped int
	// Name is Options.Name; Title, APIVersion and OpenAPI describe the document.
	Name, Title, APIVersion, OpenAPI string
	Summary                          Summary
}

// Summary counts what the SDL holds.
type Summary struct {
	Queries   int `json:"queries"`
	Mutations int `json:"mutations"`
	Excluded  int `json:"excluded"`
	Objects   int `json:"objects"`
	Inputs    int `json:"inputs"`
	Enums     int `json:"enums"`
	Scalars   int `json:"scalars"`
}

var yamlError = regexp.MustCompile(`at L(\d+)\.C(\d+)(?:-C\d+)?: (.*)$`)

var sourceName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]*$`)

// Import maps an OpenAPI document (YAML or JSON) to a connector subgraph. It reads nothing
// but spec: external $refs are not followed but reported. An error means no SDL: the input
// is not an OpenAPI 3 document, or the options are invalid. Import is safe for concurrent use.
func Import(spec []byte, opts Options) (res *Result, err error) {
	if !sourceName.MatchString(opts.Name) {
		return nil, fmt.Errorf("name %q: want a letter, then letters, digits, '_' or '-'", opts.Name)
	}
	if opts.BaseURL != "" {
		if u, err := url.Parse(opts.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("base URL %q: want an absolute http(s) URL", opts.BaseURL)
		}
	}
	sel, err := newSelector(opts)
	if err != nil {
		return nil, err
	}
	defer func() {
		// libopenapi is large and fed arbitrary input: a panic in it is an import error,
		// not a crash of the command.
		if r := recover(); r != nil {
			in := "the importer"
			if panickedIn(string(debug.Stack()), "github.com/pb33f/") {
				in = "libopenapi"
			}
			res, err = nil, fmt.Errorf("internal error in %s reading the document (please report it): %v", in, r)
		}
	}()
	doc, root, warnings, err := load(spec)
	if err != nil {
		return nil, err
	}
	g := &gen{
		opts: opts, sel: sel, doc: doc, root: root,
		types:      naming.NewFoldedNamespace(reservedTypeNames...),
		fieldNames: naming.NewFoldedNamespace(),
		components: map[string]*base.SchemaProxy{},
		objects:    map[busyKey]*objType{},
		enums:      map[any]*enumType{},
		busy:       map[busyKey]bool{},
		seen:       map[string]bool{},
	}
	for _, w := range warnings {
		g.warning(w)
	}
	res = &Result{Name: opts.Name, OpenAPI: doc.Version}
	if doc.Info != nil {
		res.Title, res.APIVersion = oneLine(doc.Info.Title), oneLine(doc.Info.Version)
	}
	if err := g.run(); err != nil {
		return nil, err
	}
	res.SDL = g.print()
	sortFindings(g.findings)
	res.Report = g.findings
	res.Mapped, res.Skipped = g.mapped, g.skipped
	res.Summary = g.summary()
	return res, nil
}

// load parses spec with libopenapi. Swagger 2.0 and documents with unresolvable local $refs
// are refused; circular references are not errors here (they map to recursive types).
func load(spec []byte) (doc *v3.Document, root *yaml.Node, warnings []error, err error) {
	cfg := datamodel.NewDocumentConfiguration()
	cfg.Logger = slog.New(slog.DiscardHandler)
	cfg.SkipExternalRefResolution = true
	cfg.IgnorePolymorphicCircularReferences = true
	cfg.IgnoreArrayCircularReferences = true
	d, err := libopenapi.NewDocumentWithConfiguration(spec, cfg)
	if err != nil {
		msg := oneLine(err.Error())
		switch {
		case strings.Contains(msg, "nothing in the spec"):
			msg = "the document is empty"
		case strings.Contains(msg, "spec type not supported"):
			msg = "not an OpenAPI document: no top-level openapi: 3.x field"
		case strings.Contains(msg, "unable to parse specification"):
			if m := yamlError.FindStringSubmatch(msg); m != nil {
				msg = fmt.Sprintf("not valid YAML or JSON: line %s, column %s: %s", m[1], m[2], m[3])
			} else {
				msg = "not valid YAML or JSON: " + strings.TrimPrefix(msg, "unable to parse specification: ")
			}
		}
		return nil, nil, nil, errors.New(msg)
	}
	info := d.GetSpecInfo()
	switch info.SpecFormat {
	case datamodel.OAS2:
		return nil, nil, nil, errors.New("the document is Swagger 2.0, which is not supported: convert it to OpenAPI 3 first (for example `npx swagger2openapi api.yaml -o api3.yaml`)")
	case datamodel.OAS3, datamodel.OAS31, datamodel.OAS32:
	default:
		return nil, nil, nil, fmt.Errorf("not an OpenAPI 3 document (openapi: %q)", d.GetVersion())
	}
	if !strings.HasPrefix(d.GetVersion(), "3.") {
		return nil, nil, nil, fmt.Errorf("OpenAPI version %q is not supported: want 3.0 or 3.1", d.GetVersion())
	}
	m, err := d.BuildV3Model()
	if m == nil {
		var msgs []string
		for _, e := range unwrap(err) {
			msgs = append(msgs, oneLine(e.Error()))
		}
		if len(msgs) == 0 {
			msgs = append(msgs, "unknown error")
		}
		return nil, nil, nil, fmt.Errorf("the document cannot be read: %s", strings.Join(msgs, "; "))
	}
	return &m.Model, info.RootNode, unwrap(err), nil
}

// warning reports a problem libopenapi found but built the model around (a $ref to a
// missing response or parameter, an infinite circular reference): what it concerns is
// missing from the model, so from the SDL.
func (g *gen) warning(err error) {
	line, col := 0, 0
	var ie *index.IndexingError
	var re *index.ResolvingError
	switch {
	case errors.As(err, &ie) && ie.Node != nil:
		line, col = ie.Node.Line, ie.Node.Column
	case errors.As(err, &re) && re.Node != nil:
		line, col = re.Node.Line, re.Node.Column
	}
	msg := oneLine(err.Error())
	if re != nil && re.CircularReference != nil {
		g.reportAt(Changed, where{ptr: "#"}, line, col, "circular reference: "+msg, "")
		return
	}
	g.reportAt(Unmapped, where{ptr: "#"}, line, col, msg+": what refers to it is left out", "fix the $ref")
}

// panickedIn reports whether the function that panicked, in a stack printed by a deferred
// function, is in a package with the given prefix.
func panickedIn(stack, prefix string) bool {
	lines := strings.Split(stack, "\n")
	for i, l := range lines {
		if !strings.HasPrefix(l, "panic(") {
			continue
		}
		for _, f := range lines[i+1:] {
			if strings.HasPrefix(f, "\t") || strings.HasPrefix(f, "runtime.") {
				continue
			}
			return strings.HasPrefix(f, prefix)
		}
	}
	return false
}

func unwrap(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, unwrap(e)...)
		}
		return out
	}
	return []error{err}
}

// gen holds the state of one import.
type gen struct {
	opts Options
	sel  *selector
	doc  *v3.Document
	root *yaml.Node

	types      *naming.Namespace // type names, enums included
	fieldNames *naming.Namespace // Query and Mutation field names
	components map[string]*base.SchemaProxy

	objects    map[busyKey]*objType
	objectList []*objType
	enums      map[any]*enumType
	busy       map[busyKey]bool

	baseURL string
	fields  []*rootField

	findings []Finding
	seen     map[string]bool

	mapped, skipped, excluded int
}

func (g *gen) run() error {
	if g.doc.Components != nil {
		for name, sp := range g.doc.Components.Schemas.FromOldest() {
			g.components[name] = sp
		}
	}
	names := make([]string, 0, len(g.components))
	for n := range g.components {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		g.types.Reserve(pascal(n, "Type"), "comp:"+n)
	}
	g.baseURL = g.server()
	g.documentInfo()
	ops := g.operations()
	if err := g.sel.check(ops); err != nil {
		return err
	}
	for _, op := range ops {
		if !g.sel.selected(op) {
			g.excluded++
			continue
		}
		if f := g.operation(op); f != nil {
			g.fields = append(g.fields, f)
			g.mapped++
		} else {
			g.skipped++
		}
	}
	g.cycles()
	if g.opts.Entities {
		g.entities()
	}
	return nil
}

// server picks the source's baseURL: --base-url, else servers[0] with its variables' defaults.
func (g *gen) server() string {
	if g.opts.BaseURL != "" {
		return strings.TrimSuffix(g.opts.BaseURL, "/")
	}
	w := where{ptr: "#/servers"}
	if len(g.doc.Servers) == 0 || g.doc.Servers[0] == nil {
		g.report(Changed, w, "no servers: baseURL is http://localhost", "pass --base-url, or edit @source; atrium.yaml overrides it per environment")
		return "http://localhost"
	}
	s := g.doc.Servers[0]
	u := s.URL
	for name, v := range s.Variables.FromOldest() {
		if v != nil {
			u = strings.ReplaceAll(u, "{"+name+"}", v.Default)
		}
	}
	u = strings.TrimSuffix(u, "/")
	if len(g.doc.Servers) > 1 {
		g.report(Info, where{ptr: "#/servers/1"}, fmt.Sprintf("%d servers: the first is the baseURL", len(g.doc.Servers)), "override baseURL per environment in atrium.yaml")
	}
	parsed, err := url.Parse(u)
	if err != nil || !printable(u) || strings.ContainsAny(u, "{}\" ") {
		g.report(Changed, w.at("0", "url"), fmt.Sprintf("server URL %q is not usable: baseURL is http://localhost", s.URL), "pass --base-url, or edit @source")
		return "http://localhost"
	}
	if parsed.Scheme != "http" && parsed.Scheme != "https" || parsed.Host == "" {
		g.report(Changed, w.at("0", "url"), fmt.Sprintf("server URL %q is relative: baseURL is http://localhost%s", s.URL, parsed.Path),
			"pass --base-url, or edit @source; atrium.yaml overrides it per environment")
		return "http://localhost" + strings.TrimSuffix(parsed.Path, "/")
	}
	return u
}

// documentInfo reports what the document declares beside operations: security schemes,
// webhooks.
func (g *gen) documentInfo() {
	if c := g.doc.Components; c != nil {
		for name, s := range c.SecuritySchemes.FromOldest() {
			if s == nil {
				continue
			}
			w := where{ptr: "#/components/securitySchemes/" + escapePointer(name)}
			g.report(Info, w, fmt.Sprintf("security scheme %q (%s) is not mapped", name, s.Type), securityHint(s))
		}
	}
	for name := range g.doc.Webhooks.FromOldest() {
		g.report(Info, where{ptr: "#/webhooks/" + escapePointer(name)}, fmt.Sprintf("webhook %q is not mapped: connectors make requests, they do not receive them", name), "")
	}
}

func securityHint(s *v3.SecurityScheme) string {
	switch {
	case s.Type == "apiKey" && s.In == "header":
		return fmt.Sprintf(`add to @source http: headers: [{ name: "%s", value: "{$config.apiKey}" }]`, s.Name)
	case s.Type == "apiKey" && s.In == "query":
		return fmt.Sprintf(`add to @source http: queryParams: "%s: $config.apiKey"`, s.Name)
	case s.Type == "http" && strings.EqualFold(s.Scheme, "bearer"):
		return `add to @source http: headers: [{ name: "Authorization", value: "Bearer {$config.token}" }]`
	case s.Type == "http" && strings.EqualFold(s.Scheme, "basic"):
		return `add to @source http: headers: [{ name: "Authorization", value: "Basic {$config.credentials}" }]`
	case s.Type == "oauth2" || s.Type == "openIdConnect":
		return `forward the caller's token: headers: [{ name: "Authorization", from: "Authorization" }] on @source`
	}
	return "add the credentials as a header on @source, from $config"
}

func (g *gen) summary() Summary {
	var s Summary
	s.Excluded = g.excluded
	for _, f := range g.fields {
		if f.mutation {
			s.Mutations++
		} else {
			s.Queries++
		}
	}
	used := g.used()
	for _, o := range used.objects {
		if o.input {
			s.Inputs++
		} else {
			s.Objects++
		}
	}
	s.Enums = len(used.enums)
	s.Scalars = len(used.scalars)
	return s
}
