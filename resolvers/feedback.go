package resolvers

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/atrium-gateway/atrium/graph"
	"github.com/atrium-gateway/atrium/graph/model"
	"github.com/atrium-gateway/atrium/registry/store"
)

// Feedback on the API (schema/feedback.graphqls): the store checks the text and the daily
// limits; here the coordinate is checked against the current API schema, and a reply's
// author decides whether it is the owners' answer.

// maxAuthorName bounds the name feedback shows for its author, in characters.
const maxAuthorName = 100

func (r *Resolver) FeedbackThread() graph.FeedbackThreadResolver { return feedbackThreads{r} }
func (r *Resolver) FeedbackPost() graph.FeedbackPostResolver     { return feedbackPosts{} }

type (
	feedbackThreads struct{ *Resolver }
	feedbackPosts   struct{}
)

func (feedbackThreads) ID(_ context.Context, t *store.FeedbackThread) (string, error) {
	return strconv.FormatInt(t.ID, 10), nil
}

func (f feedbackThreads) Posts(ctx context.Context, t *store.FeedbackThread) ([]*store.FeedbackPost, error) {
	posts, err := f.Registry.Store().FeedbackPosts(ctx, t.ID)
	return pointers(posts), err
}

func (feedbackPosts) ID(_ context.Context, p *store.FeedbackPost) (string, error) {
	return strconv.FormatInt(p.ID, 10), nil
}

func (q queries) Feedback(ctx context.Context, coordinate *string, status *store.FeedbackStatus, first *int, before *string) ([]*store.FeedbackThread, error) {
	n := deref(first)
	if n < 1 || n > store.MaxFeedbackPage {
		return nil, &store.ValidationError{Field: "first", Message: fmt.Sprintf("must be between 1 and %d", store.MaxFeedbackPage)}
	}
	f := store.FeedbackFilter{Coordinate: deref(coordinate), Status: deref(status), Limit: n}
	if before != nil {
		id, ok := threadID(*before)
		if !ok {
			return nil, &store.ValidationError{Field: "before", Message: fmt.Sprintf("%q is not a feedback thread ID", *before)}
		}
		f.Before = id
	}
	threads, err := q.Registry.Store().FeedbackThreads(ctx, f)
	return pointers(threads), err
}

func (q queries) FeedbackThread(ctx context.Context, id string) (*store.FeedbackThread, error) {
	n, ok := threadID(id)
	if !ok {
		return nil, nil
	}
	return orNil(q.Registry.Store().FeedbackThread(ctx, n))
}

func (q queries) KnownIssues(ctx context.Context, typeName string) ([]*store.FeedbackThread, error) {
	if strings.Contains(typeName, ".") {
		return nil, &store.ValidationError{Field: "type", Message: fmt.Sprintf("%q is not a type name", typeName)}
	}
	if err := store.ValidFeedbackCoordinate("type", typeName); err != nil {
		return nil, err
	}
	threads, err := q.Registry.Store().FeedbackThreads(ctx, store.FeedbackFilter{Coordinate: typeName, KnownIssues: true,
		Limit: store.MaxFeedbackPage})
	return pointers(threads), err
}

func (m mutations) AskFeedback(ctx context.Context, in model.AskFeedbackInput) (*store.FeedbackThread, error) {
	if err := m.inAPISchema(ctx, in.Coordinate); err != nil {
		return nil, err
	}
	c := callerFrom(ctx)
	t, err := m.Registry.Store().CreateFeedbackThread(ctx, store.NewFeedbackThread{Coordinate: in.Coordinate, Kind: in.Kind,
		Title: in.Title, Body: in.Body, Author: c.subject(), AuthorName: c.authorName()})
	if err != nil {
		return nil, err
	}
	return &t, nil
}

func (m mutations) ReplyFeedback(ctx context.Context, id string, body string) (*store.FeedbackPost, error) {
	n, ok := threadID(id)
	if !ok {
		return nil, fmt.Errorf("feedback thread %q: %w", id, store.ErrNotFound)
	}
	c := callerFrom(ctx)
	p, err := m.Registry.Store().AddFeedbackPost(ctx, store.NewFeedbackPost{ThreadID: n, Body: body,
		Author: c.subject(), AuthorName: c.authorName(), OwnerAnswer: c.has(model.RoleOwner)})
	if err != nil {
		return nil, err
	}
	return &p, nil
}

func (m mutations) SetFeedbackStatus(ctx context.Context, id string, status store.FeedbackStatus, knownIssue *bool) (*store.FeedbackThread, error) {
	n, ok := threadID(id)
	if !ok {
		return nil, fmt.Errorf("feedback thread %q: %w", id, store.ErrNotFound)
	}
	t, err := m.Registry.Store().SetFeedbackStatus(ctx, n, status, knownIssue)
	if err != nil {
		return nil, err
	}
	return &t, nil
}

// inAPISchema checks that coordinate is a type of the current API schema, or a field or
// enum value of one: what clients of the gateway can see.
func (m mutations) inAPISchema(ctx context.Context, coordinate string) error {
	if err := store.ValidFeedbackCoordinate("coordinate", coordinate); err != nil {
		return err
	}
	cur, err := m.Registry.Current(ctx)
	if errors.Is(err, store.ErrNotFound) {
		return &store.ValidationError{Field: "coordinate", Message: "there is no API schema yet: nothing has been published"}
	}
	if err != nil {
		return err
	}
	typeName, member, isMember := strings.Cut(coordinate, ".")
	def := cur.Supergraph.API.Types[typeName]
	if def == nil || def.BuiltIn || strings.HasPrefix(typeName, "__") {
		return &store.ValidationError{Field: "coordinate", Message: fmt.Sprintf(
			"there is no type %s in the API schema (version %d)", typeName, cur.Version.ID)}
	}
	if isMember && (strings.HasPrefix(member, "__") || def.Fields.ForName(member) == nil && def.EnumValues.ForName(member) == nil) {
		return &store.ValidationError{Field: "coordinate", Message: fmt.Sprintf(
			"%s has no field %s in the API schema (version %d)", typeName, member, cur.Version.ID)}
	}
	return nil
}

// threadID parses a thread's ID; false when it cannot be one.
func threadID(id string) (int64, bool) {
	n, err := strconv.ParseInt(id, 10, 64)
	return n, err == nil && n > 0
}

// authorName is how feedback names the caller to everyone: the name or preferred_username
// claim, an API client's ID, "Administrator" for the admin token. Never an email: an
// email-like name is cut at its '@', and the subject (which may be one) is not used.
func (c *caller) authorName() string {
	if c == nil || c.principal == nil {
		return "Administrator"
	}
	name := firstOf(c.claim("name"), c.claim("preferred_username"))
	if name == "" && c.isClient() {
		name = c.principal.Subject
	}
	if at := strings.IndexByte(name, '@'); at >= 0 {
		name = name[:at]
	}
	name = strings.TrimSpace(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return -1
		}
		return r
	}, name))
	if name == "" {
		return "A developer"
	}
	if utf8.RuneCountInString(name) > maxAuthorName {
		name = string([]rune(name)[:maxAuthorName])
	}
	for len(name) > store.MaxFeedbackAuthorName { // wide characters
		_, size := utf8.DecodeLastRuneInString(name)
		name = name[:len(name)-size]
	}
	return name
}
