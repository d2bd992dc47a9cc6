package importer

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	rpb "google.golang.org/grpc/reflection/grpc_reflection_v1"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"

	connectorgrpc "github.com/atrium-gateway/atrium/connectors/grpc"
)

// ReflectOptions configure Reflect.
type ReflectOptions struct {
	// TLS dials with TLS, verifying the server against the system roots (default: plaintext).
	TLS bool
	// Timeout bounds the whole exchange (default 10s).
	Timeout time.Duration
}

// The reflection methods. v1alpha has the same messages as v1, field for field, so one set
// of message types speaks both.
const (
	reflectionV1      = "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo"
	reflectionV1Alpha = "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo"
)

// maxReflectionMessage bounds one reflection response (a file and its imports).
const maxReflectionMessage = 64 << 20

// Reflect loads the descriptors of the services a server lists through gRPC server
// reflection: grpc.reflection.v1, or v1alpha when the server answers v1 with Unimplemented
// or Unavailable. Reflection and health services are left out. Imports the server does not
// send (typically the well-known types) resolve to protoregistry.GlobalFiles.
func Reflect(ctx context.Context, address string, opts ReflectOptions) (*Descriptors, error) {
	if address == "" {
		return nil, errors.New("no address to reflect on")
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 10 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, opts.Timeout)
	defer cancel()
	creds := insecure.NewCredentials()
	if opts.TLS {
		creds = credentials.NewTLS(&tls.Config{MinVersion: tls.VersionTLS12})
	}
	conn, err := grpc.NewClient(address, grpc.WithTransportCredentials(creds),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(maxReflectionMessage)))
	if err != nil {
		return nil, fmt.Errorf("address %q: %v", address, err)
	}
	defer conn.Close()

	d, err := reflectWith(ctx, conn, reflectionV1)
	if c := status.Code(err); c == codes.Unimplemented || c == codes.Unavailable {
		var alphaErr error
		d, alphaErr = reflectWith(ctx, conn, reflectionV1Alpha)
		switch {
		case alphaErr == nil:
			err = nil
		case c == codes.Unimplemented && strings.Contains(status.Convert(err).Message(), "unexpected HTTP status code"):
			return nil, fmt.Errorf("%s does not answer as a gRPC server (%s): check the address and port", address, status.Convert(err).Message())
		case c == codes.Unimplemented && status.Code(alphaErr) == codes.Unimplemented:
			return nil, fmt.Errorf("%s does not serve gRPC server reflection (neither grpc.reflection.v1 nor v1alpha): register it on the server (reflection.Register in grpc-go) or import from --proto or --descriptor files", address)
		case c == codes.Unimplemented:
			err = alphaErr
		}
	}
	if err != nil {
		return nil, reflectError(address, opts, err)
	}
	return d, nil
}

// reflectError says what went wrong talking to address, in one line.
func reflectError(address string, opts ReflectOptions, err error) error {
	st, ok := status.FromError(err)
	if !ok {
		return fmt.Errorf("reflection on %s: %v", address, err)
	}
	msg := st.Message()
	if _, after, found := strings.Cut(msg, "Error while dialing: "); found {
		msg = strings.TrimSuffix(after, `"`)
	}
	switch st.Code() {
	case codes.Unavailable:
		hint := "is the server running and serving plaintext? (--tls for TLS)"
		if opts.TLS {
			hint = "is the server running and serving TLS with a certificate the system trusts?"
		}
		return fmt.Errorf("cannot reach %s: %s; %s", address, msg, hint)
	case codes.DeadlineExceeded:
		return fmt.Errorf("no answer from %s within %s (reflection)", address, opts.Timeout)
	}
	return fmt.Errorf("reflection on %s: %s: %s", address, st.Code(), msg)
}

// reflector is one reflection stream.
type reflector struct {
	stream grpc.ClientStream
}

func (r *reflector) ask(req *rpb.ServerReflectionRequest) (*rpb.ServerReflectionResponse, error) {
	if err := r.stream.SendMsg(req); err != nil {
		if err == io.EOF {
			// The stream ended: RecvMsg has the status.
			_, err = r.recv()
		}
		return nil, err
	}
	return r.recv()
}

func (r *reflector) recv() (*rpb.ServerReflectionResponse, error) {
	resp := &rpb.ServerReflectionResponse{}
	if err := r.stream.RecvMsg(resp); err != nil {
		return nil, err
	}
	if e := resp.GetErrorResponse(); e != nil {
		return nil, status.Error(codes.Code(e.GetErrorCode()), e.GetErrorMessage())
	}
	return resp, nil
}

// files asks for descriptors and keeps those it had not seen.
func (r *reflector) files(req *rpb.ServerReflectionRequest, got map[string]*descriptorpb.FileDescriptorProto) error {
	resp, err := r.ask(req)
	if err != nil {
		return err
	}
	fr := resp.GetFileDescriptorResponse()
	if fr == nil {
		return errors.New("the server answered a file request with something else")
	}
	for _, raw := range fr.GetFileDescriptorProto() {
		fdp := &descriptorpb.FileDescriptorProto{}
		if err := proto.Unmarshal(raw, fdp); err != nil {
			return fmt.Errorf("the server sent a file descriptor that does not decode: %v", err)
		}
		if _, ok := got[fdp.GetName()]; !ok {
			got[fdp.GetName()] = fdp
		}
	}
	return nil
}

func reflectWith(ctx context.Context, conn *grpc.ClientConn, method string) (*Descriptors, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stream, err := conn.NewStream(ctx, &grpc.StreamDesc{ServerStreams: true, ClientStreams: true}, method)
	if err != nil {
		return nil, err
	}
	r := &reflector{stream: stream}
	resp, err := r.ask(&rpb.ServerReflectionRequest{MessageRequest: &rpb.ServerReflectionRequest_ListServices{}})
	if err != nil {
		return nil, err
	}
	var names []string
	for _, s := range resp.GetListServicesResponse().GetService() {
		n := s.GetName()
		if strings.HasPrefix(n, "grpc.reflection.") || strings.HasPrefix(n, "grpc.health.") {
			continue
		}
		names = append(names, n)
	}
	slices.Sort(names)
	names = slices.Compact(names)
	if len(names) == 0 {
		return nil, errors.New("the server lists no services besides reflection and health")
	}
	got := map[string]*descriptorpb.FileDescriptorProto{}
	for _, n := range names {
		err := r.files(&rpb.ServerReflectionRequest{MessageRequest: &rpb.ServerReflectionRequest_FileContainingSymbol{FileContainingSymbol: n}}, got)
		if err != nil {
			return nil, fmt.Errorf("service %s: %w", n, err)
		}
	}
	// Ask for imports the server did not send along, until none is missing.
	for {
		var missing []string
		importer := map[string]string{}
		for _, fdp := range got {
			for _, dep := range fdp.GetDependency() {
				if _, ok := got[dep]; ok || connectorgrpc.WellKnown(dep) {
					continue
				}
				if _, ok := importer[dep]; !ok {
					missing = append(missing, dep)
				}
				if prev, ok := importer[dep]; !ok || fdp.GetName() < prev {
					importer[dep] = fdp.GetName()
				}
			}
		}
		if len(missing) == 0 {
			break
		}
		slices.Sort(missing)
		for _, dep := range missing {
			err := r.files(&rpb.ServerReflectionRequest{MessageRequest: &rpb.ServerReflectionRequest_FileByFilename{FileByFilename: dep}}, got)
			if err != nil && status.Code(err) == codes.NotFound {
				got[dep] = nil // resolved from the built-in files, or reported by build
				continue
			}
			if err != nil {
				return nil, fmt.Errorf("file %s (imported by %s): %w", dep, importer[dep], err)
			}
			if _, ok := got[dep]; !ok {
				got[dep] = nil
			}
		}
	}
	_ = stream.CloseSend()
	var fdps []*descriptorpb.FileDescriptorProto
	for _, name := range slices.Sorted(maps.Keys(got)) {
		if got[name] != nil {
			fdps = append(fdps, got[name])
		}
	}
	reg, err := connectorgrpc.BuildFiles(fdps)
	if err != nil {
		return nil, fmt.Errorf("the server's descriptors: %v", err)
	}
	d := &Descriptors{Files: filesOf(reg)}
	for _, n := range names {
		desc, err := reg.FindDescriptorByName(protoreflect.FullName(n))
		if err != nil {
			return nil, fmt.Errorf("service %s: the server listed it but sent no descriptor of it", n)
		}
		sd, ok := desc.(protoreflect.ServiceDescriptor)
		if !ok {
			return nil, fmt.Errorf("service %s: the server listed it but it is not a service", n)
		}
		d.Services = append(d.Services, sd)
	}
	sortServices(d)
	return d, nil
}
