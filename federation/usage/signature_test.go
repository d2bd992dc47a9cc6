package usage

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

func signature(t *testing.T, query, operation string) (string, string) {
	t.Helper()
	doc, err := parser.ParseQuery(&ast.Source{Input: query})
	require.NoError(t, err, query)
	sig, hash, err := Signature(doc, operation)
	require.NoError(t, err, query)
	return sig, hash
}

func TestSignature(t *testing.T) {
	t.Parallel()
	cases := []struct{ name, query, operation, want string }{
		{
			name:  "literals hidden, aliases removed, fields sorted",
			query: `query Cart($id: ID!) { p: product(id: $id) { name id price(currency: EUR, max: 10.5, note: "x") { amount } } }`,
			want:  `query Cart($id:ID!){product(id:$id){id name price(currency:EUR,max:0,note:""){amount}}}`,
		},
		{
			name: "fragments sorted after the operation, unused ones dropped",
			query: `fragment Unused on User { id }
				query Q { search(text: "shoes") { __typename ... on User { name } ...P } }
				fragment P on Product { id ...Q2 } fragment Q2 on Product { name }`,
			want: `query Q{search(text:""){...P...on User{name}__typename}}fragment P on Product{...Q2 id}fragment Q2 on Product{name}`,
		},
		{
			name:  "anonymous shorthand, lists, objects, booleans, null, directives, variable defaults",
			query: `query ($f: Boolean = false, $o: [Order!] = [ASC]) { products(filter: {price: {min: 1}}, order: $o, tags: ["a", "b"], x: null) @include(if: true) @cached(ttl: 30) { ... @skip(if: $f) { id } } }`,
			want:  `query($f:Boolean=false,$o:[Order!]=[]){products(filter:{},order:$o,tags:[],x:null)@cached(ttl:0)@include(if:true){...@skip(if:$f){id}}}`,
		},
		{
			name:      "the named operation of several",
			query:     `query A { a } mutation B($in: In!) { b(input: $in) { c } }`,
			operation: "B",
			want:      `mutation B($in:In!){b(input:$in){c}}`,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sig, hash := signature(t, tc.query, tc.operation)
			assert.Equal(t, tc.want, sig)
			sum := sha256.Sum256([]byte(tc.want))
			assert.Equal(t, hex.EncodeToString(sum[:]), hash)
			// The signature is a document whose signature is itself.
			again, _ := signature(t, sig, tc.operation)
			assert.Equal(t, sig, again)
		})
	}
}

func TestSignatureEquivalentOperations(t *testing.T) {
	t.Parallel()
	groups := [][]string{
		{
			`query Cart($id: ID!) { product(id: $id) { id name } }`,
			"query Cart($id:ID!){product(id:$id){name id}}",
			"# a comment\nquery   Cart(\n  $id: ID!\n) {\n  item: product(id: $id) {\n    label: name\n    id\n  }\n}\n",
		},
		{
			`{ products(first: 5, filter: {name: "a"}) { id } }`,
			`query { products(filter: {name: "something else", price: {min: 3}}, first: 100) { id } }`,
			`query { items: products(filter: {}, first: -1) { id } }`,
		},
		{
			`query Q($a: Int, $b: String) { x(a: $a, b: $b) @include(if: $c) @skip(if: $d) }`,
			`query Q($b: String, $a: Int) { x(b: $b, a: $a) @skip(if: $d) @include(if: $c) }`,
		},
		{
			`query Q { ...A ...B } fragment A on Query { a } fragment B on Query { b }`,
			`fragment B on Query { b } query Q { ...B ...A } fragment A on Query { a } fragment C on Query { c }`,
		},
		{
			`{ a(s: "one") b(s: """block""") }`,
			`{ b(s: "x") a(s: "y") }`,
		},
	}
	for _, g := range groups {
		want, wantHash := signature(t, g[0], "")
		for _, q := range g[1:] {
			sig, hash := signature(t, q, "")
			assert.Equal(t, want, sig, q)
			assert.Equal(t, wantHash, hash, q)
		}
	}
}

func TestSignatureDifferentOperations(t *testing.T) {
	t.Parallel()
	queries := []string{
		`query Cart($id: ID!) { product(id: $id) { id name } }`,
		`query Cart($id: ID!) { product(id: $id) { id } }`,              // a field less
		`query Basket($id: ID!) { product(id: $id) { id name } }`,       // another name
		`query Cart($id: ID) { product(id: $id) { id name } }`,          // another variable type
		`query Cart($pid: ID!) { product(id: $pid) { id name } }`,       // another variable
		`query Cart { product(id: "1") { id name } }`,                   // a literal instead of a variable
		`mutation Cart($id: ID!) { product(id: $id) { id name } }`,      // another operation type
		`query Cart($id: ID!) { product(id: $id) { id name(x: EUR) } }`, // an argument more
		`query Cart($id: ID!) { product(id: $id) { id name(x: USD) } }`, // another enum value
		`query Cart($id: ID!) { product(id: $id) @include(if: true) { id name } }`,
		`query Cart($id: ID!) { product(id: $id) @include(if: false) { id name } }`,
		`query Cart($id: ID!) { product(id: $id) { id ... on Product { name } } }`,
		`query Cart($id: ID!) { product(id: $id) { id ...N } } fragment N on Product { name }`,
	}
	seen := map[string]string{}
	for _, q := range queries {
		_, hash := signature(t, q, "")
		assert.NotContains(t, seen, hash, "%s has the signature of %s", q, seen[hash])
		seen[hash] = q
	}
}

func TestSignatureErrors(t *testing.T) {
	t.Parallel()
	doc, err := parser.ParseQuery(&ast.Source{Input: `query A { a ...Missing } query B { b }`})
	require.NoError(t, err)
	_, _, err = Signature(doc, "A")
	assert.EqualError(t, err, `usage: fragment "Missing" is not defined in the document (1:16)`)
	_, _, err = Signature(doc, "")
	assert.EqualError(t, err, `usage: the document has 2 operations: name the one to describe`)
	_, _, err = Signature(doc, "C")
	assert.EqualError(t, err, `usage: operation "C" is not in the document`)
	sig, _, err := Signature(doc, "B")
	require.NoError(t, err)
	assert.Equal(t, "query B{b}", sig)
}
