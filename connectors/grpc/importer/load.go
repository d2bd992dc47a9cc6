package importer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/bufbuild/protocompile"
	"github.com/bufbuild/protocompile/reporter"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"

	connectorgrpc "github.com/atrium-gateway/atrium/connectors/grpc"
)

// Descriptors are loaded .proto files and the services found in them. The three loaders
// (LoadProto, LoadDescriptorSet, Reflect) build them the same way, from descriptor protos,
// so the same service gives the same import whichever way it was loaded.
type Descriptors struct {
	// Files are the files loaded, sorted by path, without the well-known types (files of
	// protoregistry.GlobalFiles under google/protobuf/, which every gateway has built in and
	// which the loaded files resolve to).
	Files []protoreflect.FileDescriptor
	// Services are the services to import, sorted by full name: those of the named .proto
	// files, of every file of a descriptor set, or those a server lists.
	Services []protoreflect.ServiceDescriptor
}

// maxErrors bounds the compile errors LoadProto reports.
const maxErrors = 20

// LoadProto compiles .proto files with their imports, found in importPaths (the current
// folder when there are none; the well-known types are built in). A file is compiled under
// its path relative to the first import path holding it, as protoc does. Comments
// are kept: they become descriptions. Errors name file:line:col.
func LoadProto(ctx context.Context, files, importPaths []string) (*Descriptors, error) {
	if len(files) == 0 {
		return nil, errors.New("no .proto files given")
	}
	if len(importPaths) == 0 {
		importPaths = []string{"."}
	}
	names, err := protoNames(files, importPaths)
	if err != nil {
		return nil, err
	}
	var mu sync.Mutex
	onDisk := map[string]string{} // name as compiled → path on disk, for error messages
	var problems []string
	resolver := &protocompile.SourceResolver{
		ImportPaths: importPaths,
		Accessor: func(path string) (io.ReadCloser, error) {
			f, err := os.Open(path)
			if err == nil {
				mu.Lock()
				for _, ip := range slices.Concat(importPaths, []string{""}) {
					if rel, ok := relTo(ip, path); ok {
						if _, seen := onDisk[rel]; !seen {
							onDisk[rel] = path
						}
					}
				}
				mu.Unlock()
			}
			return f, err
		},
	}
	// describe writes a compile error as file:line:col: message, with the file's path on disk.
	describe := func(e reporter.ErrorWithPos) string {
		pos := e.GetPosition()
		file := pos.Filename
		if p, ok := onDisk[file]; ok {
			file = p
		}
		msg := e.Unwrap().Error()
		var pe *os.PathError
		if errors.As(e.Unwrap(), &pe) && errors.Is(pe.Err, fs.ErrNotExist) {
			name := filepath.Base(pe.Path)
			for _, ip := range importPaths {
				if rel, ok := relTo(ip, pe.Path); ok {
					name = rel
					break
				}
			}
			msg = fmt.Sprintf("import %q not found in the import paths", name)
			if len(importPaths) > 0 {
				msg += " (-I " + strings.Join(importPaths, " -I ") + ")"
			}
		}
		return fmt.Sprintf("%s:%d:%d: %s", file, pos.Line, pos.Col, msg)
	}
	c := protocompile.Compiler{
		Resolver:       protocompile.WithStandardImports(resolver),
		SourceInfoMode: protocompile.SourceInfoStandard,
		MaxParallelism: 1, // errors in a stable order

		Reporter: reporter.NewReporter(func(e reporter.ErrorWithPos) error {
			mu.Lock()
			defer mu.Unlock()
			problems = append(problems, describe(e))
			if len(problems) >= maxErrors {
				return errors.New("too many errors")
			}
			return nil
		}, nil),
	}
	compiled, err := c.Compile(ctx, names...)
	if len(problems) > 0 {
		return nil, errors.New(strings.Join(problems, "\n"))
	}
	if err != nil {
		var ewp reporter.ErrorWithPos
		if errors.As(err, &ewp) {
			return nil, errors.New(describe(ewp))
		}
		return nil, compileError(err, names, files)
	}
	var fdps []*descriptorpb.FileDescriptorProto
	seen := map[string]bool{}
	var add func(fd protoreflect.FileDescriptor)
	add = func(fd protoreflect.FileDescriptor) {
		if seen[fd.Path()] {
			return
		}
		seen[fd.Path()] = true
		imports := fd.Imports()
		for i := range imports.Len() {
			add(imports.Get(i).FileDescriptor)
		}
		fdps = append(fdps, protodesc.ToFileDescriptorProto(fd))
	}
	for _, f := range compiled {
		add(f)
	}
	reg, err := connectorgrpc.BuildFiles(fdps)
	if err != nil {
		return nil, err
	}
	d := &Descriptors{Files: filesOf(reg)}
	for _, name := range names {
		fd, err := reg.FindFileByPath(name)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", name, err)
		}
		d.Services = append(d.Services, servicesOf(fd)...)
	}
	sortServices(d)
	return d, nil
}

// protoNames turns file paths into the names protocompile looks up: relative to the first
// import path holding them, as protoc does.
func protoNames(files, importPaths []string) ([]string, error) {
	var names []string
	for _, f := range files {
		found := false
		for _, ip := range importPaths {
			if rel, ok := relTo(ip, f); ok {
				names = append(names, rel)
				found = true
				break
			}
		}
		if !found {
			if _, err := os.Stat(f); err != nil {
				return nil, fmt.Errorf("%s: %v", f, unwrapPathError(err))
			}
			return nil, fmt.Errorf("%s is not under an import path (-I %s): give -I the folder its imports are relative to", f, strings.Join(importPaths, " -I "))
		}
	}
	return names, nil
}

// relTo is path relative to dir, in slash form, when path is inside dir.
func relTo(dir, path string) (string, bool) {
	if dir == "" {
		dir = "."
	}
	ad, err1 := filepath.Abs(dir)
	ap, err2 := filepath.Abs(path)
	if err1 != nil || err2 != nil {
		return "", false
	}
	rel, err := filepath.Rel(ad, ap)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", false
	}
	return filepath.ToSlash(rel), true
}

func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// compileError rewrites protocompile's "file not found" errors with the path as given.
func compileError(err error, names, files []string) error {
	if errors.Is(err, os.ErrNotExist) || errors.Is(err, protoregistry.NotFound) {
		msg := err.Error()
		for i, n := range names {
			if strings.Contains(msg, n) {
				return fmt.Errorf("%s: no such file (looked for %s in the import paths)", files[i], n)
			}
		}
	}
	return err
}

// maxSetSize bounds a descriptor set file.
const maxSetSize = 64 << 20

// LoadDescriptorSet reads a binary FileDescriptorSet, as `buf build -o set.binpb` or
// `protoc --include_imports --include_source_info -o set.binpb` write it. Its services are
// those of every file but the well-known types.
func LoadDescriptorSet(data []byte) (*Descriptors, error) {
	if len(data) > maxSetSize {
		return nil, fmt.Errorf("the descriptor set is %d bytes; the limit is %d", len(data), maxSetSize)
	}
	var set descriptorpb.FileDescriptorSet
	if err := proto.Unmarshal(data, &set); err != nil {
		return nil, errors.New("not a binary FileDescriptorSet (write one with `buf build -o set.binpb` or `protoc --include_imports -o set.binpb`)")
	}
	if len(set.GetFile()) == 0 {
		return nil, errors.New("the descriptor set holds no files")
	}
	reg, err := connectorgrpc.BuildFiles(set.GetFile())
	if err != nil {
		return nil, err
	}
	d := &Descriptors{Files: filesOf(reg)}
	for _, fd := range d.Files {
		d.Services = append(d.Services, servicesOf(fd)...)
	}
	sortServices(d)
	return d, nil
}

func filesOf(reg *protoregistry.Files) []protoreflect.FileDescriptor {
	var out []protoreflect.FileDescriptor
	reg.RangeFiles(func(fd protoreflect.FileDescriptor) bool {
		out = append(out, fd)
		return true
	})
	slices.SortFunc(out, func(a, b protoreflect.FileDescriptor) int { return strings.Compare(a.Path(), b.Path()) })
	return out
}

func servicesOf(fd protoreflect.FileDescriptor) []protoreflect.ServiceDescriptor {
	var out []protoreflect.ServiceDescriptor
	for i := range fd.Services().Len() {
		out = append(out, fd.Services().Get(i))
	}
	return out
}

func sortServices(d *Descriptors) {
	slices.SortFunc(d.Services, func(a, b protoreflect.ServiceDescriptor) int {
		return strings.Compare(string(a.FullName()), string(b.FullName()))
	})
	d.Services = slices.CompactFunc(d.Services, func(a, b protoreflect.ServiceDescriptor) bool {
		return a.FullName() == b.FullName()
	})
}
