package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/atrium-gateway/atrium/connectors/openapi"
)

// exitStrict ends the process with status 2 when --strict finds unmapped parts. Tests
// replace it to observe the status without exiting.
var exitStrict = func() { os.Exit(2) }

func connectorCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "connector",
		Short: "Generate connector subgraphs from REST APIs",
		Long: `Generate subgraph schemas that call existing APIs through Apollo Connectors
(@source and @connect), so a REST service joins the supergraph without a GraphQL server.
Edit the result like any SDL, then publish it with 'atrium subgraph publish'.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(openapiCommand())
	return cmd
}

func openapiCommand() *cobra.Command {
	var specPath, outDir string
	var opts openapi.Options
	var asJSON, strict bool
	cmd := &cobra.Command{
		Use:   "openapi",
		Short: "Import an OpenAPI 3 document as a connector subgraph",
		Long: `Import an OpenAPI 3.0 or 3.1 document (YAML or JSON) as a Federation v2 subgraph whose
fields are connectors: GET operations become Query fields, the others Mutation fields,
schemas become types. It writes NAME.graphql and NAME.report.txt (NAME.report.json with
--json) into --out. The report lists, with their place in the document, the parts that
were not mapped and those mapped differently; see docs/connectors-openapi.md.

Exits with status 0 when the schema was written, 1 when the document cannot be read, and,
with --strict, 2 when the report lists unmapped parts (the files are written anyway).`,
		Example: `  atrium connector openapi --spec billing.yaml --name billing
  atrium connector openapi --spec api.json --name shop --out subgraphs --base-url https://api.shop.example/v2 --include 'tag:orders' --exclude 'path:/admin/**'
  atrium connector openapi --spec api.yaml --name search --query 'POST /search' --entities --strict`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			spec, err := os.ReadFile(specPath)
			if err != nil {
				var pe *fs.PathError
				if errors.As(err, &pe) {
					err = pe.Err
				}
				return fmt.Errorf("reading --spec %s: %v", specPath, err)
			}
			res, err := openapi.Import(spec, opts)
			if err != nil {
				return fmt.Errorf("%s: %v", specPath, err)
			}
			report, ext := []byte(res.Text()), ".report.txt"
			if asJSON {
				if report, err = res.JSON(); err != nil {
					return err
				}
				ext = ".report.json"
			}
			if err := os.MkdirAll(outDir, 0o755); err != nil {
				return fmt.Errorf("--out: %v", err)
			}
			schemaPath := filepath.Join(outDir, opts.Name+".graphql")
			reportPath := filepath.Join(outDir, opts.Name+ext)
			if err := writeFileAtomic(schemaPath, []byte(res.SDL)); err != nil {
				return fmt.Errorf("writing %s: %v", schemaPath, err)
			}
			if err := writeFileAtomic(reportPath, report); err != nil {
				return fmt.Errorf("writing %s: %v", reportPath, err)
			}
			out := cmd.OutOrStdout()
			if asJSON {
				_, err = out.Write(report)
			} else {
				_, err = fmt.Fprintf(out, "wrote %s: %d operations mapped (%d Query, %d Mutation), %d skipped\nwrote %s: %d unmapped, %d changed, %d info\n",
					schemaPath, res.Mapped, res.Summary.Queries, res.Summary.Mutations, res.Skipped,
					reportPath, res.Count(openapi.Unmapped), res.Count(openapi.Changed), res.Count(openapi.Info))
			}
			if err != nil {
				return err
			}
			if n := res.Count(openapi.Unmapped); strict && n > 0 {
				fmt.Fprintf(cmd.ErrOrStderr(), "atrium: --strict: %d unmapped parts, listed in %s\n", n, reportPath)
				exitStrict()
				return fmt.Errorf("--strict: %d unmapped parts, listed in %s", n, reportPath)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&specPath, "spec", "", "the OpenAPI document, YAML or JSON (required)")
	f.StringVar(&opts.Name, "name", "", "name of the @source and of the output files, e.g. billing (required)")
	f.StringVar(&outDir, "out", ".", "folder to write NAME.graphql and the report into")
	f.StringVar(&opts.BaseURL, "base-url", "", "the API's base URL (default: the document's first server)")
	f.StringArrayVar(&opts.Include, "include", nil, "import only operations matching 'tag:NAME' or 'path:/GLOB/**' (repeatable)")
	f.StringArrayVar(&opts.Exclude, "exclude", nil, "leave out operations matching 'tag:NAME' or 'path:/GLOB/**' (repeatable; wins over --include)")
	f.StringArrayVar(&opts.Query, "query", nil, "make an operation a Query field, e.g. 'POST /search' (repeatable)")
	f.StringArrayVar(&opts.Mutation, "mutation", nil, "make an operation a Mutation field, e.g. 'GET /reports/run' (repeatable)")
	f.BoolVar(&opts.Entities, "entities", false, "make GET /things/{id} an entity lookup of Thing (entity: true, @key)")
	f.BoolVar(&asJSON, "json", false, "write the report as JSON (NAME.report.json) and print it")
	f.BoolVar(&strict, "strict", false, "exit with status 2 when anything was not mapped")
	_ = cmd.MarkFlagRequired("spec")
	_ = cmd.MarkFlagRequired("name")
	return cmd
}
