package main

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"

	"github.com/atrium-gateway/atrium/internal/browsertest"
	"github.com/stretchr/testify/require"
)

// TestPortalProductsInTheBrowser: an administrator offers a product of the graph's public
// part with a plan that wants approval; a developer registers a client and subscribes it;
// the administrator approves; the developer sees the subscription active, on a phone too.
func TestPortalProductsInTheBrowser(t *testing.T) {
	st := startPortalStack(t)
	b := openPortal(t, st.base)

	// ada creates the product, published, and its plan.
	b.signIn("ada", "lovelace")
	b.click("API products")
	b.waitText("No products yet.")
	b.click("Create a product")
	b.do("writing the product",
		browsertest.Type(`#product-name`, "Reviews API"),
		browsertest.Type(`#product-description`, "Read what customers say about products.\n\nFor review widgets."),
		browsertest.Type(`#product-include`, "public"),
		chromedp.Click(chromedp.CSS(`#product-published`), chromedp.NodeVisible))
	assert.Equal(t, "reviews-api", b.js("the slug", `document.querySelector("#product-slug").value`), "made from the name")
	b.click("Save")
	b.waitFor("the product's page", `location.pathname === "/portal/products/reviews-api" && document.querySelector("h1")?.textContent.startsWith("Reviews API")`)
	b.waitText("Keeps the elements tagged public.")
	b.do("writing the plan",
		browsertest.Type(`#plan-name`, "Free"),
		chromedp.SetValue(chromedp.CSS(`#plan-per-minute`), ""), browsertest.Type(`#plan-per-minute`, "60"),
		chromedp.SetValue(chromedp.CSS(`#plan-per-day`), ""), browsertest.Type(`#plan-per-day`, "1000"))
	b.click("Add the plan")
	b.waitText("Free: 60 requests a minute, 1,000 requests a day; needs an owner's approval.")
	b.shot("portal-product-owner")
	b.accessible("portal-product-owner")
	b.signOut()

	// dev registers a client and subscribes it to Reviews API / Free.
	b.signIn("dev", "dev")
	b.click("API clients")
	b.waitText("Register a client")
	b.do("registering a client",
		browsertest.Type(`form input[placeholder="Reports service"]`, "Reviews widget"),
		chromedp.Click(chromedp.Search(`//button[normalize-space()="Register"]`)))
	b.waitFor("the secret", `!!document.querySelector("[data-testid=client-secret]")`)
	id := strings.TrimPrefix(b.js("reading the client ID", `document.querySelector(".secret h2").textContent`), "The secret of ")
	b.click("I have saved it")
	b.click("API products")
	b.waitText("None of your API clients is subscribed to a product.")
	assert.NotContains(t, b.js("the page", `document.body.innerText`), "Create a product", "dev is no owner")
	b.click("Reviews API")
	b.waitFor("the subscribe form", `!!document.querySelector("#subscribe-client option[value='`+id+`']")`)
	page := b.js("the page", `document.body.innerText`)
	assert.Contains(t, page, "Read what customers say about products.\n\nFor review widgets.", "the description as written")
	assert.NotContains(t, page, "tagged public", "tags are for owners")
	b.js("choosing the client", `(() => { const s = document.querySelector("#subscribe-client"); s.value = "`+id+`"; s.dispatchEvent(new Event("change", { bubbles: true })); return "" })()`)
	assert.Equal(t, "true", b.js("the plan", `String(document.querySelector("input[name=plan]").checked)`), "the only plan is chosen")
	b.click("Subscribe")
	b.waitText("Reviews widget is subscribed to Free: waiting for an owner's approval.")
	b.waitFor("the pending subscription", `document.querySelector("li[data-client='`+id+`']")?.dataset.status === "PENDING"`)
	assert.Contains(t, b.js("the subscription", `document.querySelector("li[data-client='`+id+`']").innerText`), "Pending approval", "the status in words")
	b.signOut()

	// ada approves it from the queue.
	b.signIn("ada", "lovelace")
	b.click("API products")
	b.waitFor("the queue", `[...document.querySelectorAll("li[data-client='`+id+`']")].some(li => li.dataset.status === "PENDING")`)
	b.shot("portal-products")
	b.accessible("portal-products")
	b.click("Approve")
	b.waitText("No subscription waits for approval.")
	b.signOut()

	// dev sees it active; the registry has it among the gateways' active subscriptions.
	b.signIn("dev", "dev")
	b.click("API products")
	b.waitFor("the active subscription", `document.querySelector("li[data-client='`+id+`']")?.dataset.status === "ACTIVE"`)
	assert.Contains(t, b.js("the subscription", `document.querySelector("li[data-client='`+id+`']").innerText`), "Active")
	var data struct {
		Subscriptions []struct {
			ClientID, Status string
			Plan             struct{ RequestsPerMinute, RequestsPerDay int }
		}
	}
	require.NoError(t, st.admin.Do(t.Context(), `{ subscriptions(status: ACTIVE) { clientID status plan { requestsPerMinute requestsPerDay } } }`, nil, &data))
	require.Len(t, data.Subscriptions, 1)
	assert.Equal(t, id, data.Subscriptions[0].ClientID)
	assert.Equal(t, 60, data.Subscriptions[0].Plan.RequestsPerMinute)
	assert.Equal(t, 1000, data.Subscriptions[0].Plan.RequestsPerDay)

	// On a phone, the product's page and its form fit the screen.
	b.do("a phone's screen", chromedp.EmulateViewport(390, 844))
	b.click("Menu")
	b.click("API products")
	b.click("Reviews API")
	b.waitFor("the subscribe form", `!!document.querySelector("#subscribe-client")`)
	assert.Equal(t, "true", b.js("no sideways scrolling", `String(document.documentElement.scrollWidth <= window.innerWidth)`))
	b.shot("portal-product-phone")
	b.accessible("portal-product-phone")
	b.signOut()
}
