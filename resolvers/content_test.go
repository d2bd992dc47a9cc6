package resolvers_test

import (
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atrium-gateway/atrium/registry"
	"github.com/atrium-gateway/atrium/registry/store"
	"github.com/atrium-gateway/atrium/registry/store/storetest"
	"github.com/atrium-gateway/atrium/resolvers"
	"github.com/atrium-gateway/atrium/upstream"
)

const saveArticle = `mutation($in: SaveArticleInput!) { saveArticle(input: $in) { id slug kind title author published publishedAt html summary } }`

const saveIncident = `mutation($in: SaveIncidentInput!) { saveIncident(input: $in) { id title subgraphs severity status author startedAt resolvedAt html } }`

func TestContentByRole(t *testing.T) {
	t.Parallel()
	p := startPortal(t)
	alice := p.user(t, "alice", "staff")
	bob := p.user(t, "bob", "atrium-owners")
	p.ok(t, bob, publish, map[string]any{"name": "accounts", "sdl": demoSDL(t, "accounts")})

	// An owner writes a draft: readers do not see it.
	body := "Use **tokens**.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1))"
	data := p.ok(t, bob, saveArticle, map[string]any{"in": map[string]any{"slug": "tokens", "kind": "GUIDE", "title": "Tokens", "markdown": body}})
	draft := data["saveArticle"].(map[string]any)
	assert.Equal(t, "bob", draft["author"])
	assert.Equal(t, false, draft["published"])
	assert.Nil(t, draft["publishedAt"])
	assert.Equal(t, "Use tokens.", draft["summary"])
	html := draft["html"].(string)
	assert.Contains(t, html, "<table>")
	assert.Contains(t, html, "&lt;script&gt;alert(1)&lt;/script&gt;")
	assert.NotContains(t, html, "<script")
	assert.NotContains(t, html, "javascript:")

	list := `query($s: String, $k: ArticleKind) { articles(search: $s, kind: $k) { slug } }`
	assert.Equal(t, map[string]any{"articles": []any{}}, p.ok(t, alice, list, nil))
	assert.Equal(t, map[string]any{"article": nil}, p.ok(t, alice, `{ article(slug: "tokens") { slug } }`, nil))
	assert.Len(t, p.ok(t, bob, list, nil)["articles"], 1, "owners see drafts")
	assert.NotNil(t, p.ok(t, bob, `{ article(slug: "tokens") { slug } }`, nil)["article"])

	// Published, every reader finds it, by search too.
	id := draft["id"]
	data = p.ok(t, bob, saveArticle, map[string]any{"in": map[string]any{"id": id, "slug": "tokens", "kind": "GUIDE", "title": "Tokens", "markdown": body, "published": true}})
	assert.NotNil(t, data["saveArticle"].(map[string]any)["publishedAt"])
	assert.Equal(t, []any{map[string]any{"slug": "tokens"}}, p.ok(t, alice, list, map[string]any{"s": "TOKENS use"})["articles"])
	assert.Empty(t, p.ok(t, alice, list, map[string]any{"s": "tokens nothing"})["articles"])
	assert.Empty(t, p.ok(t, alice, list, map[string]any{"k": "FAQ"})["articles"])
	data = p.ok(t, alice, `{ article(slug: "tokens") { title html author } }`, nil)
	assert.Equal(t, "bob", data["article"].(map[string]any)["author"])

	// Readers read; only owners write.
	for _, q := range []struct {
		query string
		vars  map[string]any
		field string
	}{
		{saveArticle, map[string]any{"in": map[string]any{"slug": "mine", "kind": "FAQ", "title": "Mine", "markdown": ""}}, "saveArticle"},
		{`mutation { deleteArticle(id: 1) }`, nil, "deleteArticle"},
		{saveIncident, map[string]any{"in": map[string]any{"title": "x", "subgraphs": []string{"accounts"}, "severity": "MINOR", "status": "INVESTIGATING"}}, "saveIncident"},
		{`{ markdownPreview(markdown: "x") }`, nil, "markdownPreview"},
	} {
		msg := p.refused(t, alice, "FORBIDDEN", q.query, q.vars)
		assert.Equal(t, q.field+" needs the OWNER role, which this token does not have", msg)
	}
	assert.Len(t, p.ok(t, alice, list, nil)["articles"], 1, "the refused calls changed nothing")

	data = p.ok(t, bob, saveIncident, map[string]any{"in": map[string]any{"title": "Logins fail", "subgraphs": []string{"accounts"},
		"severity": "MAJOR", "status": "INVESTIGATING", "markdown": "We are <b>on it</b>."}})
	incident := data["saveIncident"].(map[string]any)
	assert.Equal(t, "bob", incident["author"])
	assert.Nil(t, incident["resolvedAt"])
	assert.Equal(t, "<p>We are &lt;b&gt;on it&lt;/b&gt;.</p>\n", incident["html"])
	data = p.ok(t, alice, `{ incidents(open: true) { title } status { name health incidents { title } } }`, nil)
	assert.Equal(t, []any{map[string]any{"title": "Logins fail"}}, data["incidents"])
	assert.Equal(t, []any{map[string]any{"name": "accounts", "health": "UNKNOWN", "incidents": []any{map[string]any{"title": "Logins fail"}}}}, data["status"])
	data = p.ok(t, bob, `{ markdownPreview(markdown: "# Hi <i>") }`, nil)
	assert.Equal(t, "<h1>Hi &lt;i&gt;</h1>\n", data["markdownPreview"])

	data = p.ok(t, bob, fmt.Sprintf(`mutation { deleteArticle(id: %v) }`, id), nil)
	assert.Equal(t, true, data["deleteArticle"])
	assert.Empty(t, p.ok(t, bob, list, nil)["articles"])
}

func TestContentBadInput(t *testing.T) {
	t.Parallel()
	p := startPortal(t)
	bob := p.user(t, "bob", "atrium-owners")
	p.ok(t, bob, publish, map[string]any{"name": "accounts", "sdl": demoSDL(t, "accounts")})
	p.ok(t, bob, publish, map[string]any{"name": "products", "sdl": demoSDL(t, "products")})
	article := func(fields map[string]any) map[string]any {
		in := map[string]any{"slug": "ok", "kind": "GUIDE", "title": "OK", "markdown": ""}
		for k, v := range fields {
			in[k] = v
		}
		return map[string]any{"in": in}
	}
	incident := func(fields map[string]any) map[string]any {
		in := map[string]any{"title": "Slow", "subgraphs": []string{"accounts"}, "severity": "MINOR", "status": "INVESTIGATING"}
		for k, v := range fields {
			in[k] = v
		}
		return map[string]any{"in": in}
	}
	p.ok(t, bob, saveArticle, article(nil))

	for _, c := range []struct {
		query string
		vars  map[string]any
		want  string
	}{
		{saveArticle, article(map[string]any{"slug": "Bad Slug", "title": "", "markdown": strings.Repeat("x", store.MaxMarkdownBytes+1)}),
			`invalid input: slug: "Bad Slug" is not a slug: lowercase letters and digits, in words joined by '-' (at most 100 bytes), such as getting-started; title: is required; markdown: is 204801 bytes, more than the limit of 204800`},
		{saveArticle, article(map[string]any{"slug": "ok", "title": "Another"}), `invalid input: slug: "ok" is the slug of another article: choose another`},
		{saveArticle, article(map[string]any{"title": "two\nlines", "slug": "two"}), `invalid input: title: must be one line`},
		{`{ articles(first: 0) { id } }`, nil, "invalid input: first: must be between 1 and 100"},
		{`{ articles(first: 101, before: -1) { id } }`, nil, "invalid input: first: must be between 1 and 100; before: must not be negative"},
		{`{ articles(search: "a b c d e f g h i j k") { id } }`, nil, "invalid input: search: has 11 words, more than 10"},
		{`{ incidents(first: 201) { id } }`, nil, "invalid input: first: must be between 1 and 200"},
		{fmt.Sprintf(`{ markdownPreview(markdown: "%s") }`, strings.Repeat("x", store.MaxMarkdownBytes+1)), nil,
			"invalid input: markdown: is 204801 bytes, more than the limit of 204800"},
		{saveIncident, incident(map[string]any{"subgraphs": []string{"accounts", "reviews", "9bad"}, "title": " "}),
			`invalid input: title: is required; subgraphs[2]: "9bad" is not a valid subgraph name: start with a letter, then up to 63 letters, digits, '_' or '-'; subgraphs[1]: "reviews" is not a subgraph of the current supergraph`},
		{saveIncident, incident(map[string]any{"subgraphs": []string{}}), "invalid input: subgraphs: name at least one subgraph"},
		{saveIncident, incident(map[string]any{"startedAt": time.Now().Add(time.Hour).Format(time.RFC3339)}), "invalid input: startedAt: is in the future"},
	} {
		msg := p.refused(t, bob, "BAD_USER_INPUT", c.query, c.vars)
		assert.Equal(t, c.want, msg)
	}
	for _, c := range []struct {
		query string
		vars  map[string]any
	}{
		{saveArticle, article(map[string]any{"id": 999, "slug": "ghost"})},
		{`mutation { deleteArticle(id: 999) }`, nil},
		{saveIncident, incident(map[string]any{"id": 999})},
	} {
		p.refused(t, bob, "NOT_FOUND", c.query, c.vars)
	}
	// An enum value the schema does not have fails GraphQL validation, before any resolver.
	res := p.do(t, bob, saveArticle, article(map[string]any{"kind": "BLOG"}))
	require.NotEmpty(t, res.Errors, res.Body)
	assert.Equal(t, "GRAPHQL_VALIDATION_FAILED", res.Errors[0].Extensions["code"], res.Body)

	// A subgraph removed since the incident opened may stay on it.
	data := p.ok(t, bob, saveIncident, incident(nil))
	id := data["saveIncident"].(map[string]any)["id"]
	data = p.ok(t, bob, `mutation { deleteSubgraph(input: { name: "accounts" }) { published } }`, nil)
	require.Equal(t, true, data["deleteSubgraph"].(map[string]any)["published"])
	data = p.ok(t, bob, saveIncident, incident(map[string]any{"id": id, "status": "RESOLVED"}))
	assert.NotNil(t, data["saveIncident"].(map[string]any)["resolvedAt"])
}

// health is a gateway's view of its subgraphs, for the status field.
type health map[string]upstream.HealthStatus

func (h health) SubgraphStatus() map[string]upstream.HealthStatus { return h }

func TestStatusShowsHealthAndOpenIncidentsWithoutURLs(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t, storetest.SQLite(t))
	h, err := resolvers.Handler(registry.New(st), resolvers.Options{AdminToken: token,
		Health: health{"reviews": upstream.StatusDown, "products": upstream.StatusUp, "gone": upstream.StatusUp}})
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	p := &portal{URL: srv.URL}
	query := `{ status { name health incidents { title severity status } } }`
	assert.Equal(t, map[string]any{"status": []any{}}, p.ok(t, token, query, nil), "nothing published")

	for _, name := range []string{"accounts", "products", "reviews", "inventory"} {
		p.ok(t, token, `mutation($name: String!, $sdl: String!) {
			publishSubgraph(input: { name: $name, url: "http://secret-host.internal:4001/graphql", sdl: $sdl }) { published } }`,
			map[string]any{"name": name, "sdl": demoSDL(t, name)})
	}
	p.ok(t, token, saveIncident, map[string]any{"in": map[string]any{"title": "Reviews down", "subgraphs": []string{"reviews", "products"},
		"severity": "MAJOR", "status": "IDENTIFIED"}})
	p.ok(t, token, saveIncident, map[string]any{"in": map[string]any{"title": "Old trouble", "subgraphs": []string{"accounts"},
		"severity": "MINOR", "status": "RESOLVED"}})

	res := p.do(t, token, query, nil)
	require.Empty(t, res.Errors, res.Body)
	down := []any{map[string]any{"title": "Reviews down", "severity": "MAJOR", "status": "IDENTIFIED"}}
	assert.Equal(t, []any{
		map[string]any{"name": "accounts", "health": "UNKNOWN", "incidents": []any{}},
		map[string]any{"name": "inventory", "health": "UNKNOWN", "incidents": []any{}},
		map[string]any{"name": "products", "health": "UP", "incidents": down},
		map[string]any{"name": "reviews", "health": "DOWN", "incidents": down},
	}, res.Data["status"], "resolved incidents are history, not status")
	assert.NotContains(t, res.Body, "secret-host")

	data := p.ok(t, token, `{ open: incidents(open: true) { title } resolved: incidents(open: false) { title resolvedAt } }`, nil)
	assert.Equal(t, []any{map[string]any{"title": "Reviews down"}}, data["open"])
	assert.Equal(t, "Old trouble", data["resolved"].([]any)[0].(map[string]any)["title"])
	assert.NotNil(t, data["resolved"].([]any)[0].(map[string]any)["resolvedAt"])
}
