package portal_test

import (
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atrium-gateway/atrium/portal"
	"github.com/atrium-gateway/atrium/registry/store"
	"github.com/atrium-gateway/atrium/registry/store/storetest"
)

// announcementsAtom is what the test reads of the announcements feed, beyond atom.
type announcementsAtom struct {
	Entries []struct {
		Published string `xml:"published"`
		Category  struct {
			Term  string `xml:"term,attr"`
			Label string `xml:"label,attr"`
		} `xml:"category"`
	} `xml:"entry"`
}

func TestAnnouncementsFeed(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t, storetest.SQLite(t))
	srv := httptest.NewServer(portal.Announcements(st, portal.FeedOptions{BaseURL: "https://api.example.com/portal"}))
	t.Cleanup(srv.Close)
	ctx := t.Context()

	resp, feed := get(t, srv.URL)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Empty(t, feed.Entries)
	assert.Equal(t, "API announcements", feed.Title)
	assert.Equal(t, "https://api.example.com/portal/guides", feed.ID)
	assert.Equal(t, "https://api.example.com/portal/announcements.atom", feed.Links[0].Href)
	assert.Equal(t, `"announcements-1-0-0"`, resp.Header.Get("ETag"))

	save := func(a store.Article) store.Article {
		t.Helper()
		a.Author = "ada@example.com"
		saved, err := st.SaveArticle(ctx, a)
		require.NoError(t, err)
		return saved
	}
	v2 := save(store.Article{Slug: "v2", Kind: store.Announcement, Title: "Version 2 <is> here", Published: true,
		Markdown: "Read **this**.\n\n<script>alert(1)</script>"})
	save(store.Article{Slug: "guide", Kind: store.Guide, Title: "A guide", Published: true})
	save(store.Article{Slug: "faq", Kind: store.FAQ, Title: "A question", Published: true})
	draft := save(store.Article{Slug: "draft", Kind: store.Announcement, Title: "Not yet"})
	post := save(store.Article{Slug: "deep-dive", Kind: store.Post, Title: "A deep dive", Published: true, Markdown: "Words."})

	resp, feed = get(t, srv.URL)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	assert.NotContains(t, string(body), "ada@example.com", "authors stay private")
	var more announcementsAtom
	require.NoError(t, xml.Unmarshal(body, &more))

	require.Len(t, feed.Entries, 2, "announcements and articles, published ones only")
	assert.Equal(t, "A deep dive", feed.Entries[0].Title, "newest first")
	assert.Equal(t, "Version 2 <is> here", feed.Entries[1].Title)
	e := feed.Entries[1]
	assert.Equal(t, "tag:api.example.com,"+v2.CreatedAt.UTC().Format(time.DateOnly)+":/portal/articles/"+strconv.FormatInt(v2.ID, 10), e.ID)
	assert.Equal(t, "https://api.example.com/portal/guides/v2", e.Link.Href)
	assert.Equal(t, "html", e.Content.Type)
	assert.Equal(t, "<p>Read <strong>this</strong>.</p>\n<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n", e.Content.Text)
	assert.Equal(t, v2.PublishedAt.UTC().Format(time.RFC3339), more.Entries[1].Published)
	assert.Equal(t, "ANNOUNCEMENT", more.Entries[1].Category.Term)
	assert.Equal(t, "Announcement", more.Entries[1].Category.Label)
	assert.Equal(t, "Article", more.Entries[0].Category.Label)
	assert.Equal(t, post.UpdatedAt.UTC().Format(time.RFC3339), feed.Updated)
	assert.Equal(t, post.UpdatedAt.UTC().Format(http.TimeFormat), resp.Header.Get("Last-Modified"))

	// Cached while nothing changes; any change to what it lists shows at once.
	etag := resp.Header.Get("ETag")
	resp, _ = get(t, srv.URL, "If-None-Match", etag)
	assert.Equal(t, http.StatusNotModified, resp.StatusCode)
	draft.Published = true
	save(draft)
	resp, feed = get(t, srv.URL, "If-None-Match", etag)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "Not yet", feed.Entries[0].Title)
	etag = resp.Header.Get("ETag")
	require.NoError(t, st.DeleteArticle(ctx, post.ID))
	resp, feed = get(t, srv.URL, "If-None-Match", etag)
	require.Equal(t, http.StatusOK, resp.StatusCode, "a deletion changes the feed")
	assert.Len(t, feed.Entries, 2)

	refused, err := http.Post(srv.URL, "application/atom+xml", strings.NewReader("<feed/>"))
	require.NoError(t, err)
	refused.Body.Close()
	assert.Equal(t, http.StatusMethodNotAllowed, refused.StatusCode)
}

func TestAnnouncementsFeedNeedsAnAbsoluteBaseURL(t *testing.T) {
	t.Parallel()
	assert.PanicsWithValue(t, `portal.Announcements: FeedOptions.BaseURL "/portal" is not an absolute http(s) URL such as https://api.example.com/portal`,
		func() { portal.Announcements(nil, portal.FeedOptions{BaseURL: "/portal"}) })
}

func TestContentRoutes(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t, storetest.SQLite(t))
	h, err := portal.Handler(portal.Options{GraphQLPath: "/graphql", RegistryPath: "/api/graphql",
		Announcements: portal.Announcements(st, portal.FeedOptions{BaseURL: "http://localhost/portal"})})
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	for path, status := range map[string]int{
		"/portal/guides": 200, "/portal/guides/getting-started": 200, "/portal/status": 200,
		"/portal/guides/a/b": 404, "/portal/statuses": 404, "/portal/announcements.atom": 200,
		"/portal/products": 200, "/portal/products/reviews-api": 200, "/portal/products/a/b": 404, "/portal/products/Reviews": 404,
	} {
		resp, err := http.Get(srv.URL + path)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, status, resp.StatusCode, path)
	}
}
