// Package grpctest serves gRPC services for tests without generated code: .proto sources
// compiled in process (bufbuild/protocompile) and handlers working on dynamicpb messages,
// on a real grpc.Server listening on 127.0.0.1 with reflection and health.
package grpctest

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"testing"
	"time"

	"github.com/bufbuild/protocompile"
	grpclib "google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/reflection"
	reflectionpb "google.golang.org/grpc/reflection/grpc_reflection_v1"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/dynamicpb"
)

// Compile compiles the named files of sources (file name → .proto text); imports of the
// well-known types resolve to the standard ones.
func Compile(tb testing.TB, sources map[string]string, names ...string) []protoreflect.FileDescriptor {
	tb.Helper()
	c := protocompile.Compiler{
		Resolver:       protocompile.WithStandardImports(&protocompile.SourceResolver{Accessor: protocompile.SourceAccessorFromMap(sources)}),
		SourceInfoMode: protocompile.SourceInfoStandard,
	}
	files, err := c.Compile(context.Background(), names...)
	if err != nil {
		tb.Fatalf("compiling %v: %v", names, err)
	}
	out := make([]protoreflect.FileDescriptor, len(files))
	for i, f := range files {
		out[i] = f
	}
	return out
}

// Handler answers one call of a unary method.
type Handler func(ctx context.Context, in *dynamicpb.Message) (proto.Message, error)

// Server is a running gRPC server.
type Server struct {
	Addr   string
	GRPC   *grpclib.Server
	Health *health.Server
}

// Serve starts a server for svc on 127.0.0.1:0, methods answered by handlers (by method
// name; a method without one answers UNIMPLEMENTED), with reflection over the service's
// files and the health service. It stops when the test ends.
func Serve(tb testing.TB, svc protoreflect.ServiceDescriptor, handlers map[string]Handler) *Server {
	tb.Helper()
	return serve(tb, svc, handlers)
}

// ServeTLS is Serve over TLS with cert (see SelfSigned).
func ServeTLS(tb testing.TB, svc protoreflect.ServiceDescriptor, handlers map[string]Handler, cert tls.Certificate) *Server {
	tb.Helper()
	return serve(tb, svc, handlers, grpclib.Creds(credentials.NewServerTLSFromCert(&cert)))
}

// SelfSigned makes a certificate for 127.0.0.1 and "localhost", and its PEM form, which
// clients trust as their root.
func SelfSigned(tb testing.TB) (tls.Certificate, []byte) {
	tb.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "grpctest"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, IsCA: true, BasicConstraintsValid: true,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		tb.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

func serve(tb testing.TB, svc protoreflect.ServiceDescriptor, handlers map[string]Handler, opts ...grpclib.ServerOption) *Server {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	srv := grpclib.NewServer(opts...)
	desc := grpclib.ServiceDesc{ServiceName: string(svc.FullName()), HandlerType: (*any)(nil)}
	methods := svc.Methods()
	for i := range methods.Len() {
		m := methods.Get(i)
		h := handlers[string(m.Name())]
		if h == nil || m.IsStreamingClient() || m.IsStreamingServer() {
			continue
		}
		desc.Methods = append(desc.Methods, grpclib.MethodDesc{
			MethodName: string(m.Name()),
			Handler: func(_ any, ctx context.Context, dec func(any) error, icpt grpclib.UnaryServerInterceptor) (any, error) {
				in := dynamicpb.NewMessage(m.Input())
				if err := dec(in); err != nil {
					return nil, err
				}
				call := func(ctx context.Context, req any) (any, error) { return h(ctx, req.(*dynamicpb.Message)) }
				if icpt == nil {
					return call(ctx, in)
				}
				return icpt(ctx, in, &grpclib.UnaryServerInfo{FullMethod: "/" + string(svc.FullName()) + "/" + string(m.Name())}, call)
			},
		})
	}
	srv.RegisterService(&desc, struct{}{})
	files := &protoregistry.Files{}
	register(files, svc.ParentFile())
	reflectionpb.RegisterServerReflectionServer(srv, reflection.NewServerV1(reflection.ServerOptions{Services: srv, DescriptorResolver: files}))
	hs := health.NewServer()
	healthpb.RegisterHealthServer(srv, hs)
	go func() { _ = srv.Serve(ln) }()
	tb.Cleanup(srv.Stop)
	return &Server{Addr: ln.Addr().String(), GRPC: srv, Health: hs}
}

// register adds fd and its imports to files, each once.
func register(files *protoregistry.Files, fd protoreflect.FileDescriptor) {
	if _, err := files.FindFileByPath(fd.Path()); err == nil {
		return
	}
	imports := fd.Imports()
	for i := range imports.Len() {
		register(files, imports.Get(i).FileDescriptor)
	}
	_ = files.RegisterFile(fd)
}
