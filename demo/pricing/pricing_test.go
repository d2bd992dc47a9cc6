package pricing_test

import (
	"encoding/json"
	"flag"
	"net"
	"os"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	reflectionpb "google.golang.org/grpc/reflection/grpc_reflection_v1"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	atriumgrpc "github.com/atrium-gateway/atrium/connectors/grpc"
	"github.com/atrium-gateway/atrium/connectors/mapping"
	"github.com/atrium-gateway/atrium/demo/pricing"
	"github.com/atrium-gateway/atrium/demo/pricing/pricingpb"
)

var update = flag.Bool("update", false, "rewrite the descriptorSet in schema.graphql")

const serviceName = "atrium.demo.pricing.v1.PricingService"

// descriptorSetArg is the descriptorSet argument of @grpcSource in schema.graphql.
var descriptorSetArg = regexp.MustCompile(`(descriptorSet: )"[^"]*"`)

// TestDescriptorSet checks that schema.graphql carries the descriptors of pricing.proto as
// generated into pricingpb, so the SDL cannot drift from the service.
func TestDescriptorSet(t *testing.T) {
	want := encodeSet(t)
	if *update {
		sdl, err := os.ReadFile("schema.graphql")
		require.NoError(t, err)
		require.Len(t, descriptorSetArg.FindAllIndex(sdl, -1), 1)
		sdl = descriptorSetArg.ReplaceAll(sdl, []byte(`${1}"`+want+`"`))
		require.NoError(t, os.WriteFile("schema.graphql", sdl, 0o644))
		return
	}

	source := directive(t, parseSDL(t).SchemaExtension[0].Directives, "grpcSource")
	assert.Equal(t, want, source.Arguments.ForName("descriptorSet").Value.Raw,
		"schema.graphql: the descriptorSet is stale; run go test ./demo/pricing -update")
	assert.Equal(t, serviceName, source.Arguments.ForName("service").Value.Raw)

	files, err := atriumgrpc.DecodeSet(want)
	require.NoError(t, err)
	_, err = files.FindDescriptorByName(serviceName)
	require.NoError(t, err, "the descriptorSet lacks the service")
}

// encodeSet is the descriptorSet of pricing.proto as generated into pricingpb.
func encodeSet(t *testing.T) string {
	t.Helper()
	set, err := atriumgrpc.EncodeSet(pricingpb.File_demo_pricing_pricing_proto)
	require.NoError(t, err)
	return set
}

// TestServer calls every method of the real server through the generated client, then
// the reflection and health services.
func TestServer(t *testing.T) {
	t.Parallel()
	conn := dial(t)
	client := pricingpb.NewPricingServiceClient(conn)
	ctx := t.Context()

	got, err := client.GetPrice(ctx, &pricingpb.GetPriceRequest{Upc: "8"})
	require.NoError(t, err)
	assertJSON(t, `{"price": {"upc": "8", "amountCents": "100000", "currency": "USD",
		"updatedAt": "2025-01-08T09:00:00Z", "tier": "PRICE_TIER_PREMIUM"}}`, got)

	_, err = client.GetPrice(ctx, &pricingpb.GetPriceRequest{Upc: "42"})
	assert.Equal(t, codes.NotFound, status.Code(err), "GetPrice(42): %v", err)

	batch, err := client.BatchGetPrices(ctx, &pricingpb.BatchGetPricesRequest{Upcs: []string{"9", "42", "1"}})
	require.NoError(t, err)
	assertJSON(t, `{"prices": [
		{"upc": "9", "amountCents": "9999", "currency": "USD", "updatedAt": "2025-01-09T09:00:00Z", "tier": "PRICE_TIER_PREMIUM"},
		{"upc": "1", "amountCents": "899", "currency": "USD", "updatedAt": "2025-01-01T09:00:00Z", "tier": "PRICE_TIER_STANDARD"}]}`, batch)

	promos, err := client.ListPromotions(ctx, &pricingpb.ListPromotionsRequest{})
	require.NoError(t, err)
	assertJSON(t, `{"promotions": [
		{"upc": "3", "percentOff": 10, "note": "Summer sale"},
		{"upc": "6", "percentOff": 25, "note": null},
		{"upc": "9", "percentOff": 15, "note": "While stocks last"}]}`, promos)

	refl, err := reflectionpb.NewServerReflectionClient(conn).ServerReflectionInfo(ctx)
	require.NoError(t, err)
	require.NoError(t, refl.Send(&reflectionpb.ServerReflectionRequest{
		MessageRequest: &reflectionpb.ServerReflectionRequest_ListServices{},
	}))
	listed, err := refl.Recv()
	require.NoError(t, err)
	var services []string
	for _, s := range listed.GetListServicesResponse().GetService() {
		services = append(services, s.GetName())
	}
	assert.Contains(t, services, serviceName)
	require.NoError(t, refl.CloseSend())

	health := healthpb.NewHealthClient(conn)
	for _, name := range []string{"", serviceName} {
		resp, err := health.Check(ctx, &healthpb.HealthCheckRequest{Service: name})
		require.NoError(t, err)
		assert.Equal(t, healthpb.HealthCheckResponse_SERVING, resp.GetStatus(), "health of %q", name)
	}
}

// TestSelections applies the request and selection mappings of schema.graphql to the
// real server's messages in proto3 JSON form, as the gateway does.
func TestSelections(t *testing.T) {
	t.Parallel()
	doc := parseSDL(t)
	client := pricingpb.NewPricingServiceClient(dial(t))
	ctx := t.Context()

	product := directive(t, doc.Definitions.ForName("Product").Directives, "grpc")
	req := &pricingpb.BatchGetPricesRequest{}
	fromJSON(t, apply(t, product, "request", mapping.Vars{"$batch": []any{
		map[string]any{"upc": "2"}, map[string]any{"upc": "42"},
	}}), req)
	batch, err := client.BatchGetPrices(ctx, req)
	require.NoError(t, err)
	assert.JSONEq(t, `[{"upc": "2", "currentPrice": {"amountCents": "1299", "currency": "USD",
		"updatedAt": "2025-01-02T09:00:00Z", "tier": "PRICE_TIER_STANDARD"}}]`,
		apply(t, product, "selection", nil, batch))

	promotions := directive(t, doc.Definitions.ForName("Query").Fields.ForName("promotions").Directives, "grpc")
	promos, err := client.ListPromotions(ctx, &pricingpb.ListPromotionsRequest{})
	require.NoError(t, err)
	assert.JSONEq(t, `[
		{"upc": "3", "percentOff": 10, "note": "Summer sale", "product": {"upc": "3"}},
		{"upc": "6", "percentOff": 25, "note": null, "product": {"upc": "6"}},
		{"upc": "9", "percentOff": 15, "note": "While stocks last", "product": {"upc": "9"}}]`,
		apply(t, promotions, "selection", nil, promos))
}

func parseSDL(t *testing.T) *ast.SchemaDocument {
	t.Helper()
	doc, err := parser.ParseSchema(&ast.Source{Name: "schema.graphql", Input: pricing.SDL})
	require.NoError(t, err)
	return doc
}

func directive(t *testing.T, list ast.DirectiveList, name string) *ast.Directive {
	t.Helper()
	d := list.ForName(name)
	require.NotNil(t, d, "@%s", name)
	return d
}

// dial starts pricing.NewServer on a free port and connects to it; both stop with the test.
func dial(t *testing.T) *grpc.ClientConn {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := pricing.NewServer()
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(srv.Stop)
	conn, err := grpc.NewClient(ln.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

// protoJSON is the proto3 JSON form the connector contract maps.
var protoJSON = protojson.MarshalOptions{EmitUnpopulated: true}

// apply evaluates the mapping in argument arg of d over msg (none: null) and vars, and
// returns the result as JSON.
func apply(t *testing.T, d *ast.Directive, arg string, vars mapping.Vars, msg ...proto.Message) string {
	t.Helper()
	sel, err := mapping.Parse(d.Arguments.ForName(arg).Value.Raw)
	require.NoError(t, err)
	var data any
	if len(msg) > 0 {
		raw, err := protoJSON.Marshal(msg[0])
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(raw, &data))
	}
	out, problems := sel.Apply(data, vars)
	require.Empty(t, problems)
	raw, err := json.Marshal(out)
	require.NoError(t, err)
	return string(raw)
}

func fromJSON(t *testing.T, s string, msg proto.Message) {
	t.Helper()
	require.NoError(t, protojson.Unmarshal([]byte(s), msg), "%s", s)
}

func assertJSON(t *testing.T, want string, msg proto.Message) {
	t.Helper()
	raw, err := protoJSON.Marshal(msg)
	require.NoError(t, err)
	assert.JSONEq(t, want, string(raw))
}
