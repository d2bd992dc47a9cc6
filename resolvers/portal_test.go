package resolvers_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/atrium-gateway/atrium/federation"
	"github.com/atrium-gateway/atrium/gateway"
	"github.com/atrium-gateway/atrium/registry/client"
	"github.com/atrium-gateway/atrium/registry/store"
	"github.com/atrium-gateway/atrium/registry/store/storetest"
)

// gqlError is an error of an answer, with its code.
type gqlError struct {
	Message    string
	Extensions struct{ Code string }
}

// post sends an operation with the admin token and returns the answer's data and errors.
func post(t *testing.T, c *client.Client, query string, vars map[string]any) (json.RawMessage, []gqlError) {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	require.NoError(t, err)
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, c.Endpoint, bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+c.Token)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var out struct {
		Data   json.RawMessage
		Errors []gqlError
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
	return out.Data, out.Errors
}

func publishDemo(t *testing.T, c *client.Client) {
	t.Helper()
	for i, name := range []string{"accounts", "products", "reviews", "inventory"} {
		res, err := c.Publish(t.Context(), name, fmt.Sprintf("http://127.0.0.1:%d/graphql", 4001+i), demoSDL(t, name), "", "")
		require.NoError(t, err)
		require.True(t, res.Published, name)
	}
}

func TestAPISchemaDocumentsWhatClientsSee(t *testing.T) {
	t.Parallel()
	c, _ := serve(t, storetest.SQLite(t))
	var none struct{ APISchema *struct{ Version int } }
	require.NoError(t, c.Do(t.Context(), `{ apiSchema { version } }`, nil, &none))
	assert.Nil(t, none.APISchema, "null before the first publish")

	res, err := c.Publish(t.Context(), "people", "http://people.internal:4001/graphql", `
		extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@inaccessible", "@shareable"])
		"Someone with an account."
		type Person @key(fields: "id") {
		  id: ID!
		  name: String @deprecated(reason: "Use fullName.")
		  fullName: String
		  pin: String @inaccessible
		}
		interface Node { id: ID! }
		type Team implements Node @key(fields: "id") { id: ID! size: Int }
		union Member = Person | Team
		enum Role { ADMIN MEMBER @deprecated }
		input Filter { role: Role = MEMBER, limit: Int = 10 }
		type Query {
		  "Who is signed in."
		  me: Person
		  people("Who to list." filter: Filter, first: Int = 5): [Person!]!
		  members: [Member!]! @shareable
		}`, "", "")
	require.NoError(t, err)
	require.Empty(t, res.Errors)
	res, err = c.Publish(t.Context(), "teams", "http://teams.internal:4002/graphql", `
		extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])
		type Team @key(fields: "id") { id: ID! name: String }
		type Query { members: [Team!]! @shareable }`, "", "")
	require.NoError(t, err)
	require.Empty(t, res.Errors)

	var got struct {
		APISchema struct {
			Version int
			SDL     string
			Types   []struct {
				Name, Kind    string
				Description   *string
				PossibleTypes []string
				Interfaces    []string
				EnumValues    []struct {
					Name              string
					Deprecated        bool
					DeprecationReason *string
				}
				Fields []struct {
					Name, Type        string
					Description       *string
					DefaultValue      *string
					Deprecated        bool
					DeprecationReason *string
					Subgraphs         []string
					Args              []struct {
						Name, Type   string
						Description  *string
						DefaultValue *string
					}
				}
			}
		}
	}
	require.NoError(t, c.Do(t.Context(), `{ apiSchema { version sdl types {
		name kind description possibleTypes interfaces
		enumValues { name deprecated deprecationReason }
		fields { name type description defaultValue deprecated deprecationReason subgraphs
		         args { name type description defaultValue } } } } }`, nil, &got))
	api := got.APISchema
	assert.Equal(t, 2, api.Version)

	// The SDL is the schema the gateway serves: nothing of federation, nothing inaccessible.
	for _, leak := range []string{"join__", "@link", "@key", "inaccessible", "pin", "internal"} {
		assert.NotContains(t, api.SDL, leak)
	}
	assert.Contains(t, api.SDL, `name: String @deprecated(reason: "Use fullName.")`)
	assert.Contains(t, api.SDL, "Someone with an account.")
	served, gerr := gqlparser.LoadSchema(&ast.Source{Input: api.SDL})
	require.NoError(t, gerr)

	names := []string{}
	types := map[string]int{}
	for i, typ := range api.Types {
		names = append(names, typ.Name)
		types[typ.Name] = i
	}
	assert.Equal(t, []string{"Filter", "Member", "Node", "Person", "Query", "Role", "Team"}, names,
		"sorted, without built-in scalars and introspection types")
	assert.Len(t, names, len(served.Types)-len(builtIns(served)))

	person := api.Types[types["Person"]]
	assert.Equal(t, "OBJECT", person.Kind)
	assert.Equal(t, "Someone with an account.", *person.Description)
	require.Len(t, person.Fields, 3, "id, name, fullName: pin is inaccessible")
	name := person.Fields[1]
	assert.True(t, name.Deprecated)
	assert.Equal(t, "Use fullName.", *name.DeprecationReason)
	assert.Equal(t, []string{"people"}, name.Subgraphs)
	assert.Nil(t, person.Fields[2].DeprecationReason)

	query := api.Types[types["Query"]]
	require.Len(t, query.Fields, 3, "no __schema or __type")
	assert.Equal(t, "Who is signed in.", *query.Fields[0].Description)
	people := query.Fields[1]
	assert.Equal(t, "[Person!]!", people.Type)
	require.Len(t, people.Args, 2)
	assert.Equal(t, "Who to list.", *people.Args[0].Description)
	assert.Nil(t, people.Args[0].DefaultValue)
	assert.Equal(t, "Int", people.Args[1].Type)
	assert.Equal(t, "5", *people.Args[1].DefaultValue)
	assert.Equal(t, []string{"people", "teams"}, query.Fields[2].Subgraphs, "a shareable field: both resolve it")

	team := api.Types[types["Team"]]
	assert.Equal(t, []string{"Node"}, team.Interfaces)
	assert.Equal(t, []string{"people", "teams"}, team.Fields[0].Subgraphs, "a key field")
	assert.Equal(t, []string{"teams"}, team.Fields[2].Subgraphs)
	assert.Equal(t, []string{"Person", "Team"}, api.Types[types["Member"]].PossibleTypes)
	assert.Equal(t, []string{"Team"}, api.Types[types["Node"]].PossibleTypes)
	assert.Equal(t, "INTERFACE", api.Types[types["Node"]].Kind)

	role := api.Types[types["Role"]]
	assert.Equal(t, "ENUM", role.Kind)
	require.Len(t, role.EnumValues, 2)
	assert.True(t, role.EnumValues[1].Deprecated)
	assert.Equal(t, "No longer supported", *role.EnumValues[1].DeprecationReason)
	filter := api.Types[types["Filter"]]
	assert.Equal(t, "INPUT_OBJECT", filter.Kind)
	assert.Equal(t, "MEMBER", *filter.Fields[0].DefaultValue)
	assert.Empty(t, filter.Fields[0].Subgraphs, "input fields name no subgraph")
}

func builtIns(s *ast.Schema) []string {
	var out []string
	for name, def := range s.Types {
		if def.BuiltIn {
			out = append(out, name)
		}
	}
	return out
}

func TestFieldUsageNamesTheClients(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dsn string) {
		c, st := serve(t, dsn)
		now := time.Now()
		require.NoError(t, st.RecordUsage(t.Context(), []store.UsageRecord{
			{Hash: "a", Coordinates: []string{"Query.me", "User.name"}, Client: "web", Count: 3, At: now},
			{Hash: "a", Coordinates: []string{"Query.me", "User.name"}, Client: "ios", Count: 7, At: now},
			{Hash: "b", Coordinates: []string{"Query.topProducts", "Product.price"}, Client: "web", Count: 2, At: now},
			{Hash: "b", Coordinates: []string{"Query.topProducts", "Product.price"}, Client: "old", Count: 50, At: now.Add(-72 * time.Hour)},
		}))
		var got struct {
			FieldUsage []struct {
				Coordinate string
				Requests   int
				Clients    []struct {
					Client   string
					Requests int
				}
			}
		}
		require.NoError(t, c.Do(t.Context(), `query($c: [String!]!, $h: Int) {
			fieldUsage(coordinates: $c, windowHours: $h) { coordinate requests clients { client requests } } }`,
			map[string]any{"c": []string{"Query.me", "Product.price", "Query.users"}, "h": 24}, &got))
		want := `[
			{"Coordinate":"Query.me","Requests":10,"Clients":[{"Client":"ios","Requests":7},{"Client":"web","Requests":3}]},
			{"Coordinate":"Product.price","Requests":2,"Clients":[{"Client":"web","Requests":2}]},
			{"Coordinate":"Query.users","Requests":0,"Clients":[]}]`
		raw, err := json.Marshal(got.FieldUsage)
		require.NoError(t, err)
		assert.JSONEq(t, want, string(raw))

		// The default window is a week: the old client counts.
		require.NoError(t, c.Do(t.Context(), `{ fieldUsage(coordinates: ["Product.price"]) { coordinate requests clients { client requests } } }`, nil, &got))
		assert.Equal(t, 52, got.FieldUsage[0].Requests)
		assert.Equal(t, "old", got.FieldUsage[0].Clients[0].Client)

		many := make([]string, 201)
		for i := range many {
			many[i] = fmt.Sprintf("Query.f%d", i)
		}
		for _, bad := range []map[string]any{
			{"c": many},
			{"c": []string{"Query.me", "not a coordinate"}},
			{"c": []string{"Query.me"}, "h": 0},
			{"c": []string{"Query.me"}, "h": 24*90 + 1},
		} {
			_, errs := post(t, c, `query($c: [String!]!, $h: Int = 168) { fieldUsage(coordinates: $c, windowHours: $h) { coordinate } }`, bad)
			require.Len(t, errs, 1, bad)
			assert.Equal(t, "BAD_USER_INPUT", errs[0].Extensions.Code, errs[0].Message)
		}
	})
}

func TestQueryPlanIsTheGatewaysPlan(t *testing.T) {
	t.Parallel()
	c, _ := serve(t, storetest.SQLite(t))
	const query = `query Top($n: Int, $withReviews: Boolean!) {
		topProducts(first: $n) { name price shippingEstimate reviews @include(if: $withReviews) { body author { username } } }
	}`
	plan := `query($q: String!, $op: String, $vars: JSON) { queryPlan(query: $q, operationName: $op, variables: $vars) { text json } }`

	_, errs := post(t, c, plan, map[string]any{"q": query})
	require.Len(t, errs, 1)
	assert.Equal(t, "NOT_FOUND", errs[0].Extensions.Code)
	assert.Contains(t, errs[0].Message, "nothing has been published yet")

	publishDemo(t, c)
	var got struct{ QueryPlan struct{ Text, JSON string } }
	vars := map[string]any{"n": 3, "withReviews": true}
	require.NoError(t, c.Do(t.Context(), plan, map[string]any{"q": query, "op": "Top", "vars": vars}, &got))

	// The gateway, on the same supergraph, plans the same operation the same way.
	sdl, err := os.ReadFile("../demo/supergraph.graphql")
	require.NoError(t, err)
	sg, err := federation.Parse("demo", string(sdl))
	require.NoError(t, err)
	snap, err := gateway.NewSnapshot(sg, gateway.Options{})
	require.NoError(t, err)
	t.Cleanup(snap.Close)
	doc, gerrs := gqlparser.LoadQueryWithRules(sg.API, query, nil)
	require.Empty(t, gerrs)
	want, err := snap.Plan(doc.Operations[0], vars)
	require.NoError(t, err)
	assert.Equal(t, want.String(), got.QueryPlan.Text)
	wantJSON, err := json.Marshal(want)
	require.NoError(t, err)
	assert.JSONEq(t, string(wantJSON), got.QueryPlan.JSON)
	assert.Contains(t, got.QueryPlan.Text, `Fetch(service: "reviews")`)

	// @include decides the plan: without reviews, no fetch from them.
	vars["withReviews"] = false
	require.NoError(t, c.Do(t.Context(), plan, map[string]any{"q": query, "vars": vars}, &got))
	assert.NotContains(t, got.QueryPlan.Text, "reviews")

	// Variables may also be written in the query, as a JSON literal.
	require.NoError(t, c.Do(t.Context(), `{ queryPlan(query: "query($u: String!) { product(upc: $u) { name } }", variables: {u: "1"}) { text } }`, nil, &got))
	assert.Contains(t, got.QueryPlan.Text, `Fetch(service: "products")`)

	for name, bad := range map[string]struct {
		vars map[string]any
		want string
	}{
		"invalid query":   {map[string]any{"q": "{ topProducts { nope } me { nada } }"}, `query: 1:17: Cannot query field "nope" on type "Product". Did you mean "name"?; query: 1:29: Cannot query field "nada"`},
		"syntax error":    {map[string]any{"q": "{ topProducts {"}, "query: 1:16:"},
		"two operations":  {map[string]any{"q": "query A { me { id } } query B { me { id } }"}, "operationName: the document has several operations"},
		"no such op":      {map[string]any{"q": query, "op": "Nope"}, `operationName: the document has no operation named "Nope"`},
		"missing var":     {map[string]any{"q": query}, "variables: variable.withReviews must be defined"},
		"vars not object": {map[string]any{"q": query, "vars": []int{1}}, "variables: must be a JSON object"},
	} {
		_, errs := post(t, c, plan, bad.vars)
		require.Len(t, errs, 1, name)
		assert.Equal(t, "BAD_USER_INPUT", errs[0].Extensions.Code, name)
		assert.Contains(t, errs[0].Message, bad.want, name)
		assert.True(t, strings.HasPrefix(errs[0].Message, "invalid input: "), name)
	}
}
