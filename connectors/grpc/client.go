package grpc

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	grpclib "google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/resolver"
	"google.golang.org/grpc/resolver/manual"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	_ "google.golang.org/grpc/balancer/leastrequest" // least_outstanding
	_ "google.golang.org/grpc/health"                // client-side health checking
)

// ClientConfig says how to reach one gRPC service.
type ClientConfig struct {
	// Addresses are the service's instances (host:port); calls are balanced over them.
	Addresses []string
	// LeastOutstanding balances by in-flight calls (power of two choices) instead of
	// round robin.
	LeastOutstanding bool
	// TLS, when set, secures the connections (nil: plaintext).
	TLS *tls.Config
	// Attempts (≥ 2) retries the RetryMethods on UNAVAILABLE, with exponential backoff
	// from Backoff up to MaxBackoff. gRPC caps attempts at 5.
	Attempts            int
	Backoff, MaxBackoff time.Duration
	// RetryMethods are the full names (pkg.Service/Method) of the methods safe to retry:
	// those with no side effects.
	RetryMethods []string
}

// Dial makes the client of one service: grpc-go balances over the addresses, skips
// instances whose grpc.health.v1 status is not SERVING (servers without the health
// service count as healthy) and retries idempotent methods. Nothing is dialled until the
// first call.
func Dial(cfg ClientConfig) (*grpclib.ClientConn, error) {
	if len(cfg.Addresses) == 0 {
		return nil, errors.New("no address")
	}
	addrs := make([]resolver.Address, len(cfg.Addresses))
	for i, a := range cfg.Addresses {
		if strings.Contains(a, "://") || !strings.Contains(a, ":") {
			return nil, fmt.Errorf("address %q must be host:port", a)
		}
		// Each instance is verified (TLS) under its own host name, not the channel's.
		host, _, _ := net.SplitHostPort(a)
		addrs[i] = resolver.Address{Addr: a, ServerName: host}
	}
	r := manual.NewBuilderWithScheme("atrium")
	r.InitialState(resolver.State{Addresses: addrs})
	creds := insecure.NewCredentials()
	if cfg.TLS != nil {
		creds = credentials.NewTLS(cfg.TLS)
	}
	return grpclib.NewClient(r.Scheme()+":///service", grpclib.WithResolvers(r),
		grpclib.WithTransportCredentials(creds),
		grpclib.WithDefaultServiceConfig(serviceConfig(cfg)))
}

// serviceConfig is the gRPC service config for cfg.
func serviceConfig(cfg ClientConfig) string {
	policy := `{"round_robin":{}}`
	if cfg.LeastOutstanding {
		policy = `{"least_request_experimental":{"choiceCount":2}}`
	}
	sc := map[string]any{
		"loadBalancingConfig": []json.RawMessage{json.RawMessage(policy)},
		"healthCheckConfig":   map[string]any{"serviceName": ""},
	}
	if cfg.Attempts >= 2 && len(cfg.RetryMethods) > 0 {
		backoff, maxBackoff := cfg.Backoff, cfg.MaxBackoff
		if backoff <= 0 {
			backoff = 25 * time.Millisecond
		}
		if maxBackoff < backoff {
			maxBackoff = max(time.Second, backoff)
		}
		var names []map[string]string
		for _, m := range cfg.RetryMethods {
			svc, method, _ := strings.Cut(m, "/")
			names = append(names, map[string]string{"service": svc, "method": method})
		}
		sc["methodConfig"] = []any{map[string]any{
			"name": names,
			"retryPolicy": map[string]any{
				"maxAttempts": min(cfg.Attempts, 5), "initialBackoff": seconds(backoff), "maxBackoff": seconds(maxBackoff),
				"backoffMultiplier": 2, "retryableStatusCodes": []string{"UNAVAILABLE"},
			},
		}}
	}
	b, _ := json.Marshal(sc)
	return string(b)
}

func seconds(d time.Duration) string { return fmt.Sprintf("%gs", d.Seconds()) }

// ErrBadRequest is a request that does not fit the method's input message.
var ErrBadRequest = errors.New("the request does not fit the method's input")

// Invoke calls a unary method with a request in proto3 JSON form and answers the
// response in proto3 JSON form: json_name keys, every field present (proto3 zero values
// are real values), int64 as strings. md is sent as the call's metadata.
func Invoke(ctx context.Context, conn grpclib.ClientConnInterface, m protoreflect.MethodDescriptor, request []byte, md metadata.MD) ([]byte, error) {
	in := dynamicpb.NewMessage(m.Input())
	if len(request) > 0 {
		if err := (protojson.UnmarshalOptions{}).Unmarshal(request, in); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrBadRequest, err)
		}
	}
	out := dynamicpb.NewMessage(m.Output())
	if len(md) > 0 {
		ctx = metadata.NewOutgoingContext(ctx, md)
	}
	if err := conn.Invoke(ctx, FullMethod(m), in, out); err != nil {
		return nil, err
	}
	return protojson.MarshalOptions{EmitUnpopulated: true}.Marshal(out)
}

// FullMethod is the method's path on the wire: /pkg.Service/Method.
func FullMethod(m protoreflect.MethodDescriptor) string {
	return "/" + string(m.Parent().FullName()) + "/" + string(m.Name())
}

// codeNames are the canonical names of gRPC status codes, as GraphQL error codes.
var codeNames = map[codes.Code]string{
	codes.OK: "OK", codes.Canceled: "CANCELLED", codes.Unknown: "UNKNOWN", codes.InvalidArgument: "INVALID_ARGUMENT",
	codes.DeadlineExceeded: "DEADLINE_EXCEEDED", codes.NotFound: "NOT_FOUND", codes.AlreadyExists: "ALREADY_EXISTS",
	codes.PermissionDenied: "PERMISSION_DENIED", codes.ResourceExhausted: "RESOURCE_EXHAUSTED",
	codes.FailedPrecondition: "FAILED_PRECONDITION", codes.Aborted: "ABORTED", codes.OutOfRange: "OUT_OF_RANGE",
	codes.Unimplemented: "UNIMPLEMENTED", codes.Internal: "INTERNAL", codes.Unavailable: "UNAVAILABLE",
	codes.DataLoss: "DATA_LOSS", codes.Unauthenticated: "UNAUTHENTICATED",
}

// Status reads a call's error as a gRPC status: its canonical name ("NOT_FOUND"), number
// and message. Errors that are not statuses read as UNKNOWN.
func Status(err error) (name string, code codes.Code, message string) {
	st, _ := status.FromError(err)
	code = st.Code()
	name = codeNames[code]
	if name == "" {
		name = "UNKNOWN"
	}
	return name, code, st.Message()
}
