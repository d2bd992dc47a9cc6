package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/atrium-gateway/atrium/federation"
	"github.com/atrium-gateway/atrium/gateway"
	"github.com/atrium-gateway/atrium/server"
)

func serveCommand() *cobra.Command {
	var (
		supergraphPath string
		listen         string
		opts           gateway.Options
		noPlayground   bool
		pprofAddr      string
	)
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve a supergraph's GraphQL API",
		Long: `Serve the GraphQL API of an Apollo Federation supergraph (the file that
'rover supergraph compose' writes) at /graphql, with a playground for browsers
and a health check at /health.`,
		Example: "  atrium serve --supergraph supergraph.graphql --listen 127.0.0.1:4000",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			sg, err := loadSupergraph(supergraphPath)
			if err != nil {
				return err
			}
			snap, err := gateway.NewSnapshot(sg, opts)
			if err != nil {
				return err
			}
			if pprofAddr != "" {
				if err := servePprof(pprofAddr); err != nil {
					return err
				}
			}
			gw := gateway.New(snap)
			handler := server.New(gw, server.Options{Playground: !noPlayground})
			ln, err := net.Listen("tcp", listen)
			if err != nil {
				return err
			}
			srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			errc := make(chan error, 1)
			go func() { errc <- srv.Serve(ln) }()
			slog.Info("atrium is serving", "graphql", "http://"+ln.Addr().String()+"/graphql", "subgraphs", len(sg.Subgraphs))
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
	f.StringVar(&supergraphPath, "supergraph", "supergraph.graphql", "path of the supergraph SDL")
	f.StringVar(&listen, "listen", "127.0.0.1:4000", "address to listen on")
	f.DurationVar(&opts.SubgraphTimeout, "subgraph-timeout", 30*time.Second, "time limit of each subgraph request")
	f.IntVar(&opts.MaxDepth, "max-depth", 100, "refuse operations nested deeper than this (0: no limit)")
	f.Int64Var(&opts.MaxBodyBytes, "max-body-bytes", 2<<20, "largest request body accepted")
	f.BoolVar(&opts.Dedup, "dedup", false, "share one execution among identical operations in flight, and one call among identical subgraph queries")
	f.StringSliceVar(&opts.OverrideLabels, "override-label", nil, "switch on a progressive override label: fields @override(label:) with it are read from the overriding subgraph (repeatable; percent(N) labels need no switch)")
	f.BoolVar(&opts.Debug, "debug", false, "let clients ask for query plans with the Atrium-Query-Plan: true header")
	f.BoolVar(&opts.DisableIntrospection, "no-introspection", false, "refuse introspection queries")
	f.BoolVar(&noPlayground, "no-playground", false, "do not serve the GraphiQL playground to browsers")
	f.StringVar(&pprofAddr, "pprof", "", "serve Go's profiler (/debug/pprof/) on this separate address, e.g. 127.0.0.1:6060")
	return cmd
}

func loadSupergraph(path string) (*federation.Supergraph, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading the supergraph: %w", err)
	}
	return federation.Parse(path, string(b))
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
