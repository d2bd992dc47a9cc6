package resolvers_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	askFeedback = `mutation($in: AskFeedbackInput!) {
		askFeedback(input: $in) { id coordinate kind title status knownIssue author replies posts { author body ownerAnswer } }
	}`
	replyFeedback = `mutation($id: ID!, $body: String!) { replyFeedback(threadID: $id, body: $body) { id author body ownerAnswer } }`
	setStatus     = `mutation($id: ID!, $status: FeedbackStatus!, $known: Boolean) {
		setFeedbackStatus(threadID: $id, status: $status, knownIssue: $known) { id status knownIssue }
	}`
)

// publishDemoAs publishes the demo's subgraphs with bearer, an OWNER.
func (p *portal) publishDemoAs(t *testing.T, bearer string) {
	t.Helper()
	for _, name := range []string{"accounts", "products", "reviews", "inventory"} {
		p.ok(t, bearer, publish, map[string]any{"name": name, "sdl": demoSDL(t, name)})
	}
}

func question(coordinate, title, body string) map[string]any {
	return map[string]any{"in": map[string]any{"coordinate": coordinate, "kind": "QUESTION", "title": title, "body": body}}
}

// TestFeedbackFromQuestionToKnownIssue is the portal's feedback workflow: a developer asks
// about a field, everyone signed in reads it, an owner answers and marks it a known issue,
// which the type's known issues then list.
func TestFeedbackFromQuestionToKnownIssue(t *testing.T) {
	t.Parallel()
	p := startPortal(t)
	alice, bob, carol := p.user(t, "alice"), p.user(t, "bob", "atrium-owners"), p.user(t, "carol")
	p.publishDemoAs(t, bob)

	data := p.ok(t, alice, askFeedback, question("Product.price", "Is the price in cents?", "The docs do not say.\nCents or dollars?"))
	thread := data["askFeedback"].(map[string]any)
	id := thread["id"].(string)
	assert.Equal(t, map[string]any{"id": id, "coordinate": "Product.price", "kind": "QUESTION", "title": "Is the price in cents?",
		"status": "OPEN", "knownIssue": false, "author": "Alice Example", "replies": 0.0,
		"posts": []any{map[string]any{"author": "Alice Example", "body": "The docs do not say.\nCents or dollars?", "ownerAnswer": false}}}, thread)
	data = p.ok(t, alice, askFeedback, map[string]any{"in": map[string]any{"coordinate": "Review", "kind": "PROBLEM",
		"title": "Reviews come back empty", "body": "Since this morning."}})
	reviewID := data["askFeedback"].(map[string]any)["id"].(string)

	// Any signed-in user reads every thread, newest activity first.
	data = p.ok(t, carol, `{ feedback { id coordinate } }`, nil)
	assert.Equal(t, []any{map[string]any{"id": reviewID, "coordinate": "Review"}, map[string]any{"id": id, "coordinate": "Product.price"}},
		data["feedback"])
	data = p.ok(t, carol, `{ feedback(coordinate: "Product") { id } }`, nil)
	assert.Equal(t, []any{map[string]any{"id": id}}, data["feedback"], "a type's threads include its fields'")
	data = p.ok(t, carol, `query($id: ID!) { feedbackThread(id: $id) { title author } }`, map[string]any{"id": id})
	assert.Equal(t, map[string]any{"title": "Is the price in cents?", "author": "Alice Example"}, data["feedbackThread"])

	// Another developer's reply is no answer; an owner's is, and answers the thread.
	data = p.ok(t, carol, replyFeedback, map[string]any{"id": id, "body": "Same question here."})
	assert.Equal(t, false, data["replyFeedback"].(map[string]any)["ownerAnswer"])
	data = p.ok(t, bob, replyFeedback, map[string]any{"id": id, "body": "Cents. We will say so in the docs."})
	assert.Equal(t, map[string]any{"id": data["replyFeedback"].(map[string]any)["id"], "author": "Bob Example",
		"body": "Cents. We will say so in the docs.", "ownerAnswer": true}, data["replyFeedback"])
	data = p.ok(t, alice, `query($id: ID!) { feedbackThread(id: $id) { status replies posts { author ownerAnswer } } }`, map[string]any{"id": id})
	assert.Equal(t, map[string]any{"status": "ANSWERED", "replies": 2.0, "posts": []any{
		map[string]any{"author": "Alice Example", "ownerAnswer": false},
		map[string]any{"author": "Carol Example", "ownerAnswer": false},
		map[string]any{"author": "Bob Example", "ownerAnswer": true},
	}}, data["feedbackThread"])
	data = p.ok(t, carol, `{ feedback(status: ANSWERED) { id } }`, nil)
	assert.Equal(t, []any{map[string]any{"id": id}}, data["feedback"])

	// Only owners set the status; a known issue shows on its type until closed.
	msg := p.refused(t, alice, "FORBIDDEN", setStatus, map[string]any{"id": id, "status": "CLOSED", "known": true})
	assert.Equal(t, "setFeedbackStatus needs the OWNER role, which this token does not have", msg)
	data = p.ok(t, bob, setStatus, map[string]any{"id": id, "status": "ANSWERED", "known": true})
	assert.Equal(t, map[string]any{"id": id, "status": "ANSWERED", "knownIssue": true}, data["setFeedbackStatus"])
	data = p.ok(t, carol, `{ knownIssues(type: "Product") { id coordinate title } review: knownIssues(type: "Review") { id } }`, nil)
	assert.Equal(t, []any{map[string]any{"id": id, "coordinate": "Product.price", "title": "Is the price in cents?"}}, data["knownIssues"])
	assert.Empty(t, data["review"])
	p.ok(t, bob, setStatus, map[string]any{"id": id, "status": "CLOSED"})
	data = p.ok(t, carol, `{ knownIssues(type: "Product") { id } }`, nil)
	assert.Empty(t, data["knownIssues"], "a closed thread is no longer a known issue")
	msg = p.refused(t, alice, "BAD_USER_INPUT", replyFeedback, map[string]any{"id": id, "body": "Thanks!"})
	assert.Equal(t, fmt.Sprintf("invalid input: threadID: thread %s is closed: ask a new question, or ask an owner to reopen it", id), msg)

	// A long name is cut, not refused.
	long := p.user(t, "x"+strings.Repeat("名", 150))
	data = p.ok(t, long, askFeedback, question("Product", "From a long name", "?"))
	assert.Equal(t, "X"+strings.Repeat("名", 66), data["askFeedback"].(map[string]any)["author"], "at most 200 bytes")

	// Nothing anywhere shows an author's email.
	res := p.do(t, carol, `{ feedback { author posts { author body } } }`, nil)
	assert.NotContains(t, res.Body, "@example.com")
}

func TestFeedbackRefusesBadInput(t *testing.T) {
	t.Parallel()
	p := startPortal(t)
	alice, bob := p.user(t, "alice"), p.user(t, "bob", "atrium-owners")

	msg := p.refused(t, alice, "BAD_USER_INPUT", askFeedback, question("Product", "Before any publish", "?"))
	assert.Equal(t, "invalid input: coordinate: there is no API schema yet: nothing has been published", msg)
	p.publishDemoAs(t, bob)

	for _, c := range []struct {
		coordinate, title, body, want string
	}{
		{"Product.nope", "A title", "A body", "invalid input: coordinate: Product has no field nope in the API schema (version 4)"},
		{"Nope", "A title", "A body", "invalid input: coordinate: there is no type Nope in the API schema (version 4)"},
		{"String", "A title", "A body", "invalid input: coordinate: there is no type String in the API schema (version 4)"},
		{"Query.__schema", "A title", "A body", "invalid input: coordinate: Query has no field __schema in the API schema (version 4)"},
		{"Query.product.upc", "A title", "A body", `invalid input: coordinate: "Query.product.upc" is not a type or field coordinate such as Product or Product.price`},
		{"Product.price", "A title", " \n ", "invalid input: body: is empty"},
		{"Product.price", "A title", strings.Repeat("x", 10001), "invalid input: body: is 10001 characters, more than the limit of 10000"},
		{"Product.price", "A title", "a\x1bb", "invalid input: body: contains the control character U+001B; only line breaks and tabs are allowed"},
		{"Product.price", "Hi", "A body", "invalid input: title: is 2 characters; write at least 3"},
		{"Product.price", "Hi", "", "invalid input: title: is 2 characters; write at least 3; body: is empty"},
	} {
		msg := p.refused(t, alice, "BAD_USER_INPUT", askFeedback, question(c.coordinate, c.title, c.body))
		assert.Equal(t, c.want, msg, c.coordinate)
	}
	data := p.ok(t, alice, askFeedback, question("Product.price", "A title", strings.Repeat("é", 10000)))
	id := data["askFeedback"].(map[string]any)["id"].(string)

	// Enums: GraphQL refuses values it does not know before any resolver runs.
	res := p.do(t, alice, `mutation { askFeedback(input: { coordinate: "Product", kind: RANT, title: "A title", body: "A body" }) { id } }`, nil)
	require.Len(t, res.Errors, 1, res.Body)
	assert.Equal(t, "GRAPHQL_VALIDATION_FAILED", res.Errors[0].Extensions["code"], res.Body)
	vars := question("Product", "A title", "A body")
	vars["in"].(map[string]any)["kind"] = "RANT"
	res = p.do(t, alice, askFeedback, vars)
	require.Len(t, res.Errors, 1, res.Body)
	assert.Contains(t, res.Errors[0].Message, "RANT is not a valid FeedbackKind")
	res = p.do(t, bob, setStatus, map[string]any{"id": id, "status": "DONE"})
	require.Len(t, res.Errors, 1, res.Body)
	assert.Contains(t, res.Errors[0].Message, "DONE is not a valid FeedbackStatus")

	// Threads that are not there.
	for _, missing := range []string{"999", "abc", "-1"} {
		msg = p.refused(t, alice, "NOT_FOUND", replyFeedback, map[string]any{"id": missing, "body": "Hello"})
		assert.Contains(t, msg, "feedback thread")
		p.refused(t, bob, "NOT_FOUND", setStatus, map[string]any{"id": missing, "status": "CLOSED"})
		data = p.ok(t, alice, `query($id: ID!) { feedbackThread(id: $id) { id } }`, map[string]any{"id": missing})
		assert.Nil(t, data["feedbackThread"])
	}
	msg = p.refused(t, alice, "BAD_USER_INPUT", replyFeedback, map[string]any{"id": id, "body": ""})
	assert.Equal(t, "invalid input: body: is empty", msg)

	// Lists.
	for query, want := range map[string]string{
		`{ feedback(first: 0) { id } }`:                      "invalid input: first: must be between 1 and 100",
		`{ feedback(first: 101) { id } }`:                    "invalid input: first: must be between 1 and 100",
		`{ feedback(before: "abc") { id } }`:                 `invalid input: before: "abc" is not a feedback thread ID`,
		`{ feedback(before: "999") { id } }`:                 "invalid input: before: there is no feedback thread 999",
		`{ feedback(coordinate: "Product.price.x") { id } }`: `invalid input: coordinate: "Product.price.x" is not a type or field coordinate such as Product or Product.price`,
		`{ knownIssues(type: "Product.price") { id } }`:      `invalid input: type: "Product.price" is not a type name`,
		`{ knownIssues(type: "") { id } }`:                   `invalid input: type: "" is not a type or field coordinate such as Product or Product.price`,
	} {
		assert.Equal(t, want, p.refused(t, alice, "BAD_USER_INPUT", query, nil), query)
	}

	// 20 threads a day per user (the one above included), then "too many".
	for i := 2; i <= 20; i++ {
		p.ok(t, alice, askFeedback, question("Product", fmt.Sprintf("Question %d", i), "?"))
	}
	msg = p.refused(t, alice, "BAD_USER_INPUT", askFeedback, question("Product", "Question 21", "?"))
	assert.Equal(t, "invalid input: feedback: too many questions and reports: at most 20 per user in 24 hours; try again later", msg)
	p.ok(t, bob, askFeedback, question("Product", "Bob's own", "?"))
}
