package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/atrium-gateway/atrium/connectors/grpc"
	"github.com/atrium-gateway/atrium/connectors/mapping"
	"github.com/atrium-gateway/atrium/federation"
)

// gRPC connectors (@grpcSource, @grpc of https://specs.atrium.dev/connectors/v0.1): the
// same kinds, variables, selections, loaders and cache as REST connectors; the call is a
// unary gRPC method made dynamically from the descriptors the subgraph carries. The
// request mapping builds the request message in proto3 JSON form and the selection reads
// the response in that form.

// grpcService is what a @grpcSource names: the service, its address and descriptors.
type grpcService struct {
	desc    protoreflect.ServiceDescriptor
	address string
}

// compileGRPCSources reads the subgraph's @grpcSource applications into sources.
func compileGRPCSources(sg *federation.Supergraph, sub federation.SubgraphID, sources map[string]*source) error {
	name := sg.Subgraphs[sub].Name
	for _, d := range sg.JoinDirectivesOf(sub, "grpcSource") {
		args := argsOf(d)
		s := &source{name: str(args["name"])}
		if s.name == "" {
			return fmt.Errorf("subgraph %q: @grpcSource without a name", name)
		}
		if sources[s.name] != nil {
			return fmt.Errorf("subgraph %q: two sources named %q", name, s.name)
		}
		at := fmt.Sprintf("subgraph %q: @grpcSource %q", name, s.name)
		files, err := grpc.DecodeSet(str(args["descriptorSet"]))
		if err != nil {
			return fmt.Errorf("%s: %w", at, err)
		}
		service := str(args["service"])
		d, err := files.FindDescriptorByName(protoreflect.FullName(service))
		svc, ok := d.(protoreflect.ServiceDescriptor)
		if err != nil || !ok {
			return fmt.Errorf("%s: the descriptor set has no service %q", at, service)
		}
		s.grpc = &grpcService{desc: svc, address: str(args["address"])}
		if s.headers, err = metadataOf(args["metadata"]); err != nil {
			return fmt.Errorf("%s: %w", at, err)
		}
		sources[s.name] = s
	}
	return nil
}

// metadataOf reads metadata mappings: header mappings whose names are lowercased and may
// not be gRPC's own.
func metadataOf(v any) ([]header, error) {
	hs, err := headersOf(v)
	for i := range hs {
		hs[i].name = strings.ToLower(hs[i].name)
		if strings.HasPrefix(hs[i].name, "grpc-") || hs[i].name == "content-type" || hs[i].name == "user-agent" {
			return nil, fmt.Errorf("metadata %q cannot be set by a connector", hs[i].name)
		}
	}
	return hs, err
}

// compileGRPC compiles one @grpc application.
func compileGRPC(sg *federation.Supergraph, d *federation.JoinDirective, sources map[string]*source, coord string) (*connector, error) {
	args := argsOf(d)
	c := &connector{coordinate: coord, typ: d.Type, field: d.Field, method: "GRPC"}
	name := str(args["source"])
	if c.source = sources[name]; c.source == nil || c.source.grpc == nil {
		return nil, fmt.Errorf("unknown gRPC source %q", name)
	}
	svc := c.source.grpc.desc
	m := svc.Methods().ByName(protoreflect.Name(str(args["method"])))
	if m == nil {
		return nil, fmt.Errorf("service %s has no method %q", svc.FullName(), str(args["method"]))
	}
	if m.IsStreamingClient() || m.IsStreamingServer() {
		return nil, fmt.Errorf("method %s streams: only unary methods can be connected", m.FullName())
	}
	c.rpc = m
	var err error
	if c.message, err = optionalSelection(args["request"], "request"); err != nil {
		return nil, err
	}
	if c.message != nil {
		if err := checkMessageShape(c.message.Shape(), m.Input(), "request"); err != nil {
			return nil, err
		}
	}
	if c.selection, err = optionalSelection(args["selection"], "selection"); err != nil {
		return nil, err
	}
	if c.selection == nil {
		return nil, fmt.Errorf("selection is required")
	}
	if b, ok := args["batch"].(map[string]any); ok {
		c.maxBatch = toInt(b["maxSize"])
	}
	return c, c.classify(sg, args)
}

// checkMessageShape checks that the keys a request mapping builds are fields of the
// message (by JSON or proto name), so a typo fails at composition, not per request.
func checkMessageShape(sh *mapping.Shape, md protoreflect.MessageDescriptor, at string) error {
	if sh == nil || md.FullName().Parent() == "google.protobuf" {
		return nil
	}
	fields := md.Fields()
	for _, f := range sh.Fields {
		fd := fields.ByJSONName(f.Name)
		if fd == nil {
			fd = fields.ByName(protoreflect.Name(f.Name))
		}
		if fd == nil {
			return fmt.Errorf("%s: %s has no field %q", at, md.FullName(), f.Name)
		}
		if f.Sub != nil && fd.Message() != nil && !fd.IsMap() {
			if err := checkMessageShape(f.Sub, fd.Message(), at+"."+f.Name); err != nil {
				return err
			}
		}
	}
	return nil
}

// grpcRequest builds the call of a gRPC connector: the request message as JSON, the
// metadata the source maps and what forwarding rules send.
func (c *connector) grpcRequest(vars mapping.Vars, in http.Header, fwd forwarded) (*call, error) {
	cl := &call{method: c.method, pathQuery: grpc.FullMethod(c.rpc), header: http.Header{}, idempotent: !c.mutation}
	if c.message != nil {
		out, _ := c.message.Apply(nil, vars)
		if _, ok := out.(map[string]any); !ok && out != nil {
			return nil, errors.New("request: must map to an object")
		}
		b, err := json.Marshal(out)
		if err != nil {
			return nil, fmt.Errorf("request: %w", err)
		}
		cl.body = b
	}
	// Metadata keys are lowercase: set them in the map directly, not canonicalised.
	for _, h := range c.source.headers {
		delete(cl.header, h.name)
		if h.from != "" {
			if vs := in.Values(h.from); len(vs) > 0 {
				cl.header[h.name] = append([]string(nil), vs...)
			}
			continue
		}
		v, err := h.value.Execute(vars, nil)
		if err != nil {
			return nil, fmt.Errorf("metadata %q: %w", h.name, err)
		}
		if strings.ContainsAny(v, "\r\n\x00") {
			return nil, fmt.Errorf("metadata %q: the value holds a line break or NUL", h.name)
		}
		if v != "" {
			cl.header[h.name] = []string{v}
		}
	}
	fwd.apply(cl.header, true)
	cl.key = fingerprint(cl)
	return cl, nil
}

// invoke makes a gRPC call. Statuses become errors coded by their canonical names;
// NOT_FOUND is a plain null for sources treating 404 as null.
func (s *Subgraph) invoke(ctx context.Context, c *connector, cl *call) (*response, time.Duration, int, error) {
	b := s.backends[c.source]
	if t := b.cfg.Traffic.Timeout; t > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, t)
		defer cancel()
	}
	done, err := b.breaker.Allow()
	if err != nil {
		return nil, 0, 0, failure("UPSTREAM_UNAVAILABLE", "The backend service is unavailable", c)
	}
	raw, err := grpc.Invoke(ctx, b.conn, c.rpc, cl.body, metadata.MD(cl.header))
	done(serviceFailure(err))
	if err != nil {
		if errors.Is(err, grpc.ErrBadRequest) {
			s.log.Warn("connector request does not fit the method", "connector", c.coordinate, "error", err)
			return nil, 0, 0, failure("CONNECTOR_REQUEST_INVALID", "The connector's request could not be built", c)
		}
		name, code, msg := grpc.Status(err)
		s.log.Warn("connector call failed", "connector", c.coordinate, "status", name, "message", msg)
		var e *fieldError
		switch code {
		case codes.NotFound:
			if b.cfg.Treat404AsNull {
				return nil, 0, 0, nil
			}
		case codes.DeadlineExceeded:
			e = failure("UPSTREAM_TIMEOUT", "The backend service did not answer in time", c)
		case codes.Unavailable:
			e = failure("UPSTREAM_UNAVAILABLE", "The backend service is unavailable", c)
		}
		if e == nil {
			e = failure(name, "Request failed", c)
			if b.cfg.ExposeStatusMessages && msg != "" {
				e.message = msg
			}
		}
		e.extensions["grpc"] = map[string]any{"code": int(code)}
		return nil, 0, 0, e
	}
	body, err := decode(raw)
	if err != nil { // protojson wrote it: cannot happen
		return nil, 0, 0, failure("CONNECTOR_RESPONSE_INVALID", "The backend's response is not valid", c)
	}
	return &response{status: http.StatusOK, body: body}, b.cfg.CacheTTL, len(raw), nil
}

// serviceFailure is err when it says the service failed (what the breaker counts), nil
// for success and for answers about the request (NOT_FOUND, INVALID_ARGUMENT, …).
func serviceFailure(err error) error {
	if err == nil || errors.Is(err, grpc.ErrBadRequest) {
		return nil
	}
	switch _, code, _ := grpc.Status(err); code {
	case codes.Unavailable, codes.DeadlineExceeded, codes.Internal, codes.Unknown, codes.DataLoss, codes.ResourceExhausted:
		return err
	}
	return nil
}

// retryMethods are the full names of the methods of src that connectors call without side
// effects (everything but Mutation fields): gRPC retries only those. A method also called
// by a Mutation field is never retried.
func retryMethods(src *source, conns []*connector) []string {
	var safe, unsafe []string
	for _, c := range conns {
		if c.source != src || c.rpc == nil {
			continue
		}
		name := strings.TrimPrefix(grpc.FullMethod(c.rpc), "/")
		if c.mutation {
			unsafe = append(unsafe, name)
		} else if !slices.Contains(safe, name) {
			safe = append(safe, name)
		}
	}
	return slices.DeleteFunc(safe, func(m string) bool { return slices.Contains(unsafe, m) })
}
