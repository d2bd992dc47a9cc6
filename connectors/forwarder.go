package connectors

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"net/textproto"
	"sort"
	"strconv"
	"strings"

	"github.com/atrium-gateway/atrium/auth"
)

// Forwarder applies Forwarding on the request path. It is built once per supergraph
// version (NewForwarder) and safe for concurrent use. A nil *Forwarder forwards nothing.
//
// Its wrappers (Wrap) set each backend request's Header and Reserved from the caller's
// Principal (auth.PrincipalFrom) and the client headers of the request's Scope, once per
// client request and backend.
type Forwarder struct {
	rules map[string]*forwardRule // by subgraph; nil: that subgraph gets nothing
	def   *forwardRule            // subgraphs without an entry; nil: nothing
	// What any rule reads, for AppendKey and Strip.
	token     bool
	claims    []string // claim names, sorted
	headers   []string // client header names, canonical, sorted
	claimedBy []string // headers claims fill, canonical: never read from the client
}

// forwardRule is one backend's compiled rule.
type forwardRule struct {
	token   bool
	claims  []claimHeader
	headers []string // canonical
	// reserved are Authorization (with token) and the claims' headers, canonical.
	reserved []string
}

type claimHeader struct{ claim, header string }

// NewForwarder compiles f; it returns nil (forward nothing) when no rule forwards
// anything. Its error lists every problem of f, one per line, with its path.
func NewForwarder(f Forwarding) (*Forwarder, error) {
	if problems := f.Problems(); len(problems) > 0 {
		for i, p := range problems {
			problems[i] = "forwarding." + p
		}
		return nil, errors.New(strings.Join(problems, "\n"))
	}
	fw := &Forwarder{rules: map[string]*forwardRule{}}
	claims, headers, claimed := map[string]bool{}, map[string]bool{}, map[string]bool{}
	compile := func(r ForwardRule) *forwardRule {
		if r.empty() {
			return nil
		}
		c := &forwardRule{token: r.Token != nil && *r.Token}
		if c.token {
			c.reserved = append(c.reserved, "Authorization")
			fw.token = true
		}
		for _, claim := range sortedClaims(r.Claims) {
			h := textproto.CanonicalMIMEHeaderKey(r.Claims[claim])
			c.claims = append(c.claims, claimHeader{claim, h})
			c.reserved = append(c.reserved, h)
			claims[claim], claimed[h] = true, true
		}
		for _, h := range r.Headers {
			h = textproto.CanonicalMIMEHeaderKey(h)
			c.headers = append(c.headers, h)
			headers[h] = true
		}
		return c
	}
	fw.def = compile(f.Default)
	for name := range f.Subgraphs {
		fw.rules[name] = compile(f.Rule(name))
	}
	if fw.def == nil && !fw.any() {
		return nil, nil
	}
	fw.claims, fw.headers, fw.claimedBy = sortedSet(claims), sortedSet(headers), sortedSet(claimed)
	return fw, nil
}

func (f *Forwarder) any() bool {
	for _, r := range f.rules {
		if r != nil {
			return true
		}
	}
	return false
}

func sortedSet(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Wrap returns c forwarding what subgraph's rule says, or c itself when the rule forwards
// nothing. Wrap a Deduplicated connector, not the other way round, so that requests whose
// forwarded values differ never share a call.
func (f *Forwarder) Wrap(subgraph string, c Connector) Connector {
	if f == nil {
		return c
	}
	r, ok := f.rules[subgraph]
	if !ok {
		r = f.def
	}
	if r == nil {
		return c
	}
	return &forwarded{next: c, rule: r}
}

// Strip returns the client headers connectors may read (Scope.Header): h without the
// headers that claims fill, so that neither a header mapping nor $request ever sees a
// client's forged X-User-Id. h is returned as is when it has none of them; it is never
// modified.
func (f *Forwarder) Strip(h http.Header) http.Header {
	if f == nil {
		return h
	}
	for i, name := range f.claimedBy {
		if _, ok := h[name]; ok {
			out := h.Clone()
			for _, name := range f.claimedBy[i:] {
				delete(out, name)
			}
			return out
		}
	}
	return h
}

// AppendKey appends to dst what the rules forward, together, for the request in ctx with
// client headers in: requests whose keys differ may be sent different headers by some
// backend, so they must not share a result.
func (f *Forwarder) AppendKey(dst []byte, ctx context.Context, in http.Header) []byte {
	if f == nil {
		return dst
	}
	dst = append(dst, 0)
	if p := auth.PrincipalFrom(ctx); p != nil {
		if f.token && sendable(p.Token) {
			dst = append(dst, p.Token...)
		}
		for _, c := range f.claims {
			dst = append(dst, 0)
			if v, ok := claimValue(p.Claims[c]); ok {
				dst = append(dst, v...)
			}
		}
	}
	for _, name := range f.headers {
		dst = append(dst, 0)
		for _, v := range in[name] {
			if sendable(v) {
				dst = append(dst, v...)
				dst = append(dst, 1)
			}
		}
	}
	return dst
}

// forwarded sends one backend's rule with every request.
type forwarded struct {
	next Connector
	rule *forwardRule
}

var _ Connector = (*forwarded)(nil)

// Fetch sends req with the forwarded headers: they replace req.Header's of the same
// names, and the rule's reserved names are dropped from it.
func (f *forwarded) Fetch(ctx context.Context, req *Request, dst []byte) ([]byte, error) {
	out := *req
	out.Header, out.Reserved = f.rule.header(ctx), f.rule.reserved
	if len(req.Header) > 0 {
		h := req.Header.Clone()
		for _, name := range f.rule.reserved {
			delete(h, name)
		}
		for k, vs := range out.Header {
			h[k] = vs
		}
		out.Header = h
	}
	return f.next.Fetch(ctx, &out, dst)
}

// header is what r sends for the request in ctx, computed once per client request (the
// Scope keeps it); nil when nothing. Callers must not modify it.
func (r *forwardRule) header(ctx context.Context) http.Header {
	scope := ScopeOf(ctx)
	h, _ := scope.Value(r, func() any { return r.compute(auth.PrincipalFrom(ctx), scope.Header) }).(http.Header)
	return h
}

func (r *forwardRule) compute(p *auth.Principal, in http.Header) http.Header {
	var h http.Header
	set := func(name string, values []string) {
		if h == nil {
			h = make(http.Header, len(r.reserved)+len(r.headers))
		}
		h[name] = values
	}
	if p != nil {
		if r.token && p.Token != "" && sendable(p.Token) {
			set("Authorization", []string{"Bearer " + p.Token})
		}
		for _, c := range r.claims {
			if v, ok := claimValue(p.Claims[c.claim]); ok {
				set(c.header, []string{v})
			}
		}
	}
	for _, name := range r.headers {
		var keep []string
		for _, v := range in[name] {
			if sendable(v) {
				keep = append(keep, v)
			}
		}
		if len(keep) > 0 {
			set(name, keep)
		}
	}
	return h
}

// claimValue is a claim as a header value: see ForwardRule.Claims.
func claimValue(v any) (string, bool) {
	switch v := v.(type) {
	case []any:
		return joinClaim(len(v), func(i int) any { return v[i] })
	case []string:
		return joinClaim(len(v), func(i int) any { return v[i] })
	}
	s, ok := scalarClaim(v)
	return s, ok && s != "" && sendable(s)
}

func joinClaim(n int, at func(int) any) (string, bool) {
	var b strings.Builder
	for i := range n {
		s, ok := scalarClaim(at(i))
		if !ok || s == "" || strings.Contains(s, ",") {
			return "", false
		}
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(s)
	}
	s := b.String()
	return s, s != "" && sendable(s)
}

func scalarClaim(v any) (string, bool) {
	switch v := v.(type) {
	case string:
		return v, true
	case bool:
		return strconv.FormatBool(v), true
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return "", false
		}
		return strconv.FormatFloat(v, 'f', -1, 64), true
	case json.Number:
		return v.String(), true
	case int:
		return strconv.Itoa(v), true
	case int64:
		return strconv.FormatInt(v, 10), true
	}
	return "", false
}

// sendable reports whether s can be a header value and gRPC metadata: printable ASCII
// and tabs, so no line break can smuggle in another header.
func sendable(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 0x20 && c != '\t') || c > 0x7e {
			return false
		}
	}
	return true
}
