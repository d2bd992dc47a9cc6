package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Feedback on the API (the developer portal's questions and problem reports): a thread on
// a type or a field, its posts, and the owners' answers. The store checks what users
// typed and how much they post; who may do what is the registry API's business.

// FeedbackKind is what a thread is: a question or a problem report.
type FeedbackKind string

const (
	FeedbackQuestion FeedbackKind = "QUESTION"
	FeedbackProblem  FeedbackKind = "PROBLEM"
)

// FeedbackStatus is where a thread stands: OPEN when asked, ANSWERED once an owner
// replied, CLOSED when owners closed it (it takes no more replies).
type FeedbackStatus string

const (
	FeedbackOpen     FeedbackStatus = "OPEN"
	FeedbackAnswered FeedbackStatus = "ANSWERED"
	FeedbackClosed   FeedbackStatus = "CLOSED"
)

// Limits on feedback. A user's threads and posts are counted over the last 24 hours; the
// first post of a thread counts as a post.
const (
	MinFeedbackTitle         = 3     // characters
	MaxFeedbackTitle         = 200   // characters
	MaxFeedbackBody          = 10000 // characters
	MaxFeedbackAuthorName    = 200   // bytes
	MaxFeedbackThreadsPerDay = 20
	MaxFeedbackPostsPerDay   = 100
	MaxFeedbackPage          = 100
	DefaultFeedbackPage      = 50
)

// FeedbackThread is a question or problem report on a schema coordinate.
type FeedbackThread struct {
	ID int64
	// Coordinate is `Type` or `Type.field`.
	Coordinate string
	Kind       FeedbackKind
	Title      string
	Status     FeedbackStatus
	// KnownIssue marks a thread owners list on the type's docs page.
	KnownIssue bool
	// Author is the subject of who asked ("" for the admin token); AuthorName is what
	// users see.
	Author, AuthorName string
	// Replies counts the posts after the first.
	Replies int
	// UpdatedAt is the last activity: the newest post or status change.
	CreatedAt, UpdatedAt time.Time
}

// FeedbackPost is one message of a thread.
type FeedbackPost struct {
	ID, ThreadID       int64
	Author, AuthorName string
	Body               string
	// OwnerAnswer marks a reply by a subgraph owner.
	OwnerAnswer bool
	CreatedAt   time.Time
}

// NewFeedbackThread is what CreateFeedbackThread records: the thread and its first post.
type NewFeedbackThread struct {
	Coordinate         string
	Kind               FeedbackKind
	Title, Body        string
	Author, AuthorName string
}

// NewFeedbackPost is a reply to thread ThreadID.
type NewFeedbackPost struct {
	ThreadID           int64
	Body               string
	Author, AuthorName string
	// OwnerAnswer marks the reply as the owners' answer; it moves an OPEN thread to
	// ANSWERED.
	OwnerAnswer bool
}

// FeedbackFilter selects threads for FeedbackThreads. Zero values select everything.
type FeedbackFilter struct {
	// Coordinate keeps the threads on it; a type name also keeps those on its fields.
	Coordinate string
	Status     FeedbackStatus
	// KnownIssues keeps the threads marked as known issues that are not CLOSED.
	KnownIssues bool
	// Limit is the page size: DefaultFeedbackPage when ≤ 0, at most MaxFeedbackPage.
	Limit int
	// Before, when not 0, lists the threads after that one in the order of the list.
	Before int64
}

// feedbackCoordinate matches the coordinates feedback is about: Type or Type.field.
var feedbackCoordinate = regexp.MustCompile(`^[_A-Za-z][_0-9A-Za-z]*(\.[_A-Za-z][_0-9A-Za-z]*)?$`)

// ValidFeedbackCoordinate reports a coordinate that is not `Type` or `Type.field`.
func ValidFeedbackCoordinate(field, c string) error {
	var v validator
	v.feedbackCoordinate(field, c)
	return v.err()
}

func (v *validator) feedbackCoordinate(field, c string) {
	if len(c) > MaxCoordinateBytes || !feedbackCoordinate.MatchString(c) {
		v.add(field, "%q is not a type or field coordinate such as Product or Product.price", truncate(c))
	}
}

func (v *validator) feedbackKind(field string, k FeedbackKind) {
	if k != FeedbackQuestion && k != FeedbackProblem {
		v.add(field, "%q is not QUESTION or PROBLEM", truncate(string(k)))
	}
}

func (v *validator) feedbackStatus(field string, s FeedbackStatus) {
	if s != FeedbackOpen && s != FeedbackAnswered && s != FeedbackClosed {
		v.add(field, "%q is not OPEN, ANSWERED or CLOSED", truncate(string(s)))
	}
}

// feedbackText checks a title (one line) or a body (newlines and tabs allowed): between
// least and most characters once trimmed, valid UTF-8, no other control characters. It
// returns the text as stored: trimmed, with CRLF line ends made LF.
func (v *validator) feedbackText(field, s string, least, most int, multiline bool) string {
	s = strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
	if !utf8.ValidString(s) {
		v.add(field, "is not valid UTF-8")
		return s
	}
	n := utf8.RuneCountInString(s)
	switch {
	case n == 0:
		v.add(field, "is empty")
		return s
	case n < least:
		v.add(field, "is %d characters; write at least %d", n, least)
	case n > most:
		v.add(field, "is %d characters, more than the limit of %d", n, most)
	}
	for _, r := range s {
		if unicode.IsControl(r) && !(multiline && (r == '\n' || r == '\t')) {
			if multiline {
				v.add(field, "contains the control character %U; only line breaks and tabs are allowed", r)
			} else {
				v.add(field, "contains the control character %U; write it on one line", r)
			}
			break
		}
	}
	return s
}

func (v *validator) feedbackAuthor(name string) {
	if strings.TrimSpace(name) == "" {
		v.add("authorName", "is empty")
	}
	v.text("authorName", name, MaxFeedbackAuthorName)
}

// CreateFeedbackThread records a thread and its first post, and returns the thread. A
// ValidationError names bad input, and says so when the author has asked
// MaxFeedbackThreadsPerDay times, or posted MaxFeedbackPostsPerDay times, in the last 24
// hours.
func (s *Store) CreateFeedbackThread(ctx context.Context, in NewFeedbackThread) (FeedbackThread, error) {
	if err := s.usable(); err != nil {
		return FeedbackThread{}, err
	}
	var v validator
	v.feedbackCoordinate("coordinate", in.Coordinate)
	v.feedbackKind("kind", in.Kind)
	title := v.feedbackText("title", in.Title, MinFeedbackTitle, MaxFeedbackTitle, false)
	body := v.feedbackText("body", in.Body, 1, MaxFeedbackBody, true)
	v.feedbackAuthor(in.AuthorName)
	if err := v.err(); err != nil {
		return FeedbackThread{}, err
	}
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return FeedbackThread{}, fmt.Errorf("ask feedback: %w", err)
	}
	defer rollback(tx)
	at := now()
	if err := s.feedbackQuota(ctx, tx, in.Author, at, true); err != nil {
		return FeedbackThread{}, err
	}
	typeName, _, _ := strings.Cut(in.Coordinate, ".")
	t := FeedbackThread{Coordinate: in.Coordinate, Kind: in.Kind, Title: title, Status: FeedbackOpen,
		Author: in.Author, AuthorName: in.AuthorName, CreatedAt: at, UpdatedAt: at}
	if err := tx.QueryRowContext(ctx, `
		INSERT INTO feedback_threads (coordinate, type_name, kind, title, status, known_issue, author, author_name, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id`,
		t.Coordinate, typeName, string(t.Kind), t.Title, string(t.Status), false, t.Author, t.AuthorName, s.timeArg(at)).Scan(&t.ID); err != nil {
		return FeedbackThread{}, fmt.Errorf("ask feedback on %s: %w", in.Coordinate, err)
	}
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO feedback_posts (thread_id, author, author_name, body, owner_answer, created_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, t.ID, t.Author, t.AuthorName, body, false, s.timeArg(at)); err != nil {
		return FeedbackThread{}, fmt.Errorf("ask feedback on %s: %w", in.Coordinate, err)
	}
	if err := tx.Commit(); err != nil {
		return FeedbackThread{}, fmt.Errorf("ask feedback on %s: %w", in.Coordinate, err)
	}
	return t, nil
}

// feedbackQuota refuses a new post (and thread, when thread is set) beyond the author's
// daily limits. On PostgreSQL it holds a lock on the author's name for the transaction,
// so that concurrent posts are counted one after the other; SQLite's write transactions
// are serialized already.
func (s *Store) feedbackQuota(ctx context.Context, tx *sql.Tx, author string, at time.Time, thread bool) error {
	if s.dialect == DialectPostgres {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, "atrium-feedback:"+author); err != nil {
			return fmt.Errorf("count feedback by %q: %w", author, err)
		}
	}
	since := s.timeArg(at.Add(-24 * time.Hour))
	var threads, posts int
	if err := tx.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM feedback_threads WHERE author = $1 AND created_at > $2),
		(SELECT COUNT(*) FROM feedback_posts WHERE author = $1 AND created_at > $2)`, author, since).Scan(&threads, &posts); err != nil {
		return fmt.Errorf("count feedback by %q: %w", author, err)
	}
	switch {
	case thread && threads >= MaxFeedbackThreadsPerDay:
		return &ValidationError{Field: "feedback", Message: fmt.Sprintf(
			"too many questions and reports: at most %d per user in 24 hours; try again later", MaxFeedbackThreadsPerDay)}
	case posts >= MaxFeedbackPostsPerDay:
		return &ValidationError{Field: "feedback", Message: fmt.Sprintf(
			"too many posts: at most %d per user in 24 hours; try again later", MaxFeedbackPostsPerDay)}
	}
	return nil
}

// AddFeedbackPost adds a reply to a thread and returns it: ErrNotFound when there is no
// such thread, a ValidationError for bad input, a CLOSED thread or a user over the daily
// limit. The thread's activity time moves to the reply's, and an owners' answer moves an
// OPEN thread to ANSWERED.
func (s *Store) AddFeedbackPost(ctx context.Context, in NewFeedbackPost) (FeedbackPost, error) {
	if err := s.usable(); err != nil {
		return FeedbackPost{}, err
	}
	var v validator
	body := v.feedbackText("body", in.Body, 1, MaxFeedbackBody, true)
	v.feedbackAuthor(in.AuthorName)
	if err := v.err(); err != nil {
		return FeedbackPost{}, err
	}
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return FeedbackPost{}, fmt.Errorf("reply to feedback thread %d: %w", in.ThreadID, err)
	}
	defer rollback(tx)
	var status FeedbackStatus
	err = tx.QueryRowContext(ctx, `SELECT status FROM feedback_threads WHERE id = $1`+s.forUpdate(), in.ThreadID).Scan(&status)
	if errors.Is(err, sql.ErrNoRows) {
		return FeedbackPost{}, fmt.Errorf("feedback thread %d: %w", in.ThreadID, ErrNotFound)
	}
	if err != nil {
		return FeedbackPost{}, fmt.Errorf("reply to feedback thread %d: %w", in.ThreadID, err)
	}
	if status == FeedbackClosed {
		return FeedbackPost{}, &ValidationError{Field: "threadID",
			Message: fmt.Sprintf("thread %d is closed: ask a new question, or ask an owner to reopen it", in.ThreadID)}
	}
	at := now()
	if err := s.feedbackQuota(ctx, tx, in.Author, at, false); err != nil {
		return FeedbackPost{}, err
	}
	p := FeedbackPost{ThreadID: in.ThreadID, Author: in.Author, AuthorName: in.AuthorName, Body: body,
		OwnerAnswer: in.OwnerAnswer, CreatedAt: at}
	if err := tx.QueryRowContext(ctx, `
		INSERT INTO feedback_posts (thread_id, author, author_name, body, owner_answer, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		p.ThreadID, p.Author, p.AuthorName, p.Body, p.OwnerAnswer, s.timeArg(at)).Scan(&p.ID); err != nil {
		return FeedbackPost{}, fmt.Errorf("reply to feedback thread %d: %w", in.ThreadID, err)
	}
	if in.OwnerAnswer && status == FeedbackOpen {
		status = FeedbackAnswered
	}
	if _, err := tx.ExecContext(ctx, `UPDATE feedback_threads SET status = $1, updated_at = $2 WHERE id = $3`,
		string(status), s.timeArg(at), in.ThreadID); err != nil {
		return FeedbackPost{}, fmt.Errorf("reply to feedback thread %d: %w", in.ThreadID, err)
	}
	if err := tx.Commit(); err != nil {
		return FeedbackPost{}, fmt.Errorf("reply to feedback thread %d: %w", in.ThreadID, err)
	}
	return p, nil
}

// SetFeedbackStatus sets a thread's status and, when knownIssue is not nil, whether it is
// a known issue; it returns the thread as it now is, or ErrNotFound.
func (s *Store) SetFeedbackStatus(ctx context.Context, id int64, status FeedbackStatus, knownIssue *bool) (FeedbackThread, error) {
	if err := s.usable(); err != nil {
		return FeedbackThread{}, err
	}
	var v validator
	v.feedbackStatus("status", status)
	if err := v.err(); err != nil {
		return FeedbackThread{}, err
	}
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return FeedbackThread{}, fmt.Errorf("set the status of feedback thread %d: %w", id, err)
	}
	defer rollback(tx)
	query, args := `UPDATE feedback_threads SET status = $1, updated_at = $2 WHERE id = $3`,
		[]any{string(status), s.timeArg(now()), id}
	if knownIssue != nil {
		query, args = `UPDATE feedback_threads SET status = $1, updated_at = $2, known_issue = $4 WHERE id = $3`, append(args, *knownIssue)
	}
	res, err := tx.ExecContext(ctx, query, args...)
	if err != nil {
		return FeedbackThread{}, fmt.Errorf("set the status of feedback thread %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return FeedbackThread{}, fmt.Errorf("feedback thread %d: %w", id, ErrNotFound)
	}
	t, err := s.feedbackThread(ctx, tx, id)
	if err != nil {
		return FeedbackThread{}, err
	}
	if err := tx.Commit(); err != nil {
		return FeedbackThread{}, fmt.Errorf("set the status of feedback thread %d: %w", id, err)
	}
	return t, nil
}

const feedbackThreadColumns = `SELECT t.id, t.coordinate, t.kind, t.title, t.status, t.known_issue, t.author, t.author_name,
	t.created_at, t.updated_at, (SELECT COUNT(*) - 1 FROM feedback_posts p WHERE p.thread_id = t.id)
	FROM feedback_threads t`

func scanFeedbackThread(row interface{ Scan(...any) error }) (FeedbackThread, error) {
	var t FeedbackThread
	var kind, status string
	err := row.Scan(&t.ID, &t.Coordinate, &kind, &t.Title, &status, &t.KnownIssue, &t.Author, &t.AuthorName,
		timeColumn{&t.CreatedAt}, timeColumn{&t.UpdatedAt}, &t.Replies)
	t.Kind, t.Status = FeedbackKind(kind), FeedbackStatus(status)
	return t, err
}

// FeedbackThread returns the thread of that ID, or ErrNotFound.
func (s *Store) FeedbackThread(ctx context.Context, id int64) (FeedbackThread, error) {
	if err := s.usable(); err != nil {
		return FeedbackThread{}, err
	}
	return s.feedbackThread(ctx, s.reader, id)
}

func (s *Store) feedbackThread(ctx context.Context, q querier, id int64) (FeedbackThread, error) {
	t, err := scanFeedbackThread(q.QueryRowContext(ctx, feedbackThreadColumns+` WHERE t.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return FeedbackThread{}, fmt.Errorf("feedback thread %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return FeedbackThread{}, fmt.Errorf("read feedback thread %d: %w", id, err)
	}
	return t, nil
}

// FeedbackThreads lists the threads f selects, newest activity first. Pass the last ID of
// a page as f.Before for the next page; a ValidationError says when there is no such
// thread. A thread with activity between two pages moves to the top, out of the pages
// after it.
func (s *Store) FeedbackThreads(ctx context.Context, f FeedbackFilter) ([]FeedbackThread, error) {
	if err := s.usable(); err != nil {
		return nil, err
	}
	var v validator
	if f.Coordinate != "" {
		v.feedbackCoordinate("coordinate", f.Coordinate)
	}
	if f.Status != "" {
		v.feedbackStatus("status", f.Status)
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	var where []string
	var args []any
	arg := func(value any) string {
		args = append(args, value)
		return fmt.Sprintf("$%d", len(args))
	}
	if typeName, field, ok := strings.Cut(f.Coordinate, "."); ok {
		where = append(where, "t.type_name = "+arg(typeName)+" AND t.coordinate = "+arg(typeName+"."+field))
	} else if f.Coordinate != "" {
		where = append(where, "t.type_name = "+arg(typeName))
	}
	if f.Status != "" {
		where = append(where, "t.status = "+arg(string(f.Status)))
	}
	if f.KnownIssues {
		where = append(where, "t.known_issue = "+arg(true)+" AND t.status <> "+arg(string(FeedbackClosed)))
	}
	if f.Before != 0 {
		var updated time.Time
		err := s.reader.QueryRowContext(ctx, `SELECT updated_at FROM feedback_threads WHERE id = $1`, f.Before).Scan(timeColumn{&updated})
		if errors.Is(err, sql.ErrNoRows) {
			return nil, &ValidationError{Field: "before", Message: fmt.Sprintf("there is no feedback thread %d", f.Before)}
		}
		if err != nil {
			return nil, fmt.Errorf("list feedback: %w", err)
		}
		at := s.timeArg(updated)
		where = append(where, "(t.updated_at < "+arg(at)+" OR (t.updated_at = "+arg(at)+" AND t.id < "+arg(f.Before)+"))")
	}
	limit := f.Limit
	if limit <= 0 {
		limit = DefaultFeedbackPage
	}
	query := feedbackThreadColumns
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	query += " ORDER BY t.updated_at DESC, t.id DESC LIMIT " + arg(min(limit, MaxFeedbackPage))
	rows, err := s.reader.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list feedback: %w", err)
	}
	defer rows.Close()
	out := []FeedbackThread{}
	for rows.Next() {
		t, err := scanFeedbackThread(rows)
		if err != nil {
			return nil, fmt.Errorf("list feedback: %w", err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list feedback: %w", err)
	}
	return out, nil
}

// FeedbackPosts returns the posts of a thread, oldest first; none when there is no such
// thread.
func (s *Store) FeedbackPosts(ctx context.Context, threadID int64) ([]FeedbackPost, error) {
	if err := s.usable(); err != nil {
		return nil, err
	}
	rows, err := s.reader.QueryContext(ctx, `SELECT id, thread_id, author, author_name, body, owner_answer, created_at
		FROM feedback_posts WHERE thread_id = $1 ORDER BY id`, threadID)
	if err != nil {
		return nil, fmt.Errorf("read the posts of feedback thread %d: %w", threadID, err)
	}
	defer rows.Close()
	out := []FeedbackPost{}
	for rows.Next() {
		var p FeedbackPost
		if err := rows.Scan(&p.ID, &p.ThreadID, &p.Author, &p.AuthorName, &p.Body, &p.OwnerAnswer, timeColumn{&p.CreatedAt}); err != nil {
			return nil, fmt.Errorf("read the posts of feedback thread %d: %w", threadID, err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read the posts of feedback thread %d: %w", threadID, err)
	}
	return out, nil
}
