// A stand-in for go.withmatt.com/connect-brotli, which the Go module proxy reachable here
// does not serve (403), for building the Cosmo Router (../install.sh). The router
// uses it only for the control plane and GraphQL metrics clients, which the benchmark's
// config.yaml turns off.
module go.withmatt.com/connect-brotli

go 1.21

require (
	connectrpc.com/connect v1.16.2
	github.com/andybalholm/brotli v1.1.0
)

require google.golang.org/protobuf v1.33.0 // indirect
