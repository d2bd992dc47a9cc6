package audit_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/atrium-gateway/atrium/audit/subgraph"
)

// TestExtraProvidesOnInterface runs queries the audit does not have against the
// provides-on-interface subgraphs: a's Query.book provides only Dog.name under animals, and
// a holds no key of Cat or Dog, so animals must come whole from c through Book's key. The
// answers follow the suite's data (book m1 holds Dog a1 "Fido" and Cat a2 "Whiskers", age 6);
// c's Dog entity resolver fails on purpose, so these plans must not use it either.
func TestExtraProvidesOnInterface(t *testing.T) {
	t.Parallel()
	build, ok := subgraph.Lookup("provides-on-interface")
	require.True(t, ok)
	gw, rec := startSuite(t, "provides-on-interface", build())
	client := &http.Client{Timeout: 20 * time.Second}
	for _, c := range []struct{ name, query, expected string }{
		{"interface-field", `{ book { animals { id } } }`,
			`{"data":{"book":{"animals":[{"id":"a1"},{"id":"a2"}]}}}`},
		{"type-fragment", `{ book { animals { ... on Cat { age } } } }`,
			`{"data":{"book":{"animals":[{},{"age":6}]}}}`},
		{"provided-and-external", `{ book { animals { ... on Dog { name id } } } }`,
			`{"data":{"book":{"animals":[{"name":"Fido","id":"a1"},{}]}}}`},
	} {
		t.Run(c.name, func(t *testing.T) {
			var ac auditCase
			require.NoError(t, json.Unmarshal([]byte(c.expected), &ac.Expected))
			ac.Query = c.query
			rec.reset()
			resp := postQuery(t, client, gw, c.query)
			pass, detail := compare(ac, resp)
			require.True(t, pass, "%s\nexpected: %s\nactual:   %s\nplan:\n%s\nsubgraph calls:\n%s",
				detail, c.expected, resp.raw, resp.plan, rec.String())
			// One call to a for the Book key, one to c for animals.
			require.Equal(t, []string{"a", "c"}, rec.callees())
		})
	}
}

// callees returns the subgraph of each recorded call, in order.
func (r *recorder) callees() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, c := range r.calls {
		name, _, _ := strings.Cut(strings.TrimPrefix(c, "  -> "), ":")
		out = append(out, name)
	}
	return out
}

// TestExtraInterfaceObjectFragments runs queries on simple-interface-object where fields of
// the @interfaceObject Account (name, resolved by b) are selected inside fragments on its
// implementations. b answers them in its first fetch, a tells each account's concrete type,
// and the answer keeps them only for the types the client named: two calls, not three. A
// response key reused by different fields under sibling fragments stays after the cast.
func TestExtraInterfaceObjectFragments(t *testing.T) {
	t.Parallel()
	build, ok := subgraph.Lookup("simple-interface-object")
	require.True(t, ok)
	gw, rec := startSuite(t, "simple-interface-object", build())
	client := &http.Client{Timeout: 20 * time.Second}
	for _, c := range []struct {
		name, query, expected string
		callees               []string
	}{
		{"fragment-only", `{ accounts { ... on Admin { name } } }`,
			`{"data":{"accounts":[{"name":"Alice"},{"name":"Bob"},{}]}}`, []string{"b", "a"}},
		{"per-type-aliases", `{ accounts { ... on Admin { name isMain } ... on Regular { n: name } } }`,
			`{"data":{"accounts":[{"name":"Alice","isMain":true},{"name":"Bob","isMain":false},{"n":"Charlie"}]}}`,
			[]string{"b", "a"}},
		{"named-fragment", `{ accounts { id ...R } } fragment R on Regular { name isMain }`,
			`{"data":{"accounts":[{"id":"u1"},{"id":"u2"},{"id":"u3","name":"Charlie","isMain":false}]}}`,
			[]string{"b", "a"}},
		{"key-field-name-as-alias", `{ accounts { ... on Admin { id: name } ... on Regular { isMain } } }`,
			`{"data":{"accounts":[{"id":"Alice"},{"id":"Bob"},{"isMain":false}]}}`, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			var ac auditCase
			require.NoError(t, json.Unmarshal([]byte(c.expected), &ac.Expected))
			ac.Query = c.query
			rec.reset()
			resp := postQuery(t, client, gw, c.query)
			pass, detail := compare(ac, resp)
			require.True(t, pass, "%s\nexpected: %s\nactual:   %s\nplan:\n%s\nsubgraph calls:\n%s",
				detail, c.expected, resp.raw, resp.plan, rec.String())
			if c.callees != nil {
				require.Equal(t, c.callees, rec.callees(), "plan:\n%s", resp.plan)
			}
		})
	}
}
