package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atrium-gateway/atrium/internal/browsertest"
	"github.com/atrium-gateway/atrium/registry/client"
	"github.com/atrium-gateway/atrium/registry/store/storetest"
)

// tab drives one browser tab; each step fails the test saying what it was doing.
type tab struct {
	t   *testing.T
	ctx context.Context
}

func (b tab) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	require.NoError(b.t, chromedp.Do(ctx, steps...), what)
}

// js evaluates an expression in the page and returns its string value.
func (b tab) js(what, expr string) string {
	b.t.Helper()
	out, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](expr))
	require.NoError(b.t, err, what)
	return out
}

// waitFor polls a JavaScript predicate until it holds.
func (b tab) waitFor(what, predicate string) {
	b.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	var err error
	for {
		_, err = chromedp.Run(b.ctx, chromedp.Poll[bool](predicate, chromedp.WithPollingTimeout(time.Until(deadline))))
		// A navigation (the sign-in's redirects) ends a poll: poll again on the new page.
		if err == nil || time.Now().After(deadline) || !strings.Contains(err.Error(), "navigated") && !strings.Contains(err.Error(), "context") {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil {
		body, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.body.innerText.slice(0, 2000)`))
		b.t.Fatalf("waiting for %s: %v\npage: %s", what, err, body)
	}
}

// waitText waits until the page shows text.
func (b tab) waitText(text string) {
	b.t.Helper()
	b.waitFor(fmt.Sprintf("%q on the page", text), fmt.Sprintf(`document.body.innerText.includes(%q)`, text))
}

// click clicks the button or link whose text is exactly label.
func (b tab) click(label string) {
	b.t.Helper()
	xpath := fmt.Sprintf(`//*[self::button or self::a][normalize-space()=%q]`, label)
	b.do("clicking "+label, chromedp.Click(chromedp.Search(xpath), chromedp.NodeVisible))
}

// accessible fails the test with the page's serious and critical accessibility
// violations (WCAG 2 A and AA, by axe-core).
func (b tab) accessible(page string) {
	b.t.Helper()
	assert.Empty(b.t, browsertest.Accessibility(b.t, b.ctx), "accessibility of %s", page)
}

// shot saves a screenshot as docs/img/<name>.png when ATRIUM_SCREENSHOTS names the folder.
func (b tab) shot(name string) {
	b.t.Helper()
	dir := os.Getenv("ATRIUM_SCREENSHOTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
	require.NoError(b.t, err)
	require.NoError(b.t, os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644))
}

// portalStack is what the portal's browser tests run against: `atrium serve` (gateway,
// registry on SQLite, token issuer, portal) with the demo subgraphs published, and
// `atrium dev-idp` with two users: ada / lovelace, an administrator, and dev / dev, a
// developer (consumer).
type portalStack struct {
	base  string            // http://host:port of atrium serve
	admin *client.Client    // the registry API with the admin token
	urls  map[string]string // the demo subgraphs' URLs by name
}

func startPortalStack(t *testing.T) portalStack {
	t.Helper()
	urls := startDemoSubgraphs(t)
	addr := freeAddr(t)
	base := "http://" + addr
	idp, _ := devIDP(t, "--user", "ada:lovelace:ada@example.com:atrium-admins", "--user", "dev:dev:dev@example.com:developers",
		"--client", "atrium:atrium-dev-secret:"+base+"/oauth/callback")
	cfg := writeFile(t, "atrium.yaml", fmt.Sprintf(`auth:
  anonymous: false
  providers:
    - name: dev-idp
      issuer: %s
      audiences: [atrium]
      client_id: atrium
      client_secret: atrium-dev-secret
      sign_in_scopes: [openid, profile, email, groups]
      claims:
        scopes: groups
issuer:
  sign_in: dev-idp
portal:
  roles:
    admin: [atrium-admins]
  client_scopes: [reviews:read]
variants:
  sandbox: {}
`, idp))
	liveServeAt(t, addr, "--database", storetest.SQLite(t), "--admin-token", liveToken, "--poll", "100ms", "--usage-interval", "200ms", "--config", cfg)
	admin := &client.Client{Endpoint: base + "/api/graphql", Token: liveToken}
	publishAll(t, admin, urls)
	// The sandbox graph has accounts only.
	sandbox := &client.Client{Endpoint: base + "/api/variants/sandbox/graphql", Token: liveToken}
	res, err := sandbox.Publish(t.Context(), "accounts", urls["accounts"], demoSchema(t, "accounts"), "", "sandbox")
	require.NoError(t, err)
	require.Empty(t, res.Errors)
	return portalStack{base: base, admin: admin, urls: urls}
}

// openPortal opens the portal's home page in a new headless browser.
func openPortal(t *testing.T, base string) tab {
	t.Helper()
	b := tab{t, browsertest.New(t, 1280, 900, 3*time.Minute)}
	b.do("opening the portal", chromedp.Navigate(base+"/portal/"))
	b.waitText("One GraphQL API over every backend")
	return b
}

// TestPortalInTheBrowser walks the portal the way a developer does, in headless Chromium,
// against the real pieces: `atrium serve` (gateway, registry on SQLite, token issuer,
// portal), `atrium dev-idp` as the OpenID Connect provider, the demo subgraphs.
func TestPortalInTheBrowser(t *testing.T) {
	st := startPortalStack(t)
	base, admin, urls := st.base, st.admin, st.urls
	b := openPortal(t, base)
	b.shot("portal-home")
	b.accessible("the home page")

	// Sign in: the portal → Atrium's issuer → the dev IdP's login page → back.
	b.signIn("ada", "lovelace")
	b.waitText("Registry") // ada is an administrator: the owner's views are in the menu

	// Schema docs: search, a type's page with its fields, links and the serving subgraph.
	b.click("Schema")
	b.waitText("Start at Query")
	b.shot("portal-docs")
	b.do("searching the schema", browsertest.Type(`#schema-search`, "upc"))
	b.waitText("Product.upc")
	b.click("Product.upc")
	b.waitFor("the Product page", `document.querySelector("h1")?.textContent.startsWith("Product")`)
	b.waitText("Served by products")
	b.shot("portal-type")
	b.accessible("a type's docs")
	b.do("clearing the search", browsertest.Type(`#schema-search`, "\b\b\b"))
	b.click("Query")
	b.waitText("topProducts")

	// The playground runs a query as ada (the gateway refuses anonymous requests) and shows its plan.
	b.click("Playground")
	b.do("GraphiQL", chromedp.WaitVisible(chromedp.CSS(`.graphiql-query-editor .CodeMirror`)))
	b.js("writing a query", `document.querySelector(".graphiql-query-editor .CodeMirror").CodeMirror.setValue("{ topProducts(first: 2) { name reviews { body } } }"); ""`)
	b.do("running it", chromedp.Click(chromedp.CSS(`.graphiql-execute-button`), chromedp.NodeVisible))
	b.waitFor("the answer", `document.querySelector(".graphiql-response")?.innerText.includes("Table")`)
	b.do("opening the query plan", chromedp.Click(chromedp.CSS(`button[aria-label="Show Query plan"]`), chromedp.NodeVisible))
	b.click("Show the plan")
	b.waitFor("the plan", `document.querySelector("[data-testid=query-plan]")?.textContent.includes("products")`)
	b.shot("portal-playground")

	// Saved operations are kept in the registry: save, change the editor, load it back.
	b.do("opening saved operations", chromedp.Click(chromedp.CSS(`button[aria-label="Show Saved operations"]`), chromedp.NodeVisible))
	b.do("saving the operation",
		browsertest.Type(`.saved input`, "Top two"),
		chromedp.Click(chromedp.Search(`//div[@class="saved"]//button[normalize-space()="Save"]`), chromedp.NodeVisible))
	b.waitText("Saved as “Top two”.")
	b.js("clearing the editor", `document.querySelector(".graphiql-query-editor .CodeMirror").CodeMirror.setValue("{ __typename }"); ""`)
	b.do("loading it", chromedp.Click(chromedp.Search(`//ul[@class="saved-list"]//button[normalize-space()="Top two"]`), chromedp.NodeVisible))
	assert.Equal(t, "{ topProducts(first: 2) { name reviews { body } } }",
		b.js("the editor", `document.querySelector(".graphiql-query-editor .CodeMirror").CodeMirror.getValue()`))

	// The playground can target the sandbox variant: its schema has no topProducts.
	b.js("picking the sandbox", `(() => { const s = document.querySelector(".playground select"); s.value = "sandbox"; s.dispatchEvent(new Event("change", { bubbles: true })); return "" })()`)
	b.waitText("Requests go to /variants/sandbox/graphql")
	b.do("GraphiQL on the sandbox", chromedp.WaitVisible(chromedp.CSS(`.graphiql-query-editor .CodeMirror`)))
	b.js("writing a query", `document.querySelector(".graphiql-query-editor .CodeMirror").CodeMirror.setValue("{ me { name } }"); ""`)
	b.do("running it", chromedp.Click(chromedp.CSS(`.graphiql-execute-button`), chromedp.NodeVisible))
	b.waitFor("the sandbox's answer", `document.querySelector(".graphiql-response")?.innerText.includes("Ada Lovelace")`)
	b.js("asking what the sandbox lacks", `document.querySelector(".graphiql-query-editor .CodeMirror").CodeMirror.setValue("{ topProducts { name } }"); ""`)
	b.do("running it", chromedp.Click(chromedp.CSS(`.graphiql-execute-button`), chromedp.NodeVisible))
	b.waitFor("the sandbox's refusal", `document.querySelector(".graphiql-response")?.innerText.includes("Cannot query field")`)
	b.js("back to production", `(() => { const s = document.querySelector(".playground select"); s.value = "production"; s.dispatchEvent(new Event("change", { bubbles: true })); return "" })()`)

	// A publish shows up in the registry's history, its diff and the changelog.
	products := strings.Replace(demoSchema(t, "products"), "  product(upc: String!): Product", "  product(upc: String!): Product\n  \"How many products there are.\"\n  productCount: Int", 1)
	res, err := admin.Publish(t.Context(), "products", urls["products"], products, "", "add productCount")
	require.NoError(t, err)
	require.Empty(t, res.Errors)
	b.click("Registry")
	b.waitText("The subgraphs of the current supergraph")
	// No health checks are configured here: each subgraph's health is unknown, and says so.
	b.waitFor("each subgraph's health", `document.querySelectorAll("table .health.unknown").length === 4`)
	b.shot("portal-registry")
	b.accessible("the registry")
	b.click("Versions")
	b.waitText("add productCount")
	b.click(fmt.Sprintf("Compare with version %d", res.Version.ID-1))
	b.waitText("Query.productCount")
	b.shot("portal-diff")
	b.accessible("a diff")
	b.click("Changelog")
	b.waitText("Query.productCount")
	b.shot("portal-changelog")
	b.accessible("the changelog")

	b.signOut()

	// API clients: a developer registers one, its secret shown once; it gets tokens with
	// the scopes developers get on their own until an administrator grants the rest.
	b.signIn("dev", "dev")
	assert.NotContains(t, b.js("the menu", `document.querySelector("header nav").innerText`), "Registry", "dev is no owner")
	b.click("API clients")
	b.waitText("Register a client")
	b.do("registering a client",
		browsertest.Type(`form input[placeholder="Reports service"]`, "Reports"),
		browsertest.Type(`form input[placeholder="orders:read"]`, "reviews:read orders:write"),
		chromedp.Click(chromedp.Search(`//button[normalize-space()="Register"]`)))
	b.waitFor("the secret", `!!document.querySelector("[data-testid=client-secret]")`)
	secret := b.js("reading the secret", `document.querySelector("[data-testid=client-secret]").textContent`)
	id := strings.TrimPrefix(b.js("reading the client ID", `document.querySelector(".secret h2").textContent`), "The secret of ")
	b.shot("portal-clients")
	b.accessible("the API clients")
	scopes, status := clientToken(t, base, id, secret)
	require.Equal(t, http.StatusOK, status)
	assert.Equal(t, "reviews:read", scopes, "orders:write waits for an administrator")
	b.click("I have saved it")
	b.waitText("orders:write")
	b.click("Rotate secret")
	b.click("Yes, rotate secret")
	b.waitFor("the new secret", `!!document.querySelector("[data-testid=client-secret]")`)
	newSecret := b.js("reading the new secret", `document.querySelector("[data-testid=client-secret]").textContent`)
	require.NotEqual(t, secret, newSecret)
	_, status = clientToken(t, base, id, secret)
	assert.Equal(t, http.StatusUnauthorized, status, "the old secret stopped working")
	_, status = clientToken(t, base, id, newSecret)
	assert.Equal(t, http.StatusOK, status)
	b.click("I have saved it")

	// The client's traffic through the gateway shows in its usage chart.
	clientQuery(t, base, id, newSecret, `{ topProducts(first: 1) { name } }`)
	// The gateway writes traffic every 200 ms here: reopen the chart until it shows.
	b.waitFor("the usage", `(() => { const s = document.querySelector("[data-testid=traffic-summary]"); if (s?.textContent.startsWith("1 request, 0 with errors")) return true;
		const open = document.querySelector('button[aria-label="Usage: Reports"]'); open.click(); if (!s) return false; open.click(); return false })()`)
	b.js("showing the chart", `document.querySelector(".traffic").scrollIntoView(); ""`)
	b.shot("portal-usage")
	b.accessible("a client's usage")
	b.signOut()

	// The administrator sees every client with its owner, grants what waits, deletes it.
	b.signIn("ada", "lovelace")
	b.click("API clients")
	b.waitText("Grant requested scopes")
	b.click("Grant requested scopes")
	b.waitFor("the grant", `!document.body.innerText.includes("Grant requested scopes")`)
	scopes, _ = clientToken(t, base, id, newSecret)
	assert.ElementsMatch(t, []string{"reviews:read", "orders:write"}, strings.Fields(scopes))
	assert.NotContains(t, b.js("the portal's own client", `document.querySelector("table.clients").innerText`), "Delete: Atrium portal",
		"the portal's own client cannot be deleted from the portal")
	b.do("deleting dev's client", chromedp.Click(chromedp.CSS(`button[aria-label="Delete: Reports"]`), chromedp.NodeVisible))
	b.click("Yes, delete")
	b.waitFor("the client gone", `!document.querySelector("table.clients").innerText.includes("Reports")`)
	_, status = clientToken(t, base, id, newSecret)
	assert.Equal(t, http.StatusUnauthorized, status, "a deleted client gets no token")
	b.signOut()
}

// signIn goes through the whole sign-in: the portal → Atrium's issuer → the dev IdP's
// login page → back to the portal, signed in; from then on it collects CSP violations.
func (b tab) signIn(user, password string) {
	b.t.Helper()
	b.click("Sign in")
	b.do("the dev IdP's login page", chromedp.WaitVisible(chromedp.CSS(`input[name=username]`)))
	b.do("signing in as "+user,
		browsertest.Type(`input[name=username]`, user),
		browsertest.Type(`input[name=password]`, password),
		chromedp.Click(chromedp.CSS(`button[type=submit]`)))
	b.waitFor("the portal with "+user+" signed in", fmt.Sprintf(`document.querySelector(".who .name")?.textContent === %q`, user))
	b.js("listening for CSP violations", `window.cspViolations = []; document.addEventListener("securitypolicyviolation", e => window.cspViolations.push(e.violatedDirective + " " + e.blockedURI)); ""`)
}

// signOut signs out, after checking the page kept to its Content-Security-Policy.
func (b tab) signOut() {
	b.t.Helper()
	assert.Equal(b.t, "[]", b.js("CSP violations", `JSON.stringify(window.cspViolations)`), "the portal broke its own Content-Security-Policy")
	b.click("Sign out")
	b.waitFor("signed out", `!document.querySelector(".who .name")`)
}

// clientToken asks the issuer for a client-credentials token; it returns the granted scopes.
func clientToken(t *testing.T, base, id, secret string) (string, int) {
	t.Helper()
	status, tok := clientCredentials(t, base, id, secret)
	return tok.Scope, status
}

// clientCredentials asks the issuer for a client-credentials token of the client.
func clientCredentials(t *testing.T, base, id, secret string) (int, struct{ AccessToken, Scope string }) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, base+"/oauth/token", strings.NewReader(url.Values{"grant_type": {"client_credentials"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(id, secret)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var body struct {
		AccessToken string `json:"access_token"`
		Scope       string `json:"scope"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&body)
	return resp.StatusCode, struct{ AccessToken, Scope string }{body.AccessToken, body.Scope}
}

// clientQuery sends a GraphQL query to the gateway with a client-credentials token of
// the client.
func clientQuery(t *testing.T, base, id, secret, query string) {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"query": query})
	req, _ := http.NewRequest(http.MethodPost, base+"/graphql", strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+clientAccessToken(t, base, id, secret))
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
}
