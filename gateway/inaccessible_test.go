package gateway_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/atrium-gateway/atrium/audit/subgraph"
	"github.com/atrium-gateway/atrium/gateway"
)

// hiddenNames are the @inaccessible names of testdata/inaccessible: none may reach a client.
var hiddenNames = []string{"internalId", "secretNote", "AuditLog", "auditLog", "includeDeleted", "ADMIN", "debug"}

func inaccessibleGateway(t *testing.T) *stack {
	t.Helper()
	const link = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@inaccessible"])` + "\n"
	users := []map[string]any{
		{"internalId": "u1", "name": "Ada", "role": "MEMBER", "secretNote": "s1"},
		{"internalId": "u2", "name": "Bob", "role": "ADMIN", "secretNote": "s2"},
	}
	usersSrv := &subgraph.Subgraph{Name: "users", Resolvers: map[string]map[string]subgraph.Resolver{
		"Query": {"users": func(map[string]any, map[string]any) (any, error) {
			out := []any{}
			for _, u := range users {
				out = append(out, u)
			}
			return out, nil
		}},
		"User": {"internalId": func(parent map[string]any, _ map[string]any) (any, error) {
			if parent["internalId"] == "u2" {
				return nil, errors.New("internalId of u2 is locked")
			}
			return parent["internalId"], nil
		}},
	}}
	profilesSrv := &subgraph.Subgraph{Name: "profiles", Entities: map[string]func(map[string]any) (any, error){
		"User": func(rep map[string]any) (any, error) {
			return map[string]any{"internalId": rep["internalId"], "bio": "bio of " + rep["internalId"].(string)}, nil
		},
	}}
	return startSupergraph(t, "inaccessible/supergraph.graphql", map[string]schemaSubgraph{
		"http://127.0.0.1:4312/graphql": {usersSrv, link + `
			type User @key(fields: "internalId") { internalId: ID @inaccessible name: String role: Role secretNote: String @inaccessible }
			enum Role { ADMIN @inaccessible MEMBER }
			input Filter { name: String includeDeleted: Boolean @inaccessible }
			type AuditLog @inaccessible { entries: [String] }
			type Query { users(filter: Filter, debug: Boolean @inaccessible): [User!]! auditLog: AuditLog @inaccessible }`},
		"http://127.0.0.1:4311/graphql": {profilesSrv, link + `
			type User @key(fields: "internalId") { internalId: ID @inaccessible bio: String }`},
	}, gateway.Options{})
}

func assertHidesInaccessible(t *testing.T, body string) {
	t.Helper()
	for _, name := range hiddenNames {
		assert.NotContains(t, body, name)
	}
}

func TestInaccessibleLeaksNowhere(t *testing.T) {
	t.Parallel()
	s := inaccessibleGateway(t)

	t.Run("introspection", func(t *testing.T) {
		body := s.query(t, `{
			user: __type(name: "User") { fields { name } }
			role: __type(name: "Role") { enumValues(includeDeprecated: true) { name } }
			filter: __type(name: "Filter") { inputFields { name } }
			query: __type(name: "Query") { fields { name args { name } } }
			log: __type(name: "AuditLog") { name }
			__schema { types { name } }
		}`, nil)
		assert.Contains(t, body, `"log":null`)
		assert.Contains(t, body, `"bio"`)
		assertHidesInaccessible(t, body)
	})

	t.Run("validation messages suggest no hidden names", func(t *testing.T) {
		for _, q := range []string{
			`{ users { secretNot } }`,
			`{ users { internalI } }`,
			`{ auditLo { entries } }`,
			`{ users(debu: true) { name } }`,
			`{ users(filter: { includeDelete: true }) { name } }`,
			`{ users { ... on AuditLo { entries } } }`,
			`query($r: Rol) { users { name } }`,
		} {
			r := s.post(t, `{"query":`+jsonString(q)+`}`)
			assert.Contains(t, r.Body, `"errors"`, q)
			assertHidesInaccessible(t, r.Body)
		}
	})

	t.Run("variables with hidden input fields are refused without naming them back", func(t *testing.T) {
		r := s.post(t, `{"query":"query($f: Filter) { users(filter: $f) { name } }","variables":{"f":{"includeDeleted":true}}}`)
		assert.Contains(t, r.Body, `"errors"`)
		assert.NotContains(t, r.Body, `"data":{`)
	})

	t.Run("answers", func(t *testing.T) {
		// u2's key field fails in the users subgraph: its error path is cut where it leaves
		// the client's selection, and u2's bio is null (no representation, no jump).
		body := s.query(t, `{ users { name role bio } }`, nil)
		assert.JSONEq(t, `{
			"data": {"users": [
				{"name": "Ada", "role": "MEMBER", "bio": "bio of u1"},
				{"name": "Bob", "role": null, "bio": null}
			]},
			"errors": [{"message": "internalId of u2 is locked", "path": ["users", 1]}]
		}`, body)
	})
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
