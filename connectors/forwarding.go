package connectors

import (
	"fmt"
	"net/textproto"
	"regexp"
	"sort"
	"strings"
)

// Forwarding says what of the caller's identity, and which of the client's headers, each
// backend receives: GraphQL subgraphs, REST sources and gRPC sources (atrium.yaml's
// forwarding section, docs/forwarding.md). The zero value forwards nothing.
type Forwarding struct {
	// Default applies to every subgraph, GraphQL or connector, without an entry in
	// Subgraphs.
	Default ForwardRule `yaml:"default"`
	// Subgraphs override Default by subgraph name, key by key: token, claims and headers
	// each replace Default's when given (claims: {} and headers: [] clear them) and are
	// inherited when left out.
	Subgraphs map[string]ForwardRule `yaml:"subgraphs"`
}

// ForwardRule is what one backend receives with each request. Nothing of the caller's
// identity is sent for an anonymous request.
type ForwardRule struct {
	// Token sends the caller's verified bearer token as "Authorization: Bearer <token>".
	Token *bool `yaml:"token"`
	// Claims send claims of the caller's token as headers (gRPC: metadata, lower-cased),
	// header name by claim name: strings as they are, numbers and booleans as JSON writes
	// them, lists of those joined with commas. A claim that is absent, an object, a list
	// holding anything else (or a string with a comma), or a value with characters other
	// than printable ASCII is not sent. A client can never send these headers itself.
	Claims map[string]string `yaml:"claims"`
	// Headers name client headers passed through unchanged: an allowlist, matched
	// case-insensitively.
	Headers []string `yaml:"headers"`
}

// Rule is the rule of one subgraph: its entry in Subgraphs merged over Default.
func (f Forwarding) Rule(subgraph string) ForwardRule {
	r := f.Default
	if o, ok := f.Subgraphs[subgraph]; ok {
		if o.Token != nil {
			r.Token = o.Token
		}
		if o.Claims != nil {
			r.Claims = o.Claims
		}
		if o.Headers != nil {
			r.Headers = o.Headers
		}
	}
	return r
}

// empty reports whether r forwards nothing.
func (r ForwardRule) empty() bool {
	return (r.Token == nil || !*r.Token) && len(r.Claims) == 0 && len(r.Headers) == 0
}

// Problems lists what is wrong with f, each line starting with the path of the value
// relative to f ("default.claims.sub: ..."); nil when f is valid.
func (f Forwarding) Problems() []string {
	type rule struct {
		at, name string
		r        ForwardRule
	}
	rules := []rule{{"default", "the default rule", f.Default}}
	names := make([]string, 0, len(f.Subgraphs))
	for name := range f.Subgraphs {
		names = append(names, name)
	}
	sort.Strings(names)
	var problems []string
	for _, name := range names {
		if strings.TrimSpace(name) == "" {
			problems = append(problems, "subgraphs: a subgraph name must not be empty")
			continue
		}
		rules = append(rules, rule{"subgraphs." + name, fmt.Sprintf("the rule of subgraph %q", name), f.Subgraphs[name]})
	}
	// The headers claims fill, by canonical name, under any rule: a client's value for them
	// is never passed through.
	claimHeaders := map[string]string{}
	for _, ru := range rules {
		for _, claim := range sortedClaims(ru.r.Claims) {
			canon := textproto.CanonicalMIMEHeaderKey(ru.r.Claims[claim])
			if _, seen := claimHeaders[canon]; !seen && claim != "" && headerProblem(canon) == "" {
				claimHeaders[canon] = fmt.Sprintf("claim %q in %s", claim, ru.name)
			}
		}
	}
	for _, ru := range rules {
		byHeader := map[string]string{}
		for _, claim := range sortedClaims(ru.r.Claims) {
			h := ru.r.Claims[claim]
			at := ru.at + ".claims" + keyPath(claim)
			if claim == "" {
				problems = append(problems, ru.at+".claims: a claim name must not be empty")
				continue
			}
			if msg := headerProblem(h); msg != "" {
				problems = append(problems, at+": "+msg)
				continue
			}
			canon := textproto.CanonicalMIMEHeaderKey(h)
			if other, dup := byHeader[canon]; dup {
				problems = append(problems, fmt.Sprintf("%s: header %q already carries claim %q", at, h, other))
				continue
			}
			byHeader[canon] = claim
		}
		seen := map[string]bool{}
		for i, h := range ru.r.Headers {
			at := fmt.Sprintf("%s.headers[%d]", ru.at, i)
			if msg := headerProblem(h); msg != "" {
				problems = append(problems, at+": "+msg)
				continue
			}
			canon := textproto.CanonicalMIMEHeaderKey(h)
			switch claim, isClaim := claimHeaders[canon]; {
			case isClaim:
				problems = append(problems, fmt.Sprintf("%s: %q carries %s: it is filled from the token, never passed through from the client", at, h, claim))
			case seen[canon]:
				problems = append(problems, fmt.Sprintf("%s: %q is listed twice", at, h))
			}
			seen[canon] = true
		}
	}
	return problems
}

var headerName = regexp.MustCompile(`^[A-Za-z0-9._-]+$`)

// headerProblem says why name cannot be a forwarded header, "" when it can.
func headerProblem(name string) string {
	if !headerName.MatchString(name) {
		return fmt.Sprintf("%q is not a header name this gateway forwards: use letters, digits, '-', '_' and '.' (names that HTTP and gRPC metadata both accept)", name)
	}
	l := strings.ToLower(name)
	switch {
	case l == "authorization":
		return "Authorization is sent only by token: true (the caller's verified token); a client's Authorization is never passed through"
	case l == "cookie":
		return "Cookie is the browser's credential for the gateway and is never passed to backends: forward the identity with token or claims"
	case transportHeaders[l], strings.HasPrefix(l, "proxy-"):
		return fmt.Sprintf("%q is a hop-by-hop or transport header: the gateway sets it for each backend call", name)
	case strings.HasPrefix(l, "grpc-"), l == "user-agent":
		return fmt.Sprintf("%q is reserved by gRPC", name)
	case strings.HasSuffix(l, "-bin"):
		return fmt.Sprintf("%q ends in -bin, which gRPC reads as base64-encoded binary metadata", name)
	}
	return ""
}

// transportHeaders are set per backend call by the gateway or its HTTP and gRPC clients.
var transportHeaders = map[string]bool{
	"connection": true, "keep-alive": true, "transfer-encoding": true, "te": true, "trailer": true, "upgrade": true,
	"host": true, "expect": true, "content-length": true, "content-type": true, "content-encoding": true,
	"accept": true, "accept-encoding": true,
}

func sortedClaims(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

var plainKey = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// keyPath is a map key as a path step: ".sub", or `["https://example.com/roles"]`.
func keyPath(k string) string {
	if plainKey.MatchString(k) {
		return "." + k
	}
	return fmt.Sprintf("[%q]", k)
}
