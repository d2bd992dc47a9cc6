package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/atrium-gateway/atrium/federation/schemadiff"
	"github.com/atrium-gateway/atrium/registry"
	"github.com/atrium-gateway/atrium/registry/client"
	"github.com/atrium-gateway/atrium/resolvers"
	"github.com/atrium-gateway/atrium/server"
)

// Where the registry client commands find the API and its token when not told.
const (
	defaultRegistryEndpoint = "http://127.0.0.1:4000" + resolvers.Path
	registryEndpointEnv     = "ATRIUM_ENDPOINT"
	registryTokenEnv        = "ATRIUM_TOKEN"
)

// registryFlags are the flags every registry client command shares. Their defaults are
// resolved when a command runs, not when it is built, so that --help never shows a token.
type registryFlags struct {
	endpoint, token, variant string
}

func (f *registryFlags) register(cmd *cobra.Command) {
	pf := cmd.PersistentFlags()
	pf.StringVar(&f.endpoint, "endpoint", "", "URL of the registry API (default: $"+registryEndpointEnv+", else "+defaultRegistryEndpoint+", where 'atrium serve' serves it by default)")
	pf.StringVar(&f.variant, "variant", "", "a graph variant's registry (e.g. sandbox: /api/variants/sandbox/graphql on the endpoint's server) instead of the main graph's (docs/variants.md)")
	pf.StringVar(&f.token, "token", "", "admin token of the registry API, or an Atrium access token with the role needed (default: $"+registryTokenEnv+", else the contents of ./"+adminTokenFile+", the file 'atrium serve' writes when it generates the token)")
}

// registryClient is a client of the registry API that knows where its endpoint and
// token came from, to explain a refusal in terms of what the user passed.
type registryClient struct {
	*client.Client
	tokenFrom string // "--token", "$ATRIUM_TOKEN", "./.atrium/admin-token"; "" when none
	shown     string // the endpoint without any password, for messages
}

// connect resolves the endpoint and token: the flag, then the environment, then the
// default (for the token: the file `atrium serve` writes in the current folder).
func (f *registryFlags) connect() (*registryClient, error) {
	endpoint, from := f.endpoint, "--endpoint"
	if endpoint == "" {
		endpoint, from = os.Getenv(registryEndpointEnv), "$"+registryEndpointEnv
	}
	if endpoint == "" {
		endpoint = defaultRegistryEndpoint
	}
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%s %q is not an http(s) URL: give the registry API's URL, e.g. %s", from, endpoint, defaultRegistryEndpoint)
	}
	if u.Path == "" || u.Path == "/" {
		u.Path = resolvers.Path // a bare server address means its registry API
	}
	if f.variant != "" {
		if u.Path != resolvers.Path {
			return nil, fmt.Errorf("--variant needs the server's main registry API as the endpoint (%s), not %s", resolvers.Path, u.Path)
		}
		u.Path = server.VariantRegistryPath(url.PathEscape(f.variant))
	}
	c := &registryClient{Client: &client.Client{Endpoint: u.String()}, shown: u.Redacted()}
	switch {
	case f.token != "":
		c.Token, c.tokenFrom = strings.TrimSpace(f.token), "--token"
	case os.Getenv(registryTokenEnv) != "":
		c.Token, c.tokenFrom = strings.TrimSpace(os.Getenv(registryTokenEnv)), "$"+registryTokenEnv
	default:
		b, err := os.ReadFile(adminTokenFile)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("reading the admin token: %w", err)
		}
		c.Token, c.tokenFrom = strings.TrimSpace(string(b)), "./"+adminTokenFile
	}
	if c.Token == "" {
		c.tokenFrom = ""
	}
	return c, nil
}

// explain turns a failed call into an error a user can act on. It never shows the token.
func (c *registryClient) explain(err error) error {
	var refused *client.Error
	var netErr *url.Error
	switch {
	case err == nil:
		return nil
	case errors.As(err, &refused) && refused.Status == http.StatusUnauthorized && c.tokenFrom == "":
		return fmt.Errorf("the registry at %s needs its admin token, and none was given: pass --token, set $%s, or run this in the folder where 'atrium serve' wrote %s",
			c.shown, registryTokenEnv, adminTokenFile)
	case errors.As(err, &refused) && refused.Status == http.StatusUnauthorized:
		return fmt.Errorf("the registry at %s refused the token from %s (%s): pass the admin token 'atrium serve' was configured with (or wrote to %s), or a valid Atrium access token, with --token or $%s",
			c.shown, c.tokenFrom, refused.Error(), adminTokenFile, registryTokenEnv)
	case errors.As(err, &refused) && len(refused.Messages) == 0:
		return fmt.Errorf("%s answered %d %s: is it the registry API? 'atrium serve' serves it at the path %s",
			c.shown, refused.Status, http.StatusText(refused.Status), resolvers.Path)
	case errors.As(err, &refused):
		return fmt.Errorf("the registry answered: %s", strings.Join(refused.Messages, "; "))
	case errors.Is(err, syscall.ECONNREFUSED):
		return fmt.Errorf("cannot reach the registry at %s: connection refused. Is 'atrium serve' running? Start it, or point --endpoint (or $%s) at the registry API",
			c.shown, registryEndpointEnv)
	case errors.As(err, &netErr):
		return fmt.Errorf("cannot reach the registry at %s: %v", c.shown, netErr.Err)
	}
	return fmt.Errorf("registry at %s: %w", c.shown, err)
}

func subgraphCommand() *cobra.Command {
	var api registryFlags
	cmd := &cobra.Command{
		Use:   "subgraph",
		Short: "Publish, check, list and delete subgraphs in the schema registry",
		Long: `Manage the subgraphs of the schema registry that 'atrium serve' hosts, through its
API. A publish composes the subgraph with the others and, if that succeeds, records a new
supergraph version that every gateway then serves; a check tells whether a change would
compose and whether it breaks operations clients sent, without publishing it.

The registry API's URL comes from --endpoint, else $` + registryEndpointEnv + `, else
` + defaultRegistryEndpoint + `. Its admin token comes from --token, else
$` + registryTokenEnv + `, else the file ./` + adminTokenFile + ` that 'atrium serve' writes
when it generates one.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	api.register(cmd)
	cmd.AddCommand(publishCommand(&api), checkCommand(&api), listCommand(&api), deleteCommand(&api))
	return cmd
}

func publishCommand(api *registryFlags) *cobra.Command {
	var name, subgraphURL, schemaPath, owner, message string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "publish",
		Short: "Publish a subgraph's schema: compose it and record a new supergraph version",
		Long: `Publish a subgraph, new or changed. The registry composes it with the other
subgraphs; if composition succeeds it records a new supergraph version, which gateways
then serve, and this prints what changed for clients. If it fails, this prints every
composition error, nothing changes, and the command exits with status 1.

The schema comes from --schema (a file, or - for standard input) or, without it, from
the running subgraph at --url (its _service { sdl }).`,
		Example: `  atrium subgraph publish --name products --url http://127.0.0.1:4002/graphql
  atrium subgraph publish --name products --url http://products:4002/graphql --schema products.graphql --owner team-catalogue --message "add Product.weight"`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			sdl, err := readSchema(cmd, schemaPath, subgraphURL)
			if err != nil {
				return err
			}
			c, err := api.connect()
			if err != nil {
				return err
			}
			res, err := c.Publish(cmd.Context(), name, subgraphURL, sdl, owner, message)
			if err != nil {
				return c.explain(err)
			}
			if err := reportPublish(cmd, res, asJSON, ""); err != nil {
				return err
			}
			if len(res.Errors) > 0 {
				return fmt.Errorf("composition failed: %s", keeps(res.Version))
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&name, "name", "", "the subgraph's name (required)")
	f.StringVar(&subgraphURL, "url", "", "the URL gateways send the subgraph's requests to (required)")
	f.StringVar(&schemaPath, "schema", "", "file with the subgraph's SDL, or - for standard input (default: ask the subgraph at --url for _service { sdl })")
	f.StringVar(&owner, "owner", "", "the team that owns the subgraph (default: keep the registered owner)")
	f.StringVar(&message, "message", "", "why, for the version history")
	f.BoolVar(&asJSON, "json", false, "print the registry's answer as JSON")
	_ = cmd.MarkFlagRequired("name")
	_ = cmd.MarkFlagRequired("url")
	return cmd
}

func deleteCommand(api *registryFlags) *cobra.Command {
	var name, message string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "delete",
		Short: "Remove a subgraph and record the supergraph composed without it",
		Long: `Remove a subgraph from the registry. The registry composes the other subgraphs
without it and records that as a new supergraph version; if they do not compose, this
prints why, nothing changes, and the command exits with status 1. Check first with
'atrium subgraph check --delete' to see which operations in use would break.`,
		Example: `  atrium subgraph delete --name inventory --message "merged into products"`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := api.connect()
			if err != nil {
				return err
			}
			res, err := c.Delete(cmd.Context(), name, message)
			if err != nil {
				return c.explain(err)
			}
			if err := reportPublish(cmd, res, asJSON, "deleted "+name+": "); err != nil {
				return err
			}
			if len(res.Errors) > 0 {
				return fmt.Errorf("composition without %s failed: %s", name, keeps(res.Version))
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&name, "name", "", "the subgraph to remove (required)")
	f.StringVar(&message, "message", "", "why, for the version history")
	f.BoolVar(&asJSON, "json", false, "print the registry's answer as JSON")
	_ = cmd.MarkFlagRequired("name")
	return cmd
}

// keeps says what a failed publish left current.
func keeps(v *client.VersionRef) string {
	if v == nil {
		return "nothing was published, and the registry has no supergraph yet"
	}
	return fmt.Sprintf("the registry keeps version %d", v.ID)
}

// reportPublish prints what a publish or delete did: composition errors one per line,
// or the new version and its changes, after prefix. Hints go to standard error, as
// compose prints them.
func reportPublish(cmd *cobra.Command, res *client.PublishResult, asJSON bool, prefix string) error {
	if asJSON {
		return printJSON(cmd.OutOrStdout(), res)
	}
	var b strings.Builder
	switch {
	case len(res.Errors) > 0:
		for _, d := range res.Errors {
			b.WriteString(d.String() + "\n")
		}
	case res.Unchanged && res.Version != nil:
		fmt.Fprintf(&b, "unchanged: version %d is current\n", res.Version.ID)
	case res.Published && res.Version != nil:
		fmt.Fprintf(&b, "%spublished version %d of the supergraph (%s)\n", prefix, res.Version.ID, nounCount(len(res.Changes), "change"))
		for _, ch := range res.Changes {
			b.WriteString("  " + changeLine(ch) + "\n")
		}
	default:
		b.WriteString("nothing was published\n")
	}
	for _, h := range res.Hints {
		fmt.Fprintln(cmd.ErrOrStderr(), "hint:", h.String())
	}
	_, err := io.WriteString(cmd.OutOrStdout(), b.String())
	return err
}

func changeLine(c registry.Change) string {
	return fmt.Sprintf("%-9s %s %s: %s", c.Severity, c.Code, c.Coordinate, c.Message)
}

func nounCount(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// readSchema reads the SDL from --schema (a file, or "-" for standard input) or, without
// it, from the running subgraph at subgraphURL.
func readSchema(cmd *cobra.Command, path, subgraphURL string) (string, error) {
	if path == "" {
		sdl, err := fetchSDL(cmd.Context(), subgraphURL)
		if err != nil {
			return "", fmt.Errorf("%w (to read a file instead, pass --schema)", err)
		}
		return sdl, nil
	}
	var b []byte
	var err error
	if path == "-" {
		b, err = io.ReadAll(io.LimitReader(cmd.InOrStdin(), maxSDLBytes+1))
		path = "standard input"
	} else {
		b, err = os.ReadFile(path)
	}
	if err != nil {
		return "", fmt.Errorf("reading the schema: %w", err)
	}
	if len(b) > maxSDLBytes {
		return "", fmt.Errorf("the schema in %s is more than %d bytes", path, maxSDLBytes)
	}
	return string(b), nil
}

func checkCommand(api *registryFlags) *cobra.Command {
	var name, schemaPath, subgraphURL string
	var remove, asJSON bool
	var window time.Duration
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Check a proposed subgraph change against the registry, without publishing it",
		Long: `Check a proposed change to a subgraph (or, with --delete, its removal) without
publishing it: does it compose with the other subgraphs, what changes for clients, and
does a breaking change hit operations clients sent within --window. Prints every change
with its severity, the operations that use each breaking or dangerous one, and PASS or
FAIL on the last line. Exits with status 1 when the check fails (composition errors, or
a breaking change in use), so a CI pipeline can stop a deploy on it.

The proposed schema comes from --schema (a file, or - for standard input) or, without
it, from the running subgraph at --url (its _service { sdl }).`,
		Example: `  atrium subgraph check --name products --schema products.graphql
  atrium subgraph check --name products --url http://127.0.0.1:4002/graphql --window 720h
  atrium subgraph check --name inventory --delete`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if window <= 0 || window%time.Hour != 0 {
				return fmt.Errorf("--window %s: give a whole number of hours, e.g. 24h or 720h", window)
			}
			in := client.CheckInput{Name: name, URL: subgraphURL, Delete: remove, WindowHours: int(window / time.Hour)}
			switch {
			case remove && (schemaPath != "" || subgraphURL != ""):
				return errors.New("--delete checks removing the subgraph: leave out --schema and --url")
			case !remove && schemaPath == "" && subgraphURL == "":
				return errors.New("what should be checked? Pass --schema FILE (or - for standard input), --url of the running subgraph to read its _service { sdl }, or --delete")
			case !remove:
				var err error
				if in.SDL, err = readSchema(cmd, schemaPath, subgraphURL); err != nil {
					return err
				}
			}
			c, err := api.connect()
			if err != nil {
				return err
			}
			res, err := c.Check(cmd.Context(), in)
			if err != nil {
				return c.explain(err)
			}
			if asJSON {
				err = printJSON(cmd.OutOrStdout(), res)
			} else {
				err = reportCheck(cmd, res, window)
			}
			if err != nil {
				return err
			}
			if !res.Passed {
				return fmt.Errorf("check failed: %s", whyFailed(res, window))
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&name, "name", "", "the subgraph to check (required)")
	f.StringVar(&schemaPath, "schema", "", "file with the proposed SDL, or - for standard input")
	f.StringVar(&subgraphURL, "url", "", "the proposed URL (default: the published one); without --schema, the SDL is read from this running subgraph")
	f.BoolVar(&remove, "delete", false, "check removing the subgraph instead of changing it")
	f.DurationVar(&window, "window", registry.DefaultCheckWindow, "operations clients sent within this time count as in use (whole hours, at most 2160h)")
	f.BoolVar(&asJSON, "json", false, "print the registry's answer as JSON")
	_ = cmd.MarkFlagRequired("name")
	return cmd
}

// reportCheck prints a check: composition errors, or each change with the operations
// that use it; then PASS or FAIL on the last line.
func reportCheck(cmd *cobra.Command, res *client.Check, window time.Duration) error {
	var b strings.Builder
	base := fmt.Sprintf("version %d", res.BaseVersion)
	if res.BaseVersion == 0 {
		base = "an empty registry"
	}
	fmt.Fprintf(&b, "check %d: %s against %s, with the operations of the last %s\n", res.ID, res.Subgraph, base, inHours(window))
	for _, d := range res.Errors {
		b.WriteString(d.String() + "\n")
	}
	const indent = "          "
	for _, ch := range res.Changes {
		b.WriteString(changeLine(ch.Change) + "\n")
		switch {
		case ch.InUse:
			fmt.Fprintf(&b, "%sin use: %s, %s", indent, nounCount(ch.Operations, "operation"), nounCount(int(ch.Requests), "request"))
			if len(ch.OperationNames) > 0 {
				b.WriteString(" (" + strings.Join(ch.OperationNames, ", ") + ")")
			}
			b.WriteString("\n")
		case ch.Severity != schemadiff.Safe:
			b.WriteString(indent + "not used by any operation in the window\n")
		}
	}
	for _, h := range res.Hints {
		fmt.Fprintln(cmd.ErrOrStderr(), "hint:", h.String())
	}
	switch {
	case res.Passed && len(res.Changes) == 0:
		b.WriteString("PASS: nothing changes for clients\n")
	case res.Passed:
		fmt.Fprintf(&b, "PASS: %s, none breaks an operation in use\n", nounCount(len(res.Changes), "change"))
	default:
		fmt.Fprintf(&b, "FAIL: %s\n", whyFailed(res, window))
	}
	_, err := io.WriteString(cmd.OutOrStdout(), b.String())
	return err
}

func whyFailed(res *client.Check, window time.Duration) string {
	if len(res.Errors) > 0 {
		return fmt.Sprintf("%s does not compose with the other subgraphs (%s)", res.Subgraph, nounCount(len(res.Errors), "error"))
	}
	breaking := 0
	for _, ch := range res.Changes {
		if ch.InUse && ch.Severity == schemadiff.Breaking {
			breaking++
		}
	}
	if breaking == 0 {
		return "the registry judged the change unsafe"
	}
	return fmt.Sprintf("%s used by operations of the last %s", nounCount(breaking, "breaking change"), inHours(window))
}

func inHours(d time.Duration) string { return fmt.Sprintf("%dh", int64(d/time.Hour)) }

func listCommand(api *registryFlags) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:     "list",
		Short:   "List the subgraphs that compose the current supergraph",
		Example: "  atrium subgraph list\n  atrium subgraph list --json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := api.connect()
			if err != nil {
				return err
			}
			subs, err := c.Subgraphs(cmd.Context())
			if err != nil {
				return c.explain(err)
			}
			out := cmd.OutOrStdout()
			if asJSON {
				return printJSON(out, subs)
			}
			if len(subs) == 0 {
				_, err := fmt.Fprintln(out, "no subgraphs yet: publish one with 'atrium subgraph publish'")
				return err
			}
			tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tURL\tOWNER\tUPDATED")
			for _, s := range subs {
				owner := s.Owner
				if owner == "" {
					owner = "-"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", s.Name, s.URL, owner, s.UpdatedAt.UTC().Format(time.RFC3339))
			}
			return tw.Flush()
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the registry's answer as JSON")
	return cmd
}

func supergraphCommand() *cobra.Command {
	var api registryFlags
	cmd := &cobra.Command{
		Use:   "supergraph",
		Short: "Read supergraph versions from the schema registry",
		Long: `Read the supergraphs the schema registry composed, through its API. The API's
URL and admin token come from --endpoint and --token, else $` + registryEndpointEnv + ` and
$` + registryTokenEnv + `, else ` + defaultRegistryEndpoint + ` and the file
./` + adminTokenFile + ` that 'atrium serve' writes.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	api.register(cmd)
	cmd.AddCommand(fetchCommand(&api))
	return cmd
}

func fetchCommand(api *registryFlags) *cobra.Command {
	var id int64
	var output string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "fetch",
		Short: "Print or save a supergraph version's SDL",
		Long: `Print the SDL of the current supergraph version (or of --version N) exactly as the
registry stores it, or replace the file --output in one step, so a gateway watching it
never reads half a file.`,
		Example: "  atrium supergraph fetch > supergraph.graphql\n  atrium supergraph fetch --version 12 --output supergraph.graphql",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if id < 0 {
				return fmt.Errorf("--version %d: give a version number (1, 2, …), or 0 for the current one", id)
			}
			c, err := api.connect()
			if err != nil {
				return err
			}
			v, err := c.Version(cmd.Context(), id)
			if err != nil {
				return c.explain(err)
			}
			switch {
			case v == nil && id == 0:
				return errors.New("the registry has no supergraph yet: publish a subgraph first with 'atrium subgraph publish'")
			case v == nil:
				return fmt.Errorf("the registry has no version %d of the supergraph", id)
			}
			toFile := output != "" && output != "-"
			if toFile {
				if err := writeFileAtomic(output, []byte(v.SDL)); err != nil {
					return fmt.Errorf("writing the supergraph: %w", err)
				}
			}
			switch {
			case asJSON:
				return printJSON(cmd.OutOrStdout(), v)
			case toFile:
				_, err = fmt.Fprintf(cmd.ErrOrStderr(), "wrote version %d of the supergraph to %s\n", v.ID, output)
			default:
				_, err = io.WriteString(cmd.OutOrStdout(), v.SDL)
			}
			return err
		},
	}
	f := cmd.Flags()
	f.Int64Var(&id, "version", 0, "the version to fetch (0: the current one)")
	f.StringVarP(&output, "output", "o", "", "write the SDL to this file instead of standard output")
	f.BoolVar(&asJSON, "json", false, "print the version (number, SDL, subgraphs, changes, …) as JSON")
	return cmd
}

// printJSON prints a registry answer as the client decoded it: the registry API's field
// names (schema/registry.graphqls), the fields the command asked for.
func printJSON(w io.Writer, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}
