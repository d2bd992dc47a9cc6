// Package registry is the schema registry's logic over its store: publishing a subgraph
// composes it with the others and records the supergraph only if composition succeeds;
// checking one composes and diffs without publishing and judges breaking changes against
// the operations clients sent. The GraphQL API (package resolvers) and the gateway's live
// updates are built on it.
package registry

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync/atomic"
	"time"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/atrium-gateway/atrium/federation"
	"github.com/atrium-gateway/atrium/federation/compose"
	"github.com/atrium-gateway/atrium/federation/schemadiff"
	"github.com/atrium-gateway/atrium/registry/store"
)

// DefaultCheckWindow is how far back a check looks for operations when not told.
const DefaultCheckWindow = 7 * 24 * time.Hour

// MaxCheckWindow bounds the check window: usage older than this is pruned anyway.
const MaxCheckWindow = 90 * 24 * time.Hour

// maxAttempts bounds how often a publish recomposes after losing a race to another one.
const maxAttempts = 20

// Registry publishes and checks subgraphs. It is safe for concurrent use, also by several
// processes sharing one database: publishes are optimistic and retried on conflict.
type Registry struct {
	store   *store.Store
	current atomic.Pointer[Current] // the newest version Current has parsed
}

// New returns a registry over st.
func New(st *store.Store) *Registry { return &Registry{store: st} }

// Store returns the registry's store.
func (r *Registry) Store() *store.Store { return r.store }

// Change is one difference between two API schemas, as the registry records it with each
// version. See docs/schema-checks.md for the codes.
type Change struct {
	Code       string              `json:"code"`
	Severity   schemadiff.Severity `json:"severity"`
	Coordinate string              `json:"coordinate"`
	Message    string              `json:"message"`
}

func changeOf(c schemadiff.Change) Change {
	return Change{Code: c.Code, Severity: c.Severity, Coordinate: c.Coordinate, Message: c.Message}
}

func changesOf(diff []schemadiff.Change) []Change {
	out := make([]Change, len(diff))
	for i, c := range diff {
		out[i] = changeOf(c)
	}
	return out
}

// Changes reads the changes recorded with a version ("" reads as none).
func Changes(v store.Version) ([]Change, error) {
	if v.Diff == "" {
		return nil, nil
	}
	var out []Change
	if err := json.Unmarshal([]byte(v.Diff), &out); err != nil {
		return nil, fmt.Errorf("version %d: reading its changes: %w", v.ID, err)
	}
	return out, nil
}

// PublishInput is a subgraph to publish, new or changed.
type PublishInput struct {
	Name, URL, SDL, Owner string
	Publisher, Message    string
}

// PublishResult is what a publish or delete did.
type PublishResult struct {
	// Published is true when a new version was recorded.
	Published bool
	// Unchanged is true when the registry already had exactly this: nothing was recorded.
	Unchanged bool
	// Version is the current version afterwards; nil when there is none.
	Version *store.Version
	// Errors say why composition failed; nothing was recorded then.
	Errors, Hints []compose.Diagnostic
	// Changes are what changed in the API schema with the new version.
	Changes []Change
}

// Publish composes in with the other subgraphs and, if that succeeds, records the new
// supergraph version. A failed composition returns its errors and records nothing. Input
// the store refuses is returned as an error wrapping store.ValidationErrors.
func (r *Registry) Publish(ctx context.Context, in PublishInput) (PublishResult, error) {
	return r.apply(ctx, store.Upsert{Name: in.Name, URL: in.URL, SDL: in.SDL, Owner: in.Owner}, in.Publisher, in.Message)
}

// Delete removes a subgraph and records the supergraph composed from the rest, if it
// composes. Deleting a subgraph that does not exist is an error wrapping store.ErrNotFound.
func (r *Registry) Delete(ctx context.Context, name, publisher, message string) (PublishResult, error) {
	return r.apply(ctx, store.Delete{Name: name}, publisher, message)
}

func (r *Registry) apply(ctx context.Context, change store.Change, publisher, message string) (PublishResult, error) {
	if u, ok := change.(store.Upsert); ok {
		// Refused before composing: composition is the expensive part.
		if err := store.ValidateSubgraph(u.Name, u.URL, u.SDL); err != nil {
			return PublishResult{}, err
		}
	}
	for range maxAttempts {
		base, err := r.read(ctx)
		if err != nil {
			return PublishResult{}, err
		}
		if u, ok := change.(store.Upsert); ok && base.unchanged(u) {
			return PublishResult{Unchanged: true, Version: base.version}, nil
		}
		inputs, err := base.inputsWith(change)
		if err != nil {
			return PublishResult{}, err
		}
		composed := compose.Compose(inputs)
		if len(composed.Errors) > 0 {
			return PublishResult{Version: base.version, Errors: composed.Errors, Hints: composed.Hints}, nil
		}
		changes, err := r.diff(base.version, composed.Supergraph)
		if err != nil {
			return PublishResult{}, err
		}
		diff, err := json.Marshal(changesOf(changes))
		if err != nil {
			return PublishResult{}, err
		}
		pub, err := r.store.Publish(ctx, store.PublishRequest{
			Base: base.id(), Change: change, SDL: composed.Supergraph, Diff: string(diff),
			Publisher: publisher, Message: message,
		})
		if errors.Is(err, store.ErrConflict) {
			continue // someone published first: recompose on what they wrote
		}
		if err != nil {
			return PublishResult{}, err
		}
		res := PublishResult{Published: pub.Recorded, Unchanged: !pub.Recorded, Version: &pub.Version, Hints: composed.Hints}
		if pub.Recorded {
			res.Changes = changesOf(changes)
		}
		return res, nil
	}
	return PublishResult{}, fmt.Errorf("publish: the registry kept changing during %d attempts; try again", maxAttempts)
}

// state is the registry as one publish or check read it.
type state struct {
	version   *store.Version // nil before the first publish
	subgraphs []store.Subgraph
}

func (s state) id() int64 {
	if s.version == nil {
		return 0
	}
	return s.version.ID
}

// read reads the current version, then the subgraphs. In this order a publish that lands
// between the two reads makes the subgraphs newer than the version, which Publish then
// refuses as a conflict; the other order could compose stale subgraphs on a fresh base.
func (r *Registry) read(ctx context.Context) (state, error) {
	var s state
	v, err := r.store.Current(ctx)
	switch {
	case err == nil:
		s.version = &v
	case !errors.Is(err, store.ErrNotFound):
		return s, err
	}
	s.subgraphs, err = r.store.Subgraphs(ctx)
	return s, err
}

func (s state) find(name string) (store.Subgraph, bool) {
	i := slices.IndexFunc(s.subgraphs, func(sg store.Subgraph) bool { return sg.Name == name })
	if i < 0 {
		return store.Subgraph{}, false
	}
	return s.subgraphs[i], true
}

// unchanged reports whether publishing u would change nothing at all.
func (s state) unchanged(u store.Upsert) bool {
	old, ok := s.find(u.Name)
	return ok && s.version != nil && old.URL == u.URL && old.SDL == u.SDL && (u.Owner == "" || u.Owner == old.Owner)
}

// inputsWith returns the composition's inputs with change applied.
func (s state) inputsWith(change store.Change) ([]compose.Input, error) {
	inputs := make([]compose.Input, 0, len(s.subgraphs)+1)
	for _, sg := range s.subgraphs {
		inputs = append(inputs, compose.Input{Name: sg.Name, URL: sg.URL, SDL: sg.SDL})
	}
	switch c := change.(type) {
	case store.Upsert:
		in := compose.Input{Name: c.Name, URL: c.URL, SDL: c.SDL}
		if i := slices.IndexFunc(inputs, func(x compose.Input) bool { return x.Name == c.Name }); i >= 0 {
			inputs[i] = in
		} else {
			inputs = append(inputs, in)
		}
	case store.Delete:
		i := slices.IndexFunc(inputs, func(x compose.Input) bool { return x.Name == c.Name })
		if i < 0 {
			return nil, fmt.Errorf("there is no subgraph named %q: %w", c.Name, store.ErrNotFound)
		}
		inputs = slices.Delete(inputs, i, i+1)
		if len(inputs) == 0 {
			return nil, &store.ValidationError{Field: "name", Message: fmt.Sprintf("%q is the last subgraph: a supergraph needs at least one", c.Name)}
		}
	}
	return inputs, nil
}

// diff compares the API schemas of a version (nil: none) and a new supergraph.
func (r *Registry) diff(from *store.Version, to string) ([]schemadiff.Change, error) {
	var old *ast.Schema
	if from != nil {
		var err error
		if old, err = apiSchema(from.ID, from.SDL); err != nil {
			return nil, err
		}
	}
	sg, err := federation.Parse("supergraph", to)
	if err != nil {
		// Composition checks that its output loads, so this is a bug, not bad input.
		return nil, fmt.Errorf("the composed supergraph does not load: %w", err)
	}
	return schemadiff.Diff(old, sg.API), nil
}

func apiSchema(id int64, sdl string) (*ast.Schema, error) {
	sg, err := federation.Parse(fmt.Sprintf("version %d", id), sdl)
	if err != nil {
		return nil, fmt.Errorf("version %d does not load: %w", id, err)
	}
	return sg.API, nil
}

// Diff lists what changed in the API schema from version from to version to.
func (r *Registry) Diff(ctx context.Context, from, to int64) ([]Change, error) {
	schemas := make([]*ast.Schema, 2)
	for i, id := range []int64{from, to} {
		v, err := r.store.Version(ctx, id)
		if err != nil {
			return nil, err
		}
		if schemas[i], err = apiSchema(v.ID, v.SDL); err != nil {
			return nil, err
		}
	}
	return changesOf(schemadiff.Diff(schemas[0], schemas[1])), nil
}

// CheckInput is a proposed change to check.
type CheckInput struct {
	Name string
	// SDL is the proposed schema; URL defaults to the published one.
	SDL, URL string
	// Delete checks removing the subgraph instead.
	Delete bool
	// Window is how far back operations count (DefaultCheckWindow when 0).
	Window time.Duration
}

// CheckResult is a check's outcome, as recorded.
type CheckResult struct {
	ID       int64     `json:"-"`
	Subgraph string    `json:"-"`
	Base     int64     `json:"-"`
	Passed   bool      `json:"-"`
	At       time.Time `json:"-"`
	// Recorded as the check's JSON report:
	Errors  []compose.Diagnostic `json:"errors,omitempty"`
	Hints   []compose.Diagnostic `json:"hints,omitempty"`
	Changes []CheckedChange      `json:"changes,omitempty"`
	Window  time.Duration        `json:"window"`
}

// CheckedChange is a change with the usage that decides whether it breaks clients.
type CheckedChange struct {
	Change
	// InUse is true when operations in the window used what the change removes or alters.
	InUse bool `json:"inUse"`
	// Operations and Requests count them (upper bounds when the change has several usage
	// coordinates); OperationNames lists up to five.
	Operations     int      `json:"operations"`
	Requests       int64    `json:"requests"`
	OperationNames []string `json:"operationNames"`
}

// Check composes the proposed change with the current subgraphs, diffs the API schema
// against the current version and judges each breaking change against the operations sent
// within the window. The check fails when composition fails or a breaking change is in
// use. Nothing is published; the result is recorded.
func (r *Registry) Check(ctx context.Context, in CheckInput) (CheckResult, error) {
	if in.Window <= 0 {
		in.Window = DefaultCheckWindow
	}
	if in.Window > MaxCheckWindow {
		return CheckResult{}, &store.ValidationError{Field: "window", Message: fmt.Sprintf("is longer than %s", MaxCheckWindow)}
	}
	base, err := r.read(ctx)
	if err != nil {
		return CheckResult{}, err
	}
	var change store.Change = store.Delete{Name: in.Name}
	if !in.Delete {
		if in.URL == "" {
			if old, ok := base.find(in.Name); ok {
				in.URL = old.URL
			} else {
				in.URL = "http://unpublished.invalid/graphql"
			}
		}
		change = store.Upsert{Name: in.Name, URL: in.URL, SDL: in.SDL}
		if err := store.ValidateSubgraph(in.Name, in.URL, in.SDL); err != nil {
			return CheckResult{}, err
		}
	}
	res := CheckResult{Subgraph: in.Name, Base: base.id(), Window: in.Window}
	inputs, err := base.inputsWith(change)
	if err != nil {
		return CheckResult{}, err
	}
	composed := compose.Compose(inputs)
	res.Errors, res.Hints = composed.Errors, composed.Hints
	if len(composed.Errors) == 0 {
		changes, err := r.diff(base.version, composed.Supergraph)
		if err != nil {
			return CheckResult{}, err
		}
		judged, err := r.judge(ctx, changes, time.Now().Add(-in.Window))
		if err != nil {
			return CheckResult{}, err
		}
		res.Changes = make([]CheckedChange, len(judged))
		for i, j := range judged {
			res.Changes[i] = CheckedChange{
				Change: changeOf(j.Change), InUse: j.InUse,
				Operations: j.Use.Operations, Requests: j.Use.Count, OperationNames: j.Use.Names,
			}
		}
		res.Passed = !schemadiff.Blocking(judged)
	}
	report, err := json.Marshal(res)
	if err != nil {
		return CheckResult{}, err
	}
	sdl := in.SDL
	if in.Delete {
		sdl = ""
	}
	rec, err := r.store.RecordCheck(ctx, store.CheckResult{
		Subgraph: in.Name, Version: res.Base, SDL: sdl, Passed: res.Passed, Result: string(report),
	})
	if err != nil {
		return CheckResult{}, err
	}
	res.ID, res.At = rec.ID, rec.CreatedAt
	return res, nil
}

// judge looks up the usage of the non-safe changes' coordinates since since.
func (r *Registry) judge(ctx context.Context, changes []schemadiff.Change, since time.Time) ([]schemadiff.Judged, error) {
	var coords []string
	for _, c := range changes {
		if c.Severity != schemadiff.Safe {
			coords = append(coords, c.UsageCoordinates...)
		}
	}
	uses := map[string][]store.OperationUse{}
	if len(coords) > 0 {
		var err error
		if uses, err = r.store.UsageSince(ctx, since, coords); err != nil {
			return nil, err
		}
	}
	return schemadiff.Judge(changes, func(coord string) (schemadiff.Use, bool) {
		ops := uses[coord]
		if len(ops) == 0 {
			return schemadiff.Use{}, false
		}
		u := schemadiff.Use{Operations: len(ops)}
		for _, op := range ops {
			u.Count += op.Count
			if len(u.Names) < 5 && op.Name != "" && !slices.Contains(u.Names, op.Name) {
				u.Names = append(u.Names, op.Name)
			}
		}
		return u, true
	}), nil
}

// Checks returns the recorded checks of a subgraph, newest first.
func (r *Registry) Checks(ctx context.Context, subgraph string, limit int) ([]CheckResult, error) {
	recs, err := r.store.Checks(ctx, subgraph, limit)
	if err != nil {
		return nil, err
	}
	out := make([]CheckResult, len(recs))
	for i, rec := range recs {
		c := CheckResult{ID: rec.ID, Subgraph: rec.Subgraph, Base: rec.Version, Passed: rec.Passed, At: rec.CreatedAt}
		if rec.Result != "" {
			if err := json.Unmarshal([]byte(rec.Result), &c); err != nil {
				return nil, fmt.Errorf("check %d: reading its report: %w", rec.ID, err)
			}
		}
		out[i] = c
	}
	return out, nil
}
