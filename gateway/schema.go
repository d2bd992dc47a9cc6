package gateway

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/dgraph-io/ristretto/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/atrium-gateway/atrium/auth"
	"github.com/atrium-gateway/atrium/connectors"
	"github.com/atrium-gateway/atrium/executor"
	"github.com/atrium-gateway/atrium/planner"
)

// PlanHeader asks, in debug mode, for the query plan in the response extensions.
const PlanHeader = "Atrium-Query-Plan"

// schema is the dynamic graphql.ExecutableSchema over one snapshot: gqlgen parses and
// validates against the API schema, then Exec plans and executes.
type schema struct{ snap *Snapshot }

func (s *schema) Schema() *ast.Schema { return s.snap.Supergraph.API }

func (s *schema) Complexity(context.Context, string, string, int, map[string]any) (int, bool) {
	return 0, false
}

func (s *schema) Exec(ctx context.Context) graphql.ResponseHandler {
	rc := graphql.GetOperationContext(ctx)
	if rc.DisableIntrospection && usesIntrospection(rc.Operation) {
		return graphql.OneShot(graphql.ErrorResponse(ctx, "introspection is disabled"))
	}
	principal := auth.PrincipalFrom(ctx)
	pl, entry, err := s.snap.plan(rc.Operation, rc.Variables, principal)
	if err != nil {
		s.countTraffic(rc, principal, true)
		return graphql.OneShot(&graphql.Response{
			Data:   json.RawMessage("null"),
			Errors: gqlerror.List{{Message: err.Error(), Extensions: map[string]any{"code": "QUERY_PLANNING_FAILED"}}},
		})
	}
	if u := s.snap.opts.Usage; u != nil {
		u.count(entry.usageOf(u, s.snap.Supergraph.API, rc.Doc), clientName(rc.Headers))
	}
	denied := s.snap.reportRemoved(ctx, rc.Operation.Name, pl)
	if pl.plan == nil {
		s.countTraffic(rc, principal, true)
		return graphql.OneShot(&graphql.Response{Data: json.RawMessage("null"), Errors: denied})
	}
	plan := pl.plan
	sent := false
	return func(ctx context.Context) *graphql.Response {
		if sent {
			return nil
		}
		sent = true
		if s.snap.scoped {
			// Connectors never see client headers that forwarding fills from the token.
			ctx = connectors.WithScope(ctx, s.snap.forward.Strip(rc.Headers))
		}
		res := s.snap.execute(ctx, rc, pl)
		if s.snap.opts.Debug && rc.Headers.Get(PlanHeader) == "true" {
			// gqlgen replaces Response.Extensions with the registered ones.
			raw, _ := json.Marshal(plan)
			graphql.RegisterExtension(ctx, "queryPlan", json.RawMessage(raw))
			graphql.RegisterExtension(ctx, "queryPlanText", plan.String())
		}
		if denied != nil {
			res.Errors = append(denied, res.Errors...)
		}
		s.countTraffic(rc, principal, len(res.Errors) > 0)
		return &graphql.Response{Data: json.RawMessage(res.Data), Errors: res.Errors}
	}
}

// countTraffic counts the request for the API client of its token, if any (the portal's
// usage charts), from the operation's start.
func (s *schema) countTraffic(rc *graphql.OperationContext, p *auth.Principal, failed bool) {
	if u := s.snap.opts.Usage; u != nil && p != nil {
		u.countTraffic(p.ClientID, rc.Stats.OperationStart, failed)
	}
}

// execute runs the plan, sharing the run with identical operations in flight when
// Options.Dedup is on (queries only: a mutation always runs), from callers allowed to see
// the same parts of it.
func (s *Snapshot) execute(ctx context.Context, rc *graphql.OperationContext, pl *planned) *executor.Result {
	plan := pl.plan
	if !s.opts.Dedup || plan.Kind != ast.Query || !pl.shareable {
		return s.executeAlone(ctx, rc, plan)
	}
	vars, err := json.Marshal(rc.Variables)
	if err != nil {
		return s.executeAlone(ctx, rc, plan)
	}
	key := rc.OperationName + "\x00" + rc.RawQuery + "\x00" + string(vars) + "\x00" + pl.shareKey
	if s.clientHeaders.all {
		return s.executeAlone(ctx, rc, plan) // connectors read any header: no two requests are alike
	}
	for _, h := range s.clientHeaders.names {
		// Connectors forward these: requests that differ in them must not share an answer.
		key += "\x00" + strings.Join(rc.Headers.Values(h), "\x01")
	}
	if s.forward != nil {
		// Nor requests whose forwarded identity or headers differ.
		key = string(s.forward.AppendKey([]byte(key), ctx, rc.Headers))
	}
	shared := context.WithoutCancel(ctx)
	ch := s.inflight.DoChan(key, func() (any, error) {
		// Waiters share the answer: it is not written into a recycled buffer.
		return s.exec.Execute(shared, plan, rc.Variables, nil, nil), nil
	})
	select {
	case res := <-ch:
		// Each waiter gets its own errors: gqlgen appends to and presents them.
		shared := res.Val.(*executor.Result)
		own := &executor.Result{Data: shared.Data}
		for _, e := range shared.Errors {
			c := *e
			own.Errors = append(own.Errors, &c)
		}
		return own
	case <-ctx.Done():
		return &executor.Result{Data: []byte("null"), Errors: gqlerror.List{{Message: "the request was cancelled"}}}
	}
}

// executeAlone runs the plan for this request only, writing into its recycled buffer.
func (s *Snapshot) executeAlone(ctx context.Context, rc *graphql.OperationContext, plan *planner.Plan) *executor.Result {
	res := s.exec.Execute(ctx, plan, rc.Variables, nil, responseBuffer(ctx))
	keepResponseBuffer(ctx, res.Data)
	return res
}

func usesIntrospection(op *ast.OperationDefinition) bool {
	for _, s := range op.SelectionSet {
		if f, ok := s.(*ast.Field); ok && (f.Name == "__schema" || f.Name == "__type") {
			return true
		}
	}
	return false
}

// documentCache keeps parsed and validated documents by query text (gqlgen's query cache).
type documentCache struct {
	c *ristretto.Cache[string, *ast.QueryDocument]
}

func newDocumentCache(size int64) (*documentCache, error) {
	c, err := ristretto.NewCache(&ristretto.Config[string, *ast.QueryDocument]{
		NumCounters: size * 10, MaxCost: size, BufferItems: 64,
	})
	if err != nil {
		return nil, err
	}
	return &documentCache{c: c}, nil
}

func (d *documentCache) Get(_ context.Context, key string) (*ast.QueryDocument, bool) {
	return d.c.Get(key)
}

func (d *documentCache) Add(_ context.Context, key string, doc *ast.QueryDocument) {
	d.c.Set(key, doc, 1)
}
