// Package pricing is the demo's gRPC service: prices and promotions of the catalogue's
// products (pricing.proto, generated code in pricingpb). schema.graphql maps it into the
// graph with gRPC connector directives; the gateway calls it directly.
package pricing

import (
	"context"
	_ "embed"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/reflection"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/atrium-gateway/atrium/demo/pricing/pricingpb"
)

// Name is the subgraph's name in the registry.
const Name = "pricing"

// SDL is the connector subgraph's schema; its address is the default port, 4006.
//
//go:embed schema.graphql
var SDL string

// premiumCents is the price from which a product is in the premium tier.
const premiumCents = 5000

// prices are the catalogue's products (upc "1" to "9") at the prices the products subgraph
// lists, in cents.
var prices = []struct {
	upc   string
	cents int64
}{
	{"1", 899}, {"2", 1299}, {"3", 15}, {"4", 499}, {"5", 1299},
	{"6", 6999}, {"7", 3999}, {"8", 100000}, {"9", 9999},
}

// promotions are the running promotions, always in this order, as new messages.
func promotions() []*pricingpb.Promotion {
	return []*pricingpb.Promotion{
		{Upc: "3", PercentOff: 10, Note: wrapperspb.String("Summer sale")},
		{Upc: "6", PercentOff: 25},
		{Upc: "9", PercentOff: 15, Note: wrapperspb.String("While stocks last")},
	}
}

// priceOf is the price of upc; ok is false for a upc outside the catalogue. The message is
// new, so the caller may keep it.
func priceOf(upc string) (p *pricingpb.Price, ok bool) {
	for i, row := range prices {
		if row.upc != upc {
			continue
		}
		tier := pricingpb.PriceTier_PRICE_TIER_STANDARD
		if row.cents >= premiumCents {
			tier = pricingpb.PriceTier_PRICE_TIER_PREMIUM
		}
		return &pricingpb.Price{
			Upc:         upc,
			AmountCents: row.cents,
			Currency:    "USD",
			UpdatedAt:   timestamppb.New(time.Date(2025, time.January, 1+i, 9, 0, 0, 0, time.UTC)),
			Tier:        tier,
		}, true
	}
	return nil, false
}

// service implements PricingService over the fixed tables above; it is stateless.
type service struct {
	pricingpb.UnimplementedPricingServiceServer
}

var _ pricingpb.PricingServiceServer = service{}

func (service) GetPrice(_ context.Context, req *pricingpb.GetPriceRequest) (*pricingpb.GetPriceResponse, error) {
	p, ok := priceOf(req.GetUpc())
	if !ok {
		return nil, status.Errorf(codes.NotFound, "no product with upc %q", req.GetUpc())
	}
	return &pricingpb.GetPriceResponse{Price: p}, nil
}

func (service) BatchGetPrices(_ context.Context, req *pricingpb.BatchGetPricesRequest) (*pricingpb.BatchGetPricesResponse, error) {
	resp := &pricingpb.BatchGetPricesResponse{Prices: []*pricingpb.Price{}}
	for _, upc := range req.GetUpcs() {
		if p, ok := priceOf(upc); ok {
			resp.Prices = append(resp.Prices, p)
		}
	}
	return resp, nil
}

func (service) ListPromotions(context.Context, *pricingpb.ListPromotionsRequest) (*pricingpb.ListPromotionsResponse, error) {
	return &pricingpb.ListPromotionsResponse{Promotions: promotions()}, nil
}

// NewServer returns a gRPC server with PricingService, server reflection and the health
// service (SERVING for "" and for the service) registered. The caller serves it on a
// listener and stops it.
func NewServer() *grpc.Server {
	srv := grpc.NewServer()
	pricingpb.RegisterPricingServiceServer(srv, service{})
	reflection.Register(srv)
	hs := health.NewServer()
	hs.SetServingStatus(pricingpb.PricingService_ServiceDesc.ServiceName, healthpb.HealthCheckResponse_SERVING)
	healthpb.RegisterHealthServer(srv, hs)
	return srv
}
