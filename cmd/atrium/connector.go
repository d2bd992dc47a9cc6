package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/atrium-gateway/atrium/connectors/grpc/importer"
	"github.com/atrium-gateway/atrium/connectors/openapi"
)

// exitStrict ends the process with status 2 when --strict finds unmapped parts. Tests
// replace it to observe the status without exiting.
var exitStrict = func() { os.Exit(2) }

func connectorCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "connector",
		Short: "Generate connector subgraphs from REST APIs and gRPC services",
		Long: `Generate subgraph schemas that call existing APIs through connectors: Apollo
Connectors (@source and @connect) for REST, Atrium's @grpcSource and @grpc for gRPC, so a
service joins the supergraph without a GraphQL server. Edit the result like any SDL, then
publish it with 'atrium subgraph publish'.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(openapiCommand(), grpcCommand())
	return cmd
}

// readError is a file read error without the operation and path, which the caller names.
func readError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
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
				return fmt.Errorf("reading --spec %s: %v", specPath, readError(err))
			}
			res, err := openapi.Import(spec, opts)
			if err != nil {
				return fmt.Errorf("%s: %v", specPath, err)
			}
			return writeImport(cmd, imported{name: opts.Name, sdl: res.SDL, text: res.Text(), json: res.JSON, parts: "operations",
				mapped: res.Mapped, queries: res.Summary.Queries, mutations: res.Summary.Mutations, skipped: res.Skipped,
				unmapped: res.Count(openapi.Unmapped), changed: res.Count(openapi.Changed), info: res.Count(openapi.Info)},
				outDir, asJSON, strict)
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

func grpcCommand() *cobra.Command {
	var opts importer.Options
	var outDir, descriptor string
	var protos, includes []string
	var reflect, useTLS, asJSON, strict bool
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:   "grpc",
		Short: "Import a gRPC service as a connector subgraph",
		Long: `Import gRPC services as a Federation v2 subgraph whose fields call them through
@grpcSource and @grpc: unary methods become Query or Mutation fields, messages become types,
and Get/BatchGet/Lookup methods become entity lookups. The descriptors come from the server's
reflection (--reflect, grpc.reflection.v1 or v1alpha), a descriptor set (--descriptor, as
'buf build -o' writes it) or .proto files (--proto with -I). They are carried inline in the
SDL, so gateways never depend on reflection. With several services, each gets its own
@grpcSource, named after the service (--service picks one). It writes NAME.graphql and
NAME.report.txt (NAME.report.json with --json) into --out. The report lists what was not
mapped (streaming methods, recursive fields cut from selections) or mapped differently
(names changed after a clash); see docs/connectors-grpc.md.

Exits with status 0 when the schema was written, 1 when the descriptors cannot be loaded,
and, with --strict, 2 when the report lists unmapped parts (the files are written anyway).`,
		Example: `  atrium connector grpc --name inventory --address inventory:50051 --reflect
  atrium connector grpc --name pricing --address pricing:50051 --descriptor pricing.binpb --out subgraphs
  atrium connector grpc --name shop --address shop:443 --reflect --tls --service acme.shop.v1.CartService
  atrium connector grpc --name inventory --address localhost:50051 --proto proto/acme/inventory/v1/inventory.proto -I proto --query Reserve --strict`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			n := 0
			for _, given := range []bool{reflect, descriptor != "", len(protos) > 0} {
				if given {
					n++
				}
			}
			switch {
			case n != 1:
				return errors.New("give exactly one of --reflect, --descriptor FILE or --proto FILE")
			case len(includes) > 0 && len(protos) == 0:
				return errors.New("-I applies to --proto only")
			case useTLS && !reflect:
				return errors.New("--tls applies to --reflect only (the gateway's TLS to the service is configured in atrium.yaml)")
			}
			if err := opts.Validate(); err != nil {
				return err
			}
			var d *importer.Descriptors
			var err error
			switch {
			case reflect:
				d, err = importer.Reflect(cmd.Context(), opts.Address, importer.ReflectOptions{TLS: useTLS, Timeout: timeout})
			case descriptor != "":
				var data []byte
				if data, err = os.ReadFile(descriptor); err != nil {
					return fmt.Errorf("reading --descriptor %s: %v", descriptor, readError(err))
				}
				if d, err = importer.LoadDescriptorSet(data); err != nil {
					err = fmt.Errorf("%s: %v", descriptor, err)
				}
			default:
				d, err = importer.LoadProto(cmd.Context(), protos, includes)
			}
			if err != nil {
				return err
			}
			res, err := importer.Import(d, opts)
			if err != nil {
				return err
			}
			return writeImport(cmd, imported{name: opts.Name, sdl: res.SDL, text: res.Text(), json: res.JSON, parts: "methods",
				mapped: res.Mapped, queries: res.Summary.Queries, mutations: res.Summary.Mutations, skipped: res.Skipped,
				unmapped: res.Count(importer.Unmapped), changed: res.Count(importer.Changed), info: res.Count(importer.Info)},
				outDir, asJSON, strict)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Name, "name", "", "name of the @grpcSource and of the output files, e.g. inventory (required)")
	f.StringVar(&opts.Address, "address", "", "the service's host:port, written into @grpcSource(address:) and dialed by --reflect (required)")
	f.BoolVar(&reflect, "reflect", false, "load the descriptors through the server's reflection at --address")
	f.StringVar(&descriptor, "descriptor", "", "load a binary FileDescriptorSet (buf build -o FILE, protoc --include_imports -o FILE)")
	f.StringArrayVar(&protos, "proto", nil, "compile a .proto file (repeatable)")
	f.StringArrayVarP(&includes, "import-path", "I", nil, "a folder imports are relative to, for --proto (repeatable; default: the current folder)")
	f.StringVar(&opts.Service, "service", "", "import only this service (full name, e.g. acme.inventory.v1.InventoryService)")
	f.StringArrayVar(&opts.Query, "query", nil, "make a method a Query field: GetThing or pkg.Service/GetThing (repeatable)")
	f.StringArrayVar(&opts.Mutation, "mutation", nil, "make a method a Mutation field (repeatable)")
	f.StringVar(&outDir, "out", ".", "folder to write NAME.graphql and the report into")
	f.BoolVar(&asJSON, "json", false, "write the report as JSON (NAME.report.json) and print it")
	f.BoolVar(&strict, "strict", false, "exit with status 2 when anything was not mapped")
	f.BoolVar(&useTLS, "tls", false, "--reflect over TLS, verified against the system's roots (default: plaintext)")
	f.DurationVar(&timeout, "timeout", 10*time.Second, "how long --reflect waits for the server")
	_ = cmd.MarkFlagRequired("name")
	_ = cmd.MarkFlagRequired("address")
	return cmd
}

// imported is what an importer produced, for writeImport.
type imported struct {
	name, sdl, text                     string
	json                                func() ([]byte, error)
	parts                               string // what was mapped: "operations", "methods"
	mapped, queries, mutations, skipped int
	unmapped, changed, info             int
}

// writeImport writes NAME.graphql and the report into outDir, says so (or prints the JSON
// report), and with --strict fails (exit 2) when something was not mapped.
func writeImport(cmd *cobra.Command, r imported, outDir string, asJSON, strict bool) error {
	report, ext := []byte(r.text), ".report.txt"
	if asJSON {
		var err error
		if report, err = r.json(); err != nil {
			return err
		}
		ext = ".report.json"
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return fmt.Errorf("--out: %v", err)
	}
	schemaPath := filepath.Join(outDir, r.name+".graphql")
	reportPath := filepath.Join(outDir, r.name+ext)
	if err := writeFileAtomic(schemaPath, []byte(r.sdl)); err != nil {
		return fmt.Errorf("writing %s: %v", schemaPath, err)
	}
	if err := writeFileAtomic(reportPath, report); err != nil {
		return fmt.Errorf("writing %s: %v", reportPath, err)
	}
	out := cmd.OutOrStdout()
	var err error
	if asJSON {
		_, err = out.Write(report)
	} else {
		_, err = fmt.Fprintf(out, "wrote %s: %d %s mapped (%d Query, %d Mutation), %d skipped\nwrote %s: %d unmapped, %d changed, %d info\n",
			schemaPath, r.mapped, r.parts, r.queries, r.mutations, r.skipped, reportPath, r.unmapped, r.changed, r.info)
	}
	if err != nil {
		return err
	}
	if strict && r.unmapped > 0 {
		fmt.Fprintf(cmd.ErrOrStderr(), "atrium: --strict: %d unmapped parts, listed in %s\n", r.unmapped, reportPath)
		exitStrict()
		return fmt.Errorf("--strict: %d unmapped parts, listed in %s", r.unmapped, reportPath)
	}
	return nil
}
