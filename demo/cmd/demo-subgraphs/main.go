// Command demo-subgraphs serves the demo backends on consecutive ports: the four GraphQL
// subgraphs (accounts, products, reviews, inventory) at /graphql on 4001 to 4004 by default,
// the routing URLs of demo/supergraph.graphql, and the shipping REST service (a connector
// subgraph's backend) at /v1 on 4005. It stops cleanly on SIGINT or SIGTERM.
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
	"github.com/atrium-gateway/atrium/demo/shipping"
)

// subgraphs in port order: the base port serves the first.
var subgraphs = []struct {
	name    string
	handler func() http.Handler
	pattern string // where the handler is mounted
}{
	{accounts.Name, accounts.Handler, "/graphql"},
	{products.Name, products.Handler, "/graphql"},
	{reviews.Name, reviews.Handler, "/graphql"},
	{inventory.Name, inventory.Handler, "/graphql"},
	{shipping.Name, shipping.Handler, "/"},
}

// shutdownTimeout bounds how long requests in flight may take to finish on shutdown.
const shutdownTimeout = 5 * time.Second

func main() {
	host := flag.String("host", "127.0.0.1", "host or IP to listen on")
	basePort := flag.Int("base-port", 4001, "port of accounts; products, reviews, inventory and shipping take the next four")
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
		mux.Handle(sg.pattern, sg.handler())
		listeners[i] = ln
		servers[i] = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	}
	for i, sg := range subgraphs {
		where := "/graphql"
		if sg.pattern == "/" {
			where = "/v1 (REST)"
		}
		log.Printf("%-9s http://%s%s", sg.name, listeners[i].Addr(), where)
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
