package main

import (
	"context"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/reflection"
	rpb "google.golang.org/grpc/reflection/grpc_reflection_v1"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"

	"github.com/atrium-gateway/atrium/connectors/grpc/importer"
)

const inventoryProto = `syntax = "proto3";
package acme.inventory.v1;

service InventoryService {
  // Gets one item.
  rpc GetItem(GetItemRequest) returns (Item);
  rpc CreateItem(Item) returns (Item);
}

message Item {
  string sku = 1;
  int64 on_hand = 2;
}

message GetItemRequest {
  string sku = 1;
}
`

// withStreaming adds a method the importer does not map.
const withStreaming = `syntax = "proto3";
package acme.feed.v1;

service FeedService {
  rpc GetPost(GetPostRequest) returns (Post);
  rpc WatchPosts(GetPostRequest) returns (stream Post);
}

message Post {
  string id = 1;
}

message GetPostRequest {
  string id = 1;
}
`

// protoDir writes a .proto file into a folder of its own and returns both paths.
func protoDir(t *testing.T, text string) (dir, file string) {
	t.Helper()
	dir = t.TempDir()
	file = filepath.Join(dir, "service.proto")
	require.NoError(t, os.WriteFile(file, []byte(text), 0o644))
	return dir, file
}

func TestConnectorGRPCFromProto(t *testing.T) {
	dir, file := protoDir(t, inventoryProto)
	out := filepath.Join(t.TempDir(), "subgraphs")
	stdout, err := run(t, context.Background(), "connector", "grpc", "--name", "inventory", "--address", "inventory:50051",
		"--proto", file, "-I", dir, "--out", out)
	require.NoError(t, err)
	assert.Contains(t, stdout, "inventory.graphql: 2 methods mapped (1 Query, 1 Mutation), 0 skipped")
	assert.Contains(t, stdout, "inventory.report.txt: 0 unmapped, 0 changed, 0 info")

	sdl, err := os.ReadFile(filepath.Join(out, "inventory.graphql"))
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(sdl), `extend schema
  @link(url: "https://specs.apollo.dev/federation/v2.11", import: ["@key"])
  @link(url: "https://specs.atrium.dev/connectors/v0.1", import: ["@grpcSource", "@grpc"])
  @grpcSource(
    name: "inventory"
    service: "acme.inventory.v1.InventoryService"
    address: "inventory:50051"
`), string(sdl))
	assert.Contains(t, string(sdl), `"Gets one item."
  item(sku: String): Item
    @grpc(source: "inventory", method: "GetItem", request: "sku: $args.sku", selection: "sku onHand")`)
	assert.Contains(t, string(sdl), `type Item @key(fields: "sku")`)

	report, err := os.ReadFile(filepath.Join(out, "inventory.report.txt"))
	require.NoError(t, err)
	assert.Contains(t, string(report), "gRPC import report: inventory")

	// The same input writes the same bytes; a descriptor set and reflection write them too.
	_, err = run(t, context.Background(), "connector", "grpc", "--name", "inventory", "--address", "inventory:50051",
		"--proto", file, "-I", dir, "--out", out)
	require.NoError(t, err)
	again, err := os.ReadFile(filepath.Join(out, "inventory.graphql"))
	require.NoError(t, err)
	assert.Equal(t, string(sdl), string(again))

	d, err := importer.LoadProto(context.Background(), []string{file}, []string{dir})
	require.NoError(t, err)
	set := &descriptorpb.FileDescriptorSet{}
	for _, fd := range d.Files {
		set.File = append(set.File, protodesc.ToFileDescriptorProto(fd))
	}
	raw, err := proto.Marshal(set)
	require.NoError(t, err)
	setFile := writeFile(t, "inventory.binpb", string(raw))
	fromSet := t.TempDir()
	_, err = run(t, context.Background(), "connector", "grpc", "--name", "inventory", "--address", "inventory:50051",
		"--descriptor", setFile, "--out", fromSet)
	require.NoError(t, err)
	b, err := os.ReadFile(filepath.Join(fromSet, "inventory.graphql"))
	require.NoError(t, err)
	assert.Equal(t, string(sdl), string(b), "--descriptor")
}

// reflectionServer serves reflection over d's files on 127.0.0.1 and returns the address.
func reflectionServer(t *testing.T, d *importer.Descriptors) string {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	files := &protoregistry.Files{}
	for _, fd := range d.Files {
		require.NoError(t, files.RegisterFile(fd))
	}
	listed := serviceList{}
	for _, sd := range d.Services {
		listed[string(sd.FullName())] = grpc.ServiceInfo{}
	}
	s := grpc.NewServer()
	rpb.RegisterServerReflectionServer(s, reflection.NewServerV1(reflection.ServerOptions{Services: listed, DescriptorResolver: files}))
	go func() { _ = s.Serve(lis) }()
	t.Cleanup(s.Stop)
	return lis.Addr().String()
}

// serviceList is what a reflection server lists.
type serviceList map[string]grpc.ServiceInfo

func (l serviceList) GetServiceInfo() map[string]grpc.ServiceInfo { return l }

func TestConnectorGRPCReflect(t *testing.T) {
	dir, file := protoDir(t, inventoryProto)
	d, err := importer.LoadProto(context.Background(), []string{file}, []string{dir})
	require.NoError(t, err)
	addr := reflectionServer(t, d)

	fromProto, fromReflection := t.TempDir(), t.TempDir()
	_, err = run(t, context.Background(), "connector", "grpc", "--name", "inventory", "--address", addr, "--proto", file, "-I", dir, "--out", fromProto)
	require.NoError(t, err)
	_, err = run(t, context.Background(), "connector", "grpc", "--name", "inventory", "--address", addr, "--reflect", "--out", fromReflection)
	require.NoError(t, err)
	want, err := os.ReadFile(filepath.Join(fromProto, "inventory.graphql"))
	require.NoError(t, err)
	got, err := os.ReadFile(filepath.Join(fromReflection, "inventory.graphql"))
	require.NoError(t, err)
	assert.Equal(t, string(want), string(got))
}

func TestConnectorGRPCJSONAndStrict(t *testing.T) {
	code := strictExit(t)
	dir, file := protoDir(t, withStreaming)
	out := t.TempDir()
	stdout, err := run(t, context.Background(), "connector", "grpc", "--name", "feed", "--address", "feed:50051", "--proto", file, "-I", dir, "--out", out, "--json")
	require.NoError(t, err)
	assert.Equal(t, 0, *code, "without --strict, unmapped parts are only reported")
	var printed struct {
		Name     string
		Mapped   int
		Skipped  int
		Unmapped int
		Items    []importer.Item
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &printed), stdout)
	assert.Equal(t, "feed", printed.Name)
	assert.Equal(t, 1, printed.Mapped)
	assert.Equal(t, 1, printed.Skipped)
	assert.Equal(t, []importer.Item{{Kind: importer.Unmapped, Element: "acme.feed.v1.FeedService.WatchPosts", Message: "server-streaming method: not mapped (only unary methods are)"}}, printed.Items)
	written, err := os.ReadFile(filepath.Join(out, "feed.report.json"))
	require.NoError(t, err)
	assert.Equal(t, stdout, string(written))
	assert.NoFileExists(t, filepath.Join(out, "feed.report.txt"))

	_, err = run(t, context.Background(), "connector", "grpc", "--name", "feed", "--address", "feed:50051", "--proto", file, "-I", dir, "--out", out, "--strict")
	require.Error(t, err)
	assert.Equal(t, 2, *code)
	assert.Contains(t, err.Error(), "--strict: 1 unmapped parts, listed in "+filepath.Join(out, "feed.report.txt"))
	assert.FileExists(t, filepath.Join(out, "feed.graphql"), "the files are written anyway")

	*code = 0
	cleanDir, clean := protoDir(t, inventoryProto)
	_, err = run(t, context.Background(), "connector", "grpc", "--name", "inventory", "--address", "inventory:50051", "--proto", clean, "-I", cleanDir, "--out", out, "--strict")
	require.NoError(t, err)
	assert.Equal(t, 0, *code)
}

func TestConnectorGRPCBadInput(t *testing.T) {
	code := strictExit(t)
	dir, file := protoDir(t, inventoryProto)
	badDir, bad := protoDir(t, "syntax = \"proto3\";\nmessage A {\n  string a = 1\n}\n")
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	closed := lis.Addr().String()
	require.NoError(t, lis.Close())
	base := []string{"--name", "x", "--address", "x:1"}
	for name, c := range map[string]struct {
		args []string
		want string
	}{
		"no source":       {base, "give exactly one of --reflect, --descriptor FILE or --proto FILE"},
		"two sources":     {append(base, "--reflect", "--proto", file), "give exactly one of"},
		"-I alone":        {append(base, "--descriptor", file, "-I", dir), "-I applies to --proto only"},
		"--tls alone":     {append(base, "--proto", file, "--tls"), "--tls applies to --reflect only"},
		"no name":         {[]string{"--address", "x:1", "--proto", file}, `required flag(s) "name" not set`},
		"no address":      {[]string{"--name", "x", "--proto", file}, `required flag(s) "address" not set`},
		"bad address":     {[]string{"--name", "x", "--address", "x", "--reflect"}, `address "x": want host:port`},
		"bad name":        {[]string{"--name", "my api", "--address", "x:1", "--proto", file, "-I", dir}, `name "my api"`},
		"missing proto":   {append(base, "--proto", filepath.Join(dir, "nope.proto"), "-I", dir), filepath.Join(dir, "nope.proto") + ": no such file"},
		"syntax error":    {append(base, "--proto", bad, "-I", badDir), bad + ":4:1: syntax error"},
		"unknown service": {append(base, "--proto", file, "-I", dir, "--service", "acme.Nope"), `service "acme.Nope" not found; the services are acme.inventory.v1.InventoryService`},
		"unknown method":  {append(base, "--proto", file, "-I", dir, "--query", "Nope"), `--query "Nope": no method of that name`},
		"missing set":     {append(base, "--descriptor", filepath.Join(dir, "nope.binpb")), "reading --descriptor " + filepath.Join(dir, "nope.binpb") + ": no such file or directory"},
		"garbage set":     {append(base, "--descriptor", file), file + ": not a binary FileDescriptorSet"},
		"nothing there":   {[]string{"--name", "x", "--address", closed, "--reflect", "--timeout", "5s"}, "cannot reach " + closed},
	} {
		t.Run(name, func(t *testing.T) {
			out := t.TempDir()
			_, err := run(t, context.Background(), append([]string{"connector", "grpc", "--out", out}, c.args...)...)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
			assert.NotContains(t, err.Error(), "\n", "one line")
			entries, _ := os.ReadDir(out)
			assert.Empty(t, entries, "nothing written")
		})
	}
	assert.Equal(t, 0, *code, "bad input is status 1, not the --strict status")
}

func TestConnectorGRPCHelp(t *testing.T) {
	out, err := run(t, context.Background(), "connector", "grpc", "--help")
	require.NoError(t, err)
	for _, flag := range []string{"--reflect", "--descriptor", "--proto", "--import-path", "--service", "--query", "--mutation", "--out", "--json", "--strict", "--tls", "--timeout"} {
		assert.Contains(t, out, flag)
	}
}
