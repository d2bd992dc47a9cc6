package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/atrium-gateway/atrium/auth"
	"github.com/atrium-gateway/atrium/auth/issuer"
	"github.com/atrium-gateway/atrium/config"
	"github.com/atrium-gateway/atrium/federation"
	"github.com/atrium-gateway/atrium/gateway"
	"github.com/atrium-gateway/atrium/gateway/products"
	"github.com/atrium-gateway/atrium/metrics"
	"github.com/atrium-gateway/atrium/registry"
	"github.com/atrium-gateway/atrium/registry/store"
	"github.com/atrium-gateway/atrium/resolvers"
	"github.com/atrium-gateway/atrium/server"
)

func serveCommand() *cobra.Command {
	var (
		supergraphPath string
		database       string
		adminToken     string
		poll           time.Duration
		usageInterval  time.Duration
		listen         string
		opts           gateway.Options
		noPlayground   bool
		pprofAddr      string
		configPath     string
	)
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the gateway and the schema registry",
		Long: `Serve the federated GraphQL API at /graphql (with a playground for browsers) and a
health check at /health.

By default the supergraph comes from the schema registry, which this process also
serves at /api/graphql: teams publish subgraphs (atrium subgraph publish), the registry
composes them, and the gateway swaps in each new version without dropping a request.
The registry lives in SQLite at ./.atrium/registry.db unless --database names another
SQLite file or a PostgreSQL server, which several gateways can share: each follows new
versions within about a second (LISTEN/NOTIFY, with polling as the fallback).

The registry API needs an admin token: --admin-token, or $ATRIUM_ADMIN_TOKEN, or else
one generated at first start into ./.atrium/admin-token, where the CLI finds it. It also
accepts the access tokens of Atrium's token issuer, with the roles their scopes give
(atrium.yaml portal:, docs/registry.md#authentication-and-roles).

With --supergraph the gateway serves that file instead, and reloads it when it changes
(a file that does not load is logged and the previous supergraph keeps serving).`,
		Example: `  atrium serve
  atrium serve --database postgres://atrium@db:5432/atrium
  atrium serve --supergraph supergraph.graphql --listen 127.0.0.1:4000
  atrium serve --config atrium.yaml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			if pprofAddr != "" {
				if err := servePprof(pprofAddr); err != nil {
					return err
				}
			}
			var cfg config.Config
			if configPath != "" {
				c, err := config.Load(configPath)
				if err != nil {
					return err
				}
				cfg = *c
				opts.SubgraphTraffic, opts.ConnectorSources = c.Subgraphs, c.Connectors.Sources
				opts.Forwarding = c.Forwarding.Rules()
				opts.Authorization = auth.Rules(c.Authorization)
				opts.Limits = c.Limits.Apply(opts.Limits)
			}
			opts.Logger = slog.Default()
			gw := gateway.New(nil)
			var graphqlAPI http.Handler = gw // the router of API products, when the registry is served
			routes := server.Options{Playground: !noPlayground, Metrics: metrics.Handler(gw)}
			// Listening first gives the token issuer its default URL (the real port).
			ln, err := net.Listen("tcp", listen)
			if err != nil {
				return err
			}
			defer ln.Close()
			var verifier *auth.Verifier
			if len(cfg.Auth.Providers) > 0 {
				if verifier, err = auth.NewVerifier(ctx, cfg.Auth.Providers, nil); err != nil {
					return err
				}
			}
			if supergraphPath != "" {
				sdl, err := readSupergraph(supergraphPath)
				if err != nil {
					return err
				}
				if err := gw.Load(supergraphPath, sdl, opts); err != nil {
					return err
				}
				go watchFile(ctx, supergraphPath, poll, sdl, func(sdl string) {
					if err := gw.Load(supergraphPath, sdl, opts); err != nil {
						slog.Error("the supergraph file changed but does not load; still serving the previous one", "error", err)
						return
					}
					slog.Info("supergraph file reloaded", "path", supergraphPath)
				})
			} else {
				st, err := store.Open(ctx, database)
				if err != nil {
					return err
				}
				defer st.Close()
				token, err := resolveAdminToken(adminToken)
				if err != nil {
					return err
				}
				var iss *issuer.Issuer
				if !cfg.Issuer.Disabled {
					iss, err = issuer.New(ctx, cfg.Issuer.WithDefaults(ln.Addr().String()), issuer.Options{
						Store: st, Providers: cfg.Auth.Providers, Upstream: verifier, Logger: slog.Default()})
					if err != nil {
						return err
					}
					go iss.Run(ctx)
					if verifier == nil {
						if verifier, err = auth.NewVerifier(ctx, nil, nil); err != nil {
							return err
						}
					}
					if err := iss.Trust(verifier); err != nil {
						return err
					}
					routes.Issuer, routes.IssuerPaths = iss.Handler(), iss.Paths()
				}
				portal := cfg.Portal.WithDefaults()
				api := resolvers.Options{AdminToken: token, Issuer: iss, Roles: resolvers.Roles(portal.Roles), ClientScopes: portal.ClientScopes,
					Health: gw} // the status page: this process's gateway's view of the subgraphs
				if iss != nil {
					api.Verifier = verifier // it trusts iss (above): the API admits Atrium's tokens
				}
				reg := registry.New(st)
				if routes.Registry, err = resolvers.Handler(reg, api); err != nil {
					return err
				}
				if routes.Portal, err = servePortal(ctx, reg, iss, "http://"+ln.Addr().String(), cfg.VariantNames()); err != nil {
					return err
				}
				// API products: a subscribed client's requests go to its product's contract.
				router := products.New(gw, productSource{st}, productContract, slog.Default())
				go router.Run(ctx, poll)
				graphqlAPI = router
				// Usage feeds schema checks; its recorder outlives the HTTP server.
				defer followRegistry(ctx, st, router, opts, poll, usageInterval, "")()
				variants, stopVariants, err := serveVariants(ctx, &cfg, database, api, opts, poll, usageInterval)
				if err != nil {
					return err
				}
				defer stopVariants()
				routes.Variants = variants
			}
			if verifier != nil {
				routes.Authenticate = auth.Middleware(verifier, auth.MiddlewareOptions{AllowAnonymous: cfg.Auth.AllowAnonymous(), Logger: slog.Default()})
			} else if !cfg.Auth.AllowAnonymous() {
				return errors.New("auth.anonymous: false would refuse every request: configure auth.providers, or serve the registry (its token issuer)")
			}
			srv := &http.Server{Handler: server.New(graphqlAPI, routes), ReadHeaderTimeout: 10 * time.Second}
			errc := make(chan error, 1)
			go func() { errc <- srv.Serve(ln) }()
			base := "http://" + ln.Addr().String()
			if routes.Registry != nil {
				slog.Info("atrium is serving", "graphql", base+"/graphql", "registry", base+server.RegistryPath, "database", store.Describe(database))
				if routes.Issuer != nil {
					slog.Info("token issuer", "issuer", cfg.Issuer.WithDefaults(ln.Addr().String()).URL, "token", cfg.Issuer.WithDefaults(ln.Addr().String()).URL+issuer.TokenPath)
				}
			} else {
				slog.Info("atrium is serving", "graphql", base+"/graphql", "supergraph", supergraphPath)
			}
			select {
			case err := <-errc:
				return err
			case <-ctx.Done():
			}
			shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := srv.Shutdown(shutdown); err != nil && !errors.Is(err, http.ErrServerClosed) {
				return err
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&configPath, "config", "", "read atrium.yaml: traffic of GraphQL subgraphs (several URLs, health checks, retries, breakers) and connector sources (docs/configuration.md)")
	f.StringVar(&supergraphPath, "supergraph", "", "serve this supergraph file (and reload it when it changes) instead of the registry's")
	f.StringVar(&database, "database", os.Getenv("ATRIUM_DATABASE"), "the registry's database: a SQLite file (path.db or sqlite:path) or postgres://…; default $ATRIUM_DATABASE, else ./.atrium/registry.db")
	f.StringVar(&adminToken, "admin-token", "", "bearer token of the registry API; default $ATRIUM_ADMIN_TOKEN, else generated into ./.atrium/admin-token")
	f.DurationVar(&poll, "poll", time.Second, "how often to re-read the registry or the --supergraph file for a new version")
	f.DurationVar(&usageInterval, "usage-interval", gateway.DefaultUsageFlushInterval, "how often the gateway writes the operations it served to the registry, for schema checks")
	f.StringVar(&listen, "listen", "127.0.0.1:4000", "address to listen on")
	f.DurationVar(&opts.SubgraphTimeout, "subgraph-timeout", 30*time.Second, "time limit of each subgraph request")
	f.IntVar(&opts.Limits.MaxDepth, "max-depth", 100, "refuse operations nested deeper than this (0: no limit; limits: in atrium.yaml sets the others)")
	f.Int64Var(&opts.MaxBodyBytes, "max-body-bytes", 2<<20, "largest request body accepted")
	f.BoolVar(&opts.Dedup, "dedup", false, "share one execution among identical operations in flight, and one call among identical subgraph queries")
	f.StringSliceVar(&opts.OverrideLabels, "override-label", nil, "switch on a progressive override label: fields @override(label:) with it are read from the overriding subgraph (repeatable; percent(N) labels need no switch)")
	f.BoolVar(&opts.Debug, "debug", false, "let clients ask for query plans with the Atrium-Query-Plan: true header")
	f.BoolVar(&opts.DisableIntrospection, "no-introspection", false, "refuse introspection queries")
	f.BoolVar(&noPlayground, "no-playground", false, "do not serve the GraphiQL playground to browsers")
	f.StringVar(&pprofAddr, "pprof", "", "serve Go's profiler (/debug/pprof/) on this separate address, e.g. 127.0.0.1:6060")
	return cmd
}

// adminTokenFile is where serve keeps a generated admin token, and where the CLI looks.
const adminTokenFile = ".atrium/admin-token"

// resolveAdminToken returns the registry API's token: the flag's, $ATRIUM_ADMIN_TOKEN, or
// the one in adminTokenFile, generated at first start.
func resolveAdminToken(flag string) (string, error) {
	if flag != "" {
		return flag, nil
	}
	if env := strings.TrimSpace(os.Getenv("ATRIUM_ADMIN_TOKEN")); env != "" {
		return env, nil
	}
	if b, err := os.ReadFile(adminTokenFile); err == nil {
		if token := strings.TrimSpace(string(b)); token != "" {
			return token, nil
		}
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", err
	}
	token := base64.RawURLEncoding.EncodeToString(raw)
	if err := os.MkdirAll(filepath.Dir(adminTokenFile), 0o700); err != nil {
		return "", fmt.Errorf("writing the admin token: %w", err)
	}
	if err := os.WriteFile(adminTokenFile, []byte(token+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("writing the admin token: %w", err)
	}
	slog.Info("generated the registry's admin token", "file", adminTokenFile)
	return token, nil
}

func loadSupergraph(path string) (*federation.Supergraph, error) {
	sdl, err := readSupergraph(path)
	if err != nil {
		return nil, err
	}
	return federation.Parse(path, sdl)
}

func readSupergraph(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("reading the supergraph: %w", err)
	}
	return string(b), nil
}

// watchFile calls changed with the file's text each time it differs from the last text
// seen, until ctx ends. It polls: editors replace files by renaming and Kubernetes swaps
// ConfigMap folders by symlink, both of which lose inotify watches, while a stat per
// interval sees every one of them. A file that cannot be read is skipped until it can.
func watchFile(ctx context.Context, path string, every time.Duration, last string, changed func(string)) {
	if every <= 0 {
		every = time.Second
	}
	var lastStat os.FileInfo
	if fi, err := os.Stat(path); err == nil {
		lastStat = fi
	}
	ticker := time.NewTicker(every)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
		fi, err := os.Stat(path)
		if err != nil || (lastStat != nil && fi.ModTime().Equal(lastStat.ModTime()) && fi.Size() == lastStat.Size() && os.SameFile(fi, lastStat)) {
			continue
		}
		lastStat = fi
		text, err := readSupergraph(path)
		if err != nil || text == last {
			continue
		}
		last = text
		changed(text)
	}
}

// servePprof serves net/http/pprof on its own listener, never on the API's.
func servePprof(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("--pprof: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	go func() { _ = http.Serve(ln, mux) }()
	slog.Info("profiler", "url", "http://"+ln.Addr().String()+"/debug/pprof/")
	return nil
}
