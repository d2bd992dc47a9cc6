// Package grpc serves gRPC services as connector subgraphs: the descriptors a subgraph
// carries, dynamic calls (no generated stubs) and the mapping of gRPC status to GraphQL
// errors. The importer that writes such subgraphs lives in connectors/grpc/importer.
package grpc

import (
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strings"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"

	// The well-known types: built into every gateway, so sets leave them out.
	_ "google.golang.org/protobuf/types/known/anypb"
	_ "google.golang.org/protobuf/types/known/durationpb"
	_ "google.golang.org/protobuf/types/known/emptypb"
	_ "google.golang.org/protobuf/types/known/fieldmaskpb"
	_ "google.golang.org/protobuf/types/known/structpb"
	_ "google.golang.org/protobuf/types/known/timestamppb"
	_ "google.golang.org/protobuf/types/known/wrapperspb"
)

// A subgraph carries its service's descriptors in @grpcSource(descriptorSet:), so a
// supergraph is self-contained: gateways never depend on live reflection and serve exactly
// the contract that was composed. The value is a base64 FileDescriptorSet of the service's
// file and its imports, dependencies first. Files every gateway has built in (the
// well-known types, descriptor.proto) are left out and resolved from protoregistry.

// maxDescriptorSet bounds a decoded set (a descriptor set is rarely over a few hundred KiB).
const maxDescriptorSet = 8 << 20

// EncodeSet writes files and their imports, dependencies first and each once, as the
// descriptorSet value. The output is deterministic.
func EncodeSet(files ...protoreflect.FileDescriptor) (string, error) {
	set := &descriptorpb.FileDescriptorSet{}
	seen := map[string]bool{}
	var add func(fd protoreflect.FileDescriptor)
	add = func(fd protoreflect.FileDescriptor) {
		if seen[fd.Path()] || builtIn(fd) {
			return
		}
		seen[fd.Path()] = true
		imports := fd.Imports()
		for i := range imports.Len() {
			add(imports.Get(i).FileDescriptor)
		}
		set.File = append(set.File, protodesc.ToFileDescriptorProto(fd))
	}
	for _, fd := range files {
		add(fd)
	}
	raw, err := proto.MarshalOptions{Deterministic: true}.Marshal(set)
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(raw), nil
}

// builtIn reports whether every gateway knows fd as is: a well-known type's file of the
// global registry with the same contents. (Other files may be registered too, by generated
// code linked into the program, but other gateways do not have them.)
func builtIn(fd protoreflect.FileDescriptor) bool {
	if !strings.HasPrefix(fd.Path(), "google/protobuf/") {
		return false
	}
	g, err := protoregistry.GlobalFiles.FindFileByPath(fd.Path())
	if err != nil {
		return false
	}
	return proto.Equal(protodesc.ToFileDescriptorProto(g), protodesc.ToFileDescriptorProto(fd))
}

// DecodeSet reads a descriptorSet value into a registry of its files (imports of built-in
// files resolve to protoregistry.GlobalFiles).
func DecodeSet(value string) (*protoregistry.Files, error) {
	if base64.StdEncoding.DecodedLen(len(value)) > maxDescriptorSet {
		return nil, errors.New("descriptorSet is too large")
	}
	raw, err := base64.StdEncoding.DecodeString(value)
	if err != nil {
		return nil, errors.New("descriptorSet is not base64")
	}
	var set descriptorpb.FileDescriptorSet
	if err := proto.Unmarshal(raw, &set); err != nil {
		return nil, errors.New("descriptorSet is not a FileDescriptorSet")
	}
	files := &protoregistry.Files{}
	resolver := &withGlobal{files}
	// Files normally come dependencies first; tolerate any order by retrying the ones
	// whose imports are not registered yet.
	pending := set.File
	for len(pending) > 0 {
		var next []*descriptorpb.FileDescriptorProto
		for _, fdp := range pending {
			if !importsKnown(fdp, resolver) {
				next = append(next, fdp)
				continue
			}
			fd, err := protodesc.NewFile(fdp, resolver)
			if err != nil {
				return nil, fmt.Errorf("descriptorSet file %q: %w", fdp.GetName(), err)
			}
			if err := files.RegisterFile(fd); err != nil {
				return nil, fmt.Errorf("descriptorSet file %q: %w", fdp.GetName(), err)
			}
		}
		if len(next) == len(pending) {
			missing := slices.DeleteFunc(slices.Clone(next[0].GetDependency()), func(d string) bool {
				_, err := resolver.FindFileByPath(d)
				return err == nil
			})
			return nil, fmt.Errorf("descriptorSet file %q imports %q, which the set lacks", next[0].GetName(), missing)
		}
		pending = next
	}
	return files, nil
}

func importsKnown(fdp *descriptorpb.FileDescriptorProto, r *withGlobal) bool {
	for _, d := range fdp.GetDependency() {
		if _, err := r.FindFileByPath(d); err != nil {
			return false
		}
	}
	return true
}

// withGlobal resolves from a set's files, then from the built-in ones.
type withGlobal struct{ files *protoregistry.Files }

func (r *withGlobal) FindFileByPath(path string) (protoreflect.FileDescriptor, error) {
	if fd, err := r.files.FindFileByPath(path); err == nil {
		return fd, nil
	}
	return protoregistry.GlobalFiles.FindFileByPath(path)
}

func (r *withGlobal) FindDescriptorByName(name protoreflect.FullName) (protoreflect.Descriptor, error) {
	if d, err := r.files.FindDescriptorByName(name); err == nil {
		return d, nil
	}
	return protoregistry.GlobalFiles.FindDescriptorByName(name)
}
