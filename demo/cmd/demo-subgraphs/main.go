// Command demo-subgraphs serves the four demo subgraphs (accounts, products, reviews,
// inventory) at /graphql on four consecutive ports, 4001 to 4004 by default: the routing URLs
// of demo/supergraph.graphql. It stops cleanly on SIGINT or SIGTERM.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/atrium-gateway/atrium/demo/accounts"
	"github.com/atrium-gateway/atrium/demo/inventory"
	"github.com/atrium-gateway/atrium/demo/products"
	"github.com/atrium-gateway/atrium/demo/reviews"
)

// subgraphs in port order: the base port serves the first.
var subgraphs = []struct {
	name    string
	handler func() http.Handler
}{
	{accounts.Name, accounts.Handler},
	{products.Name, products.Handler},
	{reviews.Name, reviews.Handler},
	{inventory.Name, inventory.Handler},
}

// shutdownTimeout bounds how long requests in flight may take to finish on shutdown.
const shutdownTimeout = 5 * time.Second

func main() {
	host := flag.String("host", "127.0.0.1", "host or IP to listen on")
	basePort := flag.Int("base-port", 4001, "port of accounts; products, reviews and inventory take the next three")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, *host, *basePort); err != nil {
		log.Fatalf("demo-subgraphs: %v", err)
	}
}

// run listens on every port before serving any, so a port in use fails the whole start, and
// serves until ctx is done or a server fails.
func run(ctx context.Context, host string, basePort int) error {
	if basePort < 1 || basePort+len(subgraphs)-1 > 65535 {
		return fmt.Errorf("-base-port %d: must be in 1..%d", basePort, 65535-len(subgraphs)+1)
	}
	servers := make([]*http.Server, len(subgraphs))
	listeners := make([]net.Listener, len(subgraphs))
	for i, sg := range subgraphs {
		addr := net.JoinHostPort(host, strconv.Itoa(basePort+i))
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			for _, l := range listeners[:i] {
				_ = l.Close()
			}
			return fmt.Errorf("%s: %w (choose other ports with -base-port)", sg.name, err)
		}
		mux := http.NewServeMux()
		mux.Handle("/graphql", sg.handler())
		listeners[i] = ln
		servers[i] = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	}
	for i, sg := range subgraphs {
		log.Printf("%-9s http://%s/graphql", sg.name, listeners[i].Addr())
	}

	failed := make(chan error, len(servers))
	for i, srv := range servers {
		go func() {
			if err := srv.Serve(listeners[i]); !errors.Is(err, http.ErrServerClosed) {
				failed <- fmt.Errorf("%s: %w", subgraphs[i].name, err)
			}
		}()
	}

	var err error
	select {
	case <-ctx.Done():
		log.Print("shutting down")
	case err = <-failed:
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	for i, srv := range servers {
		if e := srv.Shutdown(shutdownCtx); e != nil {
			err = errors.Join(err, fmt.Errorf("%s: shutdown: %w", subgraphs[i].name, e))
		}
	}
	return err
}
