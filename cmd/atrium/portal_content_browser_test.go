package main

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atrium-gateway/atrium/internal/browsertest"
)

// guideMarkdown is the guide ada writes: a table, and a line of HTML that must be shown as
// text, never run.
const guideMarkdown = "How many requests each plan may send.\n\n" +
	"| Plan | Requests per second |\n|---|---:|\n| Free | 10 |\n| Team | 100 |\n\n" +
	"<script>window.pwned = true</script>\n\nSee [the schema](/portal/docs).\n"

// TestPortalContentInTheBrowser: an administrator writes and publishes a guide and opens an
// incident; a developer finds the guide by searching and reads it, and sees the incident on
// the status page beside each subgraph's health.
func TestPortalContentInTheBrowser(t *testing.T) {
	st := startPortalStack(t)
	b := openPortal(t, st.base)

	// ada writes a guide, previews it as the API renders it, and publishes it.
	b.signIn("ada", "lovelace")
	b.click("Guides")
	b.waitText("Nothing has been written yet.")
	b.click("Write an article")
	b.do("writing the guide",
		browsertest.Type(`#article-title`, "Rate limits"),
		browsertest.Type(`#article-text`, guideMarkdown))
	assert.Equal(t, "rate-limits", b.js("the slug", `document.querySelector("#article-slug").value`), "made from the title")
	b.click("Preview")
	b.waitFor("the preview", `!!document.querySelector("[data-testid=preview] table")`)
	assert.Contains(t, b.js("the preview", `document.querySelector("[data-testid=preview]").innerText`), "<script>window.pwned = true</script>")
	b.do("publishing", chromedp.Click(chromedp.CSS(`#article-published`), chromedp.NodeVisible))
	b.click("Save")
	b.waitFor("the guide's page", `location.pathname === "/portal/guides/rate-limits" && !!document.querySelector("[data-testid=article-body] table")`)
	b.waitText("By ada")
	b.shot("portal-guide")
	b.accessible("portal-guide")
	b.signOut()

	// dev finds it by searching for words of its text, and reads it: the table rendered, the
	// script shown as text and never run (signOut checks that no CSP violation happened).
	b.signIn("dev", "dev")
	b.click("Guides")
	b.waitText("Rate limits")
	assert.NotContains(t, b.js("the page", `document.body.innerText`), "Write an article", "dev is no owner")
	b.do("searching", browsertest.Type(`#guide-search`, "requests SECOND"))
	b.waitFor("one result", `document.querySelectorAll(".articles li").length === 1`)
	b.do("searching for nothing", browsertest.Type(`#guide-search`, " nonsense"))
	b.waitText("Nothing matches")
	b.do("searching again", browsertest.Type(`#guide-search`, strings.Repeat("\b", len("requests SECOND nonsense"))+"plan"))
	b.waitFor("the result", `document.querySelectorAll(".articles li").length === 1`)
	b.shot("portal-guides")
	b.accessible("portal-guides")
	b.click("Rate limits")
	b.waitFor("the guide", `!!document.querySelector("[data-testid=article-body] table")`)
	body := b.js("the guide", `document.querySelector("[data-testid=article-body]").innerText`)
	assert.Contains(t, body, "<script>window.pwned = true</script>", "raw HTML is shown as text")
	assert.Contains(t, body, "Team")
	assert.Equal(t, "0", b.js("scripts in the guide", `String(document.querySelectorAll("[data-testid=article-body] script").length)`))
	assert.Equal(t, "undefined", b.js("the script's effect", `typeof window.pwned`), "the script never ran")
	assert.Equal(t, "/portal/docs", b.js("the link", `document.querySelector("[data-testid=article-body] a").getAttribute("href")`))
	assert.NotContains(t, b.js("the page", `document.body.innerText`), "Edit", "dev is no owner")
	b.signOut()

	// A guide is reference, not news: the announcements feed does not list it.
	resp, err := http.Get(st.base + "/portal/announcements.atom")
	require.NoError(t, err)
	feed, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.NotContains(t, string(feed), "Rate limits")

	// ada opens an incident on reviews.
	b.signIn("ada", "lovelace")
	b.click("Status")
	b.waitText("Open incidents")
	b.click("Report an incident")
	form := `form[aria-label="Report an incident"] `
	b.do("reporting the incident",
		browsertest.Type(form+`input[name=title]`, "Reviews are slow"),
		chromedp.Click(chromedp.CSS(form+`input[name=subgraph][value=reviews]`), chromedp.NodeVisible),
		browsertest.Type(form+`textarea[name=text]`, "Some reviews take **seconds**; we are on it."))
	b.js("choosing the severity", `const s = document.querySelector('`+form+`select[name=severity]'); s.value = "MAJOR"; s.dispatchEvent(new Event("change", {bubbles: true})); ""`)
	b.click("Open the incident")
	b.waitFor("the incident", `!!document.querySelector("[data-incident='Reviews are slow']")`)
	b.signOut()

	// dev sees it beside reviews, and each subgraph's health: the demo has no health checks
	// configured, so UNKNOWN unless traffic opened a breaker (it did not), never a URL.
	b.signIn("dev", "dev")
	b.click("Status")
	b.waitFor("the reviews row", `document.querySelector("tr[data-subgraph=reviews]")?.innerText.includes("Reviews are slow")`)
	b.shot("portal-status")
	b.accessible("portal-status")
	healths := b.js("the healths", `[...document.querySelectorAll("tr[data-subgraph]")].map(r => r.dataset.subgraph + "=" + r.dataset.health).join(" ")`)
	for _, name := range []string{"accounts", "inventory", "products", "reviews"} {
		assert.Regexp(t, fmt.Sprintf(`\b%s=(UP|UNKNOWN)\b`, name), healths)
	}
	incident := b.js("the incident", `document.querySelector("[data-incident='Reviews are slow']").innerText`)
	assert.Contains(t, incident, "Major")
	assert.Contains(t, incident, "Affects reviews")
	assert.Contains(t, incident, "Some reviews take seconds")
	page := b.js("the page", `document.body.innerText`)
	assert.Contains(t, page, "Unknown", "health is said in words, not colour alone")
	for _, url := range st.urls {
		assert.NotContains(t, page, strings.TrimSuffix(url, "/graphql"), "no subgraph URL")
	}
	assert.NotContains(t, page, "Report an incident", "dev is no owner")
	b.signOut()
}
