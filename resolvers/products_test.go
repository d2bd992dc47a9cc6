package resolvers_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atrium-gateway/atrium/registry/store"
)

const saveProduct = `mutation($in: SaveProductInput!) { saveProduct(input: $in) { id slug name description includeTags excludeTags published plans { id } } }`

const savePlan = `mutation($in: SavePlanInput!) { savePlan(input: $in) { id productID name requestsPerMinute requestsPerDay autoApprove } }`

const subscribe = `mutation($client: ID!, $plan: Int!) { subscribe(clientID: $client, planID: $plan) { id clientID clientName status requestedBy product { slug } plan { name } } }`

const listSubscriptions = `query($status: SubscriptionStatus, $mine: Boolean) { subscriptions(status: $status, mine: $mine) { id clientID status } }`

// reviewsProduct is what an owner writes: a product of the graph's "public" part, with a
// plan that wants approval and one that does not.
func (p *portal) reviewsProduct(t *testing.T, owner string, published bool) (productID, free, open float64) {
	t.Helper()
	data := p.ok(t, owner, saveProduct, map[string]any{"in": map[string]any{"slug": "reviews-api", "name": "Reviews API",
		"description": "Read reviews.\nMore soon.", "includeTags": []string{"public"}, "published": published}})
	productID = data["saveProduct"].(map[string]any)["id"].(float64)
	data = p.ok(t, owner, savePlan, map[string]any{"in": map[string]any{"productID": productID, "name": "Free",
		"requestsPerMinute": 60, "requestsPerDay": 1000}})
	free = data["savePlan"].(map[string]any)["id"].(float64)
	data = p.ok(t, owner, savePlan, map[string]any{"in": map[string]any{"productID": productID, "name": "Open", "autoApprove": true}})
	open = data["savePlan"].(map[string]any)["id"].(float64)
	return productID, free, open
}

// newClient registers an API client as a user and returns its ID.
func (p *portal) newClient(t *testing.T, user, name string) string {
	t.Helper()
	data := p.ok(t, user, createClient, map[string]any{"input": map[string]any{"name": name}})
	return data["createClient"].(map[string]any)["client"].(map[string]any)["id"].(string)
}

// TestProductsByRole is the whole exchange: an owner writes a product and its plans, a
// developer subscribes a client, the owner approves, the developer cancels.
func TestProductsByRole(t *testing.T) {
	t.Parallel()
	p := startPortal(t)
	alice, bob, carol := p.user(t, "alice"), p.user(t, "bob", "atrium-owners"), p.user(t, "carol")

	productID, free, open := p.reviewsProduct(t, bob, false)
	list := `{ products { slug name description published plans { name requestsPerMinute requestsPerDay autoApprove } } }`
	assert.Equal(t, map[string]any{"products": []any{}}, p.ok(t, alice, list, nil), "a draft is for owners")
	assert.Equal(t, map[string]any{"product": nil}, p.ok(t, alice, `{ product(slug: "reviews-api") { slug } }`, nil))
	data := p.ok(t, bob, `{ product(slug: "reviews-api") { name includeTags excludeTags published } }`, nil)
	assert.Equal(t, map[string]any{"name": "Reviews API", "includeTags": []any{"public"}, "excludeTags": []any{}, "published": false}, data["product"])

	p.ok(t, bob, saveProduct, map[string]any{"in": map[string]any{"id": productID, "slug": "reviews-api", "name": "Reviews API",
		"description": "Read reviews.\nMore soon.", "includeTags": []string{"public"}, "published": true}})
	assert.Equal(t, map[string]any{"products": []any{map[string]any{"slug": "reviews-api", "name": "Reviews API", "description": "Read reviews.\nMore soon.",
		"published": true, "plans": []any{
			map[string]any{"name": "Free", "requestsPerMinute": 60.0, "requestsPerDay": 1000.0, "autoApprove": false},
			map[string]any{"name": "Open", "requestsPerMinute": 0.0, "requestsPerDay": 0.0, "autoApprove": true},
		}}}}, p.ok(t, alice, list, nil))
	// The tags are the graph's own labels: owners only.
	msg := p.refused(t, alice, "FORBIDDEN", `{ product(slug: "reviews-api") { includeTags } }`, nil)
	assert.Equal(t, "includeTags needs the OWNER role, which this token does not have", msg)

	// alice subscribes her client to the plan that wants approval.
	client := p.newClient(t, alice, "Reviews widget")
	data = p.ok(t, alice, subscribe, map[string]any{"client": client, "plan": free})
	sub := data["subscribe"].(map[string]any)
	assert.Equal(t, map[string]any{"id": sub["id"], "clientID": client, "clientName": "Reviews widget", "status": "PENDING", "requestedBy": "alice",
		"product": map[string]any{"slug": "reviews-api"}, "plan": map[string]any{"name": "Free"}}, sub)
	mine := []any{map[string]any{"id": sub["id"], "clientID": client, "status": "PENDING"}}
	assert.Equal(t, mine, p.ok(t, alice, listSubscriptions, nil)["subscriptions"])
	assert.Equal(t, []any{}, p.ok(t, carol, listSubscriptions, nil)["subscriptions"], "carol has no client, so no subscription")
	assert.Equal(t, mine, p.ok(t, bob, listSubscriptions, map[string]any{"status": "PENDING"})["subscriptions"], "owners see every one")
	assert.Equal(t, []any{}, p.ok(t, bob, listSubscriptions, map[string]any{"mine": true})["subscriptions"])
	assert.Equal(t, []any{}, p.ok(t, bob, listSubscriptions, map[string]any{"status": "ACTIVE"})["subscriptions"])

	// Developers do not decide, nor write products.
	for _, q := range []struct {
		query string
		vars  map[string]any
		field string
	}{
		{`mutation($id: Int!) { setSubscriptionStatus(id: $id, status: ACTIVE) { status } }`, map[string]any{"id": sub["id"]}, "setSubscriptionStatus"},
		{saveProduct, map[string]any{"in": map[string]any{"slug": "mine", "name": "Mine"}}, "saveProduct"},
		{savePlan, map[string]any{"in": map[string]any{"productID": productID, "name": "Unlimited"}}, "savePlan"},
		{`mutation($id: Int!) { deletePlan(id: $id) }`, map[string]any{"id": free}, "deletePlan"},
		{`mutation($id: Int!) { deleteProduct(id: $id) }`, map[string]any{"id": productID}, "deleteProduct"},
	} {
		msg := p.refused(t, alice, "FORBIDDEN", q.query, q.vars)
		assert.Equal(t, q.field+" needs the OWNER role, which this token does not have", msg)
	}

	// bob approves; approving again changes nothing.
	approve := `mutation($id: Int!, $status: SubscriptionStatus!) { setSubscriptionStatus(id: $id, status: $status) { status updatedAt } }`
	data = p.ok(t, bob, approve, map[string]any{"id": sub["id"], "status": "ACTIVE"})
	approved := data["setSubscriptionStatus"].(map[string]any)
	assert.Equal(t, "ACTIVE", approved["status"])
	data = p.ok(t, bob, approve, map[string]any{"id": sub["id"], "status": "ACTIVE"})
	assert.Equal(t, approved, data["setSubscriptionStatus"])
	active, err := p.st.ActiveSubscriptions(t.Context())
	require.NoError(t, err)
	require.Len(t, active, 1)
	assert.Equal(t, client, active[0].ClientID)
	assert.Equal(t, []string{"public"}, active[0].Product.IncludeTags)
	assert.Equal(t, store.Plan{ID: int64(free), ProductID: int64(productID), Name: "Free", RequestsPerMinute: 60, RequestsPerDay: 1000}, active[0].Plan)

	// A product with a live subscription stays; unpublishing keeps the subscription.
	msg = p.refused(t, bob, "BAD_USER_INPUT", `mutation($id: Int!) { deleteProduct(id: $id) }`, map[string]any{"id": productID})
	assert.Equal(t, "invalid input: id: the product has 1 pending or active subscriptions: cancel or reject them first (or unpublish the product)", msg)

	// Moving to the open plan is active at once; alice cancels it.
	data = p.ok(t, alice, subscribe, map[string]any{"client": client, "plan": open})
	moved := data["subscribe"].(map[string]any)
	assert.Equal(t, "ACTIVE", moved["status"])
	assert.NotEqual(t, sub["id"], moved["id"], "it replaced the subscription to Free")
	data = p.ok(t, alice, `mutation($id: Int!) { cancelSubscription(id: $id) { status } }`, map[string]any{"id": moved["id"]})
	assert.Equal(t, map[string]any{"status": "CANCELLED"}, data["cancelSubscription"])
	active, err = p.st.ActiveSubscriptions(t.Context())
	require.NoError(t, err)
	assert.Empty(t, active)
	data = p.ok(t, bob, `mutation($id: Int!) { deleteProduct(id: $id) }`, map[string]any{"id": productID})
	assert.Equal(t, true, data["deleteProduct"])
	assert.Equal(t, []any{}, p.ok(t, alice, listSubscriptions, nil)["subscriptions"], "the cancelled subscription went with the product")
}

func TestProductsBadInput(t *testing.T) {
	t.Parallel()
	p := startPortal(t)
	alice, bob, eve := p.user(t, "alice"), p.user(t, "bob", "atrium-owners"), p.user(t, "eve")
	productID, free, _ := p.reviewsProduct(t, bob, true)
	product := func(fields map[string]any) map[string]any {
		in := map[string]any{"slug": "other", "name": "Other"}
		for k, v := range fields {
			in[k] = v
		}
		return map[string]any{"in": in}
	}
	plan := func(fields map[string]any) map[string]any {
		in := map[string]any{"productID": productID, "name": "Team"}
		for k, v := range fields {
			in[k] = v
		}
		return map[string]any{"in": in}
	}

	for _, c := range []struct {
		query string
		vars  map[string]any
		want  string
	}{
		{saveProduct, product(map[string]any{"slug": "Reviews API", "name": "", "includeTags": []string{"public", "not a tag"}, "excludeTags": []string{"public", "@internal"}}),
			`invalid input: slug: "Reviews API" is not a product slug: a lowercase letter, then up to 39 lowercase letters, digits or '-', such as reviews-api; name: is empty; ` +
				`includeTags[1]: "not a tag" is not a tag name: a letter or '_', then letters, digits, '_', ':', '.' or '-' (at most 128 bytes), as in @tag(name: "public"); ` +
				`excludeTags[1]: "@internal" is not a tag name: a letter or '_', then letters, digits, '_', ':', '.' or '-' (at most 128 bytes), as in @tag(name: "public"); ` +
				`excludeTags: "public" is also in includeTags: a tag is included or excluded, not both`},
		{saveProduct, product(map[string]any{"slug": "reviews-api"}), `invalid input: slug: "reviews-api" is the slug of another product: choose another`},
		{saveProduct, product(map[string]any{"description": strings.Repeat("x", store.MaxProductDescriptionChars+1)}), "invalid input: description: is 5001 characters, more than the limit of 5000"},
		{savePlan, plan(map[string]any{"requestsPerMinute": -1, "requestsPerDay": 2_000_000_000}),
			"invalid input: requestsPerMinute: is -1; give 0 (unlimited) to 1000000000; requestsPerDay: is 2000000000; give 0 (unlimited) to 1000000000"},
		{savePlan, plan(map[string]any{"name": "Free"}), `invalid input: name: the product has a plan called "Free" already: choose another name`},
		{savePlan, plan(map[string]any{"name": strings.Repeat("x", 61)}), "invalid input: name: is 61 characters, more than the limit of 60"},
		{`mutation($id: Int!) { setSubscriptionStatus(id: $id, status: CANCELLED) { id } }`, map[string]any{"id": 1},
			"invalid input: status: CANCELLED: decide with ACTIVE (approve) or REJECTED; cancel with cancelSubscription"},
	} {
		msg := p.refused(t, bob, "BAD_USER_INPUT", c.query, c.vars)
		assert.Equal(t, c.want, msg)
	}

	// Someone else's client is as absent as a client that does not exist.
	alicesClient := p.newClient(t, alice, "Alice's app")
	msg := p.refused(t, eve, "NOT_FOUND", subscribe, map[string]any{"client": alicesClient, "plan": free})
	assert.Equal(t, fmt.Sprintf("client %q: not found", alicesClient), msg)
	msg = p.refused(t, eve, "NOT_FOUND", subscribe, map[string]any{"client": "client-nobody", "plan": free})
	assert.Equal(t, `client "client-nobody": not found`, msg)
	msg = p.refused(t, alice, "NOT_FOUND", subscribe, map[string]any{"client": alicesClient, "plan": 999})
	assert.Equal(t, "plan 999: not found", msg)

	// A draft's plans are as absent as plans that do not exist, but for owners.
	data := p.ok(t, bob, saveProduct, product(map[string]any{"slug": "beta", "name": "Beta"}))
	beta := data["saveProduct"].(map[string]any)["id"]
	data = p.ok(t, bob, savePlan, map[string]any{"in": map[string]any{"productID": beta, "name": "Trial", "autoApprove": true}})
	trial := data["savePlan"].(map[string]any)["id"].(float64)
	msg = p.refused(t, alice, "NOT_FOUND", subscribe, map[string]any{"client": alicesClient, "plan": trial})
	assert.Equal(t, fmt.Sprintf("plan %v: not found", trial), msg)
	bobsClient := p.newClient(t, bob, "Bob's test app")
	data = p.ok(t, bob, subscribe, map[string]any{"client": bobsClient, "plan": trial})
	assert.Equal(t, "ACTIVE", data["subscribe"].(map[string]any)["status"], "an owner tries a draft out")

	// Others' subscriptions cannot be cancelled; decided ones cannot be decided again.
	data = p.ok(t, alice, subscribe, map[string]any{"client": alicesClient, "plan": free})
	id := data["subscribe"].(map[string]any)["id"]
	cancel := `mutation($id: Int!) { cancelSubscription(id: $id) { status } }`
	msg = p.refused(t, eve, "NOT_FOUND", cancel, map[string]any{"id": id})
	assert.Equal(t, fmt.Sprintf("subscription %v: not found", id), msg)
	p.refused(t, eve, "NOT_FOUND", cancel, map[string]any{"id": 999})
	p.ok(t, bob, `mutation($id: Int!) { setSubscriptionStatus(id: $id, status: REJECTED) { status } }`, map[string]any{"id": id})
	msg = p.refused(t, alice, "BAD_USER_INPUT", cancel, map[string]any{"id": id})
	assert.Equal(t, "invalid input: status: the subscription is REJECTED: only a PENDING or ACTIVE one can be cancelled", msg)
	msg = p.refused(t, bob, "BAD_USER_INPUT", `mutation($id: Int!) { setSubscriptionStatus(id: $id, status: ACTIVE) { status } }`, map[string]any{"id": id})
	assert.Equal(t, "invalid input: status: the subscription is REJECTED: only a PENDING one can be approved or rejected", msg)

	// Unknown things are NOT_FOUND.
	for _, c := range []struct {
		query string
		vars  map[string]any
	}{
		{saveProduct, product(map[string]any{"id": 999, "slug": "ghost"})},
		{savePlan, plan(map[string]any{"productID": 999})},
		{savePlan, plan(map[string]any{"id": 999})},
		{`mutation { deleteProduct(id: 999) }`, nil},
		{`mutation { deletePlan(id: 999) }`, nil},
		{`mutation { setSubscriptionStatus(id: 999, status: ACTIVE) { id } }`, nil},
	} {
		p.refused(t, bob, "NOT_FOUND", c.query, c.vars)
	}
}
