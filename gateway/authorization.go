package gateway

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/atrium-gateway/atrium/auth"
	"github.com/atrium-gateway/atrium/planner"
)

// planned is the cached answer to "how to serve this operation for this caller": its plan
// and what authorization removed from it.
type planned struct {
	// plan is nil when the operation is refused (Rules.RejectUnauthorized).
	plan *planner.Plan
	// removed are the paths the caller asked for and may not see: each becomes an error,
	// or, in a dry run, a log line.
	removed []ast.Path
	dryRun  bool
	// shareKey tells callers who may share one execution (Options.Dedup) apart; shareable
	// is false when the rights could not be reduced to a key.
	shareKey  string
	shareable bool
}

// build plans op for a caller: filtered by what it may see when the supergraph has
// authorization directives that the operation meets (atoms), from the mask in bits or, when
// the operation depends on too many rights for one (!rightsKnown), from p itself.
func (s *Snapshot) build(op *ast.OperationDefinition, vars map[string]any, bits planBits, atoms []int, p *auth.Principal, rightsKnown bool) (*planned, error) {
	sg := s.overrides.supergraph(bits.labels)
	out := &planned{shareable: rightsKnown}
	var filtered *auth.Filtered
	if len(atoms) > 0 {
		out.shareKey = strconv.FormatUint(bits.rights, 16)
		held := s.authz.HeldFromMask(atoms, bits.rights)
		if !rightsKnown {
			held = s.authz.Held(p)
		}
		filtered = s.authz.Filter(op, vars, held)
	}
	rules := s.opts.Authorization
	var err error
	switch {
	case filtered == nil || filtered.Denied == nil:
		out.plan, err = planner.Build(sg, op, vars)
	case rules.DryRun:
		out.plan, err = planner.Build(sg, op, vars)
		out.removed, out.dryRun = filtered.Paths, true
	case rules.RejectUnauthorized && len(filtered.Paths) > 0:
		out.removed = filtered.Paths
	default:
		out.plan, err = planner.BuildFiltered(sg, op, filtered.Operation, filtered.Denied, vars)
		out.removed = filtered.Paths
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// reportRemoved logs what authorization removed from an operation (at debug level; what a
// dry run would have removed at info level) and returns the errors the answer carries: one
// per removed path, as Apollo Router words them (none in a dry run).
func (s *Snapshot) reportRemoved(ctx context.Context, operation string, pl *planned) gqlerror.List {
	if len(pl.removed) == 0 {
		return nil
	}
	if log := s.opts.Logger; log != nil {
		level, msg := slog.LevelDebug, "authorization removed fields the caller may not see"
		switch {
		case pl.dryRun:
			level, msg = slog.LevelInfo, "authorization dry run: fields the caller may not see were kept"
		case pl.plan == nil:
			msg = "authorization refused an operation asking for fields the caller may not see"
		}
		if log.Enabled(ctx, level) {
			paths := make([]string, len(pl.removed))
			for i, p := range pl.removed {
				paths[i] = p.String()
			}
			log.Log(ctx, level, msg, "operation", operation, "paths", paths)
		}
	}
	if pl.dryRun {
		return nil
	}
	out := make(gqlerror.List, len(pl.removed))
	for i, p := range pl.removed {
		out[i] = &gqlerror.Error{Message: "Unauthorized field or type", Path: p,
			Extensions: map[string]any{"code": "UNAUTHORIZED_FIELD_OR_TYPE"}}
	}
	return out
}

var anonymousRefused = []byte(`{"errors":[{"message":"authentication required","extensions":{"code":"UNAUTHENTICATED"}}]}` + "\n")

// refuseAnonymous answers a request without a principal when Rules.RequireAuthentication
// is on, as the auth middleware answers a missing token.
func refuseAnonymous(w http.ResponseWriter) {
	w.Header().Set("WWW-Authenticate", "Bearer")
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusUnauthorized)
	_, _ = w.Write(anonymousRefused)
}
