package resolvers

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/atrium-gateway/atrium/graph"
	"github.com/atrium-gateway/atrium/graph/model"
	"github.com/atrium-gateway/atrium/markdown"
	"github.com/atrium-gateway/atrium/registry/store"
)

// The portal's content (schema/content.graphqls): articles and incidents, in Markdown.

// summaryLength is how many characters Article.summary keeps of the first paragraph.
const summaryLength = 200

func (q queries) Articles(ctx context.Context, kind *store.ArticleKind, search *string, first *int, before *int) ([]*store.Article, error) {
	query := store.ArticleQuery{Search: deref(search), First: deref(first), Before: int64(deref(before)),
		Drafts: callerFrom(ctx).has(model.RoleOwner)}
	if kind != nil {
		query.Kinds = []store.ArticleKind{*kind}
	}
	articles, err := q.Registry.Store().Articles(ctx, query)
	return pointers(articles), err
}

func (q queries) Article(ctx context.Context, slug string) (*store.Article, error) {
	a, err := orNil(q.Registry.Store().Article(ctx, slug))
	if a != nil && !a.Published && !callerFrom(ctx).has(model.RoleOwner) {
		return nil, nil // a draft is not there for readers
	}
	return a, err
}

func (queries) MarkdownPreview(_ context.Context, src string) (string, error) {
	if len(src) > store.MaxMarkdownBytes {
		return "", &store.ValidationError{Field: "markdown", Message: fmt.Sprintf("is %d bytes, more than the limit of %d", len(src), store.MaxMarkdownBytes)}
	}
	return markdown.HTML(src), nil
}

func (m mutations) SaveArticle(ctx context.Context, in model.SaveArticleInput) (*store.Article, error) {
	a, err := m.Registry.Store().SaveArticle(ctx, store.Article{ID: int64(deref(in.ID)), Slug: in.Slug, Kind: in.Kind,
		Title: in.Title, Markdown: in.Markdown, Published: deref(in.Published), Author: publisher(ctx)})
	if err != nil {
		return nil, err
	}
	return &a, nil
}

func (m mutations) DeleteArticle(ctx context.Context, id int) (bool, error) {
	if err := m.Registry.Store().DeleteArticle(ctx, int64(id)); err != nil {
		return false, err
	}
	return true, nil
}

func (q queries) Incidents(ctx context.Context, open *bool, first *int) ([]*store.Incident, error) {
	incidents, err := q.Registry.Store().Incidents(ctx, store.IncidentQuery{Open: open, First: deref(first)})
	return pointers(incidents), err
}

func (m mutations) SaveIncident(ctx context.Context, in model.SaveIncidentInput) (*store.Incident, error) {
	st := m.Registry.Store()
	incident := store.Incident{ID: int64(deref(in.ID)), Title: in.Title, Subgraphs: in.Subgraphs, Severity: in.Severity,
		Status: in.Status, Markdown: deref(in.Markdown), StartedAt: deref(in.StartedAt), Author: publisher(ctx)}
	var known []string // what the incident named already: subgraphs since removed stay
	if incident.ID != 0 {
		old, err := st.Incident(ctx, incident.ID)
		if err != nil {
			return nil, err
		}
		known = old.Subgraphs
	}
	if err := m.checkIncident(ctx, incident, known); err != nil {
		return nil, err
	}
	saved, err := st.SaveIncident(ctx, incident)
	if err != nil {
		return nil, err
	}
	return &saved, nil
}

// checkIncident reports every problem with an incident at once: the store's, and the
// subgraphs it names that are neither in the current supergraph nor in known.
func (m mutations) checkIncident(ctx context.Context, in store.Incident, known []string) error {
	var problems store.ValidationErrors
	if err := store.ValidateIncident(in); !errors.As(err, &problems) && err != nil {
		return err
	}
	current, err := m.currentSubgraphs(ctx)
	if err != nil {
		return err
	}
	for i, name := range in.Subgraphs {
		field := "subgraphs[" + strconv.Itoa(i) + "]"
		bad := slices.ContainsFunc(problems, func(e *store.ValidationError) bool { return e.Field == field })
		if !bad && !slices.Contains(current, name) && !slices.Contains(known, name) {
			problems = append(problems, &store.ValidationError{Field: field,
				Message: fmt.Sprintf("%q is not a subgraph of the current supergraph", name)})
		}
	}
	if len(problems) > 0 {
		return problems
	}
	return nil
}

func (r *Resolver) Article() graph.ArticleResolver   { return articles{} }
func (r *Resolver) Incident() graph.IncidentResolver { return incidents{} }

type articles struct{}

func (articles) HTML(_ context.Context, a *store.Article) (string, error) {
	return markdown.HTML(a.Markdown), nil
}

func (articles) Summary(_ context.Context, a *store.Article) (string, error) {
	return markdown.Summary(a.Markdown, summaryLength), nil
}

func (articles) PublishedAt(_ context.Context, a *store.Article) (*time.Time, error) {
	return optionalTime(a.PublishedAt), nil
}

type incidents struct{}

func (incidents) HTML(_ context.Context, in *store.Incident) (string, error) {
	return markdown.HTML(in.Markdown), nil
}

func (incidents) ResolvedAt(_ context.Context, in *store.Incident) (*time.Time, error) {
	return optionalTime(in.ResolvedAt), nil
}

// optionalTime turns the zero time into null.
func optionalTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}
