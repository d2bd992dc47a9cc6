package engine

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/atrium-gateway/atrium/connectors"
	"github.com/atrium-gateway/atrium/connectors/mapping"
)

// call is one HTTP request a connector sends, built from the variables of one field,
// entity or batch.
type call struct {
	method    string
	pathQuery string // relative to the source's base URL
	header    http.Header
	body      []byte
	// key identifies the request: method, URL, headers (forwarded ones included) and body.
	// Identical calls of one client request share one backend call, and cached answers are
	// found by it, so an answer is never served to a request that would have sent other
	// headers (another user's token or claims, say).
	key string
	// idempotent: a GET, or a gRPC method called for a query; its answers may be cached.
	idempotent bool
}

// request builds the call for vars. in is the client's headers, read only by header
// mappings with `from`; fwd is what forwarding rules send with every call.
func (c *connector) request(vars mapping.Vars, in http.Header, fwd forwarded) (*call, error) {
	if c.rpc != nil {
		return c.grpcRequest(vars, in, fwd)
	}
	path, err := c.path.Execute(vars, url.PathEscape)
	if err != nil {
		return nil, fmt.Errorf("URL path: %w", err)
	}
	var q []string
	for _, p := range c.query {
		v, err := p.value.Execute(vars, url.QueryEscape)
		if err != nil {
			return nil, fmt.Errorf("URL query %q: %w", p.name, err)
		}
		q = append(q, url.QueryEscape(p.name)+"="+v)
	}
	if c.params != nil {
		out, _ := c.params.Apply(nil, vars)
		more, err := queryPairs(out)
		if err != nil {
			return nil, fmt.Errorf("http.queryParams: %w", err)
		}
		q = append(q, more...)
	}
	cl := &call{method: c.method, pathQuery: path, header: http.Header{}, idempotent: c.method == http.MethodGet}
	if len(q) > 0 {
		cl.pathQuery += "?" + strings.Join(q, "&")
	}
	for _, list := range [][]header{c.source.headers, c.headers} {
		for _, h := range list {
			cl.header.Del(h.name)
			if h.from != "" {
				for _, v := range in.Values(h.from) {
					cl.header.Add(h.name, v)
				}
				continue
			}
			v, err := h.value.Execute(vars, nil)
			if err != nil {
				return nil, fmt.Errorf("header %q: %w", h.name, err)
			}
			if strings.ContainsAny(v, "\r\n\x00") {
				return nil, fmt.Errorf("header %q: the value holds a line break or NUL", h.name)
			}
			if v != "" {
				cl.header.Set(h.name, v)
			}
		}
	}
	if c.body != nil {
		out, _ := c.body.Apply(nil, vars)
		if strings.HasPrefix(cl.header.Get("Content-Type"), "application/x-www-form-urlencoded") {
			form := url.Values{}
			formEncode(form, "", out)
			cl.body = []byte(form.Encode())
		} else {
			if cl.body, err = json.Marshal(out); err != nil {
				return nil, fmt.Errorf("http.body: %w", err)
			}
			if cl.header.Get("Content-Type") == "" {
				cl.header.Set("Content-Type", "application/json")
			}
		}
	}
	if cl.header.Get("Accept") == "" {
		cl.header.Set("Accept", "application/json")
	}
	fwd.apply(cl.header, false)
	cl.key = fingerprint(cl)
	return cl, nil
}

// forwarded is what identity forwarding sends with every call of a request
// (connectors.Request.Header and Reserved).
type forwarded struct {
	header   http.Header // canonical names; shared, read only
	reserved []string
}

// apply puts the forwarded headers into h in place of what header mappings set for the
// same names or for reserved ones. metadata: h is gRPC metadata, its names lower-case.
func (f forwarded) apply(h http.Header, metadata bool) {
	for _, name := range f.reserved {
		if metadata {
			name = strings.ToLower(name)
		}
		delete(h, name)
	}
	for name, values := range f.header {
		if metadata {
			name = strings.ToLower(name)
		}
		h[name] = values
	}
}

// queryPairs renders a queryParams mapping's object: keys in order, lists repeat the name,
// nulls are left out.
func queryPairs(v any) ([]string, error) {
	if v == nil {
		return nil, nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("must map to an object")
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []string
	for _, k := range keys {
		values, isList := m[k].([]any)
		if !isList {
			values = []any{m[k]}
		}
		for _, v := range values {
			if v == nil {
				continue
			}
			s, ok := scalarString(v)
			if !ok {
				return nil, fmt.Errorf("%q must be a scalar or a list of scalars", k)
			}
			out = append(out, url.QueryEscape(k)+"="+url.QueryEscape(s))
		}
	}
	return out, nil
}

// formEncode writes v as application/x-www-form-urlencoded fields with bracketed names
// (a[b]=1, tags[0]=x), the convention of Stripe-like APIs.
func formEncode(form url.Values, prefix string, v any) {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			name := k
			if prefix != "" {
				name = prefix + "[" + k + "]"
			}
			formEncode(form, name, e)
		}
	case []any:
		for i, e := range v {
			formEncode(form, prefix+"["+strconv.Itoa(i)+"]", e)
		}
	case nil:
	default:
		if s, ok := scalarString(v); ok && prefix != "" {
			form.Add(prefix, s)
		}
	}
}

// scalarString renders a JSON scalar as text: strings as they are, numbers as written.
func scalarString(v any) (string, bool) {
	switch v := v.(type) {
	case string:
		return v, true
	case json.Number:
		return v.String(), true
	case bool:
		return strconv.FormatBool(v), true
	case int64:
		return strconv.FormatInt(v, 10), true
	case int:
		return strconv.Itoa(v), true
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64), true
	}
	return "", false
}

func fingerprint(c *call) string {
	var b strings.Builder
	b.WriteString(c.method)
	b.WriteByte(0)
	b.WriteString(c.pathQuery)
	connectors.WriteHeaderKey(&b, c.header)
	b.WriteByte(0)
	b.Write(c.body)
	return b.String()
}
