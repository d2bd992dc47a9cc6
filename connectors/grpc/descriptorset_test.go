package grpc_test

import (
	"encoding/base64"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/types/descriptorpb"

	"github.com/atrium-gateway/atrium/connectors/grpc"
	"github.com/atrium-gateway/atrium/connectors/grpc/grpctest"
)

var setSources = map[string]string{
	"shop/common.proto": `syntax = "proto3"; package shop; message Money { int64 cents = 1; string currency = 2; }`,
	"shop/shop.proto": `syntax = "proto3"; package shop;
import "shop/common.proto";
import "google/protobuf/timestamp.proto";
service Shop { rpc Get(Req) returns (Money); }
message Req { string id = 1; google.protobuf.Timestamp at = 2; }`,
}

func TestEncodeSetCarriesImportsButNotTheWellKnownTypes(t *testing.T) {
	files := grpctest.Compile(t, setSources, "shop/shop.proto")
	value, err := grpc.EncodeSet(files[0])
	require.NoError(t, err)
	again, err := grpc.EncodeSet(files[0])
	require.NoError(t, err)
	assert.Equal(t, value, again, "deterministic")

	raw, err := base64.StdEncoding.DecodeString(value)
	require.NoError(t, err)
	var set descriptorpb.FileDescriptorSet
	require.NoError(t, proto.Unmarshal(raw, &set))
	var names []string
	for _, f := range set.File {
		names = append(names, f.GetName())
	}
	assert.Equal(t, []string{"shop/common.proto", "shop/shop.proto"}, names, "dependencies first; timestamp.proto is built in")

	reg, err := grpc.DecodeSet(value)
	require.NoError(t, err)
	d, err := reg.FindDescriptorByName("shop.Shop")
	require.NoError(t, err)
	assert.Equal(t, "shop.Shop", string(d.FullName()))
}

func TestDecodeSetRefusesBadValues(t *testing.T) {
	files := grpctest.Compile(t, setSources, "shop/shop.proto")
	// A set without the file shop.proto imports.
	lone, err := proto.Marshal(&descriptorpb.FileDescriptorSet{File: []*descriptorpb.FileDescriptorProto{protodesc.ToFileDescriptorProto(files[0])}})
	require.NoError(t, err)
	for value, want := range map[string]string{
		"%%%": "not base64",
		base64.StdEncoding.EncodeToString([]byte{0xff, 0xff}): "not a FileDescriptorSet",
		base64.StdEncoding.EncodeToString(lone):               `imports ["shop/common.proto"], which the set lacks`,
	} {
		_, err := grpc.DecodeSet(value)
		require.Error(t, err, value)
		assert.Contains(t, err.Error(), want)
	}
}

// FuzzDecodeSet: any value gives a registry or an error, never a panic.
func FuzzDecodeSet(f *testing.F) {
	files := grpctest.Compile(f, setSources, "shop/shop.proto")
	value, err := grpc.EncodeSet(files[0])
	if err != nil {
		f.Fatal(err)
	}
	raw, _ := base64.StdEncoding.DecodeString(value)
	f.Add(raw)
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, raw []byte) {
		_, _ = grpc.DecodeSet(base64.StdEncoding.EncodeToString(raw))
	})
}
