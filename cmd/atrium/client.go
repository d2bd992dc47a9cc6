package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/atrium-gateway/atrium/registry/client"
)

func clientCommand() *cobra.Command {
	var api registryFlags
	cmd := &cobra.Command{
		Use:   "client",
		Short: "Create, list, rotate and delete API clients of the token issuer",
		Long: `Manage the API clients of Atrium's token issuer through the registry API: applications
that get Atrium access tokens with client_credentials (services), sign users in with
authorization_code and PKCE (browser and native apps), or exchange an identity provider's
token (token exchange). docs/identity.md explains each.

A confidential client's secret is printed once, when it is created or rotated: only its
hash is kept. Clients users register through the registry API (the developer portal) may
wait for scopes they asked for: 'list' shows them as pending, and 'grant' grants them.
The registry API's URL and admin token are found as for 'atrium subgraph'.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	api.register(cmd)
	cmd.AddCommand(clientCreateCommand(&api), clientListCommand(&api), clientGrantCommand(&api), clientRotateCommand(&api),
		clientDeleteCommand(&api))
	return cmd
}

func clientCreateCommand(api *registryFlags) *cobra.Command {
	var spec client.APIClientSpec
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "create [id]",
		Short: "Register an API client and print its secret (once)",
		Example: `  atrium client create reports --scope orders:read --scope stock:read
  atrium client create storefront --public --redirect-uri https://shop.example.com/callback --scope orders:read
  atrium client create cli --public --redirect-uri http://127.0.0.1/callback
  atrium client create bff --grant-type urn:ietf:params:oauth:grant-type:token-exchange`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				spec.ID = args[0]
			}
			c, err := api.connect()
			if err != nil {
				return err
			}
			created, err := c.CreateClient(cmd.Context(), spec)
			if err != nil {
				return c.explain(err)
			}
			return printNewClient(cmd.OutOrStdout(), created, asJSON, "created")
		},
	}
	f := cmd.Flags()
	f.StringVar(&spec.Name, "name", "", "a name for people (default the ID)")
	f.BoolVar(&spec.Public, "public", false, "a public client (browser or native app): no secret, PKCE required")
	f.StringSliceVar(&spec.Scopes, "scope", nil, "a scope the client may obtain (repeatable); for user sign-ins, caps the user's scopes")
	f.StringSliceVar(&spec.GrantTypes, "grant-type", nil, "a grant type (repeatable): client_credentials (default for confidential clients), authorization_code and refresh_token (default for public ones), urn:ietf:params:oauth:grant-type:token-exchange")
	f.StringSliceVar(&spec.RedirectURIs, "redirect-uri", nil, "where a sign-in may return (repeatable); http only for 127.0.0.1, [::1] or localhost, whose port may vary")
	f.BoolVar(&asJSON, "json", false, "print the answer as JSON")
	return cmd
}

func printNewClient(out io.Writer, c *client.NewAPIClient, asJSON bool, what string) error {
	if asJSON {
		return printJSON(out, c)
	}
	fmt.Fprintf(out, "client %s %s\n", c.Client.ID, what)
	fmt.Fprintf(out, "  grant types: %s\n", strings.Join(c.Client.GrantTypes, ", "))
	if len(c.Client.Scopes) > 0 {
		fmt.Fprintf(out, "  scopes:      %s\n", strings.Join(c.Client.Scopes, " "))
	}
	if pending := c.Client.Pending(); len(pending) > 0 {
		fmt.Fprintf(out, "  pending:     %s (until an administrator grants them)\n", strings.Join(pending, " "))
	}
	if c.Secret == "" {
		_, err := fmt.Fprintln(out, "  public client: no secret; use PKCE")
		return err
	}
	_, err := fmt.Fprintf(out, "  secret:      %s\n\nThe secret is shown this once; keep it safe.\n", c.Secret)
	return err
}

func clientListCommand(api *registryFlags) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:     "list",
		Short:   "List the API clients",
		Example: "  atrium client list\n  atrium client list --json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := api.connect()
			if err != nil {
				return err
			}
			clients, err := c.Clients(cmd.Context())
			if err != nil {
				return c.explain(err)
			}
			out := cmd.OutOrStdout()
			if asJSON {
				return printJSON(out, clients)
			}
			if len(clients) == 0 {
				_, err := fmt.Fprintln(out, "no API clients yet: create one with 'atrium client create'")
				return err
			}
			tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tTYPE\tOWNER\tGRANT TYPES\tSCOPES\tPENDING\tCREATED")
			for _, cl := range clients {
				kind := "confidential"
				if cl.Public {
					kind = "public"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", cl.ID, kind, orDash(cl.Owner), strings.Join(cl.GrantTypes, ","),
					orDash(strings.Join(cl.Scopes, " ")), orDash(strings.Join(cl.Pending(), " ")), cl.CreatedAt.UTC().Format(time.RFC3339))
			}
			return tw.Flush()
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the answer as JSON")
	return cmd
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func clientGrantCommand(api *registryFlags) *cobra.Command {
	var scopes []string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "grant <id>",
		Short: "Grant a client the scopes it waits for, or set its scopes with --scope",
		Long: `Without --scope, grant a client every scope it asked for and waits for (pending in 'atrium
client list'), keeping those it has. With --scope, set the scopes it is granted to exactly
those given: taking one away revokes the client's tokens. Its next tokens carry the new
grant. Needs the admin token (or the ADMIN role).`,
		Example: "  atrium client grant client-x2Jd9q\n  atrium client grant client-x2Jd9q --scope reviews:read --scope orders:read",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := api.connect()
			if err != nil {
				return err
			}
			if len(scopes) == 0 {
				clients, err := c.Clients(cmd.Context())
				if err != nil {
					return c.explain(err)
				}
				i := slices.IndexFunc(clients, func(cl client.APIClient) bool { return cl.ID == args[0] })
				if i < 0 {
					return fmt.Errorf("there is no API client %q among those this token sees: see 'atrium client list'", args[0])
				}
				scopes = append(slices.Clone(clients[i].Scopes), clients[i].Pending()...)
			}
			granted, err := c.GrantClientScopes(cmd.Context(), args[0], scopes)
			if err != nil {
				return c.explain(err)
			}
			out := cmd.OutOrStdout()
			if asJSON {
				return printJSON(out, granted)
			}
			fmt.Fprintf(out, "client %s is granted: %s\n", granted.ID, orDash(strings.Join(granted.Scopes, " ")))
			if pending := granted.Pending(); len(pending) > 0 {
				fmt.Fprintf(out, "  still pending: %s\n", strings.Join(pending, " "))
			}
			return nil
		},
	}
	cmd.Flags().StringSliceVar(&scopes, "scope", nil, "a scope to grant (repeatable); the client is granted exactly these")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the answer as JSON")
	return cmd
}

func clientRotateCommand(api *registryFlags) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:     "rotate-secret <id>",
		Short:   "Give a confidential client a new secret; the old one stops working at once",
		Example: "  atrium client rotate-secret reports",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := api.connect()
			if err != nil {
				return err
			}
			rotated, err := c.RotateClientSecret(cmd.Context(), args[0])
			if err != nil {
				return c.explain(err)
			}
			return printNewClient(cmd.OutOrStdout(), rotated, asJSON, "has a new secret")
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the answer as JSON")
	return cmd
}

func clientDeleteCommand(api *registryFlags) *cobra.Command {
	return &cobra.Command{
		Use:     "delete <id>",
		Short:   "Remove an API client and revoke every token issued to it",
		Example: "  atrium client delete reports",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := api.connect()
			if err != nil {
				return err
			}
			if err := c.DeleteClient(cmd.Context(), args[0]); err != nil {
				return c.explain(err)
			}
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "client %s deleted; its tokens are revoked\n", args[0])
			return err
		},
	}
}
