package main

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"

	"github.com/atrium-gateway/atrium/internal/browsertest"
)

// TestPortalFeedbackInTheBrowser: a developer asks about a field from its docs, an owner
// answers and marks it a known issue, the type's docs list it, and the developer reads the
// owners' answer; on a phone too.
func TestPortalFeedbackInTheBrowser(t *testing.T) {
	st := startPortalStack(t)
	b := openPortal(t, st.base)
	const title = "Is the price in cents?"

	// dev asks from the Product page, about Product.price.
	b.signIn("dev", "dev")
	b.click("Schema")
	b.waitText("Start at Query")
	b.click("Product")
	b.waitFor("the Product page", `document.querySelector("h1")?.textContent.startsWith("Product")`)
	assert.NotContains(t, b.js("the Product page", `document.querySelector("article").innerText`), "Known issues", "none yet")
	b.do("asking about Product.price", chromedp.Click(chromedp.CSS(`a[aria-label="Ask a question or report a problem about Product.price"]`), chromedp.NodeVisible))
	b.waitText("Ask a question or report a problem")
	assert.Equal(t, "Product.price", b.js("the coordinate", `document.getElementById("ask-coordinate").value`), "prefilled")

	// Posting an empty form says what is missing, next to each field.
	b.click("Post")
	b.waitFor("the form's errors", `!!document.getElementById("ask-title-error")`)
	assert.Equal(t, "alert", b.js("the title's error", `document.getElementById("ask-title-error").getAttribute("role")`))
	assert.Equal(t, "true", b.js("the title", `document.getElementById("ask-title").getAttribute("aria-invalid")`))
	assert.Contains(t, b.js("the title", `document.getElementById("ask-title").getAttribute("aria-describedby")`), "ask-title-error")
	assert.Equal(t, "ask-title", b.js("the focus", `document.activeElement.id`), "the first field with a problem has the focus")

	b.do("writing the question",
		browsertest.Type(`#ask-title`, title),
		browsertest.Type(`#ask-body`, "The docs do not say.\nCents or dollars?"))
	b.click("Post")
	b.waitFor("the new thread", `document.querySelector("h1")?.textContent === "`+title+`"`)
	b.waitText("The docs do not say.\nCents or dollars?")
	assert.NotContains(t, b.js("the thread", `document.querySelector("article").innerText`), "Owner actions", "dev is no owner")
	b.click("← All feedback")
	b.waitText(title)
	b.shot("portal-feedback")
	b.accessible("portal-feedback")
	b.do("filtering by another type", browsertest.Type(`input[placeholder="Product or Product.price"]`, "Review"))
	b.click("Filter")
	b.waitText("No feedback matches.")
	b.do("filtering by Product", browsertest.Type(`input[placeholder="Product or Product.price"]`, strings.Repeat("\b", 6)+"Product"))
	b.click("Filter")
	b.waitText(title)
	assert.Contains(t, b.js("the list", `document.querySelector(".threads").innerText`), "Product.price")
	assert.NotContains(t, b.js("the list", `document.body.innerText`), "dev@example.com", "authors by name, never by email")
	b.signOut()

	// ada, an administrator (so an owner), answers and marks it a known issue.
	b.signIn("ada", "lovelace")
	b.click("Feedback")
	b.click(title)
	b.waitText("Owner actions")
	b.do("answering", browsertest.Type(`#reply-body`, "Cents: 1999 is $19.99. The docs will say so."))
	b.click("Reply")
	b.waitFor("the owners' answer", `document.querySelector(".post.answer")?.innerText.includes("1999 is $19.99")`)
	b.waitFor("the thread answered", `[...document.querySelectorAll("article .badge")].some(e => e.textContent === "answered")`)
	b.click("Mark as known issue")
	b.waitText("Not a known issue")
	b.shot("portal-feedback-thread")
	b.accessible("portal-feedback-thread")
	b.click("Schema")
	b.click("Product")
	b.waitFor("the known issues box", `document.querySelector(".known-issues")?.innerText.includes("`+title+`")`)
	assert.Contains(t, b.js("the known issue", `document.querySelector(".known-issues").innerText`), "Product.price")
	b.shot("portal-feedback-known-issues")
	b.accessible("portal-feedback-known-issues")
	b.signOut()

	// dev reads the answer, marked as the owners', from the known issue's link.
	b.signIn("dev", "dev")
	b.click("Schema")
	b.click("Product")
	b.waitFor("the known issues box", `!!document.querySelector(".known-issues")`)
	b.click(title)
	b.waitFor("the owners' answer", `document.querySelector(".post.answer")?.innerText.includes("Owners' answer")`)
	answer := b.js("the answer", `document.querySelector(".post.answer").innerText`)
	assert.Contains(t, answer, "ada")
	assert.Contains(t, answer, "1999 is $19.99")

	// On a phone, the thread and its reply form fit the screen.
	b.do("a phone's screen", chromedp.EmulateViewport(390, 844))
	b.waitFor("the reply form", `!!document.getElementById("reply-body")`)
	assert.Equal(t, "true", b.js("no sideways scrolling", `String(document.documentElement.scrollWidth <= window.innerWidth)`))
	assert.Equal(t, "true", b.js("the phone menu", `String(document.querySelector(".menu").offsetParent !== null)`), "the menu folds the navigation")
	b.signOut()
}
