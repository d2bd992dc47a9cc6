package portal_test

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atrium-gateway/atrium/portal"
	"github.com/atrium-gateway/atrium/registry"
	"github.com/atrium-gateway/atrium/registry/store/storetest"
)

// atom is what the test reads of a feed, by Atom's namespace.
type atom struct {
	XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string   `xml:"id"`
	Title   string   `xml:"title"`
	Updated string   `xml:"updated"`
	Author  string   `xml:"author>name"`
	Links   []struct {
		Rel  string `xml:"rel,attr"`
		Href string `xml:"href,attr"`
	} `xml:"link"`
	Entries []struct {
		ID      string `xml:"id"`
		Title   string `xml:"title"`
		Updated string `xml:"updated"`
		Link    struct {
			Href string `xml:"href,attr"`
		} `xml:"link"`
		Content struct {
			Type string `xml:"type,attr"`
			Text string `xml:",chardata"`
		} `xml:"content"`
	} `xml:"entry"`
}

func demoSDL(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("../demo/" + name + "/schema.graphqls")
	require.NoError(t, err)
	return string(b)
}

// get fetches the feed and checks that it is well-formed XML before decoding it.
func get(t *testing.T, url string, header ...string) (*http.Response, atom) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	require.NoError(t, err)
	for i := 0; i < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	resp.Body.Close()
	var feed atom
	if resp.StatusCode != http.StatusOK {
		return resp, feed
	}
	dec := xml.NewDecoder(strings.NewReader(string(body)))
	for {
		_, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err, "the feed is well-formed XML")
	}
	require.NoError(t, xml.Unmarshal(body, &feed), string(body))
	resp.Body = io.NopCloser(strings.NewReader(string(body)))
	return resp, feed
}

func TestChangelogFeed(t *testing.T) {
	t.Parallel()
	reg := registry.New(storetest.Open(t, storetest.SQLite(t)))
	srv := httptest.NewServer(portal.Feed(reg, portal.FeedOptions{Title: "Acme API changes", BaseURL: "https://api.example.com:8443/portal/"}))
	t.Cleanup(srv.Close)
	ctx := t.Context()

	// Before the first publish: an empty, valid feed.
	resp, feed := get(t, srv.URL)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "application/atom+xml; charset=utf-8", resp.Header.Get("Content-Type"))
	assert.Empty(t, feed.Entries)
	assert.Equal(t, "https://api.example.com:8443/portal/changelog", feed.ID)

	// Subgraph names, URLs and publishers stay private: none of these may show.
	secrets := []string{"svc-accounts", "svc-products", "svc-reviews", "secret-host", "alice@example.com"}
	publish := func(name, sdl, url, message string) {
		t.Helper()
		res, err := reg.Publish(ctx, registry.PublishInput{
			Name: name, URL: url, SDL: sdl, Publisher: "alice@example.com", Message: message,
		})
		require.NoError(t, err)
		require.True(t, res.Published, name)
	}
	publish("svc-accounts", demoSDL(t, "accounts"), "http://secret-host-1:4001/graphql", "Accounts")
	publish("svc-products", demoSDL(t, "products"), "http://secret-host-2:4002/graphql", "")
	publish("svc-products", demoSDL(t, "products"), "http://secret-host-9:4002/graphql", "moved") // no API change
	publish("svc-reviews", demoSDL(t, "reviews"), "http://secret-host-3:4003/graphql", `Reviews <b>&</b> "more"`)
	_, err := reg.Delete(ctx, "svc-reviews", "alice@example.com", "Retire reviews")
	require.NoError(t, err)

	resp, feed = get(t, srv.URL)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	for _, s := range secrets {
		assert.NotContains(t, string(body), s)
	}

	assert.Equal(t, "Acme API changes", feed.Title)
	assert.Equal(t, "Acme API changes", feed.Author)
	require.Len(t, feed.Links, 2)
	assert.Equal(t, "self", feed.Links[0].Rel)
	assert.Equal(t, "https://api.example.com:8443/portal/changelog.atom", feed.Links[0].Href)
	assert.Equal(t, "alternate", feed.Links[1].Rel)
	cur, err := reg.Store().Current(ctx)
	require.NoError(t, err)
	assert.Equal(t, cur.CreatedAt.UTC().Format(time.RFC3339), feed.Updated)

	// Newest first, and version 3 (a new URL) changed nothing for clients.
	var ids []string
	for _, e := range feed.Entries {
		ids = append(ids, e.Link.Href[strings.Index(e.Link.Href, "#")+1:])
		assert.Equal(t, "html", e.Content.Type)
		_, err := time.Parse(time.RFC3339, e.Updated)
		require.NoError(t, err)
	}
	assert.Equal(t, []string{"v5", "v4", "v2", "v1"}, ids)
	today := cur.CreatedAt.UTC().Format(time.DateOnly)
	retired := feed.Entries[0]
	assert.Equal(t, "tag:api.example.com,"+today+":/portal/changelog/v5", retired.ID)
	assert.Equal(t, "https://api.example.com:8443/portal/changelog#v5", retired.Link.Href)
	assert.Regexp(t, `^Version 5: \d+ breaking changes$`, retired.Title)
	assert.Contains(t, retired.Content.Text, "<p>Retire reviews</p>")
	assert.Contains(t, retired.Content.Text, "<li><strong>BREAKING</strong> <code>Query.reviews</code>: ")
	// The message is HTML-escaped inside the (XML-escaped) content.
	assert.Contains(t, feed.Entries[1].Content.Text, "<p>Reviews &lt;b&gt;&amp;&lt;/b&gt; &#34;more&#34;</p>")
	assert.Regexp(t, `^Version 4: \d+ safe changes$`, feed.Entries[1].Title)
	assert.NotContains(t, feed.Entries[2].Content.Text, "<p>", "no message, no paragraph")

	// The ETag and Last-Modified come from the newest version.
	etag := resp.Header.Get("ETag")
	assert.Equal(t, `"changelog-1-v5"`, etag)
	assert.Equal(t, cur.CreatedAt.UTC().Format(http.TimeFormat), resp.Header.Get("Last-Modified"))
	resp, _ = get(t, srv.URL, "If-None-Match", etag)
	assert.Equal(t, http.StatusNotModified, resp.StatusCode)
	resp, _ = get(t, srv.URL, "If-None-Match", `"changelog-1-v4"`)
	assert.Equal(t, http.StatusOK, resp.StatusCode)

	head, err := http.Head(srv.URL)
	require.NoError(t, err)
	n, _ := io.Copy(io.Discard, head.Body)
	head.Body.Close()
	assert.Equal(t, http.StatusOK, head.StatusCode)
	assert.Zero(t, n)
	assert.Equal(t, etag, head.Header.Get("ETag"))

	post, err := http.Post(srv.URL, "application/atom+xml", strings.NewReader("<feed/>"))
	require.NoError(t, err)
	post.Body.Close()
	assert.Equal(t, http.StatusMethodNotAllowed, post.StatusCode)
	assert.Equal(t, "GET, HEAD", post.Header.Get("Allow"))

	// A publish shows at once.
	publish("svc-reviews", demoSDL(t, "reviews"), "http://secret-host-3:4003/graphql", "Reviews are back")
	resp, feed = get(t, srv.URL, "If-None-Match", etag)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, `"changelog-1-v6"`, resp.Header.Get("ETag"))
	assert.Contains(t, feed.Entries[0].Title, "Version 6: ")
}

func TestChangelogFeedListsTheNewestFifty(t *testing.T) {
	t.Parallel()
	reg := registry.New(storetest.Open(t, storetest.SQLite(t)))
	srv := httptest.NewServer(portal.Feed(reg, portal.FeedOptions{BaseURL: "http://localhost/portal"}))
	t.Cleanup(srv.Close)
	for i := range portal.FeedEntries + 5 {
		res, err := reg.Publish(t.Context(), registry.PublishInput{
			Name: "counter", URL: "http://counter.internal/graphql", SDL: fmt.Sprintf("type Query { f%d: Int }", i),
		})
		require.NoError(t, err)
		require.True(t, res.Published)
	}
	_, feed := get(t, srv.URL)
	require.Len(t, feed.Entries, portal.FeedEntries)
	assert.Equal(t, "API changelog", feed.Title)
	assert.Contains(t, feed.Entries[0].Title, "Version 55: 1 breaking, 1 safe changes")
	assert.Contains(t, feed.Entries[49].Title, "Version 6: ")
}

func TestFeedNeedsAnAbsoluteBaseURL(t *testing.T) {
	t.Parallel()
	for _, base := range []string{"", "/portal", "example.com/portal", "ftp://example.com"} {
		assert.Panics(t, func() { portal.Feed(nil, portal.FeedOptions{BaseURL: base}) }, base)
	}
}
