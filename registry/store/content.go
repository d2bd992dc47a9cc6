package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The developer portal's content: articles (guides, FAQ entries, articles and
// announcements, written in Markdown by owners) and incidents, which the status page
// shows beside each subgraph's health. The store keeps the Markdown; rendering it is the
// caller's business (package markdown).

// Limits on content.
const (
	MaxMarkdownBytes = 200 << 10
	MaxTitleBytes    = 200
	MaxSlugBytes     = 100
	MaxSearchBytes   = 200
	MaxSearchWords   = 10
	MaxArticlesPage  = 100
	MaxIncidentsPage = 200
	// MaxIncidentSubgraphs bounds the subgraphs one incident names.
	MaxIncidentSubgraphs = 50
)

// ArticleKind is what an article is; the portal lists each kind apart.
type ArticleKind string

const (
	Guide        ArticleKind = "GUIDE"
	FAQ          ArticleKind = "FAQ"
	Post         ArticleKind = "ARTICLE"
	Announcement ArticleKind = "ANNOUNCEMENT"
)

// ArticleKinds are the kinds, in the order the portal lists them.
var ArticleKinds = []ArticleKind{Guide, FAQ, Post, Announcement}

// Article is a page of the portal written in Markdown.
type Article struct {
	ID int64
	// Slug names it in URLs (/portal/guides/<slug>): lowercase letters and digits in
	// words joined by '-'. Unique.
	Slug     string
	Kind     ArticleKind
	Title    string
	Markdown string
	// Author is who created it; an update keeps it.
	Author string
	// Published articles are shown to every reader; others are drafts, for owners.
	Published bool
	// PublishedAt is when it was last published; zero for a draft.
	PublishedAt          time.Time
	CreatedAt, UpdatedAt time.Time
}

// IncidentSeverity says how badly an incident hurts.
type IncidentSeverity string

const (
	Minor IncidentSeverity = "MINOR"
	Major IncidentSeverity = "MAJOR"
)

// IncidentStatus is where an incident stands; only Resolved closes it.
type IncidentStatus string

const (
	Investigating IncidentStatus = "INVESTIGATING"
	Identified    IncidentStatus = "IDENTIFIED"
	Resolved      IncidentStatus = "RESOLVED"
)

// Incident is a known problem with some subgraphs.
type Incident struct {
	ID    int64
	Title string
	// Subgraphs are the names of the subgraphs affected, sorted.
	Subgraphs []string
	Severity  IncidentSeverity
	Status    IncidentStatus
	Markdown  string
	// Author is who opened it; an update keeps it.
	Author    string
	StartedAt time.Time
	// ResolvedAt is when its status became RESOLVED; zero while it is open.
	ResolvedAt time.Time
	UpdatedAt  time.Time
}

// Open reports whether the incident is not resolved yet.
func (i Incident) Open() bool { return i.Status != Resolved }

var slugPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

func (v *validator) title(field, s string) {
	switch {
	case strings.TrimSpace(s) == "":
		v.add(field, "is required")
	case strings.ContainsAny(s, "\r\n"):
		v.add(field, "must be one line")
	default:
		v.text(field, s, MaxTitleBytes)
	}
}

func validateArticle(a Article) error {
	var v validator
	if len(a.Slug) > MaxSlugBytes || !slugPattern.MatchString(a.Slug) {
		v.add("slug", "%q is not a slug: lowercase letters and digits, in words joined by '-' (at most %d bytes), such as getting-started", truncate(a.Slug), MaxSlugBytes)
	}
	if !slices.Contains(ArticleKinds, a.Kind) {
		v.add("kind", "%q is not one of GUIDE, FAQ, ARTICLE, ANNOUNCEMENT", truncate(string(a.Kind)))
	}
	v.title("title", a.Title)
	v.text("markdown", a.Markdown, MaxMarkdownBytes)
	v.text("author", a.Author, MaxPublisherBytes)
	return v.err()
}

const articleColumns = `id, slug, kind, title, markdown, author, published, published_at, created_at, updated_at`

func scanArticle(row interface{ Scan(...any) error }) (Article, error) {
	var a Article
	err := row.Scan(&a.ID, &a.Slug, &a.Kind, &a.Title, &a.Markdown, &a.Author, &a.Published,
		nullTimeColumn{&a.PublishedAt}, timeColumn{&a.CreatedAt}, timeColumn{&a.UpdatedAt})
	return a, err
}

// searchText is what search matches: title and body, folded to lower case in Go, which
// knows Unicode (SQLite's LOWER folds ASCII only).
func searchText(a Article) string { return strings.ToLower(a.Title + "\n" + a.Markdown) }

// SaveArticle creates an article (ID 0) or replaces the one of that ID, and returns it as
// stored. Creating records a.Author; replacing keeps the author on record. Publishing a
// draft sets PublishedAt; an article published already keeps it; a draft has none. Bad
// input is a ValidationErrors, a slug another article has is one on "slug", and an ID
// that does not exist wraps ErrNotFound.
func (s *Store) SaveArticle(ctx context.Context, a Article) (Article, error) {
	if err := s.usable(); err != nil {
		return Article{}, err
	}
	if err := validateArticle(a); err != nil {
		return Article{}, err
	}
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return Article{}, err
	}
	defer rollback(tx)
	var taken int64
	err = tx.QueryRowContext(ctx, `SELECT id FROM articles WHERE slug = $1`, a.Slug).Scan(&taken)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return Article{}, fmt.Errorf("save article %q: %w", a.Slug, err)
	case taken != a.ID:
		return Article{}, ValidationErrors{{Field: "slug", Message: fmt.Sprintf("%q is the slug of another article: choose another", a.Slug)}}
	}
	at := now()
	if a.ID == 0 {
		a.CreatedAt = at
	} else {
		old, err := scanArticle(tx.QueryRowContext(ctx, `SELECT `+articleColumns+` FROM articles WHERE id = $1`+s.forUpdate(), a.ID))
		if errors.Is(err, sql.ErrNoRows) {
			return Article{}, fmt.Errorf("article %d: %w", a.ID, ErrNotFound)
		}
		if err != nil {
			return Article{}, fmt.Errorf("save article %d: %w", a.ID, err)
		}
		a.Author, a.CreatedAt, a.PublishedAt = old.Author, old.CreatedAt, old.PublishedAt
	}
	a.UpdatedAt = at
	switch {
	case !a.Published:
		a.PublishedAt = time.Time{}
	case a.PublishedAt.IsZero():
		a.PublishedAt = at
	}
	var published any
	if a.Published {
		published = s.timeArg(a.PublishedAt)
	}
	if a.ID == 0 {
		err = tx.QueryRowContext(ctx, `
			INSERT INTO articles (slug, kind, title, markdown, search, author, published, published_at, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id`,
			a.Slug, string(a.Kind), a.Title, a.Markdown, searchText(a), a.Author, a.Published, published, s.timeArg(at)).Scan(&a.ID)
	} else {
		_, err = tx.ExecContext(ctx, `
			UPDATE articles SET slug = $1, kind = $2, title = $3, markdown = $4, search = $5, published = $6,
				published_at = $7, updated_at = $8 WHERE id = $9`,
			a.Slug, string(a.Kind), a.Title, a.Markdown, searchText(a), a.Published, published, s.timeArg(at), a.ID)
	}
	if err != nil {
		return Article{}, fmt.Errorf("save article %q: %w", a.Slug, err)
	}
	return a, tx.Commit()
}

// Article returns the article with that slug, or an error wrapping ErrNotFound.
func (s *Store) Article(ctx context.Context, slug string) (Article, error) {
	if err := s.usable(); err != nil {
		return Article{}, err
	}
	a, err := scanArticle(s.reader.QueryRowContext(ctx, `SELECT `+articleColumns+` FROM articles WHERE slug = $1`, slug))
	if errors.Is(err, sql.ErrNoRows) {
		return Article{}, fmt.Errorf("article %q: %w", truncate(slug), ErrNotFound)
	}
	if err != nil {
		return Article{}, fmt.Errorf("read article %q: %w", truncate(slug), err)
	}
	return a, nil
}

// DeleteArticle removes an article; ErrNotFound when there is none of that ID.
func (s *Store) DeleteArticle(ctx context.Context, id int64) error {
	if err := s.usable(); err != nil {
		return err
	}
	res, err := s.writer.ExecContext(ctx, `DELETE FROM articles WHERE id = $1`, id)
	if err != nil {
		return fmt.Errorf("delete article %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("article %d: %w", id, ErrNotFound)
	}
	return nil
}

// ArticleQuery selects articles.
type ArticleQuery struct {
	// Kinds keeps the articles of these kinds; none keeps every kind.
	Kinds []ArticleKind
	// Search keeps the articles whose title or Markdown contains each of its words, in
	// any case.
	Search string
	// Drafts includes unpublished articles.
	Drafts bool
	// First is how many to return, 1 to MaxArticlesPage.
	First int
	// Before keeps articles whose ID is lower (0: from the newest).
	Before int64
}

// Articles returns the articles q selects, newest (highest ID) first.
func (s *Store) Articles(ctx context.Context, q ArticleQuery) ([]Article, error) {
	var v validator
	if q.First < 1 || q.First > MaxArticlesPage {
		v.add("first", "must be between 1 and %d", MaxArticlesPage)
	}
	if q.Before < 0 {
		v.add("before", "must not be negative")
	}
	v.text("search", q.Search, MaxSearchBytes)
	words := strings.Fields(strings.ToLower(q.Search))
	if len(words) > MaxSearchWords {
		v.add("search", "has %d words, more than %d", len(words), MaxSearchWords)
	}
	for i, k := range q.Kinds {
		if !slices.Contains(ArticleKinds, k) {
			v.add("kinds["+strconv.Itoa(i)+"]", "%q is not one of GUIDE, FAQ, ARTICLE, ANNOUNCEMENT", truncate(string(k)))
		}
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	w := conditions{}
	w.kinds(q.Kinds)
	if !q.Drafts {
		w.add("published")
	}
	if q.Before > 0 {
		w.add("id < $?", q.Before)
	}
	for _, word := range words {
		w.add(`search LIKE $? ESCAPE '\'`, "%"+likeEscaper.Replace(word)+"%")
	}
	return s.articles(ctx, w, "id DESC", q.First)
}

// PublishedArticles returns the newest published articles of kinds (none: every kind), by
// publication time, at most n.
func (s *Store) PublishedArticles(ctx context.Context, kinds []ArticleKind, n int) ([]Article, error) {
	w := conditions{}
	w.kinds(kinds)
	w.add("published")
	return s.articles(ctx, w, "published_at DESC, id DESC", n)
}

// PublishedStamp identifies the state of the published articles of kinds cheaply: how
// many there are and when the last of them changed. It changes when one is published,
// changed, unpublished or deleted.
func (s *Store) PublishedStamp(ctx context.Context, kinds []ArticleKind) (count int64, updated time.Time, err error) {
	if err := s.usable(); err != nil {
		return 0, time.Time{}, err
	}
	w := conditions{}
	w.kinds(kinds)
	w.add("published")
	err = s.reader.QueryRowContext(ctx, `SELECT COUNT(*), MAX(updated_at) FROM articles`+w.sql(), w.args...).
		Scan(&count, nullTimeColumn{&updated})
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("read the published articles: %w", err)
	}
	return count, updated, nil
}

func (s *Store) articles(ctx context.Context, w conditions, order string, n int) ([]Article, error) {
	if err := s.usable(); err != nil {
		return nil, err
	}
	w.args = append(w.args, n)
	rows, err := s.reader.QueryContext(ctx, `SELECT `+articleColumns+` FROM articles`+w.sql()+
		` ORDER BY `+order+` LIMIT $`+strconv.Itoa(len(w.args)), w.args...)
	if err != nil {
		return nil, fmt.Errorf("list articles: %w", err)
	}
	defer rows.Close()
	var out []Article
	for rows.Next() {
		a, err := scanArticle(rows)
		if err != nil {
			return nil, fmt.Errorf("list articles: %w", err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list articles: %w", err)
	}
	return out, nil
}

// likeEscaper escapes LIKE's wildcards, with '\' as the ESCAPE character.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// conditions builds a WHERE clause of conditions joined by AND; "$?" in a condition stands for
// the next parameter.
type conditions struct {
	conds []string
	args  []any
}

func (w *conditions) add(cond string, args ...any) {
	for _, a := range args {
		w.args = append(w.args, a)
		cond = strings.Replace(cond, "$?", "$"+strconv.Itoa(len(w.args)), 1)
	}
	w.conds = append(w.conds, cond)
}

func (w *conditions) kinds(kinds []ArticleKind) {
	if len(kinds) == 0 {
		return
	}
	marks := make([]string, len(kinds))
	for i, k := range kinds {
		w.args = append(w.args, string(k))
		marks[i] = "$" + strconv.Itoa(len(w.args))
	}
	w.conds = append(w.conds, "kind IN ("+strings.Join(marks, ", ")+")")
}

func (w *conditions) sql() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

// ValidateIncident reports every problem with an incident, as SaveIncident would.
func ValidateIncident(in Incident) error {
	_, err := validateIncident(in)
	return err
}

// validateIncident checks an incident and returns it with its subgraphs sorted, once each.
func validateIncident(in Incident) (Incident, error) {
	var v validator
	v.title("title", in.Title)
	switch {
	case len(in.Subgraphs) == 0:
		v.add("subgraphs", "name at least one subgraph")
	case len(in.Subgraphs) > MaxIncidentSubgraphs:
		v.add("subgraphs", "names %d subgraphs, more than %d", len(in.Subgraphs), MaxIncidentSubgraphs)
	default:
		for i, name := range in.Subgraphs {
			v.subgraphName("subgraphs["+strconv.Itoa(i)+"]", name)
		}
	}
	if in.Severity != Minor && in.Severity != Major {
		v.add("severity", "%q is not MINOR or MAJOR", truncate(string(in.Severity)))
	}
	if in.Status != Investigating && in.Status != Identified && in.Status != Resolved {
		v.add("status", "%q is not INVESTIGATING, IDENTIFIED or RESOLVED", truncate(string(in.Status)))
	}
	v.text("markdown", in.Markdown, MaxMarkdownBytes)
	v.text("author", in.Author, MaxPublisherBytes)
	if in.StartedAt.After(time.Now().Add(time.Minute)) {
		v.add("startedAt", "is in the future")
	}
	in.Subgraphs = slices.Compact(slices.Sorted(slices.Values(in.Subgraphs)))
	return in, v.err()
}

const incidentColumns = `id, title, subgraphs, severity, status, markdown, author, started_at, resolved_at, updated_at`

func scanIncident(row interface{ Scan(...any) error }) (Incident, error) {
	var in Incident
	var subgraphs string
	err := row.Scan(&in.ID, &in.Title, &subgraphs, &in.Severity, &in.Status, &in.Markdown, &in.Author,
		timeColumn{&in.StartedAt}, nullTimeColumn{&in.ResolvedAt}, timeColumn{&in.UpdatedAt})
	in.Subgraphs = splitList(subgraphs)
	return in, err
}

// SaveIncident opens an incident (ID 0) or updates the one of that ID, and returns it as
// stored. A zero StartedAt is now for a new incident and unchanged for an update. Opening
// records in.Author; updating keeps the author on record. ResolvedAt is set when the
// status becomes RESOLVED and cleared when it leaves it. Bad input is a ValidationErrors;
// an ID that does not exist wraps ErrNotFound.
func (s *Store) SaveIncident(ctx context.Context, in Incident) (Incident, error) {
	if err := s.usable(); err != nil {
		return Incident{}, err
	}
	in, err := validateIncident(in)
	if err != nil {
		return Incident{}, err
	}
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return Incident{}, err
	}
	defer rollback(tx)
	at := now()
	if in.ID != 0 {
		old, err := scanIncident(tx.QueryRowContext(ctx, `SELECT `+incidentColumns+` FROM incidents WHERE id = $1`+s.forUpdate(), in.ID))
		if errors.Is(err, sql.ErrNoRows) {
			return Incident{}, fmt.Errorf("incident %d: %w", in.ID, ErrNotFound)
		}
		if err != nil {
			return Incident{}, fmt.Errorf("save incident %d: %w", in.ID, err)
		}
		in.Author, in.ResolvedAt = old.Author, old.ResolvedAt
		if in.StartedAt.IsZero() {
			in.StartedAt = old.StartedAt
		}
	}
	if in.StartedAt.IsZero() {
		in.StartedAt = at
	}
	in.StartedAt = in.StartedAt.UTC().Truncate(time.Microsecond)
	in.UpdatedAt = at
	switch {
	case in.Status != Resolved:
		in.ResolvedAt = time.Time{}
	case in.ResolvedAt.IsZero():
		in.ResolvedAt = at
		if in.StartedAt.After(at) { // a start given a few seconds ahead
			in.ResolvedAt = in.StartedAt
		}
	}
	var resolved any
	if !in.ResolvedAt.IsZero() {
		resolved = s.timeArg(in.ResolvedAt)
	}
	if in.ID == 0 {
		err = tx.QueryRowContext(ctx, `
			INSERT INTO incidents (title, subgraphs, severity, status, markdown, author, started_at, resolved_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
			in.Title, joinList(in.Subgraphs), string(in.Severity), string(in.Status), in.Markdown, in.Author,
			s.timeArg(in.StartedAt), resolved, s.timeArg(at)).Scan(&in.ID)
	} else {
		_, err = tx.ExecContext(ctx, `
			UPDATE incidents SET title = $1, subgraphs = $2, severity = $3, status = $4, markdown = $5,
				started_at = $6, resolved_at = $7, updated_at = $8 WHERE id = $9`,
			in.Title, joinList(in.Subgraphs), string(in.Severity), string(in.Status), in.Markdown,
			s.timeArg(in.StartedAt), resolved, s.timeArg(at), in.ID)
	}
	if err != nil {
		return Incident{}, fmt.Errorf("save incident %q: %w", truncate(in.Title), err)
	}
	return in, tx.Commit()
}

// Incident returns the incident of that ID, or an error wrapping ErrNotFound.
func (s *Store) Incident(ctx context.Context, id int64) (Incident, error) {
	if err := s.usable(); err != nil {
		return Incident{}, err
	}
	in, err := scanIncident(s.reader.QueryRowContext(ctx, `SELECT `+incidentColumns+` FROM incidents WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Incident{}, fmt.Errorf("incident %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return Incident{}, fmt.Errorf("read incident %d: %w", id, err)
	}
	return in, nil
}

// IncidentQuery selects incidents.
type IncidentQuery struct {
	// Open keeps the open incidents (true) or the resolved ones (false); nil keeps both.
	Open *bool
	// First is how many to return, 1 to MaxIncidentsPage.
	First int
}

// Incidents returns the incidents q selects: open ones first, newest first, then resolved
// ones, the most recently resolved first.
func (s *Store) Incidents(ctx context.Context, q IncidentQuery) ([]Incident, error) {
	if err := s.usable(); err != nil {
		return nil, err
	}
	if q.First < 1 || q.First > MaxIncidentsPage {
		return nil, ValidationErrors{{Field: "first", Message: fmt.Sprintf("must be between 1 and %d", MaxIncidentsPage)}}
	}
	w := conditions{}
	switch {
	case q.Open == nil:
	case *q.Open:
		w.add("resolved_at IS NULL")
	default:
		w.add("resolved_at IS NOT NULL")
	}
	w.args = append(w.args, q.First)
	rows, err := s.reader.QueryContext(ctx, `SELECT `+incidentColumns+` FROM incidents`+w.sql()+
		` ORDER BY CASE WHEN resolved_at IS NULL THEN 0 ELSE 1 END, resolved_at DESC, started_at DESC, id DESC LIMIT $`+
		strconv.Itoa(len(w.args)), w.args...)
	if err != nil {
		return nil, fmt.Errorf("list incidents: %w", err)
	}
	defer rows.Close()
	var out []Incident
	for rows.Next() {
		in, err := scanIncident(rows)
		if err != nil {
			return nil, fmt.Errorf("list incidents: %w", err)
		}
		out = append(out, in)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list incidents: %w", err)
	}
	return out, nil
}

// nullTimeColumn scans a nullable timestamp; NULL is the zero time.
type nullTimeColumn struct{ t *time.Time }

func (c nullTimeColumn) Scan(src any) error {
	if src == nil {
		*c.t = time.Time{}
		return nil
	}
	return timeColumn(c).Scan(src)
}
