package schemadiff

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// usageOf is a usage store for tests: coordinate to Use.
type usageOf map[string]Use

func (u usageOf) lookup(c string) (Use, bool) {
	use, ok := u[c]
	return use, ok
}

func TestJudge(t *testing.T) {
	t.Parallel()
	old := load(t, `type Query { products(limit: Int): [Product] } type Product { id: ID price: Float! name: String } enum Color { RED GREEN }`)
	new := load(t, `type Query { products(first: Int!): [Product] } type Product { id: ID price: Float sku: String } enum Color { RED GREEN BLUE }`)
	store := usageOf{
		"Product.price":         {Operations: 2, Names: []string{"Cart", "Checkout"}, Count: 120},
		"Color":                 {Operations: 1, Names: []string{"Palette"}, Count: 3},
		"Query.products":        {Operations: 1, Names: []string{"Cart"}, Count: 100},
		"Query.products.first":  {Operations: 9}, // not a coordinate of any change
		"Product.sku":           {Operations: 1}, // the field is new: SAFE, never looked up
		"Query.products.limit":  {},              // absent would mean unused; present means used
		"Product.name.whatever": {Operations: 1},
	}
	judged := Judge(Diff(old, new), store.lookup)
	type row struct {
		code, coord string
		inUse       bool
		use         Use
	}
	got := []row{}
	for _, j := range judged {
		got = append(got, row{j.Code, j.Coordinate, j.InUse, j.Use})
	}
	assert.Equal(t, []row{
		{EnumValueAdded, "Color.BLUE", true, Use{Operations: 1, Names: []string{"Palette"}, Count: 3}},
		{FieldRemoved, "Product.name", false, Use{}},
		{FieldTypeChanged, "Product.price", true, Use{Operations: 2, Names: []string{"Cart", "Checkout"}, Count: 120}},
		{FieldAdded, "Product.sku", false, Use{}},
		{RequiredArgAdded, "Query.products(first:)", true, Use{Operations: 1, Names: []string{"Cart"}, Count: 100}},
		{ArgRemoved, "Query.products(limit:)", true, Use{}},
	}, got)
	assert.True(t, Blocking(judged))
}

func TestBlockingOnlyForBreakingChangesInUse(t *testing.T) {
	t.Parallel()
	old := load(t, `type Query { a: Int b: Int } enum Color { RED }`)
	new := load(t, `type Query { a: Int c: Int } enum Color { RED BLUE }`)
	changes := Diff(old, new)

	// Query.b was removed but nobody selected it; the new enum value is only dangerous.
	judged := Judge(changes, usageOf{"Query.a": {Operations: 5}, "Color": {Operations: 5}}.lookup)
	assert.False(t, Blocking(judged))
	assert.Len(t, judged, len(changes))
	for _, j := range judged {
		if j.Code == FieldRemoved {
			assert.False(t, j.InUse, "reported, not in use")
		}
	}

	judged = Judge(changes, usageOf{"Query.b": {Operations: 1, Names: []string{"Legacy"}}}.lookup)
	assert.True(t, Blocking(judged))

	assert.False(t, Blocking(Judge(changes, nil)), "no usage store: nothing is in use")
	assert.False(t, Blocking(nil))
}

func TestJudgeMergesUsesOfSeveralCoordinates(t *testing.T) {
	t.Parallel()
	changes := []Change{{Code: "CUSTOM", Severity: Breaking, Coordinate: "X", UsageCoordinates: []string{"A", "B", "C"}}}
	store := usageOf{
		"A": {Operations: 2, Names: []string{"One", "Two", "Three"}, Count: 10},
		"B": {Operations: 3, Names: []string{"Two", "Four", "Five", "Six"}, Count: 5},
	}
	judged := Judge(changes, store.lookup)
	assert.True(t, judged[0].InUse)
	assert.Equal(t, Use{Operations: 5, Names: []string{"One", "Two", "Three", "Four", "Five"}, Count: 15}, judged[0].Use)
}
