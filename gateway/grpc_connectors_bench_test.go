package gateway_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/atrium-gateway/atrium/audit/subgraph"
	"github.com/atrium-gateway/atrium/connectors/engine"
	"github.com/atrium-gateway/atrium/connectors/grpc"
	"github.com/atrium-gateway/atrium/connectors/grpc/grpctest"
	"github.com/atrium-gateway/atrium/federation/compose"
	"github.com/atrium-gateway/atrium/gateway"
)

// The gRPC connector benchmark reads 50 items from a GraphQL subgraph and each item's
// name from a gRPC service that takes 1 ms per call: by the BatchGetItems method (one call
// per 100 keys), by GetItem per item, and by GetItem answered from the cache.

const benchGRPCSDL = `extend schema
  @link(url: "https://specs.apollo.dev/federation/v2.11", import: ["@key"])
  @link(url: "https://specs.atrium.dev/connectors/v0.1", import: ["@grpcSource", "@grpc"])
  @grpcSource(name: "inv", service: "test.inventory.v1.InventoryService", address: "ADDRESS", descriptorSet: "SET")
scalar Int64
type Item @key(fields: "sku") ITEM_CONNECTOR { sku: ID! name: String! onHand: Int64! }
`

var benchItemConnectors = map[string]string{
	"batch":  `@grpc(source: "inv", method: "BatchGetItems", request: "skus: $batch.sku", selection: "$.items { sku name onHand }")`,
	"single": `@grpc(source: "inv", method: "GetItem", request: "sku: $this.sku", selection: "$.item { sku name onHand }")`,
	"cached": `@grpc(source: "inv", method: "GetItem", request: "sku: $this.sku", selection: "$.item { sku name onHand }")`,
}

func BenchmarkGRPCConnectorItems(b *testing.B) {
	files := grpctest.Compile(b, map[string]string{"inventory.proto": inventoryProto}, "inventory.proto")
	svc := files[0].Services().ByName("InventoryService")
	descSet, err := grpc.EncodeSet(files[0])
	require.NoError(b, err)
	var calls atomic.Int64
	item := files[0].Messages().ByName("Item")
	newItem := func(sku string) *dynamicpb.Message {
		m := dynamicpb.NewMessage(item)
		set(m, "sku", sku)
		set(m, "name", "Item "+sku)
		set(m, "on_hand", int64(len(sku)))
		return m
	}
	getOut, batchOut := svc.Methods().ByName("GetItem").Output(), svc.Methods().ByName("BatchGetItems").Output()
	srv := grpctest.Serve(b, svc, map[string]grpctest.Handler{
		"GetItem": func(_ context.Context, in *dynamicpb.Message) (proto.Message, error) {
			calls.Add(1)
			time.Sleep(time.Millisecond)
			resp := dynamicpb.NewMessage(getOut)
			resp.Set(getOut.Fields().ByName("item"), protoreflect.ValueOfMessage(newItem(in.Get(in.Descriptor().Fields().ByName("sku")).String())))
			return resp, nil
		},
		"BatchGetItems": func(_ context.Context, in *dynamicpb.Message) (proto.Message, error) {
			calls.Add(1)
			time.Sleep(time.Millisecond)
			resp := dynamicpb.NewMessage(batchOut)
			list := resp.Mutable(batchOut.Fields().ByName("items")).List()
			skus := in.Get(in.Descriptor().Fields().ByName("skus")).List()
			for i := range skus.Len() {
				list.Append(protoreflect.ValueOfMessage(newItem(skus.Get(i).String())))
			}
			return resp, nil
		},
	})
	featured := make([]any, 50)
	for i := range featured {
		featured[i] = map[string]any{"sku": fmt.Sprint("s", i)}
	}
	catalog := &subgraph.Subgraph{Name: "catalog", Resolvers: map[string]map[string]subgraph.Resolver{
		"Query": {"featured": func(map[string]any, map[string]any) (any, error) { return featured, nil }},
	}}
	h, err := catalog.Handler(catalogSDL)
	require.NoError(b, err)
	catSrv := httptest.NewServer(h)
	b.Cleanup(catSrv.Close)

	for _, mode := range []string{"batch", "single", "cached"} {
		b.Run(mode, func(b *testing.B) {
			sdl := strings.NewReplacer("ADDRESS", srv.Addr, "SET", descSet, "ITEM_CONNECTOR", benchItemConnectors[mode]).Replace(benchGRPCSDL)
			cfg := engine.SourceConfig{}
			if mode == "cached" {
				cfg.CacheTTL = time.Hour
			}
			s := serveComposed(b, []compose.Input{
				{Name: "inventory", URL: "http://none", SDL: sdl},
				{Name: "catalog", URL: catSrv.URL, SDL: catalogSDL},
			}, gateway.Options{ConnectorSources: map[string]engine.SourceConfig{"inventory.inv": cfg}})
			body := s.query(b, `{ featured { sku name } }`, nil)
			require.Contains(b, body, `"Item s49"`)
			calls.Store(0)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				s.query(b, `{ featured { sku name } }`, nil)
			}
			b.ReportMetric(float64(calls.Load())/float64(b.N), "backend-calls/op")
		})
	}
}
