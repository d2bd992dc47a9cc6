package usage

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

const testSDL = `
type Query {
  product(id: ID!): Product
  products(filter: ProductFilter, first: Int = 10, order: Order): [Product!]!
  node(id: ID!): Node
  search(text: String!): [SearchResult!]!
}
type Mutation { addReview(input: ReviewInput!): Review }
interface Node { id: ID! }
type Product implements Node {
  id: ID!
  name: String
  price(currency: Currency = USD): Money
  reviews: [Review!]!
  related: [Product!]!
  released: DateTime
}
type Review implements Node { id: ID! body: String rating: Int author: User }
type User implements Node { id: ID! name: String }
union SearchResult = Product | User
type Money { amount: Float currency: Currency }
enum Currency { USD EUR }
enum Order { ASC DESC }
input ProductFilter { name: String price: PriceRange tags: [String!] }
input PriceRange { min: Float max: Float currency: Currency }
input ReviewInput { productId: ID! body: String rating: Int! }
scalar DateTime
directive @cached(ttl: Int) on FIELD | QUERY
`

func testSchema(t testing.TB) *ast.Schema {
	t.Helper()
	s, err := gqlparser.LoadSchema(&ast.Source{Name: "test.graphql", Input: testSDL})
	require.NoError(t, err)
	return s
}

func TestCoordinates(t *testing.T) {
	t.Parallel()
	schema := testSchema(t)
	cases := []struct {
		name, query, operation string
		want                   []string
	}{
		{
			name:  "aliases and literal arguments",
			query: `query Cart { p: product(id: "1") { id label: name price(currency: EUR) { amount } released } }`,
			want: []string{
				"Currency", "Currency.EUR", "DateTime", "Money", "Money.amount",
				"Product", "Product.id", "Product.name", "Product.price", "Product.price.currency", "Product.released",
				"Query", "Query.product", "Query.product.id",
			},
		},
		{
			name: "interface and union selections, named and nested fragments",
			query: `query Search($text: String!) {
				search(text: $text) { __typename ... on Product { ...ProductBits } ... on User { name } }
				node(id: "x") { id ... on Review { rating author { ... { name } } } }
			}
			fragment ProductBits on Product { id name related { id } }`,
			want: []string{
				"Node", "Node.id",
				"Product", "Product.id", "Product.name", "Product.related",
				"Query", "Query.node", "Query.node.id", "Query.search", "Query.search.text",
				"Review", "Review.author", "Review.rating", "SearchResult", "User", "User.name",
			},
		},
		{
			name:  "a field of an interface selected on an implementation is the implementation's",
			query: `{ node(id: 1) { ... on Product { id } } }`,
			want:  []string{"Node", "Product", "Product.id", "Query", "Query.node", "Query.node.id"},
		},
		{
			name:  "variables of input object and enum types",
			query: `query Filter($f: ProductFilter, $o: Order) { products(filter: $f, order: $o) { id } }`,
			want: []string{
				// Every field reachable from ProductFilter, nested PriceRange included; enums by type only.
				"Currency", "Order", "PriceRange", "PriceRange.currency", "PriceRange.max", "PriceRange.min",
				"Product", "Product.id", "ProductFilter", "ProductFilter.name", "ProductFilter.price", "ProductFilter.tags",
				"Query", "Query.products", "Query.products.filter", "Query.products.order",
			},
		},
		{
			name:  "input object and enum literals",
			query: `query($n: String) { products(filter: {name: $n, price: {min: 1, currency: EUR}}, order: DESC, first: 3) { name } }`,
			want: []string{
				"Currency", "Currency.EUR", "Order", "Order.DESC", "PriceRange", "PriceRange.currency", "PriceRange.min",
				"Product", "Product.name", "ProductFilter", "ProductFilter.name", "ProductFilter.price",
				"Query", "Query.products", "Query.products.filter", "Query.products.first", "Query.products.order",
			},
		},
		{
			name: "both branches of @skip and @include count",
			query: `query($withReviews: Boolean!) {
				product(id: 1) { id reviews @include(if: $withReviews) { body } ... @skip(if: $withReviews) { name } }
			}`,
			want: []string{
				"@include", "@include.if", "@skip", "@skip.if",
				"Product", "Product.id", "Product.name", "Product.reviews",
				"Query", "Query.product", "Query.product.id", "Review", "Review.body",
			},
		},
		{
			name:  "mutation with an input object variable",
			query: `mutation Add($in: ReviewInput!) { addReview(input: $in) { id } }`,
			want: []string{
				"Mutation", "Mutation.addReview", "Mutation.addReview.input", "Review", "Review.id",
				"ReviewInput", "ReviewInput.body", "ReviewInput.productId", "ReviewInput.rating",
			},
		},
		{
			name:  "custom directive and an enum variable default",
			query: `query Q($c: Currency = EUR) @cached(ttl: 60) { product(id: 1) { price(currency: $c) { currency } } }`,
			want: []string{
				"@cached", "@cached.ttl", "Currency", "Currency.EUR", "Money", "Money.currency",
				"Product", "Product.price", "Product.price.currency", "Query", "Query.product", "Query.product.id",
			},
		},
		{
			name:  "introspection fields are left out",
			query: `{ __typename __schema { types { name } } __type(name: "Product") { kind } product(id: 1) { __typename } }`,
			want:  []string{"Product", "Query", "Query.product", "Query.product.id"},
		},
		{
			name:      "the named operation only, with the fragments it uses",
			query:     `query A { product(id: 1) { ...F } } query B { search(text: "x") { ...G } } fragment F on Product { id } fragment G on User { name }`,
			operation: "A",
			want:      []string{"Product", "Product.id", "Query", "Query.product", "Query.product.id"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			doc, errs := gqlparser.LoadQueryWithRules(schema, tc.query, nil)
			require.Empty(t, errs, "the test query must be valid")
			got, err := Coordinates(schema, doc, tc.operation)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
			// A document that was only parsed gives the same answer.
			parsed, err := parser.ParseQuery(&ast.Source{Input: tc.query})
			require.NoError(t, err)
			again, err := Coordinates(schema, parsed, tc.operation)
			require.NoError(t, err)
			assert.Equal(t, got, again)
		})
	}
}

func TestCoordinatesRecursiveFragments(t *testing.T) {
	t.Parallel()
	// Invalid (fragments must not form cycles) but must end.
	doc, err := parser.ParseQuery(&ast.Source{Input: `
		{ product(id: 1) { ...A } }
		fragment A on Product { related { ...B } }
		fragment B on Product { name ...A }`})
	require.NoError(t, err)
	got, err := Coordinates(testSchema(t), doc, "")
	require.NoError(t, err)
	assert.Equal(t, []string{"Product", "Product.name", "Product.related", "Query", "Query.product", "Query.product.id"}, got)
}

func TestCoordinatesErrors(t *testing.T) {
	t.Parallel()
	schema := testSchema(t)
	cases := []struct{ query, operation, err string }{
		{`{ product(id: 1) { weight } }`, "", `usage: field "weight" is not defined on type "Product" (1:20)`},
		{`{ product(id: 1, size: 2) { id } }`, "", `usage: Query.product has no argument "size" (1:18)`},
		{`{ products(order: SIDEWAYS) { id } }`, "", `usage: enum "Order" has no value "SIDEWAYS" (1:19)`},
		{`{ products(filter: {colour: "red"}) { id } }`, "", `usage: input object "ProductFilter" has no field "colour" (1:21)`},
		{`query($x: Colour) { product(id: 1) { id } }`, "", `usage: type "Colour" is not defined in the schema (1:7)`},
		{`{ product(id: 1) { ...Missing } }`, "", `usage: fragment "Missing" is not defined in the document (1:23)`},
		{`{ product(id: 1) { ... on Shoe { id } } }`, "", `usage: type "Shoe" is not defined in the schema (1:24)`},
		{`{ product(id: 1) @live { id } }`, "", `usage: directive @live is not defined in the schema (1:19)`},
		{`subscription { ticks }`, "", `usage: the schema has no subscription root type (1:1)`},
		{`query A { node(id: 1) { id } } query B { node(id: 2) { id } }`, "", `usage: the document has 2 operations: name the one to describe`},
		{`query A { node(id: 1) { id } }`, "C", `usage: operation "C" is not in the document`},
		{``, "", `usage: the document has no operation`},
	}
	for _, tc := range cases {
		doc, err := parser.ParseQuery(&ast.Source{Input: tc.query})
		if tc.query == "" {
			doc, err = &ast.QueryDocument{}, nil
		}
		require.NoError(t, err, tc.query)
		_, err = Coordinates(schema, doc, tc.operation)
		assert.EqualError(t, err, tc.err, tc.query)
	}
	_, err := Coordinates(nil, &ast.QueryDocument{}, "")
	assert.Error(t, err)
	_, err = Coordinates(schema, nil, "")
	assert.Error(t, err)
}
