package floor

// The contract with Atrium's planner. These are the fetches of Atrium's plan for the
// benchmark's TestQuery, copied from `atrium plan --json`, and the order the plan runs them
// in. The floor sends exactly these operations in exactly this order: if Atrium's plan
// changes, update these constants and the hand-written code in floor.go and fetches.go
// together (TestFloorMatchesAtriumsPlan fails until they agree).

// Fetch is one subgraph operation of the plan.
type Fetch struct {
	Service       string
	OperationName string
	// Path is the Flatten path of an entity fetch ("@" = every list element), "" for a
	// root fetch.
	Path string
	// More are the Flatten's further paths (planner.Flatten.More): one request resolves
	// the objects at Path and at each of More, each distinct representation sent once, in
	// the order the paths are walked.
	More      []string
	Operation string
}

// The fetches, named by the number Atrium gives them in their operation names (the plan
// merges identical entity fetches, so the numbers have gaps).
const (
	accounts0 = iota
	reviews1
	products2
	inventory3
	accounts4
	products7
	reviews9
	fetchCount
)

// The Flatten paths of the plan.
const (
	pathUsers           = "users.@"
	pathUserProducts    = "users.@.reviews.@.product"
	pathUserAuthors     = "users.@.reviews.@.product.reviews.@.author"
	pathUserLeafProduct = "users.@.reviews.@.product.reviews.@.author.reviews.@.product"
	pathTop             = "topProducts.@"
	pathTopAuthors      = "topProducts.@.reviews.@.author"
	pathTopLeafProduct  = "topProducts.@.reviews.@.author.reviews.@.product"
)

// Fetches are the plan's fetches.
var Fetches = [fetchCount]Fetch{
	accounts0: {"accounts", "TestQuery__accounts__0", "", nil,
		`query TestQuery__accounts__0{users{id username name __typename}}`},
	reviews1: {"reviews", "TestQuery__reviews__1", pathUsers, nil,
		`query TestQuery__reviews__1($representations:[_Any!]!){_entities(representations:$representations){...on User{reviews{id body product{upc reviews{id body author{id username reviews{id body product{upc __typename}} __typename}} __typename}}}}}`},
	products2: {"products", "TestQuery__products__2", pathUserLeafProduct,
		[]string{pathUserProducts, pathTopLeafProduct},
		`query TestQuery__products__2($representations:[_Any!]!){_entities(representations:$representations){...on Product{price weight name}}}`},
	inventory3: {"inventory", "TestQuery__inventory__3", pathUserLeafProduct,
		[]string{pathUserProducts, pathTop, pathTopLeafProduct},
		`query TestQuery__inventory__3($representations:[_Any!]!){_entities(representations:$representations){...on Product{inStock shippingEstimate}}}`},
	accounts4: {"accounts", "TestQuery__accounts__4", pathUserAuthors,
		[]string{pathTopAuthors},
		`query TestQuery__accounts__4($representations:[_Any!]!){_entities(representations:$representations){...on User{name}}}`},
	products7: {"products", "TestQuery__products__7", "", nil,
		`query TestQuery__products__7{topProducts{name price upc weight __typename}}`},
	reviews9: {"reviews", "TestQuery__reviews__9", pathTop, nil,
		`query TestQuery__reviews__9($representations:[_Any!]!){_entities(representations:$representations){...on Product{reviews{id body author{id username reviews{id body product{upc __typename}} __typename}}}}}`},
}

// Schedule is the plan's shape with each fetch named by its operation name, as floor.go runs
// it: Sequence runs its nodes in order, Parallel at the same time.
const Schedule = `Sequence(` +
	`Parallel(` +
	`Sequence(TestQuery__accounts__0, TestQuery__reviews__1), ` +
	`Sequence(TestQuery__products__7, TestQuery__reviews__9)), ` +
	`Parallel(TestQuery__products__2, TestQuery__accounts__4), ` +
	`TestQuery__inventory__3)`
