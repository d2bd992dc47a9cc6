package schemadiff

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2"
	gql "github.com/vektah/gqlparser/v2/ast"
)

func load(t testing.TB, sdl string) *gql.Schema {
	t.Helper()
	s, err := gqlparser.LoadSchema(&gql.Source{Name: "test.graphql", Input: sdl})
	require.NoError(t, err)
	return s
}

// lines prints changes as "SEVERITY CODE coordinate [usage coordinates]".
func lines(changes []Change) []string {
	out := []string{}
	for _, c := range changes {
		out = append(out, string(c.Severity)+" "+c.Code+" "+c.Coordinate+" ["+strings.Join(c.UsageCoordinates, " ")+"]")
	}
	return out
}

type diffCase struct {
	name     string
	old, new string
	want     []string
}

// diffCases each hold two SDLs and every change expected between them, in Diff's order.
var diffCases = []diffCase{
	{
		name: "identical schemas",
		old:  `type Query { a: Int }`,
		new:  `type Query { a: Int }`,
		want: []string{},
	},
	{
		name: "types added, removed and changing kind",
		old:  `type Query { a: Int } type Gone { x: Int } type Shape { x: Int }`,
		new:  `type Query { a: Int } enum Fresh { A } interface Shape { x: Int }`,
		want: []string{
			"SAFE TYPE_ADDED Fresh []",
			"BREAKING TYPE_REMOVED Gone [Gone]",
			"BREAKING TYPE_KIND_CHANGED Shape [Shape]",
		},
	},
	{
		name: "root operation types",
		old:  `schema { query: Query subscription: Sub } type Query { a: Int } type Sub { s: Int } type M { m: Int }`,
		new:  `schema { query: Query mutation: M subscription: Sub2 } type Query { a: Int } type Sub { s: Int } type Sub2 { s: Int } type M { m: Int }`,
		want: []string{
			"SAFE TYPE_ADDED Sub2 []",
			"SAFE SCHEMA_ROOT_ADDED schema.mutation []",
			"BREAKING SCHEMA_ROOT_CHANGED schema.subscription [Sub]",
		},
	},
	{
		name: "root operation type removed",
		old:  `type Query { a: Int } type Mutation { m: Int }`,
		new:  `type Query { a: Int }`,
		want: []string{
			"BREAKING TYPE_REMOVED Mutation [Mutation]",
			"BREAKING SCHEMA_ROOT_REMOVED schema.mutation [Mutation]",
		},
	},
	{
		name: "fields added and removed, deprecated ones too",
		old:  `type Query { p: Product } type Product { id: ID price: Float old: String @deprecated(reason: "use id") }`,
		new:  `type Query { p: Product } type Product { id: ID sku: String }`,
		want: []string{
			"BREAKING FIELD_REMOVED Product.old [Product.old]",
			"BREAKING FIELD_REMOVED Product.price [Product.price]",
			"SAFE FIELD_ADDED Product.sku []",
		},
	},
	{
		name: "output field nullability: gaining non-null is safe, losing it breaks",
		old:  `type Query { a: String b: String! c: [String] d: [String!]! e: [String]! }`,
		new:  `type Query { a: String! b: String c: [String!] d: [String]! e: [String] }`,
		want: []string{
			"SAFE FIELD_TYPE_CHANGED Query.a []",
			"BREAKING FIELD_TYPE_CHANGED Query.b [Query.b]",
			"SAFE FIELD_TYPE_CHANGED Query.c []",
			"BREAKING FIELD_TYPE_CHANGED Query.d [Query.d]",
			"BREAKING FIELD_TYPE_CHANGED Query.e [Query.e]",
		},
	},
	{
		name: "output field list nesting and named type changes break",
		old:  `type Query { a: String b: [String] c: [[Int]] d: Int! }`,
		new:  `type Query { a: [String] b: String c: [Int] d: Float! }`,
		want: []string{
			"BREAKING FIELD_TYPE_CHANGED Query.a [Query.a]",
			"BREAKING FIELD_TYPE_CHANGED Query.b [Query.b]",
			"BREAKING FIELD_TYPE_CHANGED Query.c [Query.c]",
			"BREAKING FIELD_TYPE_CHANGED Query.d [Query.d]",
		},
	},
	{
		name: "field deprecation",
		old:  `type Query { a: Int b: Int @deprecated c: Int @deprecated(reason: "old") }`,
		new:  `type Query { a: Int @deprecated(reason: "use b") b: Int c: Int @deprecated(reason: "older") }`,
		want: []string{
			"SAFE FIELD_DEPRECATED Query.a []",
			"SAFE FIELD_DEPRECATION_REMOVED Query.b []",
			"SAFE DEPRECATION_REASON_CHANGED Query.c []",
		},
	},
	{
		name: "arguments added and removed",
		old:  `type Query { products(limit: Int, after: String): [Int] }`,
		new:  `type Query { products(limit: Int, first: Int!, order: Int! = 1, filter: String): [Int] }`,
		want: []string{
			"BREAKING ARG_REMOVED Query.products(after:) [Query.products.after]",
			"SAFE OPTIONAL_ARG_ADDED Query.products(filter:) []",
			"BREAKING REQUIRED_ARG_ADDED Query.products(first:) [Query.products]",
			"SAFE OPTIONAL_ARG_ADDED Query.products(order:) []",
		},
	},
	{
		name: "argument nullability: accepting null is safe, refusing it breaks",
		old:  `type Query { f(a: Int!, b: Int, c: Int, d: [Int!], e: [Int]): Int }`,
		new:  `type Query { f(a: Int, b: Int!, c: Int! = 3, d: [Int], e: [Int!]): Int }`,
		want: []string{
			"SAFE ARG_TYPE_CHANGED Query.f(a:) []",
			// b is now required: every operation selecting f must pass it.
			"BREAKING ARG_TYPE_CHANGED Query.f(b:) [Query.f]",
			// c has a default: only operations passing c (maybe null) can fail.
			"DANGEROUS ARG_DEFAULT_CHANGED Query.f(c:) [Query.f]",
			"BREAKING ARG_TYPE_CHANGED Query.f(c:) [Query.f.c]",
			"SAFE ARG_TYPE_CHANGED Query.f(d:) []",
			"BREAKING ARG_TYPE_CHANGED Query.f(e:) [Query.f.e]",
		},
	},
	{
		name: "argument list nesting and named type changes break",
		old:  `type Query { f(a: Int, b: [Int], c: ID): Int }`,
		new:  `type Query { f(a: [Int], b: Int, c: String): Int }`,
		want: []string{
			"BREAKING ARG_TYPE_CHANGED Query.f(a:) [Query.f.a]",
			"BREAKING ARG_TYPE_CHANGED Query.f(b:) [Query.f.b]",
			"BREAKING ARG_TYPE_CHANGED Query.f(c:) [Query.f.c]",
		},
	},
	{
		name: "argument defaults",
		old:  `type Query { f(a: Int = 1, b: Int, c: Int! = 3, d: String = "x", e: In = {x: 1, y: 2}): Int } input In { x: Int y: Int }`,
		new:  `type Query { f(a: Int = 2, b: Int = 5, c: Int!, d: String = """x""", e: In = {y: 2, x: 1}): Int } input In { x: Int y: Int }`,
		want: []string{
			"DANGEROUS ARG_DEFAULT_CHANGED Query.f(a:) [Query.f]",
			"DANGEROUS ARG_DEFAULT_CHANGED Query.f(b:) [Query.f]",
			// Losing the default makes c required.
			"BREAKING ARG_DEFAULT_CHANGED Query.f(c:) [Query.f]",
		},
	},
	{
		name: "argument deprecation and description",
		old:  `type Query { f(a: Int, b: Int @deprecated, "count" c: Int): Int }`,
		new:  `type Query { f(a: Int @deprecated(reason: "use c"), b: Int, "how many" c: Int): Int }`,
		want: []string{
			"SAFE ARG_DEPRECATED Query.f(a:) []",
			"SAFE ARG_DEPRECATION_REMOVED Query.f(b:) []",
			"SAFE DESCRIPTION_CHANGED Query.f(c:) []",
		},
	},
	{
		name: "enum values",
		old:  `type Query { c: Color } enum Color { RED GREEN BLUE @deprecated "pale" PINK }`,
		new:  `type Query { c: Color } enum Color { RED @deprecated(reason: "no red") BLUE "light red" PINK YELLOW }`,
		want: []string{
			"SAFE ENUM_VALUE_DEPRECATION_REMOVED Color.BLUE []",
			"BREAKING ENUM_VALUE_REMOVED Color.GREEN [Color.GREEN]",
			"SAFE DESCRIPTION_CHANGED Color.PINK []",
			"SAFE ENUM_VALUE_DEPRECATED Color.RED []",
			"DANGEROUS ENUM_VALUE_ADDED Color.YELLOW [Color]",
		},
	},
	{
		name: "union members",
		old:  `type Query { s: Result } union Result = A | B type A { a: Int } type B { b: Int } type C { c: Int }`,
		new:  `type Query { s: Result } union Result = A | C type A { a: Int } type B { b: Int } type C { c: Int }`,
		want: []string{
			"DANGEROUS UNION_MEMBER_ADDED Result [Result]",
			"BREAKING UNION_MEMBER_REMOVED Result [Result]",
		},
	},
	{
		name: "interfaces of objects and of interfaces",
		old: `type Query { n: Node } interface Node { id: ID } interface Named { name: String }
			interface Entity implements Node { id: ID } type A implements Node & Named { id: ID name: String }`,
		new: `type Query { n: Node } interface Node { id: ID } interface Named { name: String }
			interface Entity { id: ID } type A implements Node { id: ID name: String } type B implements Named { name: String }`,
		want: []string{
			"BREAKING INTERFACE_REMOVED_FROM_OBJECT A [Named]",
			"SAFE TYPE_ADDED B []",
			"BREAKING INTERFACE_REMOVED_FROM_OBJECT Entity [Node]",
		},
	},
	{
		name: "interface gained by an object",
		old:  `type Query { n: Node } interface Node { id: ID } type A { id: ID }`,
		new:  `type Query { n: Node } interface Node { id: ID } type A implements Node { id: ID }`,
		want: []string{"DANGEROUS INTERFACE_ADDED_TO_OBJECT A [Node]"},
	},
	{
		name: "interface fields: each type reports its own",
		old:  `type Query { n: Node } interface Node { id: ID! name: String } type A implements Node { id: ID! name: String }`,
		new:  `type Query { n: Node } interface Node { id: ID } type A implements Node { id: ID }`,
		want: []string{
			"BREAKING FIELD_TYPE_CHANGED A.id [A.id]",
			"BREAKING FIELD_REMOVED A.name [A.name]",
			"BREAKING FIELD_TYPE_CHANGED Node.id [Node.id]",
			"BREAKING FIELD_REMOVED Node.name [Node.name]",
		},
	},
	{
		name: "input fields added and removed",
		old:  `type Query { f(i: In): Int } input In { a: Int gone: Int }`,
		new:  `type Query { f(i: In): Int } input In { a: Int b: Int! c: Int d: Int! = 1 }`,
		want: []string{
			"BREAKING REQUIRED_INPUT_FIELD_ADDED In.b [In]",
			"SAFE OPTIONAL_INPUT_FIELD_ADDED In.c []",
			"SAFE OPTIONAL_INPUT_FIELD_ADDED In.d []",
			"BREAKING INPUT_FIELD_REMOVED In.gone [In.gone]",
		},
	},
	{
		name: "input field types: accepting null is safe, refusing it breaks",
		old:  `type Query { f(i: In): Int } input In { a: Int! b: Int c: [Int] d: Int = 1 e: Int }`,
		new:  `type Query { f(i: In): Int } input In { a: Int b: Int! c: [Int!] d: Int e: String }`,
		want: []string{
			"SAFE INPUT_FIELD_TYPE_CHANGED In.a []",
			"BREAKING INPUT_FIELD_TYPE_CHANGED In.b [In]",
			"BREAKING INPUT_FIELD_TYPE_CHANGED In.c [In.c]",
			"DANGEROUS INPUT_FIELD_DEFAULT_CHANGED In.d [In]",
			"BREAKING INPUT_FIELD_TYPE_CHANGED In.e [In.e]",
		},
	},
	{
		name: "input field default removed from a non-null field",
		old:  `type Query { f(i: In): Int } input In { a: Int! = 1 }`,
		new:  `type Query { f(i: In): Int } input In { a: Int! }`,
		want: []string{"BREAKING INPUT_FIELD_DEFAULT_CHANGED In.a [In]"},
	},
	{
		name: "input field deprecation",
		old:  `type Query { f(i: In): Int } input In { a: Int b: Int @deprecated }`,
		new:  `type Query { f(i: In): Int } input In { a: Int @deprecated b: Int }`,
		want: []string{
			"SAFE INPUT_FIELD_DEPRECATED In.a []",
			"SAFE INPUT_FIELD_DEPRECATION_REMOVED In.b []",
		},
	},
	{
		name: "oneOf",
		old:  `type Query { f(a: A, b: B): Int } input A { x: Int y: Int } input B @oneOf { x: Int y: Int }`,
		new:  `type Query { f(a: A, b: B): Int } input A @oneOf { x: Int y: Int } input B { x: Int y: Int }`,
		want: []string{
			"BREAKING ONE_OF_ADDED A [A]",
			"SAFE ONE_OF_REMOVED B []",
		},
	},
	{
		name: "scalars",
		old:  `type Query { a: Date b: Url } scalar Date @specifiedBy(url: "https://a") scalar Url`,
		new:  `type Query { a: Date b: Url } scalar Date @specifiedBy(url: "https://b") "a URL" scalar Url`,
		want: []string{
			"DANGEROUS SPECIFIED_BY_CHANGED Date [Date]",
			"SAFE DESCRIPTION_CHANGED Url []",
		},
	},
	{
		name: "executable directives",
		old: `type Query { a: Int }
			directive @gone on FIELD
			directive @cached(ttl: Int, scope: String) repeatable on FIELD | QUERY
			directive @log on FIELD | FRAGMENT_SPREAD
			directive @key(fields: String) on OBJECT`,
		new: `type Query { a: Int }
			directive @fresh on FIELD
			"cache the field" directive @cached(ttl: Int!, scope: String = "public", max: Int!) on FIELD | INLINE_FRAGMENT
			directive @log repeatable on FIELD
			directive @key(fields: String!) on OBJECT`,
		want: []string{
			"SAFE DESCRIPTION_CHANGED @cached []",
			"SAFE DIRECTIVE_LOCATION_ADDED @cached []",
			"BREAKING DIRECTIVE_LOCATION_REMOVED @cached [@cached]",
			"BREAKING DIRECTIVE_REPEATABLE_REMOVED @cached [@cached]",
			"BREAKING REQUIRED_ARG_ADDED @cached(max:) [@cached]",
			"DANGEROUS ARG_DEFAULT_CHANGED @cached(scope:) [@cached]",
			"BREAKING ARG_TYPE_CHANGED @cached(ttl:) [@cached]",
			"SAFE DIRECTIVE_ADDED @fresh []",
			"BREAKING DIRECTIVE_REMOVED @gone [@gone]",
			"BREAKING DIRECTIVE_LOCATION_REMOVED @log [@log]",
			"SAFE DIRECTIVE_REPEATABLE_ADDED @log []",
		},
	},
	{
		name: "a directive losing its last executable location is removed for clients",
		old:  `type Query { a: Int } directive @d on FIELD | OBJECT`,
		new:  `type Query { a: Int } directive @d on OBJECT`,
		want: []string{"BREAKING DIRECTIVE_REMOVED @d [@d]"},
	},
	{
		name: "descriptions",
		old:  `"q" type Query { "a" a(x: Int): Int b: Int } enum E { A } input I { x: Int }`,
		new:  `type Query { "A" a("x" x: Int): Int "b" b: Int } "e" enum E { A } input I { "x" x: Int }`,
		want: []string{
			"SAFE DESCRIPTION_CHANGED E []",
			"SAFE DESCRIPTION_CHANGED I.x []",
			"SAFE DESCRIPTION_CHANGED Query []",
			"SAFE DESCRIPTION_CHANGED Query.a []",
			"SAFE DESCRIPTION_CHANGED Query.a(x:) []",
			"SAFE DESCRIPTION_CHANGED Query.b []",
		},
	},
	{
		name: "order of definitions, fields, members and values does not matter",
		old: `type Query { a: Int b(x: Int, y: Int): Int } union U = A | B type A { a: Int } type B { b: Int }
			enum E { X Y } input I { p: Int q: Int } type C implements N & M { id: ID } interface N { id: ID } interface M { id: ID }`,
		new: `interface M { id: ID } interface N { id: ID } type C implements M & N { id: ID } input I { q: Int p: Int }
			enum E { Y X } type B { b: Int } type A { a: Int } union U = B | A type Query { b(y: Int, x: Int): Int a: Int }`,
		want: []string{},
	},
}

func TestDiff(t *testing.T) {
	t.Parallel()
	for _, tc := range diffCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := Diff(load(t, tc.old), load(t, tc.new))
			assert.Equal(t, tc.want, lines(got))
			for _, c := range got {
				assert.NotEmpty(t, c.Message, c.Code)
				if c.Severity != Safe {
					assert.NotEmpty(t, c.UsageCoordinates, "%s has no usage coordinates", c)
				}
			}
			assert.Empty(t, Diff(load(t, tc.old), load(t, tc.old)), "a schema differs from itself")
		})
	}
}

func TestDiffMessages(t *testing.T) {
	t.Parallel()
	old := load(t, `type Query { p: Product } type Product { price: Float! old: String @deprecated }`)
	new := load(t, `type Query { p: Product } type Product { price: Float }`)
	msgs := []string{}
	for _, c := range Diff(old, new) {
		msgs = append(msgs, c.String())
	}
	assert.Equal(t, []string{
		"BREAKING FIELD_REMOVED Product.old: Field 'Product.old' was removed from object type 'Product' (it was deprecated): operations that select it fail",
		"BREAKING FIELD_TYPE_CHANGED Product.price: Field 'Product.price' changed type from 'Float!' to 'Float': it may now return null where clients expect a value",
	}, msgs)
}

func TestDiffIgnoresBuiltinsAndIntrospection(t *testing.T) {
	t.Parallel()
	// One schema declares a mutation root, the other not: the introspection fields added to
	// both Query types and the built-in types and directives must not show.
	got := Diff(load(t, `type Query { a: Int }`), load(t, `type Query { a: Int } directive @key on OBJECT`))
	assert.Empty(t, got)
	assert.Empty(t, Diff(nil, nil))
	assert.Equal(t, []string{"SAFE TYPE_ADDED Query []", "SAFE SCHEMA_ROOT_ADDED schema.query []"},
		lines(Diff(nil, load(t, `type Query { a: Int }`))))
}

// TestEveryCodeIsTested reads the codes declared in change.go and wants each one in some
// case of diffCases, and in docs/schema-checks.md.
func TestEveryCodeIsTested(t *testing.T) {
	t.Parallel()
	f, err := parser.ParseFile(token.NewFileSet(), "change.go", nil, 0)
	require.NoError(t, err)
	codes := []string{}
	for _, decl := range f.Decls {
		g, ok := decl.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, spec := range g.Specs {
			for _, v := range spec.(*ast.ValueSpec).Values {
				if lit, ok := v.(*ast.BasicLit); ok && lit.Kind == token.STRING {
					s, _ := strconv.Unquote(lit.Value)
					if regexp.MustCompile(`^[A-Z_]+_[A-Z_]+$`).MatchString(s) {
						codes = append(codes, s)
					}
				}
			}
		}
	}
	require.Greater(t, len(codes), 40)
	tested := map[string]bool{}
	for _, tc := range diffCases {
		for _, w := range tc.want {
			tested[strings.Fields(w)[1]] = true
		}
	}
	doc, err := os.ReadFile("../../docs/schema-checks.md")
	require.NoError(t, err)
	for _, c := range codes {
		assert.True(t, tested[c], "no test case produces %s", c)
		assert.Contains(t, string(doc), "`"+c+"`", "docs/schema-checks.md does not list %s", c)
	}
}
