package resolvers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/validator"

	"github.com/atrium-gateway/atrium/graph/model"
	"github.com/atrium-gateway/atrium/planner"
	"github.com/atrium-gateway/atrium/registry/store"
)

// QueryPlan plans an operation as the gateway does (planner.Build on the current
// supergraph, after the validation gqlgen runs in the gateway) for a caller who may see
// everything and with no progressive override label active, like `atrium plan`. Nothing
// is cached but the parsed current version (registry.Current).
func (q queries) QueryPlan(ctx context.Context, query string, operationName *string, variables any) (*model.QueryPlan, error) {
	cur, err := q.Registry.Current(ctx)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errNothingToPlan{}
	}
	if err != nil {
		return nil, err
	}
	api := cur.Supergraph.API
	doc, errs := gqlparser.LoadQueryWithRules(api, query, nil)
	if len(errs) > 0 {
		invalid := make(store.ValidationErrors, len(errs))
		for i, e := range errs {
			invalid[i] = &store.ValidationError{Field: "query", Message: located(e)}
		}
		return nil, invalid
	}
	op := doc.Operations.ForName(deref(operationName))
	if op == nil {
		msg := fmt.Sprintf("the document has no operation named %q", deref(operationName))
		if operationName == nil || *operationName == "" {
			msg = "the document has several operations: name the one to plan"
		}
		return nil, &store.ValidationError{Field: "operationName", Message: msg}
	}
	vars, ok := variables.(map[string]any)
	if !ok && variables != nil {
		return nil, &store.ValidationError{Field: "variables", Message: "must be a JSON object"}
	}
	coerced, err := validator.VariableValues(api, op, vars)
	if err != nil {
		msg := err.Error()
		if e := (*gqlerror.Error)(nil); errors.As(err, &e) {
			msg = located(e)
		}
		return nil, &store.ValidationError{Field: "variables", Message: msg}
	}
	plan, err := planner.Build(cur.Supergraph, op, coerced)
	var failed *planner.Error
	if errors.As(err, &failed) {
		// What the gateway answers such an operation with; present passes it on as is.
		return nil, &gqlerror.Error{
			Message: failed.Message, Path: graphql.GetPath(ctx),
			Extensions: map[string]any{"code": "QUERY_PLANNING_FAILED"},
		}
	}
	if err != nil {
		return nil, err
	}
	raw, err := json.MarshalIndent(plan, "", "  ")
	if err != nil {
		return nil, err
	}
	return &model.QueryPlan{Text: plan.String(), JSON: string(raw)}, nil
}

// located prints a validation error with where it points: line and column in the query,
// or the path in the variables.
func located(e *gqlerror.Error) string {
	switch {
	case len(e.Locations) > 0:
		return fmt.Sprintf("%d:%d: %s", e.Locations[0].Line, e.Locations[0].Column, e.Message)
	case len(e.Path) > 0:
		return e.Path.String() + " " + e.Message
	}
	return e.Message
}

// errNothingToPlan is queryPlan's answer before the first publish (NOT_FOUND).
type errNothingToPlan struct{}

func (errNothingToPlan) Error() string {
	return "there is no supergraph to plan against: nothing has been published yet"
}

func (errNothingToPlan) Is(target error) bool { return target == store.ErrNotFound }
