// Package importer writes gRPC connector subgraphs: it loads a service's descriptors (from
// .proto files, a descriptor set or server reflection) and maps them to federation SDL
// with @grpcSource and @grpc, following the SDL contract of docs/connectors-grpc.md, plus a
// report of what could not be mapped.
package importer

import (
	"errors"
	"fmt"
	"net"
	"regexp"
	"slices"
	"strings"

	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"

	connectorgrpc "github.com/atrium-gateway/atrium/connectors/grpc"
	"github.com/atrium-gateway/atrium/connectors/internal/naming"
)

// Options configure Import.
type Options struct {
	// Name names the @grpcSource when one service is imported (and, by convention, the
	// subgraph and its files): a letter, then letters, digits, "_" or "-". With several
	// services, each source is named after its service (InventoryService → inventoryService).
	Name string
	// Address is the services' host:port, written into @grpcSource(address:).
	Address string
	// Service, when set, imports only the service of that full name.
	Service string
	// Query and Mutation put methods on that root type whatever their names say: "GetThing",
	// or "pkg.Service/GetThing" when several services have the method.
	Query, Mutation []string
}

// Result is an imported subgraph and its report.
type Result struct {
	// SDL is the subgraph schema.
	SDL string
	// Report lists what was not mapped, or mapped differently, sorted by kind then element.
	Report []Item
	// Name is Options.Name; Services are the imported services and their source names.
	Name     string
	Services []Service
	// Mapped and Skipped count methods.
	Mapped, Skipped int
	Summary         Summary
}

// Service is an imported service and the @grpcSource that names it.
type Service struct {
	Name   string `json:"name"`
	Source string `json:"source"`
}

// Summary counts what the SDL holds.
type Summary struct {
	Queries   int `json:"queries"`
	Mutations int `json:"mutations"`
	Objects   int `json:"objects"`
	Entities  int `json:"entities"`
	Inputs    int `json:"inputs"`
	Enums     int `json:"enums"`
	Scalars   int `json:"scalars"`
}

var sourceName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]*$`)

// Import maps services to a connector subgraph. Only unary methods are mapped; everything
// left out or changed is in the report. The output depends only on the descriptors and
// options: the same input gives byte-identical SDL. An error means no SDL: invalid options,
// no services, or descriptors that cannot be encoded. Import is safe for concurrent use.
func Import(d *Descriptors, opts Options) (*Result, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	if d == nil || len(d.Services) == 0 {
		return nil, errors.New("no services found")
	}
	services := d.Services
	if opts.Service != "" {
		i := slices.IndexFunc(services, func(s protoreflect.ServiceDescriptor) bool { return string(s.FullName()) == opts.Service })
		if i < 0 {
			return nil, fmt.Errorf("service %q not found; the services are %s", opts.Service, serviceList(services))
		}
		services = services[i : i+1]
	}
	g := newGen(opts)
	if err := g.addServices(services); err != nil {
		return nil, err
	}
	if err := g.run(); err != nil {
		return nil, err
	}
	res := &Result{Name: opts.Name, Mapped: len(g.roots), Skipped: g.skipped}
	for _, s := range g.services {
		res.Services = append(res.Services, Service{Name: string(s.desc.FullName()), Source: s.source})
	}
	res.SDL = g.print()
	sortItems(g.items)
	res.Report = g.items
	res.Summary = g.summary()
	return res, nil
}

// Validate checks the name, the address and the form of Query and Mutation, so that a
// caller can refuse bad options before loading anything.
func (opts Options) Validate() error {
	if !sourceName.MatchString(opts.Name) {
		return fmt.Errorf("name %q: want a letter, then letters, digits, '_' or '-'", opts.Name)
	}
	if host, port, err := net.SplitHostPort(opts.Address); err != nil || host == "" || port == "" {
		return fmt.Errorf("address %q: want host:port, e.g. inventory:50051", opts.Address)
	}
	_, err := parseMethodSels(opts)
	return err
}

func serviceList(ss []protoreflect.ServiceDescriptor) string {
	var names []string
	for _, s := range ss {
		names = append(names, string(s.FullName()))
	}
	return strings.Join(names, ", ")
}

// addServices names the sources and encodes their descriptor sets.
func (g *gen) addServices(services []protoreflect.ServiceDescriptor) error {
	stripped, err := strippedFiles(services)
	if err != nil {
		return err
	}
	names := naming.NewNamespace()
	for _, sd := range services {
		s := &service{desc: sd, source: g.opts.Name}
		if len(services) > 1 {
			name := style.LowerCamel(string(sd.Name()), "service")
			if names.Has(name) {
				alt := style.LowerCamel(style.Pascal(string(sd.ParentFile().Package()))+string(sd.Name()), "service")
				g.report(Changed, string(sd.FullName()), "source named %s: %s is the source of another service", alt, name)
				name = alt
			}
			s.source, _ = names.Claim(name, string(sd.FullName()))
		}
		fd, ok := stripped[sd.ParentFile().Path()]
		if !ok {
			return fmt.Errorf("service %s: its file %s is not loaded", sd.FullName(), sd.ParentFile().Path())
		}
		if s.set, err = connectorgrpc.EncodeSet(fd); err != nil {
			return fmt.Errorf("service %s: encoding its descriptor set: %v", sd.FullName(), err)
		}
		g.services = append(g.services, s)
		g.servicePkgs[sd.ParentFile().Package()] = true
	}
	return nil
}

// strippedFiles rebuilds the services' files and their imports without source info: the
// descriptor set a subgraph carries is the wire contract (comments are in the SDL), and so
// it is the same whether the files came from .proto sources or from a server's reflection.
func strippedFiles(services []protoreflect.ServiceDescriptor) (map[string]protoreflect.FileDescriptor, error) {
	var fdps []*descriptorpb.FileDescriptorProto
	seen := map[string]bool{}
	var add func(fd protoreflect.FileDescriptor)
	add = func(fd protoreflect.FileDescriptor) {
		if seen[fd.Path()] || connectorgrpc.WellKnown(fd.Path()) {
			return
		}
		seen[fd.Path()] = true
		imports := fd.Imports()
		for i := range imports.Len() {
			add(imports.Get(i).FileDescriptor)
		}
		fdp := protodesc.ToFileDescriptorProto(fd)
		fdp.SourceCodeInfo = nil
		fdps = append(fdps, fdp)
	}
	for _, sd := range services {
		add(sd.ParentFile())
	}
	reg, err := connectorgrpc.BuildFiles(fdps)
	if err != nil {
		return nil, err
	}
	out := map[string]protoreflect.FileDescriptor{}
	for _, fd := range filesOf(reg) {
		out[fd.Path()] = fd
	}
	return out, nil
}
