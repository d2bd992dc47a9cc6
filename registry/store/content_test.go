package store_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atrium-gateway/atrium/registry/store"
	"github.com/atrium-gateway/atrium/registry/store/storetest"
)

func article(slug string, kind store.ArticleKind, title, body string, published bool) store.Article {
	return store.Article{Slug: slug, Kind: kind, Title: title, Markdown: body, Author: "ada", Published: published}
}

func slugs(articles []store.Article) []string {
	out := []string{}
	for _, a := range articles {
		out = append(out, a.Slug)
	}
	return out
}

func TestArticles(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, dsn string) {
		s := openStore(t, dsn)
		ctx := t.Context()

		draft, err := s.SaveArticle(ctx, article("getting-started", store.Guide, "Getting started", "# Hello\n\nCall **/graphql** with a token.", false))
		require.NoError(t, err)
		require.NotZero(t, draft.ID)
		assert.True(t, draft.PublishedAt.IsZero(), "a draft")
		got, err := s.Article(ctx, "getting-started")
		require.NoError(t, err)
		assert.Equal(t, draft, got, "what SaveArticle returns is what is stored")

		// Publishing dates it; a later edit keeps that date and the author.
		draft.Published = true
		published, err := s.SaveArticle(ctx, draft)
		require.NoError(t, err)
		require.False(t, published.PublishedAt.IsZero())
		edit := published
		edit.Title, edit.Author = "Getting started with Atrium", "someone else"
		edited, err := s.SaveArticle(ctx, edit)
		require.NoError(t, err)
		assert.Equal(t, published.PublishedAt, edited.PublishedAt)
		assert.Equal(t, "ada", edited.Author, "the author stays who created it")
		assert.Equal(t, published.CreatedAt, edited.CreatedAt)
		assert.False(t, edited.UpdatedAt.Before(published.UpdatedAt))
		got, err = s.Article(ctx, "getting-started")
		require.NoError(t, err)
		assert.Equal(t, edited, got)

		for _, a := range []store.Article{
			article("rate-limits", store.FAQ, "What are the rate limits?", "100 requests per SECOND per client.", true),
			article("v2-is-here", store.Announcement, "Version 2 is here", "Ünïcode Straße and 100% more_fields", true),
			article("secret-plans", store.Post, "Secret plans", "Not ready: rate limits will change.", false),
		} {
			_, err := s.SaveArticle(ctx, a)
			require.NoError(t, err)
		}

		list := func(q store.ArticleQuery) []string {
			t.Helper()
			if q.First == 0 {
				q.First = 10
			}
			out, err := s.Articles(ctx, q)
			require.NoError(t, err)
			return slugs(out)
		}
		assert.Equal(t, []string{"v2-is-here", "rate-limits", "getting-started"}, list(store.ArticleQuery{}), "published only, newest first")
		assert.Equal(t, []string{"secret-plans", "v2-is-here", "rate-limits", "getting-started"}, list(store.ArticleQuery{Drafts: true}))
		assert.Equal(t, []string{"rate-limits"}, list(store.ArticleQuery{Kinds: []store.ArticleKind{store.FAQ}}))
		assert.Equal(t, []string{"v2-is-here", "getting-started"}, list(store.ArticleQuery{Kinds: []store.ArticleKind{store.Guide, store.Announcement}}))

		// Search: every word, in title or body, in any case; LIKE's wildcards are plain characters.
		assert.Equal(t, []string{"rate-limits"}, list(store.ArticleQuery{Search: "RATE second"}))
		assert.Equal(t, []string{"secret-plans", "rate-limits"}, list(store.ArticleQuery{Search: "rate limits", Drafts: true}))
		assert.Equal(t, []string{"getting-started"}, list(store.ArticleQuery{Search: "ATRIUM"}), "the title counts")
		assert.Equal(t, []string{"v2-is-here"}, list(store.ArticleQuery{Search: "ÜNÏCODE"}), "Unicode folds on both databases")
		assert.Equal(t, []string{"v2-is-here"}, list(store.ArticleQuery{Search: "100%"}))
		assert.Empty(t, list(store.ArticleQuery{Search: "1%0"}), "% is no wildcard")
		assert.Equal(t, []string{"v2-is-here"}, list(store.ArticleQuery{Search: "more_fields"}))
		assert.Empty(t, list(store.ArticleQuery{Search: "mor_"}), "_ is no wildcard")
		assert.Equal(t, []string{"v2-is-here"}, list(store.ArticleQuery{Search: "%"}))

		// Pages.
		assert.Equal(t, []string{"v2-is-here", "rate-limits"}, list(store.ArticleQuery{First: 2}))
		page, err := s.Articles(ctx, store.ArticleQuery{First: 2})
		require.NoError(t, err)
		assert.Equal(t, []string{"getting-started"}, list(store.ArticleQuery{First: 2, Before: page[1].ID}))

		// The feed's reads: published articles of some kinds by publication time, and a stamp.
		count, updated, err := s.PublishedStamp(ctx, []store.ArticleKind{store.Announcement, store.Post})
		require.NoError(t, err)
		assert.EqualValues(t, 1, count)
		newest, err := s.PublishedArticles(ctx, []store.ArticleKind{store.Announcement, store.Post}, 10)
		require.NoError(t, err)
		assert.Equal(t, []string{"v2-is-here"}, slugs(newest))
		assert.Equal(t, newest[0].UpdatedAt, updated)
		plans, err := s.Article(ctx, "secret-plans")
		require.NoError(t, err)
		plans.Published = true
		_, err = s.SaveArticle(ctx, plans)
		require.NoError(t, err)
		newest, err = s.PublishedArticles(ctx, nil, 10)
		require.NoError(t, err)
		assert.Equal(t, "secret-plans", newest[0].Slug, "by publication, not creation")
		count2, _, err := s.PublishedStamp(ctx, []store.ArticleKind{store.Announcement, store.Post})
		require.NoError(t, err)
		assert.EqualValues(t, 2, count2)
		count, updated, err = s.PublishedStamp(ctx, []store.ArticleKind{"NOTHING"})
		require.NoError(t, err)
		assert.Zero(t, count)
		assert.True(t, updated.IsZero())

		// Slugs are unique; a missing article is not found.
		_, err = s.SaveArticle(ctx, article("rate-limits", store.Guide, "Again", "", false))
		requireInvalid(t, err, "slug")
		ghost := article("ghost", store.Guide, "Ghost", "", false)
		ghost.ID = 999
		_, err = s.SaveArticle(ctx, ghost)
		require.ErrorIs(t, err, store.ErrNotFound)
		_, err = s.Article(ctx, "nope")
		require.ErrorIs(t, err, store.ErrNotFound)

		require.NoError(t, s.DeleteArticle(ctx, edited.ID))
		require.ErrorIs(t, s.DeleteArticle(ctx, edited.ID), store.ErrNotFound)
		_, err = s.Article(ctx, "getting-started")
		require.ErrorIs(t, err, store.ErrNotFound)
	})
}

// requireInvalid asserts err is a ValidationErrors naming each of fields.
func requireInvalid(t *testing.T, err error, fields ...string) {
	t.Helper()
	var invalid store.ValidationErrors
	require.ErrorAs(t, err, &invalid)
	var got []string
	for _, e := range invalid {
		got = append(got, e.Field)
	}
	assert.Equal(t, fields, got, err.Error())
}

func TestContentValidation(t *testing.T) {
	t.Parallel()
	s := openStore(t, storetest.SQLite(t))
	ctx := t.Context()
	_, err := s.SaveArticle(ctx, store.Article{Slug: "Not A Slug", Kind: "BLOG", Title: " ", Markdown: strings.Repeat("x", store.MaxMarkdownBytes+1)})
	requireInvalid(t, err, "slug", "kind", "title", "markdown")
	_, err = s.SaveArticle(ctx, store.Article{Slug: "a--b", Kind: store.Guide, Title: "two\nlines", Markdown: "\xff"})
	requireInvalid(t, err, "slug", "title", "markdown")
	_, err = s.SaveArticle(ctx, store.Article{Slug: strings.Repeat("a", store.MaxSlugBytes+1), Kind: store.Guide, Title: "x", Markdown: "nul\x00"})
	requireInvalid(t, err, "slug", "markdown")
	a, err := s.SaveArticle(ctx, store.Article{Slug: "ok-1", Kind: store.Guide, Title: "x", Markdown: strings.Repeat("x", store.MaxMarkdownBytes)})
	require.NoError(t, err, "exactly the limit")
	assert.Empty(t, a.Author)

	for _, q := range []struct {
		q      store.ArticleQuery
		fields []string
	}{
		{store.ArticleQuery{First: 0}, []string{"first"}},
		{store.ArticleQuery{First: store.MaxArticlesPage + 1, Before: -1}, []string{"first", "before"}},
		{store.ArticleQuery{First: 1, Search: strings.Repeat("a ", 11)}, []string{"search"}},
		{store.ArticleQuery{First: 1, Kinds: []store.ArticleKind{"BLOG"}}, []string{"kinds[0]"}},
	} {
		_, err := s.Articles(ctx, q.q)
		requireInvalid(t, err, q.fields...)
	}

	_, err = s.SaveIncident(ctx, store.Incident{Subgraphs: []string{"ok", "1bad"}, Severity: "HUGE", Status: "OPEN", StartedAt: time.Now().Add(time.Hour)})
	requireInvalid(t, err, "title", "subgraphs[1]", "severity", "status", "startedAt")
	_, err = s.SaveIncident(ctx, store.Incident{Title: "x", Severity: store.Minor, Status: store.Investigating})
	requireInvalid(t, err, "subgraphs")
	_, err = s.Incidents(ctx, store.IncidentQuery{First: store.MaxIncidentsPage + 1})
	requireInvalid(t, err, "first")
}

func TestIncidents(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, dsn string) {
		s := openStore(t, dsn)
		ctx := t.Context()
		open, err := s.SaveIncident(ctx, store.Incident{Title: "Slow reviews", Subgraphs: []string{"reviews", "products", "reviews"},
			Severity: store.Minor, Status: store.Investigating, Markdown: "Looking into it.", Author: "ada"})
		require.NoError(t, err)
		assert.Equal(t, []string{"products", "reviews"}, open.Subgraphs, "sorted, once each")
		assert.True(t, open.Open())
		assert.False(t, open.StartedAt.IsZero())
		assert.True(t, open.ResolvedAt.IsZero())
		got, err := s.Incident(ctx, open.ID)
		require.NoError(t, err)
		assert.Equal(t, open, got)

		started := time.Now().Add(-2 * time.Hour).UTC().Truncate(time.Microsecond)
		old, err := s.SaveIncident(ctx, store.Incident{Title: "Accounts down", Subgraphs: []string{"accounts"},
			Severity: store.Major, Status: store.Identified, Author: "ada", StartedAt: started})
		require.NoError(t, err)
		assert.Equal(t, started, old.StartedAt)

		// Resolving dates it; updates keep the author and the start.
		old.Status, old.Author, old.StartedAt = store.Resolved, "bob", time.Time{}
		resolved, err := s.SaveIncident(ctx, old)
		require.NoError(t, err)
		assert.False(t, resolved.Open())
		assert.False(t, resolved.ResolvedAt.IsZero())
		assert.Equal(t, "ada", resolved.Author)
		assert.Equal(t, started, resolved.StartedAt)
		again, err := s.SaveIncident(ctx, resolved)
		require.NoError(t, err)
		assert.Equal(t, resolved.ResolvedAt, again.ResolvedAt, "resolving a resolved incident keeps its date")

		list := func(open *bool) []string {
			t.Helper()
			out, err := s.Incidents(ctx, store.IncidentQuery{Open: open, First: 10})
			require.NoError(t, err)
			titles := []string{}
			for _, in := range out {
				titles = append(titles, in.Title)
			}
			return titles
		}
		yes, no := true, false
		assert.Equal(t, []string{"Slow reviews", "Accounts down"}, list(nil), "open ones first")
		assert.Equal(t, []string{"Slow reviews"}, list(&yes))
		assert.Equal(t, []string{"Accounts down"}, list(&no))

		// Reopening clears the resolution.
		resolved.Status = store.Investigating
		reopened, err := s.SaveIncident(ctx, resolved)
		require.NoError(t, err)
		assert.True(t, reopened.ResolvedAt.IsZero())
		assert.Equal(t, []string{"Slow reviews", "Accounts down"}, list(&yes), "the newest start first")

		_, err = s.SaveIncident(ctx, store.Incident{ID: 999, Title: "x", Subgraphs: []string{"a"}, Severity: store.Minor, Status: store.Resolved})
		require.ErrorIs(t, err, store.ErrNotFound)
		_, err = s.Incident(ctx, 999)
		require.ErrorIs(t, err, store.ErrNotFound)
	})
}
