package gateway_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/atrium-gateway/atrium/audit/subgraph"
	"github.com/atrium-gateway/atrium/connectors/engine"
	"github.com/atrium-gateway/atrium/connectors/grpc"
	"github.com/atrium-gateway/atrium/connectors/grpc/grpctest"
	"github.com/atrium-gateway/atrium/federation/compose"
	"github.com/atrium-gateway/atrium/gateway"
	"github.com/atrium-gateway/atrium/metrics"
	"github.com/atrium-gateway/atrium/upstream"
)

// A gRPC inventory service, served from its .proto with no generated code.
const inventoryProto = `syntax = "proto3";
package test.inventory.v1;
import "google/protobuf/timestamp.proto";

service InventoryService {
  rpc GetItem(GetItemRequest) returns (GetItemResponse);
  rpc BatchGetItems(BatchGetItemsRequest) returns (BatchGetItemsResponse);
  rpc CreateItem(CreateItemRequest) returns (Item);
  rpc Slow(GetItemRequest) returns (GetItemResponse);
  rpc Watch(GetItemRequest) returns (stream Item);
}
enum Status { STATUS_UNSPECIFIED = 0; STATUS_ACTIVE = 1; STATUS_RETIRED = 2; }
message Item {
  string sku = 1;
  string name = 2;
  int64 on_hand = 3;
  google.protobuf.Timestamp updated_at = 4;
  Status status = 5;
}
message GetItemRequest { string sku = 1; }
message GetItemResponse { Item item = 1; }
message BatchGetItemsRequest { repeated string skus = 1; }
message BatchGetItemsResponse { repeated Item items = 1; }
message CreateItemRequest { Item item = 1; }
`

// The connector subgraph, as the importer writes it (descriptorSet filled in per test).
const grpcInventorySDL = `extend schema
  @link(url: "https://specs.apollo.dev/federation/v2.11", import: ["@key"])
  @link(url: "https://specs.atrium.dev/connectors/v0.1", import: ["@grpcSource", "@grpc"])
  @grpcSource(name: "inv", service: "test.inventory.v1.InventoryService", address: "ADDRESS", descriptorSet: "SET",
    metadata: [{ name: "x-tenant", from: "x-tenant" }, { name: "x-api-key", value: "{$config.apiKey}" }])

scalar Int64
scalar DateTime
enum Status { STATUS_UNSPECIFIED STATUS_ACTIVE STATUS_RETIRED }
type Query {
  item(sku: ID!): Item
    @grpc(source: "inv", method: "GetItem", request: "sku: $args.sku", selection: "$.item { sku name onHand updatedAt status }")
  slowItem(sku: ID!): Item
    @grpc(source: "inv", method: "Slow", request: "sku: $args.sku", selection: "$.item { sku name }")
}
type Mutation {
  createItem(sku: ID!, name: String!, onHand: Int64): Item
    @grpc(source: "inv", method: "CreateItem", request: "item: { sku: $args.sku name: $args.name onHand: $args.onHand }",
      selection: "sku name onHand updatedAt status")
}
type Item @key(fields: "sku")
  @grpc(source: "inv", method: "BatchGetItems", request: "skus: $batch.sku", selection: "$.items { sku name onHand updatedAt status }", batch: { maxSize: 2 }) {
  sku: ID!
  name: String!
  onHand: Int64!
  updatedAt: DateTime
  status: Status!
}
`

const catalogSDL = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
type Query { featured: [Item]! }
type Item @key(fields: "sku") { sku: ID! }
`

// inventoryService is the service's state and what it saw.
type inventoryService struct {
	mu     sync.Mutex
	calls  map[string]int
	md     []metadata.MD
	budget []time.Duration // time left until the deadline of each Slow call
}

var inventoryItems = map[string]struct {
	name   string
	onHand int64
}{"a1": {"Anvil", 9007199254740993}, "b2": {"Bolt", 0}, "c3": {"Crate", 12}}

func (s *inventoryService) saw(ctx context.Context, method string) {
	md, _ := metadata.FromIncomingContext(ctx)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls[method]++
	s.md = append(s.md, md)
}

func (s *inventoryService) callsTo(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[method]
}

// seen returns copies of what the service saw: metadata per call, deadlines of Slow calls.
func (s *inventoryService) seen() ([]metadata.MD, []time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.md), slices.Clone(s.budget)
}

func (s *inventoryService) handlers(svc protoreflect.ServiceDescriptor) map[string]grpctest.Handler {
	item := svc.ParentFile().Messages().ByName("Item")
	newItem := func(sku string) *dynamicpb.Message {
		it, ok := inventoryItems[sku]
		if !ok {
			return nil
		}
		m := dynamicpb.NewMessage(item)
		set(m, "sku", sku)
		set(m, "name", it.name)
		set(m, "on_hand", it.onHand)
		ts := dynamicpb.NewMessage(item.Fields().ByName("updated_at").Message())
		set(ts, "seconds", int64(1767225600))
		m.Set(item.Fields().ByName("updated_at"), protoreflect.ValueOfMessage(ts))
		m.Set(item.Fields().ByName("status"), protoreflect.ValueOfEnum(1))
		return m
	}
	single := func(in *dynamicpb.Message, out protoreflect.MessageDescriptor) (proto.Message, error) {
		sku := in.Get(in.Descriptor().Fields().ByName("sku")).String()
		if sku == "down" {
			return nil, status.Error(codes.Unavailable, "warehouse db-7.internal is down")
		}
		it := newItem(sku)
		if it == nil {
			return nil, status.Errorf(codes.NotFound, "no item %s in warehouse db-7.internal", sku)
		}
		resp := dynamicpb.NewMessage(out)
		resp.Set(out.Fields().ByName("item"), protoreflect.ValueOfMessage(it))
		return resp, nil
	}
	methods := svc.Methods()
	return map[string]grpctest.Handler{
		"GetItem": func(ctx context.Context, in *dynamicpb.Message) (proto.Message, error) {
			s.saw(ctx, "GetItem")
			return single(in, methods.ByName("GetItem").Output())
		},
		"BatchGetItems": func(ctx context.Context, in *dynamicpb.Message) (proto.Message, error) {
			s.saw(ctx, "BatchGetItems")
			out := methods.ByName("BatchGetItems").Output()
			resp := dynamicpb.NewMessage(out)
			list := resp.Mutable(out.Fields().ByName("items")).List()
			skus := in.Get(in.Descriptor().Fields().ByName("skus")).List()
			for i := skus.Len() - 1; i >= 0; i-- { // answered in reverse: matched by key, not order
				if it := newItem(skus.Get(i).String()); it != nil {
					list.Append(protoreflect.ValueOfMessage(it))
				}
			}
			return resp, nil
		},
		"CreateItem": func(ctx context.Context, in *dynamicpb.Message) (proto.Message, error) {
			s.saw(ctx, "CreateItem")
			it := in.Get(in.Descriptor().Fields().ByName("item")).Message().Interface().(*dynamicpb.Message)
			if it.Get(item.Fields().ByName("name")).String() == "down" {
				return nil, status.Error(codes.Unavailable, "try again")
			}
			if it.Get(item.Fields().ByName("name")).String() == "" {
				return nil, status.Error(codes.InvalidArgument, "name is required")
			}
			return it, nil
		},
		"Slow": func(ctx context.Context, in *dynamicpb.Message) (proto.Message, error) {
			s.saw(ctx, "Slow")
			if d, ok := ctx.Deadline(); ok {
				s.mu.Lock()
				s.budget = append(s.budget, time.Until(d))
				s.mu.Unlock()
			}
			<-ctx.Done()
			return nil, ctx.Err()
		},
	}
}

func set(m *dynamicpb.Message, field string, v any) {
	m.Set(m.Descriptor().Fields().ByName(protoreflect.Name(field)), protoreflect.ValueOf(v))
}

type grpcStack struct {
	*stack
	inv  *inventoryService
	addr string
}

// startGRPCStack serves the inventory service, a GraphQL catalog subgraph and the gateway
// over both; sources configures the gRPC source (nil: defaults).
func startGRPCStack(t *testing.T, src *engine.SourceConfig, extraAddrs ...string) *grpcStack {
	t.Helper()
	files := grpctest.Compile(t, map[string]string{"inventory.proto": inventoryProto}, "inventory.proto")
	svc := files[0].Services().ByName("InventoryService")
	inv := &inventoryService{calls: map[string]int{}}
	srv := grpctest.Serve(t, svc, inv.handlers(svc))
	set, err := grpc.EncodeSet(files[0])
	require.NoError(t, err)
	sdl := strings.NewReplacer("ADDRESS", srv.Addr, "SET", set).Replace(grpcInventorySDL)

	catalog := &subgraph.Subgraph{Name: "catalog", Resolvers: map[string]map[string]subgraph.Resolver{
		"Query": {"featured": func(map[string]any, map[string]any) (any, error) {
			return []any{map[string]any{"sku": "c3"}, map[string]any{"sku": "zz"}, map[string]any{"sku": "a1"}, map[string]any{"sku": "b2"}}, nil
		}},
	}}
	h, err := catalog.Handler(catalogSDL)
	require.NoError(t, err)
	catSrv := httptest.NewServer(h)
	t.Cleanup(catSrv.Close)

	cfg := engine.SourceConfig{Config: map[string]any{"apiKey": "k-123"}}
	if src != nil {
		cfg = *src
	}
	if len(extraAddrs) > 0 {
		cfg.Traffic.URLs = append(slices.Clone(extraAddrs), srv.Addr)
	}
	s := serveComposed(t, []compose.Input{
		{Name: "inventory", URL: "http://none", SDL: sdl},
		{Name: "catalog", URL: catSrv.URL, SDL: catalogSDL},
	}, gateway.Options{ConnectorSources: map[string]engine.SourceConfig{"inventory.inv": cfg}})
	return &grpcStack{stack: s, inv: inv, addr: srv.Addr}
}

type gqlAnswer struct {
	Data   map[string]any
	Errors []struct {
		Message    string
		Path       []any
		Extensions map[string]any
	}
}

func (s *grpcStack) answer(t *testing.T, query string, header ...string) (gqlAnswer, string) {
	t.Helper()
	payload, _ := json.Marshal(map[string]any{"query": query})
	r := s.post(t, string(payload), header...)
	var out gqlAnswer
	require.NoError(t, json.Unmarshal([]byte(r.Body), &out), r.Body)
	return out, r.Body
}

func TestGRPCConnectorServesRootFieldsWithProto3JSONMapping(t *testing.T) {
	s := startGRPCStack(t, nil)
	out, body := s.answer(t, `{ item(sku: "a1") { sku name onHand updatedAt status } }`, "x-tenant", "acme", "authorization", "Bearer secret")
	require.Empty(t, out.Errors, body)
	assert.Equal(t, map[string]any{"sku": "a1", "name": "Anvil", "onHand": "9007199254740993", "updatedAt": "2026-01-01T00:00:00Z",
		"status": "STATUS_ACTIVE"}, out.Data["item"], "int64 exact as a string, Timestamp as RFC 3339, enums by name")

	// Metadata: only what the source maps, nothing else of the client's request.
	mds, _ := s.inv.seen()
	require.Len(t, mds, 1)
	md := mds[0]
	assert.Equal(t, []string{"acme"}, md.Get("x-tenant"))
	assert.Equal(t, []string{"k-123"}, md.Get("x-api-key"))
	assert.Empty(t, md.Get("authorization"))
}

func TestGRPCConnectorResolvesEntitiesInBatchesMatchedByKey(t *testing.T) {
	s := startGRPCStack(t, nil)
	out, body := s.answer(t, `{ featured { sku name onHand } }`)
	// sku zz is unknown: a null entity, whose non-null name nulls the item.
	require.Len(t, out.Errors, 1, body)
	assert.Equal(t, []any{"featured", 1.0, "name"}, out.Errors[0].Path)
	featured := out.Data["featured"].([]any)
	require.Len(t, featured, 4)
	assert.Equal(t, "Crate", featured[0].(map[string]any)["name"])
	assert.Nil(t, featured[1])
	assert.Equal(t, "Anvil", featured[2].(map[string]any)["name"])
	assert.Equal(t, "0", featured[3].(map[string]any)["onHand"], "proto3 zero values are values")
	// Four keys, batch.maxSize 2: two calls.
	assert.Equal(t, 2, s.inv.callsTo("BatchGetItems"))
	assert.Equal(t, 0, s.inv.callsTo("GetItem"))
}

func TestGRPCConnectorStatusesBecomeErrorsWithoutInternals(t *testing.T) {
	s := startGRPCStack(t, nil)
	out, body := s.answer(t, `{ item(sku: "nope") { name } }`)
	assert.Nil(t, out.Data["item"])
	require.Len(t, out.Errors, 1, body)
	e := out.Errors[0]
	assert.Equal(t, "Request failed", e.Message)
	assert.Equal(t, []any{"item"}, e.Path)
	assert.Equal(t, "NOT_FOUND", e.Extensions["code"])
	assert.EqualValues(t, 5, e.Extensions["grpc"].(map[string]any)["code"])
	assert.NotContains(t, body, "db-7.internal", "status messages are masked by default")
	assert.NotContains(t, body, s.addr)

	out, body = s.answer(t, `mutation { createItem(sku: "d4", name: "") { sku } }`)
	require.Len(t, out.Errors, 1, body)
	assert.Equal(t, "INVALID_ARGUMENT", out.Errors[0].Extensions["code"])
}

func TestGRPCConnectorExposesStatusMessagesAndNullsNotFoundWhenConfigured(t *testing.T) {
	s := startGRPCStack(t, &engine.SourceConfig{Treat404AsNull: true, ExposeStatusMessages: true})
	out, body := s.answer(t, `{ item(sku: "nope") { name } }`)
	assert.Empty(t, out.Errors, body)
	assert.Nil(t, out.Data["item"])
	out, body = s.answer(t, `mutation { createItem(sku: "d4", name: "") { sku } }`)
	require.Len(t, out.Errors, 1, body)
	assert.Equal(t, "name is required", out.Errors[0].Message)
}

func TestGRPCConnectorMutationBuildsNestedRequestMessages(t *testing.T) {
	s := startGRPCStack(t, nil)
	out, body := s.answer(t, `mutation { createItem(sku: "d4", name: "Drum", onHand: "12345678901234") { sku name onHand status } }`)
	require.Empty(t, out.Errors, body)
	assert.Equal(t, map[string]any{"sku": "d4", "name": "Drum", "onHand": "12345678901234", "status": "STATUS_UNSPECIFIED"}, out.Data["createItem"])
}

func TestGRPCConnectorDeadlineIsTheSourceTimeout(t *testing.T) {
	s := startGRPCStack(t, &engine.SourceConfig{Traffic: upstream.Config{Timeout: 150 * time.Millisecond}})
	start := time.Now()
	out, body := s.answer(t, `{ slowItem(sku: "a1") { name } }`)
	assert.Less(t, time.Since(start), 5*time.Second)
	require.Len(t, out.Errors, 1, body)
	assert.Equal(t, "UPSTREAM_TIMEOUT", out.Errors[0].Extensions["code"])
	_, budget := s.inv.seen()
	require.Len(t, budget, 1)
	assert.LessOrEqual(t, budget[0], 150*time.Millisecond, "grpc-timeout carries the deadline")
}

func TestGRPCConnectorBalancesAndFailsOverWhenAnInstanceDies(t *testing.T) {
	files := grpctest.Compile(t, map[string]string{"inventory.proto": inventoryProto}, "inventory.proto")
	svc := files[0].Services().ByName("InventoryService")
	other := &inventoryService{calls: map[string]int{}}
	second := grpctest.Serve(t, svc, other.handlers(svc))
	s := startGRPCStack(t, nil, refusedAddr(t), second.Addr) // a dead instance, and two live ones
	query := func(i int) {
		out, body := s.answer(t, fmt.Sprintf(`{ item(sku: "a1") { name } n%d: item(sku: "b2") { name } }`, i))
		require.Empty(t, out.Errors, body)
	}
	for i := range 10 {
		query(i)
	}
	assert.Equal(t, 20, s.inv.callsTo("GetItem")+other.callsTo("GetItem"))
	assert.Positive(t, s.inv.callsTo("GetItem"), "round robin uses both live instances")
	assert.Positive(t, other.callsTo("GetItem"))

	second.GRPC.Stop() // one instance dies: no request fails
	for i := range 10 {
		query(i)
	}
	assert.GreaterOrEqual(t, s.inv.callsTo("GetItem"), 20)
}

// refusedAddr is a host:port nothing listens on.
func refusedAddr(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(nil)
	addr := srv.Listener.Addr().String()
	srv.Close()
	return addr
}

func TestGRPCConnectorSubgraphsFailCompositionWhenTheyDoNotFitTheService(t *testing.T) {
	files := grpctest.Compile(t, map[string]string{"inventory.proto": inventoryProto}, "inventory.proto")
	set, err := grpc.EncodeSet(files[0])
	require.NoError(t, err)
	base := strings.NewReplacer("ADDRESS", "127.0.0.1:1", "SET", set).Replace(grpcInventorySDL)
	for name, c := range map[string]struct{ old, new, want string }{
		"unknown method":   {`method: "GetItem"`, `method: "GetThing"`, `has no method "GetThing"`},
		"request typo":     {`request: "sku: $args.sku"`, `request: "skew: $args.sku"`, `has no field "skew"`},
		"unknown service":  {`service: "test.inventory.v1.InventoryService"`, `service: "test.Nope"`, `has no service "test.Nope"`},
		"garbage set":      {set, "bm90IGEgc2V0", "descriptorSet is not a FileDescriptorSet"},
		"reserved md":      {`name: "x-tenant", from`, `name: "grpc-timeout", from`, `metadata "grpc-timeout" cannot be set`},
		"unknown source":   {`@grpc(source: "inv", method: "Slow"`, `@grpc(source: "nope", method: "Slow"`, `unknown gRPC source "nope"`},
		"streaming method": {`method: "Slow"`, `method: "Watch"`, "streams: only unary methods"},
	} {
		t.Run(name, func(t *testing.T) {
			sdl := strings.Replace(base, c.old, c.new, 1)
			require.NotEqual(t, base, sdl)
			res := compose.Compose([]compose.Input{{Name: "inventory", URL: "http://none", SDL: sdl}})
			require.Error(t, res.Err())
			assert.Contains(t, res.Err().Error(), c.want)
		})
	}
}

func TestGRPCConnectorCachesQueryAnswersPerMetadataButNeverMutations(t *testing.T) {
	s := startGRPCStack(t, &engine.SourceConfig{CacheTTL: time.Minute})
	for range 2 {
		out, body := s.answer(t, `{ item(sku: "a1") { name } }`, "x-tenant", "acme")
		require.Empty(t, out.Errors, body)
	}
	assert.Equal(t, 1, s.inv.callsTo("GetItem"), "the second answer came from the cache")
	out, body := s.answer(t, `{ item(sku: "a1") { name } }`, "x-tenant", "globex")
	require.Empty(t, out.Errors, body)
	assert.Equal(t, 2, s.inv.callsTo("GetItem"), "another tenant's metadata is another cache entry")

	// The counts are metrics.
	rec := httptest.NewRecorder()
	metrics.Handler(gateway.New(s.Snap)).ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	assert.Contains(t, rec.Body.String(), `atrium_connector_cache_hits_total{subgraph="inventory"} 1`)
	assert.Contains(t, rec.Body.String(), `atrium_connector_cache_misses_total{subgraph="inventory"} 2`)
	for range 2 {
		out, body := s.answer(t, `mutation { createItem(sku: "d4", name: "Drum") { sku } }`)
		require.Empty(t, out.Errors, body)
	}
	assert.Equal(t, 2, s.inv.callsTo("CreateItem"))
}

func TestGRPCConnectorBreakerStopsCallsToAFailingService(t *testing.T) {
	s := startGRPCStack(t, &engine.SourceConfig{Traffic: upstream.Config{
		Breaker: upstream.Breaker{Consecutive: 2, MinRequests: 100, OpenFor: time.Minute}}})
	for range 2 {
		out, body := s.answer(t, `{ item(sku: "down") { name } }`)
		require.Len(t, out.Errors, 1, body)
		assert.Equal(t, "UPSTREAM_UNAVAILABLE", out.Errors[0].Extensions["code"])
	}
	before := s.inv.callsTo("GetItem")
	assert.GreaterOrEqual(t, before, 2)
	out, body := s.answer(t, `{ item(sku: "a1") { name } }`)
	require.Len(t, out.Errors, 1, body)
	assert.Equal(t, "UPSTREAM_UNAVAILABLE", out.Errors[0].Extensions["code"], "the breaker is open")
	assert.Equal(t, before, s.inv.callsTo("GetItem"), "an open breaker makes no call")

	// Answers about the request (NOT_FOUND) never open it.
	s = startGRPCStack(t, &engine.SourceConfig{Traffic: upstream.Config{
		Breaker: upstream.Breaker{Consecutive: 2, MinRequests: 100, OpenFor: time.Minute}}})
	for range 3 {
		s.answer(t, `{ item(sku: "nope") { name } }`)
	}
	out, body = s.answer(t, `{ item(sku: "a1") { name } }`)
	require.Empty(t, out.Errors, body)
}

func TestGRPCConnectorCallsOverTLS(t *testing.T) {
	files := grpctest.Compile(t, map[string]string{"inventory.proto": inventoryProto}, "inventory.proto")
	svc := files[0].Services().ByName("InventoryService")
	inv := &inventoryService{calls: map[string]int{}}
	cert, caPEM := grpctest.SelfSigned(t)
	srv := grpctest.ServeTLS(t, svc, inv.handlers(svc), cert)
	descSet, err := grpc.EncodeSet(files[0])
	require.NoError(t, err)
	sdl := strings.NewReplacer("ADDRESS", srv.Addr, "SET", descSet).Replace(grpcInventorySDL)
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	require.NoError(t, os.WriteFile(caFile, caPEM, 0o600))

	serve := func(tlsCfg engine.TLSConfig) *grpcStack {
		s := serveComposed(t, []compose.Input{{Name: "inventory", URL: "http://none", SDL: sdl}},
			gateway.Options{ConnectorSources: map[string]engine.SourceConfig{"inventory.inv": {TLS: tlsCfg, Config: map[string]any{"apiKey": "k"}}}})
		return &grpcStack{stack: s, inv: inv}
	}
	out, body := serve(engine.TLSConfig{Enabled: true, CAFile: caFile}).answer(t, `{ item(sku: "a1") { name } }`)
	require.Empty(t, out.Errors, body)
	assert.Equal(t, "Anvil", out.Data["item"].(map[string]any)["name"])

	// Without the CA (system roots) the certificate is refused; plaintext to a TLS server fails.
	for _, cfg := range []engine.TLSConfig{{Enabled: true}, {}} {
		out, body := serve(cfg).answer(t, `{ item(sku: "a1") { name } }`)
		require.Len(t, out.Errors, 1, body)
		assert.Equal(t, "UPSTREAM_UNAVAILABLE", out.Errors[0].Extensions["code"])
	}
	assert.Equal(t, 1, inv.callsTo("GetItem"))
}

func TestGRPCConnectorRetriesQueryMethodsButNeverMutations(t *testing.T) {
	s := startGRPCStack(t, &engine.SourceConfig{Traffic: upstream.Config{Breaker: upstream.Breaker{Disabled: true}}})
	out, body := s.answer(t, `{ item(sku: "down") { name } }`)
	require.Len(t, out.Errors, 1, body)
	assert.Equal(t, 2, s.inv.callsTo("GetItem"), "a query method is retried on UNAVAILABLE (2 attempts by default)")
	out, body = s.answer(t, `mutation { createItem(sku: "d4", name: "down") { sku } }`)
	require.Len(t, out.Errors, 1, body)
	assert.Equal(t, 1, s.inv.callsTo("CreateItem"), "a mutation is never retried")
}
