package store_test

import (
	"database/sql"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/pressly/goose/v3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atrium-gateway/atrium/registry/store"
)

// ask records a question by author on coordinate and fails the test on error.
func ask(t *testing.T, s *store.Store, author, coordinate, title string) store.FeedbackThread {
	t.Helper()
	th, err := s.CreateFeedbackThread(t.Context(), store.NewFeedbackThread{Coordinate: coordinate, Kind: store.FeedbackQuestion,
		Title: title, Body: "What does " + coordinate + " hold?", Author: author, AuthorName: strings.ToUpper(author)})
	require.NoError(t, err)
	return th
}

func ids(threads []store.FeedbackThread) []int64 {
	out := []int64{}
	for _, t := range threads {
		out = append(out, t.ID)
	}
	return out
}

func TestFeedbackThreadsAreAskedAnsweredAndListedByActivity(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, dsn string) {
		s := openStore(t, dsn)
		ctx := t.Context()
		price, err := s.CreateFeedbackThread(ctx, store.NewFeedbackThread{Coordinate: "Product.price", Kind: store.FeedbackProblem,
			Title: "  Price is in cents?  ", Body: "Line one\r\nLine two\twith a tab\n", Author: "u-1", AuthorName: "Ada"})
		require.NoError(t, err)
		assert.NotZero(t, price.ID)
		assert.Equal(t, "Price is in cents?", price.Title, "trimmed")
		assert.Equal(t, store.FeedbackOpen, price.Status)
		assert.Equal(t, store.FeedbackProblem, price.Kind)
		assert.False(t, price.KnownIssue)
		assert.Equal(t, price.CreatedAt, price.UpdatedAt)
		product := ask(t, s, "u-2", "Product", "What is a product?")
		review := ask(t, s, "u-2", "Review.body", "Is the body Markdown?")
		productivity := ask(t, s, "u-2", "Productivity", "Not a Product")

		got, err := s.FeedbackThread(ctx, price.ID)
		require.NoError(t, err)
		assert.Equal(t, price, got)
		posts, err := s.FeedbackPosts(ctx, price.ID)
		require.NoError(t, err)
		require.Len(t, posts, 1)
		assert.Equal(t, "Line one\nLine two\twith a tab", posts[0].Body, "CRLF made LF, trimmed")
		assert.Equal(t, "Ada", posts[0].AuthorName)
		assert.False(t, posts[0].OwnerAnswer)

		all, err := s.FeedbackThreads(ctx, store.FeedbackFilter{})
		require.NoError(t, err)
		assert.Equal(t, []int64{productivity.ID, review.ID, product.ID, price.ID}, ids(all), "newest first")
		onType, err := s.FeedbackThreads(ctx, store.FeedbackFilter{Coordinate: "Product"})
		require.NoError(t, err)
		assert.Equal(t, []int64{product.ID, price.ID}, ids(onType), "a type's threads include its fields', not other types'")
		onField, err := s.FeedbackThreads(ctx, store.FeedbackFilter{Coordinate: "Product.price"})
		require.NoError(t, err)
		assert.Equal(t, []int64{price.ID}, ids(onField))

		// A developer's reply keeps the thread open; an owner's answers it. Both are activity.
		_, err = s.AddFeedbackPost(ctx, store.NewFeedbackPost{ThreadID: price.ID, Body: "Any news?", Author: "u-1", AuthorName: "Ada"})
		require.NoError(t, err)
		got, err = s.FeedbackThread(ctx, price.ID)
		require.NoError(t, err)
		assert.Equal(t, store.FeedbackOpen, got.Status)
		answer, err := s.AddFeedbackPost(ctx, store.NewFeedbackPost{ThreadID: price.ID, Body: "Yes, in cents.", Author: "o-1",
			AuthorName: "Owner", OwnerAnswer: true})
		require.NoError(t, err)
		assert.True(t, answer.OwnerAnswer)
		got, err = s.FeedbackThread(ctx, price.ID)
		require.NoError(t, err)
		assert.Equal(t, store.FeedbackAnswered, got.Status)
		assert.Equal(t, 2, got.Replies)
		assert.Equal(t, answer.CreatedAt, got.UpdatedAt)
		posts, err = s.FeedbackPosts(ctx, price.ID)
		require.NoError(t, err)
		require.Len(t, posts, 3)
		assert.Equal(t, answer, posts[2], "oldest first")

		all, err = s.FeedbackThreads(ctx, store.FeedbackFilter{})
		require.NoError(t, err)
		assert.Equal(t, []int64{price.ID, productivity.ID, review.ID, product.ID}, ids(all), "the answered thread moved up")
		page, err := s.FeedbackThreads(ctx, store.FeedbackFilter{Limit: 2})
		require.NoError(t, err)
		assert.Equal(t, []int64{price.ID, productivity.ID}, ids(page))
		page, err = s.FeedbackThreads(ctx, store.FeedbackFilter{Limit: 2, Before: productivity.ID})
		require.NoError(t, err)
		assert.Equal(t, []int64{review.ID, product.ID}, ids(page))
		answered, err := s.FeedbackThreads(ctx, store.FeedbackFilter{Status: store.FeedbackAnswered})
		require.NoError(t, err)
		assert.Equal(t, []int64{price.ID}, ids(answered))

		// Known issues: marked, on the type or its fields, and not closed.
		yes, no := true, false
		got, err = s.SetFeedbackStatus(ctx, price.ID, store.FeedbackAnswered, &yes)
		require.NoError(t, err)
		assert.True(t, got.KnownIssue)
		assert.Equal(t, 2, got.Replies)
		_, err = s.SetFeedbackStatus(ctx, product.ID, store.FeedbackClosed, &yes)
		require.NoError(t, err)
		got, err = s.SetFeedbackStatus(ctx, product.ID, store.FeedbackClosed, nil)
		require.NoError(t, err)
		assert.True(t, got.KnownIssue, "nil leaves knownIssue as it was")
		known, err := s.FeedbackThreads(ctx, store.FeedbackFilter{Coordinate: "Product", KnownIssues: true})
		require.NoError(t, err)
		assert.Equal(t, []int64{price.ID}, ids(known), "a closed thread is no longer a known issue")
		_, err = s.SetFeedbackStatus(ctx, price.ID, store.FeedbackAnswered, &no)
		require.NoError(t, err)
		known, err = s.FeedbackThreads(ctx, store.FeedbackFilter{Coordinate: "Product", KnownIssues: true})
		require.NoError(t, err)
		assert.Empty(t, known)

		// A closed thread takes no replies until reopened.
		_, err = s.AddFeedbackPost(ctx, store.NewFeedbackPost{ThreadID: product.ID, Body: "Still?", Author: "u-2", AuthorName: "U2"})
		var invalid *store.ValidationError
		require.ErrorAs(t, err, &invalid)
		assert.Equal(t, fmt.Sprintf("threadID: thread %d is closed: ask a new question, or ask an owner to reopen it", product.ID), invalid.Error())
		_, err = s.SetFeedbackStatus(ctx, product.ID, store.FeedbackOpen, nil)
		require.NoError(t, err)
		_, err = s.AddFeedbackPost(ctx, store.NewFeedbackPost{ThreadID: product.ID, Body: "Still?", Author: "u-2", AuthorName: "U2"})
		require.NoError(t, err)

		// Missing threads.
		_, err = s.FeedbackThread(ctx, 999)
		require.ErrorIs(t, err, store.ErrNotFound)
		_, err = s.AddFeedbackPost(ctx, store.NewFeedbackPost{ThreadID: 999, Body: "hello", Author: "u-1", AuthorName: "Ada"})
		require.ErrorIs(t, err, store.ErrNotFound)
		_, err = s.SetFeedbackStatus(ctx, 999, store.FeedbackClosed, nil)
		require.ErrorIs(t, err, store.ErrNotFound)
		posts, err = s.FeedbackPosts(ctx, 999)
		require.NoError(t, err)
		assert.Empty(t, posts)
		_, err = s.FeedbackThreads(ctx, store.FeedbackFilter{Before: 999})
		require.ErrorAs(t, err, &invalid)
		assert.Equal(t, "before: there is no feedback thread 999", invalid.Error())
	})
}

func TestFeedbackInputIsValidated(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, dsn string) {
		s := openStore(t, dsn)
		ctx := t.Context()
		good := store.NewFeedbackThread{Coordinate: "Product.price", Kind: store.FeedbackQuestion, Title: "A title",
			Body: "A body", Author: "u-1", AuthorName: "Ada"}
		for _, c := range []struct {
			name   string
			change func(*store.NewFeedbackThread)
			want   string
		}{
			{"argument coordinate", func(in *store.NewFeedbackThread) { in.Coordinate = "Query.product.upc" },
				`coordinate: "Query.product.upc" is not a type or field coordinate such as Product or Product.price`},
			{"directive", func(in *store.NewFeedbackThread) { in.Coordinate = "@key" }, `coordinate: "@key" is not a type`},
			{"empty coordinate", func(in *store.NewFeedbackThread) { in.Coordinate = "" }, `coordinate: "" is not a type`},
			{"kind", func(in *store.NewFeedbackThread) { in.Kind = "RANT" }, `kind: "RANT" is not QUESTION or PROBLEM`},
			{"short title", func(in *store.NewFeedbackThread) { in.Title = " ab " }, "title: is 2 characters; write at least 3"},
			{"long title", func(in *store.NewFeedbackThread) { in.Title = strings.Repeat("é", 201) }, "title: is 201 characters, more than the limit of 200"},
			{"title on two lines", func(in *store.NewFeedbackThread) { in.Title = "one\ntwo" }, "title: contains the control character U+000A; write it on one line"},
			{"empty body", func(in *store.NewFeedbackThread) { in.Body = " \n\t " }, "body: is empty"},
			{"huge body", func(in *store.NewFeedbackThread) { in.Body = strings.Repeat("x", 10001) }, "body: is 10001 characters, more than the limit of 10000"},
			{"control character", func(in *store.NewFeedbackThread) { in.Body = "bell\a" }, "body: contains the control character U+0007"},
			{"NUL", func(in *store.NewFeedbackThread) { in.Body = "a\x00b" }, "body: contains the control character U+0000"},
			{"bad UTF-8", func(in *store.NewFeedbackThread) { in.Body = "a\xffb" }, "body: is not valid UTF-8"},
			{"nameless author", func(in *store.NewFeedbackThread) { in.AuthorName = "" }, "authorName: is empty"},
		} {
			in := good
			c.change(&in)
			_, err := s.CreateFeedbackThread(ctx, in)
			var invalid store.ValidationErrors
			if assert.ErrorAs(t, err, &invalid, c.name) {
				assert.Contains(t, invalid.Error(), c.want, c.name)
			}
		}
		in := good
		in.Body = strings.Repeat("é", 10000) // characters, not bytes
		_, err := s.CreateFeedbackThread(ctx, in)
		require.NoError(t, err)

		_, err = s.AddFeedbackPost(ctx, store.NewFeedbackPost{ThreadID: 1, Body: "", Author: "u-1", AuthorName: "Ada"})
		assert.ErrorContains(t, err, "body: is empty")
		_, err = s.SetFeedbackStatus(ctx, 1, "DONE", nil)
		assert.ErrorContains(t, err, `status: "DONE" is not OPEN, ANSWERED or CLOSED`)
		_, err = s.FeedbackThreads(ctx, store.FeedbackFilter{Coordinate: "not a coordinate"})
		assert.ErrorContains(t, err, `coordinate: "not a coordinate" is not a type or field coordinate`)
		_, err = s.FeedbackThreads(ctx, store.FeedbackFilter{Status: "DONE"})
		assert.ErrorContains(t, err, `status: "DONE" is not OPEN`)
	})
}

func TestFeedbackIsLimitedPerUserAndDay(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, dsn string) {
		s := openStore(t, dsn)
		ctx := t.Context()
		var first store.FeedbackThread
		for i := range store.MaxFeedbackThreadsPerDay {
			th := ask(t, s, "spammer", "Product", fmt.Sprintf("Question %d", i))
			if i == 0 {
				first = th
			}
		}
		_, err := s.CreateFeedbackThread(ctx, store.NewFeedbackThread{Coordinate: "Product", Kind: store.FeedbackQuestion,
			Title: "One more", Body: "?", Author: "spammer", AuthorName: "S"})
		var invalid *store.ValidationError
		require.ErrorAs(t, err, &invalid)
		assert.Equal(t, "feedback: too many questions and reports: at most 20 per user in 24 hours; try again later", invalid.Error())
		ask(t, s, "someone-else", "Product", "Their own question")

		// Each thread's first post counts: 80 replies are left.
		reply := func(author string) error {
			_, err := s.AddFeedbackPost(ctx, store.NewFeedbackPost{ThreadID: first.ID, Body: "+1", Author: author, AuthorName: "S"})
			return err
		}
		for range store.MaxFeedbackPostsPerDay - store.MaxFeedbackThreadsPerDay {
			require.NoError(t, reply("spammer"))
		}
		err = reply("spammer")
		require.ErrorAs(t, err, &invalid)
		assert.Equal(t, "feedback: too many posts: at most 100 per user in 24 hours; try again later", invalid.Error())
		require.NoError(t, reply("someone-else"))

		// A day later, the spammer may ask again.
		db, dialect := rawDB(t, dsn)
		for _, table := range []string{"feedback_threads", "feedback_posts"} {
			_, err = db.ExecContext(ctx, "UPDATE "+table+" SET created_at = $1 WHERE author = 'spammer'", timeArg(dialect))
			require.NoError(t, err)
		}
		ask(t, s, "spammer", "Product", "Another day")
	})
}

// rawDB opens the test's database beside the store, for changes the store does not offer.
func rawDB(t *testing.T, dsn string) (*sql.DB, goose.Dialect) {
	t.Helper()
	if strings.HasPrefix(dsn, "postgres") {
		return openPostgresDB(t, dsn), goose.DialectPostgres
	}
	db, err := sql.Open("sqlite", "file:"+strings.TrimPrefix(dsn, "sqlite:")+"?_pragma=busy_timeout(10000)")
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	return db, goose.DialectSQLite3
}

// TestFeedbackMigrationCanBeUndone goes down from 00004_feedback and up again.
func TestFeedbackMigrationCanBeUndone(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, dsn string) {
		ctx := t.Context()
		ask(t, openStore(t, dsn), "u-1", "Product", "Before going down")
		db, dialect := rawDB(t, dsn)
		folder := "migrations/sqlite"
		if dialect == goose.DialectPostgres {
			folder = "migrations/postgres"
		}
		migrations, err := goose.NewProvider(dialect, db, os.DirFS(folder), goose.WithTableName("registry_migrations"),
			goose.WithDisableGlobalRegistry(true))
		require.NoError(t, err)
		_, err = migrations.DownTo(ctx, 3)
		require.NoError(t, err)
		_, err = migrations.UpTo(ctx, 4)
		require.NoError(t, err)
		threads, err := openStore(t, dsn).FeedbackThreads(ctx, store.FeedbackFilter{})
		require.NoError(t, err)
		assert.Empty(t, threads)
	})
}
