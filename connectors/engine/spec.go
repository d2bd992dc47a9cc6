package engine

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/atrium-gateway/atrium/connectors/mapping"
	"github.com/atrium-gateway/atrium/federation"
)

// source is one @source: a base URL and the headers every connector of it sends.
type source struct {
	name    string
	baseURL string
	// headers are the source's header mappings (metadata mappings for gRPC).
	headers []header
	// grpc is set for a @grpcSource.
	grpc *grpcService
}

// header is one header mapping: a fixed or templated value, or one copied from the client's
// request (from).
type header struct {
	name  string
	value *mapping.Template
	from  string
}

// kind says what a @connect resolves.
type kind int

const (
	rootField   kind = iota // a Query or Mutation field
	entityType              // a type-level @connect: entities by $this or $batch
	entityField             // a Query field with entity: true: entities by $args
	objectField             // a field of an entity type, reading $this
)

// connector is one compiled @connect.
type connector struct {
	coordinate string // "shop:Query.products@connect[0]", for errors and logs
	kind       kind
	// typ and field say where it is applied (field empty on a type); entity is the type
	// whose entities it resolves (entityType, entityField).
	typ, field, entity string
	source             *source
	method             string
	path               *mapping.Template // path part of the URL template
	query              []queryPart       // literal query string pairs of the URL template
	params             *mapping.Selection
	body               *mapping.Selection
	headers            []header
	selection          *mapping.Selection
	// keys are the $this (or $batch, or $args for entity fields) top-level fields the
	// request reads: an entity is fetched only when its representation has them all.
	keys []string
	// batch: the connector reads $batch and answers many entities in one call.
	batch    bool
	maxBatch int
	errors   *errorMapping
	// mutation: a Mutation field, never cached or retried.
	mutation bool
	// rpc and message are set for @grpc: the method and the mapping building its request.
	rpc     protoreflect.MethodDescriptor
	message *mapping.Selection
}

type queryPart struct {
	name  string
	value *mapping.Template
}

type errorMapping struct{ message, extensions *mapping.Selection }

// compile reads the connectors of one subgraph from the supergraph.
func compile(sg *federation.Supergraph, sub federation.SubgraphID) (map[string]*source, []*connector, error) {
	name := sg.Subgraphs[sub].Name
	sources := map[string]*source{}
	for _, d := range sg.JoinDirectivesOf(sub, "source") {
		args := argsOf(d)
		s := &source{name: str(args["name"])}
		if s.name == "" {
			return nil, nil, fmt.Errorf("subgraph %q: @source without a name", name)
		}
		if sources[s.name] != nil {
			return nil, nil, fmt.Errorf("subgraph %q: two @source named %q", name, s.name)
		}
		http, _ := args["http"].(map[string]any)
		s.baseURL = strings.TrimRight(str(http["baseURL"]), "/")
		if u, err := url.Parse(s.baseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, nil, fmt.Errorf("subgraph %q: @source %q: baseURL must be an absolute http(s) URL", name, s.name)
		}
		hs, err := headersOf(http["headers"])
		if err != nil {
			return nil, nil, fmt.Errorf("subgraph %q: @source %q: %w", name, s.name, err)
		}
		s.headers = hs
		sources[s.name] = s
	}
	if err := compileGRPCSources(sg, sub, sources); err != nil {
		return nil, nil, err
	}
	var conns []*connector
	for _, kind := range []struct {
		directive string
		compile   func(*federation.Supergraph, *federation.JoinDirective, map[string]*source, string) (*connector, error)
	}{{"connect", compileConnect}, {"grpc", compileGRPC}} {
		counts := map[string]int{}
		for _, d := range sg.JoinDirectivesOf(sub, kind.directive) {
			at := d.Type
			if d.Field != "" {
				at += "." + d.Field
			}
			coord := fmt.Sprintf("%s:%s@%s[%d]", name, at, kind.directive, counts[at])
			counts[at]++
			c, err := kind.compile(sg, d, sources, coord)
			if err != nil {
				return nil, nil, fmt.Errorf("%s: %w", coord, err)
			}
			conns = append(conns, c)
		}
	}
	return sources, conns, nil
}

func compileConnect(sg *federation.Supergraph, d *federation.JoinDirective, sources map[string]*source, coord string) (*connector, error) {
	args := argsOf(d)
	c := &connector{coordinate: coord, typ: d.Type, field: d.Field}
	if name := str(args["source"]); name != "" {
		if c.source = sources[name]; c.source == nil || c.source.grpc != nil {
			return nil, fmt.Errorf("unknown source %q", name)
		}
	}
	http, _ := args["http"].(map[string]any)
	var target string
	for _, m := range []string{"GET", "POST", "PUT", "PATCH", "DELETE"} {
		if v, ok := http[m]; ok {
			if c.method != "" {
				return nil, fmt.Errorf("http names two methods (%s and %s)", c.method, m)
			}
			c.method, target = m, str(v)
		}
	}
	if c.method == "" {
		return nil, fmt.Errorf("http names no method (GET, POST, PUT, PATCH or DELETE)")
	}
	if err := c.compileURL(target); err != nil {
		return nil, err
	}
	var err error
	if c.params, err = optionalSelection(http["queryParams"], "http.queryParams"); err != nil {
		return nil, err
	}
	if c.body, err = optionalSelection(http["body"], "http.body"); err != nil {
		return nil, err
	}
	if c.headers, err = headersOf(http["headers"]); err != nil {
		return nil, err
	}
	if c.selection, err = optionalSelection(args["selection"], "selection"); err != nil {
		return nil, err
	}
	if c.selection == nil {
		return nil, fmt.Errorf("selection is required")
	}
	if e, ok := args["errors"].(map[string]any); ok {
		c.errors = &errorMapping{}
		if c.errors.message, err = optionalSelection(e["message"], "errors.message"); err != nil {
			return nil, err
		}
		if c.errors.extensions, err = optionalSelection(e["extensions"], "errors.extensions"); err != nil {
			return nil, err
		}
	}
	if b, ok := args["batch"].(map[string]any); ok {
		c.maxBatch = toInt(b["maxSize"])
	}
	return c, c.classify(sg, args)
}

// compileURL splits the URL template into its path and query parts: values in the path are
// escaped as one segment (an argument cannot add a segment or change the host), values in
// the query as a query value.
func (c *connector) compileURL(target string) error {
	if strings.Contains(target, "://") {
		if c.source != nil {
			return fmt.Errorf("the URL %q is absolute but the connector names a source", target)
		}
		u, err := url.Parse(strings.SplitN(target, "{", 2)[0])
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.Contains(u.Host, "{") {
			return fmt.Errorf("the URL %q must be http(s) with a fixed host", target)
		}
		c.source = &source{baseURL: u.Scheme + "://" + u.Host}
		target = strings.TrimPrefix(target, c.source.baseURL)
	} else if c.source == nil {
		return fmt.Errorf("the URL %q is relative but the connector names no source", target)
	}
	path, query, _ := strings.Cut(target, "?")
	if path != "" && !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	t, err := mapping.ParseTemplate(path)
	if err != nil {
		return fmt.Errorf("URL template: %w", err)
	}
	c.path = t
	for _, pair := range strings.Split(query, "&") {
		if pair == "" {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		t, err := mapping.ParseTemplate(v)
		if err != nil {
			return fmt.Errorf("URL template: %w", err)
		}
		name, err := url.QueryUnescape(k)
		if err != nil {
			return fmt.Errorf("URL template: bad query parameter name %q", k)
		}
		c.query = append(c.query, queryPart{name: name, value: t})
	}
	return nil
}

// classify decides what the connector resolves from where it is applied and what it
// reads, and checks that it can: entities need keys, $batch only on types.
func (c *connector) classify(sg *federation.Supergraph, args map[string]any) error {
	vars := c.varPaths()
	uses := func(v string) []string {
		var out []string
		for _, p := range vars {
			if p.Var == v && len(p.Path) > 0 && !slices.Contains(out, p.Path[0]) {
				out = append(out, p.Path[0])
			}
		}
		return out
	}
	this, batch := uses("$this"), uses("$batch")
	c.mutation = sg.Schema.Mutation != nil && c.typ == sg.Schema.Mutation.Name
	root := sg.Schema.Query != nil && c.typ == sg.Schema.Query.Name || c.mutation
	switch {
	case c.field == "" && len(batch) > 0:
		if len(this) > 0 {
			return fmt.Errorf("a connector reads $batch or $this, not both")
		}
		c.kind, c.keys, c.batch, c.entity = entityType, batch, true, c.typ
		if c.maxBatch <= 0 {
			c.maxBatch = 100
		}
	case c.field == "":
		if len(this) == 0 {
			return fmt.Errorf("a connector on type %s must read the entity's key from $this or $batch", c.typ)
		}
		c.kind, c.keys, c.entity = entityType, this, c.typ
	case len(batch) > 0:
		return fmt.Errorf("$batch is only available to connectors on types")
	case root && args["entity"] == true:
		f := sg.Schema.Types[c.typ].Fields.ForName(c.field)
		if f == nil || f.Type.Elem != nil {
			return fmt.Errorf("entity: true needs a field returning a single object")
		}
		c.kind, c.entity = entityField, f.Type.Name()
		for _, a := range f.Arguments {
			c.keys = append(c.keys, a.Name)
		}
	case root:
		if len(this) > 0 {
			return fmt.Errorf("$this is not available on root fields")
		}
		c.kind = rootField
	default:
		c.kind, c.keys = objectField, this
	}
	return nil
}

// varPaths are the variables every part of the connector reads.
func (c *connector) varPaths() []mapping.VarPath {
	var out []mapping.VarPath
	if c.path != nil {
		out = append(out, c.path.VarPaths()...)
	}
	for _, q := range c.query {
		out = append(out, q.value.VarPaths()...)
	}
	for _, s := range []*mapping.Selection{c.params, c.body, c.message} {
		if s != nil {
			out = append(out, s.VarPaths()...)
		}
	}
	for _, h := range append(c.source.headers, c.headers...) {
		if h.value != nil {
			out = append(out, h.value.VarPaths()...)
		}
	}
	return out
}

func optionalSelection(v any, what string) (*mapping.Selection, error) {
	s, ok := v.(string)
	if !ok || strings.TrimSpace(s) == "" {
		if v != nil && !ok {
			return nil, fmt.Errorf("%s must be a string", what)
		}
		return nil, nil
	}
	sel, err := mapping.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return sel, nil
}

// hopByHop are headers a mapping may not set: the transport owns them.
var hopByHop = map[string]bool{"connection": true, "keep-alive": true, "proxy-connection": true, "transfer-encoding": true,
	"te": true, "trailer": true, "upgrade": true, "host": true, "content-length": true}

func headersOf(v any) ([]header, error) {
	list, _ := v.([]any)
	var out []header
	for _, item := range list {
		m, _ := item.(map[string]any)
		h := header{name: str(m["name"]), from: str(m["from"])}
		if h.name == "" {
			return nil, fmt.Errorf("a header mapping has no name")
		}
		if hopByHop[strings.ToLower(h.name)] {
			return nil, fmt.Errorf("header %q cannot be set by a connector", h.name)
		}
		if value, ok := m["value"]; ok {
			t, err := mapping.ParseTemplate(str(value))
			if err != nil {
				return nil, fmt.Errorf("header %q: %w", h.name, err)
			}
			h.value = t
		}
		if (h.value == nil) == (h.from == "") {
			return nil, fmt.Errorf("header %q needs exactly one of value and from", h.name)
		}
		out = append(out, h)
	}
	return out, nil
}

func argsOf(d *federation.JoinDirective) map[string]any {
	if d.Args == nil {
		return map[string]any{}
	}
	v, err := d.Args.Value(nil)
	if err != nil {
		return map[string]any{}
	}
	m, _ := v.(map[string]any)
	return m
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func toInt(v any) int {
	switch n := v.(type) {
	case int64:
		return int(n)
	case int:
		return n
	case float64:
		return int(n)
	}
	return 0
}

// Validate checks the connectors of subgraph sub the way New compiles them: sources,
// methods, URL templates, selections, header mappings and what each connector reads.
func Validate(sg *federation.Supergraph, sub federation.SubgraphID) error {
	_, _, err := compile(sg, sub)
	return err
}
