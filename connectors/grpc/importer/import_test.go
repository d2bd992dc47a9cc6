package importer

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"

	connectorgrpc "github.com/atrium-gateway/atrium/connectors/grpc"
)

// descriptorSet serializes d's files as `protoc --include_imports -o` would.
func descriptorSet(t testing.TB, d *Descriptors, sourceInfo bool) []byte {
	t.Helper()
	set := &descriptorpb.FileDescriptorSet{}
	for _, fd := range d.Files {
		fdp := protodesc.ToFileDescriptorProto(fd)
		if !sourceInfo {
			fdp.SourceCodeInfo = nil
		}
		set.File = append(set.File, fdp)
	}
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(set)
	require.NoError(t, err)
	return b
}

// A descriptor set (with source info, as buf writes it) imports as the .proto files do.
func TestDescriptorSetMatchesProtoFiles(t *testing.T) {
	for _, name := range []string{"inventory", "clashes", "wellknown"} {
		t.Run(name, func(t *testing.T) {
			d, opts := loadCase(t, name)
			want, err := Import(d, opts)
			require.NoError(t, err)
			sd, err := LoadDescriptorSet(descriptorSet(t, d, true))
			require.NoError(t, err)
			got, err := Import(sd, opts)
			require.NoError(t, err)
			assert.Equal(t, want.SDL, got.SDL)
			assert.Equal(t, want.Text(), got.Text())
		})
	}
}

// Each @grpcSource carries a set that DecodeSet reads back: the service's file and its
// imports without the well-known types, and without source info.
func TestDescriptorSetsDecode(t *testing.T) {
	for _, name := range []string{"inventory", "services", "clashes", "wellknown"} {
		d, opts := loadCase(t, name)
		res, err := Import(d, opts)
		require.NoError(t, err)
		doc, gqlErr := parser.ParseSchema(&ast.Source{Input: res.SDL})
		require.Nil(t, gqlErr)
		n := 0
		for _, ext := range doc.SchemaExtension {
			for _, dir := range ext.Directives.ForNames("grpcSource") {
				n++
				service := dir.Arguments.ForName("service").Value.Raw
				value := dir.Arguments.ForName("descriptorSet").Value.Raw
				files, err := connectorgrpc.DecodeSet(value)
				require.NoError(t, err, name)
				desc, err := files.FindDescriptorByName(protoreflect.FullName(service))
				require.NoError(t, err, "%s: %s", name, service)
				_, isService := desc.(protoreflect.ServiceDescriptor)
				assert.True(t, isService, service)
				files.RangeFiles(func(fd protoreflect.FileDescriptor) bool {
					assert.False(t, strings.HasPrefix(fd.Path(), "google/protobuf/"), fd.Path())
					assert.Zero(t, fd.SourceLocations().Len(), "%s keeps source info", fd.Path())
					return true
				})
			}
		}
		assert.Equal(t, len(res.Services), n, name)
	}
}

func TestServiceOption(t *testing.T) {
	d, opts := loadCase(t, "services")
	opts.Name = "users"
	opts.Service = "acme.users.v1.UserService"
	res, err := Import(d, opts)
	require.NoError(t, err)
	assert.Equal(t, []Service{{Name: "acme.users.v1.UserService", Source: "users"}}, res.Services)
	assert.Contains(t, res.SDL, `@grpc(source: "users", method: "GetUser"`)
	assert.NotContains(t, res.SDL, "BanUser")

	opts.Service = "acme.users.v1.Nope"
	_, err = Import(d, opts)
	require.EqualError(t, err, `service "acme.users.v1.Nope" not found; the services are acme.admin.v1.UserService, acme.users.v1.AccountService, acme.users.v1.UserService`)
}

func TestImportOptionErrors(t *testing.T) {
	d, _ := loadCase(t, "streaming")
	for name, c := range map[string]struct {
		opts Options
		want string
	}{
		"bad name":          {Options{Name: "my api", Address: "h:1"}, `name "my api": want a letter`},
		"no address":        {Options{Name: "x"}, `address "": want host:port`},
		"address sans port": {Options{Name: "x", Address: "localhost"}, `address "localhost": want host:port`},
		"unknown --query":   {Options{Name: "x", Address: "h:1", Query: []string{"Nope"}}, `--query "Nope": no method of that name in acme.feed.v1.FeedService`},
		"streaming --query": {Options{Name: "x", Address: "h:1", Query: []string{"WatchPosts"}}, `--query WatchPosts: acme.feed.v1.FeedService.WatchPosts is a streaming method`},
		"both":              {Options{Name: "x", Address: "h:1", Query: []string{"GetPost"}, Mutation: []string{"acme.feed.v1.FeedService/GetPost"}}, "acme.feed.v1.FeedService.GetPost is given both as --query and --mutation"},
		"bad method":        {Options{Name: "x", Address: "h:1", Mutation: []string{"Get Post"}}, `--mutation "Get Post": want a method name`},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Import(d, c.opts)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
	_, err := Import(&Descriptors{}, Options{Name: "x", Address: "h:1"})
	require.EqualError(t, err, "no services found")
}

func TestLoadProtoErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(text), 0o644))
		return p
	}
	bad := write("bad.proto", "syntax = \"proto3\";\npackage x;\nmessage A {\n  string a = 1\n}\n")
	imports := write("imports.proto", "syntax = \"proto3\";\npackage x;\nimport \"missing.proto\";\n")
	undefined := write("undefined.proto", "syntax = \"proto3\";\npackage x;\nmessage A {\n  Nope n = 1;\n}\n")
	for name, c := range map[string]struct {
		files, importPaths []string
		want               string
	}{
		"missing file":   {[]string{filepath.Join(dir, "nope.proto")}, []string{dir}, filepath.Join(dir, "nope.proto") + ": no such file"},
		"syntax error":   {[]string{bad}, []string{dir}, bad + ":5:1: syntax error"},
		"missing import": {[]string{imports}, []string{dir}, imports + `:3:8: import "missing.proto" not found in the import paths (-I ` + dir + ")"},
		"undefined type": {[]string{undefined}, []string{dir}, undefined + `:4:3: field x.A.n: unknown type Nope`},
		"outside -I":     {[]string{bad}, []string{t.TempDir()}, "is not under an import path"},
		"no files":       {nil, nil, "no .proto files given"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := LoadProto(context.Background(), c.files, c.importPaths)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
}

func TestLoadDescriptorSetErrors(t *testing.T) {
	d, _ := loadCase(t, "clashes")
	set := &descriptorpb.FileDescriptorSet{}
	require.NoError(t, proto.Unmarshal(descriptorSet(t, d, false), set))
	set.File = set.File[1:] // drop acme/legacy/v1/legacy.proto, which shop.proto imports
	lacking, err := proto.Marshal(set)
	require.NoError(t, err)
	for name, c := range map[string]struct {
		data []byte
		want string
	}{
		"garbage":  {[]byte("\xff\xff\xff\xff garbage"), "not a binary FileDescriptorSet"},
		"empty":    {nil, "the descriptor set holds no files"},
		"text":     {[]byte(base64.StdEncoding.EncodeToString([]byte("hello"))), "not a binary FileDescriptorSet"},
		"lacking":  {lacking, "acme/shop/v1/shop.proto imports acme/legacy/v1/legacy.proto, which was not given"},
		"no names": {mustMarshal(t, &descriptorpb.FileDescriptorSet{File: []*descriptorpb.FileDescriptorProto{{}}}), ": "},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := LoadDescriptorSet(c.data)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
}

func mustMarshal(t *testing.T, m proto.Message) []byte {
	t.Helper()
	b, err := proto.Marshal(m)
	require.NoError(t, err)
	return b
}

func TestReportJSON(t *testing.T) {
	d, opts := loadCase(t, "streaming")
	res, err := Import(d, opts)
	require.NoError(t, err)
	b, err := res.JSON()
	require.NoError(t, err)
	var v struct {
		Name     string
		Services []Service
		Mapped   int
		Skipped  int
		Unmapped int
		Items    []Item
	}
	require.NoError(t, json.Unmarshal(b, &v))
	assert.Equal(t, "streaming", v.Name)
	assert.Equal(t, 1, v.Mapped)
	assert.Equal(t, 3, v.Skipped)
	assert.Equal(t, 3, v.Unmapped)
	require.Len(t, v.Items, 3)
	assert.Equal(t, Item{Kind: Unmapped, Element: "acme.feed.v1.FeedService.Chat", Message: "bidirectional-streaming method: not mapped (only unary methods are)"}, v.Items[0])
}
