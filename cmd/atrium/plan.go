package main

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"

	"github.com/spf13/cobra"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/validator"

	"github.com/atrium-gateway/atrium/planner"
)

func planCommand() *cobra.Command {
	var supergraphPath, queryPath, operationName, variables string
	var asJSON bool
	var labels []string
	cmd := &cobra.Command{
		Use:   "plan",
		Short: "Print the query plan of an operation",
		Long: `Print how Atrium would run an operation: which subgraph operations it sends,
in which order, and where their answers go. Nothing is sent.`,
		Example: "  atrium plan --supergraph supergraph.graphql --query query.graphql\n  atrium plan --supergraph supergraph.graphql --query query.graphql --json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			sg, err := loadSupergraph(supergraphPath)
			if err != nil {
				return err
			}
			q, err := os.ReadFile(queryPath)
			if err != nil {
				return fmt.Errorf("reading the query: %w", err)
			}
			doc, errs := gqlparser.LoadQueryWithRules(sg.API, string(q), nil)
			if len(errs) > 0 {
				return fmt.Errorf("%s: %s", queryPath, errs.Error())
			}
			op := doc.Operations.ForName(operationName)
			if op == nil {
				if operationName == "" {
					return fmt.Errorf("%s: the document has several operations: choose one with --operation", queryPath)
				}
				return fmt.Errorf("%s: no operation named %q", queryPath, operationName)
			}
			vars := map[string]any{}
			if variables != "" {
				if err := json.Unmarshal([]byte(variables), &vars); err != nil {
					return fmt.Errorf("--variables: %w", err)
				}
			}
			coerced, gerr := validator.VariableValues(sg.API, op, vars)
			if gerr != nil {
				return fmt.Errorf("--variables: %v", gerr)
			}
			active := func(label string) bool { return slices.Contains(labels, label) }
			plan, err := planner.Build(sg.WithOverrides(active), op, coerced)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if asJSON {
				b, err := json.MarshalIndent(plan, "", "  ")
				if err != nil {
					return err
				}
				_, err = fmt.Fprintln(out, string(b))
				return err
			}
			_, err = fmt.Fprint(out, plan.String())
			return err
		},
	}
	f := cmd.Flags()
	f.StringVar(&supergraphPath, "supergraph", "supergraph.graphql", "path of the supergraph SDL")
	f.StringVar(&queryPath, "query", "", "path of the GraphQL operation")
	f.StringVar(&operationName, "operation", "", "operation to plan when the document has several")
	f.StringVar(&variables, "variables", "", "variables as a JSON object (they decide @skip/@include)")
	f.BoolVar(&asJSON, "json", false, "print the plan as Apollo-shaped JSON")
	f.StringSliceVar(&labels, "override-label", nil, "plan with this progressive override label active (repeatable; percent(N) labels are active only when named)")
	_ = cmd.MarkFlagRequired("query")
	return cmd
}
