// Command bench-subgraphs serves the four subgraphs of the public GraphQL gateways benchmark
// on one port: POST /accounts, /inventory, /products and /reviews, GET /stats (requests
// served per subgraph) and POST /stats/reset.
//
//	bench-subgraphs -listen 127.0.0.1:14200
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

	"github.com/atrium-gateway/atrium/bench/subgraphs"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:14200", "address to listen on")
	flag.Parse()
	if err := run(*listen); err != nil {
		fmt.Fprintln(os.Stderr, "bench-subgraphs:", err)
		os.Exit(1)
	}
}

func run(listen string) error {
	srv, err := subgraphs.NewServer()
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	slog.Info("bench subgraphs are serving", "base", "http://"+ln.Addr().String(), "paths", "/accounts /inventory /products /reviews /stats")
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
