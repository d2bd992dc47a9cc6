// Package grpc serves gRPC services as connector subgraphs: the descriptors a subgraph
// carries, dynamic calls (no generated stubs) and the mapping of gRPC status to GraphQL
// errors. The importer that writes such subgraphs lives in connectors/grpc/importer.
package grpc

import (
	"encoding/base64"
	"errors"
	"fmt"
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
	if !WellKnown(fd.Path()) {
		return false
	}
	g, _ := protoregistry.GlobalFiles.FindFileByPath(fd.Path())
	return proto.Equal(protodesc.ToFileDescriptorProto(g), protodesc.ToFileDescriptorProto(fd))
}

// WellKnown reports whether path is a well-known type's file (google/protobuf/*) built into
// every gateway.
func WellKnown(path string) bool {
	if !strings.HasPrefix(path, "google/protobuf/") {
		return false
	}
	_, err := protoregistry.GlobalFiles.FindFileByPath(path)
	return err == nil
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
	files, err := BuildFiles(set.File)
	var missing *MissingImportsError
	if errors.As(err, &missing) {
		return nil, fmt.Errorf("descriptorSet file %q imports %q, which the set lacks", missing.File, missing.Missing)
	}
	if err != nil {
		return nil, fmt.Errorf("descriptorSet: %w", err)
	}
	return files, nil
}

// MissingImportsError is a file importing files that were neither given nor built in.
type MissingImportsError struct {
	File    string
	Missing []string
}

func (e *MissingImportsError) Error() string {
	return fmt.Sprintf("%s imports %s, which was not given", e.File, strings.Join(e.Missing, ", "))
}

// BuildFiles makes a registry of files from descriptor protos in any order. Well-known files
// are not rebuilt: the built-in ones are used. Imports the protos lack resolve to
// protoregistry.GlobalFiles, or fail with a MissingImportsError.
func BuildFiles(fdps []*descriptorpb.FileDescriptorProto) (*protoregistry.Files, error) {
	reg := &protoregistry.Files{}
	r := &withGlobal{reg}
	byName := map[string]*descriptorpb.FileDescriptorProto{}
	var pending []*descriptorpb.FileDescriptorProto
	for _, fdp := range fdps {
		name := fdp.GetName()
		if WellKnown(name) {
			continue
		}
		if prev, ok := byName[name]; ok {
			if !proto.Equal(prev, fdp) {
				return nil, fmt.Errorf("%s: two different files with this name", name)
			}
			continue
		}
		byName[name] = fdp
		pending = append(pending, fdp)
	}
	for len(pending) > 0 {
		var next []*descriptorpb.FileDescriptorProto
		for _, fdp := range pending {
			if missing := missingImports(fdp, r, byName); len(missing) > 0 {
				return nil, &MissingImportsError{File: fdp.GetName(), Missing: missing}
			}
			if !importsBuilt(fdp, r) {
				next = append(next, fdp)
				continue
			}
			fd, err := protodesc.NewFile(fdp, r)
			if err != nil {
				return nil, fmt.Errorf("%s: %v", fdp.GetName(), err)
			}
			if err := reg.RegisterFile(fd); err != nil {
				return nil, fmt.Errorf("%s: %v", fdp.GetName(), err)
			}
		}
		if len(next) == len(pending) {
			return nil, fmt.Errorf("%s: import cycle", next[0].GetName())
		}
		pending = next
	}
	return reg, nil
}

func missingImports(fdp *descriptorpb.FileDescriptorProto, r *withGlobal, given map[string]*descriptorpb.FileDescriptorProto) []string {
	var missing []string
	for _, d := range fdp.GetDependency() {
		if _, ok := given[d]; ok {
			continue
		}
		if _, err := r.FindFileByPath(d); err != nil {
			missing = append(missing, d)
		}
	}
	return missing
}

func importsBuilt(fdp *descriptorpb.FileDescriptorProto, r *withGlobal) bool {
	for _, d := range fdp.GetDependency() {
		if _, err := r.FindFileByPath(d); err != nil {
			return false
		}
	}
	return true
}

// withGlobal resolves from the files built so far, then from the built-in ones.
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
