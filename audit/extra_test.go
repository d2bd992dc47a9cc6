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
