package subgraph

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/validator"
)

type request struct {
	Query         string         `json:"query"`
	OperationName string         `json:"operationName"`
	Variables     map[string]any `json:"variables"`
}

// execMu serialises execution across every audit subgraph, so that resolvers may share state
// (within a subgraph or across a suite's subgraphs) without locks.
var execMu sync.Mutex

// Handler serves s as GraphQL over HTTP (POST, JSON body) for the given subgraph SDL. The
// schema is loaded once; executions never overlap (see execMu).
func (s *Subgraph) Handler(sdl string) (http.Handler, error) {
	schema, err := buildSchema(sdl)
	if err != nil {
		return nil, fmt.Errorf("subgraph %s: %w", s.Name, err)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.Error(w, "POST a JSON GraphQL request", http.StatusMethodNotAllowed)
			return
		}
		var req request
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]any{
				"errors": []gqlError{{Message: "invalid JSON body: " + err.Error()}},
			})
			return
		}
		doc, errs := gqlparser.LoadQueryWithRules(schema, req.Query, nil)
		if len(errs) > 0 {
			list := make([]gqlError, len(errs))
			for i, e := range errs {
				list[i] = gqlError{Message: e.Message}
			}
			writeJSON(w, http.StatusOK, map[string]any{"errors": list})
			return
		}
		op := doc.Operations.ForName(req.OperationName)
		if op == nil {
			writeJSON(w, http.StatusOK, map[string]any{
				"errors": []gqlError{{Message: "operation not found: " + req.OperationName}},
			})
			return
		}
		vars, err := validator.VariableValues(schema, op, req.Variables)
		if err != nil {
			writeJSON(w, http.StatusOK, map[string]any{"errors": []gqlError{{Message: err.Error()}}})
			return
		}
		execMu.Lock()
		e := &executor{sg: s, sdl: sdl, schema: schema, doc: doc, vars: vars}
		data := e.execute(op)
		execMu.Unlock()
		resp := map[string]any{"data": data}
		if len(e.errs) > 0 {
			resp["errors"] = e.errs
		}
		writeJSON(w, http.StatusOK, resp)
	}), nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
