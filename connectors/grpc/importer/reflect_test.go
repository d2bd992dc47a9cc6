package importer

import (
	"context"
	"net"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/reflection"
	rpb "google.golang.org/grpc/reflection/grpc_reflection_v1"
	rpbalpha "google.golang.org/grpc/reflection/grpc_reflection_v1alpha"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/dynamicpb"
)

// reflectionVersions says which reflection services a test server registers.
type reflectionVersions int

const (
	noReflection reflectionVersions = iota
	v1AndV1Alpha
	v1AlphaOnly
)

// serve starts a real gRPC server on 127.0.0.1 serving d's services without generated code
// (handlers decode into dynamicpb and answer an empty response), with health and, as asked,
// reflection over d's files. It returns the address.
func serve(t *testing.T, d *Descriptors, versions reflectionVersions) string {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	s := grpc.NewServer()
	for _, sd := range d.Services {
		s.RegisterService(dynamicService(sd), nil)
	}
	healthpb.RegisterHealthServer(s, health.NewServer())
	files := &protoregistry.Files{}
	for _, fd := range d.Files {
		require.NoError(t, files.RegisterFile(fd))
	}
	opts := reflection.ServerOptions{Services: s, DescriptorResolver: files, ExtensionResolver: &protoregistry.Types{}}
	switch versions {
	case v1AndV1Alpha:
		rpb.RegisterServerReflectionServer(s, reflection.NewServerV1(opts))
		rpbalpha.RegisterServerReflectionServer(s, reflection.NewServer(opts))
	case v1AlphaOnly:
		rpbalpha.RegisterServerReflectionServer(s, reflection.NewServer(opts))
	}
	go func() { _ = s.Serve(lis) }()
	t.Cleanup(s.Stop)
	return lis.Addr().String()
}

// dynamicService serves a service from its descriptor: unary methods decode the request
// and answer the empty response; streaming methods are unimplemented.
func dynamicService(sd protoreflect.ServiceDescriptor) *grpc.ServiceDesc {
	desc := &grpc.ServiceDesc{ServiceName: string(sd.FullName()), HandlerType: (*any)(nil)}
	methods := sd.Methods()
	for i := range methods.Len() {
		m := methods.Get(i)
		if m.IsStreamingClient() || m.IsStreamingServer() {
			desc.Streams = append(desc.Streams, grpc.StreamDesc{
				StreamName:    string(m.Name()),
				ServerStreams: m.IsStreamingServer(),
				ClientStreams: m.IsStreamingClient(),
				Handler: func(any, grpc.ServerStream) error {
					return status.Error(codes.Unimplemented, "streaming is not served here")
				},
			})
			continue
		}
		desc.Methods = append(desc.Methods, grpc.MethodDesc{
			MethodName: string(m.Name()),
			Handler: func(_ any, _ context.Context, dec func(any) error, _ grpc.UnaryServerInterceptor) (any, error) {
				req := dynamicpb.NewMessage(m.Input())
				if err := dec(req); err != nil {
					return nil, err
				}
				return dynamicpb.NewMessage(m.Output()), nil
			},
		})
	}
	return desc
}

func loadCase(t testing.TB, name string) (*Descriptors, Options) {
	t.Helper()
	dir := filepath.Join("testdata", name)
	d, err := LoadProto(context.Background(), caseFiles(t, dir), []string{dir})
	require.NoError(t, err)
	return d, caseOptions(t, dir)
}

// Importing through reflection gives the same bytes as importing the .proto files: SDL
// (descriptor sets included) and report.
func TestReflectionMatchesProtoFiles(t *testing.T) {
	for _, c := range []struct {
		name     string
		versions reflectionVersions
	}{
		{"inventory", v1AndV1Alpha},
		{"services", v1AndV1Alpha},
		{"clashes", v1AndV1Alpha},
		{"wellknown", v1AndV1Alpha},
		{"recursion", v1AlphaOnly},
		{"streaming", v1AlphaOnly},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			d, opts := loadCase(t, c.name)
			want, err := Import(d, opts)
			require.NoError(t, err)

			addr := serve(t, d, c.versions)
			rd, err := Reflect(context.Background(), addr, ReflectOptions{Timeout: 5 * time.Second})
			require.NoError(t, err)
			var names []string
			for _, s := range rd.Services {
				names = append(names, string(s.FullName()))
			}
			assert.NotContains(t, names, "grpc.health.v1.Health")
			assert.NotContains(t, names, "grpc.reflection.v1.ServerReflection")
			got, err := Import(rd, opts)
			require.NoError(t, err)
			assert.Equal(t, want.SDL, got.SDL)
			assert.Equal(t, want.Text(), got.Text())
		})
	}
}

// The test server is a real one: a call through it works.
func TestReflectionServerServes(t *testing.T) {
	d, _ := loadCase(t, "inventory")
	addr := serve(t, d, v1AndV1Alpha)
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	require.NoError(t, err)
	defer conn.Close()
	m := d.Services[0].Methods().ByName("GetItem")
	req := dynamicpb.NewMessage(m.Input())
	require.NoError(t, protojson.Unmarshal([]byte(`{"sku": "A-1"}`), req))
	resp := dynamicpb.NewMessage(m.Output())
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	require.NoError(t, conn.Invoke(ctx, "/acme.inventory.v1.InventoryService/GetItem", req, resp))
}

func TestReflectionErrors(t *testing.T) {
	d, _ := loadCase(t, "inventory")
	t.Run("no reflection", func(t *testing.T) {
		t.Parallel()
		addr := serve(t, d, noReflection)
		_, err := Reflect(context.Background(), addr, ReflectOptions{Timeout: 5 * time.Second})
		require.Error(t, err)
		assert.Contains(t, err.Error(), addr+" does not serve gRPC server reflection (neither grpc.reflection.v1 nor v1alpha)")
	})
	t.Run("nothing listening", func(t *testing.T) {
		t.Parallel()
		lis, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		addr := lis.Addr().String()
		require.NoError(t, lis.Close())
		start := time.Now()
		_, err = Reflect(context.Background(), addr, ReflectOptions{Timeout: 5 * time.Second})
		require.Error(t, err)
		assert.Contains(t, err.Error(), "cannot reach "+addr)
		assert.Contains(t, err.Error(), "connection refused")
		assert.Less(t, time.Since(start), 5*time.Second)
	})
	t.Run("silent server", func(t *testing.T) {
		t.Parallel()
		// Accepts connections and never answers: the timeout ends the wait.
		lis, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		defer lis.Close()
		go func() {
			for {
				c, err := lis.Accept()
				if err != nil {
					return
				}
				defer c.Close()
			}
		}()
		start := time.Now()
		_, err = Reflect(context.Background(), lis.Addr().String(), ReflectOptions{Timeout: 300 * time.Millisecond})
		require.Error(t, err)
		assert.Less(t, time.Since(start), 3*time.Second)
		assert.Contains(t, err.Error(), lis.Addr().String())
	})
	t.Run("no address", func(t *testing.T) {
		_, err := Reflect(context.Background(), "", ReflectOptions{})
		require.EqualError(t, err, "no address to reflect on")
	})
}
