package introspect_test

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/validator"

	"github.com/atrium-gateway/atrium/executor/introspect"
)

// TestFullIntrospection asserts the facts a client relies on in the answer to the full
// introspection query, independently of the graphql-js golden files.
func TestFullIntrospection(t *testing.T) {
	t.Parallel()
	schema := loadSchema(t, "testdata/kitchen/schema.graphql")
	doc := loadQuery(t, schema, readFile(t, "testdata/introspection.graphql"))
	s := decode(t, execute(t, schema, doc, nil))["data"].(map[string]any)["__schema"].(map[string]any)

	assert.Equal(t, "The kitchen sink: every kind of type, default value and deprecation that\nintrospection reports.", s["description"])
	assert.Equal(t, map[string]any{"name": "Query", "kind": "OBJECT"}, s["queryType"])
	assert.Equal(t, map[string]any{"name": "Mutation", "kind": "OBJECT"}, s["mutationType"])
	assert.Equal(t, map[string]any{"name": "Subscription", "kind": "OBJECT"}, s["subscriptionType"])

	types := map[string]map[string]any{}
	var names []string
	for _, v := range s["types"].([]any) {
		ty := v.(map[string]any)
		types[ty["name"].(string)] = ty
		names = append(names, ty["name"].(string))
	}
	assert.True(t, slices.IsSorted(names), "types are sorted by name: %v", names)
	for _, name := range []string{
		"__Schema", "__Type", "__TypeKind", "__Field", "__InputValue", "__EnumValue", "__Directive",
		"__DirectiveLocation", "String", "Boolean", "Int", "Float", "ID", "Query", "Book", "Genre",
	} {
		assert.Contains(t, types, name)
	}
	var dirNames []string
	for _, d := range s["directives"].([]any) {
		dirNames = append(dirNames, d.(map[string]any)["name"].(string))
	}
	assert.Equal(t, []string{"cached", "defer", "deprecated", "include", "internal", "oneOf", "skip", "specifiedBy"}, dirNames)

	field := func(typ, name string) map[string]any {
		for _, f := range types[typ]["fields"].([]any) {
			if f := f.(map[string]any); f["name"] == name {
				return f
			}
		}
		t.Fatalf("%s has no field %s", typ, name)
		return nil
	}
	input := func(list any, name string) map[string]any {
		for _, f := range list.([]any) {
			if f := f.(map[string]any); f["name"] == name {
				return f
			}
		}
		t.Fatalf("no input value %s", name)
		return nil
	}

	// [[String!]]! is NON_NULL > LIST > LIST > NON_NULL > String.
	assert.Equal(t, map[string]any{"kind": "NON_NULL", "name": nil, "ofType": map[string]any{
		"kind": "LIST", "name": nil, "ofType": map[string]any{
			"kind": "LIST", "name": nil, "ofType": map[string]any{
				"kind": "NON_NULL", "name": nil, "ofType": map[string]any{
					"kind": "SCALAR", "name": "String", "ofType": nil,
				},
			},
		},
	}}, field("Book", "tags")["type"])

	// Kinds, and the fields each kind leaves null.
	assert.Equal(t, "INTERFACE", types["Entity"]["kind"])
	assert.Equal(t, []any{map[string]any{"kind": "INTERFACE", "name": "Node", "ofType": nil}}, types["Entity"]["interfaces"])
	assert.Equal(t, []any{
		map[string]any{"kind": "OBJECT", "name": "Author", "ofType": nil},
		map[string]any{"kind": "OBJECT", "name": "Book", "ofType": nil},
	}, types["Node"]["possibleTypes"], "interfaces list object types only")
	assert.Equal(t, "UNION", types["SearchResult"]["kind"])
	assert.Nil(t, types["SearchResult"]["fields"])
	assert.Equal(t, "INPUT_OBJECT", types["SearchInput"]["kind"])
	assert.Equal(t, false, types["SearchInput"]["isOneOf"])
	assert.Equal(t, true, types["BookBy"]["isOneOf"])
	assert.Nil(t, types["Book"]["isOneOf"])
	assert.Nil(t, types["Book"]["inputFields"])
	assert.Equal(t, "https://scalars.graphql.org/andimarek/date-time", types["DateTime"]["specifiedByURL"])
	assert.Nil(t, types["JSON"]["specifiedByURL"])
	assert.Equal(t, "A book.\tTabs, \"quotes\" and a\nnewline.", types["Book"]["description"])
	assert.NotContains(t, fieldNames(types["Query"]["fields"]), "__schema", "root introspection fields are not listed")

	// Deprecation.
	assert.Equal(t, []any{
		map[string]any{"name": "FICTION", "description": "Made up.", "isDeprecated": false, "deprecationReason": nil},
		map[string]any{"name": "NON_FICTION", "description": nil, "isDeprecated": false, "deprecationReason": nil},
		map[string]any{"name": "POETRY", "description": nil, "isDeprecated": true, "deprecationReason": "No longer supported"},
		map[string]any{"name": "DRAMA", "description": nil, "isDeprecated": true, "deprecationReason": "Merged into `FICTION`."},
		map[string]any{"name": "ESSAY", "description": nil, "isDeprecated": false, "deprecationReason": nil},
	}, types["Genre"]["enumValues"])
	assert.Equal(t, "Use `books`.", field("Author", "works")["deprecationReason"])
	assert.Equal(t, true, field("Book", "isbn")["isDeprecated"])
	assert.Equal(t, true, input(field("Query", "book")["args"], "legacy")["isDeprecated"])
	assert.Equal(t, "Use `text`.", input(types["SearchInput"]["inputFields"], "legacy")["deprecationReason"])

	// Default values, printed as graphql-js prints them.
	in := types["SearchInput"]["inputFields"]
	for name, want := range map[string]any{
		"text":      `"x"`,
		"genres":    `[FICTION, POETRY]`,
		"ids":       `[123, "abc", 7, -0, "007"]`,
		"limit":     `20`,
		"offset":    nil,
		"minRating": `1`,
		"maxRating": `1500`,
		"huge":      `2.5e+25`,
		"tiny":      `0.000001`,
		"smaller":   `1.5e-7`,
		"page":      `{number: 1, size: 5}`,
		"pages":     `[{number: 1, size: 1}, {number: 2, size: 3}]`,
		"sort":      `[1]`,
		"grid":      `[[1], [2, 3]]`,
		"escapes":   `"tab\t \"q\" back\\slash \u0001 é \u0085 ☕"`,
		"block":     `"two\n  lines"`,
		"nothing":   `null`,
		"raw":       `"json"`,
		"rawNumber": `12`,
	} {
		assert.Equal(t, want, input(in, name)["defaultValue"], name)
	}
	assert.Equal(t, `{number: 3, size: 1}`, input(field("Mutation", "addBook")["args"], "page")["defaultValue"])
	assert.Equal(t, `{isbn: "978-0"}`, input(field("Query", "book")["args"], "by")["defaultValue"])
	assert.Equal(t, `[1, 2]`, input(field("Query", "entities")["args"], "ids")["defaultValue"])
	assert.Equal(t, `[]`, input(field("Query", "genres")["args"], "list")["defaultValue"])
}

// TestTypename checks __typename on every introspection type, aliased or not.
func TestTypename(t *testing.T) {
	t.Parallel()
	schema := loadSchema(t, "testdata/kitchen/schema.graphql")
	doc := loadQuery(t, schema, `{
		__schema {
			__typename
			directives { t: __typename args { __typename } }
			types { __typename fields { __typename } enumValues { __typename } }
		}
		__type(name: "Genre") { a: __typename b: __typename }
	}`)
	got := decode(t, execute(t, schema, doc, nil))["data"].(map[string]any)
	s := got["__schema"].(map[string]any)
	assert.Equal(t, "__Schema", s["__typename"])
	assert.Equal(t, map[string]any{"a": "__Type", "b": "__Type"}, got["__type"])
	seen := map[string]bool{}
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if k == "__typename" || k == "t" {
					seen[x.(string)] = true
				}
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(s)
	assert.Equal(t, map[string]bool{"__Schema": true, "__Type": true, "__Field": true, "__InputValue": true, "__EnumValue": true, "__Directive": true}, seen)
}

func TestErrors(t *testing.T) {
	t.Parallel()
	schema := loadSchema(t, "testdata/kitchen/schema.graphql")
	for name, tc := range map[string]struct {
		query string
		vars  map[string]any
		want  string
	}{
		"not introspection": {`{ node(id: 1) { id } }`, nil, "node is not an introspection root field"},
		"wrong variable type": {
			`query($a: Boolean) { __type(name: "Book") { fields(includeDeprecated: $a) { name } } }`,
			map[string]any{"a": "yes"},
			"variable $a must be a Boolean, got string (at 1:71)",
		},
		"null if": {
			`query($s: Boolean!) { __schema { description @skip(if: $s) } }`,
			nil, `argument "if" of @skip must be a Boolean, not null (at 1:47)`,
		},
		"name not a string": {`query($n: String!) { __type(name: $n) { name } }`, map[string]any{"n": 1}, "variable $n must be a String, got int"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			doc := loadQuery(t, schema, tc.query)
			f := doc.Operations[0].SelectionSet[0].(*ast.Field)
			_, err := introspect.Field(nil, schema, f, tc.vars)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

// TestVariables covers variables that are absent and fall back to their defaults, or
// to the argument's.
func TestVariables(t *testing.T) {
	t.Parallel()
	schema := loadSchema(t, "testdata/kitchen/schema.graphql")
	doc := loadQuery(t, schema, `query($all: Boolean, $on: Boolean = true, $n: String = "Genre") {
		__type(name: $n) {
			deflt: enumValues(includeDeprecated: $all) { name }
			name @include(if: $on)
			kind @skip(if: $on)
		}
	}`)
	f := doc.Operations[0].SelectionSet[0].(*ast.Field)
	got, err := introspect.Field(nil, schema, f, nil)
	require.NoError(t, err)
	assert.JSONEq(t, `{"deflt":[{"name":"FICTION"},{"name":"NON_FICTION"},{"name":"ESSAY"}],"name":"Genre"}`, string(got))

	got, err = introspect.Field(got[:0], schema, f, map[string]any{"all": nil, "on": false, "n": "Scope"})
	require.NoError(t, err)
	assert.JSONEq(t, `{"deflt":[{"name":"PUBLIC"},{"name":"PRIVATE"}],"kind":"ENUM"}`, string(got))
}

// TestJSNumber compares number printing with what node prints for String(Number(s)).
func TestJSNumber(t *testing.T) {
	t.Parallel()
	schema := gqlparser.MustLoadSchema(&ast.Source{Input: `scalar Any type Query { f(x: Any): Int }`})
	for lit, want := range map[string]string{
		"0": "0", "-0": "0", "1.0": "1", "1.5": "1.5", "-1.5": "-1.5", "0.1": "0.1", "1e21": "1e+21",
		"1e20": "100000000000000000000", "123456789012345678901": "123456789012345680000",
		"1.5e-7": "1.5e-7", "1e-7": "1e-7", "1e-6": "0.000001", "1.2345e-5": "0.000012345",
		"1e300": "1e+300", "5e-324": "5e-324", "1.7976931348623157e308": "1.7976931348623157e+308",
		"12345678901234567890": "12345678901234567000", "2.5e+25": "2.5e+25", "-1e-10": "-1e-10",
		"9007199254740993": "9007199254740992", "1e-400": "0",
	} {
		schema.Types["Query"].Fields[0].Arguments[0].DefaultValue = &ast.Value{Kind: ast.FloatValue, Raw: lit}
		doc := loadQuery(t, schema, `{ __type(name: "Query") { fields { args { defaultValue } } } }`)
		got, err := introspect.Field(nil, schema, doc.Operations[0].SelectionSet[0].(*ast.Field), nil)
		require.NoError(t, err)
		assert.Equal(t, `{"fields":[{"args":[{"defaultValue":"`+want+`"}]}]}`, string(got), lit)
	}
}

// TestUnprintableDefaults covers defaults graphql-js cannot print (it answers null with
// an error, we answer null) and defaults that do not coerce to their type.
func TestUnprintableDefaults(t *testing.T) {
	t.Parallel()
	schema := loadSchema(t, "testdata/kitchen/schema.graphql")
	for lit, want := range map[string]string{
		`[1]`:                  `null`,                        // custom scalar holding a list
		`{a: 1}`:               `null`,                        // custom scalar holding an object
		`1e400`:                `null`,                        // Infinity
		`"\u0000\u007f\u009f"`: `"\"\\u0000\\u007F\\u009F\""`, // graphql-js's escapes
	} {
		v, err := parseValue(lit)
		require.NoError(t, err)
		schema.Types["SearchInput"].Fields.ForName("raw").DefaultValue = v
		doc := loadQuery(t, schema, `{ __type(name: "SearchInput") { inputFields { name defaultValue } } }`)
		got, err := introspect.Field(nil, schema, doc.Operations[0].SelectionSet[0].(*ast.Field), nil)
		require.NoError(t, err)
		require.True(t, json.Valid(got))
		assert.Contains(t, string(got), `{"name":"raw","defaultValue":`+want+`}`, lit)
	}
	// A field default that does not coerce is no default; an absent required field
	// makes the whole object invalid.
	page := schema.Types["Page"].Fields
	page.ForName("number").DefaultValue = &ast.Value{Kind: ast.StringValue, Raw: "one"}
	doc := loadQuery(t, schema, `{ __type(name: "SearchInput") { inputFields { name defaultValue } } }`)
	got, err := introspect.Field(nil, schema, doc.Operations[0].SelectionSet[0].(*ast.Field), nil)
	require.NoError(t, err)
	assert.Contains(t, string(got), `{"name":"page","defaultValue":"{size: 5}"}`)
	page.ForName("size").Type = ast.NonNullNamedType("Int", nil)
	schema.Types["SearchInput"].Fields.ForName("page").DefaultValue = &ast.Value{Kind: ast.ObjectValue}
	got, err = introspect.Field(nil, schema, doc.Operations[0].SelectionSet[0].(*ast.Field), nil)
	require.NoError(t, err)
	assert.Contains(t, string(got), `{"name":"page","defaultValue":null}`)
}

// TestInvalidUTF8 checks that descriptions holding invalid UTF-8 still make valid JSON.
func TestInvalidUTF8(t *testing.T) {
	t.Parallel()
	schema := gqlparser.MustLoadSchema(&ast.Source{Input: `type Query { f(x: String): Int }`})
	schema.Types["Query"].Description = "bad \xff byte, \x01 control, \u2028 separator"
	schema.Types["Query"].Fields[0].Arguments[0].DefaultValue = &ast.Value{Kind: ast.StringValue, Raw: "\xfe\x80"}
	doc := loadQuery(t, schema, `{ __type(name: "Query") { description fields { args { defaultValue } } } }`)
	got, err := introspect.Field(nil, schema, doc.Operations[0].SelectionSet[0].(*ast.Field), nil)
	require.NoError(t, err)
	require.True(t, json.Valid(got), string(got))
	var v map[string]any
	require.NoError(t, json.Unmarshal(got, &v))
	assert.Equal(t, "bad \ufffd byte, \x01 control, \u2028 separator", v["description"])
	assert.Equal(t, `{"description":"bad \ufffd byte, \u0001 control, `+"\u2028"+` separator","fields":[{"args":[{"defaultValue":"\"\ufffd\ufffd\""}]}]}`, string(got))
}

func BenchmarkFullIntrospection(b *testing.B) {
	schema := loadSchema(b, "testdata/kitchen/schema.graphql")
	doc := loadQuery(b, schema, readFile(b, "testdata/introspection.graphql"))
	field := doc.Operations[0].SelectionSet[0].(*ast.Field)
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		var err error
		buf, err = introspect.Field(buf[:0], schema, field, nil)
		if err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(len(buf)))
}

// execute runs the root fields of doc's only operation and returns the response,
// {"data": {...}}.
func execute(t testing.TB, schema *ast.Schema, doc *ast.QueryDocument, raw map[string]any) []byte {
	t.Helper()
	require.Len(t, doc.Operations, 1)
	op := doc.Operations[0]
	vars, err := validator.VariableValues(schema, op, raw)
	require.NoError(t, err)
	buf := []byte(`{"data":{`)
	for i, group := range rootGroups(op) {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = fmt.Appendf(buf, "%q:", responseKey(group[0]))
		buf, err = introspect.FieldGroup(buf, schema, group, vars)
		require.NoError(t, err)
	}
	buf = append(buf, "}}"...)
	require.True(t, json.Valid(buf), "invalid JSON: %s", buf)
	return buf
}

func decode(t testing.TB, b []byte) map[string]any {
	t.Helper()
	var v map[string]any
	require.NoError(t, json.Unmarshal(b, &v))
	return v
}

// rootGroups returns op's root fields grouped by response key, in order. It handles
// fields only: that is all the queries here have at their root.
func rootGroups(op *ast.OperationDefinition) [][]*ast.Field {
	var groups [][]*ast.Field
	for _, sel := range op.SelectionSet {
		f, ok := sel.(*ast.Field)
		if !ok {
			continue
		}
		i := slices.IndexFunc(groups, func(g []*ast.Field) bool { return responseKey(g[0]) == responseKey(f) })
		if i < 0 {
			groups = append(groups, []*ast.Field{f})
		} else {
			groups[i] = append(groups[i], f)
		}
	}
	return groups
}

func responseKey(f *ast.Field) string {
	if f.Alias != "" {
		return f.Alias
	}
	return f.Name
}

func fieldNames(list any) []string {
	var names []string
	for _, f := range list.([]any) {
		names = append(names, nameOf(f))
	}
	return names
}

func loadSchema(t testing.TB, file string) *ast.Schema {
	t.Helper()
	schema, err := gqlparser.LoadSchema(&ast.Source{Name: file, Input: readFile(t, file)})
	require.NoError(t, err)
	return schema
}

func loadQuery(t testing.TB, schema *ast.Schema, query string) *ast.QueryDocument {
	t.Helper()
	doc, errs := gqlparser.LoadQueryWithRules(schema, query, nil)
	require.Empty(t, errs)
	return doc
}

// parseValue parses a GraphQL value literal by way of a throwaway schema.
func parseValue(lit string) (*ast.Value, error) {
	doc, err := gqlparser.LoadSchema(&ast.Source{Input: "scalar Any type Query { f(x: Any = " + lit + "): Int }"})
	if err != nil {
		return nil, err
	}
	return doc.Types["Query"].Fields[0].Arguments[0].DefaultValue, nil
}

func readFile(t testing.TB, file string) string {
	t.Helper()
	b, err := os.ReadFile(file)
	require.NoError(t, err)
	return string(b)
}
