package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/atrium-gateway/atrium/auth/devidp"
)

// The dev IdP's accounts when no --user or --client is given.
var (
	defaultDevUsers   = []string{"demo:atrium:demo@atrium.local:staff"}
	defaultDevClients = []string{
		"atrium:atrium-dev-secret:http://127.0.0.1:4000/oauth/callback",
		"atrium-cli::http://127.0.0.1/callback,http://[::1]/callback",
	}
)

func devIDPCommand() *cobra.Command {
	var listen, issuer string
	var users, clients []string
	cmd := &cobra.Command{
		Use:   "dev-idp",
		Short: "Serve a local OpenID Connect provider for development (sign in offline as demo / atrium)",
		Long: `Serve an OpenID Connect provider on this machine, so that the gateway, the token issuer
and your apps can sign users in without any account or network: discovery, JWKS, the
authorization code flow with PKCE, refresh tokens, userinfo, introspection, revocation, and
a login page (username and password). make run starts it on 127.0.0.1:4010.

FOR DEVELOPMENT ONLY. It serves plain HTTP, keeps everything in memory (a restart signs
everybody out and changes the signing key), and its accounts and passwords are given on
the command line. Never expose it to a network or use it for real accounts.

Access tokens are ES256 JWTs whose aud holds the client id and "atrium", with a scope
claim; a gateway accepts them with this provider in atrium.yaml:

  auth:
    providers:
      - name: dev-idp
        issuer: http://127.0.0.1:4010
        audiences: [atrium]

Without --user there is one user, demo / atrium (demo@atrium.local, group staff).
Without --client there are two clients: "atrium" (confidential, secret atrium-dev-secret,
redirect URI http://127.0.0.1:4000/oauth/callback) and "atrium-cli" (public: PKCE, loopback
redirect URIs http://127.0.0.1/callback and http://[::1]/callback on any port).
docs/dev-idp.md shows how to get a token with curl.`,
		Example: `  atrium dev-idp
  atrium dev-idp --user alice:secret:alice@example.com:admins,staff --user bob:builder
  atrium dev-idp --client my-app:my-secret:http://127.0.0.1:3000/callback --client spa::http://localhost/cb
  atrium dev-idp --listen 0.0.0.0:4010 --issuer http://devbox.lan:4010`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts, err := devIDPOptions(users, clients)
			if err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			ln, err := net.Listen("tcp", listen)
			if err != nil {
				return err
			}
			defer ln.Close()
			opts.Issuer = issuer
			if opts.Issuer == "" {
				opts.Issuer = "http://" + ln.Addr().String()
			}
			opts.Logger = slog.Default()
			p, err := devidp.New(opts)
			if err != nil {
				return err
			}
			srv := &http.Server{Handler: p, ReadHeaderTimeout: 10 * time.Second}
			errc := make(chan error, 1)
			go func() { errc <- srv.Serve(ln) }()
			printDevIDP(cmd.OutOrStdout(), opts)
			select {
			case err := <-errc:
				return err
			case <-ctx.Done():
			}
			shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if err := srv.Shutdown(shutdown); err != nil && !errors.Is(err, http.ErrServerClosed) {
				return err
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&listen, "listen", "127.0.0.1:4010", "address to listen on")
	f.StringVar(&issuer, "issuer", "", "the issuer URL, the tokens' iss (scheme://host:port, no path); default http://<listen>")
	// StringArray, not StringSlice: groups and redirect URIs are comma-separated lists.
	f.StringArrayVar(&users, "user", nil, `a user, "username:password[:email[:group,group…]]" (repeatable; default demo:atrium:demo@atrium.local:staff)`)
	f.StringArrayVar(&clients, "client", nil, `a client, "id:secret:redirect_uri,redirect_uri…", an empty secret for a public client (repeatable; default the clients atrium and atrium-cli, see above)`)
	return cmd
}

// devIDPOptions parses --user and --client values (the defaults when there are none).
func devIDPOptions(users, clients []string) (devidp.Options, error) {
	if len(users) == 0 {
		users = defaultDevUsers
	}
	if len(clients) == 0 {
		clients = defaultDevClients
	}
	var opts devidp.Options
	var problems []string
	for _, u := range users {
		parts := strings.SplitN(u, ":", 4)
		if len(parts) < 2 || parts[0] == "" || parts[1] == "" {
			problems = append(problems, fmt.Sprintf("--user %q: want username:password[:email[:group,group…]]", u))
			continue
		}
		user := devidp.User{Username: parts[0], Password: parts[1]}
		if len(parts) > 2 {
			user.Email = parts[2]
		}
		if len(parts) > 3 {
			user.Groups = splitList(parts[3])
		}
		opts.Users = append(opts.Users, user)
	}
	for _, c := range clients {
		parts := strings.SplitN(c, ":", 3)
		if len(parts) < 3 || parts[0] == "" || len(splitList(parts[2])) == 0 {
			problems = append(problems, fmt.Sprintf("--client %q: want id:secret:redirect_uri[,redirect_uri…] (an empty secret for a public client)", c))
			continue
		}
		opts.Clients = append(opts.Clients, devidp.Client{ID: parts[0], Secret: parts[1], RedirectURIs: splitList(parts[2])})
	}
	if len(problems) > 0 {
		return opts, errors.New(strings.Join(problems, "\n"))
	}
	return opts, nil
}

// splitList splits a comma-separated list, dropping empty items.
func splitList(s string) []string {
	var out []string
	for item := range strings.SplitSeq(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// printDevIDP tells where the provider is and which accounts it has.
func printDevIDP(w io.Writer, opts devidp.Options) {
	fmt.Fprintf(w, "Atrium dev IdP — FOR DEVELOPMENT ONLY (plain HTTP, in memory, accounts from the command line)\n")
	fmt.Fprintf(w, "  issuer     %s\n", opts.Issuer)
	fmt.Fprintf(w, "  discovery  %s/.well-known/openid-configuration\n", opts.Issuer)
	for _, u := range opts.Users {
		fmt.Fprintf(w, "  user       %s / %s", u.Username, u.Password)
		if u.Email != "" {
			fmt.Fprintf(w, "  email %s", u.Email)
		}
		if len(u.Groups) > 0 {
			fmt.Fprintf(w, "  groups %s", strings.Join(u.Groups, ","))
		}
		fmt.Fprintln(w)
	}
	for _, c := range opts.Clients {
		kind := "public, PKCE S256; loopback redirect URIs on any port"
		if c.Secret != "" {
			kind = "confidential, secret " + c.Secret
		}
		fmt.Fprintf(w, "  client     %s (%s) → %s\n", c.ID, kind, strings.Join(c.RedirectURIs, ", "))
	}
}
