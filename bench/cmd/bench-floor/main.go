// Command bench-floor serves the floor of the gateway benchmark: POST /graphql answers the
// benchmark's TestQuery by making exactly the subgraph calls of Atrium's plan, stitched by
// hand (see package bench/floor).
//
//	bench-floor -listen 127.0.0.1:14300 -subgraphs http://127.0.0.1:14200
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/atrium-gateway/atrium/bench/floor"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:14300", "address to listen on")
	base := flag.String("subgraphs", "http://127.0.0.1:14200", "base URL of the subgraphs (serving /accounts, /inventory, /products, /reviews)")
	flag.Parse()
	if err := run(*listen, *base); err != nil {
		fmt.Fprintln(os.Stderr, "bench-floor:", err)
		os.Exit(1)
	}
}

func run(listen, base string) error {
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.Handle("/graphql", floor.New(base, nil))
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	slog.Info("the floor is serving", "graphql", "http://"+ln.Addr().String()+"/graphql", "subgraphs", base)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdown); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
