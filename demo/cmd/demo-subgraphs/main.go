// Command demo-subgraphs serves the demo backends on consecutive ports: the four GraphQL
// subgraphs (accounts, products, reviews, inventory) at /graphql on 4001 to 4004 by default,
// the routing URLs of demo/supergraph.graphql, then the backends of connector subgraphs: the
// shipping REST service at /v1 on 4005 and the pricing gRPC service on 4006. It stops
// cleanly on SIGINT or SIGTERM.
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

	"google.golang.org/grpc"

	"github.com/atrium-gateway/atrium/demo/accounts"
	"github.com/atrium-gateway/atrium/demo/inventory"
	"github.com/atrium-gateway/atrium/demo/pricing"
	"github.com/atrium-gateway/atrium/demo/products"
	"github.com/atrium-gateway/atrium/demo/reviews"
	"github.com/atrium-gateway/atrium/demo/shipping"
)

// subgraphs in port order: the base port serves the first.
var subgraphs = []struct {
	name   string
	url    string // logged, with %s the listener's address
	server func() server
}{
	{accounts.Name, "http://%s/graphql", httpServer("/graphql", accounts.Handler)},
	{products.Name, "http://%s/graphql", httpServer("/graphql", products.Handler)},
	{reviews.Name, "http://%s/graphql", httpServer("/graphql", reviews.Handler)},
	{inventory.Name, "http://%s/graphql", httpServer("/graphql", inventory.Handler)},
	{shipping.Name, "http://%s/v1 (REST)", httpServer("/", shipping.Handler)},
	{pricing.Name, "%s (gRPC, plaintext)", func() server { return grpcServer{pricing.NewServer()} }},
}

// server is what serves a backend on its listener: an *http.Server or a grpcServer.
type server interface {
	Serve(net.Listener) error
	Shutdown(context.Context) error
}

// httpServer mounts handler at pattern.
func httpServer(pattern string, handler func() http.Handler) func() server {
	return func() server {
		mux := http.NewServeMux()
		mux.Handle(pattern, handler())
		return &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	}
}

// grpcServer gives a gRPC server http.Server's Shutdown.
type grpcServer struct{ *grpc.Server }

// Shutdown stops accepting calls and waits for those in flight, cancelling them when ctx
// is done.
func (s grpcServer) Shutdown(ctx context.Context) error {
	done := make(chan struct{})
	go func() {
		s.GracefulStop()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		s.Stop()
		<-done
		return ctx.Err()
	}
}

// shutdownTimeout bounds how long requests in flight may take to finish on shutdown.
const shutdownTimeout = 5 * time.Second

func main() {
	host := flag.String("host", "127.0.0.1", "host or IP to listen on")
	basePort := flag.Int("base-port", 4001, "port of accounts; products, reviews, inventory, shipping and pricing take the next five")
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
	servers := make([]server, len(subgraphs))
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
		listeners[i] = ln
		servers[i] = sg.server()
	}
	for i, sg := range subgraphs {
		log.Printf("%-9s "+sg.url, sg.name, listeners[i].Addr())
	}

	failed := make(chan error, len(servers))
	for i, srv := range servers {
		go func() {
			// A gRPC server's Serve returns nil once stopped, or ErrServerStopped if
			// stopped before it started.
			err := srv.Serve(listeners[i])
			if err != nil && !errors.Is(err, http.ErrServerClosed) && !errors.Is(err, grpc.ErrServerStopped) {
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
