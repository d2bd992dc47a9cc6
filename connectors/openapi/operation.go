package openapi

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/pb33f/go-yaml"
	"github.com/pb33f/libopenapi/datamodel/high/base"
	v3 "github.com/pb33f/libopenapi/datamodel/high/v3"
	"github.com/pb33f/libopenapi/orderedmap"

	"github.com/atrium-gateway/atrium/connectors/internal/naming"
	"github.com/atrium-gateway/atrium/connectors/internal/sdltext"
)

// rootField is a Query or Mutation field with its @connect.
type rootField struct {
	op          *operation
	name, desc  string
	mutation    bool
	deprecated  bool
	args        []*arg // path, query and header parameters, then the body's input
	body        *arg
	result      *shape
	empty       bool // no JSON response: Boolean, selection $(true)
	urlTemplate string
	queryParams []string // "key: expression" lines
	headers     [][2]string
	entity      bool
}

type arg struct {
	w                    where
	name, wire, in, desc string
	shape                *shape
	nonNull              bool
	def                  string // GraphQL default value, "" for none
	join                 string // separator of a list sent as one value, "" to repeat it
}

var connectMethods = map[string]bool{"GET": true, "POST": true, "PUT": true, "PATCH": true, "DELETE": true}

// operation maps one operation, or reports why it is skipped and returns nil.
func (g *gen) operation(op *operation) *rootField {
	w := op.w
	if !connectMethods[op.method] {
		g.report(Unmapped, w, fmt.Sprintf("%s operations cannot be connected: connectors send GET, POST, PUT, PATCH and DELETE", op.method), "")
		return nil
	}
	var bodyType *v3.MediaType
	bodyW, form := w, false
	if rb := op.op.RequestBody; rb != nil && orderedmap.Len(rb.Content) > 0 {
		ct, mt, isForm := pickBody(rb.Content)
		if mt == nil {
			g.report(Unmapped, w.at("requestBody", "content"), fmt.Sprintf("request body is %s: operation skipped", strings.Join(mediaTypes(rb.Content), ", ")),
				"connectors send JSON or form-urlencoded bodies; call this endpoint outside the graph")
			return nil
		}
		bodyType, bodyW, form = mt, w.at("requestBody", "content", ct), isForm
	}
	resp, respW, empty, ok := g.response(op)
	if !ok {
		return nil
	}

	f := &rootField{op: op, mutation: op.method != "GET", empty: empty}
	f.name = g.fieldName(op)
	f.desc = op.op.Summary
	if f.desc == "" {
		f.desc = op.op.Description
	}
	f.deprecated = op.op.Deprecated != nil && *op.op.Deprecated
	g.kind(f, op)
	if len(op.op.Servers) > 0 || len(op.item.Servers) > 0 {
		g.report(Changed, w, "servers of the operation are ignored: the request goes to the @source baseURL",
			"use a second @source for that server, or an absolute URL in @connect")
	}
	for name := range op.op.Callbacks.FromOldest() {
		g.report(Info, w.at("callbacks", name), fmt.Sprintf("callback %q is not mapped", name), "")
	}

	ns := naming.NewFoldedNamespace()
	if bodyType != nil {
		ns.Claim("input", "body")
	}
	var overflow []string
	for _, p := range params(op) {
		if a := g.param(f, p.p, p.w, ns); a != nil {
			f.args = append(f.args, a)
			if a.shape.base().noFormat {
				overflow = append(overflow, a.name)
			}
		}
	}
	if len(overflow) > 0 {
		g.report(Info, w.at("parameters"), fmt.Sprintf("integer parameters without format mapped to Int (32-bit): %s", strings.Join(overflow, ", ")), "")
	}
	f.urlTemplate = g.urlTemplate(f, ns)
	for _, a := range f.args {
		switch a.in {
		case "query":
			f.queryParams = append(f.queryParams, keyLit(a.wire)+": "+argExpr(a, '"'))
		case "header":
			f.headers = append(f.headers, [2]string{a.wire, "{" + argExpr(a, '\'') + "}"})
		}
	}
	if bodyType != nil {
		sh := g.shapeOf(bodyType.Schema, loc{w: bodyW.at("schema"), base: pascal(f.name, "Body")}, true)
		required := op.op.RequestBody.Required != nil && *op.op.RequestBody.Required
		f.body = &arg{w: bodyW, name: "input", in: "body", shape: sh, nonNull: required, desc: op.op.RequestBody.Description}
		f.args = append(f.args, f.body)
		if form {
			f.headers = append(f.headers, [2]string{"Content-Type", "application/x-www-form-urlencoded"})
		}
	}
	if !empty {
		if resp == nil {
			g.report(Info, respW, "JSON response without a schema: mapped to JSON", "")
			f.result = jsonShape()
		} else {
			f.result = g.shapeOf(resp, loc{w: respW, base: pascal(f.name, "Op") + "Response"}, false)
		}
	} else {
		f.result = scalar("Boolean")
	}
	return f
}

// fieldName is the lowerCamel operationId, else method and path words.
func (g *gen) fieldName(op *operation) string {
	want := lowerCamel(op.op.OperationId, "")
	if want == "" {
		var b strings.Builder
		b.WriteString(strings.ToLower(op.method))
		for _, seg := range strings.Split(op.path, "/") {
			if p, ok := strings.CutPrefix(seg, "{"); ok {
				b.WriteString("By" + pascal(strings.TrimSuffix(p, "}"), ""))
			} else {
				b.WriteString(pascal(seg, ""))
			}
		}
		want = lowerCamel(b.String(), "operation")
	}
	got, _ := g.fieldNames.Claim(want, op.key())
	if got != want {
		g.report(Changed, op.w, fmt.Sprintf("field name %s is taken by another operation: named %s", want, got), "set a distinct operationId")
	}
	return got
}

// kind applies x-atrium-kind and --query/--mutation.
func (g *gen) kind(f *rootField, op *operation) {
	if n := extension(op.op.Extensions, "x-atrium-kind"); n != nil {
		switch strings.ToLower(n.Value) {
		case "query":
			f.mutation = false
		case "mutation":
			f.mutation = true
		default:
			g.report(Changed, op.w.at("x-atrium-kind"), fmt.Sprintf("x-atrium-kind %q is neither query nor mutation: ignored", n.Value), "")
		}
	}
	switch g.sel.kinds[op.key()] {
	case "query":
		f.mutation = false
	case "mutation":
		f.mutation = true
	}
}

func extension(m *orderedmap.Map[string, *yaml.Node], name string) *yaml.Node {
	for k, v := range m.FromOldest() {
		if k == name && v != nil {
			return v
		}
	}
	return nil
}

type param struct {
	p *v3.Parameter
	w where
}

// params are the path item's parameters overridden by the operation's (same name and in).
func params(op *operation) []param {
	var out []param
	pw := where{path: op.w.path, method: op.w.method, ptr: "#/paths/" + escapePointer(op.path)}
	index := map[string]int{}
	for i, p := range op.item.Parameters {
		if p == nil {
			continue
		}
		index[p.In+"\x00"+p.Name] = len(out)
		out = append(out, param{p, pw.at("parameters", strconv.Itoa(i))})
	}
	pathLevel := len(out)
	for i, p := range op.op.Parameters {
		if p == nil {
			continue
		}
		np := param{p, op.w.at("parameters", strconv.Itoa(i))}
		if j, ok := index[p.In+"\x00"+p.Name]; ok {
			if j < pathLevel {
				out[j] = np
			}
			continue // a duplicate: the first one counts
		}
		index[p.In+"\x00"+p.Name] = len(out)
		out = append(out, np)
	}
	return out
}

var connectorHeaders = map[string]string{
	"authorization":  `set it once on @source: headers: [{ name: "Authorization", value: "Bearer {$config.token}" }], or forward the caller's with from: "Authorization"`,
	"cookie":         `forward the caller's with headers: [{ name: "Cookie", from: "Cookie" }]`,
	"accept":         "connectors ask for JSON",
	"content-type":   "connectors send JSON, or form-urlencoded with a Content-Type header",
	"content-length": "connectors set it",
	"host":           "connectors set it",
}

// param maps a parameter to an argument, or reports it and returns nil.
func (g *gen) param(f *rootField, p *v3.Parameter, w where, ns *naming.Namespace) *arg {
	switch p.In {
	case "path", "query", "header":
	case "cookie":
		g.report(Unmapped, w, fmt.Sprintf("cookie parameter %q is not mapped", p.Name), `forward the caller's cookies with headers: [{ name: "Cookie", from: "Cookie" }] on @source`)
		return nil
	default:
		g.report(Unmapped, w, fmt.Sprintf("parameter %q in %q is not mapped", p.Name, p.In), "")
		return nil
	}
	if !printable(p.Name) || p.Name == "" {
		g.report(Unmapped, w, fmt.Sprintf("parameter name %q is empty or has control characters: not mapped", p.Name), "")
		return nil
	}
	if hint, ok := connectorHeaders[strings.ToLower(p.Name)]; ok && p.In == "header" {
		g.report(Unmapped, w, fmt.Sprintf("header parameter %q is not mapped", p.Name), hint)
		return nil
	}
	if orderedmap.Len(p.Content) > 0 {
		g.report(Unmapped, w, fmt.Sprintf("parameter %q is described by content, not schema: not mapped", p.Name), "")
		return nil
	}
	if p.Style == "deepObject" {
		g.report(Unmapped, w, fmt.Sprintf("deepObject parameter %q is not mapped", p.Name), `add it by hand: queryParams can build "filter[status]: $args.status"`)
		return nil
	}
	sh := g.shapeOf(p.Schema, loc{w: w.at("schema"), base: pascal(f.name, "Op") + pascal(p.Name, "Param")}, true)
	b := sh.base()
	if b.kind == objectShape || b.scalar == "JSON" || sh.kind == listShape && sh.elem.kind == listShape {
		g.report(Unmapped, w, fmt.Sprintf("%s parameter %q is an object or a nested list: not mapped", p.In, p.Name), "")
		return nil
	}
	if b.kind == enumShape && p.In != "query" {
		for _, v := range b.enum.values {
			if strings.ContainsAny(v.wire, "{}") {
				g.report(Changed, w, fmt.Sprintf("%s parameter %q has enum values with braces, which URL and header templates cannot hold: mapped to String", p.In, p.Name), "")
				sh = &shape{kind: scalarShape, scalar: "String"}
				break
			}
		}
	}
	want := lowerCamel(p.Name, "arg")
	name, _ := ns.Claim(want, p.In+"\x00"+p.Name)
	if name != want {
		g.report(Changed, w, fmt.Sprintf("argument %s is taken by another parameter: %s %q named %s", want, p.In, p.Name, name), "")
	}
	a := &arg{name: name, wire: p.Name, in: p.In, desc: p.Description, shape: sh,
		nonNull: p.In == "path" || p.Required != nil && *p.Required}
	if v := g.view(p.Schema); v.site != nil {
		d := v.site.Default
		if d == nil && v.s != nil {
			d = v.s.Default
		}
		a.def = defaultLiteral(d, sh)
	}
	if sh.kind == listShape {
		explode := p.Explode == nil && (p.Style == "" || p.Style == "form") || p.Explode != nil && *p.Explode
		switch {
		case p.Style == "spaceDelimited":
			a.join = " "
		case p.Style == "pipeDelimited":
			a.join = "|"
		case p.In != "query" || !explode:
			a.join = ","
		}
	}
	return a
}

var placeholder = regexp.MustCompile(`\{([^{}]*)\}`)

// urlTemplate rewrites the path's {name} placeholders as {$args.name}; a placeholder without
// a declared parameter gets a String! argument.
func (g *gen) urlTemplate(f *rootField, ns *naming.Namespace) string {
	used := map[*arg]bool{}
	t := placeholder.ReplaceAllStringFunc(f.op.path, func(m string) string {
		name := m[1 : len(m)-1]
		for _, a := range f.args {
			if a.in == "path" && a.wire == name {
				used[a] = true
				return "{" + argExpr(a, '\'') + "}"
			}
		}
		argName, _ := ns.Claim(lowerCamel(name, "arg"), "path\x00"+name)
		a := &arg{name: argName, wire: name, in: "path", shape: scalar("String"), nonNull: true}
		g.report(Changed, f.op.w, fmt.Sprintf("path parameter {%s} is not declared: argument %s: String!", name, a.name), "declare it under parameters")
		f.args = append(f.args, a)
		used[a] = true
		return "{" + argExpr(a, '\'') + "}"
	})
	args := f.args[:0]
	for _, a := range f.args {
		if a.in == "path" && !used[a] {
			g.report(Unmapped, f.op.w, fmt.Sprintf("path parameter %q does not appear in the path %s: not mapped", a.wire, f.op.path), "")
			continue
		}
		args = append(args, a)
	}
	f.args = args
	return t
}

// argExpr is the selection expression sending an argument: enums matched back to their wire
// values, lists joined when the style sends one value. Templates (URLs, header values) quote
// with ' so that their GraphQL strings need no escapes.
func argExpr(a *arg, quote byte) string {
	e := "$args." + a.name
	if b := a.shape.base(); b.kind == enumShape && !b.enum.identity() {
		e += matchExprQ(a.shape, b.enum, true, quote)
	}
	if a.join != "" {
		e += "->joinNotNull(" + litQ(a.join, quote) + ")"
	}
	return e
}

// matchExpr translates an enum value (through lists, item by item): toWire from GraphQL names
// to wire values, else the other way.
func matchExpr(sh *shape, e *enumType, toWire bool) string {
	return matchExprQ(sh, e, toWire, '"')
}

func matchExprQ(sh *shape, e *enumType, toWire bool, quote byte) string {
	var pairs []string
	for _, v := range e.values {
		from, to := v.wire, v.name
		if toWire {
			from, to = to, from
		}
		pairs = append(pairs, "["+litQ(from, quote)+", "+litQ(to, quote)+"]")
	}
	m := "->match(" + strings.Join(pairs, ", ") + ")"
	for s := sh; s.kind == listShape; s = s.elem {
		m = "->map(@" + m + ")"
	}
	return m
}

// lit is a string literal of the selection language.
func lit(s string) string { return litQ(s, '"') }

func litQ(s string, quote byte) string {
	q := string(quote)
	return q + strings.NewReplacer(`\`, `\\`, q, `\`+q).Replace(s) + q
}

// keyLit is a key of the selection language: bare when an identifier, else quoted.
func keyLit(s string) string {
	if isIdent(s) && s != "true" && s != "false" && s != "null" {
		return s
	}
	return lit(s)
}

// pickBody picks the JSON body, else the form body; nil when there is neither.
func pickBody(content *orderedmap.Map[string, *v3.MediaType]) (string, *v3.MediaType, bool) {
	for ct, mt := range content.FromOldest() {
		if isJSON(ct) {
			return ct, orEmpty(mt), false
		}
	}
	for ct, mt := range content.FromOldest() {
		if mediaBase(ct) == "application/x-www-form-urlencoded" {
			return ct, orEmpty(mt), true
		}
	}
	return "", nil, false
}

func orEmpty(mt *v3.MediaType) *v3.MediaType {
	if mt == nil {
		return &v3.MediaType{}
	}
	return mt
}

func mediaBase(ct string) string {
	b, _, _ := strings.Cut(ct, ";")
	return strings.ToLower(strings.TrimSpace(b))
}

func isJSON(ct string) bool {
	b := mediaBase(ct)
	return b == "application/json" || strings.HasSuffix(b, "+json") || b == "*/*"
}

func mediaTypes(content *orderedmap.Map[string, *v3.MediaType]) []string {
	var out []string
	for ct := range content.FromOldest() {
		out = append(out, ct)
	}
	return out
}

// response picks the response to map: the first of 200, 201, other 2xx, 2XX and default
// with JSON content. No JSON but no content either (204): empty. Only other content:
// skipped (ok false).
func (g *gen) response(op *operation) (schema *base.SchemaProxy, w where, empty, ok bool) {
	rs := op.op.Responses
	if rs == nil {
		g.report(Changed, op.w, "no responses: the field is Boolean, true on success", "")
		return nil, op.w, true, true
	}
	type cand struct {
		code string
		r    *v3.Response
	}
	var cands []cand
	var codes []string
	for code := range rs.Codes.FromOldest() {
		codes = append(codes, code)
	}
	rank := func(c string) int {
		switch {
		case c == "200":
			return 0
		case c == "201":
			return 1
		case len(c) == 3 && c[0] == '2' && isDigit(c[1]) && isDigit(c[2]):
			return 2
		case strings.EqualFold(c, "2XX"):
			return 3
		}
		return -1
	}
	slices.SortStableFunc(codes, func(a, b string) int {
		if d := rank(a) - rank(b); d != 0 {
			return d
		}
		return strings.Compare(a, b)
	})
	for _, c := range codes {
		if rank(c) >= 0 {
			cands = append(cands, cand{c, rs.Codes.GetOrZero(c)})
		}
	}
	if rs.Default != nil {
		cands = append(cands, cand{"default", rs.Default})
	}
	for _, c := range cands {
		if c.r == nil {
			continue
		}
		for link := range c.r.Links.FromOldest() {
			g.report(Info, op.w.at("responses", c.code, "links", link), fmt.Sprintf("link %q is not mapped", link), "")
		}
	}
	for _, c := range cands {
		if c.r == nil {
			continue
		}
		for ct, mt := range c.r.Content.FromOldest() {
			if isJSON(ct) {
				rw := op.w.at("responses", c.code, "content", ct, "schema")
				if mt == nil || mt.Schema == nil {
					return nil, rw, false, true
				}
				return mt.Schema, rw, false, true
			}
		}
	}
	for _, c := range cands {
		if c.r != nil && orderedmap.Len(c.r.Content) > 0 {
			g.report(Unmapped, op.w.at("responses", c.code, "content"), fmt.Sprintf("response is %s: operation skipped", strings.Join(mediaTypes(c.r.Content), ", ")),
				"connectors read JSON responses; call this endpoint outside the graph")
			return nil, op.w, false, false
		}
	}
	if len(cands) == 0 {
		g.report(Changed, op.w.at("responses"), "no success response: the field is Boolean, true on success", "")
	}
	return nil, op.w, true, true
}

// defaultLiteral renders a schema default as a GraphQL value of the argument's type, or ""
// when it does not fit.
func defaultLiteral(n *yaml.Node, sh *shape) string {
	if n == nil || n.Kind != yaml.ScalarNode || sh.kind == listShape || n.Tag == "!!null" {
		return ""
	}
	switch sh.kind {
	case enumShape:
		for _, v := range sh.enum.values {
			if v.wire == n.Value {
				return v.name
			}
		}
		return ""
	case scalarShape:
		switch sh.scalar {
		case "Int":
			i, err := strconv.ParseInt(n.Value, 10, 64)
			if err != nil || i > math.MaxInt32 || i < math.MinInt32 {
				return ""
			}
			return strconv.FormatInt(i, 10)
		case "Int64":
			i, err := strconv.ParseInt(n.Value, 10, 64)
			if err != nil {
				return ""
			}
			return strconv.FormatInt(i, 10)
		case "Float":
			x, err := strconv.ParseFloat(n.Value, 64)
			if err != nil || math.IsInf(x, 0) || math.IsNaN(x) {
				return ""
			}
			return strconv.FormatFloat(x, 'g', -1, 64)
		case "Boolean":
			if n.Value == "true" || n.Value == "false" {
				return n.Value
			}
			return ""
		case "String":
			if !printable(n.Value) {
				return ""
			}
			return sdltext.String(n.Value)
		}
	}
	return ""
}
